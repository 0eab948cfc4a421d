//! Entries and poll answers for the tests that drive the reader's `App` through
//! `update` (they built the same `Entry` and `Action::Ingested` each in their own way).

use jiff::Timestamp;
use liveblog::model::{Entry, EntryId, Item, SourceId};
use liveblog::reader::app::Action;
use liveblog::store::ingest::Ingested;
use liveblog::store::{Applied, SourceState};

/// An entry of `source` published (and first seen) at `time`, with no author, link
/// or HTML, unread and unedited: tests change the fields they care about.
pub fn plain_entry(source: &str, id: &str, time: Timestamp, title: &str, text: &str) -> Entry {
    Entry::new(
        SourceId(source.to_string()),
        Item {
            id: EntryId(id.to_string()),
            published: Some(time),
            updated: None,
            title: title.to_string(),
            author: None,
            url: None,
            text: text.to_string(),
            html: None,
            flags: Default::default(),
        },
        time,
    )
}

/// A poll of `source` that stored `new` entries (newest first, as the cache gives
/// them) and `updated` ones; the source's state is left as it was.
pub fn polled(source: &str, new: Vec<Entry>, updated: Vec<Entry>) -> Action {
    answer(source, SourceState::default(), new, updated)
}

/// As [`polled`], for a poll that succeeded at `succeeded_at`.
pub fn polled_at(
    source: &str,
    succeeded_at: Timestamp,
    new: Vec<Entry>,
    updated: Vec<Entry>,
) -> Action {
    let state = SourceState {
        source: Some(SourceId(source.to_string())),
        last_attempt: Some(succeeded_at),
        last_success: Some(succeeded_at),
        ..SourceState::default()
    };
    answer(source, state, new, updated)
}

fn answer(source: &str, state: SourceState, new: Vec<Entry>, updated: Vec<Entry>) -> Action {
    Action::Ingested(Box::new(Ingested {
        source: SourceId(source.to_string()),
        state,
        applied: Applied {
            new,
            updated,
            ..Applied::default()
        },
        not_modified: false,
        next_poll: None,
    }))
}
