//! Filter passes run in steps (so a keystroke is drawn within a frame over a million
//! entries). With a zero budget every step tests one chunk of rows, so these tests see
//! the pass part way, whatever the machine's speed: what is shown must only ever grow
//! at the bottom, the selected entry must not move, and the end result must equal
//! filtering from scratch, whatever arrives while the pass runs.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, Flags, Item, SourceId};
use liveblog::reader::app::{Action, App, FilterBudget, Row, update};
use liveblog::store::Applied;
use liveblog::store::ingest::Ingested;

const SOURCES: &[&str] = &["bbc", "guardian", "reuters"];
const WORDS: &[&str] = &[
    "ceasefire",
    "Kyïv",
    "drone",
    "strike",
    "peace",
    "deal",
    "storm",
    "vote",
    "talks",
    "aid",
    "market",
    "border",
];
const BASE: i64 = 1_800_000_000;

/// Entry `number`: newer numbers are newer entries; words vary with the number.
fn entry(number: i64) -> Entry {
    let word = |k: i64| WORDS[(number * 7 + k * 13).rem_euclid(WORDS.len() as i64) as usize];
    let item = Item {
        id: EntryId(format!("e{number}")),
        published: Timestamp::from_second(BASE + number * 60).ok(),
        updated: None,
        title: format!("{} {} number {number}", word(1), word(2)),
        author: None,
        url: Some(format!("https://example.com/{number}")),
        text: format!("{} and {} then {}", word(3), word(4), word(5)),
        html: None,
        flags: Flags::default(),
    };
    let source = SourceId(SOURCES[number.rem_euclid(3) as usize].to_string());
    // Seen when published (the reader sorts nothing later than first seen).
    Entry::new(
        source,
        item,
        Timestamp::from_second(BASE + number * 60).expect("time"),
    )
}

/// An app over entries `from..to` whose passes test one chunk per step.
fn app(from: i64, to: i64) -> App {
    let sources = SOURCES
        .iter()
        .map(|name| (SourceId(name.to_string()), Default::default()))
        .collect();
    let mut app = App::new(
        sources,
        (from..to).rev().map(entry).collect(),
        TimeZone::UTC,
        Timestamp::from_second(BASE + to * 60).expect("time"),
    );
    // Room for every entry these tests load (the default window is 50,000).
    app.window = 1_000_000;
    // The unfiltered list in full: the first pass ran on a time budget, and under load
    // it may not have reached the rows the tests scroll to.
    app.finish_filter();
    app.filter_budget = FilterBudget {
        first_step: Duration::ZERO,
        step: Duration::ZERO,
    };
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    app
}

fn key_of(app: &App, position: usize) -> String {
    app.rows[app.visible[position]].id().to_string()
}

/// The ids the current filter shows, tested one by one over every row.
fn from_scratch(app: &App) -> Vec<String> {
    let query = liveblog::query::Query::parse(&app.filter.input).expect("parses");
    app.rows
        .iter()
        .filter(|row| query.matches(&app.entry_of(row), app.now))
        .map(|row| row.id().to_string())
        .collect()
}

/// Asserts that the list shows what a pass from scratch lists, and gives that.
fn assert_shows_from_scratch(app: &App) -> Vec<String> {
    let expected = from_scratch(app);
    assert_eq!(shown(app), expected);
    expected
}

fn shown(app: &App) -> Vec<String> {
    (0..app.visible.len()).map(|p| key_of(app, p)).collect()
}

/// The bottom line of a 120x40 frame of `app`.
fn status_line(app: &App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..120)
        .map(|x| buffer[(x, 39)].symbol().to_string())
        .collect()
}

fn type_text(app: &mut App, text: &str) {
    update(app, Action::StartFilter);
    for c in text.chars() {
        update(app, Action::FilterChar(c));
    }
}

/// Steps the pass to its end, checking that each step only appends.
fn finish_by_steps(app: &mut App) -> usize {
    let mut steps = 0;
    while app.filtering() {
        let before = shown(app);
        let selected = app.selected;
        update(app, Action::FilterStep);
        let after = shown(app);
        assert_eq!(&after[..before.len()], &before[..], "a step only appends");
        assert_eq!(app.selected, selected, "a step does not move the selection");
        steps += 1;
        assert!(steps < 1_000, "the pass ends");
    }
    steps
}

#[test]
fn a_keystroke_shows_the_newest_matches_and_steps_bring_the_rest() {
    let mut app = app(0, 60_000);
    type_text(&mut app, "ceasefire");
    assert!(
        app.filtering(),
        "one chunk per step cannot cover 60,000 rows"
    );
    let expected = from_scratch(&app);
    let partial = shown(&app);
    assert!(!partial.is_empty() && partial.len() < expected.len());
    assert_eq!(
        &expected[..partial.len()],
        &partial[..],
        "the top is right at once"
    );
    let progress = app.filter_progress().expect("running");
    assert!(progress > 0.0 && progress < 1.0, "{progress}");
    // The status line says the count is not final yet, and how far the pass is.
    let status = status_line(&app);
    assert!(
        status.contains(&format!("{}+ entries · filtering", partial.len())),
        "{status}"
    );
    assert!(finish_by_steps(&mut app) >= 3);
    assert_eq!(shown(&app), expected);
    assert_eq!(app.filter_progress(), None);
    let status = status_line(&app);
    let hidden = app.rows.len() - expected.len();
    assert!(
        status.contains(&format!("{} entries · {hidden} hidden", expected.len())),
        "{status}"
    );
}

#[test]
fn typing_on_while_a_pass_runs_narrows_what_it_found_and_what_it_had_left() {
    let mut app = app(0, 60_000);
    type_text(&mut app, "ky");
    assert!(app.filtering());
    // More keys before the pass ends, some narrowing, one not.
    for c in "iv".chars() {
        update(&mut app, Action::FilterChar(c));
    }
    update(&mut app, Action::FilterStep);
    update(&mut app, Action::FilterChar(' '));
    update(&mut app, Action::FilterChar('d'));
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(
        expected.len() > 1_000,
        "`kyiv d` matches: {}",
        expected.len()
    );
    assert!(
        expected.len() < 50_000,
        "and not everything: {}",
        expected.len()
    );
    update(&mut app, Action::FilterBackspace);
    finish_by_steps(&mut app);
    assert_shows_from_scratch(&app);
    // A word start in the data (words match at word starts: `ro` is no longer found
    // inside `drone`).
    update(&mut app, Action::FilterChar('s'));
    update(&mut app, Action::FilterChar('t'));
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(!expected.is_empty());
}

#[test]
fn news_arriving_during_a_pass_joins_the_top_and_the_entry_read_stays() {
    let mut app = app(0, 60_000);
    type_text(&mut app, "peace");
    update(&mut app, Action::FilterAccept);
    update(&mut app, Action::ToggleFollow); // follow off
    for _ in 0..5 {
        update(&mut app, Action::Down);
    }
    let reading = key_of(&app, app.selected);
    let screen_row = app.selected - app.offset;
    assert!(app.filtering());
    let ingested = Ingested {
        source: SourceId("bbc".to_string()),
        state: Default::default(),
        applied: Applied {
            new: (60_000..60_050).rev().map(entry).collect(),
            updated: Vec::new(),
            removed: Vec::new(),
            restored: Vec::new(),
        },
        not_modified: false,
        next_poll: None,
    };
    update(&mut app, Action::Ingested(Box::new(ingested)));
    assert_eq!(
        key_of(&app, app.selected),
        reading,
        "the entry read stays selected"
    );
    assert_eq!(
        app.selected - app.offset,
        screen_row,
        "and on its row of the screen"
    );
    assert!(app.new_above > 0, "the new ones above are counted");
    finish_by_steps(&mut app);
    assert_eq!(key_of(&app, app.selected), reading);
    assert_shows_from_scratch(&app);
    assert_eq!(app.rows.len(), 60_050);
}

#[test]
fn an_edit_during_a_pass_is_filtered_like_any_row() {
    let mut app = app(0, 30_000);
    type_text(&mut app, "ceasefire");
    assert!(app.filtering());
    // Entry 10 (old, not yet tested) now mentions the ceasefire; entry 29,999 (newest)
    // no longer does.
    let mut old = entry(10);
    old.item.text = "a ceasefire at last".to_string();
    old.edited = true;
    let mut newest = entry(29_999);
    newest.item.title = "quiet".to_string();
    newest.item.text = "nothing".to_string();
    newest.edited = true;
    let ingested = Ingested {
        source: SourceId("bbc".to_string()),
        state: Default::default(),
        applied: Applied {
            new: Vec::new(),
            updated: vec![newest, old],
            removed: Vec::new(),
            restored: Vec::new(),
        },
        not_modified: false,
        next_poll: None,
    };
    update(&mut app, Action::Ingested(Box::new(ingested)));
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(expected.contains(&"e10".to_string()));
    assert!(!expected.contains(&"e29999".to_string()));
}

#[test]
fn older_entries_loaded_during_a_pass_are_filtered_behind_the_rest() {
    let mut app = app(20_000, 60_000);
    type_text(&mut app, "storm");
    assert!(app.filtering());
    let older: Vec<Row> = (0..20_000).rev().map(entry).map(Row::new).collect();
    update(&mut app, Action::Backfill(older));
    finish_by_steps(&mut app);
    assert_eq!(app.rows.len(), 60_000);
    assert_shows_from_scratch(&app);
    // And with no pass running, a backfill starts one over the new rows only.
    let older: Vec<Row> = (-10_000..0).rev().map(entry).map(Row::new).collect();
    update(&mut app, Action::Backfill(older));
    let left = app
        .scan
        .as_ref()
        .map_or(0, |scan| scan.remaining(app.rows.len()));
    assert!(left < 10_000, "only the new rows are tested: {left} left");
    finish_by_steps(&mut app);
    assert_shows_from_scratch(&app);
}

#[test]
fn the_bottom_and_the_oldest_unread_wait_for_the_whole_list() {
    let mut app = app(0, 60_000);
    type_text(&mut app, "drone");
    update(&mut app, Action::FilterAccept);
    assert!(app.filtering());
    update(&mut app, Action::Bottom);
    assert!(!app.filtering());
    let expected = from_scratch(&app);
    assert_eq!(
        key_of(&app, app.selected),
        *expected.last().expect("matches")
    );
    update(&mut app, Action::Top);
    // A new filter, so that a pass runs again.
    update(&mut app, Action::StartFilter);
    update(&mut app, Action::FilterBackspace);
    update(&mut app, Action::FilterAccept);
    assert!(app.filtering());
    update(&mut app, Action::OldestUnread);
    assert!(!app.filtering());
    assert_eq!(app.selected, app.visible.len() - 1);
}

/// Scrolls far down and selects position `target` (when every row is shown, the last
/// row of a chunk of 4,096 or 8,192: a first step stops right after it), high on the
/// screen.
fn deep_selection_at(app: &mut App, target: usize) -> (String, usize) {
    update(app, Action::ToggleFollow);
    while app.selected + 100 < target {
        let before = app.selected;
        update(app, Action::PageDown);
        assert!(
            app.selected > before,
            "PageDown moves on toward row {target}"
        );
    }
    // Down to the target and ten rows past (the list scrolls along the bottom row),
    // then back up: the target sits ten rows above the bottom of the screen.
    while app.selected < target + 10 {
        update(app, Action::Down);
    }
    for _ in 0..10 {
        update(app, Action::Up);
    }
    assert_eq!(app.selected, target);
    let screen_row = app.selected - app.offset;
    assert!((1..30).contains(&screen_row), "{screen_row}");
    (key_of(app, app.selected), screen_row)
}

fn deep_selection(app: &mut App) -> (String, usize) {
    deep_selection_at(app, 40_000)
}

#[test]
fn a_refilter_under_the_reader_keeps_the_entry_read_on_its_row() {
    let mut app = app(0, 60_000);
    // A `since:` filter matching everything: the minute's tick refilters it.
    type_text(&mut app, "since:1000d");
    update(&mut app, Action::FilterAccept);
    finish_by_steps(&mut app);
    let (reading, screen_row) = deep_selection_at(&mut app, 8_191);
    let now = app.now;
    update(&mut app, Action::Tick(now));
    assert!(app.filtering(), "the tick started a pass");
    // The first step goes at least as far as the selected row, whatever its budget.
    assert_eq!(key_of(&app, app.selected), reading);
    assert_eq!(
        app.selected - app.offset,
        screen_row,
        "on the same row of the screen"
    );
    finish_by_steps(&mut app);
    assert_eq!(key_of(&app, app.selected), reading);
    assert_eq!(app.selected - app.offset, screen_row);
    assert_shows_from_scratch(&app);
    // A filter without `since:` is left alone by the tick.
    let mut app = self::app(0, 10_000);
    type_text(&mut app, "storm");
    finish_by_steps(&mut app);
    let now = app.now;
    update(&mut app, Action::Tick(now));
    assert!(!app.filtering());
}

#[test]
fn typing_keeps_a_deep_selection_only_if_the_keystroke_reaches_it_in_time() {
    // With no time to spare, the first step covers one chunk: the new list starts at
    // its top rather than make the keystroke wait for row 40,000.
    let mut app = app(0, 60_000);
    let (reading, _) = deep_selection(&mut app);
    let word = app.rows[app.visible[app.selected]].title().to_string();
    let word = word.split(' ').next().expect("a word").to_lowercase();
    type_text(&mut app, &word);
    assert_eq!((app.selected, app.offset), (0, 0));
    finish_by_steps(&mut app);
    assert_shows_from_scratch(&app);
    // With time enough, the entry stays selected, on its row of the screen.
    let mut app = self::app(0, 60_000);
    let (reading_again, screen_row) = deep_selection(&mut app);
    assert_eq!(reading_again, reading);
    app.filter_budget.first_step = Duration::from_secs(60);
    type_text(&mut app, &word);
    assert_eq!(key_of(&app, app.selected), reading);
    assert_eq!(app.selected - app.offset, screen_row);
}

#[test]
fn an_applied_filter_searches_the_cache_beyond_a_full_window() {
    let mut app = app(10_000, 20_000);
    // A window not yet full: nothing older to look for.
    type_text(&mut app, "storm");
    update(&mut app, Action::FilterAccept);
    assert!(app.searching_cache.is_none());
    app.window = 10_000;
    update(&mut app, Action::StartFilter);
    update(&mut app, Action::FilterChar(' '));
    update(&mut app, Action::FilterChar('v'));
    let effects = update(&mut app, Action::FilterAccept);
    let oldest = app.rows.back().expect("rows").own_sort_time();
    assert_eq!(
        effects,
        vec![liveblog::reader::app::Effect::SearchCache {
            query: "storm v".to_string(),
            before: oldest,
        }]
    );
    assert_eq!(app.searching_cache.as_deref(), Some("storm v"));
    // The cache answers with older matches: they join the list below the rest.
    let older: Vec<Row> = (0..10_000)
        .rev()
        .map(entry)
        .filter(|entry| {
            liveblog::query::Query::parse("storm v")
                .expect("parses")
                .matches(entry, app.now)
        })
        .map(Row::new)
        .collect();
    let found = older.len();
    assert!(found > 100);
    update(
        &mut app,
        Action::CacheMatches {
            query: "storm v".to_string(),
            rows: older,
            more: false,
        },
    );
    finish_by_steps(&mut app);
    assert!(app.searching_cache.is_none());
    assert_eq!(app.rows.len(), 10_000 + found);
    assert_shows_from_scratch(&app);
    assert_eq!(
        app.notice.as_deref(),
        Some(format!("+{found} older matches from the cache").as_str())
    );
    let entries_before: usize = app.sources.iter().map(|source| source.entries).sum();
    assert_eq!(entries_before, 10_000 + found, "the sources count them");
    // Changing the filter lets the older matches go: no holes in the history below the
    // window, no months-old unread entry for `u`.
    update(&mut app, Action::StartFilter);
    update(&mut app, Action::FilterBackspace);
    assert_eq!(app.rows.len(), 10_000);
    assert_eq!(app.cache_rows, 0);
    let entries: usize = app.sources.iter().map(|source| source.entries).sum();
    assert_eq!(entries, 10_000, "the sources' counts follow");
    finish_by_steps(&mut app);
    assert_shows_from_scratch(&app);
    // An answer for a filter since changed is dropped.
    update(
        &mut app,
        Action::CacheMatches {
            query: "storm v".to_string(),
            rows: vec![Row::new(entry(-5))],
            more: false,
        },
    );
    assert_eq!(app.rows.len(), 10_000);
}

#[test]
fn older_matches_leave_even_while_a_pass_runs_over_them() {
    let mut app = app(10_000, 20_000);
    app.window = 10_000;
    type_text(&mut app, "storm");
    update(&mut app, Action::FilterAccept);
    finish_by_steps(&mut app);
    let older: Vec<Row> = (0..10_000).rev().map(entry).map(Row::new).collect();
    update(
        &mut app,
        Action::CacheMatches {
            query: "storm".to_string(),
            rows: older,
            more: false,
        },
    );
    // A pass over the 10,000 older rows is running (one chunk per step) when the
    // filter changes, narrowing: what it had left there goes too.
    assert!(app.filtering());
    update(&mut app, Action::StartFilter);
    update(&mut app, Action::FilterChar(' '));
    update(&mut app, Action::FilterChar('k'));
    assert_eq!(app.rows.len(), 10_000);
    assert!(app.visible.iter().all(|&index| index < 10_000));
    finish_by_steps(&mut app);
    assert_shows_from_scratch(&app);
}

#[test]
fn rows_made_by_the_cache_worker_merge_as_entries_made_here_do() {
    let ingested = || {
        let mut edited = entry(10);
        edited.item.text = "a storm at last".to_string();
        edited.edited = true;
        Ingested {
            source: SourceId("bbc".to_string()),
            state: Default::default(),
            applied: Applied {
                new: (20_000..20_020).rev().map(entry).collect(),
                updated: vec![edited],
                removed: Vec::new(),
                restored: Vec::new(),
            },
            not_modified: false,
            next_poll: None,
        }
    };
    let mut here = app(0, 20_000);
    let mut worker = app(0, 20_000);
    for app in [&mut here, &mut worker] {
        type_text(app, "storm");
        finish_by_steps(app);
    }
    update(&mut here, Action::Ingested(Box::new(ingested())));
    let mut stored = ingested();
    let rows = liveblog::reader::app::PolledRows::take(&mut stored);
    update(
        &mut worker,
        Action::Polled {
            ingested: Box::new(stored),
            rows,
        },
    );
    finish_by_steps(&mut here);
    finish_by_steps(&mut worker);
    assert_eq!(shown(&here), shown(&worker));
    assert_eq!(shown(&worker), from_scratch(&worker));
    assert!(
        shown(&worker).contains(&"e10".to_string()),
        "the edit applies"
    );
    assert_eq!(worker.rows.len(), 20_020);
}

#[test]
fn new_entries_matching_the_alert_query_raise_alerts_oldest_first() {
    let query = liveblog::query::Query::parse("kyiv").expect("parses");
    let news = || Ingested {
        source: SourceId("bbc".to_string()),
        state: Default::default(),
        applied: Applied {
            new: (1_000..1_030).rev().map(entry).collect(),
            updated: Vec::new(),
            removed: Vec::new(),
            restored: Vec::new(),
        },
        not_modified: false,
        next_poll: None,
    };
    let expected: Vec<String> = (1_000..1_030)
        .map(entry)
        .filter(|entry| {
            query.matches(
                entry,
                Timestamp::from_second(BASE + 2_000 * 60).expect("time"),
            )
        })
        .map(|entry| entry.item.id.0)
        .collect();
    assert!(expected.len() >= 2, "{expected:?}");
    // Through both paths: rows made here, and rows made by the cache worker.
    for worker in [false, true] {
        let mut app = app(0, 1_000);
        app.alert_query = Some(query.clone());
        let mut ingested = news();
        let action = if worker {
            let rows = liveblog::reader::app::PolledRows::take(&mut ingested);
            Action::Polled {
                ingested: Box::new(ingested),
                rows,
            }
        } else {
            Action::Ingested(Box::new(ingested))
        };
        let effects = update(&mut app, action);
        let alerted: Vec<String> = effects
            .iter()
            .filter_map(|effect| match effect {
                liveblog::reader::app::Effect::Alert(entry) => Some(entry.item.id.0.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(alerted, expected, "oldest first (worker: {worker})");
        assert_eq!(app.alerted.len(), expected.len());
        assert_eq!(app.rows.len(), 1_030);
    }
}

/// A phrase typed in steps, its pass behind the list (the quote open) part way when
/// news and an edit arrive: the closing quote still lists exactly what a pass from
/// scratch lists, new rows and the edited one included.
#[test]
fn news_arriving_while_a_phrase_is_typed_are_filtered_by_it() {
    let mut app = app(0, 30_000);
    type_text(&mut app, "\"drone and");
    assert!(app.filter.error.is_some(), "the quote is open");
    let kept = shown(&app);
    // Part of the pass behind the list; the list keeps its rows meanwhile.
    for _ in 0..3 {
        update(&mut app, Action::FilterStep);
    }
    assert_eq!(shown(&app), kept);
    let mut edited = entry(10);
    edited.item.text = "drone and peace talks".to_string();
    edited.edited = true;
    let mut news: Vec<Entry> = (30_000..30_040).rev().map(entry).collect();
    news[0].item.text = "a drone and a storm".to_string();
    let ingested = Ingested {
        source: SourceId("bbc".to_string()),
        state: Default::default(),
        applied: Applied {
            new: news,
            updated: vec![edited],
            removed: Vec::new(),
            restored: Vec::new(),
        },
        not_modified: false,
        next_poll: None,
    };
    update(&mut app, Action::Ingested(Box::new(ingested)));
    for _ in 0..3 {
        update(&mut app, Action::FilterStep);
    }
    for c in " peace\"".chars() {
        update(&mut app, Action::FilterChar(c));
    }
    assert!(app.filter.error.is_none());
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(expected.contains(&"e10".to_string()), "the edited entry");
    assert_eq!(app.rows.len(), 30_040);
}

/// The same phrase typed with the pass behind the list run to its end between keys
/// lists what the phrase applied at once lists.
#[test]
fn a_phrase_typed_with_its_pass_behind_the_list_lists_what_a_pass_from_scratch_does() {
    let mut app = app(0, 20_000);
    // The first three words of an entry's text ("X and Y then Z").
    let text = entry(1_234).item.text;
    let phrase = format!("\"{}\"", text.split(" then ").next().expect("a text"));
    update(&mut app, Action::StartFilter);
    for c in phrase.chars() {
        update(&mut app, Action::FilterChar(c));
        while app.filter_work_left() {
            update(&mut app, Action::FilterStep);
        }
    }
    let expected = assert_shows_from_scratch(&app);
    assert!(!expected.is_empty());
}

/// `entries` arriving from a poll of "bbc", with `edits` to entries held.
fn ingest(app: &mut App, entries: Vec<Entry>, edits: Vec<Entry>) {
    let ingested = Ingested {
        source: SourceId("bbc".to_string()),
        state: Default::default(),
        applied: Applied {
            new: entries,
            updated: edits,
            removed: Vec::new(),
            restored: Vec::new(),
        },
        not_modified: false,
        next_poll: None,
    };
    update(app, Action::Ingested(Box::new(ingested)));
}

/// News of "bbc" (entries 20,000 to 20,029, the newest saying "drone and"), and an
/// edit to entry 10 that makes it say "drone and".
fn drone_news_and_an_edit(app: &mut App) {
    let mut edited = entry(10);
    edited.item.text = "a drone and a storm".to_string();
    edited.edited = true;
    let mut news: Vec<Entry> = (20_000..20_030).rev().map(entry).collect();
    news[0].item.text = "drone and peace talks".to_string();
    ingest(app, news, vec![edited]);
}

/// The idle reader's sweeps run until the filters kept ready have nothing left.
fn idle_until_swept(app: &mut App) {
    let mut steps = 0;
    while app.ready_work_left() {
        update(app, Action::ReadyStep);
        steps += 1;
        assert!(steps < 100_000, "the sweeps end");
    }
}

/// A saved phrase filter is kept ready while the reader is idle (its sweep tests the
/// rows when no key waits); applied, it lists what a pass from scratch lists: after
/// news and an edit arrived during its sweep, after news not swept yet, and with a
/// source toggled off. Once swept, the reader is idle again.
#[test]
fn a_saved_filter_kept_ready_lists_what_a_pass_from_scratch_does() {
    let mut app = app(0, 20_000);
    let phrase = "\"drone and\"";
    app.saved_filters = vec![
        ("drones".to_string(), phrase.to_string()),
        ("a word".to_string(), "peace".to_string()),
        ("recent".to_string(), format!("since:1h {phrase}")),
    ];
    assert!(app.ready_work_left(), "a sweep to run");
    assert!(!app.filter_work_left(), "no filter pass");
    for _ in 0..3 {
        update(&mut app, Action::ReadyStep);
    }
    drone_news_and_an_edit(&mut app);
    idle_until_swept(&mut app);
    assert!(!app.ready_work_left(), "idle once swept");

    update(&mut app, Action::ApplySavedFilter(0));
    finish_by_steps(&mut app);
    assert_eq!(app.filter.input, phrase);
    let expected = assert_shows_from_scratch(&app);
    assert!(expected.contains(&"e10".to_string()), "the edited entry");
    assert!(expected.contains(&"e20029".to_string()), "the news");

    // News after the sweep, the filter applied again before any idle step: the rows
    // swept are answered from the sweep, the new ones tested.
    cancel(&mut app);
    let mut news: Vec<Entry> = (20_030..20_040).rev().map(entry).collect();
    news[3].item.title = "Drone and missile attack".to_string();
    ingest(&mut app, news, Vec::new());
    update(&mut app, Action::ApplySavedFilter(0));
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(expected.contains(&"e20036".to_string()), "the news");

    // A source toggled off hides its rows, swept or not.
    cancel(&mut app);
    for source in &mut app.sources {
        source.enabled = source.id.0 != "guardian";
    }
    update(&mut app, Action::ApplySavedFilter(0));
    finish_by_steps(&mut app);
    let expected: Vec<String> = from_scratch(&app)
        .into_iter()
        .filter(|id| {
            app.rows
                .iter()
                .find(|row| row.id() == id)
                .is_some_and(|row| &*row.source != "guardian")
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(shown(&app), expected);
}

/// A phrase applied at once (pasted) and accepted, then recalled from the history,
/// lists what a pass from scratch lists: after news and an edit arrived while its pass
/// ran, after news while it was not applied, and after the idle sweeps of the history's
/// filters ran between them.
#[test]
fn a_phrase_recalled_from_the_history_lists_what_a_pass_from_scratch_does() {
    let mut app = app(0, 20_000);
    let phrase = "\"drone and\"";
    type_text(&mut app, phrase);
    update(&mut app, Action::FilterAccept);
    for _ in 0..3 {
        update(&mut app, Action::FilterStep);
    }
    drone_news_and_an_edit(&mut app);
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(expected.contains(&"e10".to_string()), "the edited entry");

    // Another filter, news, then the phrase recalled before any idle step.
    cancel(&mut app);
    apply(&mut app, "peace");
    let mut news: Vec<Entry> = (20_030..20_040).rev().map(entry).collect();
    news[3].item.title = "Drone and missile attack".to_string();
    ingest(&mut app, news, Vec::new());
    update(&mut app, Action::StartFilter);
    update(&mut app, Action::FilterHistory(-1));
    update(&mut app, Action::FilterHistory(-1));
    assert_eq!(app.filter.input, phrase);
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(expected.contains(&"e20036".to_string()), "the news");

    // Idle: the sweeps end, and the phrase recalled again lists the same.
    idle_until_swept(&mut app);
    recall_latest(&mut app);
    assert_eq!(app.filter.input, phrase);
    assert_eq!(shown(&app), expected);
}

/// Esc: the filter cleared, and the pass that shows every row run to its end.
fn cancel(app: &mut App) {
    update(app, Action::FilterCancel);
    app.finish_filter();
}

/// `text` typed into the filter and accepted (it joins the history), its pass run to
/// the end step by step.
fn apply(app: &mut App, text: &str) {
    type_text(app, text);
    update(app, Action::FilterAccept);
    finish_by_steps(app);
}

/// Esc, then `/` and Up: the filter cleared, then the latest one of the history
/// recalled, its pass run to the end step by step.
fn recall_latest(app: &mut App) {
    cancel(app);
    update(app, Action::StartFilter);
    update(app, Action::FilterHistory(-1));
    finish_by_steps(app);
}

/// What a phrase's pass notes is the phrase's answer alone: rows it passed over for a
/// source toggled off, or for the key events switch, show once they are shown again.
#[test]
fn a_phrase_noted_under_toggles_lists_what_a_pass_from_scratch_does_without_them() {
    let mut app = app(0, 20_000);
    for source in &mut app.sources {
        source.enabled = source.id.0 != "reuters";
    }
    // Only reuters' entries say "drone and" (see `entry`).
    apply(&mut app, "\"drone and\"");
    for source in &mut app.sources {
        source.enabled = true;
    }
    recall_latest(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(!expected.is_empty(), "the source shown again");

    update(&mut app, Action::ToggleKeyEvents);
    cancel(&mut app);
    apply(&mut app, "\"storm and\"");
    assert!(shown(&app).is_empty(), "no key event among these entries");
    update(&mut app, Action::ToggleKeyEvents);
    finish_by_steps(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(!expected.is_empty());
}

/// A filter with `since:` moves with the clock: recalled later, it lists what a pass
/// from scratch lists then, not what it matched when applied.
#[test]
fn a_filter_with_since_recalled_later_lists_what_it_matches_then() {
    let mut app = app(0, 20_000);
    apply(&mut app, "since:3h \"drone and\"");
    let applied = shown(&app);
    assert!(!applied.is_empty());
    let later = app.now + jiff::SignedDuration::from_mins(90);
    cancel(&mut app);
    update(&mut app, Action::Tick(later));
    recall_latest(&mut app);
    let expected = assert_shows_from_scratch(&app);
    assert!(expected.len() < applied.len(), "some left the last 3 hours");
}
