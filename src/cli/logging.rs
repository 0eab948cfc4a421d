//! Logging with `tracing` to a file, never to the terminal the TUI draws on.
//!
//! The file is `liveblog.log` in the platform state dir (`~/.local/state/liveblog` on
//! Linux), else the data dir. The level comes from `--log-level`, else `RUST_LOG`, else
//! `info`. A log that cannot be opened never stops the reader.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Where the log is written.
pub fn log_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "liveblog")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join("liveblog.log"))
}

/// Starts logging to [`log_path`] at `level` (a `RUST_LOG`-style filter such as `debug`
/// or `liveblog=trace`). Returns the file it logs to, or `None` when it cannot.
pub fn init(level: Option<&str>) -> Option<PathBuf> {
    let path = log_path()?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).ok()?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = match level {
        Some(level) => EnvFilter::try_new(level).ok()?,
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
