//! The poller: one tokio task per source on its own interval, results sent as owned
//! messages ([`Poll`]) on a channel. Nothing here touches the cache or the UI.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use crate::config::SourceConfig;
use crate::model::{Document, SourceId};
use crate::parse::{self, Input};
use crate::sources::fetch::{Fetched, Fetcher, LargeSlot, Validators};
use crate::sources::schedule::{Hints, Schedule, jitter};

/// Parses that may run at once: one per core.
static PARSE_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |cores| cores.get()))
});

/// The result of polling one source once.
#[derive(Debug, Clone)]
pub struct Poll {
    /// Which source.
    pub source: SourceId,
    /// The URL polled.
    pub url: String,
    /// What happened.
    pub outcome: PollOutcome,
    /// When the poll finished.
    pub finished: Timestamp,
    /// What the server said about polling again.
    pub hints: Hints,
    /// When the poller will poll this source again (`None` for one-off polls).
    pub next_poll: Option<Timestamp>,
    /// Held while the poll carries a large document, from its download until the poll
    /// is dropped once stored: [`LARGE_SLOTS`](crate::sources::fetch::LARGE_SLOTS)
    /// such documents at most are in memory at once anywhere between the servers and
    /// the cache, however many sources bring one.
    pub large_slot: Option<LargeSlot>,
}

impl Poll {
    /// The fetch and the parse both succeeded (a 304 counts).
    pub fn succeeded(&self) -> bool {
        !matches!(self.outcome, PollOutcome::Failed(_))
    }

    /// How long to wait before polling this source again, on `schedule` (which counts
    /// this poll's failure, or resets on success): the server's hints and the feed's
    /// `<ttl>` are floors, and a little jitter is added.
    fn next_delay(&self, schedule: &mut Schedule) -> std::time::Duration {
        let mut hints = self.hints;
        if let PollOutcome::Parsed { document, .. } = &self.outcome {
            hints.ttl = document.ttl;
        }
        schedule.next_delay(self.succeeded(), &hints, jitter(&self.source.0))
    }

    /// Sets [`Poll::next_poll`] from [`Poll::next_delay`] (for whichever process polls
    /// next) and returns the delay.
    pub fn schedule_next(&mut self, schedule: &mut Schedule) -> std::time::Duration {
        let delay = self.next_delay(schedule);
        self.next_poll = jiff::SignedDuration::try_from(delay)
            .ok()
            .and_then(|delay| self.finished.checked_add(delay).ok());
        delay
    }
}

/// What a poll gave.
#[derive(Debug, Clone)]
pub enum PollOutcome {
    /// The server said nothing changed (304).
    NotModified,
    /// A new document, and the validators to send next time.
    Parsed {
        /// The parsed entries.
        document: Document,
        /// For the next conditional GET.
        validators: Validators,
    },
    /// The fetch or the parse failed; one line naming what went wrong.
    Failed(String),
}

/// Fetches and parses one source once. Never panics; errors become [`PollOutcome::Failed`].
pub async fn poll_once(fetcher: &Fetcher, source: &SourceConfig, validators: &Validators) -> Poll {
    let hints;
    let mut large_slot = None;
    let outcome = match fetcher.fetch(&source.url, validators).await {
        Ok(Fetched::NotModified(server_hints)) => {
            hints = server_hints;
            PollOutcome::NotModified
        }
        Ok(Fetched::Body(mut body)) => {
            hints = body.hints;
            // A large document keeps its slot until it is stored (see `Poll::large_slot`).
            large_slot = body.large_slot.take();
            let format = source.format;
            let options = source.options.clone();
            // Parsing a large page is CPU work: keep it off the async workers, and run no
            // more parses at once than there are cores (more only holds more documents
            // in memory at the same time, finishing none sooner).
            let _slot = PARSE_SLOTS.acquire().await;
            let parsed = tokio::task::spawn_blocking(move || {
                let input = Input {
                    bytes: &body.bytes,
                    content_type: body.content_type.as_deref(),
                    base_url: Some(&body.final_url),
                    now: Timestamp::now(),
                    options: &options,
                };
                parse::parse(&input, format).map(|document| (document, body.validators))
            })
            .await;
            match parsed {
                Ok(Ok((document, validators))) => PollOutcome::Parsed {
                    document,
                    validators,
                },
                Ok(Err(err)) => PollOutcome::Failed(err.to_string()),
                Err(join_error) => PollOutcome::Failed(format!("parser failed: {join_error}")),
            }
        }
        Err(err) => {
            hints = err.hints();
            PollOutcome::Failed(err.to_string())
        }
    };
    if !matches!(outcome, PollOutcome::Parsed { .. }) {
        large_slot = None;
    }
    Poll {
        source: source.id.clone(),
        url: source.url.clone(),
        outcome,
        finished: Timestamp::now(),
        hints,
        next_poll: None,
        large_slot,
    }
}

/// How long a claim to poll a source holds without being renewed: a process that dies
/// mid-poll keeps the others from polling that source no longer than this.
pub const LEASE: std::time::Duration = std::time::Duration::from_secs(15);

/// How often a process renews its claim while its fetch runs.
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The answer to "may I poll this source now?" when several processes share a cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Poll now; the source has failed this many times in a row (whoever polled it), so
    /// the backoff goes on where it was.
    Granted {
        /// Failed polls in a row.
        failures: u32,
    },
    /// Another process is fetching it now; its claim lasts until then unless renewed.
    Polling {
        /// When its claim runs out.
        until: Timestamp,
    },
    /// Another process polled it: not due before then.
    Due(Timestamp),
}

/// Who decides which process polls a source (the cache, when processes share one).
/// Its calls block (they wait for the cache's lock): the poller makes them on tokio's
/// blocking threads.
pub trait Gate: Send + Sync {
    /// Asks to poll `source` now; `forced` for the user's refresh (due or not).
    fn claim(&self, source: &SourceId, interval: std::time::Duration, forced: bool) -> Claim;
    /// The fetch of `source` goes on: keep the claim.
    fn renew(&self, source: &SourceId);
}

/// The running poll tasks; dropping it stops them.
pub struct Poller {
    tasks: HashMap<SourceId, JoinHandle<()>>,
    refresh: HashMap<SourceId, Arc<Notify>>,
    fetcher: Fetcher,
    sink: mpsc::Sender<Poll>,
    gate: Option<Arc<dyn Gate>>,
}

impl Poller {
    /// Starts one task per source. Each polls at once, then every `interval`, and sends
    /// each [`Poll`] on `sink`. `validators` seeds the conditional GETs (from the cache).
    ///
    /// With a `gate`, each poll is first claimed from it, so that processes sharing a
    /// cache poll a source once between them; without one, every poll goes ahead.
    pub fn spawn(
        fetcher: Fetcher,
        sources: Vec<(SourceConfig, Validators)>,
        sink: mpsc::Sender<Poll>,
        gate: Option<Arc<dyn Gate>>,
    ) -> Poller {
        let mut poller = Poller {
            tasks: HashMap::new(),
            refresh: HashMap::new(),
            fetcher,
            sink,
            gate,
        };
        for (source, validators) in sources {
            poller.add(source, validators);
        }
        poller
    }

    /// Starts polling one more source (at once, then on its interval); a source of the
    /// same name is replaced.
    pub fn add(&mut self, source: SourceConfig, validators: Validators) {
        self.remove(&source.id);
        let notify = Arc::new(Notify::new());
        self.refresh.insert(source.id.clone(), Arc::clone(&notify));
        let id = source.id.clone();
        let task = tokio::spawn(run_source(
            self.fetcher.clone(),
            source,
            validators,
            self.sink.clone(),
            notify,
            self.gate.clone(),
        ));
        self.tasks.insert(id, task);
    }

    /// Stops polling a source (a request in flight is cancelled).
    pub fn remove(&mut self, source: &SourceId) {
        if let Some(task) = self.tasks.remove(source) {
            task.abort();
        }
        self.refresh.remove(source);
    }

    /// Polls every source now.
    pub fn refresh_all(&self) {
        for notify in self.refresh.values() {
            notify.notify_one();
        }
    }

    /// Polls one source now.
    pub fn refresh(&self, source: &SourceId) {
        if let Some(notify) = self.refresh.get(source) {
            notify.notify_one();
        }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        for task in self.tasks.values() {
            task.abort();
        }
    }
}

async fn run_source(
    fetcher: Fetcher,
    source: SourceConfig,
    mut validators: Validators,
    sink: mpsc::Sender<Poll>,
    refresh: Arc<Notify>,
    gate: Option<Arc<dyn Gate>>,
) {
    let mut schedule = Schedule::new(source.interval);
    let mut forced = false;
    loop {
        if let Some(gate) = &gate {
            match claim(gate, &source, forced).await {
                Claim::Granted { failures } => schedule.failures = failures,
                // Another process polls it: its result reaches us through the cache.
                // Look again when it is due, or soon if a fetch is running elsewhere
                // (the claim ends as soon as it stores the result).
                waiting => {
                    let until = match waiting {
                        Claim::Due(at) => at,
                        _ => Timestamp::now() + std::time::Duration::from_secs(1),
                    };
                    let wait = until
                        .duration_since(Timestamp::now())
                        .unsigned_abs()
                        .max(std::time::Duration::from_millis(50));
                    // A forced refresh that found another process fetching is done:
                    // that fetch is as fresh as ours would be.
                    forced = false;
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = refresh.notified() => forced = true,
                    }
                    continue;
                }
            }
        }
        let fetch = poll_once(&fetcher, &source, &validators);
        let mut poll = match &gate {
            None => fetch.await,
            Some(gate) => renewing(gate, &source.id, fetch).await,
        };
        if let PollOutcome::Parsed {
            validators: next, ..
        } = &poll.outcome
        {
            validators = next.clone();
        }
        let delay = poll.schedule_next(&mut schedule);
        match &poll.outcome {
            PollOutcome::Failed(error) => {
                tracing::warn!(source = %source.id, %error, retry_in = ?delay, failures = schedule.failures, "poll failed");
            }
            PollOutcome::NotModified => {
                tracing::debug!(source = %source.id, next_in = ?delay, "not modified")
            }
            PollOutcome::Parsed { document, .. } => {
                tracing::info!(source = %source.id, entries = document.items.len(), next_in = ?delay, "polled");
            }
        }
        if sink.send(poll).await.is_err() {
            return; // Nobody listens any more: the reader is shutting down.
        }
        forced = false;
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = refresh.notified() => forced = true,
        }
    }
}

/// [`Gate::claim`] on a blocking thread.
async fn claim(gate: &Arc<dyn Gate>, source: &SourceConfig, forced: bool) -> Claim {
    let gate = Arc::clone(gate);
    let id = source.id.clone();
    let interval = source.interval;
    tokio::task::spawn_blocking(move || gate.claim(&id, interval, forced))
        .await
        // A claim that could not be asked for lets the poll go ahead: better a fetch
        // too many than a source never polled.
        .unwrap_or(Claim::Granted { failures: 0 })
}

/// Runs `fetch`, renewing the claim on `source` every [`RENEW_EVERY`]
/// while it runs (a slow server must not let another process start a second fetch).
async fn renewing<F: std::future::Future<Output = Poll>>(
    gate: &Arc<dyn Gate>,
    source: &SourceId,
    fetch: F,
) -> Poll {
    tokio::pin!(fetch);
    let mut renew = tokio::time::interval(RENEW_EVERY);
    renew.tick().await; // The first tick is now: the claim is fresh.
    loop {
        tokio::select! {
            poll = &mut fetch => return poll,
            _ = renew.tick() => {
                let gate = Arc::clone(gate);
                let id = source.clone();
                let _ = tokio::task::spawn_blocking(move || gate.renew(&id)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn source(url: &str) -> SourceConfig {
        let text = format!("[[source]]\nname = \"big\"\nurl = {url:?}\nformat = \"rss\"\n");
        let config = Config::parse(&text, "<test>").expect("test config parses");
        config.sources.into_iter().next().expect("one source")
    }

    /// A large document keeps the fetcher's large-body slot in its `Poll` (until the
    /// poll is dropped, once stored); a large one that does not parse gives it back.
    #[tokio::test]
    async fn a_poll_of_a_large_document_holds_its_slot_until_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Over the large-body size, cheaply: a long comment in the channel's head.
        let padding = "x".repeat(crate::sources::fetch::LARGE_BODY);
        let feed = format!(
            "<rss version=\"2.0\"><channel><title>Big</title><!-- {padding} -->\
             <item><guid>1</guid><title>One</title></item>\
             <item><guid>2</guid><title>Two</title></item></channel></rss>"
        );
        let good = dir.path().join("big.xml");
        let bad = dir.path().join("bad.xml");
        std::fs::write(&good, &feed).expect("write");
        std::fs::write(&bad, "not a feed ".repeat(feed.len() / 10)).expect("write");
        let fetcher = Fetcher::new(std::time::Duration::from_millis(100))
            .expect("fetcher")
            .with_max_body(feed.len() * 2);
        let none = Validators::default();

        let poll = poll_once(&fetcher, &source(&good.display().to_string()), &none).await;
        let PollOutcome::Parsed { document, .. } = &poll.outcome else {
            panic!("parsed: {:?}", poll.outcome);
        };
        assert_eq!(document.items.len(), 2);
        assert!(poll.large_slot.is_some());
        // Held: the next large body is read only after the fetcher's patience, without one.
        let second = poll_once(&fetcher, &source(&good.display().to_string()), &none).await;
        assert!(second.large_slot.is_none());
        drop((poll, second));
        let third = poll_once(&fetcher, &source(&good.display().to_string()), &none).await;
        assert!(third.large_slot.is_some());
        drop(third);

        let failed = poll_once(&fetcher, &source(&bad.display().to_string()), &none).await;
        assert!(
            matches!(failed.outcome, PollOutcome::Failed(_)),
            "{:?}",
            failed.outcome
        );
        assert!(failed.large_slot.is_none());
    }
}
