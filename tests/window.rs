//! The reader's window is a bound (issue 16, item 9): however many entries a poll brings,
//! and however often a feed changes its ids, the reader holds the newest `window`, and
//! the entry being read stays where it is.

mod common;

use common::reader::{plain_entry, polled_at};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, SourceId};
use liveblog::reader::app::{Action, App, EntryKey, View, update};
use liveblog::store::SourceState;

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("time")
}

/// Entry `id`, `minutes` after an old epoch (so a bigger number is newer).
fn entry(id: &str, minutes: usize) -> Entry {
    let time = Timestamp::from_second(1_700_000_000 + 60 * i64::try_from(minutes).expect("small"))
        .expect("time");
    plain_entry(
        "blog",
        id,
        time,
        &format!("Report {id}"),
        &format!("Body of {id}."),
    )
}

/// A reader over the source `blog` holding `entries`, with room for `window`.
fn app(entries: Vec<Entry>, window: usize) -> App {
    let blog = SourceId("blog".to_string());
    let state = SourceState {
        source: Some(blog.clone()),
        ..SourceState::default()
    };
    let mut app = App::new(vec![(blog, state)], entries, TimeZone::UTC, now());
    app.window = window;
    app.size = (120, 40);
    app
}

/// A poll of `blog` that found `new` (newest first, as the cache gives them).
fn poll(mut new: Vec<Entry>) -> Action {
    new.sort_by_key(|entry| std::cmp::Reverse(entry.item.published));
    polled_at("blog", now(), new, Vec::new())
}

fn key_of(app: &App, row: usize) -> EntryKey {
    app.rows[row].key()
}

/// The rows are newest first, the list shows exactly those that match, and the source
/// counts what is held.
fn assert_consistent(app: &mut App) {
    app.finish_filter();
    assert!(
        app.rows
            .iter()
            .zip(app.rows.iter().skip(1))
            .all(|(newer, older)| newer.sort_time >= older.sort_time),
        "rows newest first"
    );
    let expected: Vec<usize> = (0..app.rows.len())
        .filter(|&index| {
            app.filter
                .query
                .matches_prepared(&app.prepared_of(&app.rows[index]), app.now)
        })
        .collect();
    assert_eq!(app.visible, expected, "the list shows what matches");
    assert!(app.selected < app.visible.len().max(1));
    assert_eq!(app.sources[0].entries, app.rows.len());
}

#[test]
fn one_poll_of_100000_entries_holds_the_newest_50000() {
    let mut app = app(Vec::new(), 50_000);
    let entries: Vec<Entry> = (0..100_000)
        .map(|number| entry(&format!("e{number}"), number))
        .collect();
    update(&mut app, poll(entries));
    assert_eq!(app.rows.len(), 50_000);
    assert_eq!(app.rows[0].id(), "e99999", "the newest is held");
    assert_eq!(app.rows[49_999].id(), "e50000");
    assert_consistent(&mut app);
}

#[test]
fn a_full_window_stays_full_as_polls_bring_news() {
    let mut app = app(
        (0..1_000).map(|n| entry(&format!("old{n}"), n)).collect(),
        1_000,
    );
    for round in 1..=20 {
        let news = (0..300)
            .map(|n| entry(&format!("r{round}-{n}"), 1_000 * round + n))
            .collect();
        update(&mut app, poll(news));
        assert_eq!(app.rows.len(), 1_000, "round {round}");
    }
    assert_eq!(app.rows[0].id(), "r20-299");
    assert_eq!(app.rows[999].id(), "r17-200");
    assert_consistent(&mut app);
}

#[test]
fn a_feed_whose_ids_change_each_poll_does_not_grow_the_reader() {
    // The same 600 entries (same times) under new ids each poll: each poll's rows sort
    // among those held, not above them.
    let mut app = app(Vec::new(), 1_000);
    for round in 0..10 {
        let renamed = (0..600)
            .map(|n| entry(&format!("p{round}-{n}"), n))
            .collect();
        update(&mut app, poll(renamed));
        assert!(app.rows.len() <= 1_000, "round {round}: {}", app.rows.len());
        assert_consistent(&mut app);
    }
    assert_eq!(app.rows.len(), 1_000);
    assert_eq!(app.rows[0].sort_time, app.rows[1].sort_time);
}

#[test]
fn a_filtered_list_stays_right_as_the_window_drops_old_entries() {
    let mut app = app(
        (0..1_000).map(|n| entry(&format!("{n}"), n)).collect(),
        1_000,
    );
    for c in "report".chars() {
        update(&mut app, Action::FilterChar(c));
    }
    update(&mut app, Action::FilterAccept);
    for round in 1..=3 {
        let news = (0..400)
            .map(|n| entry(&format!("n{round}-{n}"), 1_000 * round + n))
            .collect();
        update(&mut app, poll(news));
        assert_eq!(app.rows.len(), 1_000);
        assert_consistent(&mut app);
    }
}

#[test]
fn the_entry_being_read_stays_selected_when_the_window_moves_past_it() {
    let mut app = app(
        (0..1_000).map(|n| entry(&format!("e{n}"), n)).collect(),
        1_000,
    );
    // The oldest entry, selected in the list.
    update(&mut app, Action::Bottom);
    let oldest = key_of(&app, app.visible[app.selected]);
    assert_eq!(oldest.1.0, "e0");
    for round in 1..=5 {
        let news = (0..100)
            .map(|n| entry(&format!("n{round}-{n}"), 1_000 * round + n))
            .collect();
        update(&mut app, poll(news));
        let selected = key_of(&app, app.visible[app.selected]);
        assert_eq!(selected, oldest, "round {round}");
        // The newest window, and the entry being read.
        assert_eq!(app.rows.len(), 1_001);
        assert_consistent(&mut app);
    }

    // Opened, it stays open and shown as polls go on.
    update(&mut app, Action::Open);
    assert!(matches!(&app.view, View::Detail { key, .. } if *key == oldest));
    for round in 6..=8 {
        let news = (0..100)
            .map(|n| entry(&format!("n{round}-{n}"), 1_000 * round + n))
            .collect();
        update(&mut app, poll(news));
        assert!(app.find(&oldest).is_some(), "round {round}");
        assert!(matches!(&app.view, View::Detail { key, .. } if *key == oldest));
        update(&mut app, Action::Down);
    }

    // Once the reader moves on, it may go: the window holds the newest again.
    update(&mut app, Action::Back);
    update(&mut app, Action::Top);
    update(
        &mut app,
        poll(vec![entry("last", 100_000), entry("last-but-one", 99_999)]),
    );
    assert_eq!(app.rows.len(), 1_000);
    assert!(app.find(&oldest).is_none());
    assert_consistent(&mut app);
}

#[test]
fn the_loaded_history_never_fills_past_the_window() {
    // Polls filled the window while the older entries were still loading from the cache.
    let mut app = app(Vec::new(), 1_000);
    update(
        &mut app,
        poll(
            (0..1_000)
                .map(|n| entry(&format!("new{n}"), 10_000 + n))
                .collect(),
        ),
    );
    let older: Vec<_> = (0..2_000)
        .map(|n| liveblog::reader::app::Row::new(entry(&format!("old{n}"), n)))
        .collect();
    update(&mut app, Action::Backfill(older));
    assert_eq!(app.rows.len(), 1_000);
    assert_eq!(app.rows[999].id(), "new0");
    assert_consistent(&mut app);
}
