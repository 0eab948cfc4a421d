//! Queries of many thousands of terms (issue 16, item 15b): up to `MAX_TERMS` different
//! terms they work in the cache's SQL as in memory, past the 16,000 different words that
//! once hit SQLite's parameter limit (32,766); past it the query is refused in place,
//! "query too long: N different terms, at most M", and the user never sees a raw SQLite
//! message.

use std::process::Command;

use jiff::Timestamp;
use liveblog::model::{EntryId, Item, SourceId};
use liveblog::query::{MAX_TERMS, Query};
use liveblog::store::Store;

fn store_with(titles: &[&str]) -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let items: Vec<Item> = titles
        .iter()
        .enumerate()
        .map(|(n, title)| Item {
            id: EntryId(format!("e{n}")),
            published: Timestamp::from_second(1_700_000_000 + n as i64).ok(),
            updated: None,
            title: (*title).to_string(),
            author: None,
            url: None,
            text: format!("Body {n}."),
            html: None,
            flags: Default::default(),
        })
        .collect();
    store
        .apply(&SourceId("live".to_string()), &items, Timestamp::now())
        .expect("apply");
    store.catch_up_index(None).expect("index");
    store
}

fn found(store: &mut Store, text: &str, sources: Option<&[SourceId]>) -> Vec<String> {
    let query = Query::parse(text).expect("parses");
    store
        .query_among(&query, Timestamp::now(), None, sources, None)
        .unwrap_or_else(|err| panic!("{} terms: {err}", text.split(' ').count()))
        .into_iter()
        .map(|entry| entry.item.id.0)
        .collect()
}

/// `MAX_TERMS` distinct words, each tested twice in SQL, under OR and NOT, with the
/// sources and an older-than bound bound after them: it all binds and answers as the
/// matcher in memory does.
#[test]
fn the_longest_query_allowed_works_in_sql() {
    let mut store = store_with(&["ceasefire talks resume", "drone strike"]);
    let or = (1..MAX_TERMS)
        .map(|n| format!("nomatch{n}"))
        .chain(["drone".to_string()])
        .collect::<Vec<_>>()
        .join(" OR ");
    assert_eq!(found(&mut store, &or, None), ["e1"]);
    let not = (0..MAX_TERMS)
        .map(|n| format!("-nomatch{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    let shown = [SourceId("live".to_string()), SourceId("other".to_string())];
    assert_eq!(found(&mut store, &not, Some(&shown)), ["e1", "e0"]);
    // Phrases, fields and since: among them.
    let mixed = (0..MAX_TERMS - 3)
        .map(|n| format!("-\"no match {n}\""))
        .chain([
            "title:ceasefire".to_string(),
            "source:live".to_string(),
            "since:5000d".to_string(),
        ])
        .collect::<Vec<_>>()
        .join(" ");
    let query = Query::parse(&mixed).expect("parses");
    let entries = store
        .query_before(&query, Timestamp::now(), Some(Timestamp::now()), None)
        .expect("query");
    let ids: Vec<&str> = entries.iter().map(|e| e.item.id.0.as_str()).collect();
    assert_eq!(ids, ["e0"]);
}

/// `n` different short words (at most four characters: a command line takes them).
fn different_words(n: usize) -> Vec<String> {
    const DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|mut k| {
            let mut word = String::from("q");
            for _ in 0..3 {
                word.push(char::from(DIGITS[k % DIGITS.len()]));
                k /= DIGITS.len();
            }
            word
        })
        .collect()
}

#[test]
fn one_different_term_more_is_refused_in_place() {
    let text = different_words(MAX_TERMS + 1).join(" ");
    let error = Query::parse(&text).expect_err("too long");
    assert_eq!(
        error.message,
        format!(
            "query too long: {} different terms, at most {MAX_TERMS}",
            MAX_TERMS + 1
        )
    );
    // At the first term past the bound.
    assert_eq!(error.column, MAX_TERMS * 5 + 1);
    // Repeating a term costs nothing.
    let repeated = vec!["kyiv"; 3 * MAX_TERMS].join(" ");
    assert!(Query::parse(&repeated).is_ok());
}

fn list(dir: &std::path::Path, filter: &str) -> std::process::Output {
    let config = dir.join("config.toml");
    std::fs::write(&config, "[general]\ninterval = \"5m\"\n").expect("config");
    Command::new(env!("CARGO_BIN_EXE_liveblog"))
        .arg("--config")
        .arg(&config)
        .arg("--cache")
        .arg(dir.join("cache.db"))
        .args(["list", "--filter", filter])
        .env("XDG_STATE_HOME", dir)
        .output()
        .expect("run liveblog")
}

/// 16,500 different words: past SQLite's 32,766 parameters at two a word, as the SQL
/// once bound them. `list --filter` searches the cache for them.
#[test]
fn list_with_more_different_words_than_sqlite_had_parameters_for_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = list(dir.path(), &different_words(16_500).join(" "));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.to_lowercase().contains("sql"), "{stderr}");
}

/// Past the bound, `list --filter` says the query is too long, in one line, and never
/// shows SQLite's words.
#[test]
fn list_with_a_query_too_long_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = list(dir.path(), &different_words(MAX_TERMS + 5).join(" "));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "query too long: {} different terms, at most {MAX_TERMS}",
            MAX_TERMS + 5
        )),
        "{stderr}"
    );
    assert!(
        !stderr.to_lowercase().contains("sql"),
        "a raw SQLite message: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// In the reader, typing one term past the bound shows the error on the status line at
/// 80 columns: the long query gives way, not the error.
#[test]
fn the_reader_shows_the_error_of_a_query_too_long_in_place() {
    use jiff::tz::TimeZone;
    use liveblog::reader::app::{Action, App, update};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let mut app = App::new(
        vec![(SourceId("live".to_string()), Default::default())],
        Vec::new(),
        TimeZone::UTC,
        Timestamp::now(),
    );
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    app.saved_filters = vec![("long".to_string(), different_words(MAX_TERMS).join(" "))];
    update(&mut app, Action::ApplySavedFilter(0));
    assert!(app.filter.error.is_none());
    update(&mut app, Action::StartFilter);
    for c in " odesa".chars() {
        update(&mut app, Action::FilterChar(c));
    }
    assert!(app.filter.error.is_some());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, &app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let status: String = (0..80).map(|x| buffer[(x, 23)].symbol()).collect();
    assert!(
        status.contains(&format!(
            "✗ query too long: {} different terms",
            MAX_TERMS + 1
        )),
        "{status:?}"
    );
    assert!(status.starts_with(" /"), "{status:?}");
}
