//! [`Query`]: a parsed query and what it can tell about itself and an entry.

use jiff::Timestamp;

use super::parser::{QueryError, UNCLOSED_QUOTE, is_quote, parse, parse_typing};
use super::prepared::Prepared;
use super::tree::Node;
use crate::model::Entry;

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub(super) root: Option<Node>,
}

impl Query {
    /// Parses a query; the empty string matches everything.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        Ok(Query { root: parse(text)? })
    }

    /// Parses a query as it is being typed: a quote still open runs to the end, and a
    /// phrase in it matches as its words are typed, its last word as a bare word does
    /// (`"peace dea` finds "peace deal"). The flag says a quote was left open (the TUI
    /// then looks for the phrase behind the list); any other error stands.
    pub fn parse_typing(text: &str) -> Result<(Query, bool), QueryError> {
        match Query::parse(text) {
            Ok(query) => Ok((query, false)),
            Err(error) if error.message == UNCLOSED_QUOTE => match parse_typing(text) {
                Ok(root) => Ok((Query { root }, true)),
                Err(_) => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    /// Whether typing `appended` at the end of `previous` can only narrow what it
    /// matched, as far as the text tells (the caller also asks both queries
    /// [`Query::is_positive_conjunction`]). Outside quotes: more letters of a word or
    /// more words, nothing that turns a word into a field, a phrase, a group or a
    /// negation (`title` → `title:x`). Inside a quote left open (`quote_open`:
    /// `previous` as [`Query::parse_typing`] read it): more of the quoted text and
    /// perhaps its closing quote, once the quote holds a letter or digit (a
    /// quote of punctuation alone matches it literally, not as words).
    pub fn typing_narrows(previous: &str, quote_open: bool, appended: &str) -> bool {
        if previous.trim().is_empty() {
            return false;
        }
        if !quote_open {
            return !appended.contains([':', '(', ')', '-']) && !appended.contains(is_quote);
        }
        let quoted = previous.rsplit(is_quote).next().unwrap_or("");
        // Only a closing quote at the very end: past it the typing is outside again.
        if let Some((at, quote)) = appended.char_indices().find(|&(_, c)| is_quote(c))
            && at + quote.len_utf8() != appended.len()
        {
            return false;
        }
        quoted.chars().any(char::is_alphanumeric)
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

    /// True when testing the query may read an entry's text, not only the word
    /// index (a phrase, a word with punctuation in it): what a filter pass pays for
    /// by reading bodies back.
    pub fn reads_text(&self) -> bool {
        self.root.as_ref().is_some_and(super::index::reads_text)
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
