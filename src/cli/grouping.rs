//! Reports of one event grouped for the headless commands: the `group` key of
//! `list --json` (a list of entries grouped at once) and of `tail --json` (entries
//! grouped as they arrive).

use std::collections::VecDeque;

use jiff::Timestamp;

use crate::group::{Report, Sketch, WINDOW, best_match, group_id, group_reports};
use crate::model::Entry;
use crate::query::fold;

/// A report held for grouping: folded once, with its sketch.
#[derive(Debug, Clone)]
struct Held {
    source: String,
    id: String,
    time: Timestamp,
    title: String,
    body: String,
    sketch: Sketch,
    /// The id of its group's first report, `(source, entry id)`.
    lead: (String, String),
    /// Whether another report has joined it (its group has two or more).
    grouped: bool,
}

impl Held {
    fn of(entry: &Entry) -> Held {
        let title = fold(&entry.item.title);
        let body = fold(&entry.item.text);
        Held {
            source: entry.source.0.clone(),
            id: entry.item.id.0.clone(),
            time: entry.sort_time(),
            sketch: Sketch::of(&title, &body),
            title,
            body,
            lead: (entry.source.0.clone(), entry.item.id.0.clone()),
            grouped: false,
        }
    }

    fn report(&self) -> Report<'_> {
        Report {
            source: &self.source,
            time: self.time,
            title: &self.title,
            body: &self.body,
            sketch: &self.sketch,
        }
    }
}

/// The group id ([`group_id`]) of each of `entries` (in any order), `None` for an
/// entry that is alone among them.
pub fn group_ids(entries: &[Entry]) -> Vec<Option<String>> {
    let held: Vec<Held> = entries.iter().map(Held::of).collect();
    let reports: Vec<Report<'_>> = held.iter().map(Held::report).collect();
    let leads = group_reports(&reports);
    leads
        .iter()
        .map(|lead| lead.map(|lead| group_id(&entries[lead].source.0, &entries[lead].item.id.0)))
        .collect()
}

/// Groups entries as they arrive (oldest first), holding those of the last
/// [`WINDOW`]. An entry's id is known when it is printed: the first report of an event
/// prints alone (`None`), the later ones the id of the first (the id `list` gives them
/// all).
#[derive(Debug, Default)]
pub struct Tracker {
    held: VecDeque<Held>,
}

impl Tracker {
    /// An empty tracker.
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Takes `entry` in and says its group's id (`None` while it is alone).
    pub fn track(&mut self, entry: &Entry) -> Option<String> {
        let mut new = Held::of(entry);
        // Forget what is too old to group with anything that can still arrive.
        let newest = self
            .held
            .iter()
            .map(|held| held.time)
            .chain([new.time])
            .max()
            .unwrap_or(new.time);
        self.held
            .retain(|held| newest.duration_since(held.time) <= WINDOW + WINDOW);
        // An edit of a held entry replaces it and keeps its group.
        if let Some(at) = self
            .held
            .iter()
            .position(|held| held.source == new.source && held.id == new.id)
        {
            if let Some(old) = self.held.remove(at) {
                new.lead = old.lead;
                new.grouped = old.grouped;
            }
        } else {
            let candidates = self.held.iter().enumerate().map(|(i, h)| (i, h.report()));
            let allowed = |index: usize| {
                let lead = &self.held[index].lead;
                !self
                    .held
                    .iter()
                    .any(|held| held.lead == *lead && held.source == new.source)
            };
            if let Some(index) = best_match(&new.report(), candidates, allowed) {
                let lead = self.held[index].lead.clone();
                for held in self.held.iter_mut().filter(|held| held.lead == lead) {
                    held.grouped = true;
                }
                new.lead = lead;
                new.grouped = true;
            }
        }
        let id = new.grouped.then(|| group_id(&new.lead.0, &new.lead.1));
        self.held.push_back(new);
        id
    }
}
