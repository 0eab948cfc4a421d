//! `r` says "refreshing…" on the status line; once every source it polls has answered
//! (this reader's poll, or another process's stored in the shared cache), a summary
//! replaces it, instead of the notice staying until the next key.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, Item, SourceId};
use liveblog::reader::app::{Action, App, Elsewhere, View, update};
use liveblog::store::ingest::Ingested;
use liveblog::store::{Applied, SourceState};

fn id(name: &str) -> SourceId {
    SourceId(name.to_string())
}

fn reader(sources: &[&str]) -> App {
    let sources = sources
        .iter()
        .map(|name| (id(name), SourceState::default()))
        .collect();
    App::new(sources, Vec::new(), TimeZone::UTC, Timestamp::now())
}

fn entry(source: &str, entry_id: &str) -> Entry {
    let now = Timestamp::now();
    Entry::new(
        id(source),
        Item {
            id: EntryId(entry_id.to_string()),
            published: Some(now),
            updated: None,
            title: format!("Entry {entry_id}"),
            author: None,
            url: None,
            text: "Body".to_string(),
            html: None,
            flags: Default::default(),
        },
        now,
    )
}

/// This reader's poll of `source` stored: `new` entries, or the error.
fn polled(source: &str, new: usize, error: Option<&str>) -> Action {
    let now = Timestamp::now();
    Action::Ingested(Box::new(Ingested {
        source: id(source),
        state: SourceState {
            source: Some(id(source)),
            last_attempt: Some(now),
            last_success: error.is_none().then_some(now),
            last_error: error.map(str::to_string),
            ..SourceState::default()
        },
        applied: Applied {
            new: (0..new)
                .map(|n| entry(source, &format!("{source}-{n}")))
                .collect(),
            ..Applied::default()
        },
        not_modified: false,
        next_poll: None,
    }))
}

#[test]
fn refreshing_all_sources_ends_in_a_summary() {
    let mut app = reader(&["Alpha", "Bravo", "Charlie"]);
    update(&mut app, Action::Refresh);
    assert_eq!(app.notice.as_deref(), Some("refreshing all sources…"));

    update(&mut app, polled("Alpha", 2, None));
    update(&mut app, polled("Bravo", 0, Some("HTTP 503")));
    assert_eq!(
        app.notice.as_deref(),
        Some("refreshing all sources…"),
        "one source has yet to answer"
    );
    update(&mut app, polled("Charlie", 1, None));
    assert_eq!(
        app.notice.as_deref(),
        Some("refreshed 3 sources: 3 new, 1 failed (Bravo)")
    );
    assert!(app.refreshing.is_none());
}

#[test]
fn refreshing_one_source_from_the_panel_ends_in_a_summary() {
    let mut app = reader(&["Alpha", "Bravo"]);
    update(&mut app, Action::ToggleSourcesPanel);
    update(&mut app, Action::Down);
    assert_eq!(app.view, View::Sources);
    update(&mut app, Action::Refresh);
    assert_eq!(app.notice.as_deref(), Some("refreshing Bravo…"));
    // Another source's scheduled poll is not the answer.
    update(&mut app, polled("Alpha", 4, None));
    assert_eq!(app.notice.as_deref(), Some("refreshing Bravo…"));
    update(&mut app, polled("Bravo", 0, None));
    assert_eq!(app.notice.as_deref(), Some("refreshed Bravo: nothing new"));
}

#[test]
fn a_poll_stored_by_another_process_answers_too() {
    let mut app = reader(&["Alpha"]);
    update(&mut app, Action::Refresh);
    // The refresh found another process fetching Alpha: its result arrives through
    // the shared cache.
    let later = Timestamp::now() + std::time::Duration::from_secs(1);
    update(
        &mut app,
        Action::StoredElsewhere(Box::new(Elsewhere {
            sources: vec![(
                SourceState {
                    source: Some(id("Alpha")),
                    last_attempt: Some(later),
                    last_success: Some(later),
                    ..SourceState::default()
                },
                None,
            )],
            ..Elsewhere::default()
        })),
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("refreshed 1 source: nothing new")
    );
}

#[test]
fn the_summary_never_covers_another_notice_and_a_silent_refresh_is_dropped() {
    let mut app = reader(&["Alpha", "Bravo"]);
    update(&mut app, Action::Refresh);
    update(
        &mut app,
        Action::Notice("link sent to the clipboard".to_string()),
    );
    update(&mut app, polled("Alpha", 1, None));
    update(&mut app, polled("Bravo", 1, None));
    assert_eq!(
        app.notice.as_deref(),
        Some("link sent to the clipboard"),
        "a newer notice stays"
    );

    // A key cleared the notice: the summary still says how it went.
    update(&mut app, Action::Refresh);
    update(&mut app, Action::Down);
    assert_eq!(app.notice, None);
    update(&mut app, polled("Alpha", 0, None));
    update(&mut app, polled("Bravo", 0, None));
    assert_eq!(
        app.notice.as_deref(),
        Some("refreshed 2 sources: nothing new")
    );

    // No source answers (a read-only cache polls nothing): the notice goes with time.
    update(&mut app, Action::Refresh);
    assert_eq!(app.notice.as_deref(), Some("refreshing all sources…"));
    update(
        &mut app,
        Action::Tick(Timestamp::now() + std::time::Duration::from_secs(30)),
    );
    assert_eq!(app.notice.as_deref(), Some("refreshing all sources…"));
    update(
        &mut app,
        Action::Tick(Timestamp::now() + std::time::Duration::from_secs(600)),
    );
    assert_eq!(app.notice, None);
    assert!(app.refreshing.is_none());
}
