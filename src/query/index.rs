//! A word index over held entries, so that a filter pass need not hold or scan every
//! entry's folded text.
//!
//! Entries are indexed under a *slot*: a number the holder gives each entry it holds
//! (ascending as entries are added, never reused). A query is compiled against the index
//! once per keystroke ([`WordIndex::compile`]); the compiled query then tests a slot,
//! asking for the entry's full folded text only when the index alone cannot answer
//! (a phrase, a word with punctuation in it).
//!
//! The index keeps three dictionaries of tokens (runs of word characters, and each
//! character of a script written without spaces; see `tokens`): one for the title,
//! author and text together (bare words and phrases), one for the title and one for
//! the author. Each token maps to the slots holding it, as a compressed bitmap
//! (`roaring`), and the dictionaries are ordered, so that a prefix is a range.
//!
//! A word made only of word characters (`kyi`, `title:drone`) is answered exactly: some
//! token starts with it. Anything else (`foo:bar`, `kyiv's`, a phrase) gets candidate
//! slots from the index (those holding its whole tokens, and a token starting with its
//! last run) which the entry's text then confirms. A query whose every word is exact
//! compiles to one bitmap, so a test is a bitmap lookup plus the `since:` and `source:`
//! checks, which [`Held`] answers without the text.

mod held;
mod plan;
mod postings;
mod tokens;

#[cfg(test)]
mod tests;

use jiff::Timestamp;
use roaring::RoaringBitmap;

use super::matcher::Query;
use super::prepared::Prepared;
pub use held::Held;
pub(in crate::query) use plan::reads_text;
use plan::{DenseSlots, Dictionaries, Full, Plan, Staged};
pub use plan::{Stage, StagedText};
use postings::{Postings, bitmap_heap_bytes};
use tokens::tokens;

/// The words of held entries, by slot.
#[derive(Debug, Default, Clone)]
pub struct WordIndex {
    /// Tokens of the title, author and text together.
    any: Postings,
    /// Tokens of the title.
    title: Postings,
    /// Tokens of the author.
    author: Postings,
    /// Every indexed slot.
    live: RoaringBitmap,
    /// How many inserts and removes so far (see [`WordIndex::changes`]).
    changes: u64,
}

impl WordIndex {
    /// An empty index.
    pub fn new() -> WordIndex {
        WordIndex::default()
    }

    /// Indexes the entry `prepared` under `slot` (the holder's number for it; slots
    /// given to `insert` ascend).
    pub fn insert(&mut self, slot: u32, prepared: &Prepared) {
        self.live.insert(slot);
        self.changes = self.changes.wrapping_add(1);
        // A token seen again in the same entry changes nothing: no need to dedup first.
        self.each_posting(prepared, |postings, token| postings.add(token, slot));
    }

    /// Forgets the entry under `slot`, which was indexed as `prepared` (edited, or no
    /// longer held).
    pub fn remove(&mut self, slot: u32, prepared: &Prepared) {
        self.live.remove(slot);
        self.changes = self.changes.wrapping_add(1);
        self.each_posting(prepared, |postings, token| postings.remove(token, slot));
    }

    /// Calls `change` with each dictionary and each token of `prepared` it keeps: the
    /// title's in "title" and "any", the author's in "author" and "any", the text's in
    /// "any". One place says which field goes where, for adding and removing alike.
    fn each_posting(&mut self, prepared: &Prepared, mut change: impl FnMut(&mut Postings, &str)) {
        for token in tokens(prepared.title()) {
            change(&mut self.title, token);
            change(&mut self.any, token);
        }
        for token in tokens(prepared.author()) {
            change(&mut self.author, token);
            change(&mut self.any, token);
        }
        for token in tokens(prepared.text()) {
            change(&mut self.any, token);
        }
    }

    /// Bytes the index holds on the heap (approximately).
    pub fn heap_bytes(&self) -> usize {
        self.any.heap_bytes()
            + self.title.heap_bytes()
            + self.author.heap_bytes()
            + bitmap_heap_bytes(&self.live)
    }

    /// How many entries are indexed.
    pub fn len(&self) -> u64 {
        self.live.len()
    }

    /// How many times entries were inserted or removed: a query compiled while this
    /// was the same still holds (a filter pass compiles once, not at every step).
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// True when no entry is indexed.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// How many different tokens the title-author-text, title and author dictionaries
    /// hold, in that order.
    pub fn token_counts(&self) -> [usize; 3] {
        [self.any.len(), self.title.len(), self.author.len()]
    }

    /// Prepares `query` for testing slots of this index. The result is valid until the
    /// index next changes; an entry inserted after it is tested with
    /// [`IndexedQuery::test_prepared`].
    pub fn compile(&self, query: &Query) -> IndexedQuery {
        let dicts = Dictionaries {
            any: &self.any,
            title: &self.title,
            author: &self.author,
            live: &self.live,
        };
        let plan = query.root.as_ref().map(|root| Plan::compile(root, &dicts));
        let exact = match &plan {
            Some(Plan::Slots(slots)) => DenseSlots::of(slots),
            _ => None,
        };
        IndexedQuery {
            plan,
            exact,
            query: query.clone(),
        }
    }
}

/// A query compiled against a [`WordIndex`].
#[derive(Debug, Clone)]
pub struct IndexedQuery {
    query: Query,
    /// The compiled query; `None` for the empty query (everything matches).
    plan: Option<Plan>,
    /// The matching slots one bit each, when the plan is exactly those slots (and
    /// they are few enough, see `DenseSlots::of`).
    exact: Option<DenseSlots>,
}

impl IndexedQuery {
    /// Does the entry `held` match at time `now`? `full` gives the entry's full
    /// prepared form; it is called only when the index cannot answer alone, at most
    /// once.
    pub fn test(&self, held: Held<'_>, now: Timestamp, full: impl FnOnce() -> Prepared) -> bool {
        if let Some(answer) = self.test_slot(held.slot) {
            return answer;
        }
        match &self.plan {
            None => true,
            Some(plan) => plan.test(&held, now.as_nanosecond(), &mut Full::new(full)),
        }
    }

    /// Does the entry `held` match at time `now`, like [`IndexedQuery::test`], reading
    /// its text in stages: `fold(Stage::Fields, out)` folds into `out` the entry
    /// without its body ([`Prepared::fold_fields`] of its title, author, source name
    /// and `""`), `fold(Stage::Body, out)` its body alone (of `""`, `""`, `""` and the
    /// body). The body is asked for only when the title and author do not already
    /// decide a word or phrase; each stage at most once. `buffers` are what they are
    /// folded into: keep them for the next entry.
    pub fn test_staged(
        &self,
        held: Held<'_>,
        now: Timestamp,
        buffers: &mut StagedText,
        fold: impl FnMut(Stage, &mut Prepared),
    ) -> bool {
        if let Some(answer) = self.test_slot(held.slot) {
            return answer;
        }
        match &self.plan {
            None => true,
            Some(plan) => plan.test(&held, now.as_nanosecond(), &mut Staged::new(buffers, fold)),
        }
    }

    /// Does the entry in `slot` match, when the slot alone decides it (the empty
    /// query, or one whose every word the index answers, without `since:` or
    /// `source:`)? `None` when it takes [`IndexedQuery::test`]. What a pass over every
    /// held entry asks first: a load and a shift.
    pub fn test_slot(&self, slot: u32) -> Option<bool> {
        match (&self.plan, &self.exact) {
            (None, _) => Some(true),
            (Some(_), Some(exact)) => Some(exact.contains(slot)),
            (Some(Plan::Slots(slots)), None) => Some(slots.contains(slot)),
            (Some(_), None) => None,
        }
    }

    /// True when a test reads the entry's folded source name (`source:`): otherwise
    /// [`Held::source`] may be left empty.
    pub fn reads_source(&self) -> bool {
        self.plan.as_ref().is_some_and(Plan::reads_source)
    }

    /// Does `prepared`, an entry not in the index, match at time `now`?
    pub fn test_prepared(&self, prepared: &Prepared, now: Timestamp) -> bool {
        self.query.matches_prepared(prepared, now)
    }

    /// The query compiled.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// The matching slots, ascending, when the index alone decides the whole query (no
    /// text to confirm, no `since:` or `source:`): a pass can walk these instead of
    /// testing every slot. `None` otherwise, and for the empty query.
    pub fn exact_slots(&self) -> Option<impl Iterator<Item = u32> + '_> {
        match &self.plan {
            Some(Plan::Slots(slots)) => Some(slots.iter()),
            _ => None,
        }
    }

    /// True when [`IndexedQuery::test`] never asks for the full text: every word of
    /// the query is answered by the index.
    pub fn is_index_only(&self) -> bool {
        self.plan.as_ref().is_none_or(Plan::is_index_only)
    }
}
