//! The terminal's modes: raw mode, the alternate screen, bracketed paste and mouse
//! reporting, entered and left here only, in ways that never fail loudly and never
//! panic.
//!
//! Leaving must work on a terminal that is gone (an SSH link dropped): every write may
//! fail with `EIO` there, so every error is ignored, nothing is printed, and after a
//! hang-up stdout and stderr are pointed at `/dev/null` so that nothing written later
//! (a cursor shown on the way out, a message) can fail either. ratatui's own
//! `restore` and panic hook print with `eprintln!`, which panics when stderr is a dead
//! terminal, and a panic inside the panic hook aborts the process: that is why they are
//! not used.
//!
//! Job control is here too: [`suspend`] gives the terminal back and stops the process;
//! [`enter`] takes it again when the shell continues it.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Whether the terminal is in the reader's modes (so a panic knows to restore it).
static ENTERED: AtomicBool = AtomicBool::new(false);

/// Whether the reader turned mouse reporting on.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Whether the panic hook that restores the terminal is installed.
static HOOKED: AtomicBool = AtomicBool::new(false);

/// Takes the terminal: raw mode (afresh, even if a shell set it back to cooked while
/// the reader was stopped), the alternate screen, mouse reporting when `mouse`.
pub fn enter(mouse: bool) -> std::io::Result<()> {
    // Marked first: a setup that fails half way is still undone by `leave`.
    ENTERED.store(true, Ordering::SeqCst);
    MOUSE.store(mouse, Ordering::SeqCst);
    // crossterm skips enabling raw mode it believes is on: forget that first.
    let _ = disable_raw_mode();
    enable_raw_mode()?;
    let mut stdout = std::io::stdout();
    // Bracketed paste: pasted text arrives as text, not as keys that would run commands.
    crossterm::execute!(stdout, EnterAlternateScreen, EnableBracketedPaste)?;
    if mouse {
        crossterm::execute!(stdout, EnableMouseCapture)?;
    }
    Ok(())
}

/// Gives the terminal back: mouse reporting off, the main screen, the cursor shown,
/// cooked mode. Never fails and never panics (a dead terminal's errors are ignored);
/// does nothing when the terminal is not in the reader's modes.
pub fn leave() {
    if !ENTERED.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut stdout = std::io::stdout();
    if MOUSE.load(Ordering::SeqCst) {
        let _ = crossterm::queue!(stdout, DisableMouseCapture);
    }
    let _ = crossterm::queue!(
        stdout,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = stdout.flush();
    let _ = disable_raw_mode();
}

/// Gives the terminal back and stops the process, as `ctrl-z` stops a program in
/// cooked mode. Returns once the shell continues it (`fg`, SIGCONT); the caller then
/// takes the terminal again ([`enter`]) and redraws the whole screen.
pub fn suspend() -> std::io::Result<()> {
    leave();
    // SIGSTOP, not SIGTSTP: the reader catches SIGTSTP (to get here), so that one
    // would not stop it.
    rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::STOP)
        .map_err(std::io::Error::from)
}

/// How a program that was given the terminal ended.
pub struct Finished {
    /// It exited with status 0.
    pub success: bool,
    /// "exit status: 1", "signal: 9".
    pub status: String,
    /// It was stopped (`ctrl-z`) on the way, and the reader with it.
    pub was_stopped: bool,
}

/// Runs `command` in the foreground, the terminal handed over, and waits for it. If it
/// is stopped (`ctrl-z` stops the whole job, and the reader catches its own SIGTSTP),
/// the reader stops too, so the shell sees the job stopped; the shell's `fg` continues
/// both and the wait goes on.
pub fn run_in_foreground(command: &mut std::process::Command) -> std::io::Result<Finished> {
    use rustix::process::{Pid, Signal, WaitOptions, getpid, kill_process, waitpid};
    let child = command.spawn()?;
    let pid = Pid::from_child(&child);
    let mut was_stopped = false;
    loop {
        let status = match waitpid(Some(pid), WaitOptions::UNTRACED) {
            Ok(Some((_, status))) => status,
            Ok(None) | Err(rustix::io::Errno::INTR) => continue,
            Err(err) => return Err(err.into()),
        };
        if status.stopped() {
            was_stopped = true;
            kill_process(getpid(), Signal::STOP)?;
            continue;
        }
        let text = match (status.exit_status(), status.terminating_signal()) {
            (Some(code), _) => format!("exit status: {code}"),
            (None, Some(signal)) => format!("signal: {signal}"),
            (None, None) => "an unknown status".to_string(),
        };
        return Ok(Finished {
            success: status.exit_status() == Some(0),
            status: text,
            was_stopped,
        });
    }
}

/// Installs (once per process) a panic hook that gives the terminal back before the
/// previous hook prints the panic. It cannot panic itself: [`leave`] ignores every
/// error, and the standard hook ignores a failed write to stderr.
pub fn restore_on_panic() {
    if HOOKED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
}

/// After a hang-up: points stdout (and stderr, when `stderr_too`: it was the same
/// terminal) at `/dev/null`, so that whatever is still written on the way out goes
/// nowhere instead of failing. Errors are ignored: there is nobody left to tell.
pub fn detach(stderr_too: bool) {
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
        return;
    };
    let _ = std::io::stdout().flush();
    let _ = rustix::stdio::dup2_stdout(&null);
    if stderr_too {
        let _ = rustix::stdio::dup2_stderr(&null);
    }
}

/// Whether an error writing to the terminal means that it is gone (hung up, closed)
/// rather than that one write failed.
pub fn is_gone(err: &std::io::Error) -> bool {
    use rustix::io::Errno;
    err.kind() == std::io::ErrorKind::BrokenPipe
        || matches!(
            Errno::from_io_error(err),
            Some(Errno::IO | Errno::NXIO | Errno::PIPE | Errno::BADF | Errno::NOTTY)
        )
}

/// Gives the terminal back when dropped, however the reader's loop ends.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gone_terminals_by_their_errors() {
        assert!(is_gone(&std::io::Error::from_raw_os_error(5))); // EIO
        assert!(is_gone(&std::io::Error::from_raw_os_error(6))); // ENXIO
        assert!(is_gone(&std::io::Error::from(
            std::io::ErrorKind::BrokenPipe
        )));
        assert!(!is_gone(&std::io::Error::from(
            std::io::ErrorKind::Interrupted
        )));
    }
}
