//! The cache's memory: removed entries kept and marked, edits keep what they replaced,
//! retention, flags, and upgrades from the first schema.

use jiff::{SignedDuration, Timestamp};
use liveblog::model::{EntryId, Flags, Item, SourceId};
use liveblog::query::Query;
use liveblog::store::Store;

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("time")
}

fn item(id: &str, minutes_ago: i64, text: &str) -> Item {
    Item {
        id: EntryId(id.to_string()),
        published: Some(now() - SignedDuration::from_mins(minutes_ago)),
        updated: None,
        title: format!("Entry {id}"),
        author: None,
        url: None,
        text: text.to_string(),
        html: None,
        flags: Flags::default(),
    }
}

fn source() -> SourceId {
    SourceId("blog".to_string())
}

#[test]
fn an_entry_a_live_blog_drops_is_kept_and_marked_removed() {
    let mut store = Store::open_in_memory().expect("store");
    store
        .apply(
            &source(),
            &[item("c", 1, "c"), item("b", 2, "b"), item("a", 3, "a")],
            now(),
        )
        .expect("apply");
    let applied = store
        .apply(&source(), &[item("c", 1, "c"), item("a", 3, "a")], now())
        .expect("apply");
    assert_eq!(applied.removed, vec![EntryId("b".into())]);
    let b = store
        .entry(&source(), &EntryId("b".into()))
        .expect("read")
        .expect("still cached");
    assert!(b.removed);
    // An older entry that merely fell out of a feed's window is not "removed".
    let applied = store
        .apply(&source(), &[item("d", 0, "d"), item("c", 1, "c")], now())
        .expect("apply");
    assert!(applied.removed.is_empty(), "{:?}", applied.removed);
    // And an entry that comes back is no longer removed.
    store
        .apply(
            &source(),
            &[item("c", 1, "c"), item("b", 2, "b edited")],
            now(),
        )
        .expect("apply");
    let b = store
        .entry(&source(), &EntryId("b".into()))
        .expect("read")
        .expect("cached");
    assert!(!b.removed && b.edited);
}

#[test]
fn an_edit_keeps_the_text_it_replaced() {
    let mut store = Store::open_in_memory().expect("store");
    store
        .apply(&source(), &[item("a", 1, "first version")], now())
        .expect("apply");
    let applied = store
        .apply(&source(), &[item("a", 1, "second version")], now())
        .expect("apply");
    assert_eq!(
        applied.updated[0].previous_text.as_deref(),
        Some("first version")
    );
    let entry = store
        .entry(&source(), &EntryId("a".into()))
        .expect("read")
        .expect("cached");
    assert_eq!(
        (entry.item.text.as_str(), entry.previous_text.as_deref()),
        ("second version", Some("first version"))
    );
    // A change elsewhere (the title) keeps the last text change.
    let mut retitled = item("a", 1, "second version");
    retitled.title = "New title".into();
    store.apply(&source(), &[retitled], now()).expect("apply");
    let entry = store
        .entry(&source(), &EntryId("a".into()))
        .expect("read")
        .expect("cached");
    assert_eq!(entry.previous_text.as_deref(), Some("first version"));
}

#[test]
fn flags_are_stored_and_an_edit_of_a_flag_counts() {
    let mut store = Store::open_in_memory().expect("store");
    let mut pinned = item("p", 1, "pinned post");
    pinned.flags = Flags {
        pinned: true,
        key_event: true,
        summary: false,
    };
    store
        .apply(&source(), &[pinned.clone()], now())
        .expect("apply");
    let entry = store
        .entry(&source(), &EntryId("p".into()))
        .expect("read")
        .expect("cached");
    assert_eq!(entry.item.flags, pinned.flags);
    pinned.flags.pinned = false;
    let applied = store.apply(&source(), &[pinned], now()).expect("apply");
    assert_eq!(applied.updated.len(), 1);
}

#[test]
fn retention_by_age_and_by_count() {
    let mut store = Store::open_in_memory().expect("store");
    let items: Vec<Item> = (0..10)
        .map(|n| item(&format!("e{n}"), n * 60, "x"))
        .collect();
    store.apply(&source(), &items, now()).expect("apply");
    let deleted = store
        .prune(
            &source(),
            Some(std::time::Duration::from_secs(5 * 3600 + 1)),
            None,
            now(),
        )
        .expect("prune");
    assert_eq!(deleted, 4, "older than 5 h");
    let deleted = store.prune(&source(), None, Some(3), now()).expect("prune");
    assert_eq!(deleted, 3);
    let left: Vec<String> = store
        .entries(None)
        .expect("entries")
        .into_iter()
        .map(|e| e.item.id.0)
        .collect();
    assert_eq!(left, ["e0", "e1", "e2"]);
    // The search index follows deletions.
    assert!(
        store
            .query(&Query::parse("entry e5").expect("query"), now(), None)
            .expect("query")
            .is_empty()
    );
}

#[test]
fn a_first_version_cache_is_upgraded_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v1.db");
    {
        let connection = rusqlite::Connection::open(&path).expect("open");
        connection
            .execute_batch(
                "CREATE TABLE entries (source TEXT NOT NULL, id TEXT NOT NULL, published INTEGER,
                    updated INTEGER, title TEXT NOT NULL, author TEXT, url TEXT, text TEXT NOT NULL,
                    html TEXT, first_seen INTEGER NOT NULL, sort_time INTEGER NOT NULL,
                    edited INTEGER NOT NULL DEFAULT 0, read INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (source, id));
                 CREATE INDEX entries_sort_time ON entries (sort_time);
                 CREATE TABLE sources (name TEXT PRIMARY KEY NOT NULL, url TEXT, etag TEXT,
                    last_modified TEXT, last_attempt INTEGER, last_success INTEGER, last_error TEXT);
                 INSERT INTO entries VALUES ('blog', 'old', 1700000000000, NULL, 'Kyïv drone strike',
                    NULL, NULL, 'body', NULL, 1700000000000, 1700000000000, 0, 1);
                 PRAGMA user_version = 1;",
            )
            .expect("v1 schema");
    }
    let mut store = Store::open(&path).expect("upgrade");
    let found = store
        .query(&Query::parse("kyiv").expect("query"), now(), None)
        .expect("query");
    assert_eq!(
        found.len(),
        1,
        "the old entry is searchable after the upgrade"
    );
    assert!(found[0].read, "read state survives");
    store
        .apply(&source(), &[item("new", 1, "Kyiv again")], now())
        .expect("apply");
    assert_eq!(
        store
            .query(&Query::parse("kyiv").expect("query"), now(), None)
            .expect("query")
            .len(),
        2
    );
    let connection = rusqlite::Connection::open(&path).expect("open");
    let check: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("check");
    assert_eq!(check, "ok");
}

#[test]
fn the_search_index_follows_edits_and_deletions_it_took_in_late() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("store");
    let search = |store: &mut Store, text: &str| -> Vec<String> {
        let query = Query::parse(text).expect("query");
        store
            .query(&query, now(), None)
            .expect("query")
            .into_iter()
            .map(|e| e.item.id.0)
            .collect()
    };
    store
        .apply(
            &source(),
            &[
                item("a", 1, "drone strike in Kharkiv"),
                item("b", 2, "ceasefire talks"),
            ],
            now(),
        )
        .expect("apply");
    assert_eq!(search(&mut store, "kharkiv"), ["a"]);
    // Edited twice before the index sees it, once after.
    store
        .apply(
            &source(),
            &[
                item("a", 1, "drone strike in Odesa"),
                item("b", 2, "ceasefire talks"),
            ],
            now(),
        )
        .expect("apply");
    store
        .apply(
            &source(),
            &[
                item("a", 1, "drone strike in Lviv"),
                item("b", 2, "ceasefire talks"),
            ],
            now(),
        )
        .expect("apply");
    assert!(search(&mut store, "kharkiv").is_empty());
    assert!(search(&mut store, "odesa").is_empty());
    assert_eq!(search(&mut store, "lviv"), ["a"]);
    store
        .apply(
            &source(),
            &[
                item("a", 1, "drone strike near Dnipro"),
                item("b", 2, "ceasefire talks"),
            ],
            now(),
        )
        .expect("apply");
    assert_eq!(search(&mut store, "dnipro"), ["a"]);
    // Deleted by retention, before and after being indexed.
    store
        .apply(&source(), &[item("c", 500, "old news from Kherson")], now())
        .expect("apply");
    store.prune(&source(), None, Some(2), now()).expect("prune");
    assert!(search(&mut store, "kherson").is_empty());
    store.prune(&source(), None, Some(1), now()).expect("prune");
    assert!(search(&mut store, "ceasefire").is_empty());
    assert_eq!(store.index_backlog().expect("backlog"), 0);
    drop(store);
    let connection = rusqlite::Connection::open(&path).expect("open");
    connection
        .execute(
            "INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')",
            [],
        )
        .expect("the FTS index matches its content");
}
