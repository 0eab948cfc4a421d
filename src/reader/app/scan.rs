//! A filter pass over the loaded rows, done in steps.
//!
//! A keystroke must reach the screen within a frame even with a million entries
//! loaded, and testing a million entries takes longer than that. So a pass tests rows
//! newest first, for a time budget, on every core; the newest matches (the top of the
//! list, what the user sees) are shown at once, and the reader's loop runs further steps
//! whenever no input is waiting, so the rest of the list grows below the screen without
//! moving what is on it.

use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::query::IndexedQuery;

/// Rows tested between looks at the clock when a row's test is a lookup in the word
/// index: about half a millisecond of work on one core.
pub const CHUNK: usize = 4_096;

/// Rows tested between looks at the clock when rows are confirmed on their text (a
/// phrase): each may read its body back, some microseconds, and a keystroke's first
/// step must not overrun its frame by a whole chunk.
pub const TEXT_CHUNK: usize = 256;

/// The filter compiled against the word index, kept for the steps of a pass (rows
/// joining between steps change the index, and then it is compiled again; see
/// `row_test`).
#[derive(Debug, Clone)]
pub struct CompiledFilter {
    /// [`crate::query::WordIndex::changes`] when it was compiled.
    pub(super) changes: u64,
    /// The compiled query.
    pub(super) compiled: IndexedQuery,
}

/// What is left of a filter pass. Rows are tested in order: the rest of `candidates`
/// (rows an earlier, broader filter accepted), then every row from `next_row` on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Row indexes to test, ascending, all below `next_row`.
    candidates: Vec<usize>,
    /// How many of `candidates` are tested.
    tested_candidates: usize,
    /// Every row from here to the end is still to test.
    next_row: usize,
    /// Rows tested so far in this pass (for the progress shown).
    tested: usize,
}

impl Scan {
    /// A pass over every row.
    pub fn all() -> Scan {
        Scan::default()
    }

    /// A pass over `candidates` (ascending) and then rows from `next_row` on.
    pub fn within(candidates: Vec<usize>, next_row: usize) -> Scan {
        Scan {
            candidates,
            tested_candidates: 0,
            next_row,
            tested: 0,
        }
    }

    /// A pass that can only narrow the result of a pass (whose matches so far are
    /// `matched`): it tests those matches, then whatever that pass had left (`running`;
    /// `None` when it had ended).
    pub fn narrowed(running: Option<Scan>, matched: Vec<usize>, rows: usize) -> Scan {
        let Some(running) = running else {
            return Scan::within(matched, rows);
        };
        let mut candidates = matched;
        candidates.extend_from_slice(&running.candidates[running.tested_candidates..]);
        Scan::within(candidates, running.next_row.min(rows))
    }

    /// Nothing left to test among `rows` rows.
    pub fn is_done(&self, rows: usize) -> bool {
        self.tested_candidates >= self.candidates.len() && self.next_row >= rows
    }

    /// The next row to test, if any.
    fn next_pending(&self, rows: usize) -> Option<usize> {
        match self.candidates.get(self.tested_candidates) {
            Some(&row) => Some(row),
            None => (self.next_row < rows).then_some(self.next_row),
        }
    }

    /// Rows still to test.
    pub fn remaining(&self, rows: usize) -> usize {
        self.candidates.len() - self.tested_candidates + rows.saturating_sub(self.next_row)
    }

    /// How far the pass is, from 0 to 1.
    pub fn progress(&self, rows: usize) -> f64 {
        let total = self.tested + self.remaining(rows);
        if total == 0 {
            1.0
        } else {
            self.tested as f64 / total as f64
        }
    }

    /// The rows from `rows` on are gone: nothing there is left to test.
    pub fn truncate(&mut self, rows: usize) {
        let tested = self.candidates[..self.tested_candidates]
            .iter()
            .filter(|&&index| index < rows)
            .count();
        self.candidates.retain(|&index| index < rows);
        self.tested_candidates = tested;
        self.next_row = self.next_row.min(rows);
    }

    /// `count` rows were put in front of the existing ones: every index moves.
    pub fn shift(&mut self, count: usize) {
        for index in &mut self.candidates {
            *index += count;
        }
        self.next_row += count;
    }

    /// Tests rows until `deadline` (always at least one chunk of `chunk` rows, and never
    /// stopping before passing row `through`), appending the matches to `matched` in
    /// row order.
    pub fn step(
        &mut self,
        rows: usize,
        keep: &(impl Fn(usize) -> bool + Sync),
        deadline: Option<Instant>,
        through: Option<usize>,
        chunk: usize,
        matched: &mut Vec<usize>,
    ) {
        let chunk = chunk.max(1);
        let mut first = true;
        while let Some(next) = self.next_pending(rows) {
            let passed = through.is_none_or(|row| next > row);
            if !first && passed && deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                break;
            }
            first = false;
            if self.tested_candidates < self.candidates.len() {
                let list = &self.candidates[self.tested_candidates..];
                let must = through.map_or(0, |row| list.partition_point(|&index| index <= row));
                let at = |position: usize| list[position];
                let done = test(list.len(), &at, keep, deadline, must, chunk, matched);
                self.tested_candidates += done;
                self.tested += done;
            } else {
                let start = self.next_row;
                let must = through.map_or(0, |row| (row + 1).saturating_sub(start));
                let at = |position: usize| start + position;
                let done = test(rows - start, &at, keep, deadline, must, chunk, matched);
                self.next_row += done;
                self.tested += done;
            }
        }
    }
}

/// Cores to filter on (asked once: the answer does not change while we run).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Tests positions `0..count` (row `at(position)`) in chunks of `size`, on every core,
/// until the deadline passes (after the first chunk and the first `must` positions);
/// appends the accepted rows in order and returns how many positions were tested (a
/// prefix).
///
/// Generic, not `dyn`: the row's test is inlined into the loop over a chunk instead
/// of two indirect calls a row.
fn test(
    count: usize,
    at: &(impl Fn(usize) -> usize + Sync),
    keep: &(impl Fn(usize) -> bool + Sync),
    deadline: Option<Instant>,
    must: usize,
    size: usize,
    matched: &mut Vec<usize>,
) -> usize {
    let chunks = count.div_ceil(size);
    let must_chunks = must.div_ceil(size).max(1);
    let range = |chunk: usize| chunk * size..((chunk + 1) * size).min(count);
    let accepted = |positions: Range<usize>| -> Vec<usize> {
        // Sized for all at once: growing by doubling cost more than the tests.
        let mut rows = Vec::with_capacity(positions.len());
        rows.extend(positions.map(at).filter(|&row| keep(row)));
        rows
    };
    let next_chunk = AtomicUsize::new(0);
    // Takes the next chunk unless time is up; every chunk taken is finished, so the
    // chunks tested are always a prefix.
    let take = || loop {
        let chunk = next_chunk.load(Ordering::Relaxed);
        let late = deadline.is_some_and(|deadline| Instant::now() >= deadline);
        if chunk >= chunks || (chunk >= must_chunks && late) {
            return None;
        }
        if next_chunk
            .compare_exchange(chunk, chunk + 1, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            return Some(chunk);
        }
    };
    let work = || {
        let mut out = Vec::new();
        while let Some(chunk) = take() {
            out.push((chunk, accepted(range(chunk))));
        }
        out
    };
    let mut parts = if chunks <= 1 || cores() == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..cores().min(chunks))
                .map(|_| scope.spawn(work))
                .collect();
            let mut parts = work();
            for helper in helpers {
                // A helper cannot panic short of a bug in the query; its chunks are
                // then untested, which the count below accounts for.
                parts.extend(helper.join().unwrap_or_default());
            }
            parts
        })
    };
    parts.sort_unstable_by_key(|(chunk, _)| *chunk);
    let mut tested = 0;
    for (chunk, rows) in parts {
        if chunk * size != tested {
            break; // a helper died: stop at the gap, the next step retests from there
        }
        tested = range(chunk).end;
        matched.extend(rows);
    }
    tested
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(scan: &mut Scan, rows: usize, keep: &(impl Fn(usize) -> bool + Sync)) -> Vec<usize> {
        let mut matched = Vec::new();
        scan.step(rows, keep, None, None, CHUNK, &mut matched);
        matched
    }

    #[test]
    fn a_whole_pass_finds_every_match_in_order() {
        let rows = 100_000;
        let keep = |row: usize| row % 7 == 3;
        let mut scan = Scan::all();
        let matched = run(&mut scan, rows, &keep);
        assert_eq!(
            matched,
            (0..rows).filter(|&row| keep(row)).collect::<Vec<_>>()
        );
        assert!(scan.is_done(rows));
        assert_eq!(scan.progress(rows), 1.0);
    }

    #[test]
    fn steps_with_a_past_deadline_test_one_chunk_each_and_add_up() {
        let rows = 5 * CHUNK + 17;
        let keep = |row: usize| row.is_multiple_of(3);
        let mut scan = Scan::all();
        let mut matched = Vec::new();
        let mut steps = 0;
        while !scan.is_done(rows) {
            let before = scan.remaining(rows);
            scan.step(rows, &keep, Some(Instant::now()), None, CHUNK, &mut matched);
            assert!(scan.remaining(rows) < before, "every step makes progress");
            steps += 1;
        }
        assert!(steps >= 3, "{steps} steps");
        assert_eq!(
            matched,
            (0..rows).filter(|&row| keep(row)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_late_step_tests_one_chunk_of_the_size_asked_for() {
        let rows = 1_000;
        let tested = std::sync::atomic::AtomicUsize::new(0);
        let keep = |_| {
            tested.fetch_add(1, Ordering::Relaxed);
            true
        };
        let mut scan = Scan::all();
        let mut matched = Vec::new();
        scan.step(rows, &keep, Some(Instant::now()), None, 16, &mut matched);
        // Only the first chunk is taken once the deadline has passed.
        assert_eq!(tested.load(Ordering::Relaxed), 16);
        assert_eq!(matched, (0..16).collect::<Vec<_>>());
    }

    #[test]
    fn a_step_never_stops_before_the_row_it_must_pass() {
        let rows = 10 * CHUNK;
        let mut scan = Scan::all();
        let mut matched = Vec::new();
        let through = 6 * CHUNK + 5;
        scan.step(
            rows,
            &|_| true,
            Some(Instant::now()),
            Some(through),
            CHUNK,
            &mut matched,
        );
        assert!(matched.contains(&through));
        assert!(!scan.is_done(rows));
    }

    #[test]
    fn narrowing_tests_the_matches_then_what_was_left() {
        let rows = 4 * CHUNK;
        let mut scan = Scan::all();
        let mut matched = Vec::new();
        // Stop part way through a pass that keeps even rows.
        scan.step(
            rows,
            &|row| row % 2 == 0,
            Some(Instant::now()),
            None,
            CHUNK,
            &mut matched,
        );
        assert!(!scan.is_done(rows));
        let mut narrowed = Scan::narrowed(Some(scan), matched, rows);
        let matched = run(&mut narrowed, rows, &|row| row % 4 == 0);
        assert_eq!(
            matched,
            (0..rows).filter(|row| row % 4 == 0).collect::<Vec<_>>()
        );
    }

    #[test]
    fn truncating_forgets_what_was_left_past_the_end() {
        let mut scan = Scan::within(vec![1, 5, 9, 12], 14);
        let mut matched = Vec::new();
        // One chunk covers everything: test two candidates by hand instead.
        scan.tested_candidates = 2;
        scan.truncate(10);
        scan.step(10, &|_| true, None, None, CHUNK, &mut matched);
        assert_eq!(matched, vec![9]);
        assert!(scan.is_done(10));
    }

    #[test]
    fn shifting_moves_what_is_left_behind_rows_put_in_front() {
        let mut scan = Scan::within(vec![1, 5, 9], 10);
        scan.shift(3);
        let matched = run(&mut scan, 15, &|_| true);
        assert_eq!(matched, vec![4, 8, 12, 13, 14]);
    }
}
