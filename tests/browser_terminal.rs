//! `o` hands the terminal to `$BROWSER` as a text browser needs it: the normal screen,
//! mouse reporting off (else clicks reach the browser as escape codes), cooked mode;
//! and takes it back afterwards. The browser here is a script that records the
//! terminal's mode and what it reads, while tmux tells the screen's modes.

use std::time::Duration;

#[path = "common/tmux.rs"]
mod session;

use session::{Tmux, tmux_available};

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

#[test]
fn open_hands_the_browser_a_plain_terminal_and_takes_it_back() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nstty -a > {dir}/stty.txt\necho BROWSER-RUNNING\nread line\n\
             printf '%s' \"$line\" > {dir}/read.txt\n",
            dir = dir.path().display()
        ),
    )
    .expect("script");
    let status = std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .expect("chmod");
    assert!(status.success());
    let binary = assert_cmd::cargo::cargo_bin("liveblog");
    // Mouse reporting is on by default.
    let command = format!(
        "env BROWSER={} XDG_STATE_HOME={} {} --demo; echo READER-EXITED-$?; sleep 60",
        script.display(),
        dir.path().display(),
        binary.display()
    );
    let tmux = Tmux::start("browser", 100, 30, &command);
    tmux.wait_for("the reader", "Hurricane Mirei");
    assert_eq!(modes(&tmux), "1 1", "the reader's modes");

    tmux.keys(&["o"]);
    tmux.wait_for("the browser", "BROWSER-RUNNING");
    assert_eq!(
        modes(&tmux),
        "0 0",
        "while the browser runs: the normal screen, mouse reporting off"
    );
    let stty = std::fs::read_to_string(dir.path().join("stty.txt")).expect("stty -a");
    assert!(
        stty.contains(" icanon") && stty.contains(" echo "),
        "the browser gets a cooked terminal: {stty}"
    );
    tmux.run(&["send-keys", "-t", "t", "typed", "Enter"]);

    let screen = tmux.wait_for("the reader again", "opened with");
    assert!(screen.contains("Hurricane Mirei"), "{screen}");
    assert_eq!(modes(&tmux), "1 1", "the reader's modes again");
    let read = std::fs::read_to_string(dir.path().join("read.txt")).expect("read");
    assert_eq!(read, "typed", "the browser read only what was typed");

    std::thread::sleep(Duration::from_millis(200));
    tmux.keys(&["q"]);
    tmux.wait_for("exit", "READER-EXITED-0");
}

/// `ctrl-z` while the browser has the terminal stops the browser and the reader with
/// it (the shell shows the job stopped, instead of the reader waiting for a browser
/// that never ends); `fg` continues both, and the reader comes back without
/// suspending itself again.
#[test]
fn ctrl_z_in_the_browser_stops_the_job_and_fg_continues_it() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho BROWSER-RUNNING\nread line\necho BROWSER-READ-$line\nsleep 0.3\n",
    )
    .expect("script");
    let status = std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .expect("chmod");
    assert!(status.success());
    let shell = format!(
        "env BROWSER={} XDG_STATE_HOME={} PS1='SHELL-PROMPT$ ' bash --norc --noprofile -i",
        script.display(),
        dir.path().display()
    );
    let tmux = Tmux::start("browser-stop", 100, 30, &shell);
    tmux.wait_for("the shell", "SHELL-PROMPT$");
    let binary = assert_cmd::cargo::cargo_bin("liveblog");
    tmux.run(&[
        "send-keys",
        "-t",
        "t",
        &format!("clear; {} --demo", binary.display()),
        "Enter",
    ]);
    tmux.wait_for("the reader", "Hurricane Mirei");
    tmux.keys(&["o"]);
    tmux.wait_for("the browser", "BROWSER-RUNNING");
    tmux.keys(&["C-z"]);
    tmux.wait_for("the job stopped", "Stopped");
    tmux.run(&["send-keys", "-t", "t", "fg", "Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    tmux.run(&["send-keys", "-t", "t", "typed", "Enter"]);
    let screen = tmux.wait_for("the reader again", "opened with");
    assert!(screen.contains("Hurricane Mirei"), "{screen}");
    // Not suspended again by the ctrl-z meant for the browser.
    std::thread::sleep(Duration::from_millis(1500));
    let screen = tmux.screen();
    assert!(
        screen.contains("Hurricane Mirei") && modes(&tmux) == "1 1",
        "the reader stays:\n{screen}"
    );
    tmux.keys(&["q"]);
    tmux.run(&["send-keys", "-t", "t", "echo READER-EXITED-$?", "Enter"]);
    tmux.wait_for("exit", "READER-EXITED-0");
}
