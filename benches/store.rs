//! Cache upserts per second: `Store::apply` of 50-item polls into a cache file (WAL,
//! the search index's queue kept in step), for new items, for unchanged items (a re-poll
//! that brings nothing new) and for edited items. Then `list --filter` over a
//! 100,000-entry cache: `Store::query` for typical queries (p50/p99 of whole queries,
//! index built), the time to build the search index, and the file's size.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use jiff::Timestamp;
use liveblog::model::{Item, SourceId};
use liveblog::store::Store;

const BATCH: usize = 50;

fn batch(rng: &mut common::Rng, first: usize) -> Vec<Item> {
    (0..BATCH)
        .rev()
        .map(|i| common::item(rng, first + i))
        .collect()
}

fn report(name: &str, batches: usize, mut f: impl FnMut(usize)) {
    let started = Instant::now();
    let mut samples = Vec::with_capacity(batches);
    for n in 0..batches {
        let one = Instant::now();
        f(n);
        samples.push(one.elapsed());
    }
    let total = started.elapsed().as_secs_f64();
    let (p50, p99, _) = common::percentiles(&mut samples);
    println!(
        "  {name:<34} {:>8.0} items/s  ({batches} polls of {BATCH}; per poll p50 {p50:.2} ms, p99 {p99:.2} ms)",
        (batches * BATCH) as f64 / total
    );
}

fn bench(c: &mut Criterion) {
    let quick = common::quick();
    let batches = if quick { 40 } else { 400 };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("cache.db")).expect("cache");
    let mut rng = common::Rng::new(5);
    let sources: Vec<SourceId> = (0..common::SOURCES)
        .map(|i| SourceId(common::source_name(i)))
        .collect();
    let now = Timestamp::now();

    println!("\nStore::apply, polls of {BATCH} items into a cache file:");
    let polls: Vec<Vec<Item>> = (0..batches).map(|n| batch(&mut rng, n * BATCH)).collect();
    report("new items", batches, |n| {
        store
            .apply(&sources[n % sources.len()], &polls[n], now)
            .expect("apply");
    });
    report("unchanged items (re-poll)", batches, |n| {
        store
            .apply(&sources[n % sources.len()], &polls[n], now)
            .expect("apply");
    });
    let edited: Vec<Vec<Item>> = polls
        .iter()
        .map(|poll| {
            poll.iter()
                .map(|item| Item {
                    text: format!("{} (updated)", item.text),
                    ..item.clone()
                })
                .collect()
        })
        .collect();
    report("edited items", batches, |n| {
        store
            .apply(&sources[n % sources.len()], &edited[n], now)
            .expect("apply");
    });

    let mut group = c.benchmark_group("store_apply");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(BATCH as u64));
    let mut next = batches * BATCH;
    group.bench_function("new_50", |b| {
        b.iter_custom(|iters| {
            let polls: Vec<Vec<Item>> = (0..iters)
                .map(|_| {
                    next += BATCH;
                    batch(&mut rng, next)
                })
                .collect();
            let started = Instant::now();
            for (n, poll) in polls.iter().enumerate() {
                black_box(
                    store
                        .apply(&sources[n % sources.len()], poll, now)
                        .expect("apply"),
                );
            }
            started.elapsed()
        });
    });
    group.bench_function("unchanged_50", |b| {
        let mut n = 0;
        b.iter(|| {
            n += 1;
            black_box(
                store
                    .apply(&sources[n % sources.len()], &polls[n % polls.len()], now)
                    .expect("apply"),
            )
        });
    });
    group.finish();
}

/// Queries for `list --filter`: a rare word, a common one, one too short for the index
/// (a whole scan), a phrase, an OR, a negation, and field tests.
const QUERIES: &[&str] = &[
    "ceasefire kyiv",
    "minister",
    "ok",
    "\"prime minister\"",
    "gaza OR kyiv",
    "-the",
    "title:storm",
    "author:dal",
    "source:live storm",
];

/// `Store::query` over a 100,000-entry cache file, index built.
fn list_filter(quick: bool) {
    const ENTRIES: usize = 100_000;
    const POLL: usize = 1_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("cache");
    let mut rng = common::Rng::new(17);
    let now = Timestamp::now();
    for poll in 0..ENTRIES / POLL {
        let items: Vec<Item> = (0..POLL)
            .rev()
            .map(|i| common::item(&mut rng, poll * POLL + i))
            .collect();
        let source = SourceId(common::source_name(poll % common::SOURCES));
        store.apply(&source, &items, now).expect("apply");
    }
    let started = Instant::now();
    store.catch_up_index_in_batches().expect("index");
    let indexing = started.elapsed();
    drop(store);
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::fs::metadata(std::path::PathBuf::from(name)).ok()
        })
        .map(|meta| meta.len())
        .sum();
    println!(
        "\nlist --filter over {ENTRIES} cached entries (index built in {:.2} s; file {:.1} MB; load {}):",
        indexing.as_secs_f64(),
        size as f64 / 1e6,
        common::load()
    );
    let mut store = Store::open(&path).expect("cache");
    let runs = if quick { 5 } else { 20 };
    for text in QUERIES {
        let query = liveblog::query::Query::parse(text).expect("query");
        let mut found = 0;
        let (mut wall, mut cpu) = common::time_runs_cpu(runs, || {
            found = black_box(store.query(&query, now, None).expect("query")).len();
        });
        let (p50, p99, _) = common::percentiles(&mut wall);
        let (cpu50, _, _) = common::percentiles(&mut cpu);
        println!(
            "  {text:<22} {found:>6} found   p50 {p50:>7.1} ms   p99 {p99:>7.1} ms   on CPU p50 {cpu50:>7.1} ms"
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    list_filter(common::quick());
    benches();
    Criterion::default().configure_from_args().final_summary();
}
