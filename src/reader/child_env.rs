//! The environment of the commands the reader starts (the alert command, the browser):
//! the one the user gave the reader. `cli::arena` restarts the reader with one malloc
//! arena asked for in `GLIBC_TUNABLES`, a bound for the reader alone; it leaves a note
//! of what was there ([`BEFORE`]), and [`as_before`] gives a command that back.

use std::ffi::{OsStr, OsString};
use std::process::Command;

/// Set on the restart: `GLIBC_TUNABLES` as it was before, after a `=` (empty when it
/// was not set).
pub(crate) const BEFORE: &str = "LIVEBLOG_GLIBC_TUNABLES_BEFORE";

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
pub(crate) fn note(current: Option<&OsStr>) -> OsString {
    match current {
        Some(value) => {
            let mut note = OsString::from("=");
            note.push(value);
            note
        }
        None => OsString::new(),
    }
}

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
}
