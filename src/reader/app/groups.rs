//! Reports of one event grouped as they join the reader: each new row is compared,
//! once, with the rows held within [`WINDOW`] of it (its sketch first, the exact test
//! on the few that pass), and joins the most alike one's group. The list then shows a
//! group once, as its first report (see `filter::row_filter`); nothing here runs per
//! keystroke.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use jiff::Timestamp;

use super::group_table::{Group, GroupTag};
use super::state::{App, Row};
use crate::group::{Report, Sketch, WINDOW, best_of, likeliest};
use crate::query::Prepared;

/// Rows a grouping step compares whatever its deadline (about 2 ms of work at the
/// densest, sketches included), so that a few rows joining are always grouped at once.
pub(super) const AT_LEAST: usize = 64;

impl App {
    /// How many reports the list folds into their group's first, grouping on (they
    /// are not "hidden": `=` lists them).
    pub fn folded_reports(&self) -> usize {
        if self.grouping {
            self.groups.members
        } else {
            0
        }
    }

    /// Indexes in `rows` of group `id`'s reports, oldest first.
    pub fn group_rows(&self, id: u32) -> Vec<usize> {
        let mut found = Vec::new();
        let Some(group) = self.groups.get(id) else {
            return found;
        };
        // Reports of one time share one entry of `times`: they are found together.
        for &time in &group.times {
            let start = self.rows.partition_point(|row| row.sort_time > time);
            let mut at_time: Vec<usize> = (start..self.rows.len())
                .take_while(|&index| self.rows[index].sort_time == time)
                .filter(|&index| self.rows[index].group.group() == Some(id))
                .collect();
            // Oldest first: among equal times, the one lower in the list first.
            at_time.reverse();
            found.extend(at_time);
        }
        found
    }

    /// The group the list shows at row `index` (its first report's row), with grouping
    /// on: its reports' rows, oldest first. `None` when the row stands alone.
    pub fn shown_group(&self, index: usize) -> Option<Vec<usize>> {
        if !self.grouping {
            return None;
        }
        match self.rows.get(index)?.group {
            GroupTag::Lead(id) => Some(self.group_rows(id)).filter(|rows| rows.len() > 1),
            _ => None,
        }
    }

    /// The rows the list shows, each group's reports included (what "mark all read"
    /// marks), in `visible`'s order.
    pub fn shown_rows(&self) -> Vec<usize> {
        let mut rows = Vec::with_capacity(self.visible.len());
        for &index in &self.visible {
            match self.shown_group(index) {
                Some(members) => rows.extend(members),
                None => rows.push(index),
            }
        }
        rows
    }

    /// Whether the list shows row `index` as unread: it is, or (a group) any of its
    /// reports is.
    pub fn shows_unread(&self, index: usize) -> bool {
        let Some(row) = self.rows.get(index) else {
            return false;
        };
        if !row.read {
            return true;
        }
        match (self.grouping, row.group) {
            (true, GroupTag::Lead(id)) => self
                .group_rows(id)
                .iter()
                .any(|&member| !self.rows[member].read),
            _ => false,
        }
    }

    /// Compares every row not yet compared with the rows around it in time, oldest
    /// first, and fixes the list where a group formed or grew. Called when rows join
    /// (a poll, the backfill, another process, the cache's older matches).
    pub(super) fn group_new_rows(&mut self) {
        self.group_rows_until(Some(Instant::now() + self.filter_budget.step));
    }

    /// Whether rows wait to be compared (see [`App::group_rows_until`]); the loop
    /// then sends [`super::Action::GroupStep`] whenever nothing else waits.
    pub fn grouping_behind(&self) -> bool {
        self.groups.behind
    }

    /// As [`App::group_new_rows`], until `deadline` (always [`AT_LEAST`] rows): a
    /// backfill of thousands of rows is compared over several steps, between keys.
    pub(super) fn group_rows_until(&mut self, deadline: Option<Instant>) {
        let changes = self.index.changes();
        let mut pending: Vec<usize> = match self.groups.queue.take() {
            Some((found_at, queue)) if found_at == changes => queue,
            _ => self
                .rows
                .iter()
                .enumerate()
                .filter(|(_, row)| row.group.pending())
                .map(|(index, _)| index)
                .collect(),
        };
        let mut touched: Vec<u32> = Vec::new();
        self.groups.behind = false;
        let mut done = 0;
        // Oldest first (rows are newest first), so a group's first report leads it.
        while let Some(&index) = pending.last() {
            if done >= AT_LEAST && deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                self.groups.behind = true;
                self.groups.queue = Some((changes, pending));
                break;
            }
            pending.pop();
            if !self.rows.get(index).is_some_and(|row| row.group.pending()) {
                continue;
            }
            done += 1;
            if self.rows[index].group == GroupTag::Unsketched {
                let prepared = self.prepared_of(&self.rows[index]);
                let row = &mut self.rows[index];
                row.sketch = Sketch::of(prepared.title(), prepared.text());
                row.group = GroupTag::Unchecked;
            }
            if let Some(id) = self.group_row(index)
                && !touched.contains(&id)
            {
                touched.push(id);
            }
        }
        // Counted again every time: rows may also have left since.
        self.groups.members = self
            .rows
            .iter()
            .filter(|row| matches!(row.group, GroupTag::Member(_)))
            .count();
        if touched.is_empty() || !self.grouping {
            return;
        }
        let mut affected: Vec<usize> = touched.iter().flat_map(|&id| self.group_rows(id)).collect();
        affected.sort_unstable();
        self.show_rows_again(&affected);
    }

    /// Compares row `index` with the rows held within [`WINDOW`] of it and puts it in
    /// the group of the most alike (or alone); the group it joined, if any.
    fn group_row(&mut self, index: usize) -> Option<u32> {
        let time = self.rows[index].sort_time;
        // A feed's date at the end of time must not overflow the window's bounds.
        let latest = time.checked_add(WINDOW).unwrap_or(Timestamp::MAX);
        let earliest = time.checked_sub(WINDOW).unwrap_or(Timestamp::MIN);
        let newest = self.rows.partition_point(|row| row.sort_time > latest);
        let end = self.rows.partition_point(|row| row.sort_time >= earliest);
        let best = {
            let row = &self.rows[index];
            // The texts are in the body store: the sketches (cheap, on every row in the
            // window) pick the few likeliest, and only those are read back for the
            // exact test.
            let sketched = report_of(row, "", "");
            let likeliest = likeliest(
                &sketched,
                (newest..end.max(newest))
                    .filter(|&other| other != index && !self.rows[other].group.pending())
                    .map(|other| (other, report_of(&self.rows[other], "", ""))),
                |other| match self.rows[other].group.group() {
                    Some(id) => !self.group_has_source(id, &row.source),
                    None => true,
                },
            );
            if likeliest.is_empty() {
                None
            } else {
                let texts: Vec<(usize, Prepared)> = likeliest
                    .iter()
                    .map(|&(other, _)| (other, self.prepared_of(&self.rows[other])))
                    .collect();
                let prepared = self.prepared_of(row);
                let report = report_of(row, prepared.title(), prepared.text());
                best_of(
                    &report,
                    texts.iter().map(|(other, text)| {
                        (
                            *other,
                            report_of(&self.rows[*other], text.title(), text.text()),
                        )
                    }),
                )
            }
        };
        let Some(other) = best else {
            self.rows[index].group = GroupTag::Alone;
            return None;
        };
        let id = match self.rows[other].group.group() {
            Some(id) => id,
            None => {
                let id = self.groups.next_id;
                self.groups.next_id = self.groups.next_id.wrapping_add(1);
                self.rows[other].group = GroupTag::Member(id);
                self.groups.by_id.insert(
                    id,
                    Group {
                        times: vec![self.rows[other].sort_time],
                        updated: false,
                        sources: vec![self.rows[other].source.clone()],
                    },
                );
                id
            }
        };
        self.rows[index].group = GroupTag::Member(id);
        if let Some(group) = self.groups.by_id.get_mut(&id) {
            if let Err(at) = group.times.binary_search(&time) {
                group.times.insert(at, time);
            }
            group.sources.push(self.rows[index].source.clone());
        }
        self.settle_group(id);
        Some(id)
    }

    /// Whether group `id` has a report from `source`. Asked for candidates all over a
    /// window of thousands: answered from the group's sources, without finding its
    /// rows (a binary search of the rows for each of its times: at a million rows and
    /// groups of many reports, most of the reader's time while it grouped).
    fn group_has_source(&self, id: u32, source: &str) -> bool {
        self.groups
            .get(id)
            .is_some_and(|group| group.sources.iter().any(|joined| **joined == *source))
    }

    /// Marks group `id`'s first report its lead (the others members) and notes whether
    /// a later report adds a figure.
    fn settle_group(&mut self, id: u32) {
        let members = self.group_rows(id);
        for (position, &index) in members.iter().enumerate() {
            self.rows[index].group = if position == 0 {
                GroupTag::Lead(id)
            } else {
                GroupTag::Member(id)
            };
        }
        let updated = (1..members.len()).any(|later| {
            let earlier = members[..later]
                .iter()
                .map(|&index| &self.rows[index].sketch);
            self.rows[members[later]].sketch.adds_numbers_to(earlier)
        });
        if let Some(group) = self.groups.by_id.get_mut(&id) {
            group.updated = updated;
        }
    }

    /// Rows whose group changed may now show or hide: `visible` is fixed for each of
    /// `rows` (ascending), keeping the selected entry where it was on screen.
    fn show_rows_again(&mut self, rows: &[usize]) {
        if self.scan.is_some() {
            // A pass is running: it will test the rows it has not reached; start it
            // again so that those it has passed are right too.
            self.refilter();
            return;
        }
        let anchor = self.anchor();
        let shows: Vec<bool> = {
            let keep = self.row_filter();
            rows.iter().map(|&index| keep(&self.rows[index])).collect()
        };
        let mut hidden_above = 0;
        for (&index, shows) in rows.iter().zip(shows) {
            match (self.visible.binary_search(&index), shows) {
                (Ok(position), false) => {
                    self.visible.remove(position);
                    if position < self.selected {
                        hidden_above += 1;
                    }
                }
                (Err(position), true) => self.visible.insert(position, index),
                _ => {}
            }
        }
        // What was counted as new above and is now folded into a group is not new.
        self.new_above = self.new_above.saturating_sub(hidden_above);
        if let Some((row, screen_row)) = anchor {
            let position = self.visible.partition_point(|&index| index < row);
            self.selected = position;
            self.offset = position.saturating_sub(screen_row);
        }
        self.clamp();
    }

    /// After rows left the reader (a source removed, older matches let go): every
    /// group that lost a report is taken apart and its reports compared again, so that
    /// no report stays hidden behind a first report that is gone; the others keep the
    /// times and sources of the reports still there. One pass over the rows.
    pub(super) fn regroup_after_removal(&mut self) {
        /// What is left of a group.
        #[derive(Default)]
        struct Left {
            reports: usize,
            lead: bool,
            times: Vec<Timestamp>,
            sources: Vec<Arc<str>>,
        }
        let mut left: HashMap<u32, Left> = HashMap::new();
        // Rows are newest first: each group's times come newest first.
        for row in &self.rows {
            let Some(id) = row.group.group() else {
                continue;
            };
            let group = left.entry(id).or_default();
            group.reports += 1;
            group.lead |= row.group == GroupTag::Lead(id);
            if group.times.last() != Some(&row.sort_time) {
                group.times.push(row.sort_time);
            }
            group.sources.push(Arc::clone(&row.source));
        }
        // A group is whole while its first report (its lead) is there with at least
        // one other (a later report gone changes nothing else).
        let broken: HashSet<u32> = self
            .groups
            .by_id
            .keys()
            .copied()
            .filter(|id| {
                left.get(id)
                    .is_none_or(|group| group.reports < 2 || !group.lead)
            })
            .collect();
        for (id, group) in &mut self.groups.by_id {
            if let Some(mut still) = left.remove(id) {
                still.times.reverse();
                still.times.dedup();
                group.times = still.times;
                group.sources = still.sources;
            }
        }
        if broken.is_empty() {
            return;
        }
        for row in &mut self.rows {
            if row.group.group().is_some_and(|id| broken.contains(&id)) {
                row.group = GroupTag::Unchecked;
            }
        }
        for id in &broken {
            self.groups.by_id.remove(id);
        }
        // Rows to compare again: what a step left is not all there is now.
        self.groups.queue = None;
        self.group_new_rows();
    }

    /// Turns grouping on or off: the list shows each group once, or every report.
    pub(super) fn toggle_grouping(&mut self) {
        self.grouping = !self.grouping;
        self.refilter();
        self.notice = Some(
            if self.grouping {
                "grouping reports of one event"
            } else {
                "every report on its own"
            }
            .to_string(),
        );
    }
}

/// A row as grouping sees it, given its folded title and body (empty for the sketch's
/// test alone, which reads neither).
fn report_of<'a>(row: &'a Row, title: &'a str, body: &'a str) -> Report<'a> {
    Report {
        source: &row.source,
        time: row.sort_time,
        title,
        body,
        sketch: &row.sketch,
    }
}
