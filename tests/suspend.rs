//! Job control, as a user meets it: the reader started from a shell in tmux is stopped
//! (`ctrl-z`, or SIGTSTP from outside), the shell's prompt is back on the normal screen
//! with mouse reporting off and the terminal cooked; `fg` brings the reader back drawn
//! whole, and its keys work.

use std::process::Command;
use std::time::Duration;

#[path = "common/tmux.rs"]
mod session;

use session::{Tmux, tmux_available};

/// How the reader is stopped.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// The user presses ctrl-z.
    Key,
    /// `kill -TSTP` from another terminal.
    Signal,
}

/// Whether tmux shows the alternate screen and has mouse reporting on: `"1 1"`.
fn modes(tmux: &Tmux) -> String {
    tmux.run(&[
        "display-message",
        "-p",
        "-t",
        "t",
        "#{alternate_on} #{mouse_any_flag}",
    ])
    .trim()
    .to_string()
}

/// The reader's process id: the shell's child.
fn reader_pid(tmux: &Tmux) -> String {
    let shell = tmux.run(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
    let output = Command::new("pgrep")
        .args(["-P", shell.trim(), "-x", "liveblog"])
        .output()
        .expect("pgrep");
    let pid = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no reader under the shell {shell}");
    pid
}

/// The screen once every row shows something (the list is longer than the screen),
/// not just the cells that changed since the reader was stopped; a failure after
/// a generous 20 s.
fn wait_for_whole_screen(tmux: &Tmux) -> String {
    let started = std::time::Instant::now();
    loop {
        let screen = tmux.screen();
        let drawn = screen
            .lines()
            .filter(|line| !line.trim().is_empty())
            .count();
        if drawn >= 30 && screen.contains(" entries") {
            return screen;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "after fg, the screen is not drawn whole ({drawn} rows):\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn suspend_and_resume(stop: Stop) {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = assert_cmd::cargo::cargo_bin("liveblog");
    let shell = format!(
        "env XDG_STATE_HOME={} PS1='SHELL-PROMPT$ ' bash --norc --noprofile -i",
        dir.path().display()
    );
    let tmux = Tmux::start(&format!("{stop:?}"), 100, 30, &shell);
    tmux.wait_for("the shell", "SHELL-PROMPT$");
    tmux.run(&[
        "send-keys",
        "-t",
        "t",
        &format!("clear; {} --demo", binary.display()),
        "Enter",
    ]);
    tmux.wait_for("the reader", "Hurricane Mirei");
    assert_eq!(modes(&tmux), "1 1", "the reader's modes");

    match stop {
        Stop::Key => tmux.keys(&["C-z"]),
        Stop::Signal => {
            let pid = reader_pid(&tmux);
            let killed = Command::new("kill")
                .args(["-TSTP", &pid])
                .status()
                .expect("kill");
            assert!(killed.success());
        }
    }
    tmux.wait_for("stopped", "Stopped");
    // The shell prints its prompt just after "Stopped": under load, a moment later.
    let screen = tmux.wait_for("the shell's prompt", "SHELL-PROMPT$");
    assert!(
        screen.contains("SHELL-PROMPT$") && !screen.contains("Hurricane Mirei"),
        "{stop:?}: the shell's screen, not the reader's:\n{screen}"
    );
    assert_eq!(
        modes(&tmux),
        "0 0",
        "{stop:?}: the normal screen, mouse reporting off"
    );
    // The shell's own line editing works on a cooked terminal: echo is on.
    tmux.run(&[
        "send-keys",
        "-t",
        "t",
        "clear; stty -a | grep -o ' echo ' | sed s/echo/ECHO-IS-ON/",
        "Enter",
    ]);
    tmux.wait_for("cooked", "ECHO-IS-ON");

    tmux.run(&["send-keys", "-t", "t", "fg", "Enter"]);
    let screen = wait_for_whole_screen(&tmux);
    assert!(
        screen.contains("Hurricane Mirei") && !screen.contains("ECHO-IS-ON"),
        "{stop:?}: the reader's screen drawn again:\n{screen}"
    );
    assert_eq!(modes(&tmux), "1 1", "{stop:?}: the reader's modes again");
    // Its keys work: raw mode is back (a cooked terminal would wait for Enter).
    tmux.keys(&["?"]);
    tmux.wait_for("help after resume", "Keys");
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["q"]);
    tmux.run(&["send-keys", "-t", "t", "echo READER-EXITED-$?", "Enter"]);
    tmux.wait_for("exit", "READER-EXITED-0");
}

#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    if !tmux_available() {
        return;
    }
    suspend_and_resume(Stop::Key);
}

#[test]
fn sigtstp_suspends_and_fg_redraws() {
    if !tmux_available() {
        return;
    }
    suspend_and_resume(Stop::Signal);
}
