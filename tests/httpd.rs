//! The loopback test server: statuses, conditional GETs, limits, robustness.

use std::time::Duration;

use liveblog::demo::httpd::{MAX_HEAD, Resource, Server, Site};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends raw bytes, half-closes the connection, and reads the whole response.
async fn raw(server: &Server, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    stream.write_all(request).await.expect("write");
    stream.shutdown().await.expect("half-close");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response))
        .await
        .expect("response within 5 s")
        .expect("read");
    String::from_utf8_lossy(&response).into_owned()
}

fn status_of(response: &str) -> &str {
    response.split(' ').nth(1).unwrap_or("")
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn body_of(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

async fn site_with_feed() -> Server {
    let site = Site::default();
    site.set(
        "/feed.xml",
        Resource::ok("application/rss+xml", "<rss version=\"2.0\"></rss>"),
    );
    Server::start(site).await.expect("server starts")
}

#[tokio::test]
async fn get_returns_200_with_etag_and_last_modified() {
    let server = site_with_feed().await;
    assert!(server.url("feed.xml").starts_with("http://127.0.0.1:"));
    assert!(server.url("/feed.xml").ends_with("/feed.xml"));

    let response = reqwest::get(server.url("/feed.xml")).await.expect("get");
    assert_eq!(response.status().as_u16(), 200);
    let etag = response
        .headers()
        .get("etag")
        .expect("etag")
        .to_str()
        .expect("ascii");
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong etag: {etag}"
    );
    assert_eq!(
        Some(etag),
        server
            .site()
            .get("/feed.xml")
            .and_then(|r| r.etag)
            .as_deref()
    );
    let modified = response
        .headers()
        .get("last-modified")
        .expect("last-modified");
    assert!(modified.to_str().expect("ascii").ends_with(" GMT"));
    assert_eq!(
        response.headers().get("content-type").expect("type"),
        "application/rss+xml"
    );
    assert_eq!(
        response.text().await.expect("body"),
        "<rss version=\"2.0\"></rss>"
    );
    assert_eq!(server.site().requests("/feed.xml"), 1);
    assert_eq!(server.site().not_modified("/feed.xml"), 0);
}

#[tokio::test]
async fn if_none_match_gets_304_without_body_until_the_resource_changes() {
    let server = site_with_feed().await;
    let client = reqwest::Client::new();
    let first = client
        .get(server.url("/feed.xml"))
        .send()
        .await
        .expect("get");
    let etag = first.headers()["etag"].to_str().expect("ascii").to_string();

    let second = client
        .get(server.url("/feed.xml"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("conditional get");
    assert_eq!(second.status().as_u16(), 304);
    assert_eq!(second.headers()["etag"].to_str().expect("ascii"), etag);
    assert!(second.bytes().await.expect("body").is_empty());
    assert_eq!(server.site().not_modified("/feed.xml"), 1);

    // A list, with a weak form of our tag, also matches.
    let raw_response = raw(
        &server,
        format!("GET /feed.xml HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"nope\", W/{etag}\r\n\r\n")
            .as_bytes(),
    )
    .await;
    assert_eq!(status_of(&raw_response), "304");
    assert_eq!(body_of(&raw_response), "");

    // An edit changes the ETag: the old one no longer matches.
    server.site().set(
        "/feed.xml",
        Resource::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel/></rss>",
        ),
    );
    let third = client
        .get(server.url("/feed.xml"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("conditional get");
    assert_eq!(third.status().as_u16(), 200);
    assert_ne!(third.headers()["etag"].to_str().expect("ascii"), etag);
    assert_eq!(server.site().requests("/feed.xml"), 4);
    assert_eq!(server.site().not_modified("/feed.xml"), 2);
}

#[tokio::test]
async fn if_modified_since_when_there_is_no_if_none_match() {
    let server = site_with_feed().await;
    let modified = server
        .site()
        .get("/feed.xml")
        .and_then(|r| r.last_modified)
        .expect("last-modified");
    let response = raw(
        &server,
        format!("GET /feed.xml HTTP/1.1\r\nIf-Modified-Since: {modified}\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(status_of(&response), "304");

    let old = raw(
        &server,
        b"GET /feed.xml HTTP/1.1\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&old), "200");

    // If-None-Match wins over If-Modified-Since.
    let both = raw(
        &server,
        format!(
            "GET /feed.xml HTTP/1.1\r\nIf-None-Match: \"other\"\r\nIf-Modified-Since: {modified}\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    assert_eq!(status_of(&both), "200");
}

#[tokio::test]
async fn unknown_path_is_404_and_removed_path_too() {
    let server = site_with_feed().await;
    let response = reqwest::get(server.url("/nope")).await.expect("get");
    assert_eq!(response.status().as_u16(), 404);
    assert!(response.text().await.expect("body").contains("Not Found"));
    assert_eq!(server.site().requests("/nope"), 1);

    server.site().remove("/feed.xml");
    let gone = reqwest::get(server.url("/feed.xml")).await.expect("get");
    assert_eq!(gone.status().as_u16(), 404);
}

#[tokio::test]
async fn head_sends_headers_only() {
    let server = site_with_feed().await;
    let response = raw(&server, b"HEAD /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(status_of(&response), "200");
    assert_eq!(header(&response, "content-length"), Some("25"));
    assert!(header(&response, "etag").is_some());
    assert_eq!(body_of(&response), "");
}

#[tokio::test]
async fn garbage_gets_400_and_the_server_keeps_serving() {
    let server = site_with_feed().await;
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"[..],
        b"HELLO\r\n\r\n",
        b"GET /feed.xml HTTP/1.1\r\nBroken header line\r\n\r\n",
        b"GET /feed.xml\r\n\r\n",
        b"GET feed.xml HTTP/1.1\r\n\r\n",
        b"\r\n\r\n",
    ] {
        let response = raw(&server, garbage).await;
        assert_eq!(status_of(&response), "400", "for {garbage:?}: {response}");
    }
    // The client closing early (or sending nothing) does not hurt either.
    drop(TcpStream::connect(server.addr()).await.expect("connect"));
    let half = raw(&server, b"GET /feed.xml HT").await;
    assert_eq!(status_of(&half), "400", "a head cut short: {half}");

    let response = reqwest::get(server.url("/feed.xml")).await.expect("get");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn oversized_head_is_refused_and_other_methods_are_405() {
    let server = site_with_feed().await;
    let mut big = b"GET /feed.xml HTTP/1.1\r\nX-Big: ".to_vec();
    big.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
    big.extend_from_slice(b"\r\n\r\n");
    let response = raw(&server, &big).await;
    assert_eq!(status_of(&response), "431");

    let post = raw(
        &server,
        b"POST /feed.xml HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&post), "405");
    assert_eq!(header(&post, "allow"), Some("GET, HEAD"));

    let response = reqwest::get(server.url("/feed.xml")).await.expect("get");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_silent_client_does_not_block_others() {
    let server = site_with_feed().await;
    let _silent = TcpStream::connect(server.addr()).await.expect("connect");
    let mut slow = TcpStream::connect(server.addr()).await.expect("connect");
    slow.write_all(b"GET /feed.xml HTTP/1.1\r\n")
        .await
        .expect("write");
    let response = reqwest::get(server.url("/feed.xml")).await.expect("get");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn custom_statuses_headers_delay_and_queries() {
    let site = Site::default();
    site.set("/moved", Resource::redirect(301, "/feed.xml"));
    site.set(
        "/busy",
        Resource::text(503, "try later\n").with_header("Retry-After", "120"),
    );
    site.set("/feed.xml", Resource::ok("application/atom+xml", "<feed/>"));
    site.set("/slow", Resource::ok("text/plain", "slow"));
    site.set_delay("/slow", Duration::from_millis(300));
    let server = Server::start(site).await.expect("server starts");

    let busy = raw(&server, b"GET /busy HTTP/1.1\r\n\r\n").await;
    assert_eq!(status_of(&busy), "503");
    assert_eq!(header(&busy, "retry-after"), Some("120"));

    // reqwest follows the redirect to the feed.
    let followed = reqwest::get(server.url("/moved")).await.expect("get");
    assert_eq!(followed.status().as_u16(), 200);
    assert_eq!(followed.text().await.expect("body"), "<feed/>");
    assert_eq!(server.site().requests("/moved"), 1);

    // A query string falls back to the path's resource.
    let query = raw(&server, b"GET /feed.xml?since=1 HTTP/1.1\r\n\r\n").await;
    assert_eq!(status_of(&query), "200");
    assert_eq!(server.site().requests("/feed.xml"), 2);

    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .expect("client");
    assert!(client.get(server.url("/slow")).send().await.is_err());
    let started = std::time::Instant::now();
    let slow = reqwest::get(server.url("/slow")).await.expect("get");
    assert_eq!(slow.status().as_u16(), 200);
    assert!(started.elapsed() >= Duration::from_millis(250));

    let headers = server
        .site()
        .last_request_headers("/slow")
        .expect("headers");
    assert!(headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")));
    assert!(server.site().total_requests() >= 6);
}

#[tokio::test]
async fn many_concurrent_clients() {
    let server = site_with_feed().await;
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let client = client.clone();
        let url = server.url("/feed.xml");
        tasks.push(tokio::spawn(async move {
            client.get(url).send().await.map(|r| r.status().as_u16())
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("join").expect("get"), 200);
    }
    assert_eq!(server.site().requests("/feed.xml"), 50);
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = site_with_feed().await;
    let addr = server.addr();
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}
