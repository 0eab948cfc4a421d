//! The SQLite cache: entries, read state and each source's polling state.
//!
//! One cache file may be open in several processes at once (the TUI and a cron
//! `refresh`): the journal is WAL, the busy timeout is 5 s, and every write runs in an
//! `IMMEDIATE` transaction, so a writer waits for the lock instead of failing on a stale
//! read snapshot.
//!
//! The schema is versioned by `PRAGMA user_version`: `MIGRATIONS``[n]` takes the
//! schema from version `n` to `n + 1`. To change the schema, append a migration; never
//! edit one that has shipped.
//!
//! Timestamps are stored as whole milliseconds since the Unix epoch, so entries read
//! back (and those returned by [`Store::apply`]) carry millisecond precision.

pub mod ingest;

use std::cmp::Reverse;
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rusqlite::types::Type;
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, TransactionBehavior, params};

use crate::model::{Entry, EntryId, Flags, Item, SourceId};
use crate::query::{Prepared, Query, register_functions};

/// How long a connection waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Schema migrations; entry `n` upgrades `user_version` `n` to `n + 1`.
///
/// `entries` keeps SQLite's implicit rowid as the insertion order that breaks ties of
/// `sort_time`; `VACUUM` may renumber an implicit rowid, so the cache is never vacuumed.
const MIGRATIONS: &[&str] = &[
    // 1: entries and sources.
    "CREATE TABLE entries (
        source     TEXT    NOT NULL,
        id         TEXT    NOT NULL,
        published  INTEGER,
        updated    INTEGER,
        title      TEXT    NOT NULL,
        author     TEXT,
        url        TEXT,
        text       TEXT    NOT NULL,
        html       TEXT,
        first_seen INTEGER NOT NULL,
        sort_time  INTEGER NOT NULL,
        edited     INTEGER NOT NULL DEFAULT 0,
        read       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (source, id)
    );
    CREATE INDEX entries_sort_time ON entries (sort_time);
    CREATE TABLE sources (
        name          TEXT PRIMARY KEY NOT NULL,
        url           TEXT,
        etag          TEXT,
        last_modified TEXT,
        last_attempt  INTEGER,
        last_success  INTEGER,
        last_error    TEXT
    );",
    // 2: removed entries, the folded search text and its FTS5 trigram index, the queue
    // of rows the index has yet to take in ([`FTS_TRIGGERS`]), next poll times.
    "ALTER TABLE entries ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE entries ADD COLUMN folded TEXT NOT NULL DEFAULT '';
    ALTER TABLE sources ADD COLUMN next_poll INTEGER;
    CREATE INDEX entries_source_sort ON entries (source, sort_time);
    CREATE VIRTUAL TABLE entries_fts USING fts5(
        folded, content = 'entries', content_rowid = 'rowid', tokenize = 'trigram', detail = 'none'
    );
    CREATE TABLE fts_pending (rowid INTEGER PRIMARY KEY, indexed TEXT);",
    // 3: small facts about the reader itself (when the last TUI session ended).
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);",
    // 4: the publisher's marks (bit 0 pinned, bit 1 key event, bit 2 summary).
    "ALTER TABLE entries ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;",
    // 5: the body before the last edit, so the reader can show what changed.
    "ALTER TABLE entries ADD COLUMN previous_text TEXT;",
];

/// Queues every change to `entries` for the FTS index, in the writing transaction.
///
/// Tokenizing bodies into trigrams is most of what a write would cost (4/5 of a cold
/// `refresh`), so polls only queue row ids; the index takes them in later
/// ([`Store::catch_up_index`]: when a reader is idle, and always before a search), so a
/// search never sees a stale index. `indexed` remembers what the index holds for a row
/// (NULL: nothing yet), which an external-content index needs to delete it.
const FTS_TRIGGERS: &str = "
    CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
        INSERT OR IGNORE INTO fts_pending (rowid, indexed) VALUES (new.rowid, NULL);
    END;
    CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
        INSERT OR IGNORE INTO fts_pending (rowid, indexed) VALUES (old.rowid, old.folded);
    END;
    CREATE TRIGGER entries_fts_update AFTER UPDATE OF folded ON entries BEGIN
        INSERT OR IGNORE INTO fts_pending (rowid, indexed) VALUES (old.rowid, old.folded);
    END;";

/// The columns of `entries` that [`entry_from_row`] reads, in its order.
const ENTRY_COLUMNS: &str = "source, id, published, updated, title, author, url, text, html, first_seen, edited, read, flags, previous_text, removed";

/// The columns of `sources` that [`source_from_row`] reads, in its order.
const SOURCE_COLUMNS: &str =
    "name, url, etag, last_modified, last_attempt, last_success, last_error";

/// A cache error, with what was being done.
#[derive(Debug, thiserror::Error)]
#[error("cache {path}: {message}")]
pub struct StoreError {
    /// The cache file.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// What one poll changed.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// Entries not cached before, newest first.
    pub new: Vec<Entry>,
    /// Entries whose text, title or `updated` changed, newest first.
    pub updated: Vec<Entry>,
    /// Entries the source no longer lists (kept in the cache, marked removed).
    pub removed: Vec<EntryId>,
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

/// The cache: one SQLite connection.
///
/// `Store` is `Send` but not `Sync`; open one per thread or process.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// The file, as shown in errors (`:memory:` for an in-memory cache).
    path: String,
}

impl Store {
    /// Opens (creating it and its directory if needed) the cache at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError {
                path: name.clone(),
                message: format!("creating directory {}: {e}", parent.display()),
            })?;
        }
        let conn = Connection::open(path).map_err(fail(&name, "opening"))?;
        Store::init(conn, name, true)
    }

    /// Opens an empty cache that lives in memory only (for `--demo` and tests).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let name = ":memory:".to_string();
        let conn = Connection::open_in_memory().map_err(fail(&name, "opening"))?;
        Store::init(conn, name, false)
    }

    /// The cache file, as errors name it.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Sets the connection up and brings the schema up to date.
    fn init(conn: Connection, path: String, wal: bool) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(fail(&path, "opening"))?;
        if wal {
            // The first statement that reads the file: a file that is not SQLite fails here.
            // Switching a new file to WAL while another connection does the same can fail
            // with SQLITE_BUSY without the busy handler being called, so retry it here.
            let started = Instant::now();
            loop {
                match conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| {
                    row.get::<_, String>(0)
                }) {
                    Ok(_) => break,
                    Err(error) if is_busy(&error) && started.elapsed() < BUSY_TIMEOUT => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(error) => return Err(fail(&path, "opening")(error)),
                }
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail(&path, "opening"))?;
        register_functions(&conn).map_err(fail(&path, "opening"))?;
        let mut store = Store { conn, path };
        store.migrate()?;
        Ok(store)
    }

    /// Runs the migrations the file has not had, in one transaction.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.as_str();
        let version = user_version(&self.conn).map_err(fail(path, "reading the schema version"))?;
        if version == MIGRATIONS.len() {
            return Ok(());
        }
        check_version(path, version)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail(path, "upgrading the schema"))?;
        // Another process may have migrated while we waited for the lock.
        let version = user_version(&tx).map_err(fail(path, "reading the schema version"))?;
        check_version(path, version)?;
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let doing = format!("upgrading the schema to version {}", index + 1);
            tx.execute_batch(sql).map_err(fail(path, &doing))?;
            if index + 1 == 2 {
                backfill_folded(&tx).map_err(fail(path, &doing))?;
                tx.execute_batch("INSERT INTO entries_fts (entries_fts) VALUES ('rebuild');")
                    .and_then(|()| tx.execute_batch(FTS_TRIGGERS))
                    .map_err(fail(path, &doing))?;
            }
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(index + 1).unwrap_or(i64::MAX),
            )
            .map_err(fail(path, &doing))?;
        }
        tx.commit().map_err(fail(path, "upgrading the schema"))
    }

    /// Stores one poll's items in one transaction; returns what was new or changed.
    ///
    /// `items` are in document order, newest first. An id seen twice keeps its first
    /// occurrence. A cached entry whose title, text, author, url or `updated` differs is
    /// rewritten and marked edited; it keeps its `first_seen` and read state.
    pub fn apply(
        &mut self,
        source: &SourceId,
        items: &[Item],
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        let err = fail(&self.path, "storing entries");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let applied = apply_in(&tx, &self.path, source, items, now)?;
        tx.commit().map_err(&err)?;
        Ok(applied)
    }

    /// One poll in one transaction: its entries ([`Store::apply`]) and the source's
    /// state ([`Store::record_poll`]) are stored together or not at all.
    pub fn apply_poll(
        &mut self,
        source: &SourceId,
        items: &[Item],
        state: &SourceState,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        let err = fail(&self.path, "storing a poll");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let applied = apply_in(&tx, &self.path, source, items, now)?;
        record_in(&tx, &self.path, source, state)?;
        tx.commit().map_err(&err)?;
        Ok(applied)
    }

    /// Cached entries, newest first (by sort time, then latest inserted), at most `limit`.
    pub fn entries(&self, limit: Option<usize>) -> Result<Vec<Entry>, StoreError> {
        self.entries_from(0, limit)
    }

    /// Cached entries newest first, skipping the newest `skip`, at most `limit`.
    pub fn entries_from(
        &self,
        skip: usize,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StoreError> {
        let err = fail(&self.path, "reading entries");
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let skip = i64::try_from(skip).unwrap_or(i64::MAX);
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entries
                 ORDER BY sort_time DESC, rowid DESC LIMIT ?1 OFFSET ?2"
            ))
            .map_err(&err)?;
        let rows = statement
            .query_map([limit, skip], entry_from_row)
            .map_err(&err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&err)
    }

    /// Cached entries matching `query` at `now`, newest first, at most `limit`: one SQL
    /// query (FTS5 narrows, the folded text decides), for histories too long to load.
    pub fn query(
        &mut self,
        query: &Query,
        now: Timestamp,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StoreError> {
        self.query_before(query, now, None, limit)
    }

    /// As [`Store::query`], among the entries sorted before `before` only (the reader
    /// asks for the matches older than what it holds).
    pub fn query_before(
        &mut self,
        query: &Query,
        now: Timestamp,
        before: Option<Timestamp>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StoreError> {
        // The index must hold every row before it narrows a search.
        self.catch_up_index(None)?;
        let err = fail(&self.path, "searching entries");
        let mut filter = query.to_sql(now);
        if let Some(before) = before {
            filter.clause = format!("({}) AND sort_time < ?", filter.clause);
            filter
                .params
                .push(rusqlite::types::Value::Integer(before.as_millisecond()));
        }
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE {} ORDER BY sort_time DESC, rowid DESC LIMIT {limit}",
            filter.clause
        );
        let mut statement = self.conn.prepare(&sql).map_err(&err)?;
        let rows = statement
            .query_map(
                rusqlite::params_from_iter(filter.params.iter()),
                entry_from_row,
            )
            .map_err(&err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&err)
    }

    /// Records when the poller will poll `source` next (shown by `liveblog sources`).
    pub fn set_next_poll(
        &mut self,
        source: &SourceId,
        at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let err = fail(&self.path, "recording the next poll");
        self.conn
            .execute(
                "UPDATE sources SET next_poll = ?2 WHERE name = ?1",
                params![source.0, at.map(Timestamp::as_millisecond)],
            )
            .map_err(&err)?;
        Ok(())
    }

    /// When a running reader or `tail` said it would poll `source` next.
    pub fn next_poll(&self, source: &SourceId) -> Result<Option<Timestamp>, StoreError> {
        let err = fail(&self.path, "reading the next poll");
        let ms: Option<Option<i64>> = self
            .conn
            .query_row(
                "SELECT next_poll FROM sources WHERE name = ?1",
                [&source.0],
                |row| row.get(0),
            )
            .optional()
            .map_err(&err)?;
        Ok(ms
            .flatten()
            .and_then(|ms| Timestamp::from_millisecond(ms).ok()))
    }

    /// When the last interactive session ended, if one did.
    pub fn last_session(&self) -> Result<Option<Timestamp>, StoreError> {
        let err = fail(&self.path, "reading the last session");
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'last_session'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(&err)?;
        Ok(value.and_then(|value| value.parse().ok()))
    }

    /// Records that an interactive session ended at `at`.
    pub fn set_last_session(&mut self, at: Timestamp) -> Result<(), StoreError> {
        let err = fail(&self.path, "recording the session");
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES ('last_session', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [at.to_string()],
            )
            .map_err(&err)?;
        Ok(())
    }

    /// Brings the FTS index up to date with at most `limit` queued rows (all when
    /// `None`), in one transaction; returns how many rows it took in.
    pub fn catch_up_index(&mut self, limit: Option<usize>) -> Result<usize, StoreError> {
        let err = fail(&self.path, "updating the search index");
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        tx.execute(
            "CREATE TEMP TABLE IF NOT EXISTS fts_batch (rowid INTEGER PRIMARY KEY, indexed TEXT)",
            [],
        )
        .map_err(&err)?;
        tx.execute("DELETE FROM fts_batch", []).map_err(&err)?;
        let count = tx
            .execute("INSERT INTO fts_batch SELECT rowid, indexed FROM fts_pending ORDER BY rowid LIMIT ?1", [limit])
            .map_err(&err)?;
        if count > 0 {
            tx.execute_batch(
                "INSERT INTO entries_fts (entries_fts, rowid, folded)
                     SELECT 'delete', rowid, indexed FROM fts_batch WHERE indexed IS NOT NULL;
                 INSERT INTO entries_fts (rowid, folded)
                     SELECT e.rowid, e.folded FROM entries e JOIN fts_batch b ON b.rowid = e.rowid;
                 DELETE FROM fts_pending WHERE rowid IN (SELECT rowid FROM fts_batch);
                 DELETE FROM fts_batch;",
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(count)
    }

    /// Rows the FTS index has yet to take in.
    pub fn index_backlog(&self) -> Result<usize, StoreError> {
        let err = fail(&self.path, "reading the search index queue");
        let count: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM fts_pending", [], |row| row.get(0))
            .map_err(&err)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Marks these entries read, in one transaction.
    pub fn mark_all_read(&mut self, keys: &[(SourceId, EntryId)]) -> Result<(), StoreError> {
        let err = fail(&self.path, "marking entries read");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        {
            let mut update = tx
                .prepare_cached("UPDATE entries SET read = 1 WHERE source = ?1 AND id = ?2")
                .map_err(&err)?;
            for (source, id) in keys {
                update.execute(params![source.0, id.0]).map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// Applies retention to one source: deletes entries older than `max_age` before
    /// `now`, then all but the newest `max_entries`. Returns how many were deleted.
    pub fn prune(
        &mut self,
        source: &SourceId,
        max_age: Option<Duration>,
        max_entries: Option<usize>,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let err = fail(&self.path, "applying retention");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let mut deleted = 0;
        if let Some(max_age) = max_age {
            let age_ms = i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
            let cutoff = now.as_millisecond().saturating_sub(age_ms);
            deleted += tx
                .execute(
                    "DELETE FROM entries WHERE source = ?1 AND sort_time < ?2",
                    params![source.0, cutoff],
                )
                .map_err(&err)?;
        }
        if let Some(max_entries) = max_entries {
            let keep = i64::try_from(max_entries).unwrap_or(i64::MAX);
            deleted += tx
                .execute(
                    "DELETE FROM entries WHERE source = ?1 AND rowid NOT IN (
                         SELECT rowid FROM entries WHERE source = ?1
                         ORDER BY sort_time DESC, rowid DESC LIMIT ?2)",
                    params![source.0, keep],
                )
                .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(deleted)
    }

    /// One cached entry.
    pub fn entry(&self, source: &SourceId, id: &EntryId) -> Result<Option<Entry>, StoreError> {
        let err = fail(&self.path, "reading an entry");
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE source = ?1 AND id = ?2"
            ))
            .map_err(&err)?;
        statement
            .query_row(params![source.0, id.0], entry_from_row)
            .optional()
            .map_err(&err)
    }

    /// How many entries are cached.
    pub fn count(&self) -> Result<usize, StoreError> {
        let err = fail(&self.path, "counting entries");
        let count: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM entries", [], |row| row.get(0))
            .map_err(&err)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Marks one entry read (nothing happens if it is not cached).
    pub fn mark_read(&mut self, source: &SourceId, id: &EntryId) -> Result<(), StoreError> {
        let err = fail(&self.path, "marking an entry read");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        tx.execute(
            "UPDATE entries SET read = 1 WHERE source = ?1 AND id = ?2",
            params![source.0, id.0],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// The polling state of one source (only `source` is set if the cache has none).
    pub fn source_state(&self, source: &SourceId) -> Result<SourceState, StoreError> {
        let err = fail(&self.path, "reading source state");
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SOURCE_COLUMNS} FROM sources WHERE name = ?1"
            ))
            .map_err(&err)?;
        let state = statement
            .query_row([&source.0], source_from_row)
            .optional()
            .map_err(&err)?;
        Ok(state.unwrap_or_else(|| SourceState {
            source: Some(source.clone()),
            ..SourceState::default()
        }))
    }

    /// Every source the cache knows (polled or holding entries), by name.
    pub fn sources(&self) -> Result<Vec<SourceState>, StoreError> {
        let err = fail(&self.path, "reading sources");
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SOURCE_COLUMNS} FROM sources ORDER BY name"
            ))
            .map_err(&err)?;
        let rows = statement.query_map([], source_from_row).map_err(&err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&err)
    }

    /// Records a poll's outcome.
    ///
    /// Success (`last_error` is `None`): stores `url`, the validators as given (on a
    /// 304, pass the ones that were sent), `last_attempt`, and `last_success` (which
    /// defaults to `last_attempt`); clears the error. Failure: stores the error and
    /// `last_attempt`, and keeps the previous validators and `last_success`.
    /// `state.source` is ignored; `url` and `last_attempt` are kept when `None`.
    pub fn record_poll(
        &mut self,
        source: &SourceId,
        state: &SourceState,
    ) -> Result<(), StoreError> {
        let err = fail(&self.path, "recording a poll");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        record_in(&tx, &self.path, source, state)?;
        tx.commit().map_err(&err)
    }
}

/// [`Store::apply`] inside a transaction the caller commits.
fn apply_in(
    tx: &rusqlite::Transaction<'_>,
    path: &str,
    source: &SourceId,
    items: &[Item],
    now: Timestamp,
) -> Result<Applied, StoreError> {
    let err = fail(path, "storing entries");
    let now = truncate(now);
    let mut seen = HashSet::new();
    let unique: Vec<&Item> = items.iter().filter(|item| seen.insert(&item.id)).collect();

    tx.execute(
        "INSERT OR IGNORE INTO sources (name) VALUES (?1)",
        [&source.0],
    )
    .map_err(&err)?;
    // (rowid, entry), so the result sorts exactly as `entries` would list it.
    let mut new = Vec::new();
    let mut updated = Vec::new();
    {
        let mut select = tx
            .prepare_cached(
                "SELECT rowid, updated, title, author, url, text, first_seen, read, flags, previous_text
                 FROM entries WHERE source = ?1 AND id = ?2",
            )
            .map_err(&err)?;
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO entries (source, id, published, updated, title, author, url,
                     text, html, first_seen, sort_time, edited, read, folded, flags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, ?12, ?13)",
            )
            .map_err(&err)?;
        let mut update = tx
            .prepare_cached(
                "UPDATE entries SET published = ?3, updated = ?4, title = ?5, author = ?6,
                     url = ?7, text = ?8, html = ?9, sort_time = ?10, edited = 1,
                     folded = ?11, removed = 0, flags = ?12,
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
                    let entry = Entry {
                        source: source.clone(),
                        item,
                        first_seen: now,
                        edited: false,
                        previous_text: None,
                        removed: false,
                        read: false,
                    };
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
                            Prepared::new(&entry).joined(),
                            flags_bits(entry.item.flags),
                        ])
                        .map_err(&err)?;
                    new.push((tx.last_insert_rowid(), entry));
                }
                Some(cached) if cached.differs(&item) => {
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
                            Prepared::new(&entry).joined(),
                            flags_bits(entry.item.flags),
                        ])
                        .map_err(&err)?;
                    updated.push((cached.rowid, entry));
                }
                Some(_) => {}
            }
        }
    }
    let removed = mark_removed(tx, source, items).map_err(&err)?;
    Ok(Applied {
        new: newest_first(new),
        updated: newest_first(updated),
        removed,
    })
}

/// [`Store::record_poll`] inside a transaction the caller commits.
fn record_in(
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

/// Fills `folded` for entries cached before schema version 2.
fn backfill_folded(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let entries: Vec<(i64, Entry)> = {
        // The columns schema version 1 had (the flags column comes later).
        let mut select = tx.prepare(
            "SELECT rowid, source, id, published, updated, title, author, url, text, html,
                 first_seen, edited, read FROM entries",
        )?;
        let rows = select.query_map([], |row| {
            let rowid: i64 = row.get(0)?;
            let entry = entry_from_row_at(row, 1)?;
            Ok((rowid, entry))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut update = tx.prepare("UPDATE entries SET folded = ?2 WHERE rowid = ?1")?;
    for (rowid, entry) in entries {
        update.execute(params![rowid, Prepared::new(&entry).joined()])?;
    }
    Ok(())
}

/// Marks entries of `source` that a live blog no longer lists as removed: those the
/// cache has within the time span the document covers, but the document lacks. Older
/// entries are left alone (a feed's window moving on is not a removal).
fn mark_removed(
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

/// Builds the error-mapping closure for one operation on the cache at `path`.
fn fail<'a>(path: &'a str, doing: &'a str) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    move |error| StoreError {
        path: path.to_string(),
        message: format!("{doing}: {}", describe(&error)),
    }
}

/// One line saying what a SQLite error means for the user.
fn describe(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "not an SQLite database".to_string(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "locked by another process (gave up waiting)".to_string()
        }
        _ => one_line(&error.to_string()),
    }
}

/// Whether `error` means another connection holds a lock.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Joins the lines of `text` with spaces.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The schema version of the open file.
fn user_version(conn: &Connection) -> rusqlite::Result<usize> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    // A negative version is no version this program wrote; treat it as too new.
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

/// Refuses a schema newer than this build knows.
fn check_version(path: &str, version: usize) -> Result<(), StoreError> {
    if version > MIGRATIONS.len() {
        return Err(StoreError {
            path: path.to_string(),
            message: format!(
                "schema version {version} is newer than this liveblog supports ({})",
                MIGRATIONS.len()
            ),
        });
    }
    Ok(())
}

/// `timestamp` to the millisecond precision the cache stores.
fn truncate(timestamp: Timestamp) -> Timestamp {
    // Truncation moves toward the epoch, so the result is always in range.
    Timestamp::from_millisecond(timestamp.as_millisecond()).unwrap_or(timestamp)
}

/// `item` as the cache will give it back.
fn stored_item(item: &Item) -> Item {
    Item {
        published: item.published.map(truncate),
        updated: item.updated.map(truncate),
        ..item.clone()
    }
}

/// Orders `(rowid, entry)` pairs as `entries` lists them and drops the rowids.
fn newest_first(mut entries: Vec<(i64, Entry)>) -> Vec<Entry> {
    entries.sort_by_key(|(rowid, entry)| Reverse((entry.sort_time(), *rowid)));
    entries.into_iter().map(|(_, entry)| entry).collect()
}

fn optional_timestamp(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Timestamp>> {
    let ms: Option<i64> = row.get(index)?;
    ms.map(|ms| {
        Timestamp::from_millisecond(ms).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(index, Type::Integer, Box::new(e))
        })
    })
    .transpose()
}

fn timestamp(row: &Row<'_>, index: usize) -> rusqlite::Result<Timestamp> {
    optional_timestamp(row, index)?.ok_or(rusqlite::Error::InvalidColumnType(
        index,
        "a timestamp".to_string(),
        Type::Null,
    ))
}

/// Reads an entry selected as [`ENTRY_COLUMNS`].
fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<Entry> {
    entry_from_row_at(row, 0)
}

/// Reads an entry selected as [`ENTRY_COLUMNS`] starting at column `at`.
fn entry_from_row_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Entry> {
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
fn source_from_row(row: &Row<'_>) -> rusqlite::Result<SourceState> {
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

fn flags_bits(flags: Flags) -> i64 {
    i64::from(flags.pinned) | i64::from(flags.key_event) << 1 | i64::from(flags.summary) << 2
}

fn flags_from_bits(bits: i64) -> Flags {
    Flags {
        pinned: bits & 1 != 0,
        key_event: bits & 2 != 0,
        summary: bits & 4 != 0,
    }
}
