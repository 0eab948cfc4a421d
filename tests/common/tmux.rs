//! The real binary in a tmux server of its own, for the tests that drive it as a user
//! would (`#[path]`-included by those tests; each uses only some of it).
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// A tmux server of its own (named after this test process and `name`) running
    /// `command` in a detached session `t` of `width` x `height`.
    pub fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("liveblog-test-{}-{name}", std::process::id()),
        };
        let (width, height) = (width.to_string(), height.to_string());
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &width,
            "-y",
            &height,
            command,
        ]);
        tmux
    }

    pub fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "t", key]);
            // Esc followed at once by a key would read as Alt+key.
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    pub fn wait_for(&self, what: &str, needle: &str) -> String {
        self.wait_for_all(what, &[needle])
    }

    /// The screen once it shows every one of `needles` at once (what arrives at its
    /// own pace: sources polled one by one, the status line written after the rows).
    pub fn wait_for_all(&self, what: &str, needles: &[&str]) -> String {
        self.wait_until_all(needles, Duration::from_secs(20))
            .unwrap_or_else(|screen| panic!("{what}: not all of {needles:?} on screen:\n{screen}"))
    }

    /// The screen once it shows `needle`, or the last screen seen after `limit`.
    pub fn wait_until(&self, needle: &str, limit: Duration) -> Result<String, String> {
        self.wait_until_all(&[needle], limit)
    }

    /// The screen once it shows every one of `needles`, or the last screen seen after
    /// `limit`.
    pub fn wait_until_all(&self, needles: &[&str], limit: Duration) -> Result<String, String> {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if needles.iter().all(|needle| screen.contains(needle)) {
                return Ok(screen);
            }
            if started.elapsed() > limit {
                return Err(screen);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

pub fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is missing (CI=true): .ci/run installs it"
        );
        eprintln!("note: tmux not installed; skipping");
    }
    found
}
