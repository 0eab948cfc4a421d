//! The values the cache hands out ([`Applied`], [`SourceState`]) and how rows of its
//! tables become entries and back.

use std::cmp::Reverse;

use jiff::Timestamp;
use rusqlite::Row;
use rusqlite::types::Type;

use crate::model::{Entry, EntryId, Flags, Item, SourceId};

/// The columns of `entries` that [`entry_from_row`] reads, in its order.
pub(super) const ENTRY_COLUMNS: &str = "source, id, published, updated, title, author, url, text, html, first_seen, edited, read, flags, previous_text, removed";

/// The columns of `sources` that [`source_from_row`] reads, in its order.
pub(super) const SOURCE_COLUMNS: &str =
    "name, url, etag, last_modified, last_attempt, last_success, last_error";

/// What one poll changed.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// Entries not cached before, newest first.
    pub new: Vec<Entry>,
    /// Entries whose text, title or `updated` changed, newest first.
    pub updated: Vec<Entry>,
    /// Entries the source no longer lists (kept in the cache, marked removed).
    pub removed: Vec<EntryId>,
    /// Entries marked removed before that the source lists again: no longer marked
    /// (an edited one is in `updated` too).
    pub restored: Vec<EntryId>,
}

/// What the cache knows about a source's polling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceState {
    /// The source's name.
    pub source: Option<SourceId>,
    /// The URL last polled.
    pub url: Option<String>,
    /// `ETag` of the last 200 response.
    pub etag: Option<String>,
    /// `Last-Modified` of the last 200 response.
    pub last_modified: Option<String>,
    /// When the last poll attempt finished.
    pub last_attempt: Option<Timestamp>,
    /// When the last successful poll finished.
    pub last_success: Option<Timestamp>,
    /// The last error, one line; `None` once a poll succeeds.
    pub last_error: Option<String>,
}

/// `timestamp` to the millisecond precision the cache stores.
pub(super) fn truncate(timestamp: Timestamp) -> Timestamp {
    // Truncation moves toward the epoch, so the result is always in range.
    Timestamp::from_millisecond(timestamp.as_millisecond()).unwrap_or(timestamp)
}

/// `item` as the cache will give it back.
pub(super) fn stored_item(mut item: Item) -> Item {
    item.published = item.published.map(truncate);
    item.updated = item.updated.map(truncate);
    item.html = item.html.filter(|html| keeps_html(html));
    item
}

/// Whether the cache keeps an entry's raw HTML: only when it has an anchor. All that is
/// read from it is its links, and `parse::links` finds none without this same test
/// (schema version 7 dropped the rest alike, in SQL); the text is the body as shown.
pub(super) fn keeps_html(html: &str) -> bool {
    html.contains("<a") || html.contains("<A")
}

/// Orders `(rowid, entry)` pairs as `entries` lists them and drops the rowids.
pub(super) fn newest_first(mut entries: Vec<(i64, Entry)>) -> Vec<Entry> {
    entries.sort_by_key(|(rowid, entry)| Reverse((entry.sort_time(), *rowid)));
    entries.into_iter().map(|(_, entry)| entry).collect()
}

pub(super) fn optional_timestamp(
    row: &Row<'_>,
    index: usize,
) -> rusqlite::Result<Option<Timestamp>> {
    let ms: Option<i64> = row.get(index)?;
    ms.map(|ms| {
        Timestamp::from_millisecond(ms).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(index, Type::Integer, Box::new(e))
        })
    })
    .transpose()
}

pub(super) fn timestamp(row: &Row<'_>, index: usize) -> rusqlite::Result<Timestamp> {
    optional_timestamp(row, index)?.ok_or(rusqlite::Error::InvalidColumnType(
        index,
        "a timestamp".to_string(),
        Type::Null,
    ))
}

/// Reads an entry selected as [`ENTRY_COLUMNS`].
pub(super) fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<Entry> {
    entry_from_row_at(row, 0)
}

/// Reads an entry selected as [`ENTRY_COLUMNS`] starting at column `at`.
pub(super) fn entry_from_row_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Entry> {
    Ok(Entry {
        source: SourceId(row.get(at)?),
        item: Item {
            id: EntryId(row.get(at + 1)?),
            published: optional_timestamp(row, at + 2)?,
            updated: optional_timestamp(row, at + 3)?,
            title: row.get(at + 4)?,
            author: row.get(at + 5)?,
            url: row.get(at + 6)?,
            text: row.get(at + 7)?,
            html: row.get(at + 8)?,
            flags: Default::default(),
        },
        first_seen: timestamp(row, at + 9)?,
        edited: row.get(at + 10)?,
        read: row.get(at + 11)?,
        // Schema version 1 (read while migrating) has neither column.
        previous_text: row.get(at + 13).unwrap_or(None),
        removed: row.get(at + 14).unwrap_or(false),
    })
    .map(|mut entry: Entry| {
        entry.item.flags = flags_from_bits(row.get(at + 12).unwrap_or(0));
        entry
    })
}

/// Reads a source selected as [`SOURCE_COLUMNS`].
pub(super) fn source_from_row(row: &Row<'_>) -> rusqlite::Result<SourceState> {
    Ok(SourceState {
        source: Some(SourceId(row.get(0)?)),
        url: row.get(1)?,
        etag: row.get(2)?,
        last_modified: row.get(3)?,
        last_attempt: optional_timestamp(row, 4)?,
        last_success: optional_timestamp(row, 5)?,
        last_error: row.get(6)?,
    })
}

pub(super) fn flags_bits(flags: Flags) -> i64 {
    i64::from(flags.pinned) | i64::from(flags.key_event) << 1 | i64::from(flags.summary) << 2
}

pub(super) fn flags_from_bits(bits: i64) -> Flags {
    Flags {
        pinned: bits & 1 != 0,
        key_event: bits & 2 != 0,
        summary: bits & 4 != 0,
    }
}

/// `source IN (?, …)` and its parameters for `sources`; `1` (every source) for `None`.
pub(super) fn among(sources: Option<&[SourceId]>) -> (String, Vec<rusqlite::types::Value>) {
    match sources {
        None => ("1".to_string(), Vec::new()),
        Some(sources) => {
            let marks = vec!["?"; sources.len()].join(", ");
            let params = sources
                .iter()
                .map(|source| rusqlite::types::Value::Text(source.0.clone()))
                .collect();
            (format!("source IN ({marks})"), params)
        }
    }
}

/// The statement and its parameters for the entries of `sources` (all for `None`),
/// newest first, `skip` skipped, at most `limit`; `hint` goes before the source test
/// (`+` keeps SQLite off the (source, sort time) index).
pub(super) fn newest_among(
    sources: Option<&[SourceId]>,
    skip: usize,
    limit: Option<usize>,
    hint: &str,
) -> (String, Vec<rusqlite::types::Value>) {
    let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let skip = i64::try_from(skip).unwrap_or(i64::MAX);
    let (clause, mut params) = among(sources);
    params.push(rusqlite::types::Value::Integer(limit));
    params.push(rusqlite::types::Value::Integer(skip));
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE {hint}{clause}
         ORDER BY sort_time DESC, rowid DESC LIMIT ? OFFSET ?"
    );
    (sql, params)
}
