//! Entries and apps for the app's unit tests (test builds only).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::state::App;
use crate::model::{Entry, EntryId, Item, SourceId};
use crate::store::SourceState;

/// The clock of every test app.
pub(super) fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("a valid time")
}

/// Entry `number` of source `source`: one minute newer per number, ending before `now`.
pub(super) fn numbered(source: &str, number: usize) -> Entry {
    let minutes = i64::try_from(number).expect("a small number");
    let time = Timestamp::from_second(1_700_000_000 + minutes * 60).expect("a valid time");
    Entry::new(
        SourceId(source.to_string()),
        Item {
            id: EntryId(format!("{source}-{number}")),
            published: Some(time),
            updated: None,
            title: format!("Report {number}"),
            author: None,
            url: None,
            text: format!("Body of report {number}."),
            html: None,
            flags: Default::default(),
        },
        time,
    )
}

/// Entries `range` of source `source` (oldest first: the app sorts them).
pub(super) fn numbered_range(source: &str, range: std::ops::Range<usize>) -> Vec<Entry> {
    range.map(|number| numbered(source, number)).collect()
}

/// An app over the sources `a` and `b` holding `entries`, in a 120x40 terminal.
pub(super) fn app_with(entries: Vec<Entry>) -> App {
    let sources = ["a", "b"]
        .iter()
        .map(|name| {
            let id = SourceId((*name).to_string());
            let state = SourceState {
                source: Some(id.clone()),
                ..SourceState::default()
            };
            (id, state)
        })
        .collect();
    let mut app = App::new(sources, entries, TimeZone::UTC, now());
    app.size = (120, 40);
    app
}
