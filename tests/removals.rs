//! "Removed by the source", only when it is true: a document cut short (a server that
//! closes the connection mid-feed, without a `Content-Length`, so the cut looks like a
//! clean end) marks nothing removed, and an entry listed again loses its mark even when
//! it comes back unchanged. Feeds are served on 127.0.0.1 by a raw server that ends
//! each body by closing the connection; what the user sees is read from the cache and
//! from the reader's list as drawn.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{RssItem, rss};
use jiff::tz::TimeZone;
use liveblog::config::{Config, SourceConfig};
use liveblog::model::{Entry, SourceId};
use liveblog::reader::app::{Action, App, update};
use liveblog::sources::fetch::{Fetcher, Validators};
use liveblog::sources::poller::{PollOutcome, poll_once};
use liveblog::store::Store;
use liveblog::store::ingest::{Ingested, ingest};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server sends next, whole, then closes: no `Content-Length`, no chunks.
type Body = Arc<Mutex<Vec<u8>>>;

/// Serves `body` on 127.0.0.1 to every request, ending it by closing the connection.
/// The task ends with the test's runtime.
async fn serve_close_delimited(body: Body) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.lock().expect("body").clone();
            tokio::spawn(async move {
                // Read the request head (a GET has no body).
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let mut response = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                      Connection: close\r\n\r\n"
                    .to_vec();
                response.extend_from_slice(&body);
                let _ = stream.write_all(&response).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}/live.xml")
}

fn source_at(url: &str) -> SourceConfig {
    let text =
        format!("[general]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"live\"\nurl = \"{url}\"\n");
    let config = Config::parse(&text, "<test>").expect("test config parses");
    config.sources.into_iter().next().expect("one source")
}

/// Polls once (no validators: the server sends none) and stores the result.
async fn poll(store: &mut Store, source: &SourceConfig) -> (PollOutcome, Ingested) {
    let fetcher = Fetcher::new(Duration::from_secs(5)).expect("fetcher");
    let mut poll = poll_once(&fetcher, source, &Validators::default()).await;
    // As parsed: storing it moves the document's items into the cache's answer.
    let outcome = poll.outcome.clone();
    let ingested = ingest(store, &mut poll).expect("ingest");
    (outcome, ingested)
}

/// `count` entries a minute apart, oldest first, as many live blogs list them: cutting
/// such a document loses its newest entries, which lie inside the span it covers.
fn oldest_first(count: usize, skip: Option<usize>) -> String {
    let guids: Vec<String> = (0..count).map(|n| format!("u{n:03}")).collect();
    let titles: Vec<String> = (0..count).map(|n| format!("Update number {n}")).collect();
    let bodies: Vec<String> = (0..count)
        .map(|n| format!("What happened at minute {n}, told at some length."))
        .collect();
    let dates: Vec<String> = (0..count)
        .map(|n| format!("Wed, 01 May 2024 12:{n:02}:00 GMT"))
        .collect();
    let items: Vec<RssItem<'_>> = (0..count)
        .filter(|n| Some(*n) != skip)
        .map(|n| RssItem {
            guid: &guids[n],
            title: &titles[n],
            description: &bodies[n],
            pub_date: &dates[n],
        })
        .collect();
    rss(&items)
}

fn removed(store: &Store) -> Vec<String> {
    store
        .entries(None)
        .expect("entries")
        .into_iter()
        .filter(|entry| entry.removed)
        .map(|entry| entry.item.id.0)
        .collect()
}

/// The reader's list as drawn (80x24), one string per screen row.
fn screen(app: &App) -> Vec<String> {
    let (width, height) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

/// A reader holding what the cache holds now, on an 80x24 screen.
fn reader(store: &Store) -> App {
    let entries: Vec<Entry> = store.entries(None).expect("entries");
    let now = entries
        .iter()
        .map(|entry| entry.first_seen)
        .max()
        .expect("entries cached");
    let mut app = App::new(
        vec![(SourceId("live".to_string()), Default::default())],
        entries,
        TimeZone::UTC,
        now,
    );
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    app
}

fn rows_marked_removed(app: &App) -> Vec<String> {
    screen(app)
        .into_iter()
        .filter(|row| row.contains("(removed"))
        .collect()
}

#[tokio::test]
async fn a_feed_cut_short_by_a_closed_connection_marks_nothing_removed() {
    let full = oldest_first(20, None);
    let body: Body = Arc::new(Mutex::new(full.clone().into_bytes()));
    let source = source_at(&serve_close_delimited(body.clone()).await);
    let mut store = Store::open_in_memory().expect("store");

    let (outcome, first) = poll(&mut store, &source).await;
    assert!(
        matches!(&outcome, PollOutcome::Parsed { document, .. } if !document.cut_short),
        "{outcome:?}"
    );
    assert_eq!(first.applied.new.len(), 20);

    // The next answer stops in the middle of the 13th entry, and the server closes.
    let cut = full.find("Update number 12").expect("13th entry");
    *body.lock().expect("body") = full.as_bytes()[..cut + 10].to_vec();
    let (outcome, second) = poll(&mut store, &source).await;
    let PollOutcome::Parsed { document, .. } = &outcome else {
        panic!("the salvaged feed is a successful poll: {outcome:?}");
    };
    assert_eq!(
        document.items.len(),
        12,
        "salvaged up to the last whole entry"
    );
    assert!(document.cut_short);
    assert!(
        second.applied.removed.is_empty(),
        "{:?}",
        second.applied.removed
    );
    assert_eq!(removed(&store), Vec::<String>::new());

    let app = reader(&store);
    assert_eq!(rows_marked_removed(&app), Vec::<String>::new());
    assert!(
        screen(&app)
            .iter()
            .any(|row| row.contains("Update number 19")),
        "the newest entry is still listed:\n{}",
        screen(&app).join("\n")
    );
}

#[tokio::test]
async fn an_entry_listed_again_unchanged_is_no_longer_marked_removed() {
    let body: Body = Arc::new(Mutex::new(oldest_first(5, None).into_bytes()));
    let source = source_at(&serve_close_delimited(body.clone()).await);
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = poll(&mut store, &source).await;
    assert_eq!(first.applied.new.len(), 5);

    // A whole feed without u002: the source took it down.
    *body.lock().expect("body") = oldest_first(5, Some(2)).into_bytes();
    let (_, second) = poll(&mut store, &source).await;
    assert_eq!(
        second
            .applied
            .removed
            .iter()
            .map(|id| id.0.as_str())
            .collect::<Vec<_>>(),
        ["u002"]
    );
    assert_eq!(removed(&store), ["u002"]);
    let mut app = reader(&store);
    let marked = rows_marked_removed(&app);
    assert_eq!(marked.len(), 1, "{marked:?}");
    assert!(marked[0].contains("Update number 2"), "{marked:?}");

    // Back, byte for byte as it was.
    *body.lock().expect("body") = oldest_first(5, None).into_bytes();
    let (_, third) = poll(&mut store, &source).await;
    assert!(third.applied.new.is_empty() && third.applied.updated.is_empty());
    assert_eq!(
        third
            .applied
            .restored
            .iter()
            .map(|id| id.0.as_str())
            .collect::<Vec<_>>(),
        ["u002"]
    );
    assert_eq!(removed(&store), Vec::<String>::new());
    // The reader that showed the mark drops it with this poll…
    update(&mut app, Action::Ingested(Box::new(third)));
    assert_eq!(rows_marked_removed(&app), Vec::<String>::new());
    // …and one started afresh never shows it.
    assert_eq!(rows_marked_removed(&reader(&store)), Vec::<String>::new());

    // And it stays unmarked on the next poll of the same feed.
    let (_, fourth) = poll(&mut store, &source).await;
    assert!(fourth.applied.removed.is_empty() && fourth.applied.restored.is_empty());
    assert_eq!(removed(&store), Vec::<String>::new());
}
