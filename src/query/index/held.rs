//! [`Held`]: what the holder of an entry tells the index about it at test time.

use jiff::Timestamp;

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
