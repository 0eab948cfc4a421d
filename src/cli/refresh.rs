//! `liveblog refresh`: poll every source once into the cache and say what each brought.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;

use super::failure::Failure;
use crate::config::Config;
use crate::sources::fetch::{Fetcher, Validators};
use crate::sources::poller::{Poll, PollOutcome, poll_once};
use crate::store::Store;
use crate::store::ingest::ingest_retaining;

/// One line per source; exit 1 unless every source succeeded.
pub async fn refresh(config: &Config, cache: &Path) -> Result<ExitCode, Failure> {
    if config.sources.is_empty() {
        println!("no sources configured (liveblog add URL follows a page)");
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = Store::open(cache)?;
    let fetcher = Fetcher::with_limits(config.fetch_limits())?;
    // Polls are stored as they finish (not in config order), so a finished document
    // does not wait in memory for a slow source; the summary keeps config order.
    let mut tasks = tokio::task::JoinSet::new();
    let mut task_source = std::collections::HashMap::new();
    for (index, source) in config.sources.iter().enumerate() {
        let state = store.source_state(&source.id)?;
        let validators = Validators {
            etag: state.etag,
            last_modified: state.last_modified,
        };
        let fetcher = fetcher.clone();
        let source = source.clone();
        let handle = tasks.spawn(async move { poll_once(&fetcher, &source, &validators).await });
        task_source.insert(handle.id(), index);
    }
    let mut failures = 0;
    let mut lines = vec![String::new(); config.sources.len()];
    while let Some(joined) = tasks.join_next_with_id().await {
        let (index, poll) = match joined {
            Ok((id, poll)) => (task_source.get(&id).copied().unwrap_or_default(), poll),
            Err(err) => {
                let index = task_source.get(&err.id()).copied().unwrap_or_default();
                let source = &config.sources[index];
                let poll = Poll {
                    source: source.id.clone(),
                    url: source.url.clone(),
                    outcome: PollOutcome::Failed(format!("poll task failed: {err}")),
                    finished: Timestamp::now(),
                    hints: Default::default(),
                    next_poll: None,
                };
                (index, poll)
            }
        };
        let source = &config.sources[index];
        let ingested = ingest_retaining(&mut store, &poll, source.retention)?;
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
