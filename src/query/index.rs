//! A word index over held entries, so that a filter pass need not hold or scan every
//! entry's folded text.
//!
//! Entries are indexed under a *slot*: a number the holder gives each entry it holds
//! (ascending as entries are added, never reused). A query is compiled against the index
//! once per keystroke ([`WordIndex::compile`]); the compiled query then tests a slot,
//! asking for the entry's full folded text only when the index alone cannot answer
//! (a phrase, a word with punctuation in it).
//!
//! SEAM (to be replaced by the real index): this first version keeps no index and
//! answers every test from the entry's full text. Its API is what the reader uses.

use jiff::Timestamp;

use super::matcher::Query;
use super::prepared::Prepared;

/// The words of held entries, by slot.
#[derive(Debug, Default, Clone)]
pub struct WordIndex {
    /// How many entries are indexed (for the seam's bookkeeping).
    indexed: usize,
}

impl WordIndex {
    /// An empty index.
    pub fn new() -> WordIndex {
        WordIndex::default()
    }

    /// Indexes the entry `prepared` under `slot` (the holder's number for it; slots
    /// given to `insert` ascend).
    pub fn insert(&mut self, slot: u32, prepared: &Prepared) {
        let _ = (slot, prepared);
        self.indexed += 1;
    }

    /// Forgets the entry under `slot`, which was indexed as `prepared` (edited, or no
    /// longer held).
    pub fn remove(&mut self, slot: u32, prepared: &Prepared) {
        let _ = (slot, prepared);
        self.indexed = self.indexed.saturating_sub(1);
    }

    /// Bytes the index holds on the heap (approximately).
    pub fn heap_bytes(&self) -> usize {
        0
    }

    /// Prepares `query` for testing slots of this index. The result is valid until the
    /// index next changes; an entry inserted after it is tested with
    /// [`IndexedQuery::test_prepared`].
    pub fn compile(&self, query: &Query) -> IndexedQuery {
        IndexedQuery {
            query: query.clone(),
        }
    }
}

/// What an entry tells about itself without its text: enough for `since:` and
/// `source:`, the tests the index does not keep.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    /// Its slot in the index.
    pub slot: u32,
    /// Its sort time ([`Prepared::time`]).
    pub time: Timestamp,
    /// Its source's name, folded.
    pub source: &'a str,
}

/// A query compiled against a [`WordIndex`].
#[derive(Debug, Clone)]
pub struct IndexedQuery {
    query: Query,
}

impl IndexedQuery {
    /// Does the entry `held` match at time `now`? `full` gives the entry's full
    /// prepared form; it is called only when the index cannot answer alone, at most
    /// once.
    pub fn test(&self, held: Held<'_>, now: Timestamp, full: impl FnOnce() -> Prepared) -> bool {
        let _ = held;
        if self.query.is_empty() {
            return true;
        }
        self.query.matches_prepared(&full(), now)
    }

    /// Does `prepared`, an entry not in the index, match at time `now`?
    pub fn test_prepared(&self, prepared: &Prepared, now: Timestamp) -> bool {
        self.query.matches_prepared(prepared, now)
    }

    /// The query compiled.
    pub fn query(&self) -> &Query {
        &self.query
    }
}
