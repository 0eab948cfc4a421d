//! Large bodies over loopback: a URL whose last body was large waits for the
//! fetcher's large-body slot before its request is sent (so that the wait does not
//! spend the request's timeout), and its body then holds that slot.

use std::time::Duration;

use liveblog::demo::httpd::{Resource, Server, Site};
use liveblog::sources::fetch::{Body, FetchError, Fetched, Fetcher, LARGE_BODY, Validators};

fn body(fetched: Result<Fetched, FetchError>) -> Body {
    match fetched {
        Ok(Fetched::Body(body)) => body,
        other => panic!("expected a body, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_known_large_waits_for_a_slot_before_it_is_requested() {
    let site = Site::new();
    site.set(
        "/big.xml",
        Resource::ok("application/rss+xml", vec![b' '; LARGE_BODY + 1]),
    );
    site.set("/small.xml", Resource::ok("application/rss+xml", "<rss/>"));
    let server = Server::start(site.clone()).await.expect("server");
    let fetcher = Fetcher::new(Duration::from_secs(30))
        .expect("fetcher")
        .with_max_body(2 * LARGE_BODY);
    let big = server.url("/big.xml");
    let none = Validators::default();

    let first = body(fetcher.fetch(&big, &none).await);
    assert!(first.large_slot.is_some(), "a large body holds a slot");
    // Small bodies go on while it is held.
    assert!(
        body(fetcher.fetch(&server.url("/small.xml"), &none).await)
            .large_slot
            .is_none()
    );

    let second = tokio::spawn({
        let fetcher = fetcher.clone();
        let big = big.clone();
        async move { fetcher.fetch(&big, &Validators::default()).await }
    });
    // Time enough for a request over loopback to arrive, were it sent.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        site.requests("/big.xml"),
        1,
        "not requested while the slot is held"
    );
    drop(first);
    let second = body(second.await.expect("task"));
    assert_eq!(site.requests("/big.xml"), 2);
    assert!(second.large_slot.is_some());
    assert_eq!(second.bytes.len(), LARGE_BODY + 1);
}
