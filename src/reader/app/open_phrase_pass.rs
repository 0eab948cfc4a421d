//! Running the pass for a phrase being typed (see `open_phrase`): started, narrowed
//! by each key inside the quote, stepped when no key waits, and taken by the closing
//! quote.

use std::borrow::Cow;
use std::time::Instant;

use super::open_phrase::{Narrowed, OpenPhrase};
use super::scan::Scan;
use super::state::App;
use crate::query::Query;

impl App {
    /// Follows the filter input, which does not parse: when it is a phrase being typed,
    /// narrows the pass for the input before (typing on inside the quote) or starts one;
    /// otherwise drops it.
    pub(super) fn follow_open_phrase(&mut self) {
        let Ok((query, true)) = Query::parse_typing(&self.filter.input) else {
            self.open_phrase = None;
            return;
        };
        let rows = self.rows.len();
        let (scan, rejected) = match self.take_open_phrase_narrowed_by(&query) {
            Some(Narrowed {
                matched,
                left,
                rejected,
            }) => (Scan::narrowed(left, matched, rows), rejected),
            None => {
                // What the last pass kept is no guide to this one.
                self.folded_bodies.clear();
                (Scan::all(), Default::default())
            }
        };
        self.open_phrase = Some(OpenPhrase {
            input: self.filter.input.clone(),
            query,
            compiled: None,
            changes: self.index.changes(),
            scan: Some(scan),
            matched: Vec::new(),
            rejected,
        });
    }

    /// Takes the pass for a phrase being typed when the input now typed (parsed as
    /// `query`) can only narrow what it matched: what it found so far, what it had
    /// left to test and what it rejected. `None` (the pass dropped) when it cannot, or
    /// its rows are stale.
    pub(super) fn take_open_phrase_narrowed_by(&mut self, query: &Query) -> Option<Narrowed> {
        let open = self.open_phrase.take()?;
        let narrows = open.changes == self.index.changes()
            && self
                .filter
                .input
                .strip_prefix(open.input.as_str())
                .is_some_and(|appended| Query::typing_narrows(&open.input, true, appended))
            && open.query.is_positive_conjunction()
            && query.is_positive_conjunction();
        narrows.then_some(Narrowed {
            matched: open.matched,
            left: open.scan,
            rejected: open.rejected,
        })
    }

    /// Whether the pass for a phrase being typed has rows left to test.
    pub fn open_phrase_running(&self) -> bool {
        self.open_phrase
            .as_ref()
            .is_some_and(|open| open.scan.is_some() && open.changes == self.index.changes())
    }

    /// Runs the pass for a phrase being typed until `deadline` (to the end when
    /// `None`); drops it if its rows are stale.
    pub(super) fn advance_open_phrase(&mut self, deadline: Option<Instant>) {
        let Some(mut open) = self.open_phrase.take() else {
            return;
        };
        if open.changes != self.index.changes() {
            return;
        }
        let Some(mut scan) = open.scan.take() else {
            self.open_phrase = Some(open);
            return;
        };
        let rows = self.rows.len();
        let compiled = open
            .compiled
            .get_or_insert_with(|| self.index.compile(&open.query));
        let (found, answers) = {
            let test = self.row_test_with(Cow::Borrowed(compiled)).noting(true);
            let keep = |index: usize| test.keeps(&self.rows[index]);
            scan.step(rows, &keep, deadline, None, test.chunk(), &mut open.matched);
            test.into_parts()
        };
        self.keep_found(found);
        let rejected = answers.iter().filter(|(_, matched)| !matched);
        open.rejected.extend(rejected.map(|&(slot, _)| slot));
        if !scan.is_done(rows) {
            open.scan = Some(scan);
        }
        self.open_phrase = Some(open);
    }
}
