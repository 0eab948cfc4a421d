//! The alert command (`[alerts] command`): run through `sh -c` with the entry as one
//! `--json` line on stdin, one at a time on a thread of its own, from a bounded queue.
//!
//! However many alerts arrive, at most [`QUEUED`] wait and one command runs: an alert
//! that finds the queue full is dropped, and a command that cannot start (no `sh`, a
//! process limit) is a notice for the status bar, never a panic. The UI thread only
//! hands the entry over.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

use crate::model::Entry;

/// Alerts waiting for the command at most; more are dropped.
pub const QUEUED: usize = 32;

/// How long one run may take before it is killed (it would hold up the ones after it).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// How often a running command is looked at.
const POLL_EVERY: Duration = Duration::from_millis(20);

/// Where notices for the user go (the reader's status bar).
pub type Notices = Arc<dyn Fn(String) + Send + Sync>;

/// The alert command and the queue in front of it.
pub struct AlertCommand {
    command: String,
    notices: Notices,
    /// The worker's queue, once started.
    queue: Option<SyncSender<Entry>>,
    /// Alerts dropped since one was last queued (the user hears of the first).
    dropped: usize,
}

impl AlertCommand {
    /// `command` (empty: none) reporting to `notices`. Nothing starts until an alert.
    pub fn new(command: &str, notices: Notices) -> AlertCommand {
        AlertCommand {
            command: command.trim().to_string(),
            notices,
            queue: None,
            dropped: 0,
        }
    }

    /// Queues a run of the command for `entry`; drops it (with a notice for the first
    /// of a burst) when [`QUEUED`] are waiting already.
    pub fn run(&mut self, entry: &Entry) {
        if self.command.is_empty() {
            return;
        }
        if self.queue.is_none() {
            self.queue = self.start();
        }
        let Some(queue) = &self.queue else { return };
        match queue.try_send(entry.clone()) {
            Ok(()) => {
                if self.dropped > 0 {
                    tracing::warn!(dropped = self.dropped, "alert command busy: alerts dropped");
                }
                self.dropped = 0;
            }
            Err(TrySendError::Full(_)) => {
                if self.dropped == 0 {
                    (self.notices)(format!(
                        "alert command busy ({QUEUED} alerts waiting): further alerts dropped"
                    ));
                }
                self.dropped += 1;
            }
            // The worker is gone: start another at the next alert.
            Err(TrySendError::Disconnected(_)) => self.queue = None,
        }
    }

    /// Starts the worker; `None` (and a notice) when no thread can be had.
    fn start(&self) -> Option<SyncSender<Entry>> {
        let (sender, receiver) = sync_channel(QUEUED);
        let command = self.command.clone();
        let notices = Arc::clone(&self.notices);
        let started = std::thread::Builder::new()
            .name("alert-command".to_string())
            .spawn(move || work(&command, &receiver, &notices));
        match started {
            Ok(_) => Some(sender),
            Err(err) => {
                tracing::warn!(%err, "cannot start the alert command's thread");
                (self.notices)(format!("alert command not run: {err}"));
                None
            }
        }
    }
}

/// Runs the command for each queued entry in turn, until the queue's sender is gone.
fn work(command: &str, queue: &Receiver<Entry>, notices: &Notices) {
    let mut failing = false;
    for entry in queue {
        let json = crate::output::JsonEntry::new(&entry.source.0, &entry.item);
        let Ok(mut line) = serde_json::to_string(&json) else {
            continue;
        };
        line.push('\n');
        match run_once(command, line) {
            Ok(()) => failing = false,
            Err(err) => {
                tracing::warn!(%err, "alert command");
                // One notice for a run of failures, not one per alert.
                if !failing {
                    notices(format!("alert command: {err}"));
                }
                failing = true;
            }
        }
    }
}

/// One run: start `sh -c command`, write `line` to its stdin (from a helper thread, so
/// a command that never reads cannot hold this one), and wait for it, killing it after
/// [`TIME_LIMIT`].
fn run_once(command: &str, line: String) -> Result<(), String> {
    let mut child = crate::reader::child_env::as_before(&mut Command::new("sh"))
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("cannot start sh: {err}"))?;
    let writer = child.stdin.take().and_then(|mut stdin| {
        std::thread::Builder::new()
            .name("alert-stdin".to_string())
            .spawn(move || {
                let _ = stdin.write_all(line.as_bytes());
            })
            .ok()
    });
    let waited = wait_limited(&mut child);
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    waited
}

fn wait_limited(child: &mut Child) -> Result<(), String> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return Ok(()),
            Ok(None) if started.elapsed() < TIME_LIMIT => std::thread::sleep(POLL_EVERY),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "still running after {} s: stopped",
                    TIME_LIMIT.as_secs()
                ));
            }
            Err(err) => return Err(format!("cannot wait for it: {err}")),
        }
    }
}
