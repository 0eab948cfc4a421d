//! A query as one SQL condition over the cache's `entries` table, for `list --filter`
//! and long histories.
//!
//! The test itself is the in-memory matcher: `lb_match` folds a row's title, author,
//! source name and text as [`Prepared::new`] does and asks [`Query::matches_prepared`],
//! so the SQL path cannot disagree with the reader's filter. The cache keeps no folded
//! copy (it cost as much disk as the text); a word index narrows the rows first.
//!
//! The word index (`entries_fts`, FTS5) holds, for each entry, [`index_words`]: its
//! folded title, author and text with every character that is not a word character
//! ([`is_word_char`]) made a space, tokenized on spaces only. A query word matches
//! where a word starts, that is after a character that is not a word character, so
//! every match starts an indexed token, and that token begins with the query word's
//! leading word characters: a prefix query on them finds a superset of the matches,
//! which `lb_match` then decides. The index's tokenizer (the cache's schema) is
//! `unicode61 remove_diacritics 0 categories 'L* N* M* S* P* C*'`: every character but
//! spaces is part of a token, and only case changes, alike in the index and in queries.

use jiff::Timestamp;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};

use super::fold::{fold_into, is_word_char};
use super::matcher::Query;
use super::prepared::Prepared;
use super::tree::{Field, Node};

/// Leading word characters a term needs before the index narrows by it: shorter
/// prefixes match most of the index and narrow nothing.
const MIN_PREFIX_CHARS: usize = 3;

/// A `WHERE` condition and its parameters, in placeholder order.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlFilter {
    /// SQL over `entries` (columns `title`, `author`, `source`, `text`, `sort_time`,
    /// `rowid`), calling `lb_match` ([`Query::register_sql`]). Its placeholders are numbered
    /// (`?1` …), so a `?` appended after it binds the next value pushed onto `params`.
    pub clause: String,
    /// Values for the placeholders, in order.
    pub params: Vec<Value>,
}

impl Query {
    /// The query as SQL over `entries`. Needs [`Query::register_sql`] of this query on
    /// the connection, and the word index's table `entries_fts` and
    /// queue `fts_pending`.
    pub fn to_sql(&self, _now: Timestamp) -> SqlFilter {
        let Some(root) = &self.root else {
            return SqlFilter {
                clause: "1".to_string(),
                params: Vec::new(),
            };
        };
        let test = "lb_match(title, author, source, text, sort_time)".to_string();
        let mut required = Vec::new();
        required_prefixes(root, &mut required);
        let mut terms: Vec<String> = Vec::new();
        for prefix in required {
            let quoted = format!("\"{}\"*", prefix.replace('"', "\"\""));
            if !terms.contains(&quoted) {
                terms.push(quoted);
            }
        }
        if terms.is_empty() {
            return SqlFilter {
                clause: test,
                params: Vec::new(),
            };
        }
        // Rows the index has yet to take in are tested too: a reader that may not write
        // the cache cannot bring the index up to date before it searches.
        SqlFilter {
            clause: format!(
                "(rowid IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1)
                  OR rowid IN (SELECT rowid FROM fts_pending)) AND {test}"
            ),
            params: vec![Value::Text(terms.join(" AND "))],
        }
    }
}

/// The leading word characters of a term, if there are enough to narrow by.
fn word_prefix(term: &str) -> Option<String> {
    let prefix: String = term.chars().take_while(|&c| is_word_char(c)).collect();
    (prefix.chars().count() >= MIN_PREFIX_CHARS).then_some(prefix)
}

/// Prefixes every match has as the start of an indexed word: those of words, of
/// phrases' first words and of `title:`/`author:` values, under AND only. (`source:`
/// matches anywhere in the source name, which the index does not hold.)
fn required_prefixes(node: &Node, out: &mut Vec<String>) {
    match node {
        Node::And(nodes) => nodes.iter().for_each(|node| required_prefixes(node, out)),
        Node::Word(word) | Node::Field(Field::Title | Field::Author, word) => {
            out.extend(word_prefix(word));
        }
        Node::Phrase { words, .. } => out.extend(words.first().and_then(|w| word_prefix(w))),
        Node::Field(Field::Source, _) | Node::Or(_) | Node::Not(_) | Node::Since(_) => {}
    }
}

/// What the word index holds for an entry: its title, author and text folded, every
/// character that is not a word character made a space (so that a token starts
/// exactly where a word does).
fn index_words(title: &str, author: &str, text: &str) -> String {
    let mut folded = String::with_capacity(title.len() + author.len() + text.len() + 2);
    for part in [title, author] {
        fold_into(&mut folded, part);
        folded.push(' ');
    }
    fold_into(&mut folded, text);
    if folded
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b' ')
    {
        return folded;
    }
    folded
        .chars()
        .map(|c| if is_word_char(c) { c } else { ' ' })
        .collect()
}

/// The text of a value, or "" (NULL, or not text).
fn text_of(value: ValueRef<'_>) -> std::borrow::Cow<'_, str> {
    match value {
        ValueRef::Text(bytes) => String::from_utf8_lossy(bytes),
        _ => std::borrow::Cow::Borrowed(""),
    }
}

/// Registers `lb_words(title, author, text)` ([`index_words`]) on `conn`.
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("lb_words", 3, flags, |ctx| {
        Ok(index_words(
            &text_of(ctx.get_raw(0)),
            &text_of(ctx.get_raw(1)),
            &text_of(ctx.get_raw(2)),
        ))
    })
}

impl Query {
    /// Registers `lb_match(title, author, source, text, sort_time)` on `conn`, which
    /// [`Query::to_sql`] calls: whether an entry with these columns matches this query
    /// at `now`, exactly as [`Query::matches`] decides for the entry. Replaces the one
    /// registered before.
    pub fn register_sql(&self, conn: &Connection, now: Timestamp) -> rusqlite::Result<()> {
        register_query(conn, self.clone(), now)
    }
}

fn register_query(conn: &Connection, query: Query, now: Timestamp) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("lb_match", 5, flags, move |ctx| {
        let title = text_of(ctx.get_raw(0));
        let author = text_of(ctx.get_raw(1));
        let source = text_of(ctx.get_raw(2));
        let text = text_of(ctx.get_raw(3));
        let sort_ms = match ctx.get_raw(4) {
            ValueRef::Integer(ms) => ms,
            _ => 0,
        };
        let time = Timestamp::from_millisecond(sort_ms).unwrap_or(Timestamp::UNIX_EPOCH);
        // As `Prepared::new`: title, author, source name, text, folded, joined by `\n`.
        let mut folded =
            String::with_capacity(title.len() + author.len() + source.len() + text.len() + 3);
        let mut ends = [0; 3];
        for (end, part) in ends.iter_mut().zip([&title, &author, &source]) {
            fold_into(&mut folded, part);
            *end = folded.len();
            folded.push('\n');
        }
        fold_into(&mut folded, &text);
        let prepared = Prepared { folded, ends, time };
        Ok(query.matches_prepared(&prepared, now))
    })
}
