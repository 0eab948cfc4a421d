//! The window as a bound: the reader holds the newest `window` entries however many a
//! poll brings or however often a feed renames its entries, plus the older matches a
//! search of the cache brought in and the entry being read (which never moves).

use super::state::{App, EntryKey, Row, View};

impl App {
    /// Lets go of the oldest rows past the window (those a search of the cache brought
    /// in stay, behind). The entry selected or open stays, and stays selected, even when
    /// it is older than the window: it goes once the reader has moved on from it.
    pub(super) fn hold_window(&mut self) {
        let window_end = self.rows.len().saturating_sub(self.cache_rows);
        if window_end <= self.window {
            return;
        }
        let cut = self.window;
        let selected = self.key_at(self.selected);
        let open = match &self.view {
            View::Detail { key, .. } => Some(key.clone()),
            _ => None,
        };
        let screen_row = self.selected.saturating_sub(self.offset);
        let is_being_read = |row: &Row| {
            [&selected, &open]
                .into_iter()
                .flatten()
                .any(|key: &EntryKey| row.is(key))
        };
        let past: Vec<Row> = self.rows.drain(cut..window_end).collect();
        let mut kept = Vec::new();
        let mut gone = Vec::new();
        for row in past {
            if is_being_read(&row) {
                kept.push(row);
                continue;
            }
            self.count(&row, false);
            if !self.alerted.is_empty() {
                self.alerted.remove(&row.key());
            }
            gone.push(row);
        }
        self.release_all(&gone);
        if kept.is_empty() && self.cache_rows == 0 {
            // The usual case: the rows' tail went, so did the list's (it is in row
            // order) and what a running filter pass had left to test there.
            let shown = self.visible.partition_point(|&index| index < cut);
            self.visible.truncate(shown);
            if let Some(scan) = &mut self.scan {
                scan.truncate(cut);
            }
            self.clamp();
            // A group whose first report went must not hide its later ones.
            self.regroup_after_removal();
            return;
        }
        // Rows went from between others: the list's indexes moved.
        for (offset, row) in kept.into_iter().enumerate() {
            self.rows.insert(cut + offset, row);
        }
        self.refilter_keeping(selected, screen_row);
        self.regroup_after_removal();
    }
}
