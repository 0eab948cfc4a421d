//! Entries joining the reader: news from a poll (in front, the entry being read kept in
//! place), edits, and older entries loaded from the cache (behind).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use super::scan::Scan;
use super::state::{Anchor, App, Effect, Elsewhere, EntryKey, PolledRows, Row, View, sort_rows};
use crate::model::SourceId;
use crate::store::ingest::Ingested;

impl App {
    pub(super) fn recount_sources(&mut self) {
        let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
        for row in &self.rows {
            let count = counts.entry(&*row.source).or_default();
            count.0 += 1;
            count.1 += usize::from(!row.read);
        }
        for source in &mut self.sources {
            let (entries, unread) = counts
                .get(source.id.0.as_str())
                .copied()
                .unwrap_or_default();
            source.entries = entries;
            source.unread = unread;
        }
    }

    /// Merges a poll's new and edited entries. The entry being read never moves: if the
    /// user is at the top and following, the newest entry is selected; otherwise the
    /// selection (and its place on screen) stays and "N new" counts what arrived above.
    ///
    /// `rows` holds the poll's new and edited entries already made rows (the cache
    /// worker folds them, off the UI thread); when `None` they are made here.
    pub(super) fn merge(&mut self, ingested: Ingested, rows: Option<PolledRows>) -> Vec<Effect> {
        let mut first_poll = false;
        if let Some(source) = self
            .sources
            .iter_mut()
            .find(|source| source.id == ingested.source)
        {
            source.state = ingested.state.clone();
            source.next_poll = ingested.next_poll;
            // Nothing of it held yet: this poll brings its backlog (alerts summarise it).
            first_poll = source.entries == 0;
        }
        let applied = ingested.applied;
        if !applied.removed.is_empty() {
            // Kept and marked: nothing the user saw vanishes.
            let removed: HashSet<&str> = applied.removed.iter().map(|id| id.0.as_str()).collect();
            for row in &mut self.rows {
                if *row.source == *ingested.source.0 && removed.contains(row.id()) {
                    row.removed = true;
                }
            }
        }
        if !applied.restored.is_empty() {
            // Listed again: the mark goes.
            let restored: HashSet<&str> = applied.restored.iter().map(|id| id.0.as_str()).collect();
            for row in &mut self.rows {
                if *row.source == *ingested.source.0 && restored.contains(row.id()) {
                    row.removed = false;
                }
            }
        }
        let PolledRows { new, updated, .. } =
            rows.unwrap_or_else(|| PolledRows::of(applied.new, applied.updated));
        if new.is_empty() && updated.is_empty() {
            return Vec::new();
        }
        let effects = self.alerts(&ingested.source, &new, first_poll);
        let anchor = self.key_at(self.selected);
        let was_at_top = self.selected == 0 && self.view != View::Help;
        let anchor_screen_row = self.selected.saturating_sub(self.offset);
        let old_selected = self.selected;

        // Edits replace their rows in place (looked up without cloning every key).
        let mut edited: HashMap<Arc<str>, HashMap<Box<str>, Row>> = HashMap::new();
        for row in updated {
            edited
                .entry(Arc::clone(&row.source))
                .or_default()
                .insert(Box::<str>::from(row.id()), row);
        }
        let mut edited_in_place = false;
        let mut left_a_group = false;
        if !edited.is_empty() {
            self.forget_wrapped(|(source, id)| {
                edited
                    .get(source.0.as_str())
                    .is_some_and(|ids| ids.contains_key(id.0.as_str()))
            });
            let mut replaced = Vec::new();
            for (index, row) in self.rows.iter_mut().enumerate() {
                if let Some(edit) = edited
                    .get_mut(&*row.source)
                    .and_then(|by_id| by_id.remove(row.id()))
                {
                    replaced.push((index, std::mem::replace(row, edit)));
                    edited_in_place = true;
                }
            }
            // The old version's words and body go; the edit's come in, under a new slot.
            for (index, old) in replaced {
                // The edit is compared again: the old version leaves its group.
                left_a_group |= old.group.group().is_some();
                self.release(&old);
                // Taken out to be admitted (the old row holds its place meanwhile).
                let mut edit = std::mem::replace(&mut self.rows[index], old);
                self.admit(&mut edit);
                self.rows[index] = edit;
            }
        }
        // Entries edited before we ever loaded them are simply new to this window.
        let mut fresh: Vec<Row> = new
            .into_iter()
            .chain(edited.into_values().flat_map(HashMap::into_values))
            .collect();
        sort_rows(&mut fresh);
        let all_newer = match (fresh.last(), self.rows.front()) {
            (Some(oldest_fresh), Some(newest)) => oldest_fresh.sort_time >= newest.sort_time,
            _ => true,
        };
        if all_newer && !edited_in_place {
            // The usual case, news arriving: the new rows go in front and only they are
            // tested; what was shown, and any filter pass still running, moves down.
            // Only the newest `window` of them can stay.
            fresh.truncate(self.window);
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
            self.hold_window();
            return effects;
        }

        let mut rows: Vec<Row> = fresh;
        self.admit_all(&mut rows);
        rows.extend(std::mem::take(&mut self.rows));
        sort_rows(&mut rows);
        self.rows = rows.into();
        self.recount_sources();
        if left_a_group {
            self.regroup_after_removal();
        }

        let kept = self.refilter_keeping(anchor, anchor_screen_row);
        if self.follow && was_at_top {
            self.selected = 0;
            self.offset = 0;
            self.new_above = 0;
        } else if kept {
            self.new_above += self.selected.saturating_sub(old_selected);
        }
        self.clamp();
        self.hold_window();
        effects
    }

    /// Merges what other processes sharing the cache stored, as [`App::merge`] merges
    /// a poll: new entries come in above ("↑ N new"), edits in place, and the entry
    /// being read never moves. What this reader already holds as it is changes nothing
    /// (its own writes come back this way too).
    pub(super) fn merge_elsewhere(&mut self, elsewhere: Elsewhere) -> Vec<Effect> {
        for (state, next_poll) in elsewhere.sources {
            if let Some(view) = self
                .sources
                .iter_mut()
                .find(|view| state.source.as_ref() == Some(&view.id))
            {
                view.state = state;
                view.next_poll = next_poll;
            }
        }
        if elsewhere.rows.is_empty() && elsewhere.marks.is_empty() {
            return Vec::new();
        }
        let held: HashMap<(&str, &str), usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(index, row)| ((&*row.source, row.id()), index))
            .collect();
        let mut marked = Vec::new();
        for mark in &elsewhere.marks {
            if let Some(&index) = held.get(&(mark.source.0.as_str(), mark.id.0.as_str())) {
                let row = &self.rows[index];
                if row.read != mark.read || row.removed != mark.removed {
                    marked.push((index, mark.read, mark.removed));
                }
            }
        }
        let mut by_source: HashMap<SourceId, PolledRows> = HashMap::new();
        for row in elsewhere.rows {
            let key = (&*row.source, row.id());
            let same = held.get(&key).map(|&index| {
                let (was, now) = (self.entry_of(&self.rows[index]), self.entry_of(&row));
                (index, was.item == now.item && was.edited == now.edited)
            });
            match same {
                Some((index, true)) => {
                    let held = &self.rows[index];
                    if held.read != row.read || held.removed != row.removed {
                        marked.push((index, row.read, row.removed));
                    }
                }
                Some((_, false)) => by_source
                    .entry(SourceId(row.source.to_string()))
                    .or_default()
                    .updated
                    .push(row),
                None => by_source
                    .entry(SourceId(row.source.to_string()))
                    .or_default()
                    .new
                    .push(row),
            }
        }
        drop(held);
        let remarked = !marked.is_empty();
        for (index, read, removed) in marked {
            let row = &mut self.rows[index];
            row.read = read;
            row.removed = removed;
        }
        if remarked {
            self.recount_sources();
        }
        let mut effects = Vec::new();
        for (source, rows) in by_source {
            let Some(view) = self.sources.iter().find(|view| view.id == source) else {
                continue;
            };
            let ingested = Ingested {
                source: source.clone(),
                state: view.state.clone(),
                applied: crate::store::Applied::default(),
                not_modified: false,
                next_poll: view.next_poll,
            };
            effects.extend(self.merge(ingested, Some(rows)));
        }
        effects
    }

    /// Counts a row joining the window (`joins`) or leaving it in its source's totals.
    pub(super) fn count(&mut self, row: &Row, joins: bool) {
        let Some(source) = self
            .sources
            .iter_mut()
            .find(|source| *source.id.0 == *row.source)
        else {
            return;
        };
        let unread = usize::from(!row.read);
        if joins {
            source.entries += 1;
            source.unread += unread;
        } else {
            source.entries = source.entries.saturating_sub(1);
            source.unread = source.unread.saturating_sub(unread);
        }
    }

    /// Puts `fresh` (newest first, all at least as new as every row) in front of the
    /// rows; returns how many of them the filter shows.
    pub(super) fn prepend(&mut self, fresh: Vec<Row>) -> usize {
        let added = fresh.len();
        for mut row in fresh.into_iter().rev() {
            self.count(&row, true);
            self.admit(&mut row);
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
    pub(super) fn backfill(&mut self, rows: Vec<Row>) {
        // An entry already held (a poll brought it, or the cache's order shifted between
        // chunks) has the same sort time as its copy here: only the rows in the chunk's
        // span of times are looked at, not the whole window at every chunk.
        let newest = rows.iter().map(|row| row.sort_time).max();
        let oldest = rows.iter().map(|row| row.sort_time).min();
        let known: HashSet<(&str, &str)> = match (newest, oldest) {
            (Some(newest), Some(oldest)) => {
                let first = self.rows.partition_point(|row| row.sort_time > newest);
                let end = self.rows.partition_point(|row| row.sort_time >= oldest);
                self.rows
                    .range(first..end.max(first))
                    .map(|row| (&*row.source, row.id()))
                    .collect()
            }
            _ => HashSet::new(),
        };
        let mut fresh: Vec<Row> = rows
            .into_iter()
            .filter(|row| !known.contains(&(&*row.source, row.id())))
            .collect();
        if fresh.is_empty() {
            return;
        }
        sort_rows(&mut fresh);
        let all_older = match (fresh.first(), self.rows.back()) {
            (Some(newest_fresh), Some(oldest)) => newest_fresh.sort_time <= oldest.sort_time,
            _ => true,
        };
        // No pass running: every row held is decided. When the filter reads the text,
        // older rows are tested now, on the folded text they arrive with: once they
        // join, each would be read back from the body store.
        let pretested: Option<Vec<usize>> = if all_older && self.scan.is_none() {
            let start = self.rows.len();
            let test = self.row_test();
            test.reads_text().then(|| {
                (start..)
                    .zip(&fresh)
                    .filter(|(_, row)| test.keeps(row))
                    .map(|(index, _)| index)
                    .collect()
            })
        } else {
            None
        };
        self.admit_all(&mut fresh);
        if all_older {
            // The usual case: older rows go behind, and a pass tests them there
            // (unless tested above).
            let start = self.rows.len();
            for row in &fresh {
                self.count(row, true);
            }
            self.rows.extend(fresh);
            if let Some(shown) = pretested {
                self.visible.extend(shown);
                return;
            }
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
    pub(super) fn refilter_keeping(&mut self, anchor: Option<EntryKey>, screen_row: usize) -> bool {
        let row = anchor.and_then(|key| self.rows.iter().position(|row| row.is(&key)));
        self.visible.clear();
        self.restart(Scan::all(), row.map(|row| (row, screen_row)), Anchor::Keep);
        row.is_some_and(|row| self.visible.get(self.selected) == Some(&row))
    }
}
