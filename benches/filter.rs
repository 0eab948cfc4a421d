//! Filtering as you type: `Prepared` is built once, then every keystroke parses the
//! query and runs `matches_prepared` over all entries (what `App::refilter` does).
//!
//! Prints p50 / p99 / max per keystroke from a custom timing loop (criterion's mean
//! hides the tail), then runs criterion over the same work.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::app::{Action, App, update};
use liveblog::query::{Prepared, Query};
use liveblog::reader;

/// What the user types, one keystroke at a time.
const TYPED: &str = "ceasefire kyiv";

fn keystrokes() -> Vec<String> {
    TYPED
        .char_indices()
        .map(|(i, c)| TYPED[..i + c.len_utf8()].to_string())
        .filter(|prefix| !prefix.ends_with(' '))
        .collect()
}

fn prepared(count: usize) -> Vec<Prepared> {
    // Built in chunks so the entries' own strings never all exist at once.
    let mut out = Vec::with_capacity(count);
    let chunk = 100_000;
    let mut seed = 1;
    while out.len() < count {
        let n = chunk.min(count - out.len());
        out.extend(common::entries(n, seed).iter().map(Prepared::new));
        seed += 1;
    }
    out
}

/// One keystroke: parse the query, collect the indexes of matching entries.
fn keystroke(rows: &[Prepared], text: &str, now: Timestamp) -> Vec<usize> {
    let query = Query::parse(text).expect("query parses");
    rows.iter()
        .enumerate()
        .filter(|(_, row)| query.matches_prepared(row, now))
        .map(|(index, _)| index)
        .collect()
}

fn report(rows: &[Prepared], runs: usize) {
    let now = Timestamp::now();
    let bytes: usize = rows.iter().map(|row| row.joined().len()).sum();
    println!(
        "\nfilter over {} entries ({:.0} MB of folded text), {runs} runs per keystroke, load {}:",
        rows.len(),
        bytes as f64 / 1e6,
        common::load()
    );
    println!(
        "  {:<16} {:>8} | wall: {:>7} {:>7} {:>7} | on-CPU: {:>7} {:>7}",
        "typed", "matches", "p50 ms", "p99 ms", "max ms", "p50 ms", "p99 ms"
    );
    let (mut all_wall, mut all_cpu) = (Vec::new(), Vec::new());
    for text in keystrokes() {
        let matches = keystroke(rows, &text, now).len();
        let (mut wall, mut cpu) = common::time_runs_cpu(runs, || {
            black_box(keystroke(rows, black_box(&text), now));
        });
        all_wall.extend_from_slice(&wall);
        all_cpu.extend_from_slice(&cpu);
        let (p50, p99, max) = common::percentiles(&mut wall);
        let (c50, c99, _) = common::percentiles(&mut cpu);
        println!(
            "  {:<16} {matches:>8} |       {p50:>7.2} {p99:>7.2} {max:>7.2} |         {c50:>7.2} {c99:>7.2}",
            format!("{text:?}")
        );
    }
    let (p50, p99, max) = common::percentiles(&mut all_wall);
    let (c50, c99, _) = common::percentiles(&mut all_cpu);
    println!(
        "  {:<16} {:>8} |       {p50:>7.2} {p99:>7.2} {max:>7.2} |         {c50:>7.2} {c99:>7.2}",
        "all keystrokes", ""
    );
}

/// The whole keystroke in the reader: `update(FilterChar)` on an `App` over `count`
/// entries (parse, refilter, keep the selection), typed from an empty filter.
fn report_app(count: usize, runs: usize) {
    let now = Timestamp::now();
    let mut app = App::new(Vec::new(), common::entries(count, 7), TimeZone::UTC, now);
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    let mut samples: Vec<Duration> = Vec::new();
    let mut cpu_samples: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        update(&mut app, Action::StartFilter);
        for c in TYPED.chars() {
            let cpu = common::thread_cpu();
            let started = Instant::now();
            update(&mut app, Action::FilterChar(c));
            samples.push(started.elapsed());
            cpu_samples.push(common::thread_cpu().saturating_sub(cpu));
        }
        update(&mut app, Action::FilterCancel);
    }
    let (p50, p99, max) = common::percentiles(&mut samples);
    let (c50, c99, _) = common::percentiles(&mut cpu_samples);
    println!(
        "\napp::update(FilterChar) over {count} entries, {} keystrokes, load {}: wall p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms; on-CPU p50 {c50:.2} ms, p99 {c99:.2} ms",
        samples.len(),
        common::load()
    );
}

fn bench(c: &mut Criterion) {
    let quick = common::quick();
    let now = Timestamp::now();
    for (count, runs) in [
        (100_000, if quick { 20 } else { 100 }),
        (1_000_000, if quick { 5 } else { 30 }),
    ] {
        let started = Instant::now();
        let rows = prepared(count);
        println!(
            "\nbuilt {count} prepared entries in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        report(&rows, runs);
        let mut group = c.benchmark_group(format!("filter/{count}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(if count > 100_000 { 8 } else { 3 }));
        group.throughput(Throughput::Elements(count as u64));
        for text in ["c", "cease", "ceasefire", "ceasefire kyiv"] {
            group.bench_with_input(BenchmarkId::from_parameter(text), text, |b, text| {
                b.iter(|| keystroke(&rows, black_box(text), now));
            });
        }
        group.finish();
    }
    // The reader holds `reader::WINDOW` (50,000) entries; 1,000,000 is the quality bar.
    report_app(reader::WINDOW, if quick { 3 } else { 10 });
    report_app(100_000, if quick { 3 } else { 10 });
    report_app(1_000_000, if quick { 2 } else { 5 });
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
