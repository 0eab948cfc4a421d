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
use liveblog::query::{Prepared, Query};
use liveblog::reader::app::{Action, App, update};
use liveblog::reader::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// What the user types, one keystroke at a time.
const TYPED: &str = "ceasefire kyiv";

/// A phrase typed, one keystroke at a time. While its quote is open the list keeps its
/// rows and a pass behind it looks for the phrase so far; `"peace d` is the first
/// keystroke whose pass confirms candidates on the entries' text (in the bench's text
/// nearly every entry holds both words), the keys after it narrow what that pass
/// kept, and so does the closing quote. See [`report_phrase`].
const PHRASE: &str = "\"peace deal\"";

/// The pause between keys of a steady typist (about 80 words a minute): the reader's
/// loop runs the filter pass between keys.
const KEY_INTERVAL: Duration = Duration::from_millis(150);

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
    for text in common::keystrokes(TYPED) {
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

/// The whole keystroke in the reader, as its loop runs it: `update(FilterChar)` on an
/// `App` over `count` entries (parse, the pass's first step, keeping the selection),
/// then the frame drawn (ratatui `TestBackend`, 120x40): keystroke to frame. Then, as
/// the loop does while no key waits, `update(FilterStep)` and a frame until the pass
/// ends: keystroke to the whole filtered list, in wall time and in this thread's time
/// on a CPU (the pass also runs on helper threads, one per further core: run the bench
/// under `taskset -c 0` and this thread does all the work). `back_to_back` types every
/// key before the last one's pass has ended (a fast typist), so each pass narrows a
/// partial one.
fn report_app(app: &mut App, typed: &str, runs: usize, back_to_back: bool) {
    let count = app.rows.len();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let mut draw = |app: &App| {
        terminal.draw(|frame| ui::draw(frame, app)).expect("draw");
    };
    draw(app);
    let (mut to_frame, mut to_frame_cpu) = (Vec::new(), Vec::new());
    let (mut to_list, mut to_list_cpu) = (Vec::new(), Vec::new());
    let mut steps = 0usize;
    for _ in 0..runs {
        // Each run from a reader that never applied the query (it would otherwise be
        // answered from what the last run's pass noted: see `report_phrase`).
        app.forget_ready_filters();
        update(app, Action::StartFilter);
        for c in typed.chars() {
            let cpu = common::thread_cpu();
            let started = Instant::now();
            update(app, Action::FilterChar(c));
            draw(app);
            if app.filter.error.is_some() {
                // A half-typed phrase does not parse: the list keeps its rows, nothing
                // to time here (`report_phrase` times the pass behind the list).
                continue;
            }
            to_frame.push(started.elapsed());
            to_frame_cpu.push(common::thread_cpu().saturating_sub(cpu));
            if !back_to_back {
                while app.filtering() {
                    update(app, Action::FilterStep);
                    draw(app);
                    steps += 1;
                }
                to_list.push(started.elapsed());
                to_list_cpu.push(common::thread_cpu().saturating_sub(cpu));
            }
        }
        cancel(app);
    }
    let (p50, p99, max) = common::percentiles(&mut to_frame);
    let (c50, c99, _) = common::percentiles(&mut to_frame_cpu);
    println!(
        "\nreader over {count} entries, typing {typed:?}{}, {} keystrokes, load {}:\n  \
         keystroke to frame: wall p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms; \
         on-CPU (this thread) p50 {c50:.2} ms, p99 {c99:.2} ms",
        if back_to_back { " back to back" } else { "" },
        to_frame.len(),
        common::load()
    );
    if !to_list.is_empty() {
        let (l50, l99, lmax) = common::percentiles(&mut to_list);
        let (lc50, lc99, _) = common::percentiles(&mut to_list_cpu);
        println!(
            "  keystroke to the whole list: wall p50 {l50:.2} ms, p99 {l99:.2} ms, max {lmax:.2} ms; \
             on-CPU (this thread) p50 {lc50:.2} ms, p99 {lc99:.2} ms ({:.1} more steps per keystroke)",
            steps as f64 / to_list.len() as f64
        );
    }
}

/// Runs filter steps, drawing after each, while `more` holds: what the reader's loop
/// does while no key waits.
fn steps_while(app: &mut App, draw: &mut impl FnMut(&App), more: impl Fn(&App) -> bool) {
    while more(app) {
        update(app, Action::FilterStep);
        draw(app);
    }
}

/// Esc: the filter cleared and its pass run to its end.
fn cancel(app: &mut App) {
    update(app, Action::FilterCancel);
    app.finish_filter();
}

/// A phrase five ways: each keystroke to the end of its filter work (typed one key at
/// a time, the loop's work, `App::filter_work_left`, run to its end before the next
/// key: the list's pass, or while the quote is open the one behind it); the phrase
/// applied at once (pasted: every key before any filter work, one pass from nothing,
/// what the closing quote cost before); then recalled from the history (answered from
/// what that pass found); typed at [`KEY_INTERVAL`], the loop's work run between keys,
/// from the closing quote to the whole list; and as a saved filter kept ready (its
/// sweep run while idle, then applied). Each way starts from a reader that never
/// applied the phrase, but for the recall.
fn report_phrase(app: &mut App, runs: usize) {
    let count = app.rows.len();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let mut draw = |app: &App| {
        terminal.draw(|frame| ui::draw(frame, app)).expect("draw");
    };
    let keys: Vec<char> = PHRASE.chars().collect();
    let mut per_key: Vec<Vec<Duration>> = vec![Vec::new(); keys.len()];
    let (mut at_once, mut recalled) = (Vec::new(), Vec::new());
    let (mut paced, mut frames) = (Vec::new(), Vec::new());
    let mut visible = 0;
    for _ in 0..runs {
        app.forget_ready_filters();
        update(app, Action::StartFilter);
        for (key, times) in keys.iter().zip(&mut per_key) {
            let started = Instant::now();
            update(app, Action::FilterChar(*key));
            draw(app);
            frames.push(started.elapsed());
            steps_while(app, &mut draw, App::filter_work_left);
            times.push(started.elapsed());
        }
        visible = app.visible.len();
        cancel(app);

        // Pasted for the first time: what the typed run's pass found is forgotten.
        app.forget_ready_filters();
        let started = Instant::now();
        update(app, Action::StartFilter);
        for key in &keys {
            update(app, Action::FilterChar(*key));
        }
        draw(app);
        steps_while(app, &mut draw, App::filtering);
        at_once.push(started.elapsed());
        assert_eq!(app.visible.len(), visible, "the same list, pasted");
        update(app, Action::FilterAccept);
        cancel(app);

        // Recalled from the history (`/`, Up), with what its pass found kept.
        let started = Instant::now();
        update(app, Action::StartFilter);
        update(app, Action::FilterHistory(-1));
        draw(app);
        steps_while(app, &mut draw, App::filtering);
        recalled.push(started.elapsed());
        assert_eq!(app.visible.len(), visible, "the same list, recalled");
        cancel(app);
        app.forget_ready_filters();

        update(app, Action::StartFilter);
        let mut closed = Instant::now();
        for key in &keys {
            let due = Instant::now() + KEY_INTERVAL;
            closed = Instant::now();
            update(app, Action::FilterChar(*key));
            draw(app);
            steps_while(app, &mut draw, |app| {
                app.filter_work_left() && Instant::now() < due
            });
            if *key != keys[keys.len() - 1] {
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
            }
        }
        steps_while(app, &mut draw, App::filtering);
        paced.push(closed.elapsed());
        assert_eq!(app.visible.len(), visible, "the same list, typed at a pace");
        cancel(app);
    }
    println!(
        "\nreader over {count} entries, the phrase {PHRASE:?} ({visible} matches), {runs} runs, \
         load {}:",
        common::load()
    );
    let mut typed = String::new();
    for (key, times) in keys.iter().zip(&mut per_key) {
        typed.push(*key);
        let (p50, p99, _) = common::percentiles(times);
        println!(
            "  typing {typed:<14} keystroke to the end of its work p50 {p50:.2} ms, p99 {p99:.2} ms"
        );
    }
    let (p50, p99, max) = common::percentiles(&mut frames);
    println!(
        "  every key, open quote or not: keystroke to frame p50 {p50:.2} ms, p99 {p99:.2} ms, \
         max {max:.2} ms"
    );
    let (p50, p99, _) = common::percentiles(&mut at_once);
    println!(
        "  applied at once (pasted, a phrase new to the reader): to the whole list p50 \
         {p50:.2} ms, p99 {p99:.2} ms"
    );
    let (p50, p99, _) = common::percentiles(&mut recalled);
    println!(
        "  recalled from the history once applied: to the whole list p50 {p50:.2} ms, p99 \
         {p99:.2} ms"
    );
    let (p50, p99, _) = common::percentiles(&mut paced);
    println!(
        "  typed at {} ms a key: closing quote to the whole list p50 {p50:.2} ms, p99 {p99:.2} ms",
        KEY_INTERVAL.as_millis()
    );
    report_ready(app, runs, visible, &mut draw);
}

/// The phrase as a saved filter kept ready: the sweep the idle reader runs (once, and
/// again after news), then applied, to the whole list.
fn report_ready(app: &mut App, runs: usize, visible: usize, draw: &mut impl FnMut(&App)) {
    app.forget_ready_filters();
    app.saved_filters = vec![("phrase".to_string(), PHRASE.to_string())];
    let started = Instant::now();
    while app.ready_work_left() {
        update(app, Action::ReadyStep);
    }
    let sweep = started.elapsed();
    let mut applied = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        update(app, Action::ApplySavedFilter(0));
        draw(app);
        steps_while(app, draw, App::filtering);
        applied.push(started.elapsed());
        assert_eq!(app.visible.len(), visible, "the same list, kept ready");
        cancel(app);
    }
    app.saved_filters.clear();
    let (p50, p99, _) = common::percentiles(&mut applied);
    println!(
        "  a saved filter kept ready: its sweep while idle {:.2} ms, then applied: to the \
         whole list p50 {p50:.2} ms, p99 {p99:.2} ms",
        sweep.as_secs_f64() * 1e3
    );
}

/// A reader holding `count` bench entries in a 120x40 terminal.
fn reader(count: usize) -> App {
    let now = Timestamp::now();
    let mut app = App::new(Vec::new(), common::entries(count, 7), TimeZone::UTC, now);
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    println!(
        "\nreader holding {count} entries: {} bytes held per entry (rows, their strings, \
         compressed bodies, word index); {} cores filter",
        app.held_bytes() / count.max(1),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    app
}

fn bench(c: &mut Criterion) {
    let quick = common::quick();
    let now = Timestamp::now();
    if std::env::var_os("LIVEBLOG_BENCH_READER_ONLY").is_some() {
        report_reader(quick);
        return;
    }
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
    report_reader(quick);
}

/// Keystroke to frame in the reader, at its window and at the quality bar's million:
/// words (answered by the word index alone), then a phrase (confirmed on the text).
/// `LIVEBLOG_BENCH_SIZES=50000,1000000` picks the sizes.
fn report_reader(quick: bool) {
    let sizes = common::sizes(vec![liveblog::config::DEFAULT_WINDOW, 100_000, 1_000_000]);
    for count in sizes {
        let mut app = reader(count);
        let (runs, phrase_runs) = match (count > 100_000, quick) {
            (true, true) => (2, 3),
            (true, false) => (5, 5),
            (false, true) => (3, 5),
            (false, false) => (10, 10),
        };
        report_app(&mut app, TYPED, runs, false);
        if count > 100_000 {
            report_app(&mut app, TYPED, runs, true);
        }
        report_app(&mut app, PHRASE, phrase_runs, false);
        report_phrase(&mut app, phrase_runs);
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
