//! What the fetcher refuses, each over loopback and each one line that says what
//! happened (issue 16, items 12 and 15): a 304 to a request without validators, a
//! redirect to `file:` (or any scheme but http(s)), and a response whose headers never
//! end.

use std::time::Duration;

use liveblog::demo::httpd::{Resource, Server, Site};
use liveblog::sources::fetch::{FetchError, Fetched, Fetcher, Validators};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn fetcher() -> Fetcher {
    Fetcher::new(Duration::from_secs(5)).expect("fetcher")
}

#[tokio::test]
async fn not_modified_without_validators_is_an_error() {
    let site = Site::new();
    site.set(
        "/feed.xml",
        Resource::new(304, "application/rss+xml", Vec::new()),
    );
    let server = Server::start(site).await.expect("server");
    let error = fetcher()
        .fetch(&server.url("/feed.xml"), &Validators::default())
        .await
        .expect_err("a 304 nobody asked for is not success");
    assert_eq!(
        error.to_string(),
        "HTTP 304 Not Modified to a request without validators"
    );
    // With validators, a 304 is what was asked for.
    let validators = Validators {
        etag: Some("\"x\"".to_string()),
        last_modified: None,
    };
    let fetched = fetcher()
        .fetch(&server.url("/feed.xml"), &validators)
        .await
        .expect("a conditional GET's 304");
    assert!(matches!(fetched, Fetched::NotModified(_)));
}

#[tokio::test]
async fn redirect_to_a_file_url_is_refused_by_name() {
    let site = Site::new();
    site.set("/feed.xml", Resource::redirect(302, "file:///etc/passwd"));
    site.set("/other", Resource::redirect(301, "ftp://example.org/feed"));
    let server = Server::start(site).await.expect("server");
    let error = fetcher()
        .fetch(&server.url("/feed.xml"), &Validators::default())
        .await
        .expect_err("never followed");
    assert_eq!(error.to_string(), "redirect to a file: URL refused");
    let error = fetcher()
        .fetch(&server.url("/other"), &Validators::default())
        .await
        .expect_err("never followed");
    assert_eq!(error.to_string(), "redirect to a ftp: URL refused");
}

/// Answers every connection with a status line and then headers, forever (until the
/// client hangs up), `every` apart.
async fn endless_headers(every: Duration) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                if stream.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
                    return;
                }
                for n in 0u64.. {
                    let line = format!("X-Filler-{n}: {}\r\n", "a".repeat(100));
                    if stream.write_all(line.as_bytes()).await.is_err() {
                        return;
                    }
                    if !every.is_zero() {
                        tokio::time::sleep(every).await;
                    }
                }
            });
        }
    });
    format!("http://{addr}/feed.xml")
}

#[tokio::test]
async fn endless_headers_say_the_headers_were_too_long() {
    let url = endless_headers(Duration::ZERO).await;
    let error = fetcher()
        .fetch(&url, &Validators::default())
        .await
        .expect_err("no response");
    let text = error.to_string();
    assert!(
        text.contains("headers") && text.contains("too long"),
        "says what happened: {text}"
    );
    assert!(!text.contains('\n'), "{text}");
}

#[tokio::test]
async fn slow_endless_headers_time_out() {
    let url = endless_headers(Duration::from_millis(50)).await;
    let error = Fetcher::new(Duration::from_secs(1))
        .expect("fetcher")
        .fetch(&url, &Validators::default())
        .await
        .expect_err("no response");
    assert!(matches!(error, FetchError::Timeout(_)), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
}
