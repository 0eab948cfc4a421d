//! A phrase being typed, looked for behind the list.
//!
//! While a quote is open the query does not parse, and the list keeps the last good
//! query's rows (a malformed query never changes them). Meanwhile, whenever no key
//! waits, a pass looks for what the phrase typed so far matches
//! (`Query::parse_typing`: its last word half-typed), keeping those rows' folded
//! bodies (`folded_bodies`); each key typed inside the quote narrows that pass rather
//! than starting one. The closing quote then narrows what the pass found: the whole
//! list is there about as soon as the quote is typed, where a phrase's pass otherwise
//! decompresses nearly every block of bodies.
//!
//! Rows joining or leaving (the word index changing) make the pass's row numbers
//! stale: it is dropped, and the closing quote starts from nothing as before.

use roaring::RoaringBitmap;

use super::scan::Scan;
use crate::query::{IndexedQuery, Query};

/// The pass for a phrase being typed (see the module's doc).
#[derive(Debug)]
pub struct OpenPhrase {
    /// The input it is for (the query as typed, its quote open).
    pub(super) input: String,
    /// The phrase so far, as `Query::parse_typing` reads it.
    pub(super) query: Query,
    /// `query` compiled, at the pass's first step (not on the keystroke, whose frame
    /// it would delay).
    pub(super) compiled: Option<IndexedQuery>,
    /// [`crate::query::WordIndex::changes`] when it started: rows are numbered as then.
    pub(super) changes: u64,
    /// What is left to test (`None`: the pass is over).
    pub(super) scan: Option<Scan>,
    /// The rows it kept so far, ascending.
    pub(super) matched: Vec<usize>,
    /// The slots of the rows it, or a pass it narrowed, rejected on their text: the
    /// phrase once typed on rejects them too, so they are noted as tested for it
    /// (see `ready`), and recalling it later reads none of them.
    pub(super) rejected: RoaringBitmap,
}

/// What a pass for a phrase being typed leaves to the input typed after it, when that
/// can only narrow what it matched (see [`super::state::App::take_open_phrase_narrowed_by`]).
#[derive(Debug)]
pub struct Narrowed {
    /// The rows it kept, ascending.
    pub(super) matched: Vec<usize>,
    /// What it had left to test.
    pub(super) left: Option<Scan>,
    /// The slots it rejected on their text.
    pub(super) rejected: RoaringBitmap,
}
