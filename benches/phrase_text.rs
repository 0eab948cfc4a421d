//! Phrases on real news text: the fixtures' entries (every feed and page under
//! `../shared/fixtures`, parsed as `auto` does), repeated until the reader holds the
//! window, each phrase applied at once (a saved filter before the idle reader kept it
//! ready: one pass from nothing, as when pasted) and timed to the whole list.
//!
//! The filter bench's text draws every word from 123, so a phrase's words are in
//! nearly every entry; on real text a phrase's words are together in a few entries,
//! or (function words) in most. `LIVEBLOG_BENCH_SIZES=50000,1000000` picks the sizes.
//!
//! `LIVEBLOG_BENCH_TEXT=bench` holds the filter bench's entries instead (its text, its
//! seed) and times its phrase, `"peace deal"`, applied at once: the same figure as the
//! filter bench's "applied at once" line, from a bench that builds against older
//! readers too.
//!
//! For a side-by-side run, this file and `common/mod.rs` build against an older
//! commit too (copied into a worktree of it, with the `[[bench]]` entry, less the call
//! to `forget_ready_filters`, which older readers do not need).

mod common;

use std::time::Instant;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use liveblog::model::{Entry, EntryId};
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

/// The filter bench's phrase: both words in nearly every entry of its text, the phrase
/// in about 1%.
const BENCH_PHRASE: &str = "\"peace deal\"";

/// `count` entries: the fixtures' entries over and over, each copy its own entry
/// (its own id and minute), newest first.
fn entries(count: usize) -> Vec<Entry> {
    let base = common::fixture_entries();
    assert!(
        !base.is_empty(),
        "no fixtures under {}",
        common::fixtures_dir().display()
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

fn main() {
    let sizes = common::sizes(vec![50_000]);
    let runs = std::env::var("LIVEBLOG_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(if std::env::var_os("LIVEBLOG_BENCH_QUICK").is_some() {
            5
        } else {
            15
        });
    let bench_text = std::env::var("LIVEBLOG_BENCH_TEXT").is_ok_and(|text| text == "bench");
    for count in sizes {
        let now = Timestamp::now();
        let entries = if bench_text {
            common::entries(count, 7)
        } else {
            entries(count)
        };
        // Making the rows (folding each entry, on the cache worker in the reader),
        // indexing and storing them.
        let started = Instant::now();
        let mut app = App::new(Vec::new(), entries, TimeZone::UTC, now);
        let built = started.elapsed();
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
            "\nreader holding {count} of the {} entries (made, indexed and stored in \
             {:.2} s), each phrase applied at once (a saved filter not kept ready yet) to the \
             whole list, {runs} runs:",
            if bench_text {
                "filter bench's"
            } else {
                "fixtures'"
            },
            built.as_secs_f64()
        );
        // `LIVEBLOG_BENCH_PHRASE` times that one instead (to profile it alone).
        let phrases: Vec<String> = match std::env::var("LIVEBLOG_BENCH_PHRASE") {
            Ok(phrase) => vec![phrase],
            Err(_) if bench_text => vec![BENCH_PHRASE.to_string()],
            Err(_) => PHRASES.iter().map(|p| p.to_string()).collect(),
        };
        for phrase in &phrases {
            app.saved_filters = vec![("phrase".to_string(), phrase.clone())];
            let mut times = Vec::new();
            let mut matches = 0;
            for _ in 0..runs {
                // Applied again, a phrase is answered from what its last pass found.
                app.forget_ready_filters();
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
            let (p50, p99, _) = common::percentiles(&mut times);
            println!("  {phrase:<20} {matches:>7} matches: p50 {p50:.2} ms, p99 {p99:.2} ms");
        }
    }
}
