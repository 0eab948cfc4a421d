//! The query language: one parser for the TUI's `/`, `--filter`, saved filters and alerts.
//!
//! ```text
//! ceasefire kyiv            both words (juxtaposition is AND)
//! ceasefire OR truce        either (`OR` uppercase only; binds tighter than juxtaposition)
//! -opinion                  not (also -"a phrase", -source:x, -(a b))
//! "peace deal"              phrase: whole words, in order, punctuation between them ignored
//! source:guardian           substring of the source name (source:"bbc news" for spaces)
//! author:dalton             substring of the author
//! title:drone               substring of the title
//! since:2h                  sorted within 2 hours before now (s, m, h, d, w; 1h30m)
//! (a OR b) c                grouping
//! ```
//!
//! Everything is case-insensitive and accent-folded ([`fold`]). A bare word is a
//! substring of the title, author, text or source name, so a half-typed word already
//! matches. Unknown `foo:bar` prefixes are plain words.
//!
//! For filtering many entries, fold each entry once into a [`Prepared`] and call
//! [`Query::matches_prepared`], which does not allocate.

mod sql;

pub use sql::{SqlFilter, register_functions};

use std::ops::Range;

use jiff::Timestamp;
use unicode_normalization::char::decompose_canonical;

use crate::model::Entry;

/// How deeply parentheses may nest (keeps recursion bounded on hostile input).
const MAX_DEPTH: usize = 32;

const SINCE_HELP: &str = "since: takes a duration like 30m, 2h, 1d";

// ---------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------

/// Lowercases and accent-folds `text` for matching: `Kyïv` → `kyiv`,
/// `Zoë Ångström` → `zoe angstrom`, `Straße` → `strasse`, `’` → `'`.
///
/// Latin, Greek and Cyrillic letters are decomposed (NFD) and their diacritics dropped;
/// `ß`, `æ`, `œ`, `ø`, `ł`, `đ`, `ð`, `þ`, `ı` and final `ς` get their usual spellings;
/// curly quotes become straight ones, non-ASCII spaces become ` `, and soft hyphens and
/// zero-width spaces vanish. Other scripts are only lowercased. ASCII text is just
/// lowercased (fast path).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// Appends the folded `text` to `out`.
fn fold_into(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
        return;
    }
    for c in text.chars() {
        fold_char(c, &mut |f| out.push(f));
    }
}

/// Emits the folded form of one character.
fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
        return;
    }
    if is_diacritic(c) || matches!(c, '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}') {
        return;
    }
    if c.is_whitespace() {
        emit(' ');
        return;
    }
    for l in c.to_lowercase() {
        if matches!(l, '\u{c0}'..='\u{52f}' | '\u{1e00}'..='\u{1fff}') {
            decompose_canonical(l, |d| spell(d, emit));
        } else {
            spell(l, emit);
        }
    }
}

/// Emits a lowercase character, spelling out the letters NFD leaves alone and
/// dropping diacritics.
fn spell(c: char, emit: &mut impl FnMut(char)) {
    match c {
        'ß' => {
            emit('s');
            emit('s');
        }
        'æ' => {
            emit('a');
            emit('e');
        }
        'œ' => {
            emit('o');
            emit('e');
        }
        'þ' => {
            emit('t');
            emit('h');
        }
        'ø' => emit('o'),
        'ł' => emit('l'),
        'đ' | 'ð' => emit('d'),
        'ı' => emit('i'),
        'ς' => emit('σ'),
        '‘' | '’' | '‚' | '‛' | '′' => emit('\''),
        '“' | '”' | '„' | '‟' | '″' => emit('"'),
        _ if is_diacritic(c) => {}
        _ => emit(c),
    }
}

/// Combining diacritical marks (the ones NFD splits off Latin, Greek and Cyrillic).
fn is_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
    )
}

/// Byte ranges of `text` (the original, unfolded string) where any of `terms`
/// (folded, as [`Query::highlight_terms`] gives them) occurs, sorted and merged.
pub fn highlight_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    if terms.iter().all(|t| t.is_empty()) {
        return Vec::new();
    }
    // The folded text, and for each of its bytes the original character's byte range.
    let mut folded = String::with_capacity(text.len());
    let mut origin: Vec<(usize, usize)> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let span = (at, at + c.len_utf8());
        fold_char(c, &mut |f| {
            folded.push(f);
            origin.resize(folded.len(), span);
        });
    }
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for term in terms.iter().filter(|t| !t.is_empty()) {
        for (start, _) in folded.match_indices(term.as_str()) {
            let end = start + term.len();
            if let (Some(first), Some(last)) = (origin.get(start), origin.get(end - 1)) {
                ranges.push(first.0..last.1);
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

// ---------------------------------------------------------------------------
// Prepared entries
// ---------------------------------------------------------------------------

/// An entry folded once for fast, allocation-free matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// Folded title, author, source name and text, in that order, joined by `\n`
    /// (which no query word contains, so a word never matches across two fields).
    folded: Box<str>,
    /// Where the title, author and source name end in `folded`.
    ends: [usize; 3],
    time: Timestamp,
}

impl Prepared {
    /// Folds `entry`'s title, author, text and source name and notes its sort time.
    pub fn new(entry: &Entry) -> Prepared {
        let item = &entry.item;
        let author = item.author.as_deref().unwrap_or("");
        let mut folded = String::with_capacity(
            item.title.len() + author.len() + entry.source.0.len() + item.text.len() + 3,
        );
        let mut ends = [0; 3];
        for (end, part) in ends.iter_mut().zip([&item.title, author, &entry.source.0]) {
            fold_into(&mut folded, part);
            *end = folded.len();
            folded.push('\n');
        }
        fold_into(&mut folded, &item.text);
        Prepared {
            folded: folded.into_boxed_str(),
            ends,
            time: entry.sort_time(),
        }
    }

    fn part(&self, start: usize, end: usize) -> &str {
        self.folded.get(start..end).unwrap_or("")
    }

    /// The folded title.
    pub fn title(&self) -> &str {
        self.part(0, self.ends[0])
    }

    /// The folded author (empty when there is none).
    pub fn author(&self) -> &str {
        self.part(self.ends[0] + 1, self.ends[1])
    }

    /// The folded source name.
    pub fn source(&self) -> &str {
        self.part(self.ends[1] + 1, self.ends[2])
    }

    /// The folded body text.
    pub fn text(&self) -> &str {
        self.part(self.ends[2] + 1, self.folded.len())
    }

    /// The entry's sort time ([`Entry::sort_time`]).
    pub fn time(&self) -> Timestamp {
        self.time
    }

    /// Title, author, source name and text, folded and joined by `\n`: what the cache
    /// stores so that SQL filters see exactly what [`Query::matches_prepared`] sees.
    pub fn joined(&self) -> &str {
        &self.folded
    }

    /// Rebuilds a prepared entry from [`Prepared::joined`] and the sort time.
    pub fn from_joined(joined: &str, time: Timestamp) -> Prepared {
        let mut ends = [joined.len(); 3];
        for (end, (index, _)) in ends.iter_mut().zip(joined.match_indices('\n')) {
            *end = index;
        }
        Prepared {
            folded: joined.into(),
            ends,
            time,
        }
    }
}

// ---------------------------------------------------------------------------
// Syntax tree and matching
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Source,
    Author,
    Title,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// Folded; a substring of any field.
    Word(String),
    /// Folded words of a phrase (never empty), and the folded phrase for highlighting.
    Phrase {
        words: Vec<String>,
        display: String,
    },
    /// Folded, non-empty; a substring of one field.
    Field(Field, String),
    /// Sort time no earlier than this many seconds before now.
    Since(i64),
}

impl Node {
    /// A rough cost, so cheap tests run first in an AND.
    fn cost(&self) -> u8 {
        match self {
            Node::Since(_) => 0,
            Node::Field(..) => 1,
            Node::Word(_) | Node::Phrase { .. } => 2,
            Node::Not(inner) => inner.cost(),
            Node::And(nodes) | Node::Or(nodes) => nodes.iter().map(Node::cost).max().unwrap_or(0),
        }
    }

    fn matches(&self, p: &Prepared, now_ns: i128) -> bool {
        match self {
            Node::And(nodes) => nodes.iter().all(|n| n.matches(p, now_ns)),
            Node::Or(nodes) => nodes.iter().any(|n| n.matches(p, now_ns)),
            Node::Not(inner) => !inner.matches(p, now_ns),
            // One scan of all four fields: no word contains the `\n` between them.
            Node::Word(word) => p.folded.contains(word.as_str()),
            Node::Phrase { words, .. } => phrase_in(&p.folded, words, &p.ends),
            Node::Field(Field::Source, value) => p.source().contains(value.as_str()),
            Node::Field(Field::Author, value) => p.author().contains(value.as_str()),
            Node::Field(Field::Title, value) => p.title().contains(value.as_str()),
            Node::Since(seconds) => {
                p.time.as_nanosecond() >= now_ns - i128::from(*seconds) * 1_000_000_000
            }
        }
    }

    fn collect_terms(&self, positive: bool, out: &mut Vec<String>) {
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

/// A "word character" for phrase boundaries: letters and digits, except in scripts
/// written without spaces between words (where any position is a boundary).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        && !matches!(
            c,
            '\u{e00}'..='\u{eff}'        // Thai, Lao
                | '\u{1000}'..='\u{109f}'  // Myanmar
                | '\u{1780}'..='\u{17ff}'  // Khmer
                | '\u{3040}'..='\u{30ff}'  // kana
                | '\u{3400}'..='\u{4dbf}'  // CJK ext. A
                | '\u{4e00}'..='\u{9fff}'  // CJK
                | '\u{f900}'..='\u{faff}'  // CJK compatibility
                | '\u{20000}'..='\u{3ffff}'
        )
}

/// Would `a` followed by `b` run two words together?
fn joins(a: Option<char>, b: Option<char>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => is_word_char(a) && is_word_char(b),
        _ => false,
    }
}

/// Does `hay` contain `words` as whole words, in order, separated only by
/// non-alphanumeric characters none of which is at a byte offset in `barriers`?
/// Never allocates.
fn phrase_in(hay: &str, words: &[String], barriers: &[usize]) -> bool {
    let Some((first, rest)) = words.split_first() else {
        return false;
    };
    // `contains` is much faster than `find`: rule out most entries with it.
    if !words.iter().all(|word| hay.contains(word.as_str())) {
        return false;
    }
    let mut from = 0;
    while let Some(offset) = hay.get(from..).and_then(|tail| tail.find(first.as_str())) {
        let start = from + offset;
        let before = hay.get(..start).and_then(|h| h.chars().next_back());
        if !joins(before, first.chars().next())
            && rest_follows(hay, start + first.len(), first, rest, barriers)
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
    !joins(prev.chars().next_back(), after)
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    root: Option<Node>,
}

/// Why a query could not be parsed; shown in place of the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at column {column})")]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
    /// 1-based character column where it went wrong.
    pub column: usize,
}

fn error(message: impl Into<String>, column: usize) -> QueryError {
    QueryError {
        message: message.into(),
        column,
    }
}

impl Query {
    /// Parses a query; the empty string matches everything.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let tokens = lex(text)?;
        let mut parser = Parser {
            tokens,
            pos: 0,
            depth: 0,
        };
        let nodes = parser.parse_and(None)?;
        Ok(Query {
            root: if nodes.is_empty() {
                None
            } else {
                Some(and(nodes))
            },
        })
    }

    /// True when the query is words, phrases and field tests joined by AND only (no OR,
    /// no `-`, no `since:`): adding to such a query can only narrow what it matches.
    pub fn is_positive_conjunction(&self) -> bool {
        fn positive(node: &Node) -> bool {
            match node {
                Node::And(nodes) => nodes.iter().all(positive),
                Node::Word(_) | Node::Phrase { .. } | Node::Field(..) => true,
                Node::Or(_) | Node::Not(_) | Node::Since(_) => false,
            }
        }
        self.root.as_ref().is_none_or(positive)
    }

    /// True when what the query matches changes with the clock (it has `since:`).
    pub fn depends_on_time(&self) -> bool {
        fn timed(node: &Node) -> bool {
            match node {
                Node::Since(_) => true,
                Node::And(nodes) | Node::Or(nodes) => nodes.iter().any(timed),
                Node::Not(inner) => timed(inner),
                Node::Word(_) | Node::Phrase { .. } | Node::Field(..) => false,
            }
        }
        self.root.as_ref().is_some_and(timed)
    }

    /// True when the query has no terms (matches everything).
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// Does `entry` match, at time `now` (for `since:`)? Folds the entry each time;
    /// to test many entries, use [`Prepared`] and [`Query::matches_prepared`].
    pub fn matches(&self, entry: &Entry, now: Timestamp) -> bool {
        match &self.root {
            None => true,
            Some(_) => self.matches_prepared(&Prepared::new(entry), now),
        }
    }

    /// Does the prepared entry match, at time `now`? Never allocates.
    pub fn matches_prepared(&self, entry: &Prepared, now: Timestamp) -> bool {
        match &self.root {
            None => true,
            Some(root) => root.matches(entry, now.as_nanosecond()),
        }
    }

    /// The folded words, phrases and `title:`/`author:` values that are not negated,
    /// without duplicates, for highlighting (see [`highlight_ranges`]).
    pub fn highlight_terms(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            root.collect_terms(true, &mut out);
        }
        out
    }
}

fn and(mut nodes: Vec<Node>) -> Node {
    if nodes.len() == 1
        && let Some(node) = nodes.pop()
    {
        return node;
    }
    nodes.sort_by_key(Node::cost);
    Node::And(nodes)
}

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Phrase(String),
    Field(Field, String),
    Since(i64),
    Or,
    Minus,
    Open,
    Close,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„')
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || is_quote(c)
}

/// Tokens with their 1-based columns.
fn lex(text: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            tokens.push((Tok::Open, col));
            i += 1;
        } else if c == ')' {
            tokens.push((Tok::Close, col));
            i += 1;
        } else if is_quote(c) {
            let (body, next) = quoted(&chars, i)?;
            tokens.push((Tok::Phrase(body), col));
            i = next;
        } else if c == '-' {
            match chars.get(i + 1) {
                Some(&n) if !n.is_whitespace() && n != ')' => {}
                _ => return Err(error("nothing after -", col)),
            }
            tokens.push((Tok::Minus, col));
            i += 1;
        } else {
            let start = i;
            while chars.get(i).is_some_and(|&c| !ends_word(c)) {
                i += 1;
            }
            let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
            let after_minus = matches!(tokens.last(), Some((Tok::Minus, m)) if *m == col - 1);
            let token = if word == "OR" && !after_minus {
                Tok::Or
            } else if let Some((field, value)) = field_prefix(&word) {
                let value = if !value.is_empty() {
                    value.to_string()
                } else if field != "since" && chars.get(i).is_some_and(|&q| is_quote(q)) {
                    let (body, next) = quoted(&chars, i)?;
                    i = next;
                    body
                } else {
                    String::new()
                };
                match field {
                    "since" => Tok::Since(duration(&value).ok_or_else(|| error(SINCE_HELP, col))?),
                    _ if value.trim().is_empty() => {
                        return Err(error(format!("{field}: needs a value"), col));
                    }
                    "source" => Tok::Field(Field::Source, value),
                    "author" => Tok::Field(Field::Author, value),
                    _ => Tok::Field(Field::Title, value),
                }
            } else {
                Tok::Word(word)
            };
            tokens.push((token, col));
        }
    }
    Ok(tokens)
}

/// Reads a quoted string starting at the quote `chars[open]`; returns its body and
/// the index after the closing quote.
fn quoted(chars: &[char], open: usize) -> Result<(String, usize), QueryError> {
    let body_start = open + 1;
    let rest = chars.get(body_start..).unwrap_or_default();
    match rest.iter().position(|&c| is_quote(c)) {
        Some(len) => Ok((rest.iter().take(len).collect(), body_start + len + 1)),
        None => Err(error("unclosed quote", open + 1)),
    }
}

/// `source:x` → `("source", "x")`, for the known prefixes (any case).
fn field_prefix(word: &str) -> Option<(&'static str, &str)> {
    let (prefix, value) = word.split_once(':')?;
    ["source", "author", "title", "since"]
        .into_iter()
        .find(|name| prefix.eq_ignore_ascii_case(name))
        .map(|name| (name, value))
}

/// `90s`, `30m`, `2h`, `1d`, `1w`, or a sequence such as `1h30m`, in seconds.
fn duration(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut number: Option<i64> = None;
    for c in text.chars() {
        if let Some(digit) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(i64::from(digit))?,
            );
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    match number {
        None if !text.is_empty() => Some(total),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

struct Parser {
    tokens: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

const OR_HELP: &str = "OR needs a term on each side";

impl Parser {
    fn peek(&self) -> Option<&(Tok, usize)> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<(Tok, usize)> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    /// Juxtaposed terms up to the end, or up to the `)` closing the `(` at `open`.
    fn parse_and(&mut self, open: Option<usize>) -> Result<Vec<Node>, QueryError> {
        let mut nodes = Vec::new();
        loop {
            match self.peek() {
                None => match open {
                    Some(col) => return Err(error("unclosed (", col)),
                    None => return Ok(nodes),
                },
                Some((Tok::Close, col)) => match open {
                    Some(_) => {
                        self.pos += 1;
                        return Ok(nodes);
                    }
                    None => return Err(error("unmatched )", *col)),
                },
                Some((Tok::Or, col)) => return Err(error(OR_HELP, *col)),
                Some(_) => nodes.push(self.parse_or()?),
            }
        }
    }

    fn parse_or(&mut self) -> Result<Node, QueryError> {
        let mut alternatives = vec![self.parse_unary()?];
        while let Some(&(Tok::Or, col)) = self.peek() {
            self.pos += 1;
            match self.peek() {
                None | Some((Tok::Or | Tok::Close, _)) => return Err(error(OR_HELP, col)),
                Some(_) => alternatives.push(self.parse_unary()?),
            }
        }
        Ok(if alternatives.len() == 1 {
            alternatives.swap_remove(0)
        } else {
            Node::Or(alternatives)
        })
    }

    fn parse_unary(&mut self) -> Result<Node, QueryError> {
        let mut negate = false;
        let mut minus_col = None;
        while let Some(&(Tok::Minus, col)) = self.peek() {
            self.pos += 1;
            negate = !negate;
            minus_col = Some(col);
        }
        let node = self.parse_primary(minus_col)?;
        Ok(if negate {
            Node::Not(Box::new(node))
        } else {
            node
        })
    }

    fn parse_primary(&mut self, minus_col: Option<usize>) -> Result<Node, QueryError> {
        let Some((token, col)) = self.next() else {
            return Err(error("nothing after -", minus_col.unwrap_or(1)));
        };
        match token {
            Tok::Word(word) => Ok(Node::Word(fold(&word))),
            Tok::Phrase(raw) => {
                let folded = fold(&raw);
                let words: Vec<String> = folded
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                let display = folded.split_whitespace().collect::<Vec<_>>().join(" ");
                if words.is_empty() {
                    if display.is_empty() {
                        return Err(error("empty quotes", col));
                    }
                    // Only punctuation: match it literally.
                    return Ok(Node::Word(display));
                }
                Ok(Node::Phrase { words, display })
            }
            Tok::Field(field, value) => Ok(Node::Field(field, fold(&value))),
            Tok::Since(seconds) => Ok(Node::Since(seconds)),
            Tok::Open => {
                if self.depth >= MAX_DEPTH {
                    return Err(error("too many nested parentheses", col));
                }
                self.depth += 1;
                let nodes = self.parse_and(Some(col))?;
                self.depth -= 1;
                if nodes.is_empty() {
                    return Err(error("empty ( )", col));
                }
                Ok(and(nodes))
            }
            Tok::Or => Err(error(OR_HELP, col)),
            Tok::Close | Tok::Minus => Err(error("nothing after -", minus_col.unwrap_or(col))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryId, Item, SourceId};
    use proptest::prelude::*;

    fn now() -> Timestamp {
        "2024-05-01T12:00:00Z".parse().unwrap()
    }

    fn entry(source: &str, title: &str, author: Option<&str>, text: &str) -> Entry {
        Entry {
            source: SourceId(source.to_string()),
            item: Item {
                id: EntryId("1".to_string()),
                published: Some(now()),
                updated: None,
                title: title.to_string(),
                author: author.map(str::to_string),
                url: None,
                text: text.to_string(),
                html: None,
                flags: Default::default(),
            },
            first_seen: now(),
            edited: false,
            previous_text: None,
            removed: false,
            read: false,
        }
    }

    fn text(body: &str) -> Entry {
        entry("Guardian", "", None, body)
    }

    fn q(query: &str) -> Query {
        Query::parse(query).unwrap()
    }

    fn m(query: &str, e: &Entry) -> bool {
        let query = q(query);
        let prepared = query.matches_prepared(&Prepared::new(e), now());
        assert_eq!(prepared, query.matches(e, now()));
        prepared
    }

    fn err(query: &str) -> (String, usize) {
        let e = Query::parse(query).unwrap_err();
        (e.message, e.column)
    }

    #[test]
    fn empty_matches_everything() {
        for s in ["", "   ", "\t\n"] {
            assert!(q(s).is_empty());
            assert!(m(s, &text("anything")));
        }
        assert!(!q("x").is_empty());
    }

    #[test]
    fn fold_examples() {
        assert_eq!(fold("Kyïv"), "kyiv");
        assert_eq!(fold("Zoë Ångström"), "zoe angstrom");
        assert_eq!(fold("Straße ẞ"), "strasse ss");
        assert_eq!(fold("Æsir Øresund Łódź"), "aesir oresund lodz");
        assert_eq!(fold("Kyiv’s “deal”"), "kyiv's \"deal\"");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("e\u{301}te\u{301}"), "ete");
        assert_eq!(fold("Ёлка Ψ"), "елка ψ");
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold("οδός"), "οδοσ");
        assert_eq!(fold("東京 서울"), "東京 서울");
        assert_eq!(fold("a\u{a0}b\u{ad}c"), "a bc");
        assert_eq!(fold("Plain ASCII"), "plain ascii");
    }

    #[test]
    fn words_are_anded_substrings_of_any_field() {
        let e = entry(
            "Guardian live",
            "Drone strike",
            Some("Ed Dalton"),
            "Ceasefire talks in Kyiv",
        );
        assert!(m("ceasefire kyiv", &e));
        assert!(m("CEASEFIRE", &e));
        assert!(m("kyi", &e), "half-typed word");
        assert!(m("drone dalton guardian", &e));
        assert!(!m("ceasefire moscow", &e));
        assert!(
            m("foo:bar", &text("see foo:bar here")),
            "unknown prefix is a word"
        );
        assert!(!m("foo:bar", &text("foo bar")));
    }

    #[test]
    fn accents_fold_both_ways() {
        assert!(m("Kyïv", &text("in kyiv today")));
        assert!(m("kyiv", &text("in Kyïv today")));
        assert!(m("zoe", &entry("x", "", Some("Zoë Ångström"), "")));
        assert!(m("strasse", &text("Hauptstraße")));
        assert!(m("kyiv's", &text("Kyiv’s mayor")));
    }

    #[test]
    fn or_and_not() {
        assert!(m("ceasefire OR truce", &text("a truce")));
        assert!(m("ceasefire OR truce", &text("a ceasefire")));
        assert!(!m("ceasefire OR truce", &text("war")));
        assert!(m("or", &text("this or that")), "lowercase or is a word");
        assert!(!m("ceasefire or truce", &text("a truce")));
        assert!(m("-opinion", &text("news")));
        assert!(!m("-opinion", &text("Opinion: news")));
        assert!(!m("-\"peace deal\"", &text("a peace deal")));
        assert!(m("-\"peace deal\"", &text("a peace")));
        assert!(!m("-source:guard", &text("x")));
        assert!(m("--opinion", &text("opinion")), "double negation");
        assert!(!m("-OR", &text("this or that")), "-OR is a negated word");
    }

    #[test]
    fn precedence() {
        let query = "ceasefire OR \"peace deal\" -opinion";
        assert!(m(query, &text("ceasefire holds")));
        assert!(m(query, &text("the peace deal")));
        assert!(!m(query, &text("opinion: the ceasefire")));
        assert!(!m(query, &text("nothing here")));
        // a b OR c d == a AND (b OR c) AND d
        assert!(m("a1 b1 OR c1 d1", &text("a1 c1 d1")));
        assert!(!m("a1 b1 OR c1 d1", &text("b1 c1")));
        // -a OR b == (NOT a) OR b
        assert!(m("-x1 OR y1", &text("x1 y1")));
        assert!(!m("-x1 OR y1", &text("x1")));
        assert!(m("x1 OR y1 OR z1", &text("z1")));
    }

    #[test]
    fn parentheses() {
        assert!(m("(a1 b1) OR c1", &text("a1 b1")));
        assert!(m("(a1 b1) OR c1", &text("c1")));
        assert!(!m("(a1 b1) OR c1", &text("a1")));
        assert!(!m("-(a1 b1)", &text("a1 b1")));
        assert!(m("-(a1 b1)", &text("a1")));
        assert!(m("((a1))", &text("a1")));
    }

    #[test]
    fn phrases() {
        assert!(m("\"peace deal\"", &text("A Peace Deal was signed")));
        assert!(m("\"peace deal\"", &text("peace-deal")));
        assert!(m("\"peace deal\"", &text("peace,\n deal")));
        assert!(!m("\"peace deal\"", &text("deal peace")));
        assert!(!m("\"peace deal\"", &text("peace and deal")));
        assert!(!m("\"peace deal\"", &text("appeace dealer")));
        assert!(m(
            "\"peace deal\"",
            &text("appeace dealer, then peace deal")
        ));
        assert!(m("\"kyiv's mayor\"", &text("Kyiv’s mayor said")));
        assert!(m("“peace deal”", &text("peace deal")), "curly quotes");
        assert!(m("\"gaza\"", &text("in Gaza.")));
        assert!(!m("\"gaza\"", &text("Gazans")));
        assert!(m("\"和平\"", &text("达成和平协议")));
        assert!(m("\"!!\"", &text("wow!!")));
        // Not across fields.
        let e = entry("Guardian", "Drone", Some("Jane"), "Kyiv");
        assert!(m("\"drone\" \"jane\" \"guardian\" \"kyiv\"", &e));
        assert!(!m("\"drone jane\"", &e));
        assert!(!m("\"guardian kyiv\"", &e));
        assert!(!m("\"jane guardian\"", &e));
        assert!(m("\"jane\" OR \"guardian kyiv\"", &e));
    }

    #[test]
    fn fields() {
        let e = entry(
            "BBC News",
            "Drone attack",
            Some("Jane Dalton"),
            "source:x author:y title:z",
        );
        assert!(m("source:bbc", &e));
        assert!(m("source:\"bbc news\"", &e));
        assert!(m("Source:BBC", &e));
        assert!(!m("source:guardian", &e));
        assert!(m("author:dalton", &e));
        assert!(m("author:\"jane d\"", &e));
        assert!(!m("author:drone", &e));
        assert!(m("title:drone", &e));
        assert!(!m("title:dalton", &e));
        assert!(!m("author:x", &entry("s", "", None, "x")));
        assert!(m("source:bbc drone -author:smith", &e));
    }

    #[test]
    fn since() {
        let mut e = text("x");
        e.item.published = Some(now() - jiff::SignedDuration::from_mins(90));
        assert!(m("since:2h", &e));
        assert!(!m("since:1h", &e));
        assert!(m("since:90m", &e), "boundary is inclusive");
        assert!(!m("since:89m", &e));
        assert!(m("since:1h30m", &e));
        assert!(m("since:5400s", &e));
        assert!(m("since:1d", &e));
        assert!(m("since:1w", &e));
        assert!(!m("-since:2h", &e));
        // Falls back to updated, then first seen.
        e.item.published = None;
        e.item.updated = Some(now() - jiff::SignedDuration::from_hours(50));
        assert!(!m("since:2d", &e));
        assert!(m("since:3d", &e));
        e.item.updated = None;
        e.first_seen = now() - jiff::SignedDuration::from_secs(30);
        assert!(m("since:31s", &e));
        assert!(!m("since:29s", &e));
        assert!(m("since:1000000000000w", &e), "huge durations are fine");
    }

    #[test]
    fn errors_with_columns() {
        assert_eq!(err("a \"peace"), ("unclosed quote".into(), 3));
        assert_eq!(err("source:\"bbc"), ("unclosed quote".into(), 8));
        assert_eq!(err("OR a"), (OR_HELP.into(), 1));
        assert_eq!(err("a OR"), (OR_HELP.into(), 3));
        assert_eq!(err("a OR OR b"), (OR_HELP.into(), 3));
        assert_eq!(err("(a OR)"), (OR_HELP.into(), 4));
        assert_eq!(err("a -"), ("nothing after -".into(), 3));
        assert_eq!(err("a - b"), ("nothing after -".into(), 3));
        assert_eq!(err("(-)"), ("nothing after -".into(), 2));
        assert_eq!(err("since:"), (SINCE_HELP.into(), 1));
        assert_eq!(err("x since:2"), (SINCE_HELP.into(), 3));
        assert_eq!(err("since:2x"), (SINCE_HELP.into(), 1));
        assert_eq!(err("since:h"), (SINCE_HELP.into(), 1));
        assert_eq!(err("since:\"2h\""), (SINCE_HELP.into(), 1));
        assert_eq!(err("since:99999999999999999999s"), (SINCE_HELP.into(), 1));
        assert_eq!(err("source:"), ("source: needs a value".into(), 1));
        assert_eq!(err("a author: b"), ("author: needs a value".into(), 3));
        assert_eq!(err("title:\"  \""), ("title: needs a value".into(), 1));
        assert_eq!(err("(a b"), ("unclosed (".into(), 1));
        assert_eq!(err("a b)"), ("unmatched )".into(), 4));
        assert_eq!(err("a ()"), ("empty ( )".into(), 3));
        assert_eq!(err("\"\""), ("empty quotes".into(), 1));
        // Columns count characters, not bytes.
        assert_eq!(err("Kyïv \"x"), ("unclosed quote".into(), 6));
        let deep = "(".repeat(100_000);
        assert_eq!(err(&deep).0, "too many nested parentheses");
        let e = Query::parse("a -").unwrap_err();
        assert_eq!(e.to_string(), "nothing after - (at column 3)");
    }

    #[test]
    fn highlighting() {
        let query = q("Kyïv OR \"Peace  Deal\" -opinion title:Drone author:x -(not me) source:bbc");
        let mut terms = query.highlight_terms();
        terms.sort();
        assert_eq!(terms, ["drone", "kyiv", "peace deal", "x"]);
        assert_eq!(q("--a -b").highlight_terms(), ["a"]);
        assert!(q("").highlight_terms().is_empty());
        let body = "In Kyïv, a peace deal; KYIV";
        let ranges = highlight_ranges(body, &q("kyiv \"peace deal\"").highlight_terms());
        let spans: Vec<&str> = ranges.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(spans, ["Kyïv", "peace deal", "KYIV"]);
        let body = "Straße";
        let ranges = highlight_ranges(body, &["ss".to_string()]);
        assert_eq!(ranges, vec![Range { start: 4, end: 6 }]);
        assert!(highlight_ranges("abc", &[String::new()]).is_empty());
    }

    #[test]
    fn arbitrary_long_queries() {
        assert!(Query::parse(&"-".repeat(100_000)).is_err());
        assert!(Query::parse(&"-".repeat(100_000).replace("--", "-a ")).is_ok());
        assert!(Query::parse(&"a OR ".repeat(10_000)).is_err());
        let many = "a OR b ".repeat(10_000);
        assert!(m(&many, &text("b")));
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in any::<String>()) {
            if let Ok(query) = Query::parse(&s) {
                let _ = query.matches(&text("some text Kyïv"), now());
                let _ = query.highlight_terms();
            }
        }

        #[test]
        fn parse_never_panics_on_query_like_input(
            s in r#"[a-z()"“” :\-ORsinceourthl0-9ïß]{0,40}"#
        ) {
            if let Ok(query) = Query::parse(&s) {
                let _ = query.matches(&text("some text Kyïv"), now());
                for r in highlight_ranges("Straße Kyïv or", &query.highlight_terms()) {
                    prop_assert!("Straße Kyïv or".get(r).is_some());
                }
            }
        }

        #[test]
        fn single_word_matches_text_containing_it(
            word in "[A-Za-z0-9]{1,12}",
            before in "[a-z ]{0,10}",
            after in "[a-z ]{0,10}",
        ) {
            prop_assume!(word != "OR");
            let query = Query::parse(&word).unwrap();
            let e = text(&format!("{before}{word}{after}"));
            prop_assert!(query.matches(&e, now()));
            let lower = text(&format!("{before}{}{after}", word.to_lowercase()));
            prop_assert!(query.matches(&lower, now()));
        }

        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }
    }
}
