//! Filtering: a new query starts a pass (see [`super::scan`]), which keeps the selected
//! entry where it was; the history of filters; the search of the cache beyond the
//! window.

use std::time::Instant;

use super::folded_bodies::{FoldedBodies, FoundBodies};
use super::open_phrase::Narrowed;
use super::scan::Scan;
use super::state::{Anchor, App, CursorMove, Effect, Row, View};
use crate::query::Query;

impl App {
    /// Applies the saved filter at `index` (`[filters]`, in config order), as if typed
    /// and accepted.
    pub(super) fn apply_saved_filter(&mut self, index: usize) -> Vec<Effect> {
        let mut effects = Vec::new();
        match self.saved_filters.get(index).cloned() {
            Some((name, query)) => {
                self.view = View::List;
                self.filter.editing = false;
                self.set_filter_input(query);
                self.remember_filter();
                self.notice = Some(format!("filter: {name}"));
                effects.extend(self.search_older());
            }
            None => {
                self.notice = Some(format!(
                    "no saved filter {} (add them under [filters])",
                    index + 1
                ))
            }
        }
        effects
    }

    /// Recomputes `visible` from the filter and the source toggles, keeping the
    /// selected entry selected (and where it was on screen) when it is still shown.
    pub(super) fn refilter(&mut self) {
        let anchor = self.anchor();
        self.visible.clear();
        self.folded_bodies.clear();
        self.restart(Scan::all(), anchor, Anchor::Keep);
    }

    /// The selected row and its row on screen.
    pub(super) fn anchor(&self) -> Option<(usize, usize)> {
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
    pub(super) fn restart(&mut self, scan: Scan, anchor: Option<(usize, usize)>, keep: Anchor) {
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

    /// Lets go of the older entries a search of the cache brought in (they matched the
    /// filter that is changing; kept, they would leave holes in the history below the
    /// window and old unread entries for `u` to jump to).
    fn drop_cache_rows(&mut self) {
        if self.cache_rows == 0 {
            return;
        }
        let keep = self.rows.len().saturating_sub(self.cache_rows);
        self.cache_rows = 0;
        let dropped: Vec<Row> = self.rows.drain(keep..).collect();
        for row in &dropped {
            self.count(row, false);
        }
        self.release_all(&dropped);
        // `visible` is ascending: the dropped rows are its tail.
        let shown = self.visible.partition_point(|&index| index < keep);
        self.visible.truncate(shown);
        if let Some(scan) = &mut self.scan {
            scan.truncate(keep);
        }
        self.clamp();
        self.regroup_after_removal();
    }

    /// Whether a row is shown: the filter, the source toggles, the key events switch
    /// and grouping (see [`super::row_test`]).
    pub(super) fn row_filter(&self) -> impl Fn(&Row) -> bool + Sync + '_ {
        let test = self.row_test();
        move |row: &Row| test.keeps(row)
    }

    /// Runs the filter pass until `deadline` (to the end when `None`), past row
    /// `through` at least; the matches join `visible` below what is there.
    pub(super) fn advance(&mut self, deadline: Option<Instant>, through: Option<usize>) {
        let Some(mut scan) = self.scan.take() else {
            return;
        };
        self.compile_filter();
        let learn = self.keep_list_filter_ready();
        let mut visible = std::mem::take(&mut self.visible);
        let (found, learned) = {
            let keep_row = self.row_test().noting(learn);
            let rows = &self.rows;
            let keep = |index: usize| keep_row.keeps(&rows[index]);
            let chunk = keep_row.chunk();
            scan.step(rows.len(), &keep, deadline, through, chunk, &mut visible);
            keep_row.into_parts()
        };
        self.keep_found(found);
        self.ready.learn(&self.filter.query, learned);
        self.visible = visible;
        if !scan.is_done(self.rows.len()) {
            self.scan = Some(scan);
        }
    }

    /// Holds the folded bodies a pass step found (see `folded_bodies`).
    pub(super) fn keep_found(&mut self, found: FoundBodies) {
        let budget = self.folded_budget();
        self.folded_bodies.merge(found, budget);
    }

    /// The most bytes `folded_bodies` holds (see [`FoldedBodies::budget`]).
    pub(super) fn folded_budget(&self) -> usize {
        FoldedBodies::budget(self.bodies.live_bytes())
    }

    /// Whether filter work is left for the loop to run when no key waits: the list's
    /// pass, or the one for a phrase being typed behind it (the sweeps of the filters
    /// kept ready wait for grouping too: [`App::ready_work_left`]).
    pub fn filter_work_left(&self) -> bool {
        self.filtering() || self.open_phrase_running()
    }

    /// Whether the list's filter pass is still running (see also
    /// [`App::filter_work_left`]).
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

    /// Once the reader holds a full window, an applied filter also looks for matches
    /// among the older entries in the cache (they join the list below, when found).
    pub(super) fn search_older(&mut self) -> Option<Effect> {
        let input = self.filter.input.trim();
        if input.is_empty() || self.filter.error.is_some() || self.rows.len() < self.window {
            return None;
        }
        // The cache orders by the entries' own times, not the reader's (which puts a
        // future date at when it was first seen): older there means older than every
        // held entry's own time.
        let before = self.rows.iter().map(Row::own_sort_time).min()?;
        let query = self.filter.input.clone();
        self.searching_cache = Some(query.clone());
        self.notice = Some("searching the cache for older matches…".to_string());
        Some(Effect::SearchCache { query, before })
    }

    /// Adds the current filter to the history (once, most recent last).
    pub(super) fn remember_filter(&mut self) {
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
    pub(super) fn recall_filter(&mut self, direction: i32) {
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

    /// Edits the filter where its cursor is: `edit` changes the text and moves the
    /// cursor (given on a character boundary of the text, and kept on one).
    pub(super) fn edit_filter(&mut self, edit: impl FnOnce(&mut String, &mut usize)) {
        let mut input = self.filter.input.clone();
        let mut cursor = self.filter.cursor_at();
        edit(&mut input, &mut cursor);
        // A key that changed nothing (Delete at the end, Backspace at the start) moves
        // the cursor at most: the list and the older matches it brought stay.
        if input != self.filter.input {
            self.set_filter_input(input);
        }
        self.filter.cursor = cursor.min(self.filter.input.len());
    }

    /// Moves the filter's cursor a character, or to an end.
    pub(super) fn move_filter_cursor(&mut self, movement: CursorMove) {
        let input = &self.filter.input;
        let cursor = self.filter.cursor_at();
        self.filter.cursor = match movement {
            CursorMove::Left => input[..cursor]
                .char_indices()
                .next_back()
                .map_or(0, |(at, _)| at),
            CursorMove::Right => input[cursor..]
                .chars()
                .next()
                .map_or(cursor, |c| cursor + c.len_utf8()),
            CursorMove::Start => 0,
            CursorMove::End => input.len(),
        };
    }

    /// Sets the filter's text (its cursor at the end) and filters the list by it.
    pub(super) fn set_filter_input(&mut self, input: String) {
        self.drop_cache_rows();
        let previous = std::mem::take(&mut self.filter.input);
        self.filter.input = input;
        self.filter.cursor = self.filter.input.len();
        match Query::parse(&self.filter.input) {
            Ok(query) => {
                // The closing quote of a phrase whose pass ran behind the kept list
                // (see `open_phrase`): the phrase can only narrow what that pass found.
                let mut from_open = self.take_open_phrase_narrowed_by(&query);
                let rejected = from_open
                    .as_mut()
                    .map(|narrowed| std::mem::take(&mut narrowed.rejected));
                // Typing on at the end of a query made only of positive terms can only
                // narrow it: filter what is shown instead of everything. (Not when the
                // typing turns a word into a field or a phrase: `title` → `title:x`.)
                let narrows = self.filter.error.is_none()
                    && self
                        .filter
                        .input
                        .strip_prefix(previous.as_str())
                        .is_some_and(|appended| Query::typing_narrows(&previous, false, appended))
                    && self.filter.query.is_positive_conjunction()
                    && query.is_positive_conjunction();
                self.filter.query = query;
                self.filter.error = None;
                let anchor = self.anchor();
                let rows = self.rows.len();
                let scan = if let Some(Narrowed { matched, left, .. }) = from_open {
                    self.visible.clear();
                    Scan::narrowed(left, matched, rows)
                } else if narrows {
                    let matched = std::mem::take(&mut self.visible);
                    Scan::narrowed(self.scan.take(), matched, rows)
                } else {
                    self.visible.clear();
                    // What the last query kept is no guide to this one.
                    self.folded_bodies.clear();
                    Scan::all()
                };
                self.restart(scan, anchor, Anchor::WithinBudget);
                // What the phrase's pass rejected, the closed phrase rejects too (the
                // pass just started keeps a filter for it, when it is worth keeping).
                if let Some(rejected) = rejected {
                    let answers = rejected.iter().map(|slot| (slot, false)).collect();
                    self.ready.learn(&self.filter.query, answers);
                }
            }
            Err(error) => {
                // The list keeps the last good query's rows; a phrase being typed is
                // looked for behind them.
                self.filter.error = Some(error);
                self.follow_open_phrase();
            }
        }
    }
}
