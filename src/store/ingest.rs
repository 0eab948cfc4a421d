//! Poll results into the cache: the one place where a [`Poll`] meets the [`Store`].

use crate::config::Retention;
use crate::model::{Document, SourceId};
use crate::sources::poller::{Poll, PollOutcome};
use crate::store::{Applied, SourceState, Store, StoreError};

/// What one poll changed in the cache, for the app and the headless commands.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The source polled.
    pub source: SourceId,
    /// Its polling state after this poll.
    pub state: SourceState,
    /// Entries new or edited by this poll.
    pub applied: Applied,
    /// The server answered 304.
    pub not_modified: bool,
    /// When the poller will poll this source again.
    pub next_poll: Option<jiff::Timestamp>,
}

/// Stores one poll (entries and source state). A failed poll leaves the entries alone.
///
/// The poll's document moves into the cache's answer (its items become the new and
/// edited entries handed back), so a huge feed is never held twice: afterwards the
/// poll's document keeps all but its items.
pub fn ingest(store: &mut Store, poll: &mut Poll) -> Result<Ingested, StoreError> {
    let mut state = store.source_state(&poll.source)?;
    state.source = Some(poll.source.clone());
    state.url = Some(poll.url.clone());
    state.last_attempt = Some(poll.finished);
    match &poll.outcome {
        PollOutcome::NotModified | PollOutcome::Parsed { .. } => {
            state.last_success = Some(poll.finished);
            state.last_error = None;
        }
        PollOutcome::Failed(error) => state.last_error = Some(error.clone()),
    }
    let applied = match &mut poll.outcome {
        PollOutcome::Parsed {
            document,
            validators,
        } => {
            state.etag = validators.etag.clone();
            state.last_modified = validators.last_modified.clone();
            // The items move to the cache (the rest of the document stays for the caller).
            let items = Document {
                items: std::mem::take(&mut document.items),
                cut_short: document.cut_short,
                ..Document::default()
            };
            // Entries and state in one transaction: a crash keeps both or neither.
            store.apply_poll(&poll.source, items, &state, poll.finished)?
        }
        PollOutcome::NotModified | PollOutcome::Failed(_) => {
            store.record_poll(&poll.source, &state)?;
            Applied::default()
        }
    };
    // The claim to poll it ends: the other processes may poll it when it is next due.
    store.finish_poll(&poll.source, poll.next_poll, poll.succeeded())?;
    Ok(Ingested {
        source: poll.source.clone(),
        state,
        applied,
        not_modified: matches!(poll.outcome, PollOutcome::NotModified),
        next_poll: poll.next_poll,
    })
}

/// [`ingest`], then the source's retention, after a poll that brought a document.
pub fn ingest_retaining(
    store: &mut Store,
    poll: &mut Poll,
    retention: Retention,
) -> Result<Ingested, StoreError> {
    let ingested = ingest(store, poll)?;
    let limited = retention.max_age.is_some() || retention.max_entries.is_some();
    if limited && matches!(poll.outcome, PollOutcome::Parsed { .. }) {
        store.prune(
            &poll.source,
            retention.max_age,
            retention.max_entries,
            poll.finished,
        )?;
    }
    Ok(ingested)
}
