//! `liveblog cache path|check|reset`: where the cache is, whether it is sound, and
//! setting a broken one aside (only ever when the user asks).

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::failure::Failure;
use crate::store::health::{check, set_aside};

/// What to do with the cache (`--cache`, else the config's `cache`, else the default).
#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Print the cache file's path.
    Path,
    /// Check the cache without changing it.
    ///
    /// A liveblog cache this version can use, sound page by page (`PRAGMA
    /// quick_check`); exit 1 saying what to do when it is not.
    Check,
    /// Set a broken cache aside; the next command starts a fresh one.
    ///
    /// Renames it to FILE.broken-TIME, with its -wal and -shm files: kept, never
    /// deleted. For a cache that is corrupt or not a cache at all; stop the readers and
    /// tails using it first.
    Reset,
}

/// Runs a cache action on the cache at `cache`.
pub fn run(action: CacheAction, cache: &Path) -> Result<ExitCode, Failure> {
    let mut out = io::stdout().lock();
    let shown = cache.display();
    match action {
        CacheAction::Path => writeln!(out, "{shown}")?,
        CacheAction::Check => match check(cache)? {
            None => writeln!(out, "no cache at {shown} yet: one is made on first use")?,
            Some(health) => writeln!(
                out,
                "{shown}: ok ({} entries from {} sources, schema version {})",
                health.entries, health.sources, health.schema_version
            )?,
        },
        CacheAction::Reset => match set_aside(cache)? {
            None => writeln!(out, "no cache at {shown}: nothing to set aside")?,
            Some((aside, journal)) => writeln!(
                out,
                "set {shown} aside as {}{} (kept); the next command starts a fresh cache",
                aside.display(),
                if journal {
                    " with its -wal and -shm"
                } else {
                    ""
                }
            )?,
        },
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
