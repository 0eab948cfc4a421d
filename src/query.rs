//! The query language: one parser for the TUI's `/`, `--filter`, saved filters and alerts.
//! STUB: to be replaced by the query module implementation.

use jiff::Timestamp;

use crate::model::Entry;

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {}

/// Why a query could not be parsed; shown in place of the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at column {column})")]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
    /// 1-based character column where it went wrong.
    pub column: usize,
}

impl Query {
    /// Parses a query; the empty string matches everything.
    pub fn parse(_text: &str) -> Result<Query, QueryError> {
        Ok(Query {})
    }

    /// True when the query has no terms (matches everything).
    pub fn is_empty(&self) -> bool {
        true
    }

    /// Does `entry` match, at time `now` (for `since:`)?
    pub fn matches(&self, _entry: &Entry, _now: Timestamp) -> bool {
        true
    }
}
