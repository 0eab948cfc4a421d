//! The groups of reports of one event as data: a row's [`GroupTag`] and the table of
//! [`Groups`] (what `groups` keeps up to date as rows join).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

/// A row's place in the grouping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupTag {
    /// Not compared with the others yet (it has just joined the reader).
    #[default]
    Unchecked,
    /// Not compared, and its sketch not made yet: a row of the first screen, made on
    /// the UI thread before the first frame, is sketched in the grouping steps after it.
    Unsketched,
    /// Compared, and no other report tells its event.
    Alone,
    /// The first report of group `0` (the one the list shows).
    Lead(u32),
    /// A later report of group `0`.
    Member(u32),
}

impl GroupTag {
    /// Whether it waits to be compared with the others.
    pub fn pending(self) -> bool {
        matches!(self, GroupTag::Unchecked | GroupTag::Unsketched)
    }

    /// The group it belongs to, if any.
    pub fn group(self) -> Option<u32> {
        match self {
            GroupTag::Lead(group) | GroupTag::Member(group) => Some(group),
            GroupTag::Unchecked | GroupTag::Unsketched | GroupTag::Alone => None,
        }
    }
}

/// One group: where its reports are in the list.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Its reports' sort times, oldest first, each once (a report is found by its
    /// time, then its tag: row indexes move as entries arrive).
    pub times: Vec<Timestamp>,
    /// A later report gives a figure no earlier one gave: the list marks it "updated".
    pub updated: bool,
    /// The sources of its reports (kept exact as reports join and leave: a group takes
    /// one report per source, and a candidate is asked this for every group in reach).
    pub sources: Vec<Arc<str>>,
}

/// Every group of the rows held.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// The groups by id.
    pub(super) by_id: HashMap<u32, Group>,
    /// The id the next group gets.
    pub(super) next_id: u32,
    /// How many rows are a group's later report (as of the last grouping).
    pub(super) members: usize,
    /// Rows joined that are not compared yet: the work goes on in later steps.
    pub(super) behind: bool,
    /// What a step left to compare, for the next: the indexes of rows still to compare,
    /// newest first, and the word index's [`crate::query::WordIndex::changes`] when
    /// they were found. Rows join and leave only through the index, so while that
    /// count holds the indexes do: the next step need not look through every row
    /// again (at a million rows, that look was most of a step).
    pub(super) queue: Option<(u64, Vec<usize>)>,
}

impl Groups {
    /// The group with this id.
    pub fn get(&self, id: u32) -> Option<&Group> {
        self.by_id.get(&id)
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
