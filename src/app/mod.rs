//! The reader's state and `update(&mut App, Action)`: no terminal, no sockets.
//!
//! Input becomes [`Action`]s (see `keys`), data arrives as [`Action::Ingested`], and
//! [`update`] returns the [`Effect`]s the edge must carry out (poll now, mark read,
//! copy a link). Drawing (`ui`) only reads an `&App`.

mod scan;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::ingest::Ingested;
use crate::keys::KeyMap;
use crate::model::{Entry, EntryId, SourceId};
use crate::query::{Prepared, Query, QueryError};
use crate::store::SourceState;
use crate::ui;

pub use scan::Scan;

/// How hard a new filter pass tries to keep the selected entry where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// Always: the list changed under the reader (an edit, a source toggled).
    Keep,
    /// If the first step reaches it: the user typed, and the frame must follow at once.
    WithinBudget,
}

/// How long filter passes run before a frame is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterBudget {
    /// What a keystroke may spend filtering: its frame must follow the key within
    /// 16 ms, drawing included.
    pub first_step: Duration,
    /// What each later step may spend. A key that arrives meanwhile waits at most this
    /// long, plus its own first step. (Each step tests at least one chunk of rows.)
    pub step: Duration,
}

impl Default for FilterBudget {
    fn default() -> FilterBudget {
        FilterBudget {
            first_step: Duration::from_millis(3),
            step: Duration::from_millis(4),
        }
    }
}

/// Something the user or the world did.
#[derive(Debug, Clone)]
pub enum Action {
    /// Move the selection (or scroll the detail view) up one line.
    Up,
    /// Move the selection (or scroll the detail view) down one line.
    Down,
    /// Move up one screen.
    PageUp,
    /// Move down one screen.
    PageDown,
    /// Go to the newest entry (or the top of the entry).
    Top,
    /// Go to the oldest entry (or the end of the entry).
    Bottom,
    /// Open the selected entry, or close the sources panel.
    Open,
    /// Leave the current view (detail, sources, help) or clear an active filter.
    Back,
    /// Start typing a filter.
    StartFilter,
    /// A character typed into the filter.
    FilterChar(char),
    /// Delete the character before the cursor in the filter.
    FilterBackspace,
    /// Delete the last word of the filter.
    FilterDeleteWord,
    /// Stop typing and keep the filter.
    FilterAccept,
    /// Stop typing and drop the filter.
    FilterCancel,
    /// Show or hide the sources panel.
    ToggleSourcesPanel,
    /// In the sources panel: show or hide the selected source's entries.
    ToggleSource,
    /// Keep the newest entry selected as entries arrive (or stop doing so).
    ToggleFollow,
    /// Poll now: every source, or the one selected in the sources panel.
    Refresh,
    /// Copy the selected entry's link to the clipboard (OSC 52).
    CopyLink,
    /// Open the selected entry's link in `$BROWSER`.
    OpenLink,
    /// Show or hide the key help.
    ToggleHelp,
    /// Leave the reader.
    Quit,
    /// The terminal has a new size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// The clock moved (relative times, `since:` filters).
    Tick(Timestamp),
    /// A poll was stored: new and edited entries, and the source's state.
    Ingested(Box<Ingested>),
    /// A transient message for the status line (e.g. the result of an effect).
    Notice(String),
    /// Recall an older (-1) or newer (+1) filter from this session's history.
    FilterHistory(i32),
    /// Show or hide the saved-filter picker.
    ToggleSavedFilters,
    /// Apply the saved filter with this index (the picker's order, `1` is 0).
    ApplySavedFilter(usize),
    /// Mark every entry the list shows as read.
    MarkAllRead,
    /// Select the oldest unread entry the list shows.
    OldestUnread,
    /// Show only key events, pinned and summary entries (or everything again).
    ToggleKeyEvents,
    /// In an entry: open the next (older) one.
    NextEntry,
    /// In an entry: open the previous (newer) one.
    PreviousEntry,
    /// The mouse wheel turned: positive is down, in lines.
    Scroll(i32),
    /// Older cached entries loaded after the first frame (never counted as new).
    Backfill(Vec<Row>),
    /// A click on this screen row.
    Click(u16),
    /// Run the filter pass a step further (sent while one runs and no input waits).
    FilterStep,
    /// The cache's matches for `query` older than every entry held (newest first).
    CacheMatches {
        /// The filter they were searched for (stale if the filter has changed since).
        query: String,
        /// The entries, ready to show.
        rows: Vec<Row>,
        /// The search stopped at its limit: the cache holds more.
        more: bool,
    },
}

/// Most older matches one search of the cache brings into the reader.
pub const CACHE_MATCHES: usize = 1_000;

/// Work for the edge to do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Poll every source now (`None`) or one.
    Refresh(Option<SourceId>),
    /// Record that the user opened this entry.
    MarkRead(SourceId, EntryId),
    /// Put this text on the clipboard.
    CopyLink(String),
    /// Open this URL in the browser.
    OpenLink(String),
    /// Search the cache for entries matching `query` sorted before `before` (older than
    /// every entry the reader holds), at most [`CACHE_MATCHES`].
    SearchCache {
        /// The filter as typed.
        query: String,
        /// The sort time of the oldest entry held.
        before: Timestamp,
    },
    /// Record that the user has read all of these.
    MarkAllRead(Vec<EntryKey>),
    /// A new entry matched the alert query: bell, desktop notification, command.
    Alert(Box<Entry>),
    /// Leave.
    Quit,
}

/// Which screen is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// The merged list.
    List,
    /// One entry, scrolled by `scroll` lines.
    Detail {
        /// The entry shown.
        key: EntryKey,
        /// Lines scrolled past.
        scroll: usize,
    },
    /// The sources panel.
    Sources,
    /// Key help over the list.
    Help,
    /// The saved-filter picker over the list.
    SavedFilters {
        /// The highlighted filter.
        selected: usize,
    },
}

/// An entry's identity across the whole reader.
pub type EntryKey = (SourceId, EntryId);

/// A source as the reader shows it.
#[derive(Debug, Clone)]
pub struct SourceView {
    /// Its name.
    pub id: SourceId,
    /// Whether its entries are shown.
    pub enabled: bool,
    /// Polling state (last success, last error).
    pub state: SourceState,
    /// Cached entries from it.
    pub entries: usize,
    /// Entries from it not yet opened.
    pub unread: usize,
    /// When it will be polled next, if known.
    pub next_poll: Option<Timestamp>,
}

/// One cached entry with its search form.
#[derive(Debug, Clone)]
pub struct Row {
    /// The entry.
    pub entry: Entry,
    /// Folded text for filtering.
    pub prepared: Prepared,
    /// The body's links, `(text, URL)`, for the detail view.
    pub links: Vec<(String, String)>,
}

/// The filter being typed or applied.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The text as typed.
    pub input: String,
    /// The user is typing it.
    pub editing: bool,
    /// The last query that parsed; applied to the list.
    pub query: Query,
    /// Why `input` does not parse, shown in place (the list keeps the last good query).
    pub error: Option<QueryError>,
}

/// The whole reader state.
#[derive(Debug)]
pub struct App {
    /// Every loaded entry, newest first (a deque: new entries go in front).
    pub rows: VecDeque<Row>,
    /// Indexes into `rows` that pass the filter and the source toggles, in order (so
    /// far, while `scan` runs: more are only ever appended).
    pub visible: Vec<usize>,
    /// The filter pass still running, if any (see [`Scan`]).
    pub scan: Option<Scan>,
    /// How long filter passes run between frames.
    pub filter_budget: FilterBudget,
    /// Selected position within `visible`.
    pub selected: usize,
    /// First `visible` position drawn at the top of the list.
    pub offset: usize,
    /// The current screen.
    pub view: View,
    /// The filter.
    pub filter: Filter,
    /// Keep the newest entry selected as entries arrive.
    pub follow: bool,
    /// Entries that arrived above the selection since the user last was at the top.
    pub new_above: usize,
    /// Sources in config order.
    pub sources: Vec<SourceView>,
    /// Selected row of the sources panel.
    pub source_selected: usize,
    /// Display time zone.
    pub timezone: TimeZone,
    /// The time, as of the last tick.
    pub now: Timestamp,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// A transient message for the status line.
    pub notice: Option<String>,
    /// Set when the user asked to leave.
    pub quit: bool,
    /// The key bindings (the help is drawn from them).
    pub keymap: KeyMap,
    /// Saved filters, `(name, query)`, in config order.
    pub saved_filters: Vec<(String, String)>,
    /// Filters applied this session, oldest first.
    pub filter_history: Vec<String>,
    /// Position in `filter_history` while recalling (`None`: not recalling).
    pub history_position: Option<usize>,
    /// New entries matching this query raise an alert.
    pub alert_query: Option<Query>,
    /// Entries that raised an alert (highlighted in the list).
    pub alerted: HashSet<EntryKey>,
    /// Only key events, pinned and summary entries are shown.
    pub key_events_only: bool,
    /// Entries first seen after this were new since the last session (a line marks it).
    pub last_session: Option<Timestamp>,
    /// The colours (`Mono` when `NO_COLOR` is set).
    pub theme: crate::model::Theme,
    /// How many entries the reader holds at most (`[general] window`); once it holds
    /// that many, an applied filter also searches the older ones in the cache.
    pub window: usize,
    /// The filter whose search of the cache is under way.
    pub searching_cache: Option<String>,
}

impl App {
    /// A reader over `sources` (config order) showing `entries` (newest first) as cached.
    pub fn new(
        sources: Vec<(SourceId, SourceState)>,
        entries: Vec<Entry>,
        timezone: TimeZone,
        now: Timestamp,
    ) -> App {
        let mut app = App {
            rows: VecDeque::new(),
            visible: Vec::new(),
            scan: None,
            filter_budget: FilterBudget::default(),
            selected: 0,
            offset: 0,
            view: View::List,
            filter: Filter::default(),
            follow: true,
            new_above: 0,
            sources: sources
                .into_iter()
                .map(|(id, state)| SourceView {
                    id,
                    enabled: true,
                    state,
                    entries: 0,
                    unread: 0,
                    next_poll: None,
                })
                .collect(),
            source_selected: 0,
            timezone,
            now,
            size: (80, 24),
            notice: None,
            quit: false,
            keymap: KeyMap::default(),
            saved_filters: Vec::new(),
            filter_history: Vec::new(),
            history_position: None,
            alert_query: None,
            window: crate::config::DEFAULT_WINDOW,
            searching_cache: None,
            alerted: HashSet::new(),
            key_events_only: false,
            last_session: None,
            theme: crate::model::Theme::Dark,
        };
        app.rows = entries.into_iter().map(Row::new).collect();
        sort_rows(app.rows.make_contiguous());
        app.recount_sources();
        app.refilter();
        app
    }

    /// The selected entry, if the list has any.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.visible
            .get(self.selected)
            .map(|&index| &self.rows[index].entry)
    }

    /// The entry with this key, if loaded.
    pub fn find(&self, key: &EntryKey) -> Option<&Entry> {
        self.find_row(key).map(|row| &row.entry)
    }

    /// The loaded row with this key.
    pub fn find_row(&self, key: &EntryKey) -> Option<&Row> {
        self.row_index(key).map(|index| &self.rows[index])
    }

    /// Where the row with this key is in `rows`. The entry open or being marked is
    /// nearly always the selected one: that is looked at first, before a scan of up to
    /// the whole window (which the detail view would otherwise pay at every frame).
    fn row_index(&self, key: &EntryKey) -> Option<usize> {
        let is_key = |row: &Row| row.entry.source == key.0 && row.entry.item.id == key.1;
        match self.visible.get(self.selected) {
            Some(&index) if is_key(&self.rows[index]) => Some(index),
            _ => self.rows.iter().position(is_key),
        }
    }

    /// Rows the list shows at once.
    pub fn list_height(&self) -> usize {
        usize::from(ui::layout(self.size.0, self.size.1).list.height).max(1)
    }

    /// Sources whose last poll failed.
    pub fn failing_sources(&self) -> impl Iterator<Item = &SourceView> {
        self.sources
            .iter()
            .filter(|source| source.state.last_error.is_some())
    }

    fn key_at(&self, position: usize) -> Option<EntryKey> {
        self.visible.get(position).map(|&index| {
            (
                self.rows[index].entry.source.clone(),
                self.rows[index].entry.item.id.clone(),
            )
        })
    }

    fn recount_sources(&mut self) {
        let mut counts: HashMap<&SourceId, (usize, usize)> = HashMap::new();
        for row in &self.rows {
            let count = counts.entry(&row.entry.source).or_default();
            count.0 += 1;
            count.1 += usize::from(!row.entry.read);
        }
        for source in &mut self.sources {
            let (entries, unread) = counts.get(&source.id).copied().unwrap_or_default();
            source.entries = entries;
            source.unread = unread;
        }
    }

    /// Recomputes `visible` from the filter and the source toggles, keeping the
    /// selected entry selected (and where it was on screen) when it is still shown.
    fn refilter(&mut self) {
        let anchor = self.anchor();
        self.visible.clear();
        self.restart(Scan::all(), anchor, Anchor::Keep);
    }

    /// The selected row and its row on screen.
    fn anchor(&self) -> Option<(usize, usize)> {
        self.visible
            .get(self.selected)
            .map(|&row| (row, self.selected.saturating_sub(self.offset)))
    }

    /// Starts the filter pass `scan` (over an emptied `visible`) and runs its first
    /// step, so that the selected entry (`anchor`), if it still matches, stays selected
    /// and where it was on screen. With [`Anchor::Keep`] the step always gets past its
    /// row, however long that takes; with [`Anchor::WithinBudget`] (a keystroke, which
    /// must be drawn within a frame) only if it gets there in time, else the new list
    /// starts at its top.
    fn restart(&mut self, scan: Scan, anchor: Option<(usize, usize)>, keep: Anchor) {
        self.scan = Some(scan);
        let through = match keep {
            Anchor::Keep => anchor.map(|(row, _)| row),
            Anchor::WithinBudget => None,
        };
        self.advance(
            Some(Instant::now() + self.filter_budget.first_step),
            through,
        );
        // `visible` is in row order, so the anchor is found by bisection.
        let found = anchor.and_then(|(row, screen_row)| {
            let position = self.visible.binary_search(&row).ok()?;
            Some((position, screen_row))
        });
        match found {
            Some((position, screen_row)) => {
                // The selected entry keeps its row on screen, unless that would leave
                // matching rows hidden above a list that fits below them (known only once
                // the pass has ended: while it runs, more rows may follow).
                self.selected = position;
                self.offset = position.saturating_sub(screen_row);
                if self.scan.is_none() {
                    let fill = self.visible.len().saturating_sub(self.list_height());
                    self.offset = self.offset.min(fill);
                }
            }
            None => {
                self.selected = 0;
                self.offset = 0;
            }
        }
        self.clamp();
    }

    /// Whether a row passes the filter and the source toggles.
    fn row_filter(&self) -> impl Fn(&Row) -> bool + Sync + '_ {
        let hidden: HashSet<&SourceId> = self
            .sources
            .iter()
            .filter(|source| !source.enabled)
            .map(|source| &source.id)
            .collect();
        let now = self.now;
        move |row: &Row| {
            (!self.key_events_only || row.entry.item.flags.is_key())
                && !hidden.contains(&row.entry.source)
                && self.filter.query.matches_prepared(&row.prepared, now)
        }
    }

    /// Runs the filter pass until `deadline` (to the end when `None`), past row
    /// `through` at least; the matches join `visible` below what is there.
    fn advance(&mut self, deadline: Option<Instant>, through: Option<usize>) {
        let Some(mut scan) = self.scan.take() else {
            return;
        };
        let mut visible = std::mem::take(&mut self.visible);
        {
            let keep_row = self.row_filter();
            let rows = &self.rows;
            let keep = |index: usize| keep_row(&rows[index]);
            scan.step(rows.len(), &keep, deadline, through, &mut visible);
        }
        self.visible = visible;
        if !scan.is_done(self.rows.len()) {
            self.scan = Some(scan);
        }
    }

    /// Whether a filter pass is still running (the loop then calls
    /// [`Action::FilterStep`] whenever no input is waiting).
    pub fn filtering(&self) -> bool {
        self.scan.is_some()
    }

    /// How far the running filter pass is, from 0 to 1 (`None`: none is running).
    pub fn filter_progress(&self) -> Option<f64> {
        self.scan
            .as_ref()
            .map(|scan| scan.progress(self.rows.len()))
    }

    /// Runs the filter pass to its end (for what needs the whole list: the bottom,
    /// the oldest unread, marking all read).
    pub fn finish_filter(&mut self) {
        self.advance(None, None);
    }

    /// Keeps the selection in range and on screen.
    fn clamp(&mut self) {
        let len = self.visible.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        let height = self.list_height();
        if self.selected < self.offset {
            self.offset = self.selected;
        }
        if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        // The offset may leave rows hidden above a short list: that is how the entry being
        // read keeps its place on screen when new ones arrive above it.
        self.offset = self.offset.min(len.saturating_sub(1));
        if self.selected == 0 {
            self.new_above = 0;
        }
    }

    fn move_selection(&mut self, delta: isize) {
        let len = self.visible.len();
        if len == 0 {
            return;
        }
        let target = self.selected.saturating_add_signed(delta).min(len - 1);
        self.selected = target;
        self.clamp();
    }

    /// Merges a poll's new and edited entries. The entry being read never moves: if the
    /// user is at the top and following, the newest entry is selected; otherwise the
    /// selection (and its place on screen) stays and "N new" counts what arrived above.
    fn merge(&mut self, ingested: Ingested) -> Vec<Effect> {
        if let Some(source) = self
            .sources
            .iter_mut()
            .find(|source| source.id == ingested.source)
        {
            source.state = ingested.state.clone();
            source.next_poll = ingested.next_poll;
        }
        let applied = ingested.applied;
        if !applied.removed.is_empty() {
            // Kept and marked: nothing the user saw vanishes.
            let removed: HashSet<&EntryId> = applied.removed.iter().collect();
            for row in &mut self.rows {
                if row.entry.source == ingested.source && removed.contains(&row.entry.item.id) {
                    row.entry.removed = true;
                }
            }
        }
        if applied.new.is_empty() && applied.updated.is_empty() {
            return Vec::new();
        }
        let mut effects = Vec::new();
        if let Some(alert) = &self.alert_query {
            // Oldest first, so notifications arrive in the order things happened.
            for entry in applied
                .new
                .iter()
                .rev()
                .filter(|entry| alert.matches(entry, self.now))
            {
                self.alerted
                    .insert((entry.source.clone(), entry.item.id.clone()));
                effects.push(Effect::Alert(Box::new(entry.clone())));
            }
        }
        let anchor = self.key_at(self.selected);
        let was_at_top = self.selected == 0 && self.view != View::Help;
        let anchor_screen_row = self.selected.saturating_sub(self.offset);
        let old_selected = self.selected;

        // Edits replace their rows in place (looked up without cloning every key).
        let mut edited: HashMap<SourceId, HashMap<EntryId, Entry>> = HashMap::new();
        for entry in applied.updated {
            edited
                .entry(entry.source.clone())
                .or_default()
                .insert(entry.item.id.clone(), entry);
        }
        let mut edited_in_place = false;
        if !edited.is_empty() {
            for row in &mut self.rows {
                if let Some(entry) = edited
                    .get_mut(&row.entry.source)
                    .and_then(|by_id| by_id.remove(&row.entry.item.id))
                {
                    *row = Row::new(entry);
                    edited_in_place = true;
                }
            }
        }
        // Entries edited before we ever loaded them are simply new to this window.
        let mut fresh: Vec<Row> = applied
            .new
            .into_iter()
            .chain(edited.into_values().flat_map(HashMap::into_values))
            .map(Row::new)
            .collect();
        sort_rows(&mut fresh);
        let all_newer = match (fresh.last(), self.rows.front()) {
            (Some(oldest_fresh), Some(newest)) => {
                oldest_fresh.entry.sort_time() >= newest.entry.sort_time()
            }
            _ => true,
        };
        if all_newer && !edited_in_place {
            // The usual case, news arriving: the new rows go in front and only they are
            // tested; what was shown, and any filter pass still running, moves down.
            let added = self.prepend(fresh);
            if self.follow && was_at_top {
                self.selected = 0;
                self.offset = 0;
                self.new_above = 0;
            } else if anchor.is_some() {
                self.new_above += added;
                self.selected = old_selected + added;
                self.offset = self.selected.saturating_sub(anchor_screen_row);
            }
            self.clamp();
            return effects;
        }

        let mut rows: Vec<Row> = fresh;
        rows.extend(std::mem::take(&mut self.rows));
        sort_rows(&mut rows);
        self.rows = rows.into();
        self.recount_sources();

        let kept = self.refilter_keeping(anchor, anchor_screen_row);
        if self.follow && was_at_top {
            self.selected = 0;
            self.offset = 0;
            self.new_above = 0;
        } else if kept {
            self.new_above += self.selected.saturating_sub(old_selected);
        }
        self.clamp();
        effects
    }

    /// Counts a row joining the window in its source's totals.
    fn count_in(&mut self, row: &Row) {
        if let Some(source) = self
            .sources
            .iter_mut()
            .find(|source| source.id == row.entry.source)
        {
            source.entries += 1;
            source.unread += usize::from(!row.entry.read);
        }
    }

    /// Puts `fresh` (newest first, all at least as new as every row) in front of the
    /// rows; returns how many of them the filter shows.
    fn prepend(&mut self, fresh: Vec<Row>) -> usize {
        let added = fresh.len();
        for row in fresh.into_iter().rev() {
            self.count_in(&row);
            self.rows.push_front(row);
        }
        let shown: Vec<usize> = {
            let keep = self.row_filter();
            (0..added)
                .filter(|&index| keep(&self.rows[index]))
                .collect()
        };
        for index in &mut self.visible {
            *index += added;
        }
        if let Some(scan) = &mut self.scan {
            scan.shift(added);
        }
        let count = shown.len();
        self.visible.splice(0..0, shown);
        count
    }

    /// Adds older cached entries behind the ones shown; the selection and the screen do
    /// not move. Entries a poll already brought in are kept as they are.
    fn backfill(&mut self, rows: Vec<Row>) {
        // An entry already held (a poll brought it, or the cache's order shifted between
        // chunks) has the same sort time as its copy here: only the rows in the chunk's
        // span of times are looked at, not the whole window at every chunk.
        let newest = rows.iter().map(|row| row.entry.sort_time()).max();
        let oldest = rows.iter().map(|row| row.entry.sort_time()).min();
        let known: HashSet<(&SourceId, &EntryId)> = match (newest, oldest) {
            (Some(newest), Some(oldest)) => {
                let first = self
                    .rows
                    .partition_point(|row| row.entry.sort_time() > newest);
                let end = self
                    .rows
                    .partition_point(|row| row.entry.sort_time() >= oldest);
                self.rows
                    .range(first..end.max(first))
                    .map(|row| (&row.entry.source, &row.entry.item.id))
                    .collect()
            }
            _ => HashSet::new(),
        };
        let mut fresh: Vec<Row> = rows
            .into_iter()
            .filter(|row| !known.contains(&(&row.entry.source, &row.entry.item.id)))
            .collect();
        if fresh.is_empty() {
            return;
        }
        sort_rows(&mut fresh);
        let all_older = match (fresh.first(), self.rows.back()) {
            (Some(newest_fresh), Some(oldest)) => {
                newest_fresh.entry.sort_time() <= oldest.entry.sort_time()
            }
            _ => true,
        };
        if all_older {
            // The usual case: older rows go behind, and a pass tests them there.
            let start = self.rows.len();
            for row in &fresh {
                self.count_in(row);
            }
            self.rows.extend(fresh);
            let scan = match self.scan.take() {
                // A running pass's tail reaches to the last row, these included.
                Some(running) => running,
                None => Scan::within(Vec::new(), start),
            };
            self.scan = Some(scan);
            self.advance(Some(Instant::now() + self.filter_budget.step), None);
            return;
        }
        let anchor = self.key_at(self.selected);
        let anchor_screen_row = self.selected.saturating_sub(self.offset);
        let mut all: Vec<Row> = std::mem::take(&mut self.rows).into();
        all.extend(fresh);
        sort_rows(&mut all);
        self.rows = all.into();
        self.recount_sources();
        self.refilter_keeping(anchor, anchor_screen_row);
    }

    /// Refilters after the rows were re-sorted (so `visible` is stale), keeping the entry
    /// `anchor` selected on its row of the screen if it still matches; says if it did.
    fn refilter_keeping(&mut self, anchor: Option<EntryKey>, screen_row: usize) -> bool {
        let row = anchor.and_then(|key| {
            self.rows
                .iter()
                .position(|row| row.entry.source == key.0 && row.entry.item.id == key.1)
        });
        self.visible.clear();
        self.restart(Scan::all(), row.map(|row| (row, screen_row)), Anchor::Keep);
        row.is_some_and(|row| self.visible.get(self.selected) == Some(&row))
    }

    /// Once the reader holds a full window, an applied filter also looks for matches
    /// among the older entries in the cache (they join the list below, when found).
    fn search_older(&mut self) -> Option<Effect> {
        let input = self.filter.input.trim();
        if input.is_empty() || self.filter.error.is_some() || self.rows.len() < self.window {
            return None;
        }
        let before = self.rows.back()?.entry.sort_time();
        let query = self.filter.input.clone();
        self.searching_cache = Some(query.clone());
        self.notice = Some("searching the cache for older matches…".to_string());
        Some(Effect::SearchCache { query, before })
    }

    /// Adds the current filter to the history (once, most recent last).
    fn remember_filter(&mut self) {
        self.history_position = None;
        let input = self.filter.input.trim();
        if input.is_empty() || self.filter.error.is_some() {
            return;
        }
        let input = input.to_string();
        self.filter_history.retain(|old| *old != input);
        self.filter_history.push(input);
    }

    /// Steps through the history: -1 older, +1 newer; past the newest, an empty filter.
    fn recall_filter(&mut self, direction: i32) {
        if self.filter_history.is_empty() {
            return;
        }
        let last = self.filter_history.len() - 1;
        let position = match (self.history_position, direction < 0) {
            (None, true) => Some(last),
            (None, false) => None,
            (Some(position), true) => Some(position.saturating_sub(1)),
            (Some(position), false) if position < last => Some(position + 1),
            (Some(_), false) => None,
        };
        self.history_position = position;
        let input = position
            .and_then(|position| self.filter_history.get(position).cloned())
            .unwrap_or_default();
        self.set_filter_input(input);
    }

    /// Opens the entry at `position` in the list (and marks it read).
    fn open_at(&mut self, position: usize, effects: &mut Vec<Effect>) {
        let Some(key) = self.key_at(position) else {
            return;
        };
        self.selected = position;
        self.clamp();
        if self.mark_read(&key) {
            effects.push(Effect::MarkRead(key.0.clone(), key.1.clone()));
        }
        self.view = View::Detail { key, scroll: 0 };
    }

    fn set_filter_input(&mut self, input: String) {
        let previous = std::mem::take(&mut self.filter.input);
        self.filter.input = input;
        match Query::parse(&self.filter.input) {
            Ok(query) => {
                // Typing on at the end of a query made only of positive terms can only
                // narrow it: filter what is shown instead of everything. (Not when the
                // typing turns a word into a field or a phrase: `title` → `title:x`.)
                let appended = self.filter.input.strip_prefix(previous.as_str());
                let narrows = self.filter.error.is_none()
                    && !previous.trim().is_empty()
                    && appended.is_some_and(|text| {
                        !text.contains([':', '"', '(', ')', '-', '“', '”', '„'])
                    })
                    && self.filter.query.is_positive_conjunction()
                    && query.is_positive_conjunction();
                self.filter.query = query;
                self.filter.error = None;
                if narrows {
                    let anchor = self.anchor();
                    let matched = std::mem::take(&mut self.visible);
                    let rows = self.rows.len();
                    let scan = match self.scan.take() {
                        Some(running) => running.narrowed(matched, rows),
                        None => Scan::within(matched, rows),
                    };
                    self.restart(scan, anchor, Anchor::WithinBudget);
                } else {
                    let anchor = self.anchor();
                    self.visible.clear();
                    self.restart(Scan::all(), anchor, Anchor::WithinBudget);
                }
            }
            Err(error) => self.filter.error = Some(error),
        }
    }

    fn mark_read(&mut self, key: &EntryKey) -> bool {
        let Some(row) = self.row_index(key).map(|index| &mut self.rows[index]) else {
            return false;
        };
        if row.entry.read {
            return false;
        }
        row.entry.read = true;
        if let Some(source) = self.sources.iter_mut().find(|source| source.id == key.0) {
            source.unread = source.unread.saturating_sub(1);
        }
        true
    }

    /// Lines of the detail view's text at the current width (for scrolling bounds).
    fn detail_lines(&self, key: &EntryKey) -> usize {
        let area = ui::layout(self.size.0, self.size.1).list;
        self.find_row(key)
            .map_or(0, |row| ui::detail_lines(row, self, area.width).len())
    }
}

impl Row {
    /// Wraps an entry with its search form.
    pub fn new(mut entry: Entry) -> Row {
        let prepared = Prepared::new(&entry);
        // The detail view needs only the body's links; the HTML itself stays in the
        // cache, not in every held entry (it is the largest field).
        let links = entry
            .item
            .html
            .take()
            .map(|html| crate::parse::links(&html, entry.item.url.as_deref()))
            .unwrap_or_default();
        Row {
            entry,
            prepared,
            links,
        }
    }
}

/// Newest first; a stable sort keeps the given order among equal times.
fn sort_rows(rows: &mut [Row]) {
    rows.sort_by_key(|row| std::cmp::Reverse(row.entry.sort_time()));
}

/// Applies one action; returns what the edge must do.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    if !matches!(
        action,
        Action::Tick(_)
            | Action::Ingested(_)
            | Action::Notice(_)
            | Action::Backfill(_)
            | Action::FilterStep
    ) {
        app.notice = None;
    }
    match action {
        Action::Resize { width, height } => {
            app.size = (width, height);
            app.clamp();
        }
        Action::Tick(now) => {
            app.now = now;
            // Only `since:` changes with the clock; any other filter stays as it is
            // (and a pass that is running goes on).
            if app.filter.query.depends_on_time() {
                app.refilter();
            }
        }
        Action::Ingested(ingested) => effects.extend(app.merge(*ingested)),
        Action::Backfill(rows) => app.backfill(rows),
        Action::FilterStep => app.advance(Some(Instant::now() + app.filter_budget.step), None),
        Action::Notice(text) => app.notice = Some(text),
        Action::Quit => {
            app.quit = true;
            effects.push(Effect::Quit);
        }
        Action::StartFilter => {
            app.view = View::List;
            app.filter.editing = true;
        }
        Action::FilterChar(c) => {
            let mut input = app.filter.input.clone();
            input.push(c);
            app.set_filter_input(input);
        }
        Action::FilterBackspace => {
            let mut input = app.filter.input.clone();
            input.pop();
            app.set_filter_input(input);
        }
        Action::FilterDeleteWord => {
            let trimmed = app.filter.input.trim_end();
            let cut = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
            let input = trimmed[..cut].to_string();
            app.set_filter_input(input);
        }
        Action::FilterAccept => {
            app.filter.editing = false;
            app.remember_filter();
            effects.extend(app.search_older());
        }
        Action::CacheMatches { query, rows, more } => {
            if app.searching_cache.as_deref() == Some(query.as_str()) {
                app.searching_cache = None;
            }
            // A search for a filter since changed is dropped.
            if query == app.filter.input {
                let found = rows.len();
                app.backfill(rows);
                app.notice = Some(match (found, more) {
                    (0, _) => "no older matches in the cache".to_string(),
                    (_, false) => format!("+{found} older matches from the cache"),
                    // The next search starts below these: `/` Enter pages on back.
                    (_, true) => format!("+{found} older matches from the cache; / Enter for more"),
                });
            }
        }
        Action::FilterHistory(direction) => app.recall_filter(direction),
        Action::ToggleSavedFilters => {
            app.view = match app.view {
                View::SavedFilters { .. } => View::List,
                _ => View::SavedFilters { selected: 0 },
            };
        }
        Action::ApplySavedFilter(index) => match app.saved_filters.get(index).cloned() {
            Some((name, query)) => {
                app.view = View::List;
                app.filter.editing = false;
                app.set_filter_input(query);
                app.remember_filter();
                app.notice = Some(format!("filter: {name}"));
                effects.extend(app.search_older());
            }
            None => {
                app.notice = Some(format!(
                    "no saved filter {} (add them under [filters])",
                    index + 1
                ))
            }
        },
        Action::MarkAllRead => {
            app.finish_filter();
            let keys: Vec<EntryKey> = app
                .visible
                .iter()
                .filter(|&&index| !app.rows[index].entry.read)
                .map(|&index| {
                    (
                        app.rows[index].entry.source.clone(),
                        app.rows[index].entry.item.id.clone(),
                    )
                })
                .collect();
            for key in &keys {
                app.mark_read(key);
            }
            app.notice = Some(format!("marked {} read", keys.len()));
            if !keys.is_empty() {
                effects.push(Effect::MarkAllRead(keys));
            }
        }
        Action::OldestUnread => {
            app.finish_filter();
            match app
                .visible
                .iter()
                .rposition(|&index| !app.rows[index].entry.read)
            {
                Some(position) => {
                    app.view = View::List;
                    app.selected = position;
                    app.clamp();
                }
                None => app.notice = Some("no unread entries".to_string()),
            }
        }
        Action::ToggleKeyEvents => {
            app.key_events_only = !app.key_events_only;
            app.refilter();
            app.notice = Some(
                if app.key_events_only {
                    "key events, pinned and summaries only"
                } else {
                    "all entries"
                }
                .to_string(),
            );
        }
        Action::FilterCancel => {
            app.filter.editing = false;
            app.set_filter_input(String::new());
        }
        Action::ToggleHelp => {
            app.view = if app.view == View::Help {
                View::List
            } else {
                View::Help
            };
        }
        Action::ToggleSourcesPanel => {
            app.view = if app.view == View::Sources {
                View::List
            } else {
                View::Sources
            };
        }
        Action::ToggleFollow => {
            app.follow = !app.follow;
            if app.follow {
                app.selected = 0;
                app.clamp();
            }
            app.notice = Some(
                if app.follow {
                    "following newest"
                } else {
                    "follow off"
                }
                .to_string(),
            );
        }
        Action::Refresh => {
            let target = match app.view {
                View::Sources => app
                    .sources
                    .get(app.source_selected)
                    .map(|source| source.id.clone()),
                _ => None,
            };
            app.notice = Some(match &target {
                Some(source) => format!("refreshing {source}…"),
                None => "refreshing all sources…".to_string(),
            });
            effects.push(Effect::Refresh(target));
        }
        action => navigate(app, action, &mut effects),
    }
    effects
}

/// Keys whose meaning depends on the view.
fn navigate(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    let page = app.list_height().saturating_sub(1).max(1) as isize;
    match (app.view.clone(), action) {
        (View::Help, _) => app.view = View::List,
        (View::Sources, Action::Up) => app.source_selected = app.source_selected.saturating_sub(1),
        (View::Sources, Action::Down) => {
            app.source_selected =
                (app.source_selected + 1).min(app.sources.len().saturating_sub(1));
        }
        (View::Sources, Action::Top) => app.source_selected = 0,
        (View::Sources, Action::Bottom) => {
            app.source_selected = app.sources.len().saturating_sub(1)
        }
        (View::Sources, Action::ToggleSource) => {
            if let Some(source) = app.sources.get_mut(app.source_selected) {
                source.enabled = !source.enabled;
                app.refilter();
            }
        }
        (View::Sources, Action::Open | Action::Back) => app.view = View::List,
        (View::Sources, Action::Click(row)) => {
            // The panel's first row is its title.
            let index = usize::from(row).saturating_sub(1);
            if row > 0 && index < app.sources.len() {
                app.source_selected = index;
            }
        }
        (View::SavedFilters { selected }, action) => {
            let count = app.saved_filters.len();
            match action {
                Action::Up => {
                    app.view = View::SavedFilters {
                        selected: selected.saturating_sub(1),
                    }
                }
                Action::Down => {
                    app.view = View::SavedFilters {
                        selected: (selected + 1).min(count.saturating_sub(1)),
                    };
                }
                Action::Open => effects.extend(update(app, Action::ApplySavedFilter(selected))),
                Action::Back => app.view = View::List,
                _ => {}
            }
        }
        (View::Detail { .. }, Action::NextEntry) => {
            let next = (app.selected + 1).min(app.visible.len().saturating_sub(1));
            app.open_at(next, effects);
        }
        (View::Detail { .. }, Action::PreviousEntry) => {
            let previous = app.selected.saturating_sub(1);
            app.open_at(previous, effects);
        }
        (View::List, Action::NextEntry) => app.move_selection(1),
        (View::List, Action::PreviousEntry) => app.move_selection(-1),
        (View::List, Action::Scroll(lines)) => app.move_selection(lines as isize),
        (View::List, Action::Click(row)) => {
            let position = app.offset + usize::from(row);
            if position < app.visible.len() && usize::from(row) < app.list_height() {
                if position == app.selected {
                    app.open_at(position, effects);
                } else {
                    app.selected = position;
                    app.clamp();
                }
            }
        }
        (View::Sources, Action::Scroll(lines)) => {
            let target = app
                .source_selected
                .saturating_add_signed(lines.signum() as isize);
            app.source_selected = target.min(app.sources.len().saturating_sub(1));
        }
        (View::Detail { key, scroll }, action) => {
            let action = match action {
                Action::Scroll(lines) if lines < 0 => Action::Up,
                Action::Scroll(_) => Action::Down,
                action => action,
            };
            let max_scroll = app.detail_lines(&key).saturating_sub(1);
            let current = scroll;
            let next = match action {
                Action::Up => Some(current.saturating_sub(1)),
                Action::Down => Some(current + 1),
                Action::PageUp => Some(current.saturating_sub(page as usize)),
                Action::PageDown => Some(current + page as usize),
                Action::Top => Some(0),
                Action::Bottom => Some(max_scroll),
                _ => None,
            };
            match (next, action) {
                (Some(next), _) => {
                    app.view = View::Detail {
                        key,
                        scroll: next.min(max_scroll),
                    }
                }
                (None, Action::Back) => app.view = View::List,
                (None, Action::CopyLink) => link_effect(app, Some(key), Effect::CopyLink, effects),
                (None, Action::OpenLink) => link_effect(app, Some(key), Effect::OpenLink, effects),
                _ => {}
            }
        }
        (View::List, Action::Up) => app.move_selection(-1),
        (View::List, Action::Down) => app.move_selection(1),
        (View::List, Action::PageUp) => app.move_selection(-page),
        (View::List, Action::PageDown) => app.move_selection(page),
        (View::List, Action::Top) => {
            app.selected = 0;
            app.clamp();
        }
        (View::List, Action::Bottom) => {
            app.finish_filter();
            app.selected = app.visible.len().saturating_sub(1);
            app.clamp();
        }
        (View::List, Action::Open) => app.open_at(app.selected, effects),
        (View::List, Action::Back) if !app.filter.input.is_empty() => {
            app.set_filter_input(String::new())
        }
        (View::List, Action::CopyLink) => {
            let key = app.key_at(app.selected);
            link_effect(app, key, Effect::CopyLink, effects);
        }
        (View::List, Action::OpenLink) => {
            let key = app.key_at(app.selected);
            link_effect(app, key, Effect::OpenLink, effects);
        }
        _ => {}
    }
}

/// Pushes `make(url)` for the entry's link, or says it has none.
fn link_effect(
    app: &mut App,
    key: Option<EntryKey>,
    make: fn(String) -> Effect,
    effects: &mut Vec<Effect>,
) {
    match key
        .as_ref()
        .and_then(|key| app.find(key))
        .and_then(|entry| entry.item.url.clone())
    {
        Some(url) => effects.push(make(url)),
        None => app.notice = Some("this entry has no link".to_string()),
    }
}
