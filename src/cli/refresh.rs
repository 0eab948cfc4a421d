//! `liveblog refresh`: poll every source once into the cache and say what each brought.
//!
//! It takes part in the claims of the processes sharing the cache: a source another
//! process is fetching at this moment is not fetched again, and with `--due` (cron on a
//! shared cache) neither is one that any process polled within its interval.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use jiff::Timestamp;

use super::failure::Failure;
use crate::config::{Config, SourceConfig};
use crate::sources::fetch::{Fetcher, Validators};
use crate::sources::poller::{Claim, Poll, PollOutcome, RENEW_EVERY, poll_once};
use crate::sources::schedule::Schedule;
use crate::store::ingest::ingest_retaining;
use crate::store::{Store, StoreError, process_owner};

/// What to do about one source, as the claims in the cache decide.
enum Plan {
    /// Poll it: the claim is ours; its failures in a row so far.
    Poll(Validators, u32),
    /// Leave it: its summary line, and whether it counts as a success.
    Skip(String, bool),
}

/// One line per source; exit 1 unless every source succeeded. `force` (the default;
/// `--due` clears it) polls every source, due or not (unless another process is fetching it at this moment).
pub async fn refresh(config: &Config, cache: &Path, force: bool) -> Result<ExitCode, Failure> {
    if config.sources.is_empty() {
        println!("no sources configured (liveblog add URL follows a page)");
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = Store::open(cache)?;
    let fetcher = Fetcher::with_limits(config.fetch_limits())?;
    let owner = process_owner();
    let mut failures = 0;
    let mut lines = vec![String::new(); config.sources.len()];
    let mut schedules = vec![Schedule::new(Duration::ZERO); config.sources.len()];
    // Polls are stored as they finish (not in config order), so a finished document
    // does not wait in memory for a slow source; the summary keeps config order.
    let mut tasks = tokio::task::JoinSet::new();
    let mut task_source = std::collections::HashMap::new();
    for (index, source) in config.sources.iter().enumerate() {
        match plan(&mut store, source, &owner, force) {
            Ok(Plan::Poll(validators, failed)) => {
                schedules[index] = Schedule {
                    interval: source.interval,
                    failures: failed,
                };
                let fetcher = fetcher.clone();
                let source = source.clone();
                let handle =
                    tasks.spawn(async move { poll_once(&fetcher, &source, &validators).await });
                task_source.insert(handle.id(), index);
            }
            Ok(Plan::Skip(line, succeeded)) => {
                failures += usize::from(!succeeded);
                lines[index] = line;
            }
            Err(err) => {
                failures += 1;
                lines[index] = storage_failed(source, &err);
            }
        }
    }
    // A slow fetch keeps its claim, so that no other process starts a second one.
    let mut renew = tokio::time::interval(RENEW_EVERY);
    renew.tick().await;
    loop {
        let joined = tokio::select! {
            joined = tasks.join_next_with_id() => joined,
            _ = renew.tick() => {
                for index in task_source.values() {
                    let source = &config.sources[*index].id;
                    if let Err(err) = store.renew_poll(source, &owner, Timestamp::now()) {
                        tracing::warn!(%err, %source, "cannot renew a poll's claim");
                    }
                }
                continue;
            }
        };
        let Some(joined) = joined else { break };
        let (index, mut poll) = match joined {
            Ok((id, poll)) => (task_source.remove(&id).unwrap_or_default(), poll),
            Err(err) => {
                let index = task_source.remove(&err.id()).unwrap_or_default();
                let source = &config.sources[index];
                let poll = Poll {
                    source: source.id.clone(),
                    url: source.url.clone(),
                    outcome: PollOutcome::Failed(format!("poll task failed: {err}")),
                    finished: Timestamp::now(),
                    hints: Default::default(),
                    next_poll: None,
                    large_slot: None,
                };
                (index, poll)
            }
        };
        let source = &config.sources[index];
        // The next poll, for whichever process comes next: interval, backoff, server hints.
        poll.schedule_next(&mut schedules[index]);
        let ingested = match ingest_retaining(&mut store, &mut poll, source.retention) {
            Ok(ingested) => ingested,
            Err(err) => {
                failures += 1;
                lines[index] = storage_failed(source, &err);
                // Not stored: let the next process (or run) poll it again at once.
                let _ = store.finish_poll(&source.id, Some(Timestamp::now()), false);
                continue;
            }
        };
        lines[index] = match &poll.outcome {
            PollOutcome::Failed(error) => {
                failures += 1;
                format!("{}: error: {error}", source.id)
            }
            PollOutcome::NotModified => format!("{}: not modified", source.id),
            PollOutcome::Parsed { .. } => format!(
                "{}: {} new, {} updated",
                source.id,
                ingested.applied.new.len(),
                ingested.applied.updated.len()
            ),
        };
    }
    let mut out = io::stdout().lock();
    for line in &lines {
        writeln!(out, "{}", crate::sanitize::clean_line(line))?;
    }
    out.flush()?;
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Claims `source` for this process, or says why another process's poll stands.
fn plan(
    store: &mut Store,
    source: &SourceConfig,
    owner: &str,
    force: bool,
) -> Result<Plan, StoreError> {
    let now = Timestamp::now();
    let claim = store.claim_poll(&source.id, owner, source.interval, force, now)?;
    let state = store.source_state(&source.id)?;
    let name = &source.id;
    Ok(match claim {
        Claim::Granted { failures } => Plan::Poll(
            Validators {
                etag: state.etag,
                last_modified: state.last_modified,
            },
            failures,
        ),
        Claim::Polling { .. } => Plan::Skip(
            format!("{name}: fresh: another process is fetching it now"),
            true,
        ),
        Claim::Due(at) => {
            let due = since(now, at);
            match (state.last_attempt, state.last_error) {
                (Some(polled), Some(error)) => Plan::Skip(
                    format!(
                        "{name}: error (polled {} ago by another process; next try in {due}; \
                         refresh without --due tries now): {error}",
                        since(polled, now)
                    ),
                    false,
                ),
                (Some(polled), None) => Plan::Skip(
                    format!(
                        "{name}: fresh: polled {} ago by another process (next poll in {due}; \
                         refresh without --due polls now)",
                        since(polled, now)
                    ),
                    true,
                ),
                (None, _) => Plan::Skip(
                    format!(
                        "{name}: fresh: another process took this poll (next poll in {due}; \
                         refresh without --due polls now)"
                    ),
                    true,
                ),
            }
        }
    })
}

/// A source's line when the cache failed it; the error is logged too.
fn storage_failed(source: &SourceConfig, err: &StoreError) -> String {
    tracing::error!(source = %source.id, %err, "storage error");
    format!("{}: error: {err}", source.id)
}

/// From `from` to `to`, roughly, as `12s`, `5m`, `2h` or `3d` (0s when not after).
fn since(from: Timestamp, to: Timestamp) -> String {
    let seconds = to.duration_since(from).as_secs().max(0);
    match seconds {
        0..120 => format!("{seconds}s"),
        120..7_200 => format!("{}m", seconds / 60),
        7_200..172_800 => format!("{}h", seconds / 3_600),
        _ => format!("{}d", seconds / 86_400),
    }
}
