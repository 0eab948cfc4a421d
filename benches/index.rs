//! The word index (`query::WordIndex`): what it costs to build and hold, and a whole
//! filter pass with it, per keystroke of typing "ceasefire kyiv".
//!
//! A pass is what the reader does for a keystroke: compile the query against the index,
//! then test every held slot (`IndexedQuery::test`), collecting the matches. The slots'
//! `Held` facts (time, folded source name) come from compact arrays, as the reader holds
//! them; an entry's full text (a clone of its `Prepared`, what the reader would rebuild)
//! is made only when the index asks for it. Prints p50 / p99 / max from a custom timing
//! loop (one thread), then runs criterion over compile alone.
//!
//! Also indexes the shared fixtures' entries (real feeds and live blogs), to say what the
//! index costs per entry on realistic text rather than the benches' small vocabulary.

mod common;

use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group};
use jiff::Timestamp;
use liveblog::query::{Held, IndexedQuery, Prepared, Query, WordIndex, fold};

/// What the user types, one keystroke at a time.
const TYPED: &str = "ceasefire kyiv";

/// Queries the index cannot answer alone: the text confirms its candidates.
const VERIFIED: &[&str] = &[
    "\"ceasefire talks\"",
    "\"peace deal\"",
    "\"kyiv independent\"",
    "kyiv's",
    "ceasefire \"peace deal\"",
];

/// Entries held as the reader would hold them beside the index: the slot's facts in
/// compact arrays, and (for the texts the index asks for) the prepared entries.
struct Rows {
    index: WordIndex,
    prepared: Vec<Prepared>,
    times: Vec<Timestamp>,
    source_of: Vec<u8>,
    sources: Vec<String>,
}

impl Rows {
    /// The rows, and the time spent inserting into the index (wall, on-CPU).
    fn build(count: usize) -> (Rows, [Duration; 2]) {
        let sources: Vec<String> = (0..common::SOURCES)
            .map(|i| fold(&common::source_name(i)))
            .collect();
        let mut rows = Rows {
            index: WordIndex::new(),
            prepared: Vec::with_capacity(count),
            times: Vec::with_capacity(count),
            source_of: Vec::with_capacity(count),
            sources,
        };
        let names: Vec<String> = (0..common::SOURCES).map(common::source_name).collect();
        let (mut inserting, mut inserting_cpu) = (Duration::ZERO, Duration::ZERO);
        // Built in chunks so the entries' own strings never all exist at once.
        let mut seed = 1;
        while rows.prepared.len() < count {
            let n = 100_000.min(count - rows.prepared.len());
            let entries = common::entries(n, seed);
            seed += 1;
            let chunk: Vec<Prepared> = entries.iter().map(Prepared::new).collect();
            let (started, cpu) = (Instant::now(), common::thread_cpu());
            for (offset, prepared) in chunk.iter().enumerate() {
                let slot = u32::try_from(rows.prepared.len() + offset).expect("slot fits");
                rows.index.insert(slot, prepared);
            }
            inserting += started.elapsed();
            inserting_cpu += common::thread_cpu().saturating_sub(cpu);
            for (entry, prepared) in entries.iter().zip(&chunk) {
                rows.times.push(prepared.time());
                let source = names
                    .iter()
                    .position(|name| *name == entry.source.0)
                    .expect("a bench source");
                rows.source_of
                    .push(u8::try_from(source).expect("few sources"));
            }
            rows.prepared.extend(chunk);
        }
        (rows, [inserting, inserting_cpu])
    }

    /// One pass of a compiled query over every slot: the matching slots, and how many
    /// texts the index asked for.
    fn pass(&self, compiled: &IndexedQuery, now: Timestamp) -> (Vec<u32>, usize) {
        let asked = Cell::new(0);
        let mut matches = Vec::new();
        for (slot, (&time, &source)) in self.times.iter().zip(&self.source_of).enumerate() {
            let slot = slot as u32;
            let held = Held {
                slot,
                time,
                source: &self.sources[usize::from(source)],
            };
            if compiled.test(held, now, || {
                asked.set(asked.get() + 1);
                self.prepared[slot as usize].clone()
            }) {
                matches.push(slot);
            }
        }
        (matches, asked.get())
    }

    /// A keystroke: compile, then the pass.
    fn keystroke(&self, query: &Query, now: Timestamp) -> (Vec<u32>, usize) {
        let compiled = self.index.compile(query);
        self.pass(&compiled, now)
    }
}

fn report_build(rows: &Rows, count: usize, [inserting, inserting_cpu]: [Duration; 2]) {
    let bytes = rows.index.heap_bytes();
    let folded: usize = rows.prepared.iter().map(|p| p.joined().len()).sum();
    let [any, title, author] = rows.index.token_counts();
    println!(
        "\nindex over {count} entries: inserted in {:.2} s wall ({:.2} µs an entry; \
         on-CPU {:.2} µs an entry), heap {:.1} MB \
         = {:.1} bytes an entry (folded text: {:.0} bytes an entry); tokens: {any} any, \
         {title} title, {author} author; load {}",
        inserting.as_secs_f64(),
        inserting.as_secs_f64() * 1e6 / count as f64,
        inserting_cpu.as_secs_f64() * 1e6 / count as f64,
        bytes as f64 / 1e6,
        bytes as f64 / count as f64,
        folded as f64 / count as f64,
        common::load()
    );
}

fn row(label: &str, matches: usize, asked: usize, samples: &mut [Duration], cpu: &mut [Duration]) {
    let (p50, p99, max) = common::percentiles(samples);
    let (c50, c99, _) = common::percentiles(cpu);
    println!(
        "  {label:<22} {matches:>8} {asked:>8} | wall {p50:>7.2} {p99:>7.2} {max:>7.2} | \
         on-CPU {c50:>7.2} {c99:>7.2}"
    );
}

fn header(what: &str) {
    println!(
        "  {what:<22} {:>8} {:>8} |      {:>7} {:>7} {:>7} |        {:>7} {:>7}",
        "matches", "texts", "p50 ms", "p99 ms", "max ms", "p50 ms", "p99 ms"
    );
}

fn report_passes(rows: &Rows, runs: usize) {
    let now = Timestamp::now();
    println!(
        "\ncompile alone, {runs} runs per keystroke, over {} entries:",
        rows.times.len()
    );
    header("typed");
    for text in common::keystrokes(TYPED) {
        let query = Query::parse(&text).expect("query parses");
        let (mut wall, mut cpu) = common::time_runs_cpu(runs * 4, || {
            black_box(rows.index.compile(black_box(&query)));
        });
        row(&format!("{text:?}"), 0, 0, &mut wall, &mut cpu);
    }
    println!(
        "\nwhole pass (compile + test every slot), {runs} runs per keystroke, over {} entries, load {}:",
        rows.times.len(),
        common::load()
    );
    header("typed");
    let (mut all_wall, mut all_cpu) = (Vec::new(), Vec::new());
    for text in common::keystrokes(TYPED) {
        let query = Query::parse(&text).expect("query parses");
        let (matches, asked) = rows.keystroke(&query, now);
        check_against_matcher(rows, &query, &matches, now);
        let (mut wall, mut cpu) = common::time_runs_cpu(runs, || {
            black_box(rows.keystroke(black_box(&query), now));
        });
        all_wall.extend_from_slice(&wall);
        all_cpu.extend_from_slice(&cpu);
        row(
            &format!("{text:?}"),
            matches.len(),
            asked,
            &mut wall,
            &mut cpu,
        );
    }
    row("all keystrokes", 0, 0, &mut all_wall, &mut all_cpu);
    println!(
        "\nwhole pass walking IndexedQuery::exact_slots (compile + collect the matches), \
         {runs} runs per keystroke:"
    );
    header("typed");
    let (mut all_wall, mut all_cpu) = (Vec::new(), Vec::new());
    for text in common::keystrokes(TYPED) {
        let query = Query::parse(&text).expect("query parses");
        let walk = || -> Vec<u32> {
            let compiled = rows.index.compile(&query);
            compiled.exact_slots().expect("words only").collect()
        };
        let (expected, _) = rows.keystroke(&query, now);
        assert_eq!(walk(), expected, "exact_slots and test disagree");
        let (mut wall, mut cpu) = common::time_runs_cpu(runs, || {
            black_box(walk());
        });
        all_wall.extend_from_slice(&wall);
        all_cpu.extend_from_slice(&cpu);
        row(&format!("{text:?}"), expected.len(), 0, &mut wall, &mut cpu);
    }
    row("all keystrokes", 0, 0, &mut all_wall, &mut all_cpu);
    println!(
        "\nwhole pass, queries the text confirms ({} runs):",
        (runs / 4).max(3)
    );
    header("query");
    for text in VERIFIED {
        let query = Query::parse(text).expect("query parses");
        let (matches, asked) = rows.keystroke(&query, now);
        check_against_matcher(rows, &query, &matches, now);
        let (mut wall, mut cpu) = common::time_runs_cpu((runs / 4).max(3), || {
            black_box(rows.keystroke(black_box(&query), now));
        });
        row(text, matches.len(), asked, &mut wall, &mut cpu);
    }
}

/// The index must give the matcher's rows; a bench of a wrong answer means nothing.
fn check_against_matcher(rows: &Rows, query: &Query, matches: &[u32], now: Timestamp) {
    let expected: Vec<u32> = rows
        .prepared
        .iter()
        .enumerate()
        .filter(|(_, p)| query.matches_prepared(p, now))
        .map(|(slot, _)| slot as u32)
        .collect();
    assert_eq!(matches, expected, "the index and the matcher disagree");
}

/// What the index costs per entry on real text: the fixtures' entries, repeated (under
/// new slots) to reach `count` so that the per-token overheads show at scale.
fn report_fixtures(copies: usize) {
    let entries = common::fixture_entries();
    if entries.is_empty() {
        println!(
            "\nnote: no fixtures under {}; skipped",
            common::fixtures_dir().display()
        );
        return;
    }
    let prepared: Vec<Prepared> = entries.iter().map(Prepared::new).collect();
    let folded: usize = prepared.iter().map(|p| p.joined().len()).sum();
    for copies in [1, copies] {
        let mut index = WordIndex::new();
        let started = Instant::now();
        let mut slot = 0u32;
        for _ in 0..copies {
            for p in &prepared {
                index.insert(slot, p);
                slot += 1;
            }
        }
        let took = started.elapsed();
        let count = slot as usize;
        let [any, title, author] = index.token_counts();
        println!(
            "\nfixtures: {} entries{} ({count} indexed), {:.0} bytes of folded text an entry: \
             index heap {:.2} MB = {:.0} bytes an entry (estimate); inserted in {:.2} µs an entry; tokens: {any} any, {title} title, \
             {author} author",
            entries.len(),
            if copies > 1 {
                format!(" x {copies}")
            } else {
                String::new()
            },
            folded as f64 / entries.len() as f64,
            index.heap_bytes() as f64 / 1e6,
            index.heap_bytes() as f64 / count as f64,
            took.as_secs_f64() * 1e6 / count as f64,
        );
    }
}

fn bench(c: &mut Criterion) {
    let quick = common::quick();
    report_fixtures(if quick { 10 } else { 40 });
    for (count, runs) in [
        (100_000, if quick { 40 } else { 200 }),
        (1_000_000, if quick { 20 } else { 60 }),
    ] {
        let (rows, inserting) = Rows::build(count);
        report_build(&rows, count, inserting);
        report_passes(&rows, runs);
        let mut group = c.benchmark_group(format!("index-compile/{count}"));
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(2));
        for text in ["c", "ce", "cease", "ceasefire kyiv"] {
            let query = Query::parse(text).expect("query parses");
            group.bench_with_input(BenchmarkId::from_parameter(text), &query, |b, query| {
                b.iter(|| rows.index.compile(black_box(query)));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
