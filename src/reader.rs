//! The interactive reader's wiring: config → poller → store worker → app → tui.
//!
//! The cache is owned by one worker thread (SQLite calls block); polls flow into it and
//! what they changed flows on to the UI as owned [`Action`]s. No state is shared.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc as std_mpsc;

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::app::{Action, App, Effect};
use crate::config::{Config, Retention};
use crate::fetch::{Fetcher, Validators};
use crate::ingest::ingest_retaining;
use crate::model::{EntryId, SourceId};
use crate::poller::{Poll, Poller};
use crate::store::Store;
use crate::tui::{self, Edge};

/// How many cached entries the reader loads at start.
pub const WINDOW: usize = 50_000;

/// Work for the cache worker.
enum StoreRequest {
    /// A poll to store.
    Poll(Box<Poll>),
    /// The user opened an entry.
    MarkRead(SourceId, EntryId),
}

/// Opens the cache and the sources for `config`, ready for [`App::new`].
pub fn open(config: &Config, cache: &Path) -> anyhow::Result<(Store, App, Vec<Validators>)> {
    let store = Store::open(cache)?;
    let entries = store.entries(Some(WINDOW))?;
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
    let app = App::new(sources, entries, config.timezone.clone(), Timestamp::now());
    Ok((store, app, validators))
}

/// Runs the TUI over `config` with the cache at `cache` until the user quits.
pub async fn run(config: &Config, cache: &Path) -> anyhow::Result<()> {
    // The cached entries are shown before any poll returns.
    let (mut store, app, validators) = open(config, cache)?;
    let fetcher = Fetcher::for_config(config)?;

    let (ui_tx, ui_rx) = mpsc::unbounded_channel::<Action>();
    let (store_tx, store_rx) = std_mpsc::channel::<StoreRequest>();
    let worker_ui = ui_tx.clone();
    let retention: HashMap<SourceId, Retention> =
        config.sources.iter().map(|source| (source.id.clone(), source.retention)).collect();
    let worker = std::thread::spawn(move || {
        for request in store_rx {
            let result = match request {
                StoreRequest::Poll(poll) => {
                    let keep = retention.get(&poll.source).copied().unwrap_or_default();
                    ingest_retaining(&mut store, &poll, keep)
                }
                    .map(|ingested| Some(Action::Ingested(Box::new(ingested)))),
                StoreRequest::MarkRead(source, id) => store.mark_read(&source, &id).map(|()| None),
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
    };
    let result = tui::run(app, ui_rx, &mut edge).await;

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
            _ => {}
        }
    }
}
