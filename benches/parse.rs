//! Parse throughput per format, in MB/s, over the shared fixtures
//! (`$CARGO_MANIFEST_DIR/../shared/fixtures`, or `$LIVEBLOG_FIXTURES`).
//!
//! Each fixture is classified by `parse::detect`; files that do not parse are left out
//! (their time would not be throughput). A format without fixtures is skipped with a note.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use jiff::Timestamp;
use liveblog::model::Format;
use liveblog::parse::{self, DEFAULT_OPTIONS, Input};

fn input(bytes: &[u8]) -> Input<'_> {
    Input {
        bytes,
        content_type: None,
        base_url: Some("https://example.org/live"),
        now: Timestamp::from_second(1_760_000_000).expect("valid"),
        options: &DEFAULT_OPTIONS,
    }
}

fn parse_all(docs: &[Vec<u8>], format: Format) -> usize {
    docs.iter()
        .map(|bytes| parse::parse(&input(bytes), format).map_or(0, |doc| doc.items.len()))
        .sum()
}

fn bench(c: &mut Criterion) {
    let dir = common::fixtures_dir();
    let mut paths = Vec::new();
    common::files(&dir, &mut paths);
    paths.sort();
    if paths.is_empty() {
        println!(
            "note: no fixtures under {}; parse benches skipped",
            dir.display()
        );
        return;
    }
    let mut group = c.benchmark_group("parse");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    println!("\nparse throughput (single thread, {}):", dir.display());
    for format in [
        Format::Rss,
        Format::Atom,
        Format::Jsonfeed,
        Format::Jsonld,
        Format::Guardian,
    ] {
        let docs: Vec<Vec<u8>> = paths
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .filter(|bytes| parse::detect(&input(bytes)) == format)
            .filter(|bytes| {
                parse::parse(&input(bytes), format).is_ok_and(|doc| !doc.items.is_empty())
            })
            .collect();
        if docs.is_empty() {
            println!("  note: no {format} fixtures that parse; skipped");
            continue;
        }
        let bytes: usize = docs.iter().map(Vec::len).sum();
        let items = parse_all(&docs, format);
        let runs = if common::quick() { 3 } else { 15 };
        let mut samples = common::time_runs(runs, || {
            black_box(parse_all(black_box(&docs), format));
        });
        let (p50, _, _) = common::percentiles(&mut samples);
        println!(
            "  {:<9} {:>3} files {:>9} bytes {:>6} items  {:>7.1} MB/s  {:>9.0} items/s (median of {runs})",
            format.name(),
            docs.len(),
            bytes,
            items,
            bytes as f64 / 1e6 / (p50 / 1e3),
            items as f64 / (p50 / 1e3),
        );
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format.name(), |b| {
            b.iter(|| parse_all(black_box(&docs), format))
        });
    }
    dom_reader(&mut group, &dir);
    group.finish();
}

/// The DOM live-blog reader alone (`Format::Html` without selectors) on the largest
/// DOM fixture, the BBC page (2.4 MB): the target is under 50 ms.
fn dom_reader(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    dir: &Path,
) {
    let path = dir.join("liveblog-dom/postlight__www.bbc.com_1589289678589.html");
    let Ok(bytes) = std::fs::read(&path) else {
        println!(
            "  note: {} missing; DOM reader bench skipped",
            path.display()
        );
        return;
    };
    let items = parse::parse(&input(&bytes), Format::Html).map_or(0, |doc| doc.items.len());
    let runs = if common::quick() { 3 } else { 15 };
    let mut samples = common::time_runs(runs, || {
        black_box(parse::parse(&input(black_box(&bytes)), Format::Html).ok());
    });
    let (p50, _, _) = common::percentiles(&mut samples);
    println!(
        "  dom       BBC page {:>9} bytes {:>6} items  {:>7.1} ms per page (median of {runs}; target < 50 ms)",
        bytes.len(),
        items,
        p50,
    );
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("dom_bbc", |b| {
        b.iter(|| parse::parse(&input(black_box(&bytes)), Format::Html).ok())
    });
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
