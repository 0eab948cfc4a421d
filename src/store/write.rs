//! Writing one poll: new and edited entries, removals, and the source's state, in
//! the caller's transaction.

use std::collections::HashSet;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use super::error::{StoreError, fail, one_line};
use super::records::{
    Applied, SourceState, flags_bits, newest_first, optional_timestamp, stored_item, timestamp,
    truncate,
};
use crate::model::{Entry, EntryId, Item, SourceId};

/// [`Store::apply`] inside a transaction the caller commits. `whole` says the items
/// are the whole document: only then does an entry it lacks count as removed.
pub(super) fn apply_in(
    tx: &rusqlite::Transaction<'_>,
    path: &str,
    source: &SourceId,
    items: Vec<Item>,
    whole: bool,
    now: Timestamp,
) -> Result<Applied, StoreError> {
    let err = fail(path, "storing entries");
    let now = truncate(now);
    // Which cached entries the document no longer lists, before its items move into the
    // answer below (the entries it lists are not touched by this, so the order is free).
    let removed = if whole {
        mark_removed(tx, source, &items).map_err(&err)?
    } else {
        Vec::new()
    };
    // The items move into the entries handed back: a huge document is not held twice.
    let mut seen = HashSet::new();
    let unique: Vec<Item> = items
        .into_iter()
        .filter(|item| seen.insert(item.id.clone()))
        .collect();

    tx.execute(
        "INSERT OR IGNORE INTO sources (name) VALUES (?1)",
        [&source.0],
    )
    .map_err(&err)?;
    // (rowid, entry), so the result sorts exactly as `entries` would list it.
    let mut new = Vec::new();
    let mut updated = Vec::new();
    let mut restored = Vec::new();
    {
        let mut select = tx
            .prepare_cached(
                "SELECT rowid, updated, title, author, url, text, first_seen, read, flags,
                     previous_text, removed
                 FROM entries WHERE source = ?1 AND id = ?2",
            )
            .map_err(&err)?;
        // Seen again: an entry the source lists is not removed, edited or not.
        let mut unremove = tx
            .prepare_cached("UPDATE entries SET removed = 0 WHERE rowid = ?1")
            .map_err(&err)?;
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO entries (source, id, published, updated, title, author, url,
                     text, html, first_seen, sort_time, edited, read, flags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, ?12)",
            )
            .map_err(&err)?;
        let mut update = tx
            .prepare_cached(
                "UPDATE entries SET published = ?3, updated = ?4, title = ?5, author = ?6,
                     url = ?7, text = ?8, html = ?9, sort_time = ?10, edited = 1,
                     removed = 0, flags = ?11,
                     previous_text = CASE WHEN text = ?8 THEN previous_text ELSE text END
                 WHERE source = ?1 AND id = ?2",
            )
            .map_err(&err)?;
        // Oldest first, so that ties of sort_time list the newest (highest rowid) first.
        for item in unique.into_iter().rev() {
            let item = stored_item(item);
            let cached = select
                .query_row(params![source.0, item.id.0], Cached::from_row)
                .optional()
                .map_err(&err)?;
            let published = item.published.map(Timestamp::as_millisecond);
            let item_updated = item.updated.map(Timestamp::as_millisecond);
            match cached {
                None => {
                    let entry = Entry::new(source.clone(), item, now);
                    insert
                        .execute(params![
                            source.0,
                            entry.item.id.0,
                            published,
                            item_updated,
                            entry.item.title,
                            entry.item.author,
                            entry.item.url,
                            entry.item.text,
                            entry.item.html,
                            now.as_millisecond(),
                            entry.sort_time().as_millisecond(),
                            flags_bits(entry.item.flags),
                        ])
                        .map_err(&err)?;
                    new.push((tx.last_insert_rowid(), entry));
                }
                Some(cached) if cached.differs(&item) => {
                    if cached.removed {
                        restored.push(item.id.clone());
                    }
                    let previous_text = if cached.text == item.text {
                        cached.previous_text.clone()
                    } else {
                        Some(cached.text.clone())
                    };
                    let entry = Entry {
                        source: source.clone(),
                        item,
                        first_seen: cached.first_seen,
                        edited: true,
                        previous_text,
                        removed: false,
                        read: cached.read,
                    };
                    update
                        .execute(params![
                            source.0,
                            entry.item.id.0,
                            published,
                            item_updated,
                            entry.item.title,
                            entry.item.author,
                            entry.item.url,
                            entry.item.text,
                            entry.item.html,
                            entry.sort_time().as_millisecond(),
                            flags_bits(entry.item.flags),
                        ])
                        .map_err(&err)?;
                    updated.push((cached.rowid, entry));
                }
                Some(cached) if cached.removed => {
                    unremove.execute([cached.rowid]).map_err(&err)?;
                    restored.push(item.id);
                }
                Some(_) => {}
            }
        }
    }
    Ok(Applied {
        new: newest_first(new),
        updated: newest_first(updated),
        removed,
        restored,
    })
}

/// [`Store::record_poll`] inside a transaction the caller commits.
pub(super) fn record_in(
    tx: &rusqlite::Transaction<'_>,
    path: &str,
    source: &SourceId,
    state: &SourceState,
) -> Result<(), StoreError> {
    let err = fail(path, "recording a poll");
    let error = state.last_error.as_deref().map(one_line);
    let ok = error.is_none();
    let last_success = if ok {
        state.last_success.or(state.last_attempt)
    } else {
        None
    };
    let last_attempt = state.last_attempt.or(last_success);
    let ms = |t: Option<Timestamp>| t.map(Timestamp::as_millisecond);
    tx.execute(
        "INSERT INTO sources
             (name, url, etag, last_modified, last_attempt, last_success, last_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (name) DO UPDATE SET
             url = COALESCE(excluded.url, sources.url),
             etag = CASE WHEN ?8 THEN excluded.etag ELSE sources.etag END,
             last_modified = CASE WHEN ?8
                 THEN excluded.last_modified ELSE sources.last_modified END,
             last_attempt = COALESCE(excluded.last_attempt, sources.last_attempt),
             last_success = CASE WHEN ?8
                 THEN excluded.last_success ELSE sources.last_success END,
             last_error = excluded.last_error",
        params![
            source.0,
            state.url,
            if ok { state.etag.as_deref() } else { None },
            if ok {
                state.last_modified.as_deref()
            } else {
                None
            },
            ms(last_attempt),
            ms(last_success),
            error,
            ok,
        ],
    )
    .map_err(&err)?;
    Ok(())
}

/// Marks entries of `source` that a live blog no longer lists as removed: those the
/// cache has within the time span the document covers, but the document lacks. Older
/// entries are left alone (a feed's window moving on is not a removal).
pub(super) fn mark_removed(
    tx: &rusqlite::Transaction<'_>,
    source: &SourceId,
    items: &[Item],
) -> rusqlite::Result<Vec<EntryId>> {
    let Some(oldest) = items
        .iter()
        .map(Item::time)
        .collect::<Option<Vec<_>>>()
        .and_then(|times| times.into_iter().min())
    else {
        // An empty document, or undated items: no span to reason about.
        return Ok(Vec::new());
    };
    let listed: HashSet<&str> = items.iter().map(|item| item.id.0.as_str()).collect();
    let cached: Vec<String> = {
        let mut select = tx.prepare_cached(
            "SELECT id FROM entries WHERE source = ?1 AND removed = 0 AND sort_time >= ?2",
        )?;
        let rows =
            select.query_map(params![source.0, oldest.as_millisecond()], |row| row.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut update =
        tx.prepare_cached("UPDATE entries SET removed = 1 WHERE source = ?1 AND id = ?2")?;
    let mut removed = Vec::new();
    for id in cached
        .into_iter()
        .filter(|id| !listed.contains(id.as_str()))
    {
        update.execute(params![source.0, id])?;
        removed.push(EntryId(id));
    }
    Ok(removed)
}

/// What `apply` needs to know of a cached entry.
struct Cached {
    rowid: i64,
    updated: Option<Timestamp>,
    title: String,
    author: Option<String>,
    url: Option<String>,
    text: String,
    first_seen: Timestamp,
    read: bool,
    flags: i64,
    previous_text: Option<String>,
    removed: bool,
}

impl Cached {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Cached> {
        Ok(Cached {
            rowid: row.get(0)?,
            updated: optional_timestamp(row, 1)?,
            title: row.get(2)?,
            author: row.get(3)?,
            url: row.get(4)?,
            text: row.get(5)?,
            first_seen: timestamp(row, 6)?,
            read: row.get(7)?,
            flags: row.get(8)?,
            previous_text: row.get(9)?,
            removed: row.get(10)?,
        })
    }

    /// Whether `item` (already truncated to milliseconds) is an edit of this entry.
    fn differs(&self, item: &Item) -> bool {
        self.flags != flags_bits(item.flags)
            || self.title != item.title
            || self.text != item.text
            || self.author != item.author
            || self.url != item.url
            || self.updated != item.updated
    }
}

/// How many rows the change log keeps: enough for any reader awake to read what changed
/// since it last looked; one further behind reloads its window instead.
const CHANGES_KEPT: i64 = 200_000;

/// Drops the change log's oldest rows beyond [`CHANGES_KEPT`], in the writer's
/// transaction (cheap: a range of the primary key).
pub(super) fn prune_changes(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM changes WHERE seq <= (SELECT MAX(seq) FROM changes) - ?1",
        [CHANGES_KEPT],
    )?;
    Ok(())
}
