//! Filters kept ready: what each saved filter, and each of the latest filters of the
//! history that read the entries' text (a phrase, a punctuated word), matches, found
//! when the reader is idle, so that applying one (a key, a filter recalled from the
//! history, a phrase pasted again) is one bit looked up a row instead of a pass that
//! decompresses nearly every block of bodies.
//!
//! The list's own pass notes what it finds on the rows' text too, for its filter (the
//! `current` one until it is in the history): a filter applied once and then recalled
//! is ready without a sweep, and after news only the new rows are read.
//!
//! Results are by slot: a row's slot is given when it joins and never reused, and what
//! a slot holds never changes (an edit joins under a new slot), so a slot tested stays
//! tested. When rows join, a sweep tests only the new slots; a row leaving takes its
//! slot out. A filter with `since:` is never kept (its answer moves with the clock),
//! nor one the word index answers alone (that is already one bit a row).

use roaring::RoaringBitmap;

use super::scan::{CompiledFilter, Scan};
use crate::query::Query;

/// How many of the history's latest filters that read the text are kept ready, besides
/// the saved filters.
pub(super) const HISTORY_KEPT: usize = 4;

/// How far back the history is looked through for them.
pub(super) const HISTORY_LOOKED_AT: usize = 16;

/// One filter kept ready (see the module's doc).
#[derive(Debug)]
pub struct ReadyFilter {
    /// The filter, parsed.
    pub(super) query: Query,
    /// `query` compiled, and when.
    pub(super) compiled: Option<CompiledFilter>,
    /// Slots tested, and those of them that matched.
    pub(super) tested: RoaringBitmap,
    pub(super) matched: RoaringBitmap,
    /// The sweep under way over the rows, and [`crate::query::WordIndex::changes`]
    /// when it began (its row numbers are as then).
    pub(super) sweep: Option<(u64, Scan)>,
    /// `WordIndex::changes` when the last sweep to end began: while they are still
    /// that, every row is tested.
    pub(super) swept_at: Option<u64>,
}

impl ReadyFilter {
    /// A filter not yet tested on any row.
    pub(super) fn new(query: Query) -> ReadyFilter {
        ReadyFilter {
            query,
            compiled: None,
            tested: RoaringBitmap::new(),
            matched: RoaringBitmap::new(),
            sweep: None,
            swept_at: None,
        }
    }

    /// Whether the row at `slot` matches, if it was tested.
    pub(super) fn answer(&self, slot: u32) -> Option<bool> {
        self.tested
            .contains(slot)
            .then(|| self.matched.contains(slot))
    }

    /// Forgets the row at `slot` (it left the reader).
    pub(super) fn forget(&mut self, slot: u32) {
        self.tested.remove(slot);
        self.matched.remove(slot);
    }

    /// Takes in what a pass found testing rows on their text, by slot.
    fn learn(&mut self, answers: &[(u32, bool)]) {
        for &(slot, matched) in answers {
            self.tested.insert(slot);
            if matched {
                self.matched.insert(slot);
            }
        }
    }

    /// About the bytes its bitmaps take (their serialized size).
    pub(super) fn heap_bytes(&self) -> usize {
        self.tested.serialized_size() + self.matched.serialized_size()
    }
}

/// The filters kept ready, and what they were chosen from.
#[derive(Debug, Default)]
pub struct ReadyFilters {
    /// What `filters` was last chosen from: the saved filters' query texts, then the
    /// latest filters of the history, newest first (see `App::sync_ready`).
    pub(super) synced_from: Vec<String>,
    /// One for each saved filter that parses and has no `since:`, in config order,
    /// then one for each of the [`HISTORY_KEPT`] latest filters of the history that
    /// read the text and have no `since:`, newest first. The idle sweeps test the
    /// rows for these.
    pub(super) filters: Vec<ReadyFilter>,
    /// The list's filter when it reads the text, has no `since:` and is none of
    /// `filters`: what the list's pass found, never swept. It joins `filters` once it
    /// is in the history; it is let go of when another filter takes its place, or
    /// when the filters kept ready are chosen again and it is no longer the list's.
    pub(super) current: Option<ReadyFilter>,
}

impl ReadyFilters {
    /// The one kept for `query`, if any.
    pub(super) fn for_query(&self, query: &Query) -> Option<&ReadyFilter> {
        self.filters
            .iter()
            .chain(&self.current)
            .find(|ready| ready.query == *query)
    }

    /// Takes in what a pass found for `query` testing rows on their text, by slot (the
    /// list's pass, or the rows the pass behind a phrase being typed rejected), if a
    /// filter is kept for it.
    pub(super) fn learn(&mut self, query: &Query, answers: Vec<(u32, bool)>) {
        if answers.is_empty() {
            return;
        }
        if let Some(ready) = self
            .filters
            .iter_mut()
            .chain(&mut self.current)
            .find(|ready| ready.query == *query)
        {
            ready.learn(&answers);
        }
    }

    /// Whether `wanted` (the saved filters' query texts, then the history's latest
    /// filters, newest first) is what `filters` was chosen from.
    pub(super) fn made_for<'a>(&self, wanted: impl Iterator<Item = &'a str>) -> bool {
        self.synced_from.iter().map(String::as_str).eq(wanted)
    }

    /// Forgets the row at `slot` in every filter (it left the reader).
    pub(super) fn forget(&mut self, slot: u32) {
        for ready in self.filters.iter_mut().chain(&mut self.current) {
            ready.forget(slot);
        }
    }

    /// About the bytes the filters' bitmaps take.
    pub fn heap_bytes(&self) -> usize {
        self.filters
            .iter()
            .chain(&self.current)
            .map(ReadyFilter::heap_bytes)
            .sum()
    }
}
