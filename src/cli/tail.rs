//! `liveblog tail`: print entries as they arrive in the cache, until interrupted.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;

use super::failure::Failure;
use super::print::{print_grouped, stdout_closed};
use crate::config::Config;
use crate::model::{Entry, SourceId};
use crate::query::Query;
use crate::sources::fetch::{Fetcher, Validators};
use crate::sources::poller::{Poll, PollOutcome, Poller};
use crate::store::Store;
use crate::store::ingest::ingest_retaining;

/// Polls on schedule and prints what is new to the cache (and edits again), oldest
/// first, until interrupted.
pub async fn tail(
    config: &Config,
    cache: &Path,
    query: &Query,
    json: bool,
    since: Option<std::time::Duration>,
) -> Result<ExitCode, Failure> {
    let mut store = Store::open(cache)?;
    let fetcher = Fetcher::with_limits(config.fetch_limits())?;
    let mut sources = Vec::new();
    for source in &config.sources {
        let state = store.source_state(&source.id)?;
        sources.push((
            source.clone(),
            Validators {
                etag: state.etag,
                last_modified: state.last_modified,
            },
        ));
    }
    // The change log from here on is what this tail prints, whoever stored it.
    let names: Vec<SourceId> = config.sources.iter().map(|s| s.id.clone()).collect();
    let mut cursor = store.change_cursor()?;
    // Reports of one event share a `group` id in `--json`, from the first one on.
    let mut groups = super::grouping::Tracker::new();
    if let Some(since) = since {
        // What the cache already has from that window, oldest first, before going live.
        let now = Timestamp::now();
        let from = jiff::SignedDuration::try_from(since)
            .ok()
            .and_then(|span| now.checked_sub(span).ok())
            .unwrap_or(Timestamp::MIN);
        let mut cached = store.query(query, now, None)?;
        cached.retain(|entry| entry.sort_time() >= from && names.contains(&entry.source));
        let mut out = io::stdout().lock();
        for entry in cached.iter().rev() {
            print_tracked(&mut out, entry, json, config, &mut groups)?;
        }
        out.flush()?;
    }
    let (poll_tx, mut poll_rx) = tokio::sync::mpsc::channel::<Poll>(64);
    let gate: std::sync::Arc<dyn crate::sources::poller::Gate> =
        std::sync::Arc::new(crate::store::CacheGate::open(cache)?);
    let _poller = Poller::spawn(fetcher, sources, poll_tx, Some(gate));
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    // Also how often it looks whether another process stored something: one
    // `PRAGMA data_version`, next to nothing when nothing changed.
    let mut look = tokio::time::interval(std::time::Duration::from_millis(250));
    let mut data_version = None;
    loop {
        let poll = tokio::select! {
            poll = poll_rx.recv() => poll,
            // `tail | head -3`: once the reader is gone, stop now, not at the next write.
            _ = look.tick() => {
                if stdout_closed() {
                    return Err(Failure::ClosedPipe);
                }
                let version = store.data_version()?;
                if data_version != Some(version) {
                    data_version = Some(version);
                    cursor = print_changes(&mut store, cursor, &names, query, json, config, &mut groups)?;
                }
                continue;
            }
            _ = tokio::signal::ctrl_c() => None,
            _ = terminate.recv() => None,
            _ = hangup.recv() => None,
        };
        let Some(mut poll) = poll else {
            return Ok(ExitCode::SUCCESS);
        };
        let retention = config
            .sources
            .iter()
            .find(|source| source.id == poll.source)
            .map(|source| source.retention)
            .unwrap_or_default();
        if let Err(err) = ingest_retaining(&mut store, &mut poll, retention) {
            // A full disk or a lock held too long: say so, and go on polling.
            tracing::error!(source = %poll.source, %err, "storage error");
            eprintln!("liveblog: {}: {err}", poll.source);
        }
        if let PollOutcome::Failed(error) = &poll.outcome {
            eprintln!(
                "liveblog: {}: {}",
                poll.source,
                crate::sanitize::clean_line(error)
            );
        }
        // This connection's own writes leave `data_version` alone: read them now.
        cursor = print_changes(&mut store, cursor, &names, query, json, config, &mut groups)?;
    }
}

/// Prints the entries new or edited in the cache after `cursor` (by any process),
/// oldest first, those matching `query`, with their `group` ids; returns the cursor to
/// go on from.
fn print_changes(
    store: &mut Store,
    cursor: i64,
    names: &[SourceId],
    query: &Query,
    json: bool,
    config: &Config,
    groups: &mut super::grouping::Tracker,
) -> Result<i64, Failure> {
    let changes = store.changes_after(cursor, Some(names))?;
    if changes.lost {
        eprintln!(
            "liveblog: fell behind the cache's change log (other processes stored a lot): \
             some entries were not printed"
        );
    }
    let now = Timestamp::now();
    let mut out = io::stdout().lock();
    // The log lists them newest first.
    for (entry, _) in changes.entries.iter().rev() {
        if query.matches(entry, now) {
            print_tracked(&mut out, entry, json, config, groups)?;
        }
    }
    out.flush()?;
    Ok(changes.cursor)
}

/// Prints `entry` with the group id the tracker gives it (`group` in `--json`).
fn print_tracked(
    out: &mut dyn Write,
    entry: &Entry,
    json: bool,
    config: &Config,
    groups: &mut super::grouping::Tracker,
) -> io::Result<()> {
    let group = groups.track(entry);
    print_grouped(
        out,
        &entry.source.0,
        &entry.item,
        json,
        config,
        group.as_deref(),
    )
}
