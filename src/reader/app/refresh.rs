//! A refresh the user asked for (`r`), followed until every source it polls has
//! answered: the status line's "refreshing…" then becomes a summary, instead of
//! staying until the next key.

use jiff::{SignedDuration, Timestamp};

use super::state::{App, Refreshing};
use crate::model::SourceId;

/// How long a refresh is waited for at most (a fetch times out well before): a source
/// that never answers (a read-only cache polls nothing) does not hold the notice.
const GIVE_UP_AFTER: SignedDuration = SignedDuration::from_secs(120);

impl App {
    /// Starts following a refresh of `target` (`None`: every source), with `notice` on
    /// the status line.
    pub(super) fn start_refresh(&mut self, target: Option<&SourceId>, notice: String) {
        let pending: Vec<SourceId> = match target {
            Some(source) => vec![source.clone()],
            None => self.sources.iter().map(|view| view.id.clone()).collect(),
        };
        let label = match target {
            Some(source) => format!("refreshed {source}"),
            None => format!(
                "refreshed {}",
                crate::output::plural(pending.len(), "source", "sources")
            ),
        };
        self.notice = Some(notice.clone());
        self.refreshing = Some(Refreshing {
            started: Timestamp::now(),
            label,
            pending,
            new: 0,
            failed: Vec::new(),
            notice,
        });
        self.finish_refresh_if_done();
    }

    /// `source` answered a poll of this reader's: `new` entries, failed or not.
    pub(super) fn refresh_heard(&mut self, source: &SourceId, new: usize, failed: bool) {
        let Some(refreshing) = &mut self.refreshing else {
            return;
        };
        if let Some(at) = refreshing.pending.iter().position(|id| id == source) {
            refreshing.pending.remove(at);
            refreshing.new += new;
            if failed {
                refreshing.failed.push(source.clone());
            }
        }
        self.finish_refresh_if_done();
    }

    /// Another process sharing the cache polled sources (a refresh that found one
    /// fetching waits for its result): those polled since the refresh began answered.
    pub(super) fn refresh_heard_elsewhere(&mut self) {
        let Some(refreshing) = &self.refreshing else {
            return;
        };
        let started = refreshing.started;
        let answered: Vec<(SourceId, bool)> = self
            .sources
            .iter()
            .filter(|view| view.state.last_attempt.is_some_and(|at| at >= started))
            .map(|view| (view.id.clone(), view.state.last_error.is_some()))
            .collect();
        for (source, failed) in answered {
            self.refresh_heard(&source, 0, failed);
        }
        self.finish_refresh_if_done();
    }

    /// The clock moved: a refresh waited for too long is dropped, with its notice.
    pub(super) fn refresh_tick(&mut self, now: Timestamp) {
        let Some(refreshing) = &self.refreshing else {
            return;
        };
        if now.duration_since(refreshing.started) > GIVE_UP_AFTER {
            if self.notice.as_ref() == Some(&refreshing.notice) {
                self.notice = None;
            }
            self.refreshing = None;
        }
    }

    /// Once every source answered (or was taken out), the summary replaces the
    /// "refreshing…" notice, unless something else is on the status line by then.
    fn finish_refresh_if_done(&mut self) {
        let Some(refreshing) = &mut self.refreshing else {
            return;
        };
        let sources = &self.sources;
        refreshing
            .pending
            .retain(|id| sources.iter().any(|view| &view.id == id));
        if !refreshing.pending.is_empty() {
            return;
        }
        let shown = self.notice.as_ref();
        if shown.is_none() || shown == Some(&refreshing.notice) {
            self.notice = Some(summary(refreshing));
        }
        self.refreshing = None;
    }
}

/// "refreshed 4 sources: 3 new, 1 failed (Name)".
fn summary(refreshing: &Refreshing) -> String {
    let new = match refreshing.new {
        0 => "nothing new".to_string(),
        n => format!("{n} new"),
    };
    let names: Vec<&str> = refreshing.failed.iter().map(|id| id.0.as_str()).collect();
    match names.len() {
        0 => format!("{}: {new}", refreshing.label),
        failed => format!(
            "{}: {new}, {failed} failed ({})",
            refreshing.label,
            names.join(", ")
        ),
    }
}
