//! The terminal hangs up under the reader (an SSH link drops): the real binary runs on
//! a pseudo-terminal of its own, as its controlling terminal, and the test closes the
//! master side, as sshd does. The reader must end cleanly: exit 0 (not an abort from a
//! panic while restoring the dead terminal), nothing printed, and what it had queued
//! for the cache (here `m`, mark all read) and the session marker stored.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

/// A pseudo-terminal: the master side, and the path of the slave side.
struct Pty {
    master: File,
    slave: std::path::PathBuf,
    /// Everything the program wrote so far.
    output: Vec<u8>,
}

impl Pty {
    fn open(width: u16, height: u16) -> Pty {
        let master: OwnedFd =
            openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).expect("openpt");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let slave = std::path::PathBuf::from(name.to_str().expect("utf-8 pts name"));
        rustix::termios::tcsetwinsize(
            &master,
            rustix::termios::Winsize {
                ws_row: height,
                ws_col: width,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .expect("window size");
        Pty {
            master: File::from(master),
            slave,
            output: Vec::new(),
        }
    }

    fn slave(&self) -> Stdio {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.slave)
            .expect("open the pty's slave");
        Stdio::from(file)
    }

    /// Reads what the program writes for `time` (it must be read, or the program
    /// blocks once the pty's buffer is full).
    fn drain(&mut self, time: Duration) {
        let until = Instant::now() + time;
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            let timeout = Timespec {
                tv_sec: 0,
                tv_nsec: left.subsec_nanos().clamp(1_000_000, 100_000_000).into(),
            };
            let mut fds = [PollFd::new(&self.master, PollFlags::IN)];
            if poll(&mut fds, Some(&timeout)).unwrap_or(0) == 0 {
                continue;
            }
            let mut buffer = [0u8; 65536];
            match self.master.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(read) => self.output.extend_from_slice(&buffer[..read]),
            }
        }
    }
}

fn setsid_available() -> bool {
    let found = Command::new("setsid")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "setsid (util-linux) is missing (CI=true)"
        );
        eprintln!("note: setsid not installed; skipping");
    }
    found
}

/// One number from the cache (0 while it cannot be read yet).
fn count(cache: &Path, sql: &str) -> i64 {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(cache, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row(sql, [], |row| row.get(0)).unwrap_or(0)
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the reader did not exit within {limit:?} of the hang-up");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Where the reader's stderr goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stderr {
    /// The same terminal (as over SSH): a failed `eprintln!` there panics.
    Terminal,
    /// A file, so the test can read what was printed.
    File,
}

fn hang_up_after_mark_all_read(stderr: Stderr) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache.db");
    let stderr_file = dir.path().join("stderr.txt");
    let mut pty = Pty::open(100, 30);
    let mut child = {
        let mut command = Command::new("setsid");
        // -c: the pty (stdin) becomes the controlling terminal of a new session, so
        // closing the master sends the reader SIGHUP, as a dropped SSH link does.
        command
            .arg("-c")
            .arg(assert_cmd::cargo::cargo_bin("liveblog"))
            .arg("--demo")
            .arg("--cache")
            .arg(&cache)
            .env("TERM", "xterm-256color")
            .env("XDG_STATE_HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .stdin(pty.slave())
            .stdout(pty.slave())
            .stderr(match stderr {
                Stderr::Terminal => pty.slave(),
                Stderr::File => Stdio::from(File::create(&stderr_file).expect("stderr file")),
            });
        command.spawn().expect("spawn the reader")
        // The command, and with it the test's copies of the slave, is dropped here:
        // only the reader holds the terminal.
    };

    // The demo's four sources polled and stored, and drawn.
    let started = Instant::now();
    while count(
        &cache,
        "SELECT count(*) FROM sources WHERE last_success IS NOT NULL",
    ) < 4
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the demo's sources were never polled:\n{}",
            String::from_utf8_lossy(&pty.output)
        );
        pty.drain(Duration::from_millis(100));
    }
    pty.drain(Duration::from_millis(500));
    let stored = count(&cache, "SELECT count(*) FROM entries");
    assert!(stored > 0, "nothing stored");
    assert!(
        String::from_utf8_lossy(&pty.output).contains("entries"),
        "no first frame"
    );

    // Mark everything read, and hang up at once: the write is still queued.
    pty.master.write_all(b"m").expect("press m");
    pty.drain(Duration::from_millis(50));
    drop(pty);

    let status = wait_for_exit(&mut child, Duration::from_secs(30));
    let printed = std::fs::read_to_string(&stderr_file).unwrap_or_default();
    assert_eq!(
        status.code(),
        Some(0),
        "stderr on the {stderr:?}: the reader did not exit 0 after the hang-up ({status}); \
         stderr: {printed}"
    );
    assert!(
        !printed.contains("panicked") && printed.trim().is_empty(),
        "nothing is printed on a hang-up: {printed}"
    );
    assert!(
        count(&cache, "SELECT count(*) FROM entries WHERE read = 1") >= stored,
        "stderr on the {stderr:?}: the queued marks were lost"
    );
    assert_eq!(
        count(
            &cache,
            "SELECT count(*) FROM meta WHERE key = 'last_session'"
        ),
        1,
        "stderr on the {stderr:?}: the session marker was lost"
    );
}

#[test]
fn hang_up_with_stderr_on_the_terminal_exits_0_and_keeps_the_writes() {
    if !setsid_available() {
        return;
    }
    hang_up_after_mark_all_read(Stderr::Terminal);
}

#[test]
fn hang_up_prints_nothing_and_keeps_the_writes() {
    if !setsid_available() {
        return;
    }
    hang_up_after_mark_all_read(Stderr::File);
}
