//! One allocator arena for the reader (issue 17). glibc gives each thread that allocates
//! an arena of its own and keeps what a thread freed in that thread's arena: the cache
//! worker's reads, a poll's parse on a blocking thread, each stays resident after the
//! UI took what it made. With one arena the reader holding 50,000 entries measured
//! 58.7 MB instead of 63.5, and its first poll of five 28 MB feeds 181 MB instead of
//! about 290. Setting that from inside would take `mallopt`, which is unsafe code, and
//! glibc reads `GLIBC_TUNABLES` only as a program starts: so the reader starts itself
//! again with the bound added (the same process, arguments and terminal), once.
//!
//! The bound is the reader's own: the commands it starts (the alert command, the
//! browser) get `GLIBC_TUNABLES` as the user had it ([`as_before`]).

use std::ffi::{OsStr, OsString};
use std::process::Command;

/// glibc's tunable bounding the number of malloc arenas.
const ARENA_MAX: &str = "glibc.malloc.arena_max";

/// Set on the restart: `GLIBC_TUNABLES` as it was before, after a `=` (empty when it
/// was not set).
const BEFORE: &str = "LIVEBLOG_GLIBC_TUNABLES_BEFORE";

/// Gives `command` the environment this program started with before its restart
/// (`GLIBC_TUNABLES` as the user had it, the restart's note removed). Nothing changes
/// when the program was not restarted.
pub fn as_before(command: &mut Command) -> &mut Command {
    restore(command, std::env::var_os(BEFORE).as_deref())
}

/// [`as_before`], given the restart's note `before` (`None`: no restart).
fn restore<'c>(command: &'c mut Command, before: Option<&OsStr>) -> &'c mut Command {
    let Some(before) = before else {
        return command;
    };
    command.env_remove(BEFORE);
    match before.to_string_lossy().strip_prefix('=') {
        Some(value) => command.env("GLIBC_TUNABLES", value),
        None => command.env_remove("GLIBC_TUNABLES"),
    }
}

/// The restart's note for `GLIBC_TUNABLES` being `current` (see [`BEFORE`]).
fn note(current: Option<&OsStr>) -> OsString {
    match current {
        Some(value) => {
            let mut note = OsString::from("=");
            note.push(value);
            note
        }
        None => OsString::new(),
    }
}

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

    /// What `command`'s environment says of `name`: unchanged (`None`), removed
    /// (`Some(None)`) or set.
    fn env_of(command: &Command, name: &str) -> Option<Option<String>> {
        command
            .get_envs()
            .find(|(key, _)| *key == OsStr::new(name))
            .map(|(_, value)| value.map(|value| value.to_string_lossy().into_owned()))
    }

    #[test]
    fn commands_the_reader_starts_get_the_tunables_the_user_had() {
        for (before, expected) in [
            (None, None),
            (Some(""), Some(None)),
            (Some("="), Some(Some(String::new()))),
            (
                Some("=glibc.malloc.tcache_count=0"),
                Some(Some("glibc.malloc.tcache_count=0".to_string())),
            ),
        ] {
            let mut command = Command::new("true");
            restore(&mut command, before.map(OsStr::new));
            assert_eq!(env_of(&command, "GLIBC_TUNABLES"), expected, "{before:?}");
            let note_removed = before.map(|_| None);
            assert_eq!(env_of(&command, BEFORE), note_removed, "{before:?}");
        }
        // The note the restart leaves reads back as what was there.
        for current in [None, Some(""), Some("glibc.malloc.tcache_count=0")] {
            let mut command = Command::new("true");
            restore(&mut command, Some(&note(current.map(OsStr::new))));
            let expected = current.map(str::to_string);
            assert_eq!(
                env_of(&command, "GLIBC_TUNABLES").flatten(),
                expected,
                "{current:?}"
            );
        }
    }

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
