//! A cache made by the previous schema (version 6: folded copy, trigram index, every
//! body's HTML) opens with this liveblog and is upgraded in place (issue 17): no entry,
//! read mark, edit or removal is lost, and `list --filter` finds the same entries as
//! the liveblog that made it did.
//!
//! `tests/data/cache-v6.sqlite` was made by liveblog at schema version 6 (commit
//! 20ac2f7): two sources refreshed from local feeds, a search (which indexed them),
//! a second refresh that edited one entry and dropped another (left queued for the
//! index), then one entry marked read.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use jiff::Timestamp;
use liveblog::query::Query;
use liveblog::store::Store;
use rusqlite::Connection;

const FIXTURE: &str = "tests/data/cache-v6.sqlite";

/// What the version 6 file holds of each entry, keyed by source and id.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    key: (String, String),
    published: Option<i64>,
    updated: Option<i64>,
    title: String,
    author: Option<String>,
    url: Option<String>,
    text: String,
    html: Option<String>,
    first_seen: i64,
    edited: bool,
    read: bool,
    flags: i64,
    previous_text: Option<String>,
    removed: bool,
}

fn rows(path: &Path) -> Vec<Row> {
    let conn = Connection::open(path).expect("open");
    let mut select = conn
        .prepare(
            "SELECT source, id, published, updated, title, author, url, text, html,
                 first_seen, edited, read, flags, previous_text, removed
             FROM entries ORDER BY source, id",
        )
        .expect("prepare");
    select
        .query_map([], |row| {
            Ok(Row {
                key: (row.get(0)?, row.get(1)?),
                published: row.get(2)?,
                updated: row.get(3)?,
                title: row.get(4)?,
                author: row.get(5)?,
                url: row.get(6)?,
                text: row.get(7)?,
                html: row.get(8)?,
                first_seen: row.get(9)?,
                edited: row.get(10)?,
                read: row.get(11)?,
                flags: row.get(12)?,
                previous_text: row.get(13)?,
                removed: row.get(14)?,
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn version(path: &Path) -> i64 {
    Connection::open(path)
        .expect("open")
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .expect("user_version")
}

fn copy_fixture(dir: &Path) -> std::path::PathBuf {
    let cache = dir.join("cache.db");
    std::fs::copy(FIXTURE, &cache).expect("copy the fixture");
    cache
}

/// `liveblog list --filter QUERY --json` on `cache`: the ids it prints.
fn list_ids(dir: &Path, cache: &Path, query: &str) -> BTreeSet<String> {
    let output = Command::new(assert_cmd::cargo::cargo_bin("liveblog"))
        .env("XDG_STATE_HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env("NO_COLOR", "1")
        .arg("--cache")
        .arg(cache)
        .arg("list")
        .arg(format!("--filter={query}"))
        .arg("--json")
        .output()
        .expect("run liveblog");
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("json");
            value["id"].as_str().expect("id").to_string()
        })
        .collect()
}

#[test]
fn a_version_6_cache_is_upgraded_without_losing_an_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = copy_fixture(dir.path());
    assert_eq!(version(&cache), 6);
    let before = rows(&cache);
    assert_eq!(before.len(), 5);
    assert!(
        before
            .iter()
            .any(|row| row.edited && row.previous_text.is_some())
    );
    assert!(before.iter().any(|row| row.removed));
    assert!(before.iter().any(|row| row.read));

    let store = Store::open(&cache).expect("open and upgrade");
    let held = store.entries(None).expect("entries");
    drop(store);
    assert_eq!(version(&cache), 7);
    let after = rows(&cache);
    // Everything as it was, but the HTML of bodies without a link (nothing reads it).
    let expected: Vec<Row> = before
        .iter()
        .map(|row| Row {
            html: row
                .html
                .clone()
                .filter(|html| html.contains("<a") || html.contains("<A")),
            ..row.clone()
        })
        .collect();
    assert_eq!(after, expected);
    assert_eq!(held.len(), before.len());
    let with_html: Vec<&str> = held
        .iter()
        .filter(|entry| entry.item.html.is_some())
        .map(|entry| entry.item.id.0.as_str())
        .collect();
    assert_eq!(with_html.len(), 2, "{with_html:?}");
    // The bodies' links are as they were.
    for (old, new) in before.iter().zip(&after) {
        let url = old.url.as_deref();
        assert_eq!(
            liveblog::parse::links(old.html.as_deref().unwrap_or(""), url),
            liveblog::parse::links(new.html.as_deref().unwrap_or(""), url),
            "links of {:?}",
            old.key
        );
    }

    // The folded copy and the trigram index are gone.
    let conn = Connection::open(&cache).expect("open");
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('entries')")
        .expect("prepare")
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("columns");
    assert!(!columns.iter().any(|name| name == "folded"), "{columns:?}");
}

#[test]
fn list_filter_finds_the_same_entries_after_the_upgrade() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = copy_fixture(dir.path());
    // What `list --filter` printed on this file with the liveblog that made it.
    let answers: &[(&str, &[&str])] = &[
        ("talks", &["a1"]),
        ("source:bbc", &["b1"]),
        ("-storm", &["a1", "a2", "a4"]),
        ("\"peace deal\"", &["a4"]),
        ("co-op", &["a2"]),
        ("東京", &["a2"]),
        ("author:zoe", &["a1"]),
        ("title:red OR ok", &["b1"]),
        ("deal", &["a2", "a4"]),
        ("resumed early", &["a1"]),
        ("kyiv", &["a1"]),
        ("forecast", &["a3"]),
        ("ceasefire -opinion", &["a1"]),
    ];
    let now = Timestamp::now();
    for (query, ids) in answers {
        let listed = list_ids(dir.path(), &cache, query);
        let expected: BTreeSet<String> = ids.iter().map(|id| id.to_string()).collect();
        assert_eq!(listed, expected, "list --filter {query:?}");
        // And the reader's own filter agrees, on the upgraded cache.
        let store = Store::open(&cache).expect("open");
        let parsed = Query::parse(query).expect("query");
        let in_memory: BTreeSet<String> = store
            .entries(None)
            .expect("entries")
            .iter()
            .filter(|entry| parsed.matches(entry, now))
            .map(|entry| entry.item.id.0.clone())
            .collect();
        assert_eq!(in_memory, expected, "the reader's filter, {query:?}");
    }
    assert_eq!(version(&cache), 7);
}
