//! Keeping filters ready (see `ready`): which ones, and the sweeps that test the rows
//! not tested yet, run (`Action::ReadyStep`) when nothing else waits: no key, no
//! filter pass, no rows to group.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::ready::{HISTORY_KEPT, HISTORY_LOOKED_AT, ReadyFilter};
use super::scan::{CompiledFilter, Scan};
use super::state::App;
use crate::query::Query;

/// Whether a filter that is not saved is worth keeping ready: it reads the text (else
/// the word index answers it a bit a row already) and has no `since:` (its answer
/// moves with the clock).
fn worth_keeping(query: &Query) -> bool {
    query.reads_text() && !query.depends_on_time()
}

impl App {
    /// What the filters kept ready are chosen from, each with whether it is saved:
    /// the saved filters' query texts, then the history's latest filters, newest
    /// first.
    fn ready_wanted(&self) -> impl Iterator<Item = (&str, bool)> {
        let saved = self
            .saved_filters
            .iter()
            .map(|(_, query)| (query.as_str(), true));
        let history = self.filter_history.iter().rev().take(HISTORY_LOOKED_AT);
        saved.chain(history.map(|input| (input.as_str(), false)))
    }

    /// Whether the filters kept ready were chosen from what is wanted now.
    fn ready_in_line(&self) -> bool {
        self.ready
            .made_for(self.ready_wanted().map(|(input, _)| input))
    }

    /// Brings the filters kept ready in line with the saved filters and the history:
    /// one for each saved filter that parses and has no `since:`, then one for each of
    /// the history's latest filters that reads the text and has no `since:` (at most
    /// [`HISTORY_KEPT`]). Those kept already (the list's own too) stay as they are.
    pub(super) fn sync_ready(&mut self) {
        if self.ready_in_line() {
            return;
        }
        let mut kept = std::mem::take(&mut self.ready.filters);
        kept.extend(self.ready.current.take());
        let mut filters: Vec<ReadyFilter> = Vec::new();
        let mut from_history = 0;
        for (input, is_saved) in self.ready_wanted() {
            if !is_saved && from_history == HISTORY_KEPT {
                break;
            }
            let Ok(query) = Query::parse(input) else {
                continue;
            };
            // A saved filter is kept whatever it reads (applying it is a key away).
            let wanted = if is_saved {
                !query.is_empty() && !query.depends_on_time()
            } else {
                worth_keeping(&query)
            };
            if !wanted || filters.iter().any(|ready| ready.query == query) {
                continue;
            }
            from_history += usize::from(!is_saved);
            match kept.iter().position(|ready| ready.query == query) {
                Some(at) => filters.push(kept.swap_remove(at)),
                None => filters.push(ReadyFilter::new(query)),
            }
        }
        self.ready.filters = filters;
        // The list's own stays while it is the list's filter.
        self.ready.current = kept
            .into_iter()
            .find(|ready| ready.query == self.filter.query && worth_keeping(&ready.query));
        self.ready.synced_from = self
            .ready_wanted()
            .map(|(input, _)| input.to_string())
            .collect();
    }

    /// Makes sure a filter is kept for the list's filter when it reads the text and
    /// has no `since:` (one of `filters`, else `current`), so that its pass notes what
    /// it finds; false when there is none to keep.
    pub(super) fn keep_list_filter_ready(&mut self) -> bool {
        // A filter just accepted joins `filters` now, with what its pass noted, not
        // at the next idle step (another filter applied before it would replace it).
        self.sync_ready();
        let query = &self.filter.query;
        if !worth_keeping(query) {
            return false;
        }
        if self.ready.for_query(query).is_none() {
            self.ready.current = Some(ReadyFilter::new(query.clone()));
        }
        true
    }

    /// Forgets what every filter kept ready found, as if no pass or sweep had run
    /// (for benches that time a pass from nothing: the same phrase applied again is
    /// otherwise answered from what its last pass found).
    #[doc(hidden)]
    pub fn forget_ready_filters(&mut self) {
        self.ready = Default::default();
    }

    /// Whether a filter kept ready has rows left to test (or the saved filters or
    /// the history changed).
    pub fn ready_work_left(&self) -> bool {
        !self.ready_in_line() || self.ready.filters.iter().any(|ready| self.sweep_due(ready))
    }

    /// Whether `ready` has a sweep under way, or rows joined since its last one.
    fn sweep_due(&self, ready: &ReadyFilter) -> bool {
        ready.sweep.is_some() || ready.swept_at != Some(self.index.changes())
    }

    /// Runs the sweep of the first filter kept ready that has rows left to test until
    /// `deadline` (to its end when `None`).
    pub(super) fn advance_ready(&mut self, deadline: Option<Instant>) {
        self.sync_ready();
        let Some(at) = self
            .ready
            .filters
            .iter()
            .position(|ready| self.sweep_due(ready))
        else {
            return;
        };
        let mut ready = self.ready.filters.remove(at);
        self.sweep(&mut ready, deadline);
        self.ready.filters.insert(at, ready);
    }

    fn sweep(&self, ready: &mut ReadyFilter, deadline: Option<Instant>) {
        let changes = self.index.changes();
        ready.swept_at = None;
        let mut scan = match ready.sweep.take() {
            Some((began, scan)) if began == changes => scan,
            // None under way, or rows joined or left since it began (its row numbers
            // are stale): it starts over, passing the slots it tested at a bit each.
            _ => Scan::all(),
        };
        if ready
            .compiled
            .as_ref()
            .is_none_or(|kept| kept.changes != changes)
        {
            ready.compiled = Some(CompiledFilter {
                changes,
                compiled: self.index.compile(&ready.query),
            });
        }
        let Some(CompiledFilter { compiled, .. }) = &ready.compiled else {
            return;
        };
        if compiled.is_index_only() {
            // The index answers it a bit a row already: nothing to keep.
            ready.tested.clear();
            ready.matched.clear();
            ready.swept_at = Some(changes);
            return;
        }
        let rows = self.rows.len();
        let matched = Mutex::new(Vec::new());
        let mut tested = Vec::new();
        {
            let test = self.query_test(Cow::Borrowed(compiled));
            let tested_before = &ready.tested;
            let keep = |index: usize| {
                let row = &self.rows[index];
                if row.arriving.is_some() || tested_before.contains(row.slot) {
                    return false;
                }
                if test.matches_query(row) {
                    matched
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(row.slot);
                }
                true
            };
            scan.step(rows, &keep, deadline, None, test.chunk(), &mut tested);
        }
        ready
            .tested
            .extend(tested.iter().map(|&index| self.rows[index].slot));
        ready
            .matched
            .extend(matched.into_inner().unwrap_or_else(PoisonError::into_inner));
        if scan.is_done(rows) {
            ready.swept_at = Some(changes);
        } else {
            ready.sweep = Some((changes, scan));
        }
    }
}
