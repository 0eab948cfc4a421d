//! The cache's schema: the migrations, applied in order by `PRAGMA user_version`, and
//! the check that a file is one this version of liveblog can use.

use rusqlite::{Connection, TransactionBehavior};

use super::error::{StoreError, fail};

/// Runs the migrations the file has not had, in one transaction.
pub(super) fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    let version = user_version(conn).map_err(fail(path, "reading the schema version"))?;
    if version == MIGRATIONS.len() {
        return Ok(());
    }
    check_version(path, version)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail(path, "upgrading the schema"))?;
    // Another process may have migrated while we waited for the lock.
    let version = user_version(&tx).map_err(fail(path, "reading the schema version"))?;
    check_version(path, version)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let doing = format!("upgrading the schema to version {}", index + 1);
        // Version 2's folded copy and trigram index are dropped by version 7, which
        // queues every entry for the word index: nothing to fill in between.
        tx.execute_batch(sql).map_err(fail(path, &doing))?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(index + 1).unwrap_or(i64::MAX),
        )
        .map_err(fail(path, &doing))?;
    }
    tx.commit().map_err(fail(path, "upgrading the schema"))
}

/// Schema migrations; entry `n` upgrades `user_version` `n` to `n + 1`.
///
/// `entries` keeps SQLite's implicit rowid as the insertion order that breaks ties of
/// `sort_time`; `VACUUM` may renumber an implicit rowid, so the cache is never vacuumed.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // of rows the index has yet to take in, next poll times.
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
    // 6: the processes sharing one cache. `changes` logs every entry written (kind 1
    // new, 2 edited, 0 read or removed mark changed), so a reader sees what another
    // process stored without reloading; `polling_until`/`polling_by` say which process
    // is fetching a source now (a lease it renews while the fetch runs), `failures` the
    // source's failed polls in a row, so whichever process polls next backs off alike.
    // `application_id` marks the file as a liveblog cache.
    "CREATE TABLE changes (
        seq   INTEGER PRIMARY KEY AUTOINCREMENT,
        entry INTEGER NOT NULL,
        kind  INTEGER NOT NULL
    );
    CREATE TRIGGER changes_insert AFTER INSERT ON entries BEGIN
        INSERT INTO changes (entry, kind) VALUES (new.rowid, 1);
    END;
    CREATE TRIGGER changes_edit
        AFTER UPDATE OF published, updated, title, author, url, text, flags ON entries BEGIN
        INSERT INTO changes (entry, kind) VALUES (new.rowid, 2);
    END;
    CREATE TRIGGER changes_mark AFTER UPDATE OF read, removed ON entries BEGIN
        INSERT INTO changes (entry, kind) VALUES (new.rowid, 0);
    END;
    ALTER TABLE sources ADD COLUMN polling_until INTEGER;
    ALTER TABLE sources ADD COLUMN polling_by TEXT;
    ALTER TABLE sources ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    PRAGMA application_id = 1279413319;",
    // 7: a smaller cache (issue 17). The folded copy of each entry goes (the SQL path
    // folds the rows it tests, `Query::to_sql`), and with it the trigram index, which
    // would have been the largest part of the file: a word index replaces it,
    // contentless (it keeps no copy of the text, and forgets a row by its id alone),
    // filled like the old one: a write only queues the row's id in `fts_pending`
    // (tokenizing bodies would be most of a poll's cost); the index takes the queue in
    // later (`Store::catch_up_index`: when a reader is idle, and always before a
    // search), and a search tests the queued rows one by one. The raw HTML is kept only
    // where it has an anchor: all that is read from it is its links (`parse::links`,
    // which looks no further than this same test, `records::keeps_html`).
    "DROP TRIGGER IF EXISTS entries_fts_insert;
    DROP TRIGGER IF EXISTS entries_fts_delete;
    DROP TRIGGER IF EXISTS entries_fts_update;
    DROP TABLE entries_fts;
    DROP TABLE fts_pending;
    ALTER TABLE entries DROP COLUMN folded;
    UPDATE entries SET html = NULL
        WHERE html IS NOT NULL AND instr(html, '<a') = 0 AND instr(html, '<A') = 0;
    CREATE VIRTUAL TABLE entries_fts USING fts5(
        words, content = '', contentless_delete = 1, detail = 'none',
        tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* M* S* P* C*'\"
    );
    CREATE TABLE fts_pending (rowid INTEGER PRIMARY KEY);
    INSERT INTO fts_pending (rowid) SELECT rowid FROM entries;
    CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
        INSERT OR IGNORE INTO fts_pending (rowid) VALUES (new.rowid);
    END;
    CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
        INSERT OR IGNORE INTO fts_pending (rowid) VALUES (old.rowid);
    END;
    CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, author, text ON entries BEGIN
        INSERT OR IGNORE INTO fts_pending (rowid) VALUES (old.rowid);
    END;",
];

/// `PRAGMA application_id` of a liveblog cache ("LBLG"), set by migration 6. A file
/// without it is taken for a liveblog cache only if it has the tables an older
/// liveblog made.
pub(super) const APPLICATION_ID: i64 = 0x4C42_4C47;

/// Refuses, before anything is written, a file that is not a liveblog cache: a database
/// of another program stays exactly as it was.
pub(super) fn check_ours(conn: &Connection, path: &str) -> Result<(), StoreError> {
    // One snapshot: another process may be creating the schema meanwhile.
    let snapshot = conn
        .unchecked_transaction()
        .map_err(fail(path, "opening"))?;
    let conn: &Connection = &snapshot;
    // The first read of the file: one that is not SQLite fails here.
    let application_id: i64 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(fail(path, "opening"))?;
    if application_id == APPLICATION_ID {
        let version = user_version(conn).map_err(fail(path, "reading the schema version"))?;
        return check_version(path, version);
    }
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(fail(path, "opening"))?;
    let version = user_version(conn).map_err(fail(path, "reading the schema version"))?;
    // A newer liveblog's cache is refused before the journal mode is touched.
    check_version(path, version)?;
    let has = |name: &str| tables.iter().any(|table| table == name);
    let empty = tables.is_empty() && version == 0;
    let older_liveblog = version >= 1 && has("entries") && has("sources");
    if application_id == 0 && (empty || older_liveblog) {
        return Ok(());
    }
    let what = if application_id != 0 {
        format!("application id {application_id:#x}")
    } else {
        let mut shown: Vec<&str> = tables.iter().map(String::as_str).take(4).collect();
        if tables.len() > 4 {
            shown.push("…");
        }
        format!("tables {}", shown.join(", "))
    };
    Err(StoreError {
        path: path.to_string(),
        message: format!(
            "not a liveblog cache but another program's SQLite database ({what}); \
             liveblog left it untouched: pass --cache with another file"
        ),
    })
}

/// The schema version of the open file.
pub(super) fn user_version(conn: &Connection) -> rusqlite::Result<usize> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    // A negative version is no version this program wrote; treat it as too new.
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

/// Refuses a schema newer than this build knows.
pub(super) fn check_version(path: &str, version: usize) -> Result<(), StoreError> {
    if version > MIGRATIONS.len() {
        return Err(StoreError {
            path: path.to_string(),
            message: format!(
                "made by a newer liveblog (schema version {version}, this one knows {}); \
                 liveblog left it untouched: upgrade liveblog, or pass --cache with another file",
                MIGRATIONS.len()
            ),
        });
    }
    Ok(())
}
