//! The syntax tree of a query and how each node matches a [`Prepared`] entry.

use std::ops::Range;

use jiff::Timestamp;
use memchr::memmem;

use super::fold::{is_word_char, joins};
use super::prepared::Prepared;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Source,
    Author,
    Title,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// Folded; starts a word of the title, author or text (not the source name).
    Word(String),
    /// Folded words of a phrase (never empty), and the folded phrase for highlighting.
    /// `open`: the phrase is still being typed (its quote not yet closed), so its last
    /// word may go on, as a bare word does: `"peace dea` finds "peace deal".
    Phrase {
        words: Vec<String>,
        display: String,
        open: bool,
    },
    /// Folded, non-empty; starts a word of the title or author, or is a substring of
    /// the source name.
    Field(Field, String),
    /// Sort time no earlier than this many seconds before now.
    Since(i64),
}

impl Node {
    /// A rough cost, so cheap tests run first in an AND.
    pub(super) fn cost(&self) -> u8 {
        match self {
            Node::Since(_) => 0,
            Node::Field(..) => 1,
            Node::Word(_) | Node::Phrase { .. } => 2,
            Node::Not(inner) => inner.cost(),
            Node::And(nodes) | Node::Or(nodes) => nodes.iter().map(Node::cost).max().unwrap_or(0),
        }
    }

    pub(super) fn matches(&self, p: &Prepared, now_ns: i128) -> bool {
        match self {
            Node::And(nodes) => nodes.iter().all(|n| n.matches(p, now_ns)),
            Node::Or(nodes) => nodes.iter().any(|n| n.matches(p, now_ns)),
            Node::Not(inner) => !inner.matches(p, now_ns),
            // One scan of all four fields, skipping hits in the source name: no word
            // contains the `\n` between them.
            Node::Word(word) => word_start_in(&p.folded, word, p.source_range()),
            Node::Phrase { words, open, .. } => {
                phrase_in(&p.folded, words, *open, &p.ends, p.source_range())
            }
            Node::Field(Field::Source, value) => p.source().contains(value.as_str()),
            Node::Field(Field::Author, value) => word_start_in(p.author(), value, 0..0),
            Node::Field(Field::Title, value) => word_start_in(p.title(), value, 0..0),
            Node::Since(seconds) => since_holds(p.time, *seconds, now_ns),
        }
    }

    pub(super) fn collect_terms(&self, positive: bool, out: &mut Vec<String>) {
        match self {
            Node::And(nodes) | Node::Or(nodes) => {
                for node in nodes {
                    node.collect_terms(positive, out);
                }
            }
            Node::Not(inner) => inner.collect_terms(!positive, out),
            Node::Word(term)
            | Node::Phrase { display: term, .. }
            | Node::Field(Field::Title | Field::Author, term)
                if positive && !term.is_empty() && !out.contains(term) =>
            {
                out.push(term.clone());
            }
            _ => {}
        }
    }
}

/// Is `time` within `seconds` before `now_ns` (what `since:` tests)?
pub(super) fn since_holds(time: Timestamp, seconds: i64, now_ns: i128) -> bool {
    time.as_nanosecond() >= now_ns - i128::from(seconds) * 1_000_000_000
}

/// The character just before byte `at` of `hay`.
fn char_before(hay: &str, at: usize) -> Option<char> {
    let byte = *hay.as_bytes().get(at.checked_sub(1)?)?;
    if byte.is_ascii() {
        return Some(char::from(byte));
    }
    hay.get(..at)?.chars().next_back()
}

/// The byte offset of the first `word` in `hay` at or after byte `from`.
fn find_from(hay: &str, from: usize, word: &str) -> Option<usize> {
    let tail = hay.get(from..)?;
    let offset = match word.as_bytes() {
        // A `char` pattern is a memchr: much faster than a one-byte `&str` pattern.
        [byte] => tail.find(char::from(*byte)),
        // memchr's vectorised search: `str::find` (two-way, a byte at a time) took a
        // fifth of a phrase's filter pass.
        needle => memmem::find(tail.as_bytes(), needle),
    }?;
    Some(from + offset)
}

/// Does `word` occur in `hay` where a word begins (at the start, or after a character
/// that is not a word character; anywhere when `word` itself starts with one), at a
/// byte offset outside `skip`? Never allocates; costs more than `contains` only when
/// `hay` contains `word`.
pub(super) fn word_start_in(hay: &str, word: &str, skip: Range<usize>) -> bool {
    // One search rules out most entries before the boundary checks below.
    if memmem::find(hay.as_bytes(), word.as_bytes()).is_none() {
        return false;
    }
    let first = word.chars().next();
    // Longer words: the substring search skips ahead by whole words and seldom stops
    // inside words.
    if let Some(&byte) = word.as_bytes().first()
        && byte.is_ascii()
        && word.len() <= 3
    {
        return ascii_word_start_in(hay, word, char::from(byte), skip);
    }
    let step = first.map_or(1, char::len_utf8);
    let mut from = 0;
    while let Some(start) = find_from(hay, from, word) {
        if skip.contains(&start) {
            from = skip.end;
            continue;
        }
        if !joins(char_before(hay, start), first) {
            return true;
        }
        from = start + step;
    }
    false
}

/// [`word_start_in`] for a short word whose first character `first` is ASCII: a memchr for
/// `first`, ruling out most hits inside words by the byte before them, then comparing the
/// rest, is faster than a substring search that then finds hits inside words.
fn ascii_word_start_in(hay: &str, word: &str, first: char, skip: Range<usize>) -> bool {
    let bytes = hay.as_bytes();
    let first_joins = is_word_char(first);
    let mut from = 0;
    // `from` is always a char boundary: just after an ASCII byte, or the `\n` after the
    // source name.
    while let Some(start) = hay.get(from..).and_then(|tail| tail.find(first)) {
        let start = from + start;
        if skip.contains(&start) {
            from = skip.end;
            continue;
        }
        from = start + 1;
        if first_joins
            && let Some(&before) = start.checked_sub(1).and_then(|at| bytes.get(at))
            && (before.is_ascii_alphanumeric()
                || (!before.is_ascii() && char_before(hay, start).is_some_and(is_word_char)))
        {
            continue;
        }
        if bytes
            .get(start..)
            .is_some_and(|tail| tail.starts_with(word.as_bytes()))
        {
            return true;
        }
    }
    false
}

/// Does `hay` contain `words` as whole words, in order, separated only by
/// non-alphanumeric characters none of which is at a byte offset in `barriers`,
/// starting at a byte offset outside `skip`? `open`: the last word need only start
/// a word. Never allocates.
pub(super) fn phrase_in(
    hay: &str,
    words: &[String],
    open: bool,
    barriers: &[usize],
    skip: Range<usize>,
) -> bool {
    let Some((first, rest)) = words.split_first() else {
        return false;
    };
    // One search per word rules out most entries before the walk below.
    if !words
        .iter()
        .all(|word| memmem::find(hay.as_bytes(), word.as_bytes()).is_some())
    {
        return false;
    }
    let mut from = 0;
    while let Some(start) = find_from(hay, from, first) {
        if skip.contains(&start) {
            from = skip.end;
            continue;
        }
        if !joins(char_before(hay, start), first.chars().next())
            && rest_follows(hay, start + first.len(), first, rest, open, barriers)
        {
            return true;
        }
        from = start
            + hay
                .get(start..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
    }
    false
}

fn rest_follows<'a>(
    hay: &str,
    mut pos: usize,
    mut prev: &'a str,
    rest: &'a [String],
    open: bool,
    barriers: &[usize],
) -> bool {
    for word in rest {
        let Some(tail) = hay.get(pos..) else {
            return false;
        };
        let skipped = tail.len()
            - tail
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        if skipped == 0 && joins(prev.chars().next_back(), word.chars().next()) {
            return false;
        }
        if barriers.iter().any(|b| (pos..pos + skipped).contains(b)) {
            return false;
        }
        pos += skipped;
        if !hay.get(pos..).is_some_and(|t| t.starts_with(word.as_str())) {
            return false;
        }
        pos += word.len();
        prev = word;
    }
    let after = hay.get(pos..).and_then(|t| t.chars().next());
    open || !joins(prev.chars().next_back(), after)
}

pub(super) fn and(mut nodes: Vec<Node>) -> Node {
    if nodes.len() == 1
        && let Some(node) = nodes.pop()
    {
        return node;
    }
    nodes.sort_by_key(Node::cost);
    Node::And(nodes)
}
