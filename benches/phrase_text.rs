//! Phrases on real news text: the fixtures' entries (every feed and page under
//! `../shared/fixtures`, parsed as `auto` does), repeated until the reader holds the
//! window, each phrase applied at once (a saved filter) and timed to the whole list.
//!
//! The filter bench's text draws every word from 123, so a phrase's words are in
//! nearly every entry; on real text a phrase's words are together in a few entries,
//! or (function words) in most. `LIVEBLOG_BENCH_SIZES=50000,1000000` picks the sizes.
//!
//! Self-contained on purpose (its own loader, no `common`), so the same file builds
//! against an older commit for a side-by-side run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use liveblog::model::{Entry, EntryId, SourceId};
use liveblog::parse::{self, DEFAULT_OPTIONS, Input};
use liveblog::reader::app::{Action, App, update};
use liveblog::reader::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// From a phrase of function words (its words in most entries, the phrase in a
/// quarter) to news phrases (their words together in a few entries).
const PHRASES: &[&str] = &[
    "\"of the\"",
    "\"prime minister\"",
    "\"white house\"",
    "\"the government\"",
];

fn fixtures_dir() -> PathBuf {
    std::env::var_os("LIVEBLOG_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e != "md") {
            out.push(path);
        }
    }
}

/// The fixtures' entries, each dated a minute apart (their own dates span decades).
fn fixture_entries() -> Vec<Entry> {
    let mut paths = Vec::new();
    files(&fixtures_dir(), &mut paths);
    paths.sort();
    let now = Timestamp::from_second(1_760_000_000).expect("valid");
    let mut out = Vec::new();
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let input = Input {
            bytes: &bytes,
            content_type: None,
            base_url: Some("https://example.org/live"),
            now,
            options: &DEFAULT_OPTIONS,
        };
        let Ok(doc) = parse::parse(&input, parse::detect(&input)) else {
            continue;
        };
        let source = SourceId(
            path.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        );
        out.extend(doc.items.into_iter().map(|item| Entry {
            source: source.clone(),
            first_seen: now,
            item,
            edited: false,
            previous_text: None,
            removed: false,
            read: false,
        }));
    }
    out
}

/// `count` entries: the fixtures' entries over and over, each copy its own entry
/// (its own id and minute), newest first.
fn entries(count: usize) -> Vec<Entry> {
    let base = fixture_entries();
    assert!(
        !base.is_empty(),
        "no fixtures under {}",
        fixtures_dir().display()
    );
    let start = Timestamp::from_second(1_760_000_000).expect("valid");
    let mut out: Vec<Entry> = (0..count)
        .map(|n| {
            let mut entry = base[n % base.len()].clone();
            entry.item.id = EntryId(format!("{}#copy-{n}", entry.item.id.0));
            let at = start
                .checked_add(SignedDuration::from_secs(60 * n as i64))
                .expect("in range");
            entry.item.published = Some(at);
            entry.item.updated = None;
            entry.first_seen = at;
            entry
        })
        .collect();
    out.reverse();
    out
}

fn percentile(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[index].as_secs_f64() * 1e3
}

fn main() {
    let sizes: Vec<usize> = std::env::var("LIVEBLOG_BENCH_SIZES")
        .ok()
        .map(|sizes| {
            sizes
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![50_000]);
    let runs = std::env::var("LIVEBLOG_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(if std::env::var_os("LIVEBLOG_BENCH_QUICK").is_some() {
            5
        } else {
            15
        });
    for count in sizes {
        let now = Timestamp::now();
        let mut app = App::new(Vec::new(), entries(count), TimeZone::UTC, now);
        update(
            &mut app,
            Action::Resize {
                width: 120,
                height: 40,
            },
        );
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut draw = |app: &App| {
            terminal.draw(|frame| ui::draw(frame, app)).expect("draw");
        };
        draw(&app);
        println!(
            "\nreader holding {count} of the fixtures' entries, each phrase applied at once \
             (a saved filter) to the whole list, {runs} runs:"
        );
        // `LIVEBLOG_BENCH_PHRASE` times that one instead (to profile it alone).
        let phrases: Vec<String> = match std::env::var("LIVEBLOG_BENCH_PHRASE") {
            Ok(phrase) => vec![phrase],
            Err(_) => PHRASES.iter().map(|p| p.to_string()).collect(),
        };
        for phrase in &phrases {
            app.saved_filters = vec![("phrase".to_string(), phrase.clone())];
            let mut times = Vec::new();
            let mut matches = 0;
            for _ in 0..runs {
                let started = Instant::now();
                update(&mut app, Action::ApplySavedFilter(0));
                draw(&app);
                while app.filtering() {
                    update(&mut app, Action::FilterStep);
                    draw(&app);
                }
                times.push(started.elapsed());
                matches = app.visible.len();
                update(&mut app, Action::StartFilter);
                update(&mut app, Action::FilterCancel);
                app.finish_filter();
            }
            let p50 = percentile(&mut times, 0.5);
            let p99 = percentile(&mut times, 0.99);
            println!("  {phrase:<20} {matches:>7} matches: p50 {p50:.2} ms, p99 {p99:.2} ms");
        }
    }
}
