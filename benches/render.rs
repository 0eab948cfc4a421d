//! Render time of one frame (ratatui `TestBackend`, 120x40) of the list and of the
//! detail view over 100k entries, a scroll key in an entry with a 10 MB body, and the reader's first frame from a cache of 100k
//! entries: `reader::open` (open the cache, `entries(Some(WINDOW))`, `App::new`) + one draw.

mod common;

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::config::Config;
use liveblog::model::SourceId;
use liveblog::reader::app::{Action, App, update};
use liveblog::reader::{self, ui};
use liveblog::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend")
}

fn app(count: usize) -> App {
    let sources = (0..common::SOURCES)
        .map(|i| (SourceId(common::source_name(i)), Default::default()))
        .collect();
    let mut app = App::new(
        sources,
        common::entries(count, 3),
        TimeZone::UTC,
        Timestamp::now(),
    );
    update(
        &mut app,
        Action::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );
    app
}

/// An app holding one entry whose body is 10 MB of short paragraphs.
fn long_entry_app() -> App {
    let mut entry = common::entries(1, 5).remove(0);
    entry.item.text = (0..164_000)
        .map(|n| format!("Paragraph {n:>6} of the very long report goes on and on a while."))
        .collect::<Vec<_>>()
        .join("\n");
    let mut app = App::new(
        vec![(entry.source.clone(), Default::default())],
        vec![entry],
        TimeZone::UTC,
        Timestamp::now(),
    );
    update(
        &mut app,
        Action::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );
    app
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    // A cleared buffer each time, so every frame is drawn in full (not diffed away).
    terminal.clear().expect("clear");
    terminal.draw(|frame| ui::draw(frame, app)).expect("draw");
}

fn report(name: &str, runs: usize, mut f: impl FnMut()) {
    let (mut wall, mut cpu) = common::time_runs_cpu(runs, &mut f);
    let (p50, p99, max) = common::percentiles(&mut wall);
    let (c50, c99, _) = common::percentiles(&mut cpu);
    println!(
        "  {name:<30} wall p50 {p50:>8.3} ms  p99 {p99:>8.3} ms  max {max:>8.3} ms | on-CPU p50 {c50:>8.3} ms  p99 {c99:>8.3} ms  ({runs} runs, load {})",
        common::load()
    );
}

/// A cache file of `count` entries from the synthetic sources, and a config naming them.
fn cache(dir: &Path, count: usize) -> (Config, std::path::PathBuf) {
    let path = dir.join("cache.db");
    let mut store = Store::open(&path).expect("cache");
    let mut rng = common::Rng::new(11);
    let started = Instant::now();
    let per_batch = 1_000;
    for batch in 0..count / per_batch {
        let source = SourceId(common::source_name(batch % common::SOURCES));
        // Newest first, as a document lists them.
        let items: Vec<_> = (0..per_batch)
            .rev()
            .map(|i| common::item(&mut rng, batch * per_batch + i))
            .collect();
        store
            .apply(&source, &items, Timestamp::now())
            .expect("apply");
    }
    println!(
        "  (built a cache of {count} entries, {:.0} MB, in {:.1} s)",
        std::fs::metadata(&path).map_or(0, |m| m.len()) as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let mut toml = String::from("[general]\ntimezone = \"UTC\"\n");
    for i in 0..common::SOURCES {
        let _ = write!(
            toml,
            "\n[[source]]\nname = \"{}\"\nurl = \"file:///dev/null\"\n",
            common::source_name(i)
        );
    }
    (Config::parse(&toml, "bench.toml").expect("config"), path)
}

fn bench(c: &mut Criterion) {
    let quick = common::quick();
    let runs = if quick { 20 } else { 200 };
    let count = 100_000;
    let mut app = app(count);
    let mut term = terminal();
    println!("\nrender, {WIDTH}x{HEIGHT} TestBackend, App over {count} entries:");
    report("list frame", runs, || draw(&mut term, &app));
    update(&mut app, Action::Open);
    report("detail frame (newest entry)", runs, || {
        draw(&mut term, &app)
    });
    update(&mut app, Action::Back);
    update(&mut app, Action::Bottom);
    update(&mut app, Action::Open);
    report("detail frame (oldest entry)", runs, || {
        draw(&mut term, &app)
    });
    update(&mut app, Action::Back);
    update(&mut app, Action::Top);

    println!("\nan entry with a 10 MB body, {WIDTH}x{HEIGHT} (wrapped once per width):");
    let mut long = long_entry_app();
    update(&mut long, Action::Open);
    report("detail scroll key + frame", runs, || {
        update(&mut long, Action::Down);
        draw(&mut term, &long);
    });
    let mut wide = true;
    report(
        "detail resize (re-wrap) + frame",
        if quick { 3 } else { 10 },
        || {
            wide = !wide;
            let width = if wide { WIDTH } else { WIDTH - 1 };
            update(
                &mut long,
                Action::Resize {
                    width,
                    height: HEIGHT,
                },
            );
            draw(&mut term, &long);
        },
    );
    update(
        &mut long,
        Action::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );

    let mut group = c.benchmark_group("render");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("list_100k", |b| b.iter(|| draw(&mut term, black_box(&app))));
    update(&mut app, Action::Open);
    group.bench_function("detail_100k", |b| {
        b.iter(|| draw(&mut term, black_box(&app)))
    });
    group.bench_function("detail_10mb_scroll_key", |b| {
        b.iter(|| {
            update(&mut long, Action::Down);
            draw(&mut term, black_box(&long));
        })
    });
    group.finish();
    drop(long);
    drop(app);

    println!("\nfirst frame from a cache of {count} entries (reader::open + one draw):");
    let dir = tempfile::tempdir().expect("tempdir");
    let (config, path) = cache(dir.path(), count);
    let first_frame = || {
        let reader::Opened { store, mut app, .. } = reader::open(&config, &path).expect("open");
        update(
            &mut app,
            Action::Resize {
                width: WIDTH,
                height: HEIGHT,
            },
        );
        let mut term = terminal();
        term.draw(|frame| ui::draw(frame, &app)).expect("draw");
        black_box((store, app));
    };
    report(
        "first frame (warm page cache)",
        if quick { 3 } else { 10 },
        first_frame,
    );
    let mut group = c.benchmark_group("first_frame");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("cache_100k", |b| b.iter(first_frame));
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
