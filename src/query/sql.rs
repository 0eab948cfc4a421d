//! A query compiled to one SQL condition over the cache's `entries` table, for
//! `list --filter` and long histories.
//!
//! The cache stores each entry's [`Prepared::joined`] form in the `folded` column, so
//! tests see exactly the text the in-memory matcher sees: a cheap `instr` rules an
//! entry out, then words, phrases and field tests call back into the same Rust code
//! (`lb_word`, `lb_phrase`, `lb_part`). An FTS5
//! trigram index over `folded` narrows the scan first: an entry can contain a word of
//! three characters or more only if it contains every trigram of it.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};

use super::matcher::Query;
use super::prepared::{Prepared, ends_of, source_range};
use super::tree::{Field, Node, phrase_in, word_start_in};

/// A `WHERE` condition and its parameters, in placeholder order.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlFilter {
    /// SQL over `entries` (columns `folded`, `sort_time`, `rowid`). Its placeholders are
    /// numbered (`?1` …, one per distinct value), so a `?` appended after it binds the
    /// next value pushed onto `params`.
    pub clause: String,
    /// Values for the placeholders, in order.
    pub params: Vec<Value>,
}

/// The values a condition binds, each distinct text once: a word tested twice, or
/// repeated in the query, costs one of SQLite's 32,766 parameters.
#[derive(Default)]
struct Params {
    values: Vec<Value>,
    texts: HashMap<String, usize>,
    integers: HashMap<i64, usize>,
}

impl Params {
    /// The placeholder of `text`.
    fn text(&mut self, text: &str) -> String {
        let number = match self.texts.get(text) {
            Some(&number) => number,
            None => {
                self.values.push(Value::Text(text.to_string()));
                let number = self.values.len();
                self.texts.insert(text.to_string(), number);
                number
            }
        };
        format!("?{number}")
    }

    /// The placeholder of `value`.
    fn integer(&mut self, value: i64) -> String {
        let number = match self.integers.get(&value) {
            Some(&number) => number,
            None => {
                self.values.push(Value::Integer(value));
                let number = self.values.len();
                self.integers.insert(value, number);
                number
            }
        };
        format!("?{number}")
    }
}

impl Query {
    /// The query as SQL over `entries`, evaluated at `now` (for `since:`).
    /// Needs the functions from [`register_functions`] on the connection.
    pub fn to_sql(&self, now: Timestamp) -> SqlFilter {
        let Some(root) = &self.root else {
            return SqlFilter {
                clause: "1".to_string(),
                params: Vec::new(),
            };
        };
        let mut params = Params::default();
        let condition = compile(root, now, &mut params);
        let mut required = Vec::new();
        required_substrings(root, &mut required);
        // The index keeps no positions (`detail = 'none'`: a third of the cost to keep
        // up), so a term is asked for as all of its trigrams: a superset of the entries
        // containing it, which the exact test in `condition` then decides.
        let mut fts: Vec<String> = Vec::new();
        for term in required {
            let chars: Vec<char> = term.chars().collect();
            for window in chars.windows(3) {
                let trigram: String = window.iter().collect();
                let quoted = format!("\"{}\"", trigram.replace('"', "\"\""));
                if !fts.contains(&quoted) {
                    fts.push(quoted);
                }
            }
        }
        if fts.is_empty() {
            return SqlFilter {
                clause: condition,
                params: params.values,
            };
        }
        let matching = params.text(&fts.join(" AND "));
        // Rows the index has yet to take in are tested too: a reader that may not write
        // the cache cannot bring the index up to date before it searches.
        SqlFilter {
            clause: format!(
                "(rowid IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH {matching})
                  OR rowid IN (SELECT rowid FROM fts_pending)) AND {condition}"
            ),
            params: params.values,
        }
    }
}

fn compile(node: &Node, now: Timestamp, params: &mut Params) -> String {
    match node {
        Node::And(nodes) => join(nodes, " AND ", now, params),
        Node::Or(nodes) => join(nodes, " OR ", now, params),
        Node::Not(inner) => format!("NOT {}", compile(inner, now, params)),
        Node::Word(word) => {
            let word = params.text(word);
            format!("(instr(folded, {word}) > 0 AND lb_word(folded, -1, {word}) = 1)")
        }
        Node::Phrase { words, .. } => {
            format!("(lb_phrase(folded, {}) = 1)", params.text(&words.join(" ")))
        }
        Node::Field(Field::Source, value) => {
            format!("(instr(lb_part(folded, 2), {}) > 0)", params.text(value))
        }
        Node::Field(field, value) => {
            let part = if *field == Field::Title { 0 } else { 1 };
            let value = params.text(value);
            format!("(instr(folded, {value}) > 0 AND lb_word(folded, {part}, {value}) = 1)")
        }
        Node::Since(seconds) => {
            // The in-memory test is `time_ns >= now_ns - seconds`; times are stored in
            // whole milliseconds, so the bound rounds up to the next millisecond.
            let bound_ns = now.as_nanosecond() - i128::from(*seconds) * 1_000_000_000;
            let bound_ms =
                bound_ns.div_euclid(1_000_000) + i128::from(bound_ns.rem_euclid(1_000_000) != 0);
            let bound = params.integer(i64::try_from(bound_ms).unwrap_or(i64::MIN));
            format!("(sort_time >= {bound})")
        }
    }
}

fn join(nodes: &[Node], separator: &str, now: Timestamp, params: &mut Params) -> String {
    if nodes.is_empty() {
        return if separator == " AND " {
            "1".to_string()
        } else {
            "0".to_string()
        };
    }
    // Halves, each in parentheses: SQLite parses `a AND b AND c …` as a chain as deep as
    // it is long, and refuses expressions deeper than 1,000; halving keeps the depth at
    // the logarithm of the number of terms.
    if let [node] = nodes {
        return format!("({})", compile(node, now, params));
    }
    let (first, second) = nodes.split_at(nodes.len() / 2);
    let first = join(first, separator, now, params);
    let second = join(second, separator, now, params);
    format!("({first}{separator}{second})")
}

/// Substrings every match must contain: words and phrase words under AND only.
fn required_substrings(node: &Node, out: &mut Vec<String>) {
    match node {
        Node::And(nodes) => nodes.iter().for_each(|node| required_substrings(node, out)),
        Node::Word(word) => out.push(word.clone()),
        Node::Phrase { words, .. } => out.extend(words.iter().cloned()),
        Node::Field(_, value) => out.push(value.clone()),
        Node::Or(_) | Node::Not(_) | Node::Since(_) => {}
    }
}

/// Registers `lb_word(folded, part, word)`, `lb_phrase(folded, words)` and
/// `lb_part(folded, n)` on `conn`. `lb_word` tests a word start in the title (part 0),
/// the author (1), or the title, author and text (-1).
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("lb_word", 3, flags, |ctx| {
        let (ValueRef::Text(folded), ValueRef::Text(word)) = (ctx.get_raw(0), ctx.get_raw(2))
        else {
            return Ok(false);
        };
        let part: i64 = ctx.get(1)?;
        let folded = String::from_utf8_lossy(folded);
        let word = String::from_utf8_lossy(word);
        let ends = ends_of(&folded);
        let (hay, skip) = match part {
            0 => (folded.get(..ends[0]), 0..0),
            1 => (folded.get(ends[0] + 1..ends[1]), 0..0),
            _ => (Some(&*folded), source_range(&ends)),
        };
        Ok(word_start_in(hay.unwrap_or(""), &word, skip))
    })?;
    conn.create_scalar_function("lb_phrase", 2, flags, |ctx| {
        let (ValueRef::Text(folded), ValueRef::Text(words)) = (ctx.get_raw(0), ctx.get_raw(1))
        else {
            return Ok(false);
        };
        let folded = String::from_utf8_lossy(folded);
        let words: Vec<String> = String::from_utf8_lossy(words)
            .split(' ')
            .map(str::to_string)
            .collect();
        let prepared = Prepared::from_joined(&folded, Timestamp::UNIX_EPOCH);
        Ok(phrase_in(
            &prepared.folded,
            &words,
            &prepared.ends,
            prepared.source_range(),
        ))
    })?;
    conn.create_scalar_function("lb_part", 2, flags, |ctx| {
        let ValueRef::Text(folded) = ctx.get_raw(0) else {
            return Ok(String::new());
        };
        let part: i64 = ctx.get(1)?;
        let prepared =
            Prepared::from_joined(&String::from_utf8_lossy(folded), Timestamp::UNIX_EPOCH);
        Ok(match part {
            0 => prepared.title().to_string(),
            1 => prepared.author().to_string(),
            2 => prepared.source().to_string(),
            _ => prepared.text().to_string(),
        })
    })
}
