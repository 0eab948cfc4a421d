//! A cache file's health, seen from outside a running liveblog: whether it is a sound
//! liveblog cache ([`check`]), and setting a broken one aside when the user asks
//! ([`set_aside`], `liveblog cache reset`). Nothing here runs unless asked.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags};

use super::error::{StoreError, describe};
use super::schema::{MIGRATIONS, check_ours, user_version};

/// What [`check`] found in a sound cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Its schema version (this liveblog's, or older: upgraded on next use).
    pub schema_version: usize,
    /// Entries cached.
    pub entries: u64,
    /// Sources it knows.
    pub sources: u64,
}

/// Reads the cache at `path` without writing anything: that it is SQLite, a liveblog
/// cache this version can use, and sound page by page (`PRAGMA quick_check`). `None`
/// when there is no file yet. A broken cache is an error that says what to do.
pub fn check(path: &Path) -> Result<Option<Health>, StoreError> {
    if !path.exists() {
        return Ok(None);
    }
    let name = path.display().to_string();
    let failed = |error: rusqlite::Error| StoreError {
        path: name.clone(),
        message: describe(&error),
    };
    super::cache::refuse_if_not_sqlite(path, &name)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(&failed)?;
    conn.busy_timeout(super::cache::BUSY_TIMEOUT)
        .map_err(&failed)?;
    check_ours(&conn, &name)?;
    let schema_version = user_version(&conn).map_err(&failed)?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check(1)")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(&failed)?;
    if problems.iter().any(|problem| problem != "ok") {
        return Err(StoreError {
            path: name.clone(),
            message: format!(
                "corrupt ({}): {}",
                super::error::one_line(&problems.join("; ")),
                super::error::RESET_HINT
            ),
        });
    }
    let count = |table: &str| -> Result<u64, StoreError> {
        if schema_version == 0 {
            return Ok(0);
        }
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
            row.get::<_, i64>(0)
        })
        .map(|count| u64::try_from(count).unwrap_or(0))
        .map_err(&failed)
    };
    Ok(Some(Health {
        schema_version: schema_version.min(MIGRATIONS.len()),
        entries: count("entries")?,
        sources: count("sources")?,
    }))
}

/// Renames the cache at `path`, with its `-wal` and `-shm` files, to
/// `<file>.broken-<UTC time>` (with `-wal`, `-shm`: SQLite still opens it whole), so
/// that the next use makes a fresh cache. Returns the new name and whether a `-wal` or
/// `-shm` file went with it; `None` when there was no cache. Nothing is deleted.
pub fn set_aside(path: &Path) -> Result<Option<(PathBuf, bool)>, StoreError> {
    if !path.exists() {
        return Ok(None);
    }
    let name = path.display().to_string();
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let with_suffix = |path: &Path, suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    // Two resets within a second get a number, never each other's name.
    let aside = (1..)
        .map(|n| match n {
            1 => with_suffix(path, &format!(".broken-{stamp}")),
            n => with_suffix(path, &format!(".broken-{stamp}-{n}")),
        })
        .find(|aside| !aside.exists() && !with_suffix(aside, "-wal").exists())
        .unwrap_or_else(|| with_suffix(path, ".broken"));
    std::fs::rename(path, &aside).map_err(|err| StoreError {
        path: name.clone(),
        message: format!("cannot set it aside as {}: {err}", aside.display()),
    })?;
    let mut journal = false;
    for suffix in ["-wal", "-shm"] {
        let beside = with_suffix(path, suffix);
        if beside.exists() {
            journal = true;
            std::fs::rename(&beside, with_suffix(&aside, suffix)).map_err(|err| StoreError {
                path: name.clone(),
                message: format!(
                    "set aside as {}, but cannot move {} beside it: {err}",
                    aside.display(),
                    beside.display()
                ),
            })?;
        }
    }
    Ok(Some((aside, journal)))
}
