//! Saved filters kept ready: what each saved filter that reads the entries' text (a
//! phrase, a punctuated word) matches, found when the reader is idle, so that
//! applying it is one bit looked up a row instead of a pass that decompresses nearly
//! every block of bodies.
//!
//! Results are by slot: a row's slot is given when it joins and never reused, and what
//! a slot holds never changes (an edit joins under a new slot), so a slot tested stays
//! tested. When rows join, a sweep tests only the new slots; a row leaving takes its
//! slot out. A filter with `since:` is never kept (its answer moves with the clock),
//! nor one the word index answers alone (that is already one bit a row).

use roaring::RoaringBitmap;

use super::scan::{CompiledFilter, Scan};
use crate::query::Query;

/// One saved filter kept ready (see the module's doc).
#[derive(Debug)]
pub struct ReadyFilter {
    /// The saved filter's query text, as in the config.
    pub(super) input: String,
    /// It parsed.
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
    pub(super) fn new(input: String, query: Query) -> ReadyFilter {
        ReadyFilter {
            input,
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

    /// About the bytes its bitmaps take (their serialized size).
    pub(super) fn heap_bytes(&self) -> usize {
        self.tested.serialized_size() + self.matched.serialized_size()
    }
}

/// The saved filters kept ready, and the saved filters' queries they were made for.
#[derive(Debug, Default)]
pub struct ReadyFilters {
    /// The saved filters' query texts when `filters` was last brought in line.
    pub(super) synced_from: Vec<String>,
    /// One for each saved filter that parses and has no `since:`, in config order.
    pub(super) filters: Vec<ReadyFilter>,
}

impl ReadyFilters {
    /// The one kept for `query`, if any.
    pub(super) fn for_query(&self, query: &Query) -> Option<&ReadyFilter> {
        self.filters.iter().find(|ready| ready.query == *query)
    }

    /// Whether `saved` (the saved filters, `(name, query)`) are the ones `filters` was
    /// made for.
    pub(super) fn made_for(&self, saved: &[(String, String)]) -> bool {
        self.synced_from.len() == saved.len()
            && self
                .synced_from
                .iter()
                .zip(saved)
                .all(|(synced, (_, query))| synced == query)
    }

    /// Forgets the row at `slot` in every filter (it left the reader).
    pub(super) fn forget(&mut self, slot: u32) {
        for ready in &mut self.filters {
            ready.forget(slot);
        }
    }

    /// About the bytes the filters' bitmaps take.
    pub fn heap_bytes(&self) -> usize {
        self.filters.iter().map(ReadyFilter::heap_bytes).sum()
    }
}
