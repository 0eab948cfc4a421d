//! One allocator arena for the reader (issue 17). glibc gives each thread that allocates
//! an arena of its own and keeps what a thread freed in that thread's arena: the cache
//! worker's reads, a poll's parse on a blocking thread, each stays resident after the
//! UI took what it made. With one arena the reader holding 50,000 entries measured
//! 58.7 MB instead of 63.5, and its first poll of five 28 MB feeds 181 MB instead of
//! about 290. Setting that from inside would take `mallopt`, which is unsafe code, and
//! glibc reads `GLIBC_TUNABLES` only as a program starts: so the reader starts itself
//! again with the bound added (the same process, arguments and terminal), once.
//!
//! The bound is the reader's own: the restart leaves a note of `GLIBC_TUNABLES` as it
//! was, and the commands the reader starts (the alert command, the browser) get that
//! back (`reader::child_env`).

use std::ffi::{OsStr, OsString};

use crate::reader::child_env::{BEFORE, note};

/// glibc's tunable bounding the number of malloc arenas.
const ARENA_MAX: &str = "glibc.malloc.arena_max";

/// `GLIBC_TUNABLES` as `current` with one arena asked for, or `None` when `current`
/// already bounds the arenas (the user's choice, or this program's own restart).
pub fn tunables_with_one_arena(current: Option<&OsStr>) -> Option<OsString> {
    let bound = format!("{ARENA_MAX}=1");
    match current.map(OsStr::to_string_lossy) {
        None => Some(bound.into()),
        Some(current) if current.trim().is_empty() => Some(bound.into()),
        Some(current)
            if current
                .split(':')
                .any(|setting| setting.split('=').next() == Some(ARENA_MAX)) =>
        {
            None
        }
        Some(current) => Some(format!("{current}:{bound}").into()),
    }
}

/// Starts this program again with one allocator arena when glibc is the allocator and
/// the arenas are not bounded yet. Returns only when it did not (then the reader runs
/// as it is, with glibc's default arenas).
pub fn restart_with_one_arena() {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    let current = std::env::var_os("GLIBC_TUNABLES");
    let Some(tunables) = tunables_with_one_arena(current.as_deref()) else {
        return;
    };
    let Ok(program) = std::env::current_exe() else {
        return;
    };
    restart(&program, tunables, note(current.as_deref()));
}

#[cfg(unix)]
fn restart(program: &std::path::Path, tunables: OsString, before: OsString) {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(program);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    // `exec` returns only on failure (the binary replaced since it started, say); the
    // reader then runs on as it is. Nothing is logged: logging starts after this.
    let _failed = command
        .args(args)
        .env("GLIBC_TUNABLES", tunables)
        .env(BEFORE, before)
        .exec();
}

#[cfg(not(unix))]
fn restart(_program: &std::path::Path, _tunables: OsString, _before: OsString) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_arena_is_added_to_what_is_there_unless_the_arenas_are_bounded() {
        let with = |current: Option<&str>| {
            tunables_with_one_arena(current.map(OsStr::new))
                .map(|tunables| tunables.to_string_lossy().into_owned())
        };
        assert_eq!(with(None).as_deref(), Some("glibc.malloc.arena_max=1"));
        assert_eq!(with(Some("")).as_deref(), Some("glibc.malloc.arena_max=1"));
        assert_eq!(
            with(Some("glibc.malloc.tcache_count=0")).as_deref(),
            Some("glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1")
        );
        // The user's own bound, or this program's restart: no restart again.
        assert_eq!(with(Some("glibc.malloc.arena_max=4")), None);
        assert_eq!(
            with(Some("glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1")),
            None
        );
        // A longer name that only starts like it is not the bound.
        assert_eq!(
            with(Some("glibc.malloc.arena_max_x=2")).as_deref(),
            Some("glibc.malloc.arena_max_x=2:glibc.malloc.arena_max=1")
        );
    }
}
