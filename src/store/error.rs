//! [`StoreError`]: what went wrong, on which cache file, doing what.

use rusqlite::ErrorCode;

/// A cache error, with what was being done.
#[derive(Debug, thiserror::Error)]
#[error("cache {path}: {message}")]
pub struct StoreError {
    /// The cache file.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// Builds the error-mapping closure for one operation on the cache at `path`.
pub(super) fn fail<'a>(
    path: &'a str,
    doing: &'a str,
) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    move |error| StoreError {
        path: path.to_string(),
        message: format!("{doing}: {}", describe(&error)),
    }
}

/// What to do about a cache that is broken (or not a cache at all).
pub(super) const RESET_HINT: &str = "`liveblog cache reset` sets it aside (kept, renamed) \
     and starts a fresh cache, or pass --cache with another file";

/// One line saying what a SQLite error means for the user.
pub(super) fn describe(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => format!("not an SQLite database: {RESET_HINT}"),
        Some(ErrorCode::DatabaseCorrupt) => {
            format!("corrupt ({}): {RESET_HINT}", one_line(&error.to_string()))
        }
        // What was stored before stays: the transaction that did not fit rolls back.
        Some(ErrorCode::DiskFull) => "disk full: free space on the disk that holds the cache \
             (or pass --cache with a file on another disk), then try again; what was \
             stored before is kept"
            .to_string(),
        Some(ErrorCode::SystemIoFailure) => format!(
            "{} (is its disk full, failing or gone? what was stored before is kept)",
            one_line(&error.to_string())
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "locked by another process (gave up waiting)".to_string()
        }
        _ => one_line(&error.to_string()),
    }
}

/// Whether `error` means another connection holds a lock.
pub(super) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Joins the lines of `text` with spaces.
pub(super) fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
