//! The SQLite cache, through its public API.

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::thread;

use jiff::Timestamp;
use liveblog::model::{EntryId, Item, SourceId};
use liveblog::store::{SourceState, Store};

fn ts(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + seconds).unwrap()
}

fn source(name: &str) -> SourceId {
    SourceId(name.to_string())
}

fn item(id: &str, published: Option<i64>, title: &str) -> Item {
    Item {
        id: EntryId(id.to_string()),
        published: published.map(ts),
        updated: None,
        title: title.to_string(),
        author: Some("Jane Doe".to_string()),
        url: Some(format!("https://example.org/live#{id}")),
        text: format!("Body of {id}."),
        html: Some(format!("<p>Body of {id}.</p>")),
        flags: Default::default(),
    }
}

fn ids(entries: &[liveblog::model::Entry]) -> Vec<String> {
    entries.iter().map(|e| e.item.id.0.clone()).collect()
}

fn open(dir: &Path) -> Store {
    Store::open(&dir.join("cache.db")).unwrap()
}

#[test]
fn new_then_edited_then_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let src = source("war");
    let page = vec![item("b", Some(20), "Second"), item("a", Some(10), "First")];

    let applied = store.apply(&src, &page, ts(100)).unwrap();
    assert_eq!(ids(&applied.new), ["b", "a"]);
    assert!(applied.updated.is_empty());
    assert!(applied.new.iter().all(|e| !e.edited && !e.read));
    assert!(applied.new.iter().all(|e| e.first_seen == ts(100)));
    assert_eq!(store.count().unwrap(), 2);

    // The same page again: nothing.
    let applied = store.apply(&src, &page, ts(200)).unwrap();
    assert!(applied.new.is_empty() && applied.updated.is_empty());

    // One entry edited, one added.
    let mut edited = item("a", Some(10), "First, corrected");
    edited.updated = Some(ts(150));
    let page = vec![item("c", Some(30), "Third"), page[0].clone(), edited];
    let applied = store.apply(&src, &page, ts(300)).unwrap();
    assert_eq!(ids(&applied.new), ["c"]);
    assert_eq!(ids(&applied.updated), ["a"]);
    let a = &applied.updated[0];
    assert!(a.edited);
    assert_eq!(a.first_seen, ts(100));
    assert_eq!(a.item.title, "First, corrected");
    assert_eq!(a.item.updated, Some(ts(150)));

    let cached = store.entry(&src, &EntryId("a".into())).unwrap().unwrap();
    assert_eq!(&cached, a);
    assert_eq!(ids(&store.entries(None).unwrap()), ["c", "b", "a"]);
    assert_eq!(ids(&store.entries(Some(2)).unwrap()), ["c", "b"]);

    // Unchanged afterwards, and only `updated` changing counts as an edit too.
    let applied = store.apply(&src, &page, ts(400)).unwrap();
    assert!(applied.new.is_empty() && applied.updated.is_empty());
    let mut bumped = page[1].clone();
    bumped.updated = Some(ts(500));
    let applied = store.apply(&src, &[bumped], ts(500)).unwrap();
    assert_eq!(ids(&applied.updated), ["b"]);

    // Each field counts as an edit.
    let edits: [fn(&mut Item); 3] = [
        |i| i.text.push('!'),
        |i| i.author = None,
        |i| i.url = Some("https://example.org/other".into()),
    ];
    for edit in edits {
        let mut changed = store
            .entry(&src, &EntryId("c".into()))
            .unwrap()
            .unwrap()
            .item;
        edit(&mut changed);
        let applied = store.apply(&src, &[changed], ts(600)).unwrap();
        assert_eq!(ids(&applied.updated), ["c"]);
    }
    assert_eq!(store.count().unwrap(), 3);
    assert_eq!(store.entry(&src, &EntryId("zz".into())).unwrap(), None);
}

#[test]
fn same_id_in_two_sources_is_two_entries() {
    let mut store = Store::open_in_memory().unwrap();
    let page = [item("x", Some(1), "X")];
    assert_eq!(
        store.apply(&source("one"), &page, ts(0)).unwrap().new.len(),
        1
    );
    assert_eq!(
        store.apply(&source("two"), &page, ts(0)).unwrap().new.len(),
        1
    );
    assert_eq!(store.count().unwrap(), 2);
}

#[test]
fn edit_keeps_read_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let src = source("war");
    store
        .apply(&src, &[item("a", Some(10), "First")], ts(100))
        .unwrap();
    store.mark_read(&src, &EntryId("a".into())).unwrap();
    // Unknown entries are ignored.
    store.mark_read(&src, &EntryId("nope".into())).unwrap();
    assert!(store.entries(None).unwrap()[0].read);

    let applied = store
        .apply(&src, &[item("a", Some(10), "First, updated")], ts(200))
        .unwrap();
    assert_eq!(applied.updated.len(), 1);
    assert!(applied.updated[0].read);
    let entry = store.entry(&src, &EntryId("a".into())).unwrap().unwrap();
    assert!(entry.read && entry.edited);
    assert_eq!(entry.first_seen, ts(100));
}

#[test]
fn ties_come_out_newest_first_and_duplicates_keep_the_first() {
    let mut store = Store::open_in_memory().unwrap();
    let src = source("war");
    // Undated items sort by first_seen: all equal within one poll.
    let page = vec![
        item("n3", None, "newest"),
        item("n2", None, "middle"),
        item("n3", None, "a duplicate, ignored"),
        item("n1", None, "oldest"),
    ];
    let applied = store.apply(&src, &page, ts(100)).unwrap();
    assert_eq!(ids(&applied.new), ["n3", "n2", "n1"]);
    assert_eq!(applied.new[0].item.title, "newest");
    assert_eq!(ids(&store.entries(None).unwrap()), ["n3", "n2", "n1"]);

    // Equal published times, in a second poll: still document order, above the first.
    let page = vec![item("p2", Some(100), "p2"), item("p1", Some(100), "p1")];
    let applied = store.apply(&src, &page, ts(200)).unwrap();
    assert_eq!(ids(&applied.new), ["p2", "p1"]);
    assert_eq!(
        ids(&store.entries(None).unwrap()),
        ["p2", "p1", "n3", "n2", "n1"]
    );

    // Applied is ordered by time even when the page is not.
    let page = vec![item("old", Some(5), "old"), item("new", Some(500), "new")];
    let applied = store.apply(&src, &page, ts(300)).unwrap();
    assert_eq!(ids(&applied.new), ["new", "old"]);
    assert_eq!(ids(&store.entries(Some(1)).unwrap()), ["new"]);
}

#[test]
fn sub_millisecond_times_round_trip_as_stored() {
    let mut store = Store::open_in_memory().unwrap();
    let src = source("war");
    let mut precise = item("a", None, "A");
    precise.published = Some(Timestamp::new(1_700_000_000, 123_456_789).unwrap());
    let applied = store.apply(&src, &[precise.clone()], ts(0)).unwrap();
    let cached = store.entries(None).unwrap();
    assert_eq!(applied.new, cached);
    assert_eq!(
        cached[0].item.published,
        Some(Timestamp::new(1_700_000_000, 123_000_000).unwrap())
    );
    // Not an edit.
    let applied = store.apply(&src, &[precise], ts(1)).unwrap();
    assert!(applied.updated.is_empty());
}

#[test]
fn reopen_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep/er/cache.db");
    let src = source("war");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .apply(
                &src,
                &[item("b", Some(20), "B"), item("a", Some(10), "A")],
                ts(100),
            )
            .unwrap();
        store.mark_read(&src, &EntryId("b".into())).unwrap();
        store
            .record_poll(
                &src,
                &SourceState {
                    url: Some("https://example.org/live".into()),
                    etag: Some("\"v1\"".into()),
                    last_attempt: Some(ts(100)),
                    ..SourceState::default()
                },
            )
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let entries = store.entries(None).unwrap();
    assert_eq!(ids(&entries), ["b", "a"]);
    assert!(entries[0].read && !entries[1].read);
    // The body's HTML has no link: the cache keeps the text only (issue 17).
    let expected = Item {
        html: None,
        ..item("a", Some(10), "A")
    };
    assert_eq!(entries[1].item, expected);
    let state = store.source_state(&src).unwrap();
    assert_eq!(state.etag.as_deref(), Some("\"v1\""));
    assert_eq!(state.last_success, Some(ts(100)));
}

#[test]
fn source_state_success_then_failure_keeps_validators() {
    let mut store = Store::open_in_memory().unwrap();
    let src = source("war");

    let unknown = store.source_state(&src).unwrap();
    assert_eq!(unknown.source, Some(src.clone()));
    assert_eq!(unknown.last_attempt, None);

    let ok = SourceState {
        source: Some(src.clone()),
        url: Some("https://example.org/live".into()),
        etag: Some("\"abc\"".into()),
        last_modified: Some("Tue, 01 Oct 2024 10:00:00 GMT".into()),
        last_attempt: Some(ts(100)),
        last_success: Some(ts(100)),
        last_error: None,
    };
    store.record_poll(&src, &ok).unwrap();
    assert_eq!(store.source_state(&src).unwrap(), ok);

    let failed = SourceState {
        source: Some(src.clone()),
        url: None,
        etag: None,
        last_modified: None,
        last_attempt: Some(ts(200)),
        last_success: None,
        last_error: Some("HTTP 503 Service Unavailable\nretry later".into()),
    };
    store.record_poll(&src, &failed).unwrap();
    let state = store.source_state(&src).unwrap();
    assert_eq!(state.etag, ok.etag);
    assert_eq!(state.last_modified, ok.last_modified);
    assert_eq!(state.url, ok.url);
    assert_eq!(state.last_success, Some(ts(100)));
    assert_eq!(state.last_attempt, Some(ts(200)));
    assert_eq!(
        state.last_error.as_deref(),
        Some("HTTP 503 Service Unavailable retry later")
    );

    // Success again clears the error and stores the new validators.
    let ok2 = SourceState {
        etag: Some("\"def\"".into()),
        last_modified: None,
        last_attempt: Some(ts(300)),
        last_success: None,
        ..ok.clone()
    };
    store.record_poll(&src, &ok2).unwrap();
    let state = store.source_state(&src).unwrap();
    assert_eq!(state.etag.as_deref(), Some("\"def\""));
    assert_eq!(state.last_modified, None);
    assert_eq!(state.last_success, Some(ts(300)));
    assert_eq!(state.last_error, None);

    // A failure on a source never polled before has no validators.
    let other = source("other");
    store
        .record_poll(
            &other,
            &SourceState {
                etag: Some("ignored".into()),
                ..failed.clone()
            },
        )
        .unwrap();
    let state = store.source_state(&other).unwrap();
    assert_eq!(state.etag, None);
    assert_eq!(state.last_success, None);
    assert!(state.last_error.is_some());
}

#[test]
fn sources_lists_polled_and_applied_sources_by_name() {
    let mut store = Store::open_in_memory().unwrap();
    assert!(store.sources().unwrap().is_empty());
    store
        .apply(&source("zulu"), &[item("a", Some(1), "A")], ts(0))
        .unwrap();
    store
        .record_poll(
            &source("alpha"),
            &SourceState {
                last_attempt: Some(ts(5)),
                ..SourceState::default()
            },
        )
        .unwrap();
    // Applying an empty poll still makes the source known.
    store.apply(&source("mike"), &[], ts(0)).unwrap();
    let names: Vec<_> = store
        .sources()
        .unwrap()
        .into_iter()
        .map(|s| s.source.unwrap().0)
        .collect();
    assert_eq!(names, ["alpha", "mike", "zulu"]);
}

#[test]
fn two_stores_on_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let src = source("shared");

    // Alternately, from one thread.
    let mut tui = Store::open(&path).unwrap();
    let mut cron = Store::open(&path).unwrap();
    tui.apply(&src, &[item("t0", Some(1), "t0")], ts(0))
        .unwrap();
    cron.apply(&src, &[item("c0", Some(2), "c0")], ts(0))
        .unwrap();
    tui.mark_read(&src, &EntryId("c0".into())).unwrap();
    assert!(
        cron.entry(&src, &EntryId("c0".into()))
            .unwrap()
            .unwrap()
            .read
    );
    assert_eq!(ids(&tui.entries(None).unwrap()), ["c0", "t0"]);
    drop((tui, cron));

    // Concurrently, from two threads, each with its own store.
    const POLLS: usize = 60;
    let barrier = Arc::new(Barrier::new(2));
    let workers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|name| {
            let path = path.clone();
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                let own = source(name);
                let shared = source("shared");
                barrier.wait();
                for n in 0..POLLS {
                    let id = format!("{name}{n}");
                    let page = [item(&id, Some(n as i64), &id)];
                    assert_eq!(store.apply(&own, &page, ts(n as i64)).unwrap().new.len(), 1);
                    // Both write the same entries of one source too.
                    let shared_page = [item(&format!("s{n}"), Some(n as i64), "shared")];
                    store.apply(&shared, &shared_page, ts(0)).unwrap();
                    store
                        .record_poll(
                            &own,
                            &SourceState {
                                last_attempt: Some(ts(n as i64)),
                                ..SourceState::default()
                            },
                        )
                        .unwrap();
                    store.entries(Some(10)).unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count().unwrap(), 2 + 2 * POLLS + POLLS);
    let last = ts(POLLS as i64 - 1);
    assert_eq!(
        store.source_state(&source("a")).unwrap().last_success,
        Some(last)
    );
    assert_eq!(
        store.source_state(&source("b")).unwrap().last_success,
        Some(last)
    );
}

#[test]
fn not_sqlite_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "This is not a database, just some text.\n".repeat(100),
    )
    .unwrap();
    let error = Store::open(&path).unwrap_err();
    assert_eq!(error.path, path.display().to_string());
    let shown = error.to_string();
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    assert!(shown.contains("not an SQLite database"), "{shown}");
    assert!(!shown.contains('\n'), "{shown}");
    // The file is left alone.
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("This is not")
    );
}

#[test]
fn a_directory_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let error = Store::open(dir.path()).unwrap_err();
    assert_eq!(error.path, dir.path().display().to_string());
    assert!(!error.message.is_empty());
}

#[test]
fn in_memory_store() {
    let mut store = Store::open_in_memory().unwrap();
    let src = source("demo");
    assert_eq!(store.count().unwrap(), 0);
    assert!(store.entries(None).unwrap().is_empty());
    let applied = store
        .apply(
            &src,
            &[item("b", Some(2), "B"), item("a", Some(1), "A")],
            ts(0),
        )
        .unwrap();
    assert_eq!(applied.new.len(), 2);
    assert_eq!(store.count().unwrap(), 2);
    assert_eq!(ids(&store.entries(None).unwrap()), ["b", "a"]);
    // Two in-memory stores are separate.
    assert_eq!(Store::open_in_memory().unwrap().count().unwrap(), 0);
}

#[test]
fn concurrent_first_opens_migrate_once() {
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("fresh{round}.db"));
        let barrier = Arc::new(Barrier::new(4));
        let workers: Vec<_> = (0..4)
            .map(|n| {
                let path = path.clone();
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    barrier.wait();
                    let mut store = Store::open(&path).unwrap();
                    let id = format!("e{n}");
                    store
                        .apply(&source("s"), &[item(&id, Some(n), &id)], ts(0))
                        .unwrap();
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(Store::open(&path).unwrap().count().unwrap(), 4);
    }
}

#[test]
fn file_cache_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).unwrap();
    store
        .apply(&source("s"), &[item("a", Some(1), "A")], ts(0))
        .unwrap();
    assert!(dir.path().join("cache.db-wal").exists());
    assert_eq!(store.path(), path.display().to_string());
}

#[test]
fn a_search_before_a_time_finds_only_older_matches_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let page: Vec<Item> = (0..20)
        .rev()
        .map(|n| {
            let title = if n % 2 == 0 { "Drone strike" } else { "Talks" };
            item(&format!("e{n}"), Some(n * 60), title)
        })
        .collect();
    store.apply(&source("war"), &page, ts(5_000)).unwrap();
    let query = liveblog::query::Query::parse("drone").unwrap();
    let all = store.query(&query, ts(5_000), None).unwrap();
    assert_eq!(all.len(), 10);
    // Older than e10: e8, e6, e4, e2, e0, newest first; the limit keeps the newest.
    let older = store
        .query_before(&query, ts(5_000), Some(ts(10 * 60)), None)
        .unwrap();
    assert_eq!(ids(&older), ["e8", "e6", "e4", "e2", "e0"]);
    let limited = store
        .query_before(&query, ts(5_000), Some(ts(10 * 60)), Some(2))
        .unwrap();
    assert_eq!(ids(&limited), ["e8", "e6"]);
    // A `since:` query keeps its own bound beside the new one.
    let recent = liveblog::query::Query::parse("drone since:80m").unwrap();
    let found = store
        .query_before(&recent, ts(5_000), Some(ts(10 * 60)), None)
        .unwrap();
    assert_eq!(
        ids(&found),
        ["e8", "e6", "e4"],
        "80 min before 5,000 s is 200 s"
    );
}

#[test]
fn an_entry_marked_unread_again_stays_unread() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let source = SourceId("s".into());
    store
        .apply(
            &source,
            &[item("a", Some(1_700_000_000), "A")],
            ts(1_700_000_100),
        )
        .unwrap();
    store.mark_read(&source, &EntryId("a".into())).unwrap();
    assert!(store.entries(None).unwrap()[0].read);
    store
        .set_read(&source, &EntryId("a".into()), false)
        .unwrap();
    assert!(!store.entries(None).unwrap()[0].read);
}

/// The cache keeps an entry's HTML only when it has a link, the one thing read from it
/// (issue 17: it was a third of the file); what `apply` hands back is what the cache
/// gives back.
#[test]
fn html_is_kept_only_when_it_has_a_link() {
    let mut store = Store::open_in_memory().unwrap();
    let src = source("war");
    let plain = item("plain", Some(10), "Plain");
    let linked = Item {
        html: Some("<p>See <a href=\"/map\">the map</a>.</p>".into()),
        url: Some("https://example.org/live".into()),
        ..item("linked", Some(20), "Linked")
    };
    let upper = Item {
        html: Some("<P><A HREF=\"https://example.org/x\">x</A></P>".into()),
        ..item("upper", Some(30), "Upper")
    };
    let applied = store
        .apply(&src, &[upper.clone(), linked.clone(), plain], ts(100))
        .unwrap();
    let held = store.entries(None).unwrap();
    assert_eq!(ids(&held), ["upper", "linked", "plain"]);
    let html: Vec<Option<&str>> = held.iter().map(|e| e.item.html.as_deref()).collect();
    assert_eq!(
        html,
        [upper.html.as_deref(), linked.html.as_deref(), None],
        "kept with a link, dropped without"
    );
    let applied_html: Vec<Option<&str>> =
        applied.new.iter().map(|e| e.item.html.as_deref()).collect();
    assert_eq!(applied_html, html);
    assert_eq!(
        liveblog::parse::links(
            held[1].item.html.as_deref().unwrap(),
            held[1].item.url.as_deref()
        ),
        [("the map".to_string(), "https://example.org/map".to_string())]
    );
}
