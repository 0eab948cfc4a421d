//! Keeping saved filters ready (see `ready`): which ones, and the sweeps that test the
//! rows not tested yet, run (`Action::ReadyStep`) when nothing else waits: no key, no
//! filter pass, no rows to group.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::ready::ReadyFilter;
use super::scan::{CompiledFilter, Scan};
use super::state::App;
use crate::query::Query;

impl App {
    /// Brings the filters kept ready in line with the saved filters: one for each that
    /// parses and has no `since:`; those kept already stay as they are.
    pub(super) fn sync_ready(&mut self) {
        if self.ready.made_for(&self.saved_filters) {
            return;
        }
        let mut kept = std::mem::take(&mut self.ready.filters);
        let mut filters = Vec::new();
        for (_, input) in &self.saved_filters {
            if filters
                .iter()
                .any(|ready: &ReadyFilter| ready.input == *input)
            {
                continue;
            }
            if let Some(at) = kept.iter().position(|ready| ready.input == *input) {
                filters.push(kept.swap_remove(at));
            } else if let Ok(query) = Query::parse(input)
                && !query.is_empty()
                && !query.depends_on_time()
            {
                filters.push(ReadyFilter::new(input.clone(), query));
            }
        }
        self.ready.filters = filters;
        self.ready.synced_from = self
            .saved_filters
            .iter()
            .map(|(_, query)| query.clone())
            .collect();
    }

    /// Whether a saved filter kept ready has rows left to test (or the saved filters
    /// changed).
    pub fn ready_work_left(&self) -> bool {
        !self.ready.made_for(&self.saved_filters)
            || self.ready.filters.iter().any(|ready| self.sweep_due(ready))
    }

    /// Whether `ready` has a sweep under way, or rows joined since its last one.
    fn sweep_due(&self, ready: &ReadyFilter) -> bool {
        ready.sweep.is_some() || ready.swept_at != Some(self.index.changes())
    }

    /// Runs the sweep of the first saved filter that has rows left to test until
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
