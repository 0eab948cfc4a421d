//! Poller and store over loopback: `poll_once` + `ingest` into a `Store` against a
//! feed served by `httpd` on 127.0.0.1 — new, edited, added, 304, 500 — and the
//! `Poller`'s schedule and `refresh_all`.

mod common;

use std::time::Duration;

use common::{RssItem, rss};
use liveblog::config::{Config, SourceConfig};
use liveblog::demo::httpd::{Resource, Server, Site};
use liveblog::model::{Format, SourceId};
use liveblog::sources::fetch::{Fetcher, Validators};
use liveblog::sources::poller::{Poll, PollOutcome, Poller, poll_once};
use liveblog::store::Store;
use liveblog::store::ingest::{Ingested, ingest};
use tokio::sync::mpsc;

const RSS_TYPE: &str = "application/rss+xml";

fn item<'a>(guid: &'a str, title: &'a str, body: &'a str, time: &'a str) -> RssItem<'a> {
    RssItem {
        guid,
        title,
        description: body,
        pub_date: time,
    }
}

fn three() -> Vec<RssItem<'static>> {
    vec![
        item(
            "c1",
            "Ceasefire talks resume",
            "Negotiators met in Cairo.",
            "Wed, 01 May 2024 14:05:00 GMT",
        ),
        item(
            "d1",
            "Drone strike reported",
            "Two people were hurt.",
            "Wed, 01 May 2024 13:30:00 GMT",
        ),
        item(
            "m1",
            "Markets open lower",
            "Stocks fell.",
            "Wed, 01 May 2024 12:00:00 GMT",
        ),
    ]
}

fn source(server: &Server, path: &str, interval: Duration) -> SourceConfig {
    source_at("live", &server.url(path), interval)
}

/// A source as the config would give it (built through the config parser, so the
/// test does not depend on `SourceConfig`'s private layout).
fn source_at(name: &str, url: &str, interval: Duration) -> SourceConfig {
    let text = format!(
        "[general]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"{name}\"\nurl = \"{url}\"\n"
    );
    let config = Config::parse(&text, "<test>").expect("test config parses");
    let mut source = config.sources.into_iter().next().expect("one source");
    assert_eq!(source.format, Format::Auto);
    // Config durations are whole seconds; tests poll faster.
    source.interval = interval;
    source
}

fn fetcher() -> Fetcher {
    Fetcher::new(Duration::from_secs(5)).expect("fetcher")
}

async fn serve(body: String) -> Server {
    let site = Site::new();
    site.set("/feed.xml", Resource::ok(RSS_TYPE, body));
    Server::start(site).await.expect("server")
}

/// Polls once with the validators the cache holds, and stores the result.
async fn poll_and_ingest(store: &mut Store, source: &SourceConfig) -> (Poll, Ingested) {
    let state = store.source_state(&source.id).expect("state");
    let validators = Validators {
        etag: state.etag,
        last_modified: state.last_modified,
    };
    let mut poll = poll_once(&fetcher(), source, &validators).await;
    let ingested = ingest(store, &mut poll).expect("ingest");
    (poll, ingested)
}

fn ids(entries: &[liveblog::model::Entry]) -> Vec<&str> {
    entries
        .iter()
        .map(|entry| entry.item.id.0.as_str())
        .collect()
}

#[tokio::test]
async fn polls_store_new_edited_added_and_not_modified_entries() {
    let server = serve(rss(&three())).await;
    let site = server.site().clone();
    let source = source(&server, "/feed.xml", Duration::from_secs(60));
    let mut store = Store::open_in_memory().expect("store");

    // First poll: everything is new, newest first.
    let (poll, first) = poll_and_ingest(&mut store, &source).await;
    assert!(
        matches!(poll.outcome, PollOutcome::Parsed { .. }),
        "{:?}",
        poll.outcome
    );
    assert_eq!(ids(&first.applied.new), ["c1", "d1", "m1"]);
    assert!(first.applied.updated.is_empty());
    assert!(!first.not_modified);
    assert!(first.state.last_error.is_none());
    assert!(first.state.last_success.is_some());
    assert_eq!(
        first.state.etag,
        site.get("/feed.xml").unwrap().etag,
        "the ETag is kept for the next poll"
    );
    assert_eq!(first.state.url.as_deref(), Some(source.url.as_str()));
    assert_eq!(store.count().unwrap(), 3);
    let headers = site.last_request_headers("/feed.xml").unwrap();
    assert!(
        !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("if-none-match")),
        "the first request is unconditional: {headers:?}"
    );

    // Unchanged: the second request carries If-None-Match and gets a 304.
    let (poll, same) = poll_and_ingest(&mut store, &source).await;
    assert!(
        matches!(poll.outcome, PollOutcome::NotModified),
        "{:?}",
        poll.outcome
    );
    assert_eq!(site.not_modified("/feed.xml"), 1);
    let headers = site.last_request_headers("/feed.xml").unwrap();
    let inm = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("if-none-match"))
        .map(|(_, value)| value.clone());
    assert_eq!(inm, first.state.etag, "If-None-Match is the stored ETag");
    assert!(same.not_modified);
    assert!(same.applied.new.is_empty() && same.applied.updated.is_empty());
    assert!(same.state.last_success.is_some() && same.state.last_error.is_none());
    assert_eq!(store.count().unwrap(), 3);

    // One item's body changes (a new resource, so a new ETag): 1 updated, 0 new.
    let mut edited = three();
    edited[1].description = "Officials now say three people were hurt.";
    site.set("/feed.xml", Resource::ok(RSS_TYPE, rss(&edited)));
    let (_, changed) = poll_and_ingest(&mut store, &source).await;
    assert!(changed.applied.new.is_empty(), "{:?}", changed.applied.new);
    assert_eq!(ids(&changed.applied.updated), ["d1"]);
    let entry = &changed.applied.updated[0];
    assert!(entry.edited);
    assert_eq!(entry.item.text, "Officials now say three people were hurt.");
    let stored = store
        .entry(&source.id, &entry.item.id)
        .unwrap()
        .expect("stored");
    assert!(stored.edited, "the cache marks it edited");
    assert_eq!(stored.item.text, entry.item.text);
    assert_eq!(
        stored.first_seen, first.applied.new[1].first_seen,
        "an edit keeps first_seen"
    );
    assert_eq!(store.count().unwrap(), 3);

    // An item is added: 1 new, 0 updated.
    let mut added = vec![item(
        "n1",
        "Statement expected",
        "At four.",
        "Wed, 01 May 2024 15:00:00 GMT",
    )];
    added.extend(edited);
    site.set("/feed.xml", Resource::ok(RSS_TYPE, rss(&added)));
    let (_, more) = poll_and_ingest(&mut store, &source).await;
    assert_eq!(ids(&more.applied.new), ["n1"]);
    assert!(
        more.applied.updated.is_empty(),
        "{:?}",
        more.applied.updated
    );
    assert_eq!(store.count().unwrap(), 4);
    assert_eq!(
        ids(&store.entries(None).unwrap()),
        ["n1", "c1", "d1", "m1"],
        "newest first"
    );

    // Unchanged again: 304, nothing new.
    let before = site.not_modified("/feed.xml");
    let (_, same) = poll_and_ingest(&mut store, &source).await;
    assert!(same.not_modified);
    assert_eq!(site.not_modified("/feed.xml"), before + 1);
    assert!(same.applied.new.is_empty() && same.applied.updated.is_empty());
}

#[tokio::test]
async fn a_server_error_records_last_error_and_leaves_the_cache_alone() {
    let server = serve(rss(&three())).await;
    let site = server.site().clone();
    let source = source(&server, "/feed.xml", Duration::from_secs(60));
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = poll_and_ingest(&mut store, &source).await;
    assert_eq!(first.applied.new.len(), 3);
    let cached = store.entries(None).unwrap();
    let good_etag = first.state.etag.clone();
    let good_state = store.source_state(&source.id).unwrap();

    site.set("/feed.xml", Resource::text(500, "Internal Server Error\n"));
    let (poll, failed) = poll_and_ingest(&mut store, &source).await;
    let PollOutcome::Failed(error) = &poll.outcome else {
        panic!("a 500 is a failure: {:?}", poll.outcome);
    };
    assert!(error.contains("500"), "{error}");
    assert!(!error.contains('\n'), "one line: {error:?}");
    assert!(failed.applied.new.is_empty() && failed.applied.updated.is_empty());
    assert_eq!(failed.state.last_error.as_deref(), Some(error.as_str()));
    let state = store.source_state(&source.id).unwrap();
    assert_eq!(state.last_error.as_deref(), Some(error.as_str()));
    assert_eq!(
        state.last_success, good_state.last_success,
        "the last success is kept"
    );
    assert_eq!(state.etag, good_etag, "validators of the last 200 are kept");
    assert_eq!(store.entries(None).unwrap(), cached, "entries untouched");

    // Recovery clears the error.
    site.set("/feed.xml", Resource::ok(RSS_TYPE, rss(&three())));
    let (_, ok) = poll_and_ingest(&mut store, &source).await;
    assert!(ok.state.last_error.is_none());
    assert!(store.source_state(&source.id).unwrap().last_error.is_none());
    assert_eq!(store.count().unwrap(), 3);
}

#[tokio::test]
async fn a_closed_port_is_a_one_line_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().unwrap().port()
    };
    let source = source_at(
        "dead",
        &format!("http://127.0.0.1:{port}/feed.xml"),
        Duration::from_secs(60),
    );
    let mut store = Store::open_in_memory().expect("store");
    let (poll, ingested) = poll_and_ingest(&mut store, &source).await;
    let PollOutcome::Failed(error) = &poll.outcome else {
        panic!("{:?}", poll.outcome);
    };
    assert!(!error.is_empty() && !error.contains('\n'), "{error:?}");
    assert!(ingested.state.last_error.is_some());
    assert!(ingested.state.last_success.is_none());
    assert_eq!(store.count().unwrap(), 0);
}

async fn recv(rx: &mut mpsc::Receiver<Poll>, within: Duration) -> Poll {
    tokio::time::timeout(within, rx.recv())
        .await
        .expect("a poll in time")
        .expect("channel open")
}

#[tokio::test]
async fn the_poller_polls_on_its_interval() {
    let server = serve(rss(&three())).await;
    let site = server.site().clone();
    let (tx, mut rx) = mpsc::channel(16);
    let source = source(&server, "/feed.xml", Duration::from_millis(100));
    let poller = Poller::spawn(fetcher(), vec![(source, Validators::default())], tx, None);

    let first = recv(&mut rx, Duration::from_secs(5)).await;
    assert_eq!(first.source, SourceId("live".to_string()));
    assert!(
        matches!(first.outcome, PollOutcome::Parsed { .. }),
        "{:?}",
        first.outcome
    );
    let second = recv(&mut rx, Duration::from_secs(5)).await;
    // The poller remembers the validators: the repeat is conditional.
    assert!(
        matches!(second.outcome, PollOutcome::NotModified),
        "{:?}",
        second.outcome
    );
    assert!(second.finished >= first.finished);
    assert!(site.requests("/feed.xml") >= 2);
    assert!(site.not_modified("/feed.xml") >= 1);

    // Dropping the poller stops it.
    drop(poller);
    tokio::time::sleep(Duration::from_millis(50)).await;
    while rx.try_recv().is_ok() {}
    let count = site.requests("/feed.xml");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(site.requests("/feed.xml"), count, "no polls after drop");
}

#[tokio::test]
async fn refresh_all_polls_at_once() {
    let server = serve(rss(&three())).await;
    let site = server.site().clone();
    let other = Site::new();
    other.set("/b.xml", Resource::ok(RSS_TYPE, rss(&three()[..1])));
    let other_server = Server::start(other.clone()).await.expect("server");
    let (tx, mut rx) = mpsc::channel(16);
    let slow = Duration::from_secs(3600);
    let second = source_at("other", &other_server.url("/b.xml"), slow);
    let poller = Poller::spawn(
        fetcher(),
        vec![
            (source(&server, "/feed.xml", slow), Validators::default()),
            (second, Validators::default()),
        ],
        tx,
        None,
    );
    // Each source polls once at start.
    let mut sources = vec![
        recv(&mut rx, Duration::from_secs(5)).await.source.0,
        recv(&mut rx, Duration::from_secs(5)).await.source.0,
    ];
    sources.sort();
    assert_eq!(sources, ["live", "other"]);
    // Nothing more on an hour's interval...
    assert!(
        tokio::time::timeout(Duration::from_millis(200), rx.recv())
            .await
            .is_err()
    );
    // ...until refresh_all.
    poller.refresh_all();
    let mut again = vec![
        recv(&mut rx, Duration::from_secs(2)).await.source.0,
        recv(&mut rx, Duration::from_secs(2)).await.source.0,
    ];
    again.sort();
    assert_eq!(again, ["live", "other"]);
    assert_eq!(site.requests("/feed.xml"), 2);
    assert_eq!(other.requests("/b.xml"), 2);

    // refresh(one) polls just that one.
    poller.refresh(&SourceId("other".to_string()));
    let one = recv(&mut rx, Duration::from_secs(2)).await;
    assert_eq!(one.source.0, "other");
    assert!(
        tokio::time::timeout(Duration::from_millis(200), rx.recv())
            .await
            .is_err()
    );
    assert_eq!(site.requests("/feed.xml"), 2);
}

#[tokio::test]
async fn an_unchanged_body_without_validators_is_fetched_but_changes_nothing() {
    let server = serve(String::new()).await;
    let site = server.site().clone();
    site.set(
        "/feed.xml",
        Resource::ok(RSS_TYPE, rss(&three())).without_validators(),
    );
    let source = source(&server, "/feed.xml", Duration::from_secs(60));
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = poll_and_ingest(&mut store, &source).await;
    assert_eq!(first.applied.new.len(), 3);
    assert!(first.state.etag.is_none());
    let (poll, second) = poll_and_ingest(&mut store, &source).await;
    assert!(
        matches!(poll.outcome, PollOutcome::Parsed { .. }),
        "no validators, so a full 200: {:?}",
        poll.outcome
    );
    assert_eq!(site.not_modified("/feed.xml"), 0);
    assert!(second.applied.new.is_empty(), "{:?}", second.applied.new);
    assert!(
        second.applied.updated.is_empty(),
        "{:?}",
        second.applied.updated
    );
    assert!(
        store
            .entries(None)
            .unwrap()
            .iter()
            .all(|entry| !entry.edited)
    );
}

#[tokio::test]
async fn a_binary_body_is_a_failed_poll_not_an_entry() {
    let server = serve(rss(&three())).await;
    let site = server.site().clone();
    let source = source(&server, "/feed.xml", Duration::from_secs(60));
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = poll_and_ingest(&mut store, &source).await;
    assert_eq!(first.applied.new.len(), 3);
    let cached = store.entries(None).unwrap();

    // What a misconfigured URL (an image) or a broken server sends.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    site.set("/feed.xml", Resource::ok("image/png", png.to_vec()));
    let (poll, ingested) = poll_and_ingest(&mut store, &source).await;
    assert!(
        matches!(poll.outcome, PollOutcome::Failed(_)),
        "a PNG is not a live blog: {:?}",
        poll.outcome
    );
    assert!(
        ingested.applied.new.is_empty(),
        "{:?}",
        ingested.applied.new
    );
    assert!(store.source_state(&source.id).unwrap().last_error.is_some());
    assert_eq!(store.entries(None).unwrap(), cached, "entries untouched");
}
