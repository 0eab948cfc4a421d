//! A query compiled against the index: each node becomes the slots it matches exactly,
//! candidate slots to verify with the entry's text, or a test of what [`Held`] tells.

use roaring::{MultiOps, RoaringBitmap};

use super::super::prepared::Prepared;
use super::super::tree::{Field, Node, since_holds};
use super::held::Held;
use super::postings::Postings;
use super::tokens::{phrase_tokens, term_tokens};

/// The three dictionaries and the live slots, as a compiled query reads them.
pub(super) struct Dictionaries<'a> {
    /// Title, author and text tokens.
    pub(super) any: &'a Postings,
    pub(super) title: &'a Postings,
    pub(super) author: &'a Postings,
    /// Every indexed slot: what a `-` complements against.
    pub(super) live: &'a RoaringBitmap,
}

/// A compiled node.
#[derive(Debug, Clone)]
pub(super) enum Plan {
    /// Exactly these slots match.
    Slots(RoaringBitmap),
    /// Only these slots can match; the node, tested on the full text, decides.
    Verify {
        candidates: RoaringBitmap,
        node: Node,
    },
    /// Sorted within this many seconds before now.
    Since(i64),
    /// The folded source name contains this.
    Source(String),
    And(Vec<Plan>),
    Or(Vec<Plan>),
    Not(Box<Plan>),
}

impl Plan {
    /// Compiles `node` against the dictionaries.
    pub(super) fn compile(node: &Node, dicts: &Dictionaries<'_>) -> Plan {
        match node {
            Node::Word(word) => term(node, word, dicts.any, dicts.live),
            Node::Field(Field::Title, value) => term(node, value, dicts.title, dicts.live),
            Node::Field(Field::Author, value) => term(node, value, dicts.author, dicts.live),
            Node::Field(Field::Source, value) => Plan::Source(value.clone()),
            Node::Since(seconds) => Plan::Since(*seconds),
            Node::Phrase { words, open, .. } => {
                let mut tokens = phrase_tokens(words);
                // An open phrase's last word may go on: its last token is a prefix.
                let prefix = if *open { tokens.pop() } else { None };
                let mut candidates = whole_tokens(&tokens, dicts.any, dicts.live);
                if let Some(prefix) = prefix {
                    candidates &= dicts.any.starting_with(prefix);
                }
                verify(candidates, node)
            }
            Node::Not(inner) => match Plan::compile(inner, dicts) {
                Plan::Slots(slots) => Plan::Slots(dicts.live - slots),
                Plan::Not(twice) => *twice,
                plan => Plan::Not(Box::new(plan)),
            },
            Node::And(nodes) => and(nodes.iter().map(|n| Plan::compile(n, dicts)).collect()),
            Node::Or(nodes) => or(nodes.iter().map(|n| Plan::compile(n, dicts)).collect()),
        }
    }

    /// Does the entry `held` match at `now_ns`? Asks `text` for the entry's text only
    /// at a [`Plan::Verify`] the slot is a candidate of.
    pub(super) fn test(&self, held: &Held<'_>, now_ns: i128, text: &mut impl Text) -> bool {
        match self {
            Plan::Slots(slots) => slots.contains(held.slot),
            Plan::Verify { candidates, node } => {
                candidates.contains(held.slot) && verified(node, now_ns, text)
            }
            Plan::Since(seconds) => since_holds(held.time, *seconds, now_ns),
            Plan::Source(value) => held.source.contains(value.as_str()),
            Plan::And(plans) => plans.iter().all(|p| p.test(held, now_ns, text)),
            Plan::Or(plans) => plans.iter().any(|p| p.test(held, now_ns, text)),
            Plan::Not(plan) => !plan.test(held, now_ns, text),
        }
    }

    /// True when testing never needs the full text.
    pub(super) fn is_index_only(&self) -> bool {
        match self {
            Plan::Slots(_) | Plan::Since(_) | Plan::Source(_) => true,
            Plan::Verify { .. } => false,
            Plan::And(plans) | Plan::Or(plans) => plans.iter().all(Plan::is_index_only),
            Plan::Not(plan) => plan.is_index_only(),
        }
    }

    /// True when some test reads the source's name (`source:`).
    pub(super) fn reads_source(&self) -> bool {
        match self {
            Plan::Source(_) => true,
            Plan::Slots(_) | Plan::Since(_) | Plan::Verify { .. } => false,
            Plan::And(plans) | Plan::Or(plans) => plans.iter().any(Plan::reads_source),
            Plan::Not(plan) => plan.reads_source(),
        }
    }

    /// The order an AND tests its parts in: exact slots first, then the per-entry
    /// tests, then what needs the text.
    fn rank(&self) -> u8 {
        match self {
            Plan::Slots(_) => 0,
            Plan::Since(_) | Plan::Source(_) => 1,
            Plan::And(_) | Plan::Or(_) | Plan::Not(_) => 2 + u8::from(!self.is_index_only()),
            Plan::Verify { .. } => 4,
        }
    }
}

/// A word or a `title:`/`author:` value, matched against one field's dictionary.
fn term(node: &Node, value: &str, postings: &Postings, live: &RoaringBitmap) -> Plan {
    let tokens = term_tokens(value);
    if tokens.exact
        && let Some(prefix) = tokens.prefix
    {
        return Plan::Slots(postings.starting_with(prefix));
    }
    let mut candidates = whole_tokens(&tokens.whole, postings, live);
    if let Some(prefix) = tokens.prefix {
        candidates &= postings.starting_with(prefix);
    }
    verify(candidates, node)
}

/// True when `node` may need an entry's text to decide, whatever the index holds:
/// what [`Plan::compile`] makes a [`Plan::Verify`] of when some slot is a candidate (a
/// phrase, a word with punctuation in it). False means every compiled form of it is
/// answered by the index and [`Held`] alone.
pub(in crate::query) fn reads_text(node: &Node) -> bool {
    match node {
        Node::Word(value) | Node::Field(Field::Title | Field::Author, value) => {
            let tokens = term_tokens(value);
            !(tokens.exact && tokens.prefix.is_some())
        }
        Node::Phrase { .. } => true,
        Node::Field(Field::Source, _) | Node::Since(_) => false,
        Node::Not(inner) => reads_text(inner),
        Node::And(nodes) | Node::Or(nodes) => nodes.iter().any(reads_text),
    }
}

/// The slots holding every one of `tokens` whole (every live slot for none).
fn whole_tokens(tokens: &[&str], postings: &Postings, live: &RoaringBitmap) -> RoaringBitmap {
    if tokens.is_empty() {
        return live.clone();
    }
    tokens
        .iter()
        .map(|token| postings.whole(token))
        .intersection()
}

fn verify(candidates: RoaringBitmap, node: &Node) -> Plan {
    if candidates.is_empty() {
        return Plan::Slots(candidates);
    }
    Plan::Verify {
        candidates,
        node: node.clone(),
    }
}

/// An AND: its exact parts become one bitmap, tested first.
fn and(plans: Vec<Plan>) -> Plan {
    combine(plans, Join::And)
}

/// An OR: its exact parts become one bitmap, tested first.
fn or(plans: Vec<Plan>) -> Plan {
    combine(plans, Join::Or)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Join {
    And,
    Or,
}

/// `plans` joined by AND or OR: their exact parts are intersected (or united) into one
/// bitmap, tested before the rest (sorted by [`Plan::rank`]).
fn combine(plans: Vec<Plan>, join: Join) -> Plan {
    let (slots, mut rest): (Vec<Plan>, Vec<Plan>) =
        plans.into_iter().partition(|p| matches!(p, Plan::Slots(_)));
    let slots: Option<RoaringBitmap> = (!slots.is_empty()).then(|| {
        let bitmaps = slots.into_iter().filter_map(|p| match p {
            Plan::Slots(s) => Some(s),
            _ => None,
        });
        match join {
            Join::And => bitmaps.intersection(),
            Join::Or => bitmaps.union(),
        }
    });
    match slots {
        // Nothing else to test, or an AND that nothing can pass.
        Some(slots) if rest.is_empty() || (join == Join::And && slots.is_empty()) => {
            Plan::Slots(slots)
        }
        _ => {
            rest.sort_by_key(Plan::rank);
            if let Some(slots) = slots {
                rest.insert(0, Plan::Slots(slots));
            }
            if rest.len() == 1
                && let Some(only) = rest.pop()
            {
                return only;
            }
            match join {
                Join::And => Plan::And(rest),
                Join::Or => Plan::Or(rest),
            }
        }
    }
}

/// Does a candidate match `node` (a word, phrase or field value the index could not
/// decide)? Tried on the title and author first: those are held, while the body must be
/// read back and decompressed. A word or phrase found there is found in the whole
/// entry too (fields are never joined by a match), and a `title:` or `author:` value
/// needs nothing more; one not found there is in the entry only if it is in the body.
fn verified(node: &Node, now_ns: i128, text: &mut impl Text) -> bool {
    let reads_body = matches!(node, Node::Word(_) | Node::Phrase { .. });
    if !text.staged() {
        return text.rest().is_some_and(|p| node.matches(p, now_ns));
    }
    text.fields().is_some_and(|p| node.matches(p, now_ns))
        || (reads_body && text.rest().is_some_and(|p| node.matches(p, now_ns)))
}

/// An entry's text as a test asks for it: each form made at most once, and only when
/// asked for.
pub(super) trait Text {
    /// True when [`Text::fields`] is cheaper than [`Text::rest`] and the two are
    /// apart; false when both give the whole entry.
    fn staged(&self) -> bool;
    /// The entry folded without its body (title, author, source name).
    fn fields(&mut self) -> Option<&Prepared>;
    /// Staged, what [`Text::fields`] leaves out: the body alone. Else the whole entry.
    fn rest(&mut self) -> Option<&Prepared>;
}

/// The entry's full text, asked for at most once and only when needed.
pub(super) struct Full<F> {
    make: Option<F>,
    made: Option<Prepared>,
}

impl<F: FnOnce() -> Prepared> Full<F> {
    /// Not asked for yet.
    pub(super) fn new(make: F) -> Full<F> {
        Full {
            make: Some(make),
            made: None,
        }
    }
}

impl<F: FnOnce() -> Prepared> Text for Full<F> {
    fn staged(&self) -> bool {
        false
    }

    fn fields(&mut self) -> Option<&Prepared> {
        self.rest()
    }

    fn rest(&mut self) -> Option<&Prepared> {
        if self.made.is_none()
            && let Some(make) = self.make.take()
        {
            self.made = Some(make());
        }
        self.made.as_ref()
    }
}

/// What a staged test asks to be folded (see [`super::IndexedQuery::test_staged`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The title, author and source name, the body left empty.
    Fields,
    /// The body alone, the title, author and source name left empty.
    Body,
}

/// The buffers a staged test folds an entry into, kept from one entry to the next so
/// that a filter pass does not allocate for each.
#[derive(Debug, Default)]
pub struct StagedText {
    fields: Prepared,
    body: Prepared,
}

impl StagedText {
    /// The folded body last folded into these buffers.
    pub fn body_text(&self) -> &str {
        self.body.text()
    }

    /// Lets go of a buffer grown past `bytes` (by a rare huge body).
    pub fn shrink_past(&mut self, bytes: usize) {
        for buffer in [&mut self.fields, &mut self.body] {
            if buffer.capacity() > bytes {
                *buffer = Prepared::default();
            }
        }
    }
}

/// The entry's text in two stages: without its body, then the body alone, each folded
/// (by `fold`, into `buffers`) at most once and only when asked for.
pub(super) struct Staged<'b, F> {
    fold: F,
    buffers: &'b mut StagedText,
    /// Which of the buffers hold this entry: fields, body.
    folded: [bool; 2],
}

impl<'b, F: FnMut(Stage, &mut Prepared)> Staged<'b, F> {
    /// Nothing folded yet.
    pub(super) fn new(buffers: &'b mut StagedText, fold: F) -> Staged<'b, F> {
        Staged {
            fold,
            buffers,
            folded: [false; 2],
        }
    }
}

impl<F: FnMut(Stage, &mut Prepared)> Text for Staged<'_, F> {
    fn staged(&self) -> bool {
        true
    }

    fn fields(&mut self) -> Option<&Prepared> {
        if !self.folded[0] {
            (self.fold)(Stage::Fields, &mut self.buffers.fields);
            self.folded[0] = true;
        }
        Some(&self.buffers.fields)
    }

    fn rest(&mut self) -> Option<&Prepared> {
        if !self.folded[1] {
            (self.fold)(Stage::Body, &mut self.buffers.body);
            self.folded[1] = true;
        }
        Some(&self.buffers.body)
    }
}

/// The widest range of slot numbers made [`DenseSlots`] (8 MB of bits): slots are
/// never reused, so a reader running for long holds high numbers, but its window
/// spans a few million at most.
const DENSE_SPAN: u32 = 1 << 26;

/// The most slots made [`DenseSlots`] (see [`DenseSlots::of`]).
const DENSE_MEMBERS: u64 = 1 << 16;

/// Slots as one bit each, from the least to the greatest: a lookup is a load and a
/// shift, where a compressed bitmap searches its containers first. Made once per
/// compiled query for the pass that tests every held entry.
#[derive(Debug, Clone, Default)]
pub(super) struct DenseSlots {
    /// The least slot (bit 0 of `words[0]`).
    base: u32,
    words: Vec<u64>,
}

impl DenseSlots {
    /// `slots` one bit each; `None` when they are more than [`DENSE_MEMBERS`] (setting
    /// each bit would delay the keystroke's first frame more than the lookups it
    /// saves: a bitmap this full is mostly plain bit containers anyway) or spread over
    /// more than [`DENSE_SPAN`] slot numbers (the bitmap is then smaller).
    pub(super) fn of(slots: &RoaringBitmap) -> Option<DenseSlots> {
        let (Some(base), Some(last)) = (slots.min(), slots.max()) else {
            return Some(DenseSlots::default());
        };
        if last - base >= DENSE_SPAN || slots.len() > DENSE_MEMBERS {
            return None;
        }
        let mut words = vec![0u64; ((last - base) as usize >> 6) + 1];
        for slot in slots {
            let bit = (slot - base) as usize;
            if let Some(word) = words.get_mut(bit >> 6) {
                *word |= 1 << (bit & 63);
            }
        }
        Some(DenseSlots { base, words })
    }

    pub(super) fn contains(&self, slot: u32) -> bool {
        let Some(bit) = slot.checked_sub(self.base) else {
            return false;
        };
        let bit = bit as usize;
        self.words
            .get(bit >> 6)
            .is_some_and(|word| word >> (bit & 63) & 1 == 1)
    }
}
