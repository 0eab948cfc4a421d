//! The test a filter pass puts each row to ([`RowTest`]), built once per step of the
//! pass, so that a row costs no string work the index can spare it: the query is
//! compiled against the word index once per keystroke (kept while the index does not
//! change), and what depends only on a row's source (hidden? its folded name) is
//! decided once per source and found by the address of the source's shared name.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::sync::{Arc, Mutex, PoisonError};

use jiff::Timestamp;

use super::folded_bodies::FoundBodies;
use super::group_table::GroupTag;
use super::ready::ReadyFilter;
use super::row::Row;
use super::scan::{CHUNK, CompiledFilter, TEXT_CHUNK};
use super::state::App;
use crate::query::{Held, IndexedQuery, Prepared, Stage, StagedText, fold};

impl App {
    /// Compiles the filter for the coming steps, unless the one kept still holds (same
    /// query, index unchanged).
    pub(super) fn compile_filter(&mut self) {
        if self.compiled_filter().is_none() {
            self.compiled_filter = Some(CompiledFilter {
                changes: self.index.changes(),
                compiled: self.index.compile(&self.filter.query),
            });
        }
    }

    /// The kept compiled filter, when it still holds.
    fn compiled_filter(&self) -> Option<&IndexedQuery> {
        self.compiled_filter
            .as_ref()
            .filter(|kept| {
                kept.changes == self.index.changes() && *kept.compiled.query() == self.filter.query
            })
            .map(|kept| &kept.compiled)
    }

    /// The test rows must pass to be shown: the filter, the source toggles, the key
    /// events switch and grouping.
    pub(super) fn row_test(&self) -> RowTest<'_> {
        let compiled = match self.compiled_filter() {
            Some(kept) => Cow::Borrowed(kept),
            None => Cow::Owned(self.index.compile(&self.filter.query)),
        };
        self.row_test_with(compiled)
    }

    /// The test of [`App::row_test`] with another query than the filter's, compiled
    /// (a phrase being typed: see `open_phrase`).
    pub(super) fn row_test_with<'a>(&'a self, compiled: Cow<'a, IndexedQuery>) -> RowTest<'a> {
        let budget = self
            .folded_budget()
            .saturating_sub(self.folded_bodies.len());
        let known = self.ready.for_query(compiled.query());
        self.make_row_test(compiled, budget, known)
    }

    /// The test of the query alone (no source toggles, no key events switch, no
    /// grouping: see [`RowTest::matches_query`]), for a saved filter's sweep (see
    /// `ready`); it keeps no folded bodies.
    pub(super) fn query_test<'a>(&'a self, compiled: Cow<'a, IndexedQuery>) -> RowTest<'a> {
        self.make_row_test(compiled, 0, None)
    }

    fn make_row_test<'a>(
        &'a self,
        compiled: Cow<'a, IndexedQuery>,
        budget: usize,
        known: Option<&'a ReadyFilter>,
    ) -> RowTest<'a> {
        let facts = self
            .names
            .iter()
            .map(|name| SourceFacts {
                hidden: self.hides(name),
                folded: fold(name),
            })
            .collect();
        RowTest {
            app: self,
            found: Mutex::new(FoundBodies::default()),
            learned: None,
            budget,
            known,
            needs_time: compiled.query().depends_on_time(),
            any_hidden: self.sources.iter().any(|source| !source.enabled),
            reads_source: compiled.reads_source(),
            compiled,
            sources: SourceTable::new(&self.names, facts),
        }
    }

    /// Whether the source named `name` is toggled off.
    fn hides(&self, name: &str) -> bool {
        self.sources
            .iter()
            .any(|source| !source.enabled && source.id.0 == name)
    }

    /// Folds a held `row` into `out` as the index was given it (less the parts the
    /// filter never reads: id, link, earlier text), in `stage`: its title, author and
    /// source name, or its body alone, folded already when the last pass kept the row
    /// (`folded_bodies`), else read from the body store without a copy. True when the
    /// body was read from the store.
    fn fold_stage(&self, row: &Row, stage: Stage, out: &mut Prepared) -> bool {
        let time = row.own_sort_time();
        match stage {
            Stage::Fields => {
                #[cfg(test)]
                reads::read(false);
                out.fold_fields(
                    [row.title(), row.author().unwrap_or(""), &row.source, ""],
                    time,
                );
                false
            }
            // Folding folded text gives it back unchanged (`fold` is idempotent).
            Stage::Body => match self.folded_bodies.get(row.body) {
                Some(folded) => {
                    out.fold_fields(["", "", "", folded], time);
                    false
                }
                None => {
                    #[cfg(test)]
                    reads::read(true);
                    self.with_body_text(row, |text| out.fold_fields(["", "", "", text], time));
                    true
                }
            },
        }
    }
}

/// The most bytes a thread's fold buffers keep between rows: more than nearly every
/// body, and a rare huge one is not held on to.
const KEPT_CAPACITY: usize = 64 * 1024;

thread_local! {
    /// What this thread folds rows into while it tests them: one allocation per
    /// thread and pass step, not one per row (see [`KEPT_CAPACITY`]).
    static BUFFERS: RefCell<StagedText> = RefCell::new(StagedText::default());
}

/// What a filter decides by a row's source alone.
#[derive(Debug)]
struct SourceFacts {
    /// The user toggled the source off.
    hidden: bool,
    /// Its name folded (what `source:` tests).
    folded: String,
}

/// The facts of the held sources, by the address of their shared name: a row's
/// source is found with one multiply and a probe or two, not by hashing or comparing
/// its name.
#[derive(Debug)]
struct SourceTable {
    /// Open addressing: (name's address, index in `facts`), `None` where empty.
    slots: Vec<Option<(usize, usize)>>,
    /// `slots.len()` is `1 << bits`.
    bits: u32,
    facts: Vec<SourceFacts>,
}

impl SourceTable {
    fn new(names: &[Arc<str>], facts: Vec<SourceFacts>) -> SourceTable {
        // At most half full, so probes stay short.
        let bits = (names.len() * 2)
            .max(8)
            .next_power_of_two()
            .trailing_zeros();
        let mut table = SourceTable {
            slots: vec![None; 1 << bits],
            bits,
            facts,
        };
        for (index, name) in names.iter().enumerate() {
            let address = address(name);
            let mut at = table.home(address);
            while table.slots[at].is_some() {
                at = (at + 1) & (table.slots.len() - 1);
            }
            table.slots[at] = Some((address, index));
        }
        table
    }

    /// Where the probe for `address` starts (Fibonacci hashing).
    fn home(&self, address: usize) -> usize {
        ((address as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize
    }

    /// The facts of the source whose shared name is `name` (`None` for a name not
    /// shared yet: a row still arriving).
    fn get(&self, name: &Arc<str>) -> Option<&SourceFacts> {
        let address = address(name);
        let mut at = self.home(address);
        loop {
            match self.slots.get(at)? {
                Some((held, index)) if *held == address => return self.facts.get(*index),
                Some(_) => at = (at + 1) & (self.slots.len() - 1),
                None => return None,
            }
        }
    }
}

/// The address of a shared name's text: the same for every row sharing it.
fn address(name: &Arc<str>) -> usize {
    Arc::as_ptr(name).cast::<u8>() as usize
}

/// The test of one filter pass step (see the module's doc).
pub(super) struct RowTest<'a> {
    app: &'a App,
    /// Folded bodies of the rows kept that were read from the store, for
    /// `folded_bodies` (merged once the step is over).
    found: Mutex<FoundBodies>,
    /// What the rows whose text was read answered, by slot, when the step notes it
    /// (see [`RowTest::noting`]).
    learned: Option<Mutex<Vec<(u32, bool)>>>,
    /// Bytes `found` may take.
    budget: usize,
    /// The filter kept ready for this query, if any (saved, from the history, or the
    /// list's own): its answers for the rows it tested (see `ready`).
    known: Option<&'a ReadyFilter>,
    compiled: Cow<'a, IndexedQuery>,
    /// The query has `since:`: rows tell their own time.
    needs_time: bool,
    /// Some source is toggled off.
    any_hidden: bool,
    /// The query has `source:`: rows tell their source's folded name.
    reads_source: bool,
    sources: SourceTable,
}

impl RowTest<'_> {
    /// Keeps the folded body of `row`, which passed, for the passes that narrow this
    /// one (within the budget).
    fn keep_folded(&self, row: &Row, folded: &str) {
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        if found.len() + folded.len() <= self.budget {
            found.push(row.body, folded);
        }
    }

    /// The same test, noting what the rows whose text it reads answer, when `note`
    /// (see [`RowTest::into_parts`] and `ready`).
    pub(super) fn noting(mut self, note: bool) -> Self {
        if note {
            self.learned = Some(Mutex::new(Vec::new()));
        }
        self
    }

    /// Rows tested between looks at the clock.
    pub(super) fn chunk(&self) -> usize {
        if self.reads_text() { TEXT_CHUNK } else { CHUNK }
    }

    /// What the step found for `folded_bodies`, and what the rows it tested on their
    /// text answered, by slot (empty unless it was to note them).
    pub(super) fn into_parts(self) -> (FoundBodies, Vec<(u32, bool)>) {
        let found = self
            .found
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let learned = self
            .learned
            .map(|learned| learned.into_inner().unwrap_or_else(PoisonError::into_inner))
            .unwrap_or_default();
        (found, learned)
    }

    /// True when some rows are confirmed on their text (read back from the body
    /// store), not by the word index alone.
    pub(super) fn reads_text(&self) -> bool {
        !self.compiled.is_index_only()
    }

    /// Whether `row` is shown. Grouping on, a group shows once, as its first report,
    /// when any of its reports passes; its later reports do not show on their own.
    pub(super) fn keeps(&self, row: &Row) -> bool {
        match (self.app.grouping, row.group) {
            (true, GroupTag::Member(_)) => false,
            (true, GroupTag::Lead(id)) => {
                self.passes(row)
                    || self
                        .app
                        .group_rows(id)
                        .into_iter()
                        .any(|index| self.app.rows.get(index).is_some_and(|r| self.passes(r)))
            }
            _ => self.passes(row),
        }
    }

    /// Whether `row` passes the filter, the source toggles and the key events switch.
    fn passes(&self, row: &Row) -> bool {
        if self.app.key_events_only && !row.flags.is_key() {
            return false;
        }
        if self.any_hidden {
            let hidden = match self.sources.get(&row.source) {
                Some(facts) => facts.hidden,
                None => self.app.hides(&row.source),
            };
            if hidden {
                return false;
            }
        }
        self.matches_query(row)
    }

    /// Whether `row` matches the query alone, whatever the source toggles, the key
    /// events switch and grouping say.
    pub(super) fn matches_query(&self, row: &Row) -> bool {
        // The common case, a query the slot decides (its words all answered by the
        // index), or a filter kept ready that tested the row: one bit looked up,
        // nothing else read.
        if row.arriving.is_none()
            && let Some(answer) = self
                .compiled
                .test_slot(row.slot)
                .or_else(|| self.known.and_then(|known| known.answer(row.slot)))
        {
            return answer;
        }
        let source: Cow<'_, str> = if !self.reads_source {
            Cow::Borrowed("")
        } else {
            match self.sources.get(&row.source) {
                Some(facts) => Cow::Borrowed(&facts.folded),
                None => Cow::Owned(fold(&row.source)),
            }
        };
        self.test_text(row, &source)
    }

    /// Whether `row` passes the query, tested on its text (`source`: its folded name,
    /// when the query reads it).
    fn test_text(&self, row: &Row, source: &str) -> bool {
        let now = self.app.now;
        match &row.arriving {
            // Not in the index yet (alerts test rows before they join).
            Some(arriving) => self.compiled.test_prepared(&arriving.prepared, now),
            None => {
                let held = Held {
                    slot: row.slot,
                    time: if self.needs_time {
                        row.own_sort_time()
                    } else {
                        Timestamp::UNIX_EPOCH
                    },
                    source,
                };
                BUFFERS.with_borrow_mut(|buffers| {
                    let (read, from_store) = (Cell::new(false), Cell::new(false));
                    let passes = self.compiled.test_staged(held, now, buffers, |stage, out| {
                        read.set(true);
                        if self.app.fold_stage(row, stage, out) {
                            from_store.set(true);
                        }
                    });
                    if passes && from_store.get() {
                        self.keep_folded(row, buffers.body_text());
                    }
                    // Only what read the text is worth noting: a row the index ruled
                    // out costs a bit again, less than a lock now.
                    if read.get()
                        && let Some(learned) = &self.learned
                    {
                        learned
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push((row.slot, passes));
                    }
                    buffers.shrink_past(KEPT_CAPACITY);
                    passes
                })
            }
        }
    }
}

#[cfg(test)]
mod reads {
    //! How often a pass read a row's text back, for tests that count work.

    use std::cell::Cell;

    thread_local! {
        /// Rows folded without their body, and with it.
        static READS: Cell<[usize; 2]> = const { Cell::new([0, 0]) };
    }

    pub(super) fn read(body: bool) {
        READS.with(|reads| {
            let mut counts = reads.get();
            counts[usize::from(body)] += 1;
            reads.set(counts);
        });
    }

    /// Rows read back in this thread so far: without the body, with it.
    pub(super) fn counts() -> [usize; 2] {
        READS.with(Cell::get)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::state::Action;
    use super::super::testing::{app_with, now};
    use super::super::update::update;
    use super::*;
    use crate::model::{Entry, EntryId, Flags, Item, SourceId};
    use crate::query::Query;

    const WORDS: &[&str] = &["peace", "deal", "kyiv", "storm", "red", "drone", "talks"];

    /// An entry of source `a`, `b` or `c` (`c` is not among the app's sources).
    fn entry(
        number: usize,
        source: usize,
        title: &[usize],
        author: Option<usize>,
        text: &[usize],
        key: bool,
    ) -> Entry {
        let words = |picks: &[usize]| {
            picks
                .iter()
                .map(|&pick| WORDS[pick % WORDS.len()])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let minutes = i64::try_from(number).unwrap_or(0) * 7;
        let time = now() - jiff::SignedDuration::from_mins(minutes);
        Entry::new(
            SourceId(["a", "b", "c"][source % 3].to_string()),
            Item {
                id: EntryId(format!("e{number}")),
                published: Some(time),
                updated: None,
                title: words(title),
                author: author.map(|pick| WORDS[pick % WORDS.len()].to_string()),
                url: None,
                text: words(text),
                html: None,
                flags: Flags {
                    key_event: key,
                    ..Flags::default()
                },
            },
            time,
        )
    }

    /// The old per-row test: the whole entry read back and folded, the query's own
    /// matcher, the toggles looked up by name.
    fn reference(app: &App, row: &Row) -> bool {
        let passes = |row: &Row| {
            (!app.key_events_only || row.flags.is_key())
                && !app.hides(&row.source)
                && app
                    .filter
                    .query
                    .matches_prepared(&app.prepared_of(row), app.now)
        };
        match (app.grouping, row.group) {
            (true, GroupTag::Member(_)) => false,
            (true, GroupTag::Lead(id)) => {
                passes(row) || app.group_rows(id).into_iter().any(|i| passes(&app.rows[i]))
            }
            _ => passes(row),
        }
    }

    fn any_entry() -> impl Strategy<Value = (usize, Vec<usize>, Option<usize>, Vec<usize>, bool)> {
        (
            0..3usize,
            prop::collection::vec(0..7usize, 0..4),
            prop::option::of(0..7usize),
            prop::collection::vec(0..7usize, 0..6),
            prop::bool::weighted(0.3),
        )
    }

    fn any_query() -> impl Strategy<Value = String> {
        let word = prop::sample::select(
            &[
                "peace", "dea", "kyiv", "k", "storm", "kyiv's", "red-", "zzz",
            ][..],
        )
        .prop_map(str::to_string);
        let phrase = prop::sample::select(
            &[
                "\"peace deal\"",
                "\"deal peace\"",
                "\"kyiv storm\"",
                "\"red\"",
                // Left open (typed so far): runs to the end of the query.
                "\"peace de",
                "\"kyiv's sto",
            ][..],
        )
        .prop_map(str::to_string);
        let field = prop::sample::select(
            &[
                "title:peace",
                "author:k",
                "source:a",
                "source:b",
                "title:\"peace de\"",
                "since:1h",
                "since:3h",
            ][..],
        )
        .prop_map(str::to_string);
        let leaf = prop_oneof![3 => word, 2 => phrase, 2 => field];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(|parts| parts.join(" ")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} OR {b})")),
                inner.prop_map(|a| format!("-{a}")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        /// The pass's test (compiled once, sources decided once, text in stages) keeps
        /// exactly the rows the old per-row test kept, and a whole pass lists them.
        #[test]
        fn the_row_test_keeps_the_rows_the_per_row_test_keeps(
            specs in prop::collection::vec(any_entry(), 0..40),
            queries in prop::collection::vec(any_query(), 1..4),
            hide_b in any::<bool>(),
            grouping in any::<bool>(),
            key_events_only in any::<bool>(),
        ) {
            let entries = specs
                .iter()
                .enumerate()
                .map(|(n, (source, title, author, text, key))| entry(n, *source, title, *author, text, *key))
                .collect();
            let mut app = app_with(entries);
            // Groups made, so that grouping on folds some reports into others.
            app.group_rows_until(None);
            app.grouping = grouping;
            app.key_events_only = key_events_only;
            if hide_b {
                for source in &mut app.sources {
                    source.enabled = source.id.0 != "b";
                }
            }
            for query in &queries {
                update(&mut app, Action::StartFilter);
                for c in query.chars() {
                    update(&mut app, Action::FilterChar(c));
                }
                app.finish_filter();
                if app.filter.error.is_some() {
                    continue;
                }
                let test = app.row_test();
                let expected: Vec<usize> = (0..app.rows.len())
                    .filter(|&index| reference(&app, &app.rows[index]))
                    .collect();
                let kept: Vec<usize> = (0..app.rows.len())
                    .filter(|&index| test.keeps(&app.rows[index]))
                    .collect();
                prop_assert_eq!(&kept, &expected, "query {:?}", query);
                prop_assert_eq!(&app.visible, &expected, "query {:?}, the pass", query);
                update(&mut app, Action::FilterCancel);
            }
        }
    }

    /// Rows folded (without their body, with it) while `test` tests every row.
    fn reads_while_testing(app: &App) -> [usize; 2] {
        let before = reads::counts();
        let test = app.row_test();
        for row in &app.rows {
            test.keeps(row);
        }
        let after = reads::counts();
        [after[0] - before[0], after[1] - before[1]]
    }

    fn filtered(entries: Vec<Entry>, query: &str) -> App {
        let mut app = app_with(entries);
        // Every row on its own (alike reports would fold into their group's first).
        app.grouping = false;
        app.filter.query = crate::query::Query::parse(query).expect("a query");
        app
    }

    #[test]
    fn words_the_index_answers_read_no_row_back() {
        let entries = (0..50)
            .map(|n| entry(n, n, &[n, n + 1], Some(n), &[n + 2, n + 3], n % 4 == 0))
            .collect::<Vec<_>>();
        for query in [
            "peace",
            "k",
            "peace -storm",
            "title:dea OR author:red",
            "since:2h source:a",
        ] {
            let app = filtered(entries.clone(), query);
            assert_eq!(reads_while_testing(&app), [0, 0], "query {query:?}");
        }
    }

    #[test]
    fn a_phrase_found_in_titles_reads_no_body_back() {
        // Every entry a candidate (both words in its body too); half have the phrase
        // in the title.
        let entries = (0..40)
            .map(|n| {
                let title: &[usize] = if n % 2 == 0 { &[0, 1] } else { &[1, 0] };
                entry(n, n, title, None, &[4, 1, 0, 5], false)
            })
            .collect::<Vec<_>>();
        let app = filtered(entries, "\"peace deal\"");
        // Each row's title and author are folded once; only the 20 whose title lacks
        // the phrase read their body back.
        assert_eq!(reads_while_testing(&app), [40, 20]);
        let test = app.row_test();
        let kept = app.rows.iter().filter(|row| test.keeps(row)).count();
        assert_eq!(kept, 20);
    }

    /// 60 rows, each on its own (no grouping): "peace deal …" in the bodies of a third
    /// (the rows numbered a multiple of 3), "peace drone …" in a third, "deal peace …"
    /// in the rest; no title holds the phrase.
    fn peace_deal_in_a_third() -> App {
        let mut app = app_with(peace_deal_entries(0..60));
        app.grouping = false;
        app
    }

    /// The entries of [`peace_deal_in_a_third`] numbered `numbers` (higher is older).
    fn peace_deal_entries(numbers: std::ops::Range<usize>) -> Vec<Entry> {
        numbers
            .map(|n| {
                let body: &[usize] = match n % 3 {
                    0 => &[0, 1, 3],
                    1 => &[0, 5, 3],
                    _ => &[1, 0, 3],
                };
                entry(n, n, &[2], None, body, false)
            })
            .collect()
    }

    /// The older entries of [`peace_deal_in_a_third`] numbered `numbers` loaded (as
    /// the window fills after start), and the filter's pass run to the end.
    fn load_older(app: &mut App, numbers: std::ops::Range<usize>) {
        let older = peace_deal_entries(numbers)
            .into_iter()
            .map(Row::new)
            .collect();
        update(app, Action::Backfill(older));
        app.finish_filter();
    }

    /// The ids of the rows the list shows, in order.
    fn shown_ids(app: &App) -> Vec<String> {
        app.visible
            .iter()
            .map(|&index| app.rows[index].id().to_string())
            .collect()
    }

    #[test]
    fn older_rows_loaded_under_a_phrase_filter_are_tested_before_they_join() {
        let filter = |app: &mut App| {
            app.grouping = false;
            update(app, Action::StartFilter);
            for c in "\"peace deal\"".chars() {
                update(app, Action::FilterChar(c));
            }
            update(app, Action::FilterAccept);
            app.finish_filter();
        };
        let mut app = app_with(peace_deal_entries(0..30));
        filter(&mut app);
        assert_eq!(app.visible.len(), 10);
        let before = reads::counts()[1];
        load_older(&mut app, 30..60);
        assert_eq!(
            reads::counts()[1] - before,
            0,
            "tested on their folded text"
        );
        let mut whole = app_with(peace_deal_entries(0..60));
        filter(&mut whole);
        assert_eq!(app.visible.len(), 20);
        assert_eq!(shown_ids(&app), shown_ids(&whole));
    }

    #[test]
    fn a_phrase_typed_on_reads_no_body_back_after_its_first_pass() {
        let mut app = peace_deal_in_a_third();
        update(&mut app, Action::StartFilter);
        // Each key, then the filter work the loop runs while no key waits.
        let type_in = |app: &mut App, text: &str| {
            let before = reads::counts();
            for c in text.chars() {
                update(app, Action::FilterChar(c));
                while app.filter_work_left() {
                    update(app, Action::FilterStep);
                }
            }
            reads::counts()[1] - before[1]
        };
        // `"peace d`: the first keystroke that needs the text reads every candidate
        // (each body has "peace" and a word in d), behind the list, which keeps every
        // row while the quote is open.
        let shown = app.visible.clone();
        assert_eq!(type_in(&mut app, "\"peace d"), 60);
        assert!(app.filter.error.is_some());
        assert_eq!(app.visible, shown);
        // Typing on, and the closing quote, test only what that pass kept, folded
        // already.
        assert_eq!(type_in(&mut app, "eal\""), 0);
        assert!(app.filter.error.is_none());
        assert_eq!(app.visible.len(), 20);
        // A query that does not narrow starts afresh.
        update(&mut app, Action::FilterBackspace);
        update(&mut app, Action::FilterCancel);
        assert_eq!(app.folded_bodies.len(), 0);
    }

    #[test]
    fn a_saved_filter_kept_ready_reads_no_body_when_applied() {
        let mut app = peace_deal_in_a_third();
        app.saved_filters = vec![("deal".to_string(), "\"peace deal\"".to_string())];
        // The sweep, while idle, reads each candidate's body once (every body holds
        // "peace" or "deal", but only two thirds hold both).
        assert_eq!(idle(&mut app), 40);
        assert_eq!(idle(&mut app), 0, "nothing left to sweep");
        let before = reads::counts()[1];
        update(&mut app, Action::ApplySavedFilter(0));
        app.finish_filter();
        assert_eq!(reads::counts()[1] - before, 0, "applied: no body read");
        assert_eq!(app.visible.len(), 20);
        assert!(app.visible.iter().all(|&index| {
            app.rows[index]
                .id()
                .trim_start_matches('e')
                .parse::<usize>()
                .is_ok_and(|n| n % 3 == 0)
        }));
        // An entry leaving takes its slot out of the filter's answers.
        let slot = app.rows[app.visible[0]].slot;
        let row = app.rows.remove(app.visible[0]).expect("a row");
        app.release(&row);
        assert_eq!(app.ready.filters[0].answer(slot), None);
    }

    /// Body reads while `text` is typed into the filter at once (pasted: every key
    /// before any filter work), accepted, and its pass run to the end.
    fn paste_and_accept(app: &mut App, text: &str) -> usize {
        let before = reads::counts()[1];
        paste(app, text);
        update(app, Action::FilterAccept);
        app.finish_filter();
        reads::counts()[1] - before
    }

    /// `/`, then `text` typed at once (every key before any filter work).
    fn paste(app: &mut App, text: &str) {
        update(app, Action::StartFilter);
        for c in text.chars() {
            update(app, Action::FilterChar(c));
        }
    }

    /// Body reads while the reader is idle until nothing is left to sweep.
    fn idle(app: &mut App) -> usize {
        let before = reads::counts()[1];
        let mut steps = 0;
        while app.ready_work_left() {
            update(app, Action::ReadyStep);
            steps += 1;
            assert!(steps < 10_000, "the sweeps end");
        }
        reads::counts()[1] - before
    }

    #[test]
    fn a_phrase_applied_once_is_recalled_from_the_history_without_reading_a_body() {
        let mut app = peace_deal_in_a_third();
        // Pasted: its pass reads each candidate's body, and notes what it found.
        assert_eq!(paste_and_accept(&mut app, "\"peace deal\""), 40);
        assert_eq!(app.visible.len(), 20);
        assert_eq!(idle(&mut app), 0, "the pass tested every row already");
        update(&mut app, Action::FilterCancel);
        app.finish_filter();
        assert_eq!(app.visible.len(), 60);
        // Recalled from the history (`/`, Up): no body read.
        let before = reads::counts()[1];
        update(&mut app, Action::StartFilter);
        update(&mut app, Action::FilterHistory(-1));
        app.finish_filter();
        assert_eq!(app.filter.input, "\"peace deal\"");
        assert_eq!(reads::counts()[1] - before, 0, "recalled: no body read");
        assert_eq!(app.visible.len(), 20);
        // Pasted again: no body read either.
        update(&mut app, Action::FilterCancel);
        assert_eq!(paste_and_accept(&mut app, "\"peace deal\""), 0);
        assert_eq!(app.visible.len(), 20);
    }

    #[test]
    fn a_typed_phrase_is_ready_once_typed_without_a_sweep() {
        let mut app = peace_deal_in_a_third();
        update(&mut app, Action::StartFilter);
        for c in "\"peace deal\"".chars() {
            update(&mut app, Action::FilterChar(c));
            while app.filter_work_left() {
                update(&mut app, Action::FilterStep);
            }
        }
        assert_eq!(app.visible.len(), 20);
        update(&mut app, Action::FilterAccept);
        // The closing quote's pass tested only what the pass behind the list kept,
        // and that pass noted what it rejected ("deal peace …"): nothing to sweep.
        assert_eq!(idle(&mut app), 0);
        update(&mut app, Action::FilterCancel);
        app.finish_filter();
        let before = reads::counts()[1];
        update(&mut app, Action::StartFilter);
        update(&mut app, Action::FilterHistory(-1));
        app.finish_filter();
        assert_eq!(reads::counts()[1] - before, 0, "recalled: no body read");
        assert_eq!(app.visible.len(), 20);
    }

    #[test]
    fn the_history_keeps_only_its_latest_text_filters_ready() {
        let mut app = peace_deal_in_a_third();
        app.saved_filters = vec![("deal".to_string(), "\"peace deal\"".to_string())];
        for query in [
            "\"drone peace\"",
            "\"deal peace\"",
            "kyiv",
            "\"peace drone\"",
            "since:1h \"peace\"",
            "\"peace deal\"",
            "red-x",
            "\"storm peace\"",
            "\"talks peace\"",
        ] {
            paste_and_accept(&mut app, query);
            update(&mut app, Action::FilterCancel);
        }
        idle(&mut app);
        let kept: Vec<Query> = app
            .ready
            .filters
            .iter()
            .map(|ready| ready.query.clone())
            .collect();
        let parsed = |query: &str| Query::parse(query).expect("a query");
        // The saved filter, then the history's four latest that read the text (a
        // word is answered by the index, `since:` moves with the clock, and the
        // saved filter is there already), newest first.
        assert_eq!(
            kept,
            [
                "\"peace deal\"",
                "\"talks peace\"",
                "\"storm peace\"",
                "red-x",
                "\"peace drone\""
            ]
            .map(parsed)
        );
        assert!(app.ready.current.is_none(), "the list's filter is empty");
    }

    #[test]
    fn a_row_leaving_takes_its_slot_out_of_the_list_filters_answers() {
        let mut app = peace_deal_in_a_third();
        paste(&mut app, "\"peace deal\"");
        app.finish_filter();
        // Not accepted: the list's own, not in the history yet.
        let current = app.ready.current.as_ref().expect("kept for the list");
        let slot = app.rows[app.visible[0]].slot;
        assert_eq!(current.answer(slot), Some(true));
        let row = app.rows.remove(app.visible[0]).expect("a row");
        app.release(&row);
        let current = app.ready.current.as_ref().expect("kept for the list");
        assert_eq!(current.answer(slot), None);
    }

    #[test]
    fn only_the_latest_sixteen_of_the_history_are_looked_at() {
        let mut app = peace_deal_in_a_third();
        paste_and_accept(&mut app, "\"peace deal\"");
        for n in 0..16 {
            update(&mut app, Action::FilterCancel);
            paste_and_accept(&mut app, &format!("word{n}"));
        }
        update(&mut app, Action::FilterCancel);
        idle(&mut app);
        assert!(app.ready.filters.is_empty(), "the phrase is 17 back");
    }

    #[test]
    fn a_pass_again_under_an_applied_phrase_reads_only_rows_it_never_tested() {
        let mut app = app_with(peace_deal_entries(0..50));
        app.grouping = false;
        assert_eq!(paste_and_accept(&mut app, "\"peace deal\""), 33);
        // Older rows join (tested on arrival), then the list's pass runs again over
        // every row (as a source toggled does): the rows its first pass tested are
        // answered from what it noted, only the 7 candidates that joined are read.
        load_older(&mut app, 50..60);
        let before = reads::counts()[1];
        app.refilter();
        app.finish_filter();
        assert_eq!(reads::counts()[1] - before, 7);
        let mut whole = peace_deal_in_a_third();
        paste_and_accept(&mut whole, "\"peace deal\"");
        assert_eq!(shown_ids(&app), shown_ids(&whole));
    }
}
