//! Which new entries raise an alert, and how many the user hears of at once.
//!
//! Every new entry matching the alert query is highlighted. A source's first poll
//! brings its backlog, not news, and a feed whose ids change every poll brings all of
//! it again: then the user gets one summary alert (one bell, one notification, the
//! command run once) instead of one per entry.

use super::state::{App, Effect, Row};
use crate::model::{Entry, EntryId, Item, SourceId};

/// At most this many alerts one by one from one poll; more matches are summarised.
pub const ALERTS_PER_POLL: usize = 20;

/// Titles a summary lists before "… and N more".
const SUMMARY_TITLES: usize = 10;

impl App {
    /// Highlights the new rows (newest first) that match the alert query and returns
    /// their alerts, oldest first: one per entry, or one summary when `first_poll` (the
    /// reader held nothing of `source` before) or when there are more than
    /// [`ALERTS_PER_POLL`].
    pub(super) fn alerts(
        &mut self,
        source: &SourceId,
        new: &[Row],
        first_poll: bool,
    ) -> Vec<Effect> {
        let Some(alert) = &self.alert_query else {
            return Vec::new();
        };
        // The rows' folded text is there already (they have not joined yet): no need
        // to fold again.
        let matches: Vec<Entry> = new
            .iter()
            .filter(|row| match &row.arriving {
                Some(arriving) => alert.matches_prepared(&arriving.prepared, self.now),
                None => alert.matches_prepared(&self.prepared_of(row), self.now),
            })
            .map(|row| self.entry_of(row))
            .collect();
        let matches: Vec<&Entry> = matches.iter().collect();
        for entry in &matches {
            self.alerted
                .insert((entry.source.clone(), entry.item.id.clone()));
        }
        if matches.is_empty() {
            Vec::new()
        } else if first_poll || matches.len() > ALERTS_PER_POLL {
            vec![Effect::Alert(Box::new(summary(
                source, &matches, first_poll,
            )))]
        } else {
            // Oldest first, so notifications arrive in the order things happened.
            matches
                .iter()
                .rev()
                .map(|entry| Effect::Alert(Box::new((*entry).clone())))
                .collect()
        }
    }
}

/// One alert standing for `matches` (newest first, at least one): an entry of
/// `source` titled with their number, its text their titles, dated as the newest.
pub fn summary(source: &SourceId, matches: &[&Entry], first_poll: bool) -> Entry {
    let count = matches.len();
    let what = crate::output::plural(count, "entry matches", "entries match");
    let title = if first_poll {
        format!("{what} the alert (first poll of {source})")
    } else {
        format!("{what} the alert in one poll")
    };
    let mut lines: Vec<String> = matches
        .iter()
        .take(SUMMARY_TITLES)
        .map(|entry| format!("• {}", entry.item.display_title()))
        .collect();
    if count > SUMMARY_TITLES {
        lines.push(format!("… and {} more", count - SUMMARY_TITLES));
    }
    let newest = matches.first().map(|entry| entry.item.time());
    let first_seen = matches
        .iter()
        .map(|entry| entry.first_seen)
        .max()
        .unwrap_or_default();
    Entry::new(
        source.clone(),
        Item {
            id: EntryId(format!("alert-summary-{count}")),
            published: newest.flatten(),
            updated: None,
            title,
            author: None,
            url: None,
            text: lines.join("\n"),
            html: None,
            flags: Default::default(),
        },
        first_seen,
    )
}
