//! The interactive reader's wiring: config → poller → store worker → app → tui.
//!
//! The cache is owned by one worker thread (SQLite calls block); polls flow into it and
//! what they changed flows on to the UI as owned [`Action`]s. No state is shared.

pub mod alerts;
pub mod app;
pub mod browser;
pub(crate) mod child_env;
pub mod input;
pub mod screen;
pub mod terminal;
pub mod tty;
pub mod ui;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::config::edit::{NewSource, add_to_file, remove_from_file, same_url};
use crate::config::{Config, Retention, SourceConfig};
use crate::model::{EntryId, Format, SourceId};
use crate::query::Query;
use crate::reader::app::{Action, App, Effect, PolledRows, Row};
use crate::sources::discover::{Via, discover, normalize_url, with_scheme_note};
use crate::sources::fetch::{Fetcher, LargeSlot, Validators};
use crate::sources::poller::{Poll, Poller};
use crate::store::Store;
use crate::store::ingest::{Ingested, ingest_retaining};
use terminal::Edge;

/// How many it loads before the first frame (a few screens of the tallest terminal);
/// the rest of the window follows from the cache worker, so the first screen never
/// waits for a long history. Each entry loaded costs its word-index insert (about
/// 20 µs) and its body's compression before the first frame: 1,000 made it 41 ms
/// where it had been 19 ms before the index (issue 17).
pub const FIRST_SCREEN: usize = 250;

/// The reader's page cache on its cache connection, in KiB (SQLite's default: 2,048).
const READER_PAGE_CACHE_KIB: u32 = 512;

/// Entries per message while the rest of the window loads (each carries its body and
/// folded text until the app takes it in: smaller chunks hold less of that at once).
/// The worker makes the next chunk while the app takes in this one, and no more (see
/// [`backfill`]): two chunks at most are on their way.
const BACKFILL_CHUNK: usize = 200;

/// How often the cache worker looks whether the app has taken in the last chunk.
const BACKFILL_WAIT: std::time::Duration = std::time::Duration::from_millis(2);

/// How long the cache worker waits for work before it updates the search index.
const INDEX_WHEN_IDLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Rows the search index takes in per idle moment (a few tenths of a second of work on
/// an index of a million rows: a poll that arrives meanwhile waits no longer; smaller
/// batches cost more per row).
const INDEX_BATCH: usize = 2_000;

/// How long the cache worker waits between batches while the index is behind (after a
/// `refresh` of big feeds): it catches up in the background, not at the first search.
const INDEX_WHILE_BEHIND: std::time::Duration = std::time::Duration::from_millis(200);

/// How often the cache worker looks whether another process changed the cache (one
/// `PRAGMA data_version`: next to nothing when nothing changed).
const OTHERS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// What the cache worker knows of the other processes' writes.
struct Watch {
    /// `PRAGMA data_version` when last looked (`None`: not yet).
    data_version: Option<i64>,
    /// The change log's point read up to.
    cursor: i64,
}

impl Watch {
    /// If another process changed the cache since the last look, what it changed, as
    /// an action for the app (folded here, off the UI thread).
    fn look(&mut self, store: &mut Store, shown: &[SourceId], window: usize) -> Option<Action> {
        let version = store.data_version().ok()?;
        if self.data_version == Some(version) {
            return None;
        }
        self.data_version = Some(version);
        // This reader's own polls and marks reached the app directly.
        self.cursor = store.skip_own_changes(self.cursor);
        let changes = match store.changes_after(self.cursor, Some(shown)) {
            Ok(changes) => changes,
            Err(err) => return Some(Action::Notice(err.to_string())),
        };
        self.cursor = changes.cursor;
        let mut rows: Vec<Row> = changes
            .entries
            .into_iter()
            .map(|(entry, _)| Row::new(entry))
            .collect();
        if changes.lost {
            // Too far behind the log: take the whole window again (what is unchanged
            // merges as nothing).
            rows = store
                .entries_among(Some(shown), 0, Some(window))
                .ok()?
                .into_iter()
                .map(Row::new)
                .collect();
        }
        let mut sources = Vec::new();
        for source in shown {
            if let Ok(state) = store.source_state(source) {
                let next_poll = store.next_poll(source).ok().flatten();
                sources.push((state, next_poll));
            }
        }
        Some(Action::StoredElsewhere(Box::new(
            crate::reader::app::Elsewhere {
                rows,
                marks: changes.marks,
                sources,
            },
        )))
    }
}

/// Work for the cache worker.
enum StoreRequest {
    /// A poll to store.
    Poll(Box<Poll>),
    /// The user opened an entry.
    MarkRead(SourceId, EntryId),
    /// The user marked these read.
    MarkAllRead(Vec<(SourceId, EntryId)>),
    /// The user marked this unread.
    MarkUnread(SourceId, EntryId),
    /// The sources the reader now shows, with what the cache keeps of each (one was
    /// added or removed).
    Sources(Vec<(SourceId, Retention)>),
    /// Entries matching a filter, older than those the reader holds.
    Search {
        /// The filter as typed.
        query: String,
        /// Only entries sorted before this.
        before: Timestamp,
    },
}

/// The cache opened for the reader, and the app over what it holds.
pub struct Opened {
    /// The cache's connection (the cache worker's).
    pub store: Store,
    /// The app, with the first screen of entries.
    pub app: App,
    /// Each configured source's validators, in the config's order.
    pub validators: Vec<Validators>,
    /// The cache's change log as it was before the entries were read: what other
    /// processes change after it is merged (some of it may be in `app` already, which
    /// merges as nothing).
    pub cursor: i64,
}

/// Opens the cache and the sources for `config`, ready for [`App::new`].
pub fn open(config: &Config, cache: &Path) -> anyhow::Result<Opened> {
    let store = Store::open_or_read_only(cache)?;
    store.cap_page_cache(READER_PAGE_CACHE_KIB)?;
    let cursor = store.change_cursor()?;
    // Only the configured sources' entries: a source taken out of the config keeps its
    // entries in the cache (for `list --filter`), out of the list.
    let shown: Vec<SourceId> = config.sources.iter().map(|s| s.id.clone()).collect();
    let entries = store.entries_among(Some(&shown), 0, Some(FIRST_SCREEN))?;
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
    app.saved_filters = config.filters.clone();
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
    Ok(Opened {
        store,
        app,
        validators,
        cursor,
    })
}

/// Runs the TUI over `config` with the cache at `cache` until the user quits.
/// `config_file` is the file `a` and the sources panel's remove change (`None`: the
/// sources are this session's only, as for `liveblog URL` and the demo).
pub async fn run(config: &Config, cache: &Path, config_file: Option<&Path>) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the reader needs a terminal (stdin and stdout are not one); without one, use \
             liveblog dump URL, liveblog list or liveblog tail"
        );
    }
    // The cached entries are shown before any poll returns.
    let Opened {
        mut store,
        mut app,
        validators,
        cursor,
    } = open(config, cache)?;
    let read_only = store.read_only();
    if read_only {
        app.notice = Some(format!(
            "read-only cache {}: showing what other processes store",
            store.path()
        ));
    }
    if let Some(file) = config_file.filter(|file| config.path.is_none() && !file.exists()) {
        app.welcome = Some(format!(
            "Showing the built-in sources. Your config would be {} · a: follow a page · ?: help",
            file.display()
        ));
    }
    let fetcher = Fetcher::with_limits(config.fetch_limits())?;

    let (ui_tx, ui_rx) = mpsc::unbounded_channel::<Action>();
    let (store_tx, store_rx) = std_mpsc::channel::<StoreRequest>();
    let worker_ui = ui_tx.clone();
    let window = config.window;
    let mut retention: HashMap<SourceId, Retention> = config
        .sources
        .iter()
        .map(|source| (source.id.clone(), source.retention))
        .collect();
    let mut shown: Vec<SourceId> = config.sources.iter().map(|s| s.id.clone()).collect();
    let worker = std::thread::spawn(move || {
        backfill(&store, &shown, window, &worker_ui);
        // Whether the index may still be behind (unknown at first: look soon).
        let mut index_behind = true;
        let mut indexed_at = std::time::Instant::now();
        let mut watch = Watch {
            data_version: None,
            cursor,
        };
        loop {
            if let Some(action) = watch.look(&mut store, &shown, window)
                && worker_ui.send(action).is_err()
            {
                break;
            }
            let wait = if index_behind && !store.read_only() {
                INDEX_WHILE_BEHIND
            } else {
                OTHERS_EVERY
            };
            let request = match store_rx.recv_timeout(wait) {
                Ok(request) => request,
                // Quiet for a while: let the search index take in a batch of new rows,
                // so that a search finds it up to date.
                Err(std_mpsc::RecvTimeoutError::Timeout)
                    if store.read_only()
                        || (!index_behind && indexed_at.elapsed() < INDEX_WHEN_IDLE) =>
                {
                    continue;
                }
                Err(std_mpsc::RecvTimeoutError::Timeout) => {
                    indexed_at = std::time::Instant::now();
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
                // Nothing is written to a read-only cache: read state lives in this
                // session only.
                StoreRequest::MarkRead(..)
                | StoreRequest::MarkAllRead(_)
                | StoreRequest::MarkUnread(..)
                    if store.read_only() =>
                {
                    Ok(None)
                }
                StoreRequest::Poll(mut poll) => {
                    let keep = retention.get(&poll.source).copied().unwrap_or_default();
                    let large_slot = poll.large_slot.take();
                    ingest_retaining(&mut store, &mut poll, keep)
                        .map(|ingested| (ingested, large_slot))
                }
                .map(|(ingested, large_slot)| {
                    // The rest of the poll goes before its rows are made.
                    drop(poll);
                    Some(polled(&store, ingested, large_slot, &shown, window))
                }),
                StoreRequest::MarkRead(source, id) => store.mark_read(&source, &id).map(|()| None),
                StoreRequest::MarkAllRead(keys) => store.mark_all_read(&keys).map(|()| None),
                StoreRequest::MarkUnread(source, id) => {
                    store.set_read(&source, &id, false).map(|()| None)
                }
                StoreRequest::Sources(now_shown) => {
                    shown = now_shown.iter().map(|(id, _)| id.clone()).collect();
                    retention = now_shown.into_iter().collect();
                    Ok(None)
                }
                StoreRequest::Search { query, before } => {
                    search_older(&mut store, query, before, &shown).map(Some)
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
    // A cache this user may only read is kept fresh by others: this reader polls
    // nothing (it could not store what it fetched) and shows what they store.
    let sources = if read_only {
        Vec::new()
    } else {
        config.sources.iter().cloned().zip(validators).collect()
    };
    // Claims through the cache: the processes sharing it poll each source once.
    let gate: Option<std::sync::Arc<dyn crate::sources::poller::Gate>> = if read_only {
        None
    } else {
        Some(std::sync::Arc::new(crate::store::CacheGate::open(cache)?))
    };
    let poller = Poller::spawn(fetcher.clone(), sources, poll_tx, gate);
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
        alerts: {
            let ui = ui_tx.clone();
            alerts::AlertCommand::new(
                &config.alerts.command,
                std::sync::Arc::new(move |notice| {
                    let _ = ui.send(Action::Notice(notice));
                }),
            )
        },
        sources: config.sources.clone(),
        config: config.clone(),
        config_file: config_file.map(Path::to_path_buf),
        // The same client: one connection pool and one set of limits for every fetch.
        fetcher,
        ui: ui_tx.clone(),
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

/// Sends the rest of the window, older than what the first frame showed, to the app in
/// chunks, each row folded for filtering here (off the UI thread). The cache is read in
/// one pass, and a chunk goes only once the app holds the one before: the worker does
/// not run ahead of the app, so what it makes for the rows on their way (in its own
/// allocator arena, which keeps what it once held) stays small (issue 17).
fn backfill(store: &Store, shown: &[SourceId], window: usize, ui: &mpsc::UnboundedSender<Action>) {
    if window <= FIRST_SCREEN {
        return;
    }
    // Counts the rows sent and not yet held by the app.
    let on_their_way = std::sync::Arc::new(());
    let send = |chunk: Vec<Row>| -> bool {
        while std::sync::Arc::strong_count(&on_their_way) > 1 + chunk.len() && !ui.is_closed() {
            std::thread::sleep(BACKFILL_WAIT);
        }
        ui.send(Action::Backfill(chunk)).is_ok()
    };
    let mut chunk: Vec<Row> = Vec::with_capacity(BACKFILL_CHUNK);
    let read = store.each_entry_among(
        Some(shown),
        FIRST_SCREEN,
        Some(window - FIRST_SCREEN),
        |entry| {
            let mut row = Row::new(entry);
            row.count_until_held(&on_their_way);
            chunk.push(row);
            if chunk.len() < BACKFILL_CHUNK
                || send(std::mem::replace(
                    &mut chunk,
                    Vec::with_capacity(BACKFILL_CHUNK),
                ))
            {
                std::ops::ControlFlow::Continue(())
            } else {
                std::ops::ControlFlow::Break(())
            }
        },
    );
    match read {
        Ok(()) if !chunk.is_empty() => {
            send(chunk);
        }
        Ok(()) => {}
        Err(err) => {
            let _ = ui.send(Action::Notice(err.to_string()));
        }
    }
}

struct ReaderEdge {
    poller: Poller,
    store: std_mpsc::Sender<StoreRequest>,
    /// Runs `[alerts] command`, one at a time, off this thread.
    alerts: alerts::AlertCommand,
    /// The sources polled now.
    sources: Vec<SourceConfig>,
    /// The settings new sources take.
    config: Config,
    /// The file `a` and remove change, if the sources come from one.
    config_file: Option<PathBuf>,
    fetcher: Fetcher,
    /// For what a background look at a URL found.
    ui: mpsc::UnboundedSender<Action>,
}

impl ReaderEdge {
    fn shown(&self) -> Vec<(SourceId, Retention)> {
        self.sources
            .iter()
            .map(|s| (s.id.clone(), s.retention))
            .collect()
    }

    /// Looks at `url` in the background, the way `liveblog add` does; what it found
    /// (or why nothing) comes back as an action.
    fn add_source(&self, typed: &str) {
        let url = normalize_url(typed);
        let typed = typed.to_string();
        if let Some(source) = self.sources.iter().find(|s| same_url(&s.url, &url)) {
            let _ = self.ui.send(Action::Notice(format!(
                "already following {url} as {}",
                source.id
            )));
            return;
        }
        let taken: Vec<String> = self.sources.iter().map(|s| s.id.0.clone()).collect();
        let existing: Vec<String> = self.sources.iter().map(|s| s.url.clone()).collect();
        let fetcher = self.fetcher.clone();
        let config = self.config.clone();
        let file = self.config_file.clone();
        let ui = self.ui.clone();
        tokio::spawn(async move {
            let options = config.new_source("", &url, Format::Auto, None).options;
            let action = match discover(&fetcher, &url, Format::Auto, &options).await {
                Err(looked) => Action::Notice(format!(
                    "nothing to follow at {url}: {}",
                    with_scheme_note(&typed, looked)
                )),
                Ok(finding) if existing.iter().any(|u| same_url(u, &finding.url)) => {
                    Action::Notice(format!("already following {}", finding.url))
                }
                Ok(finding) => {
                    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
                    let name = finding.name(&taken);
                    let found = format!(
                        "{}, {}",
                        crate::output::plural(finding.entries, "entry", "entries"),
                        match finding.via {
                            Via::Page => "the page's own",
                            Via::Feed => "a feed",
                            Via::LinkedFeed(_) => "from the feed it links",
                        }
                    );
                    let new = NewSource {
                        name: name.clone(),
                        url: finding.url.clone(),
                        format: None,
                        interval: None,
                        comment: None,
                    };
                    let saved = match &file {
                        None => Ok(" (this session only)".to_string()),
                        Some(path) => {
                            let path = path.clone();
                            tokio::task::spawn_blocking(move || {
                                add_to_file(&path, &new).map(|()| format!(" to {}", path.display()))
                            })
                            .await
                            .unwrap_or_else(|err| Ok(format!(" (not saved: {err})")))
                        }
                    };
                    match saved {
                        Ok(where_to) => Action::SourceAdded {
                            source: Box::new(config.new_source(
                                &name,
                                &finding.url,
                                Format::Auto,
                                None,
                            )),
                            notice: format!("added {name}{where_to}: {found}"),
                        },
                        Err(err) => Action::Notice(format!("cannot add {name}: {err}")),
                    }
                }
            };
            let _ = ui.send(action);
        });
    }

    /// Stops polling `id` and takes it out of the config file.
    fn remove_source(&mut self, id: &SourceId) {
        self.poller.remove(id);
        self.sources.retain(|source| &source.id != id);
        let _ = self.store.send(StoreRequest::Sources(self.shown()));
        if let Some(path) = self.config_file.clone() {
            let id = id.clone();
            let ui = self.ui.clone();
            tokio::task::spawn_blocking(move || {
                if let Err(err) = remove_from_file(&path, &id.0) {
                    let _ = ui.send(Action::Notice(format!(
                        "{id} is still in the config: {err}"
                    )));
                }
            });
        }
    }
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
            Effect::MarkUnread(source, id) => {
                let _ = self
                    .store
                    .send(StoreRequest::MarkUnread(source.clone(), id.clone()));
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
            Effect::AddSource(url) => self.add_source(url),
            Effect::PollSource(source) => {
                self.sources.retain(|s| s.id != source.id);
                self.sources.push((**source).clone());
                self.poller.add((**source).clone(), Validators::default());
                let _ = self.store.send(StoreRequest::Sources(self.shown()));
            }
            Effect::RemoveSource(id) => self.remove_source(id),
            Effect::Alert(entry) => self.alerts.run(entry),
            _ => {}
        }
    }
}

/// A poll this many new entries or more may bring some the reader's window cannot
/// hold: only then is the window's oldest entry looked up (one short query).
const WINDOW_CHECK_FROM: usize = 1_000;

/// What a stored poll tells the app: its new and edited entries made rows (folded here,
/// on the cache worker, not on the UI thread). New entries the window cannot hold (the
/// cache has `window` newer ones among `shown`) are counted, not made rows: a huge
/// feed's first poll would otherwise build, send and index rows for its whole history
/// only for the window to drop most of them. The poll's `large_slot` goes with the
/// rows (see [`PolledRows::large_slot`]).
fn polled(
    store: &Store,
    mut ingested: Ingested,
    large_slot: Option<LargeSlot>,
    shown: &[SourceId],
    window: usize,
) -> Action {
    let applied = &mut ingested.applied;
    let mut older = 0;
    if applied.new.len() >= WINDOW_CHECK_FROM
        && let Ok(Some(floor)) = store.window_floor(Some(shown), window)
    {
        let before = applied.new.len();
        // As the reader sorts: never later than when first seen.
        applied
            .new
            .retain(|entry| entry.sort_time().min(entry.first_seen) >= floor);
        older = before - applied.new.len();
    }
    let mut rows = PolledRows::take(&mut ingested);
    rows.older = older;
    rows.large_slot = large_slot;
    Action::Polled {
        ingested: Box::new(ingested),
        rows,
    }
}

/// The cache's entries matching `query` sorted before `before`, as rows for the
/// reader (folded here, off the UI thread).
fn search_older(
    store: &mut Store,
    query: String,
    before: Timestamp,
    shown: &[SourceId],
) -> Result<Action, crate::store::StoreError> {
    let rows = match Query::parse(&query) {
        Ok(parsed) => store.query_among(
            &parsed,
            Timestamp::now(),
            Some(before),
            Some(shown),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flags, Item};
    use crate::store::ingest::Ingested;

    fn items(source: &str, count: usize, newest: Timestamp) -> Vec<Item> {
        (0..count)
            .map(|number| Item {
                id: EntryId(format!("{source}-{number}")),
                published: Some(newest - jiff::SignedDuration::from_mins(2 * number as i64)),
                updated: None,
                title: format!("{source} {number}"),
                author: None,
                url: None,
                text: format!("entry {number} of {source}"),
                html: None,
                flags: Flags::default(),
            })
            .collect()
    }

    fn poll_of(store: &mut Store, source: &SourceId, items: &[Item], now: Timestamp) -> Ingested {
        let applied = store.apply(source, items, now).expect("stored");
        Ingested {
            source: source.clone(),
            state: Default::default(),
            applied,
            not_modified: false,
            next_poll: None,
        }
    }

    /// A huge poll's new entries that the reader's window cannot hold (the cache has
    /// `window` newer ones) reach the app counted, not as rows; those it can hold all
    /// come as rows, and a poll into a cache short of `window` sends every entry.
    #[test]
    fn a_poll_sends_rows_only_for_entries_the_window_can_hold() {
        let mut store = Store::open_in_memory().expect("store");
        let now = Timestamp::from_second(1_800_000_000).expect("time");
        let (one, two) = (SourceId("one".into()), SourceId("two".into()));
        let shown = [one.clone(), two.clone()];
        let window = 3_000;

        // 2,000 entries, then 2,000 more interleaved with them: 4,000 in the cache.
        let first = poll_of(&mut store, &one, &items("one", 2_000, now), now);
        let Action::Polled { rows, .. } = polled(&store, first, None, &shown, window) else {
            panic!("a poll's action");
        };
        assert_eq!(
            (rows.new.len(), rows.older),
            (2_000, 0),
            "the cache held fewer than the window"
        );

        let later = now + jiff::SignedDuration::from_mins(1);
        let second = poll_of(&mut store, &two, &items("two", 2_000, later), now);
        let Action::Polled { rows, .. } = polled(&store, second, None, &shown, window) else {
            panic!("a poll's action");
        };
        // The newest 3,000 of the 4,000 hold 1,500 of each source.
        assert_eq!(
            rows.new.len() + rows.older,
            2_000,
            "every new entry counted"
        );
        assert_eq!(rows.new.len(), 1_500, "rows for the window's entries only");
        let floor = store
            .window_floor(Some(&shown), window)
            .expect("floor")
            .expect("window full");
        assert!(rows.new.iter().all(|row| row.sort_time >= floor));
    }
}
