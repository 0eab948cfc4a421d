//! [`Store`]: one SQLite connection to the cache, and everything the layers above ask
//! of it (open, apply a poll, read entries and source states, search, read state).

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::error::{StoreError, fail, is_busy};
use super::records::{
    Applied, ENTRY_COLUMNS, SOURCE_COLUMNS, SourceState, among, entry_from_row, newest_among,
    source_from_row,
};
use super::schema::{MIGRATIONS, check_ours, migrate};
use super::write::{apply_in, prune_changes, record_in};
use crate::model::{Document, Entry, EntryId, Item, SourceId};
use crate::query::{Query, register_functions};

/// How long a connection waits for another process's lock before giving up.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The most values one statement may bind (SQLite's `SQLITE_MAX_VARIABLE_NUMBER`).
const MAX_PARAMETERS: usize = 32_766;

/// Rows the search index takes in per transaction when it catches up.
const INDEX_BATCH: usize = 2_000;

/// The pause between two such transactions, which lets other writers in.
const INDEX_PAUSE: Duration = Duration::from_millis(10);

/// The cache: one SQLite connection.
///
/// `Store` is `Send` but not `Sync`; open one per thread or process.
#[derive(Debug)]
pub struct Store {
    pub(super) conn: Connection,
    /// The file, as shown in errors (`:memory:` for an in-memory cache).
    pub(super) path: String,
    /// Opened to read only: nothing is written, the search index is not caught up.
    read_only: bool,
    /// The stretches of the change log this connection wrote, `(before, last]`, the
    /// latest few: a reader need not read its own writes back ([`Store::skip_own_changes`]).
    pub(super) own_changes: Vec<(i64, i64)>,
}

/// How many stretches of its own writes a connection remembers.
const OWN_CHANGES_KEPT: usize = 64;

/// The change log's latest point, inside a transaction.
fn log_point(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes", [], |row| {
        row.get(0)
    })
}

/// How a connection is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A file, to read and write (WAL).
    Write,
    /// A file this process may only read.
    Read,
    /// An in-memory cache.
    Memory,
}

/// Whether this process may write the cache file and create its WAL files beside it.
fn writable(path: &Path) -> bool {
    let file_ok = std::fs::OpenOptions::new().append(true).open(path).is_ok();
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // SQLite keeps `-wal` and `-shm` files beside the cache; they must be writable, or
    // creatable in the directory.
    let beside_ok = ["-wal", "-shm"].iter().all(|suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let beside = std::path::PathBuf::from(name);
        if beside.exists() {
            std::fs::OpenOptions::new()
                .append(true)
                .open(&beside)
                .is_ok()
        } else {
            dir_writable(dir)
        }
    });
    file_ok && beside_ok
}

/// Whether a file can be created in `dir` (tried, then removed).
fn dir_writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".liveblog-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

/// Refuses a file that is there and not SQLite before SQLite opens it: SQLite would
/// delete a `-wal` file beside it that it cannot use.
pub(super) fn refuse_if_not_sqlite(path: &Path, name: &str) -> Result<(), StoreError> {
    use std::io::Read;
    const HEADER: &[u8; 16] = b"SQLite format 3\0";
    let Ok(mut file) = std::fs::File::open(path) else {
        // Missing (made fresh) or unreadable (SQLite says why).
        return Ok(());
    };
    let mut start = Vec::with_capacity(HEADER.len());
    let read = file
        .by_ref()
        .take(HEADER.len() as u64)
        .read_to_end(&mut start);
    if read.is_ok() && !start.is_empty() && start.as_slice() != HEADER {
        return Err(StoreError {
            path: name.to_string(),
            message: format!(
                "opening: not an SQLite database: {}",
                super::error::RESET_HINT
            ),
        });
    }
    Ok(())
}

/// A failure to open a cache this process may not write, said as what to do.
fn explain_not_writable(path: &Path, err: StoreError) -> StoreError {
    if !path.exists() || writable(path) {
        return err;
    }
    StoreError {
        path: err.path,
        message: "cannot write it (permissions of the file, or of its directory for the \
                  -wal and -shm files): ask its owner for write access (a cache shared by \
                  a group needs group write on the file and the directory), or pass \
                  --cache with a file of your own"
            .to_string(),
    }
}

impl Store {
    /// Opens (creating it and its directory if needed) the cache at `path`, to read and
    /// write. A cache this process may not write is an error that says what to do;
    /// [`Store::open_or_read_only`] falls back to reading it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError {
                path: name.clone(),
                message: format!("creating directory {}: {e}", parent.display()),
            })?;
        }
        refuse_if_not_sqlite(path, &name)?;
        let conn = Connection::open(path).map_err(fail(&name, "opening"))?;
        Store::init(conn, name, Mode::Write).map_err(|err| explain_not_writable(path, err))
    }

    /// Opens the cache at `path` to read and write if this process may, else to read
    /// only (a cache in a group's directory that this user may only read): the reader
    /// then shows what the others store, and `read_only` says so.
    pub fn open_or_read_only(path: &Path) -> Result<Store, StoreError> {
        match Store::open(path) {
            Ok(store) => Ok(store),
            Err(err) if path.exists() && !writable(path) => {
                let name = path.display().to_string();
                let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | rusqlite::OpenFlags::SQLITE_OPEN_URI;
                let conn = Connection::open_with_flags(path, flags)
                    .map_err(fail(&name, "opening to read"))?;
                Store::init(conn, name, Mode::Read).map_err(|_| err)
            }
            Err(err) => Err(err),
        }
    }

    /// Opens an empty cache that lives in memory only (for `--demo` and tests).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let name = ":memory:".to_string();
        let conn = Connection::open_in_memory().map_err(fail(&name, "opening"))?;
        Store::init(conn, name, Mode::Memory)
    }

    /// The cache file, as errors name it.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether this connection may only read (see [`Store::open_or_read_only`]).
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Sets the connection up and brings the schema up to date.
    fn init(conn: Connection, path: String, mode: Mode) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(fail(&path, "opening"))?;
        // Before anything is written: a file of another program is left as it was.
        check_ours(&conn, &path)?;
        if mode == Mode::Write {
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
        register_functions(&conn).map_err(fail(&path, "opening"))?;
        let mut store = Store {
            conn,
            path,
            read_only: mode == Mode::Read,
            own_changes: Vec::new(),
        };
        if mode == Mode::Read {
            // Nothing may be written: the file must already be at this version.
            let version = super::schema::user_version(&store.conn)
                .map_err(fail(&store.path, "reading the schema version"))?;
            if version != MIGRATIONS.len() {
                return Err(StoreError {
                    path: store.path.clone(),
                    message: format!(
                        "read-only, and at schema version {version} where this liveblog \
                         needs {}: run liveblog once as a user who may write it",
                        MIGRATIONS.len()
                    ),
                });
            }
            return Ok(store);
        }
        store
            .conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail(&store.path, "opening"))?;
        migrate(&mut store.conn, &store.path)?;
        Ok(store)
    }

    /// Stores one poll's items in one transaction; returns what was new or changed.
    ///
    /// `items` are in document order, newest first. An id seen twice keeps its first
    /// occurrence. A cached entry whose title, text, author, url or `updated` differs is
    /// rewritten and marked edited; it keeps its `first_seen` and read state. Cached
    /// entries within the items' time span that they lack are marked removed; an entry
    /// listed again loses that mark.
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
        let before = log_point(&tx).map_err(&err)?;
        let applied = apply_in(&tx, &self.path, source, items.to_vec(), true, now)?;
        let after = log_point(&tx).map_err(&err)?;
        prune_changes(&tx).map_err(&err)?;
        tx.commit().map_err(&err)?;
        drop(err);
        self.note_own_changes(before, after);
        Ok(applied)
    }

    /// One poll in one transaction: its document's entries ([`Store::apply`]) and the
    /// source's state ([`Store::record_poll`]) are stored together or not at all. A
    /// document [cut short](Document::cut_short) marks nothing removed.
    pub fn apply_poll(
        &mut self,
        source: &SourceId,
        document: Document,
        state: &SourceState,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        let err = fail(&self.path, "storing a poll");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let before = log_point(&tx).map_err(&err)?;
        let whole = !document.cut_short;
        let applied = apply_in(&tx, &self.path, source, document.items, whole, now)?;
        record_in(&tx, &self.path, source, state)?;
        let after = log_point(&tx).map_err(&err)?;
        prune_changes(&tx).map_err(&err)?;
        tx.commit().map_err(&err)?;
        drop(err);
        self.note_own_changes(before, after);
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
        self.entries_among(None, skip, limit)
    }

    /// As [`Store::entries_from`], from these sources only (`None`: every source): the
    /// reader shows only the configured sources' entries; the others stay in the cache.
    pub fn entries_among(
        &self,
        sources: Option<&[SourceId]>,
        skip: usize,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StoreError> {
        let err = fail(&self.path, "reading entries");
        let (sql, params) = newest_among(sources, skip, limit, "");
        let mut statement = self.conn.prepare_cached(&sql).map_err(&err)?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(params.iter()), entry_from_row)
            .map_err(&err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&err)
    }

    /// As [`Store::entries_among`], handing each entry to `each` as it is read, newest
    /// first, until `each` breaks: one pass down the sort-time index however many chunks
    /// the caller makes of it. (Chunks by `LIMIT`/`OFFSET` each sorted every entry of the
    /// sources again, with its text: seconds a chunk at a million entries, issue 17.)
    pub fn each_entry_among(
        &self,
        sources: Option<&[SourceId]>,
        skip: usize,
        limit: Option<usize>,
        mut each: impl FnMut(Entry) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let err = fail(&self.path, "reading entries");
        // `+`: not by the (source, sort time) index, which leaves every row to sort, but
        // down the sort-time index in order, testing each row's source.
        let (sql, params) = newest_among(sources, skip, limit, "+");
        let mut statement = self.conn.prepare(&sql).map_err(&err)?;
        let mut rows = statement
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            if each(entry_from_row(row).map_err(&err)?).is_break() {
                break;
            }
        }
        Ok(())
    }

    /// Cached entries matching `query` at `now`, newest first, at most `limit`: one SQL
    /// query (the word index narrows, the reader's own matcher decides), for histories
    /// too long to load.
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
        self.query_among(query, now, before, None, limit)
    }

    /// As [`Store::query_before`], among these sources' entries only (`None`: all).
    pub fn query_among(
        &mut self,
        query: &Query,
        now: Timestamp,
        before: Option<Timestamp>,
        sources: Option<&[SourceId]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StoreError> {
        // A search tests the rows the index has not taken in one by one: fewer of them
        // is faster. A read-only connection cannot, and need not, catch up.
        if !self.read_only {
            self.catch_up_index_in_batches()?;
        }
        let err = fail(&self.path, "searching entries");
        query.register_sql(&self.conn, now).map_err(&err)?;
        let mut filter = query.to_sql(now);
        if let Some(before) = before {
            filter.clause = format!("({}) AND sort_time < ?", filter.clause);
            filter
                .params
                .push(rusqlite::types::Value::Integer(before.as_millisecond()));
        }
        if sources.is_some() {
            let (clause, params) = among(sources);
            filter.clause = format!("({}) AND {clause}", filter.clause);
            filter.params.extend(params);
        }
        // The query's own terms are bounded (`MAX_TERMS`); the sources are not.
        if filter.params.len() > MAX_PARAMETERS {
            return Err(StoreError {
                path: self.path.clone(),
                message: format!(
                    "searching entries: query too long: {} values to look for, at most \
                     {MAX_PARAMETERS} (terms and sources together)",
                    filter.params.len()
                ),
            });
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

    /// Caps this connection's page cache at `kib` KiB (SQLite's default is 2 MiB). The
    /// reader reads its window once, in order, then writes a poll's few pages now and
    /// then: a large cache would only hold memory (issue 17).
    pub fn cap_page_cache(&self, kib: u32) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "cache_size", -i64::from(kib))
            .map_err(fail(&self.path, "sizing the page cache"))
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
            "CREATE TEMP TABLE IF NOT EXISTS fts_batch (rowid INTEGER PRIMARY KEY)",
            [],
        )
        .map_err(&err)?;
        tx.execute("DELETE FROM fts_batch", []).map_err(&err)?;
        let count = tx
            .execute(
                "INSERT INTO fts_batch SELECT rowid FROM fts_pending ORDER BY rowid LIMIT ?1",
                [limit],
            )
            .map_err(&err)?;
        if count > 0 {
            // The index is contentless: it forgets a row by its id alone (a row it never
            // took in is no error), then takes in the row as it is now, if it still is.
            tx.execute_batch(
                "DELETE FROM entries_fts WHERE rowid IN (SELECT rowid FROM fts_batch);
                 INSERT INTO entries_fts (rowid, words)
                     SELECT e.rowid, lb_words(e.title, e.author, e.text)
                     FROM entries e JOIN fts_batch b ON b.rowid = e.rowid;
                 DELETE FROM fts_pending WHERE rowid IN (SELECT rowid FROM fts_batch);
                 DELETE FROM fts_batch;",
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(count)
    }

    /// Brings the FTS index fully up to date in short transactions of
    /// a few thousand rows, pausing between them, so that another process waiting to
    /// write (a `refresh`) gets the lock in between instead of giving up: a backlog of
    /// 300,000 rows takes seconds to index.
    pub fn catch_up_index_in_batches(&mut self) -> Result<usize, StoreError> {
        let mut taken = 0;
        loop {
            let batch = self.catch_up_index(Some(INDEX_BATCH))?;
            taken += batch;
            if batch < INDEX_BATCH {
                return Ok(taken);
            }
            // Long enough for a waiting writer's busy handler to find the lock free.
            std::thread::sleep(INDEX_PAUSE);
        }
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
        let before = log_point(&tx).map_err(&err)?;
        {
            let mut update = tx
                .prepare_cached("UPDATE entries SET read = 1 WHERE source = ?1 AND id = ?2")
                .map_err(&err)?;
            for (source, id) in keys {
                update.execute(params![source.0, id.0]).map_err(&err)?;
            }
        }
        let after = log_point(&tx).map_err(&err)?;
        prune_changes(&tx).map_err(&err)?;
        tx.commit().map_err(&err)?;
        drop(err);
        self.note_own_changes(before, after);
        Ok(())
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

    /// The oldest time (each entry's sort time, but never later than when it was first
    /// seen, as the reader sorts) among the newest `window` entries of `sources`
    /// (`None`: every source); `None` when fewer than `window` are cached. An entry
    /// older than this has `window` entries before it in the reader's order, so the
    /// reader's window never holds it.
    pub fn window_floor(
        &self,
        sources: Option<&[SourceId]>,
        window: usize,
    ) -> Result<Option<Timestamp>, StoreError> {
        let err = fail(&self.path, "reading the window's oldest entry");
        let (clause, mut params) = among(sources);
        let limit = i64::try_from(window).unwrap_or(i64::MAX);
        params.push(rusqlite::types::Value::Integer(limit));
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT MIN(MIN(sort_time, first_seen)), COUNT(*) FROM
                     (SELECT sort_time, first_seen FROM entries WHERE {clause}
                      ORDER BY sort_time DESC, rowid DESC LIMIT ?)"
            ))
            .map_err(&err)?;
        let (oldest, count): (Option<i64>, i64) = statement
            .query_row(rusqlite::params_from_iter(params.iter()), |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .map_err(&err)?;
        if window == 0 || count < limit {
            return Ok(None);
        }
        Ok(oldest.and_then(|ms| Timestamp::from_millisecond(ms).ok()))
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
        self.set_read(source, id, true)
    }

    /// Marks one entry read or unread.
    pub fn set_read(
        &mut self,
        source: &SourceId,
        id: &EntryId,
        read: bool,
    ) -> Result<(), StoreError> {
        let err = fail(&self.path, "marking an entry read or unread");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let before = log_point(&tx).map_err(&err)?;
        tx.execute(
            "UPDATE entries SET read = ?3 WHERE source = ?1 AND id = ?2",
            params![source.0, id.0, read],
        )
        .map_err(&err)?;
        let after = log_point(&tx).map_err(&err)?;
        tx.commit().map_err(&err)?;
        drop(err);
        self.note_own_changes(before, after);
        Ok(())
    }

    /// Remembers that this connection wrote the change log's `(before, after]`.
    fn note_own_changes(&mut self, before: i64, after: i64) {
        if after > before {
            if self.own_changes.len() >= OWN_CHANGES_KEPT {
                self.own_changes.remove(0);
            }
            self.own_changes.push((before, after));
        }
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
