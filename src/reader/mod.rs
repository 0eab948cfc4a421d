//! The interactive reader's wiring: config → poller → store worker → app → tui.
//!
//! The cache is owned by one worker thread (SQLite calls block); polls flow into it and
//! what they changed flows on to the UI as owned [`Action`]s. No state is shared.

pub mod app;
pub mod input;
pub mod screen;
pub mod terminal;
pub mod ui;

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc as std_mpsc;

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::config::{Config, Retention};
use crate::model::{EntryId, SourceId};
use crate::query::Query;
use crate::reader::app::{Action, App, Effect, PolledRows, Row};
use crate::sources::fetch::{Fetcher, Validators};
use crate::sources::poller::{Poll, Poller};
use crate::store::Store;
use crate::store::ingest::ingest_retaining;
use terminal::Edge;

/// How many it loads before the first frame; the rest of the window follows from the
/// cache worker, so the first screen never waits for a long history.
pub const FIRST_SCREEN: usize = 1_000;

/// Entries per message while the rest of the window loads.
const BACKFILL_CHUNK: usize = 10_000;

/// How long the cache worker waits for work before it updates the search index.
const INDEX_WHEN_IDLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Rows the search index takes in per idle moment (a few tenths of a second of work on
/// an index of a million rows: a poll that arrives meanwhile waits no longer; smaller
/// batches cost more per row).
const INDEX_BATCH: usize = 2_000;

/// How long the cache worker waits between batches while the index is behind (after a
/// `refresh` of big feeds): it catches up in the background, not at the first search.
const INDEX_WHILE_BEHIND: std::time::Duration = std::time::Duration::from_millis(200);

/// Work for the cache worker.
enum StoreRequest {
    /// A poll to store.
    Poll(Box<Poll>),
    /// The user opened an entry.
    MarkRead(SourceId, EntryId),
    /// The user marked these read.
    MarkAllRead(Vec<(SourceId, EntryId)>),
    /// Entries matching a filter, older than those the reader holds.
    Search {
        /// The filter as typed.
        query: String,
        /// Only entries sorted before this.
        before: Timestamp,
    },
}

/// Opens the cache and the sources for `config`, ready for [`App::new`].
pub fn open(config: &Config, cache: &Path) -> anyhow::Result<(Store, App, Vec<Validators>)> {
    let store = Store::open(cache)?;
    let entries = store.entries(Some(FIRST_SCREEN))?;
    let mut sources = Vec::new();
    let mut validators = Vec::new();
    for source in &config.sources {
        let state = store.source_state(&source.id)?;
        validators.push(Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        });
        sources.push((source.id.clone(), state));
    }
    let mut app = App::new(sources, entries, config.timezone.clone(), Timestamp::now());
    app.keymap = config.keys.clone();
    app.window = config.window;
    app.saved_filters = config
        .filters
        .iter()
        .map(|(name, query)| (name.clone(), query.clone()))
        .collect();
    app.alert_query = Some(config.alerts.query.trim())
        .filter(|query| !query.is_empty())
        .and_then(|query| Query::parse(query).ok());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    app.theme = if no_color {
        crate::model::Theme::Mono
    } else {
        config.theme
    };
    app.last_session = store.last_session()?;
    Ok((store, app, validators))
}

/// Runs the TUI over `config` with the cache at `cache` until the user quits.
pub async fn run(config: &Config, cache: &Path) -> anyhow::Result<()> {
    // The cached entries are shown before any poll returns.
    let (mut store, app, validators) = open(config, cache)?;
    let fetcher = Fetcher::with_limits(config.fetch_limits())?;

    let (ui_tx, ui_rx) = mpsc::unbounded_channel::<Action>();
    let (store_tx, store_rx) = std_mpsc::channel::<StoreRequest>();
    let worker_ui = ui_tx.clone();
    let window = config.window;
    let retention: HashMap<SourceId, Retention> = config
        .sources
        .iter()
        .map(|source| (source.id.clone(), source.retention))
        .collect();
    let worker = std::thread::spawn(move || {
        // The rest of the window, older than what the first frame showed, in chunks
        // (each folded for filtering here, off the UI thread).
        let mut skip = FIRST_SCREEN;
        while skip < window {
            let chunk = match store.entries_from(skip, Some(BACKFILL_CHUNK.min(window - skip))) {
                Ok(chunk) => chunk,
                Err(err) => {
                    let _ = worker_ui.send(Action::Notice(err.to_string()));
                    break;
                }
            };
            let loaded = chunk.len();
            let rows = chunk.into_iter().map(Row::new).collect();
            if loaded == 0 || worker_ui.send(Action::Backfill(rows)).is_err() {
                break;
            }
            skip += loaded;
        }
        // Whether the index may still be behind (unknown at first: look soon).
        let mut index_behind = true;
        loop {
            let wait = if index_behind {
                INDEX_WHILE_BEHIND
            } else {
                INDEX_WHEN_IDLE
            };
            let request = match store_rx.recv_timeout(wait) {
                Ok(request) => request,
                // Quiet for a while: let the search index take in a batch of new rows,
                // so that a search finds it up to date.
                Err(std_mpsc::RecvTimeoutError::Timeout) => {
                    index_behind = match store.catch_up_index(Some(INDEX_BATCH)) {
                        Ok(taken) => taken == INDEX_BATCH,
                        Err(err) => {
                            tracing::warn!(%err, "search index");
                            false
                        }
                    };
                    continue;
                }
                Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
            };
            let result = match request {
                StoreRequest::Poll(poll) => {
                    let keep = retention.get(&poll.source).copied().unwrap_or_default();
                    ingest_retaining(&mut store, &poll, keep)
                }
                .map(|mut ingested| {
                    // Folded here, not on the UI thread.
                    let rows = PolledRows::take(&mut ingested);
                    Some(Action::Polled {
                        ingested: Box::new(ingested),
                        rows,
                    })
                }),
                StoreRequest::MarkRead(source, id) => store.mark_read(&source, &id).map(|()| None),
                StoreRequest::MarkAllRead(keys) => store.mark_all_read(&keys).map(|()| None),
                StoreRequest::Search { query, before } => {
                    search_older(&mut store, query, before).map(Some)
                }
            };
            let action = match result {
                Ok(Some(action)) => action,
                Ok(None) => continue,
                Err(err) => Action::Notice(err.to_string()),
            };
            if worker_ui.send(action).is_err() {
                break;
            }
        }
        // The next session's catch-up line starts here.
        let _ = store.set_last_session(Timestamp::now());
    });

    let (poll_tx, mut poll_rx) = mpsc::channel::<Poll>(64);
    let sources = config.sources.iter().cloned().zip(validators).collect();
    let poller = Poller::spawn(fetcher, sources, poll_tx);
    let forward_tx = store_tx.clone();
    let forward = tokio::spawn(async move {
        while let Some(poll) = poll_rx.recv().await {
            if forward_tx.send(StoreRequest::Poll(Box::new(poll))).is_err() {
                break;
            }
        }
    });

    let mut edge = ReaderEdge {
        poller,
        store: store_tx,
        alert_command: config.alerts.command.clone(),
    };
    let result = terminal::run(app, ui_rx, &mut edge, config.mouse).await;

    // Stop polling (in-flight requests are cancelled), then let the worker finish what
    // it holds so nothing fetched is lost, and wait for it.
    drop(edge);
    forward.abort();
    let _ = forward.await;
    drop(ui_tx);
    let _ = tokio::task::spawn_blocking(move || worker.join()).await;
    result
}

struct ReaderEdge {
    poller: Poller,
    store: std_mpsc::Sender<StoreRequest>,
    alert_command: String,
}

impl Edge for ReaderEdge {
    fn handle(&mut self, effect: &Effect) {
        match effect {
            Effect::Refresh(None) => self.poller.refresh_all(),
            Effect::Refresh(Some(source)) => self.poller.refresh(source),
            Effect::MarkRead(source, id) => {
                let _ = self
                    .store
                    .send(StoreRequest::MarkRead(source.clone(), id.clone()));
            }
            Effect::MarkAllRead(keys) => {
                let _ = self.store.send(StoreRequest::MarkAllRead(keys.clone()));
            }
            Effect::SearchCache { query, before } => {
                let _ = self.store.send(StoreRequest::Search {
                    query: query.clone(),
                    before: *before,
                });
            }
            Effect::Alert(entry) if !self.alert_command.trim().is_empty() => {
                run_alert_command(&self.alert_command, entry);
            }
            _ => {}
        }
    }
}

/// The cache's entries matching `query` sorted before `before`, as rows for the
/// reader (folded here, off the UI thread).
fn search_older(
    store: &mut Store,
    query: String,
    before: Timestamp,
) -> Result<Action, crate::store::StoreError> {
    let rows = match Query::parse(&query) {
        Ok(parsed) => store.query_before(
            &parsed,
            Timestamp::now(),
            Some(before),
            Some(crate::reader::app::CACHE_MATCHES + 1),
        )?,
        // The reader only asks for a query that parsed; if not, nothing matches.
        Err(_) => Vec::new(),
    };
    let more = rows.len() > crate::reader::app::CACHE_MATCHES;
    let rows = rows
        .into_iter()
        .take(crate::reader::app::CACHE_MATCHES)
        .map(Row::new)
        .collect();
    Ok(Action::CacheMatches { query, rows, more })
}

/// Runs the alert command (through `sh -c`) with the entry as one `--json` line on
/// stdin, without waiting: a slow command never holds up the reader.
fn run_alert_command(command: &str, entry: &crate::model::Entry) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let json = crate::output::JsonEntry::new(&entry.source.0, &entry.item);
    let Ok(line) = serde_json::to_string(&json) else {
        return;
    };
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            std::thread::spawn(move || {
                if let Some(mut stdin) = child.stdin.take() {
                    let _ = stdin.write_all(line.as_bytes());
                    let _ = stdin.write_all(b"\n");
                }
                let _ = child.wait();
            });
        }
        Err(err) => tracing::warn!(%err, "cannot run the alert command"),
    }
}
