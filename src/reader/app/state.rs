//! The reader's state: [`App`], its [`Row`]s and views, and the messages it takes
//! ([`Action`]) and gives ([`Effect`]).

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::bodies::BodyStore;
use super::group_table::Groups;
use super::layout::layout;
pub use super::row::{Arriving, Row};
use super::scan::Scan;
use crate::config::SourceConfig;
use crate::keymap::KeyMap;
use crate::model::{Entry, EntryId, SourceId};
use crate::query::{Query, QueryError, WordIndex};
use crate::store::SourceState;
use crate::store::ingest::Ingested;

/// How hard a new filter pass tries to keep the selected entry where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
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
    /// Delete the word before the filter's cursor.
    FilterDeleteWord,
    /// Delete what is typed in the filter before its cursor and go on typing
    /// (`ctrl-u`: at the end, the whole line).
    FilterClearLine,
    /// Delete the character at the filter's cursor (`Delete`).
    FilterDelete,
    /// Move the filter's cursor (no refiltering: the text is the same).
    FilterCursor(CursorMove),
    /// Text pasted into the filter (a bracketed paste, made one line by
    /// [`crate::reader::input::action_for_paste`]): typed in at once.
    FilterPaste(String),
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
    /// In an entry: open its body's link with this index (`1` is 0) in `$BROWSER`.
    OpenNumberedLink(usize),
    /// Show or hide the key help.
    ToggleHelp,
    /// Ask for the URL of a page to follow (in the status line).
    StartAddSource,
    /// In the sources panel: ask whether to take the selected source out of the config.
    RemoveSource,
    /// A character typed into the status line's question.
    PromptChar(char),
    /// Delete the last character of the answer.
    PromptBackspace,
    /// Clear the answer typed so far and go on asking (`ctrl-u`).
    PromptClearLine,
    /// Text pasted into the answer (one line, as for the filter).
    PromptPaste(String),
    /// Answer the question: add the URL typed, or yes, remove the source.
    PromptAccept,
    /// Drop the question.
    PromptCancel,
    /// A source was found and added while the reader runs (after `a`): poll it.
    SourceAdded {
        /// The source, as it is now in the config.
        source: Box<SourceConfig>,
        /// What the status line says about it.
        notice: String,
    },
    /// Leave the reader.
    Quit,
    /// Give the terminal back to the shell and stop (`ctrl-z`, SIGTSTP) until `fg`.
    Suspend,
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
    /// The same, with the new and edited entries already made rows by the cache worker
    /// (folding and finding links cost time the UI thread should not spend).
    Polled {
        /// What the poll stored.
        ingested: Box<Ingested>,
        /// Its new and edited entries as rows.
        rows: PolledRows,
    },
    /// Another process sharing the cache stored entries, marks or polls: shown as if
    /// this reader had polled itself.
    StoredElsewhere(Box<Elsewhere>),
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
    /// Show each group of reports of one event once (or every report on its own).
    ToggleGrouping,
    /// Mark the selected (or open) entry unread, or read again if it is unread.
    ToggleRead,
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
    /// Run the list's filter pass a step further, or else the pass for a phrase being
    /// typed behind it (sent while either runs and no input waits).
    FilterStep,
    /// Group the rows that joined a step further (sent while some wait, no filter pass
    /// runs and no input waits).
    GroupStep,
    /// Sweep the rows a step further for the filters kept ready, saved or from the
    /// history (sent while a sweep is due and nothing else waits: no input, filter
    /// pass or grouping step).
    ReadyStep,
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

/// A refresh the user asked for (`r`), followed until every source it polls has
/// answered (see `refresh.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshing {
    /// When it was asked for: a poll stored by another process after this counts.
    pub started: Timestamp,
    /// The sources not heard from yet.
    pub pending: Vec<SourceId>,
    /// The summary's start: "refreshed NAME" or "refreshed 4 sources".
    pub label: String,
    /// New entries so far.
    pub new: usize,
    /// The sources whose poll failed.
    pub failed: Vec<SourceId>,
    /// The status line's text while it runs (the summary replaces only this).
    pub notice: String,
}

/// What other processes sharing the cache changed (see [`Action::StoredElsewhere`]).
#[derive(Debug, Clone, Default)]
pub struct Elsewhere {
    /// Entries new or edited, as they are now, made rows (newest first).
    pub rows: Vec<Row>,
    /// Entries whose read or removed mark changed, as they are now.
    pub marks: Vec<crate::store::Mark>,
    /// The shown sources' polling state and next poll, as the cache has them.
    pub sources: Vec<(crate::store::SourceState, Option<jiff::Timestamp>)>,
}

/// A poll's new and edited entries made rows (see [`Action::Polled`]).
#[derive(Debug, Clone, Default)]
pub struct PolledRows {
    /// The new entries, as `Applied::new` lists them.
    pub new: Vec<Row>,
    /// The edited entries, as `Applied::updated` lists them.
    pub updated: Vec<Row>,
    /// New entries left out of `new`: older than every entry the reader's window can
    /// hold (the cache had `window` newer ones), so never made rows; counted only.
    pub older: usize,
    /// The large-document slot the poll held, if it brought one: kept until the app
    /// has taken these rows in, so that the next large document is fetched and parsed
    /// only then, not while these rows are still being held twice.
    pub large_slot: Option<crate::sources::fetch::LargeSlot>,
}

impl PolledRows {
    /// Makes rows of the entries `ingested` stored, taking them out of it (the merge
    /// reads them from the rows).
    pub fn take(ingested: &mut Ingested) -> PolledRows {
        let applied = &mut ingested.applied;
        PolledRows::of(
            std::mem::take(&mut applied.new),
            std::mem::take(&mut applied.updated),
        )
    }

    /// Makes rows of new and edited entries.
    pub(super) fn of(new: Vec<Entry>, updated: Vec<Entry>) -> PolledRows {
        PolledRows {
            new: new.into_iter().map(Row::new).collect(),
            updated: updated.into_iter().map(Row::new).collect(),
            older: 0,
            large_slot: None,
        }
    }
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
    /// Record that the user marked this entry unread.
    MarkUnread(SourceId, EntryId),
    /// A new entry matched the alert query: bell, desktop notification, command. For a
    /// source's first poll, or more matches in one poll than `ALERTS_PER_POLL`, one
    /// summary entry stands for them all (see `alerts::summary`).
    Alert(Box<Entry>),
    /// Find what to follow at this URL and add it to the config.
    AddSource(String),
    /// Start polling this source (just added).
    PollSource(Box<SourceConfig>),
    /// Take this source out of the config and stop polling it.
    RemoveSource(SourceId),
    /// Give the terminal back and stop the process; on `fg`, take it again and redraw.
    Suspend,
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

/// Where a cursor in typed text moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorMove {
    /// One character back (`←`).
    Left,
    /// One character on (`→`).
    Right,
    /// To the start (`Home`, `ctrl-a`).
    Start,
    /// To the end (`End`, `ctrl-e`).
    End,
}

/// A question the status line asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// "Follow which page?": the URL as typed so far.
    AddSource(String),
    /// "Remove this source?" (y/n).
    ConfirmRemove(SourceId),
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

/// The filter being typed or applied.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The text as typed.
    pub input: String,
    /// Where typing goes in `input`: a byte offset on a character boundary, its end
    /// unless moved (`←` `→` `Home` `End`).
    pub cursor: usize,
    /// The user is typing it.
    pub editing: bool,
    /// The last query that parsed; applied to the list.
    pub query: Query,
    /// Why `input` does not parse, shown in place (the list keeps the last good query).
    pub error: Option<QueryError>,
}

impl Filter {
    /// Where typing goes: `cursor` kept within `input` and on a character boundary,
    /// what editing and drawing the line both start from.
    pub fn cursor_at(&self) -> usize {
        let mut at = self.cursor.min(self.input.len());
        while !self.input.is_char_boundary(at) {
            at -= 1;
        }
        at
    }
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
    /// The refresh the user asked for, until every source answered.
    pub refreshing: Option<Refreshing>,
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
    /// How many entries the reader holds at most (`[general] window`): the newest, plus
    /// the older matches in `cache_rows` and the entry being read. Once it holds that
    /// many, an applied filter also searches the older ones in the cache.
    pub window: usize,
    /// The filter whose search of the cache is under way.
    pub searching_cache: Option<String>,
    /// How many rows at the end of `rows` a search of the cache brought in (older than
    /// the window; they leave again when the filter changes).
    pub cache_rows: usize,
    /// The question the status line is asking, if any (keys answer it).
    pub prompt: Option<Prompt>,
    /// Shown while the list is empty: what a first run should know (the built-in
    /// sources, where the config would be, how to add a page).
    pub welcome: Option<String>,
    /// The open entry wrapped to the detail view's width (wrapped once, not at every
    /// key; see [`App::detail_page`]).
    pub detail_cache: Option<super::wrapped::DetailCache>,
    /// The list shows each group of reports of one event once, as its first report.
    pub grouping: bool,
    /// The groups of the rows held (kept up to date as rows join, grouping on or off).
    pub groups: Groups,
    /// The bodies of the rows held (each row says where its own is).
    pub bodies: BodyStore,
    /// The folded bodies of the rows the filter kept by their text, for the passes that
    /// narrow it (see `folded_bodies`).
    pub(super) folded_bodies: super::folded_bodies::FoldedBodies,
    /// The pass for a phrase being typed, its quote still open (see `open_phrase`).
    pub(super) open_phrase: Option<super::open_phrase::OpenPhrase>,
    /// The filters kept ready (saved, from the history, the list's own): what each
    /// matches, found when idle or by the list's pass (see `ready`).
    pub(super) ready: super::ready::ReadyFilters,
    /// The words of the rows held, by slot (see [`App::admit`]).
    pub index: WordIndex,
    /// The slot the next row to join gets.
    pub next_slot: u32,
    /// The sources' names the rows share (one allocation per source).
    pub names: Vec<std::sync::Arc<str>>,
    /// The filter compiled against `index`, kept for the steps of a pass.
    pub(super) compiled_filter: Option<super::scan::CompiledFilter>,
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
            refreshing: None,
            keymap: KeyMap::default(),
            saved_filters: Vec::new(),
            filter_history: Vec::new(),
            history_position: None,
            alert_query: None,
            window: crate::config::DEFAULT_WINDOW,
            searching_cache: None,
            cache_rows: 0,
            prompt: None,
            welcome: None,
            detail_cache: None,
            alerted: HashSet::new(),
            key_events_only: false,
            last_session: None,
            theme: crate::model::Theme::Dark,
            grouping: true,
            groups: Groups::default(),
            bodies: BodyStore::new(),
            folded_bodies: Default::default(),
            open_phrase: None,
            ready: Default::default(),
            index: WordIndex::new(),
            next_slot: 0,
            names: Vec::new(),
            compiled_filter: None,
        };
        // Sketched later, in the grouping steps: not before the first frame.
        let mut rows: VecDeque<Row> = entries.into_iter().map(Row::unsketched).collect();
        sort_rows(rows.make_contiguous());
        app.admit_all(&mut rows);
        app.rows = rows;
        app.recount_sources();
        // The first frame waits for the least step of grouping (a few rows: all of a
        // small list); the rest follows in steps (`Action::GroupStep`).
        app.group_rows_until(Some(std::time::Instant::now()));
        // Grouping fixed up a list not made yet: the first pass makes it, from the top.
        app.visible.clear();
        app.selected = 0;
        app.offset = 0;
        app.refilter();
        app
    }

    /// The selected entry, if the list has any (its body read from the store).
    pub fn selected_entry(&self) -> Option<Entry> {
        self.visible
            .get(self.selected)
            .map(|&index| self.entry_of(&self.rows[index]))
    }

    /// The entry with this key, if loaded (its body read from the store).
    pub fn find(&self, key: &EntryKey) -> Option<Entry> {
        self.find_row(key).map(|row| self.entry_of(row))
    }

    /// The loaded row with this key.
    pub fn find_row(&self, key: &EntryKey) -> Option<&Row> {
        self.row_index(key).map(|index| &self.rows[index])
    }

    /// Where the row with this key is in `rows`. The entry open or being marked is
    /// nearly always the selected one: that is looked at first, before a scan of up to
    /// the whole window (which the detail view would otherwise pay at every frame).
    pub(super) fn row_index(&self, key: &EntryKey) -> Option<usize> {
        let is_key = |row: &Row| row.is(key);
        match self.visible.get(self.selected) {
            Some(&index) if is_key(&self.rows[index]) => Some(index),
            _ => {
                let found = self.rows.iter().position(is_key);
                #[cfg(test)]
                work::looked_at(found.map_or(self.rows.len(), |index| index + 1));
                found
            }
        }
    }

    /// Rows the list shows at once.
    pub fn list_height(&self) -> usize {
        usize::from(layout(self.size.0, self.size.1).list.height).max(1)
    }

    /// Whether every failing source failed to reach its server at all (no answer, no
    /// connection): likely no network, rather than broken sources.
    pub fn unreachable(&self) -> bool {
        let mut failing = self.failing_sources().peekable();
        failing.peek().is_some()
            && failing.all(|source| {
                let error = source.state.last_error.as_deref().unwrap_or("");
                [
                    "cannot connect",
                    "timed out",
                    "dns error",
                    "error sending request",
                ]
                .iter()
                .any(|cause| error.contains(cause))
            })
    }

    /// Sources whose last poll failed.
    pub fn failing_sources(&self) -> impl Iterator<Item = &SourceView> {
        self.sources
            .iter()
            .filter(|source| source.state.last_error.is_some())
    }

    pub(super) fn key_at(&self, position: usize) -> Option<EntryKey> {
        self.visible.get(position).map(|&index| self.row_key(index))
    }

    /// The key of the entry at `rows[index]`.
    pub(super) fn row_key(&self, index: usize) -> EntryKey {
        self.rows[index].key()
    }

    /// Keeps the selection in range and on screen.
    pub(super) fn clamp(&mut self) {
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

    /// Scrolls up as far as the list's end allows, so that the window is full of rows
    /// (after a resize made it taller, or at the bottom): no blank rows below the last
    /// one while rows are hidden above. The selection stays in view.
    pub(super) fn fill_window(&mut self) {
        let filled = self.visible.len().saturating_sub(self.list_height());
        self.offset = self.offset.min(filled);
        self.clamp();
    }

    pub(super) fn move_selection(&mut self, delta: isize) {
        let len = self.visible.len();
        if len == 0 {
            return;
        }
        let target = self.selected.saturating_add_signed(delta).min(len - 1);
        self.selected = target;
        self.clamp();
    }

    /// Opens the entry at `position` in the list (and marks it read).
    pub(super) fn open_at(&mut self, position: usize, effects: &mut Vec<Effect>) {
        let Some(key) = self.key_at(position) else {
            return;
        };
        self.selected = position;
        self.clamp();
        // A group's reports are all shown: all of them are read.
        let mut keys = vec![key.clone()];
        if let Some(members) = self
            .visible
            .get(position)
            .and_then(|&i| self.shown_group(i))
        {
            keys = members.iter().map(|&index| self.row_key(index)).collect();
        }
        for read in keys {
            if self.mark_read(&read) {
                effects.push(Effect::MarkRead(read.0, read.1));
            }
        }
        self.view = View::Detail { key, scroll: 0 };
    }

    /// Flips the read state of the open entry (in the detail view) or the selected one.
    pub(super) fn toggle_read(&mut self) -> Vec<Effect> {
        let key = match &self.view {
            View::Detail { key, .. } => Some(key.clone()),
            _ => self.key_at(self.selected),
        };
        let Some(key) = key else {
            return Vec::new();
        };
        let Some(index) = self.row_index(&key) else {
            return Vec::new();
        };
        // A group shown unread (any report unread) is read as a whole; read, its first
        // report becomes unread (which makes the group so).
        if let Some(members) = self.shown_group(index)
            && self.shows_unread(index)
        {
            let mut effects = Vec::new();
            for member in members {
                let key = self.row_key(member);
                if self.mark_read(&key) {
                    effects.push(Effect::MarkRead(key.0, key.1));
                }
            }
            self.notice = Some("marked read".to_string());
            return effects;
        }
        let read = !self.rows[index].read;
        self.rows[index].read = read;
        if let Some(source) = self.sources.iter_mut().find(|source| source.id == key.0) {
            source.unread = if read {
                source.unread.saturating_sub(1)
            } else {
                source.unread + 1
            };
        }
        self.notice = Some(if read { "marked read" } else { "marked unread" }.to_string());
        vec![if read {
            Effect::MarkRead(key.0, key.1)
        } else {
            Effect::MarkUnread(key.0, key.1)
        }]
    }

    pub(super) fn mark_read(&mut self, key: &EntryKey) -> bool {
        let Some(row) = self.row_index(key).map(|index| &mut self.rows[index]) else {
            return false;
        };
        if row.read {
            return false;
        }
        row.read = true;
        if let Some(source) = self.sources.iter_mut().find(|source| source.id == key.0) {
            source.unread = source.unread.saturating_sub(1);
        }
        true
    }
}

/// Newest first; a stable sort keeps the given order among equal times.
pub(super) fn sort_rows(rows: &mut [Row]) {
    rows.sort_by_key(|row| std::cmp::Reverse(row.sort_time));
}

#[cfg(test)]
pub(super) mod work {
    //! How much work the app did, for tests that bound it by counts rather than time.

    use std::cell::Cell;

    thread_local! {
        /// Rows compared by key lookups that missed the selected row, in this thread.
        static ROWS_LOOKED_AT: Cell<usize> = const { Cell::new(0) };
    }

    /// Counts `rows` rows compared by one lookup.
    pub(in super::super) fn looked_at(rows: usize) {
        ROWS_LOOKED_AT.with(|count| count.set(count.get() + rows));
    }

    /// Rows compared by lookups in this thread so far.
    pub(in super::super) fn rows_looked_at() -> usize {
        ROWS_LOOKED_AT.with(Cell::get)
    }
}
