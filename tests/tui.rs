//! The reader's state and drawing through the public API, on ratatui's `TestBackend`:
//! rows, detail view, filtering as you type, sources panel, help, the "N new"
//! behaviour, edits, hostile text, and the default key map.

mod common;

use common::reader::{plain_entry, polled_at};
use common::{is_hostile, ts};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MediaKeyCode, ModifierKeyCode,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, SourceId};
use liveblog::reader::app::{Action, App, Effect, Prompt, View, update};
use liveblog::reader::input::{action_for_key, action_for_paste};
use liveblog::store::SourceState;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use unicode_width::UnicodeWidthStr;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

fn now() -> Timestamp {
    ts("2024-05-01T18:00:00Z")
}

fn entry(source: &str, id: &str, time: &str, title: &str, text: &str) -> Entry {
    let mut entry = plain_entry(source, id, ts(time), title, text);
    entry.item.author = Some("Jane Doe".to_string());
    entry.item.url = Some(format!("https://example.org/live#{id}"));
    entry
}

const NO_TITLE_BODY: &str = "Air raid sirens sounded across Kyiv early this morning as drones \
     approached the capital from the east and the south of the city, officials said.";

const LONG_BODY: &str = "Negotiators from both delegations met again on Wednesday afternoon in \
     a hotel on the outskirts of the capital, according to two officials familiar with the \
     talks, who spoke on condition of anonymity because they were not authorised to brief \
     the press. The meeting lasted more than four hours and ended without a joint statement, \
     although both sides described the atmosphere as constructive and said further rounds \
     were planned for next week, possibly in a neutral country chosen by the mediators.";

/// Twelve entries, deliberately not in time order.
fn entries() -> Vec<Entry> {
    vec![
        entry(
            "bbc",
            "b1",
            "2024-05-01T13:52:00Z",
            "Opinion: the peace deal will not hold",
            "A column about the ceasefire and the peace deal.",
        ),
        entry(
            "guardian",
            "g1",
            "2024-05-01T14:05:00Z",
            "Ceasefire talks resume in Cairo",
            "Negotiators met in Cairo. Kyiv was not represented.",
        ),
        entry("aljazeera", "a1", "2024-05-01T13:40:00Z", "", NO_TITLE_BODY),
        entry(
            "guardian",
            "g2",
            "2024-05-01T13:30:00Z",
            "Drone strike reported near Kharkiv",
            LONG_BODY,
        ),
        entry(
            "bbc",
            "b2",
            "2024-05-01T13:10:00Z",
            "Talks: what we know so far",
            "A deal on peace is still far away.",
        ),
        entry(
            "aljazeera",
            "a2",
            "2024-05-01T12:55:00Z",
            "Markets open lower",
            "Stocks fell.",
        ),
        entry(
            "guardian",
            "g3",
            "2024-05-01T12:50:00Z",
            "Weather warning issued",
            "Rain.",
        ),
        entry(
            "bbc",
            "b3",
            "2024-05-01T12:45:00Z",
            "Train strike called off",
            "Unions agreed.",
        ),
        entry(
            "aljazeera",
            "a3",
            "2024-05-01T12:40:00Z",
            "Harvest figures released",
            "Wheat.",
        ),
        entry(
            "guardian",
            "g4",
            "2024-05-01T12:35:00Z",
            "Museum reopens its doors",
            "Art.",
        ),
        entry(
            "bbc",
            "b4",
            "2024-05-01T12:30:00Z",
            "Football: late winner",
            "Goal.",
        ),
        entry(
            "aljazeera",
            "a4",
            "2024-05-01T12:25:00Z",
            "Election results delayed",
            "Count.",
        ),
    ]
}

/// Titles of `entries()` newest first, as the list must show them.
const ORDER: [&str; 12] = [
    "Ceasefire talks resume in Cairo",
    "Opinion: the peace deal will not hold",
    "Air raid sirens sounded across Kyiv",
    "Drone strike reported near Kharkiv",
    "Talks: what we know so far",
    "Markets open lower",
    "Weather warning issued",
    "Train strike called off",
    "Harvest figures released",
    "Museum reopens its doors",
    "Football: late winner",
    "Election results delayed",
];

fn sources() -> Vec<(SourceId, SourceState)> {
    ["guardian", "bbc", "aljazeera"]
        .into_iter()
        .map(|name| (SourceId(name.to_string()), SourceState::default()))
        .collect()
}

fn app_sized(width: u16, height: u16) -> App {
    let mut app = App::new(sources(), entries(), TimeZone::UTC, now());
    update(&mut app, Action::Resize { width, height });
    app
}

/// `entries()` and 60 older ones: longer than any screen used here.
fn long_app(width: u16, height: u16) -> App {
    let mut all = entries();
    for i in 0..60 {
        let time = format!("2024-05-01T{:02}:{:02}:00Z", 10 + i / 60, 59 - i % 60);
        all.push(entry(
            "bbc",
            &format!("old{i}"),
            &time,
            &format!("Older item {i}"),
            "Old.",
        ));
    }
    let mut app = App::new(sources(), all, TimeZone::UTC, now());
    update(&mut app, Action::Resize { width, height });
    app
}

fn ingest_action(source: &str, new: Vec<Entry>, updated: Vec<Entry>) -> Action {
    polled_at(source, now(), new, updated)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    let modifiers = if c.is_ascii_uppercase() || c == '?' {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), modifiers)
}

/// Maps a key press through the key map and applies it; returns the effects.
fn press(app: &mut App, event: KeyEvent) -> Vec<Effect> {
    match action_for_key(app, event) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, ch(c));
    }
}

// ---------------------------------------------------------------------------
// Reading the screen
// ---------------------------------------------------------------------------

/// What a `TestBackend` shows after one draw.
struct Screen {
    /// Each row's text (wide characters once, trailing spaces kept).
    rows: Vec<String>,
    /// Every cell's symbol.
    cells: Vec<String>,
    /// Rows with at least one reversed (highlighted) cell.
    reversed: Vec<usize>,
}

impl Screen {
    fn status(&self) -> &str {
        self.rows.last().map_or("", String::as_str)
    }

    /// Every row but the status line.
    fn body(&self) -> &[String] {
        &self.rows[..self.rows.len() - 1]
    }

    fn text(&self) -> String {
        self.rows.join("\n")
    }

    fn contains(&self, needle: &str) -> bool {
        self.rows.iter().any(|row| row.contains(needle))
    }

    /// The single highlighted row of the list.
    fn selected_row(&self) -> usize {
        let list: Vec<usize> = self
            .reversed
            .iter()
            .copied()
            .filter(|&y| y + 1 < self.rows.len())
            .collect();
        assert_eq!(
            list.len(),
            1,
            "one highlighted row expected:\n{}",
            self.text()
        );
        list[0]
    }

    /// Index into `ORDER`-like titles: which of `titles` each non-empty list row shows.
    fn list_titles<'a>(&self, titles: &[&'a str]) -> Vec<&'a str> {
        self.body()
            .iter()
            .filter(|row| !row.trim().is_empty())
            .map(|row| {
                titles
                    .iter()
                    .copied()
                    .find(|title| row.contains(title))
                    .unwrap_or_else(|| panic!("row shows no known title: {row:?}"))
            })
            .collect()
    }
}

fn draw(app: &App, width: u16, height: u16) -> Screen {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    let mut reversed = Vec::new();
    for y in 0..height {
        let mut row = String::new();
        let mut skip = 0;
        let mut is_reversed = false;
        for x in 0..width {
            let cell = &buffer[(x, y)];
            cells.push(cell.symbol().to_string());
            if cell.modifier.contains(Modifier::REVERSED) {
                is_reversed = true;
            }
            if skip > 0 {
                skip -= 1;
                continue;
            }
            // The scrollbar in the last column moves as the list scrolls; rows are
            // compared by their content.
            let scrollbar = x + 1 == width && matches!(cell.symbol(), "█" | "║");
            row.push_str(if scrollbar { " " } else { cell.symbol() });
            skip = cell.symbol().width().saturating_sub(1);
        }
        if is_reversed {
            reversed.push(usize::from(y));
        }
        rows.push(row);
    }
    Screen {
        rows,
        cells,
        reversed,
    }
}

fn draw_app(app: &App) -> Screen {
    draw(app, app.size.0, app.size.1)
}

// ---------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------

#[test]
fn rows_show_time_source_and_title_newest_first() {
    for (width, height) in SIZES {
        let app = app_sized(width, height);
        let screen = draw_app(&app);
        assert_eq!(
            screen.list_titles(&ORDER),
            ORDER.to_vec(),
            "newest first at {width}x{height}:\n{}",
            screen.text()
        );
        let first = &screen.rows[0];
        assert!(first.contains("14:05"), "HH:MM shown: {first:?}");
        assert!(first.contains("guardian"), "source shown: {first:?}");
        let second = &screen.rows[1];
        assert!(
            second.contains("13:52") && second.contains("bbc"),
            "{second:?}"
        );
        // Time, then source, then title, left to right.
        let (t, s, h) = (
            first.find("14:05").unwrap(),
            first.find("guardian").unwrap(),
            first.find("Ceasefire").unwrap(),
        );
        assert!(t < s && s < h, "time, source, title in order: {first:?}");
        // No title: the body's first words stand in.
        let untitled = &screen.rows[2];
        assert!(
            untitled.contains("13:40") && untitled.contains("aljazeera"),
            "{untitled:?}"
        );
        assert!(
            untitled.contains("Air raid sirens sounded across Kyiv"),
            "body's first words as the title: {untitled:?}"
        );
        // Rows never spill: each row is exactly the screen width.
        for row in &screen.rows {
            assert_eq!(row.width(), usize::from(width), "row width: {row:?}");
        }
        assert_eq!(screen.selected_row(), 0, "the newest entry starts selected");
        assert!(
            screen.status().contains(" 12 entries"),
            "{:?}",
            screen.status()
        );
    }
}

#[test]
fn enter_opens_the_detail_view_with_the_body_wrapped_to_the_width() {
    for (width, height) in SIZES {
        let mut app = app_sized(width, height);
        for _ in 0..3 {
            press(&mut app, ch('j'));
        }
        assert_eq!(app.selected_entry().unwrap().item.id.0, "g2");
        let effects = press(&mut app, key(KeyCode::Enter));
        assert!(matches!(app.view, View::Detail { .. }), "{:?}", app.view);
        assert!(
            effects.contains(&Effect::MarkRead(
                SourceId("guardian".into()),
                EntryId("g2".into())
            )),
            "opening marks read: {effects:?}"
        );
        let screen = draw_app(&app);
        let body = screen.body();
        assert!(
            body[0].contains("Drone strike reported near Kharkiv"),
            "{:?}",
            body[0]
        );
        assert!(screen.contains("guardian") && screen.contains("Jane Doe"));
        assert!(screen.contains("https://example.org/live#g2"));
        // The body: the rows after the first blank one, up to the next blank one.
        let start = body.iter().position(|row| row.trim().is_empty()).unwrap() + 1;
        let lines: Vec<&str> = body[start..]
            .iter()
            .map(|row| row.trim_end())
            .take_while(|row| !row.is_empty())
            .collect();
        let inner = usize::from(width) - 2;
        assert!(lines.len() > 1, "a long body wraps: {lines:?}");
        for line in &lines {
            assert!(
                line.starts_with(' ') && !line.starts_with("  "),
                "indent: {line:?}"
            );
            assert!(
                line.trim().width() <= inner,
                "fits {inner} columns: {line:?}"
            );
        }
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        let expected: Vec<&str> = LONG_BODY.split_whitespace().collect();
        assert_eq!(
            words, expected,
            "the whole body, in order, at {width}x{height}"
        );
        // Greedy: the next line's first word would not have fitted on this one.
        for pair in lines.windows(2) {
            let next_word = pair[1].split_whitespace().next().unwrap();
            assert!(
                pair[0].trim().width() + 1 + next_word.width() > inner,
                "wrapped too early: {pair:?}"
            );
        }
        // Esc goes back to the list with the same entry selected.
        press(&mut app, key(KeyCode::Esc));
        assert_eq!(app.view, View::List);
        assert_eq!(app.selected_entry().unwrap().item.id.0, "g2");
    }
}

// ---------------------------------------------------------------------------
// Filtering
// ---------------------------------------------------------------------------

#[test]
fn typing_a_filter_narrows_the_list_as_you_type() {
    for (width, height) in SIZES {
        let mut app = app_sized(width, height);
        press(&mut app, ch('/'));
        assert!(app.filter.editing);
        let mut last = app.visible.len();
        for c in "ceasefire".chars() {
            press(&mut app, ch(c));
            assert!(app.visible.len() <= last, "typing only narrows");
            last = app.visible.len();
        }
        assert!(
            app.filter.editing,
            "still typing: no Enter needed to filter"
        );
        let screen = draw_app(&app);
        assert_eq!(
            screen.list_titles(&ORDER),
            vec![ORDER[0], ORDER[1]],
            "words match title or text:\n{}",
            screen.text()
        );
        assert!(
            screen.status().contains("/ceasefire"),
            "{:?}",
            screen.status()
        );
        assert!(
            screen.status().contains(" 2 entries · 10 hidden"),
            "{:?}",
            screen.status()
        );

        type_text(&mut app, " -opinion");
        let screen = draw_app(&app);
        assert_eq!(screen.list_titles(&ORDER), vec![ORDER[0]], "-not excludes");

        press(
            &mut app,
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        );
        assert!(app.filter.input.is_empty());
        assert_eq!(app.visible.len(), 12);
        assert!(app.filter.editing, "ctrl-u clears the line; typing goes on");
        type_text(&mut app, "\"peace deal\"");
        let screen = draw_app(&app);
        assert_eq!(
            screen.list_titles(&ORDER),
            vec![ORDER[1]],
            "a phrase needs the words together (b2 has `deal on peace`)"
        );

        press(&mut app, key(KeyCode::Esc));
        assert!(app.filter.input.is_empty() && !app.filter.editing);
        press(&mut app, ch('/'));
        type_text(&mut app, "source:bbc");
        press(&mut app, key(KeyCode::Enter));
        assert!(!app.filter.editing, "Enter keeps the filter");
        let screen = draw_app(&app);
        let shown = screen.list_titles(&ORDER);
        assert_eq!(
            shown,
            vec![ORDER[1], ORDER[4], ORDER[7], ORDER[10]],
            "source: keeps one source"
        );
        for row in screen.body().iter().filter(|r| !r.trim().is_empty()) {
            assert!(row.contains("bbc"), "{row:?}");
        }
        // Accent folding and several words: `kyïv drones` finds the untitled entry.
        press(&mut app, key(KeyCode::Esc));
        press(&mut app, ch('/'));
        type_text(&mut app, "KYÏV drones");
        assert_eq!(draw_app(&app).list_titles(&ORDER), vec![ORDER[2]]);
    }
}

#[test]
fn a_malformed_query_shows_an_error_and_keeps_the_previous_results() {
    for (width, height) in SIZES {
        let mut app = app_sized(width, height);
        press(&mut app, ch('/'));
        type_text(&mut app, "kyiv");
        let good = draw_app(&app).list_titles(&ORDER);
        assert_eq!(good, vec![ORDER[0], ORDER[2]]);
        for c in " \"unclosed".chars() {
            press(&mut app, ch(c));
            let screen = draw_app(&app);
            assert_eq!(
                screen.list_titles(&ORDER),
                good,
                "results kept while the query is malformed:\n{}",
                screen.text()
            );
        }
        assert!(app.filter.error.is_some());
        let screen = draw_app(&app);
        let status = screen.status();
        assert!(status.contains("✗"), "error marked: {status:?}");
        assert!(status.contains("unclosed quote"), "error shown: {status:?}");
        // Closing the quote fixes it.
        press(&mut app, ch('"'));
        assert!(app.filter.error.is_none());
        assert!(!draw_app(&app).status().contains("✗"));

        // From an empty filter, a malformed query keeps every entry.
        let mut app = app_sized(width, height);
        press(&mut app, ch('/'));
        type_text(&mut app, "\"unclosed");
        let screen = draw_app(&app);
        assert_eq!(
            screen.list_titles(&ORDER),
            ORDER.to_vec(),
            "{}",
            screen.text()
        );
        assert!(
            screen.status().contains("unclosed quote"),
            "{:?}",
            screen.status()
        );
    }
}

// ---------------------------------------------------------------------------
// Sources panel, help
// ---------------------------------------------------------------------------

#[test]
fn sources_panel_lists_sources_and_space_hides_one() {
    for (width, height) in SIZES {
        let mut app = app_sized(width, height);
        press(&mut app, ch('s'));
        assert_eq!(app.view, View::Sources);
        let screen = draw_app(&app);
        for name in ["guardian", "bbc", "aljazeera"] {
            let row = screen
                .rows
                .iter()
                .find(|row| row.contains(name))
                .unwrap_or_else(|| panic!("{name} listed:\n{}", screen.text()));
            assert!(row.contains("[x]"), "shown by default: {row:?}");
            assert!(row.contains("4 entries"), "{row:?}");
        }
        press(&mut app, ch('j'));
        press(&mut app, ch(' '));
        assert_eq!(app.view, View::Sources, "space toggles, it does not page");
        let screen = draw_app(&app);
        let bbc = screen.rows.iter().find(|row| row.contains("bbc")).unwrap();
        assert!(bbc.contains("[ ]"), "bbc hidden: {bbc:?}");
        press(&mut app, key(KeyCode::Esc));
        assert_eq!(app.view, View::List);
        let screen = draw_app(&app);
        let shown = screen.list_titles(&ORDER);
        assert_eq!(shown.len(), 8);
        for row in screen.body() {
            assert!(!row.contains(" bbc "), "no bbc entries: {row:?}");
        }
        assert!(
            screen.status().contains(" 8 entries · 4 hidden"),
            "{:?}",
            screen.status()
        );
        // And back on.
        press(&mut app, ch('s'));
        press(&mut app, ch(' '));
        press(&mut app, key(KeyCode::Esc));
        assert_eq!(draw_app(&app).list_titles(&ORDER), ORDER.to_vec());
    }
}

#[test]
fn question_mark_shows_help_and_any_key_closes_it() {
    for (width, height) in SIZES {
        let mut app = app_sized(width, height);
        press(&mut app, ch('?'));
        assert_eq!(app.view, View::Help);
        let screen = draw_app(&app);
        for text in ["Keys", "open entry", "filter", "follow newest", "quit"] {
            assert!(
                screen.contains(text),
                "help shows {text:?}:\n{}",
                screen.text()
            );
        }
        press(&mut app, ch('x'));
        assert_eq!(app.view, View::List);
        assert!(!draw_app(&app).contains("follow newest"));
    }
}

// ---------------------------------------------------------------------------
// New entries arriving
// ---------------------------------------------------------------------------

fn fresh(id: &str, time: &str, title: &str) -> Entry {
    entry("guardian", id, time, title, "Just in.")
}

#[test]
fn at_the_top_with_follow_on_a_new_entry_becomes_the_selected_top_row() {
    for (width, height) in SIZES {
        let mut app = app_sized(width, height);
        assert!(app.follow);
        update(
            &mut app,
            ingest_action(
                "guardian",
                vec![fresh("n1", "2024-05-01T15:00:00Z", "Breaking: statement")],
                vec![],
            ),
        );
        assert_eq!(app.selected_entry().unwrap().item.id.0, "n1");
        let screen = draw_app(&app);
        assert_eq!(screen.selected_row(), 0);
        assert!(screen.rows[0].contains("15:00") && screen.rows[0].contains("Breaking"));
        assert!(screen.rows[1].contains(ORDER[0]), "the rest moved down");
        assert!(!screen.status().contains("new"), "{:?}", screen.status());
        assert!(
            screen.status().contains(" 13 entries"),
            "{:?}",
            screen.status()
        );
    }
}

#[test]
fn after_moving_down_new_entries_do_not_move_the_selected_entry() {
    new_entries_after_moving_down(long_app);
}

#[test]
fn after_moving_down_new_entries_do_not_move_the_selected_entry_in_a_short_list() {
    new_entries_after_moving_down(app_sized);
}

fn new_entries_after_moving_down(make: fn(u16, u16) -> App) {
    for (width, height) in SIZES {
        let mut app = make(width, height);
        for _ in 0..3 {
            press(&mut app, ch('j'));
        }
        let before = draw_app(&app);
        let row = before.selected_row();
        assert_eq!(row, 3);
        let selected_text = before.rows[row].clone();
        update(
            &mut app,
            ingest_action(
                "guardian",
                vec![
                    fresh("n2", "2024-05-01T15:01:00Z", "Second new"),
                    fresh("n1", "2024-05-01T15:00:00Z", "First new"),
                ],
                vec![],
            ),
        );
        assert_eq!(app.selected_entry().unwrap().item.id.0, "g2");
        let after = draw_app(&app);
        assert_eq!(after.selected_row(), row, "same screen row");
        assert_eq!(after.rows[row], selected_text, "same entry, same look");
        assert!(after.status().contains("↑ 2 new"), "{:?}", after.status());
        // Rows above the selection are unchanged too: nothing jumps under the reader.
        assert_eq!(before.body(), after.body());
        // Another arrival adds up.
        update(
            &mut app,
            ingest_action(
                "bbc",
                vec![entry("bbc", "n3", "2024-05-01T15:02:00Z", "Third new", "x")],
                vec![],
            ),
        );
        let again = draw_app(&app);
        assert_eq!(again.selected_row(), row);
        assert_eq!(again.rows[row], selected_text);
        assert!(again.status().contains("↑ 3 new"), "{:?}", again.status());
        // Going to the top clears the count and shows the newest.
        press(&mut app, ch('g'));
        let top = draw_app(&app);
        assert!(!top.status().contains("new"), "{:?}", top.status());
        assert!(top.rows[0].contains("Third new"));
    }
}

#[test]
fn with_follow_off_new_entries_do_not_move_the_selected_entry() {
    new_entries_with_follow_off(long_app);
}

#[test]
fn with_follow_off_new_entries_do_not_move_the_selected_entry_in_a_short_list() {
    new_entries_with_follow_off(app_sized);
}

fn new_entries_with_follow_off(make: fn(u16, u16) -> App) {
    for (width, height) in SIZES {
        let mut app = make(width, height);
        press(&mut app, ch('f'));
        assert!(!app.follow);
        let before = draw_app(&app);
        assert_eq!(before.selected_row(), 0);
        let selected_text = before.rows[0].clone();
        update(
            &mut app,
            ingest_action(
                "guardian",
                vec![fresh("n1", "2024-05-01T15:00:00Z", "First new")],
                vec![],
            ),
        );
        assert_eq!(app.selected_entry().unwrap().item.id.0, "g1");
        let after = draw_app(&app);
        assert_eq!(after.selected_row(), 0, "same screen row");
        assert_eq!(after.rows[0], selected_text, "same entry");
        assert!(after.status().contains("↑ 1 new"), "{:?}", after.status());
        // `f` turns follow back on and jumps to the newest.
        press(&mut app, ch('f'));
        assert!(app.follow);
        assert_eq!(app.selected_entry().unwrap().item.id.0, "n1");
        assert!(!draw_app(&app).status().contains("↑"));
    }
}

#[test]
fn in_the_detail_view_a_new_entry_does_not_change_what_is_shown() {
    for (width, height) in SIZES {
        for moves in [0, 3] {
            let mut app = app_sized(width, height);
            for _ in 0..moves {
                press(&mut app, ch('j'));
            }
            press(&mut app, key(KeyCode::Enter));
            let View::Detail { key: shown, .. } = app.view.clone() else {
                panic!("detail view expected");
            };
            let before = draw_app(&app);
            update(
                &mut app,
                ingest_action(
                    "guardian",
                    vec![fresh("n1", "2024-05-01T15:00:00Z", "First new")],
                    vec![],
                ),
            );
            assert!(
                matches!(&app.view, View::Detail { key, .. } if *key == shown),
                "{:?}",
                app.view
            );
            let after = draw_app(&app);
            assert_eq!(
                before.body(),
                after.body(),
                "detail view unchanged (moves={moves}, {width}x{height})"
            );
            assert!(!after.contains("First new"));
        }
    }
}

#[test]
fn an_edited_entry_updates_in_place_and_is_marked() {
    for (width, height) in SIZES {
        let mut app = app_sized(width, height);
        for _ in 0..3 {
            press(&mut app, ch('j'));
        }
        let before = draw_app(&app);
        let mut edited = entries().into_iter().find(|e| e.item.id.0 == "g2").unwrap();
        edited.item.title = "Drone strike near Kharkiv: two injured".to_string();
        edited.item.updated = Some(ts("2024-05-01T13:45:00Z"));
        edited.edited = true;
        update(&mut app, ingest_action("guardian", vec![], vec![edited]));
        assert_eq!(app.rows.len(), 12, "an edit is not a new entry");
        let after = draw_app(&app);
        assert_eq!(after.selected_row(), 3);
        let row = &after.rows[3];
        assert!(row.contains("two injured"), "new title in place: {row:?}");
        assert!(row.contains("(edited)"), "marked: {row:?}");
        assert!(
            row.contains("13:30"),
            "still sorted by publication: {row:?}"
        );
        assert!(!after.status().contains("new"), "{:?}", after.status());
        for y in [0, 1, 2, 4, 5] {
            assert_eq!(before.rows[y], after.rows[y], "other rows unchanged");
        }
        assert!(!after.contains("Drone strike reported near Kharkiv"));
        // The detail view says so too.
        press(&mut app, key(KeyCode::Enter));
        let detail = draw_app(&app);
        assert!(detail.contains("two injured"));
        assert!(detail.contains("edited"), "{}", detail.text());
    }
}

// ---------------------------------------------------------------------------
// Hostile text
// ---------------------------------------------------------------------------

const HOSTILE: &str = "\x1b]52;c;aGk=\x07copy \x1b[2Jclear \u{9b}31mcsi \x07bell \
     \u{202e}evil\u{202c} \x1b[31mred\x1b[0m \u{85}nel \x1b]0;title\x1b\\ \u{9d}8;;x\u{9c}";

fn assert_clean(screen: &Screen, what: &str) {
    for (index, cell) in screen.cells.iter().enumerate() {
        assert!(
            !cell.chars().any(is_hostile),
            "{what}: cell {index} holds {cell:?}:\n{}",
            screen.text()
        );
    }
}

#[test]
fn hostile_text_never_reaches_a_buffer_cell() {
    let hostile_source = format!("evil{HOSTILE}");
    let mut bad = entry(
        &hostile_source,
        "h1",
        "2024-05-01T15:00:00Z",
        HOSTILE,
        HOSTILE,
    );
    bad.item.author = Some(HOSTILE.to_string());
    bad.item.url = Some(format!("https://example.org/{HOSTILE}"));
    let mut untitled = entry("guardian", "h2", "2024-05-01T14:59:00Z", "", HOSTILE);
    untitled.edited = true;
    for (width, height) in SIZES {
        let state = SourceState {
            last_error: Some(format!("HTTP 500 {HOSTILE}")),
            ..SourceState::default()
        };
        let mut sources = sources();
        sources.push((SourceId(hostile_source.clone()), state));
        let mut app = App::new(
            sources,
            vec![bad.clone(), untitled.clone()],
            TimeZone::UTC,
            now(),
        );
        update(&mut app, Action::Resize { width, height });
        assert_clean(&draw_app(&app), "list");
        update(&mut app, Action::Notice(HOSTILE.to_string()));
        assert_clean(&draw_app(&app), "notice");
        update(&mut app, Action::Open);
        assert_clean(&draw_app(&app), "detail");
        update(&mut app, Action::Back);
        update(&mut app, Action::Down);
        update(&mut app, Action::Open);
        assert_clean(&draw_app(&app), "detail of an untitled entry");
        update(&mut app, Action::Back);
        update(&mut app, Action::ToggleSourcesPanel);
        assert_clean(&draw_app(&app), "sources panel");
        update(&mut app, Action::Back);
        update(&mut app, Action::ToggleHelp);
        assert_clean(&draw_app(&app), "help");
        update(&mut app, Action::ToggleHelp);
        update(&mut app, Action::StartFilter);
        for c in HOSTILE.chars() {
            update(&mut app, Action::FilterChar(c));
            assert_clean(&draw_app(&app), "filter input");
        }
        // A filter that matches nothing echoes the query in the empty list.
        update(&mut app, Action::FilterCancel);
        update(&mut app, Action::StartFilter);
        for c in format!("zzz{HOSTILE}").chars() {
            update(&mut app, Action::FilterChar(c));
        }
        assert_clean(&draw_app(&app), "no-match message");
    }
}

#[test]
fn hostile_error_of_a_failing_source_on_an_empty_list_is_not_drawn() {
    for (width, height) in SIZES {
        let state = SourceState {
            last_error: Some(format!("cannot connect {HOSTILE}")),
            ..SourceState::default()
        };
        let mut app = App::new(
            vec![(SourceId(format!("src{HOSTILE}")), state)],
            vec![],
            TimeZone::UTC,
            now(),
        );
        update(&mut app, Action::Resize { width, height });
        let screen = draw_app(&app);
        assert!(screen.contains("No entries yet"), "{}", screen.text());
        assert_clean(&screen, "empty list with a failing source");
    }
}

// ---------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------

fn action_name(action: &Option<Action>) -> String {
    match action {
        Some(action) => format!("{action:?}"),
        None => "None".to_string(),
    }
}

#[test]
fn default_keys_map_as_the_design_says() {
    let app = app_sized(80, 24);
    let cases: Vec<(KeyEvent, &str)> = vec![
        (ch('j'), "Down"),
        (key(KeyCode::Down), "Down"),
        (ch('k'), "Up"),
        (key(KeyCode::Up), "Up"),
        (ch('g'), "Top"),
        (ch('G'), "Bottom"),
        (key(KeyCode::Char('G')), "Bottom"),
        (key(KeyCode::Enter), "Open"),
        (key(KeyCode::Esc), "Back"),
        (ch('/'), "StartFilter"),
        (ch('s'), "ToggleSourcesPanel"),
        (ch('f'), "ToggleFollow"),
        (ch('r'), "Refresh"),
        (ch('y'), "CopyLink"),
        (ch('o'), "OpenLink"),
        (ch('?'), "ToggleHelp"),
        (key(KeyCode::Char('?')), "ToggleHelp"),
        (ch('q'), "Quit"),
        (
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            "Quit",
        ),
    ];
    for (event, expected) in cases {
        let got = action_name(&action_for_key(&app, event));
        assert_eq!(got, expected, "{event:?}");
    }
    // In the sources panel, space toggles the selected source.
    let mut app = app_sized(80, 24);
    update(&mut app, Action::ToggleSourcesPanel);
    assert_eq!(action_name(&action_for_key(&app, ch(' '))), "ToggleSource");
    // While typing a filter, letters are text, not commands.
    let mut app = app_sized(80, 24);
    update(&mut app, Action::StartFilter);
    for c in ['q', 'j', 's', '?', 'G', '/'] {
        assert_eq!(
            action_name(&action_for_key(&app, ch(c))),
            format!("FilterChar({c:?})")
        );
    }
    assert_eq!(
        action_name(&action_for_key(&app, key(KeyCode::Enter))),
        "FilterAccept"
    );
    assert_eq!(
        action_name(&action_for_key(&app, key(KeyCode::Esc))),
        "FilterCancel"
    );
    // Key releases do nothing.
    let mut release = ch('q');
    release.kind = KeyEventKind::Release;
    assert!(action_for_key(&app_sized(80, 24), release).is_none());
}

/// A window made taller at the bottom of the list fills with rows: none left blank below
/// the last while rows are hidden above (only `g` used to bring them back).
#[test]
fn a_taller_window_at_the_bottom_fills_with_rows() {
    let mut app = long_app(80, 24);
    let len = app.visible.len();
    press(&mut app, ch('G'));
    assert_eq!(app.selected, len - 1);
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 60,
        },
    );
    // 72 rows, about 58 of them on screen: the first shown is at most the 22nd.
    assert!(
        app.offset <= len.saturating_sub(50),
        "no blank rows: offset {}",
        app.offset
    );
    let screen = draw_app(&app);
    let last_title = "Older item 59";
    assert!(
        screen
            .body()
            .iter()
            .rev()
            .take(3)
            .any(|row| row.contains(last_title)),
        "the last row at the bottom of the window: {}",
        screen.text()
    );
    assert_eq!(app.selected, len - 1, "the selection stays");

    // At the bottom again after the list grew shorter than the window: all of it shows.
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 200,
        },
    );
    press(&mut app, ch('G'));
    assert_eq!(app.offset, 0);
}

/// The filter's line edits where its cursor is: `←` `→` `Home` `End` (`ctrl-a`
/// `ctrl-e`) move it, typing, pasting, `Backspace`, `Delete`, `ctrl-w` and `ctrl-u` work
/// there, and the list follows the text.
#[test]
fn the_filter_line_edits_at_its_cursor() {
    let mut app = app_sized(80, 24);
    let ctrl = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    press(&mut app, ch('/'));
    type_text(&mut app, "storm");
    press(&mut app, key(KeyCode::Left));
    press(&mut app, key(KeyCode::Left));
    type_text(&mut app, "X");
    assert_eq!(app.filter.input, "stoXrm");
    assert!(
        draw_app(&app).status().contains("/stoX▏rm "),
        "{}",
        draw_app(&app).status()
    );
    press(&mut app, key(KeyCode::Home));
    type_text(&mut app, "Ü ");
    assert_eq!(app.filter.input, "Ü stoXrm");
    press(&mut app, key(KeyCode::Left));
    press(&mut app, key(KeyCode::Left));
    press(&mut app, key(KeyCode::Delete));
    assert_eq!(
        app.filter.input, " stoXrm",
        "Delete takes the character at the cursor"
    );
    press(&mut app, ctrl('e'));
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(app.filter.input, " stoXr");
    press(&mut app, key(KeyCode::Right));
    type_text(&mut app, " kyiv");
    press(&mut app, ctrl('a'));
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Right));
    if let Some(action) = action_for_paste(&app, "ceasefire ") {
        update(&mut app, action);
    }
    assert_eq!(app.filter.input, " stceasefire oXr kyiv");
    press(&mut app, ctrl('w'));
    assert_eq!(
        app.filter.input, " oXr kyiv",
        "ctrl-w takes the word before the cursor"
    );
    press(&mut app, ctrl('u'));
    assert_eq!(
        app.filter.input, "oXr kyiv",
        "ctrl-u takes what is before the cursor"
    );
    // A space of several bytes (pasted from a page) before the word: no panic.
    press(&mut app, ctrl('e'));
    if let Some(action) = action_for_paste(&app, "\u{a0}peace\u{3000}deal") {
        update(&mut app, action);
    }
    press(&mut app, ctrl('w'));
    assert_eq!(app.filter.input, "oXr kyiv\u{a0}peace\u{3000}");
    press(&mut app, ctrl('w'));
    assert_eq!(app.filter.input, "oXr kyiv\u{a0}");
    // Home, Enter, then `/` again: typing goes on at the end.
    press(&mut app, key(KeyCode::Home));
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ch('/'));
    type_text(&mut app, "x");
    assert_eq!(app.filter.input, "oXr kyiv\u{a0}x");
    press(&mut app, ctrl('e'));
    press(&mut app, ctrl('u'));
    assert!(app.filter.input.is_empty());

    // The list follows the text whatever the cursor did.
    type_text(&mut app, "ceasefire");
    let narrowed = app.visible.len();
    press(&mut app, key(KeyCode::Home));
    type_text(&mut app, "zzzz ");
    assert_eq!(app.filter.input, "zzzz ceasefire");
    assert_eq!(app.visible.len(), 0);
    press(&mut app, key(KeyCode::Home));
    for _ in 0..5 {
        press(&mut app, key(KeyCode::Delete));
    }
    assert_eq!(app.filter.input, "ceasefire");
    assert_eq!(app.visible.len(), narrowed);
    press(&mut app, key(KeyCode::Enter));
    assert!(!app.filter.editing);
}

/// Pasted text (bracketed paste) is text: into the filter or the URL being typed, as
/// one line; ignored in the list. A line break in it neither applies the filter nor
/// lets the rest run as commands (`m` marking read, `a` asking for a page, `q`).
#[test]
fn pasted_text_is_typed_never_run_as_keys() {
    let mut app = app_sized(80, 24);
    let shown = app.visible.len();
    assert!(
        action_for_paste(&app, "q").is_none(),
        "a paste in the list does nothing"
    );

    press(&mut app, ch('/'));
    let paste = action_for_paste(&app, "cease\r\nfire\tq\u{1b}[2J\r\n");
    assert_eq!(action_name(&paste), "FilterPaste(\"cease fire q[2J\")");
    if let Some(action) = paste {
        update(&mut app, action);
    }
    assert!(app.filter.editing, "still typing the filter");
    assert_eq!(app.filter.input, "cease fire q[2J");
    assert!(
        app.prompt.is_none() && !app.quit,
        "nothing in the paste ran"
    );
    press(
        &mut app,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
    );
    assert!(app.filter.editing && app.filter.input.is_empty());
    assert_eq!(app.visible.len(), shown);
    press(&mut app, key(KeyCode::Esc));

    press(&mut app, ch('a'));
    let paste = action_for_paste(&app, "https://example.org/live\n");
    assert_eq!(
        action_name(&paste),
        "PromptPaste(\"https://example.org/live\")"
    );
    if let Some(action) = paste {
        update(&mut app, action);
    }
    assert_eq!(
        app.prompt,
        Some(Prompt::AddSource("https://example.org/live".to_string()))
    );
    press(
        &mut app,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
    );
    assert_eq!(
        app.prompt,
        Some(Prompt::AddSource(String::new())),
        "cleared, still asking"
    );
}

#[test]
fn effects_of_refresh_copy_and_open() {
    let mut app = app_sized(80, 24);
    assert_eq!(press(&mut app, ch('r')), vec![Effect::Refresh(None)]);
    assert_eq!(
        press(&mut app, ch('y')),
        vec![Effect::CopyLink("https://example.org/live#g1".into())]
    );
    assert_eq!(
        press(&mut app, ch('o')),
        vec![Effect::OpenLink("https://example.org/live#g1".into())]
    );
    assert_eq!(press(&mut app, ch('q')), vec![Effect::Quit]);
    assert!(app.quit);
}

fn strange_keys() -> Vec<KeyEvent> {
    let ctrl_alt = KeyModifiers::CONTROL | KeyModifiers::ALT;
    let mut keys = vec![
        key(KeyCode::F(13)),
        key(KeyCode::F(255)),
        KeyEvent::new(KeyCode::Char('x'), ctrl_alt),
        KeyEvent::new(KeyCode::Char('\0'), KeyModifiers::NONE),
        KeyEvent::new(KeyCode::Char('\0'), KeyModifiers::CONTROL),
        key(KeyCode::Null),
        key(KeyCode::Char('\u{1b}')),
        key(KeyCode::Char('\u{9b}')),
        key(KeyCode::Char('\u{7f}')),
        key(KeyCode::Char('\u{202e}')),
        key(KeyCode::CapsLock),
        key(KeyCode::Insert),
        key(KeyCode::Delete),
        key(KeyCode::BackTab),
        key(KeyCode::Menu),
        key(KeyCode::KeypadBegin),
        key(KeyCode::Media(MediaKeyCode::Play)),
        key(KeyCode::Modifier(ModifierKeyCode::LeftHyper)),
        KeyEvent::new(KeyCode::Char('x'), KeyModifiers::all()),
        KeyEvent::new(KeyCode::F(13), KeyModifiers::all()),
    ];
    let mut repeat = key(KeyCode::F(13));
    repeat.kind = KeyEventKind::Repeat;
    keys.push(repeat);
    keys
}

#[test]
fn strange_keys_do_nothing_harmful_and_never_panic() {
    for event in strange_keys() {
        // In every mode: list, filter, sources, help, detail.
        for mode in 0..5 {
            let mut app = app_sized(80, 24);
            match mode {
                1 => drop(update(&mut app, Action::StartFilter)),
                2 => drop(update(&mut app, Action::ToggleSourcesPanel)),
                3 => drop(update(&mut app, Action::ToggleHelp)),
                4 => drop(update(&mut app, Action::Open)),
                _ => {}
            }
            let action = action_for_key(&app, event);
            let harmful = matches!(
                action,
                Some(
                    Action::Quit
                        | Action::Refresh
                        | Action::CopyLink
                        | Action::OpenLink
                        | Action::ToggleSource
                )
            );
            assert!(!harmful, "{event:?} in mode {mode} gave {action:?}");
            if let Some(action) = action {
                let effects = update(&mut app, action);
                assert!(
                    effects.iter().all(|e| matches!(e, Effect::MarkRead(..))),
                    "{event:?} in mode {mode}: {effects:?}"
                );
            }
            assert!(!app.quit);
            assert_clean(&draw_app(&app), "after a strange key");
        }
    }
}

// ---------------------------------------------------------------------------
// Any key sequence, any arrival, any size: no panic, consistent state, clean screen
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Step {
    Key(KeyEvent),
    Arrive(u8),
    Edit(u8),
    Resize(u16, u16),
}

fn step() -> impl Strategy<Value = Step> {
    let chars = prop::sample::select(vec![
        'j', 'k', 'g', 'G', 'f', 's', ' ', '/', '?', 'h', 'l', 'a', '"', '-', ':', '(', ')', 'x',
        '\u{1b}', 'é',
    ]);
    let codes = prop::sample::select(vec![
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Backspace,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::F(13),
    ]);
    prop_oneof![
        4 => chars.prop_map(|c| Step::Key(key(KeyCode::Char(c)))),
        3 => codes.prop_map(|code| Step::Key(key(code))),
        1 => any::<u8>().prop_map(Step::Arrive),
        1 => any::<u8>().prop_map(Step::Edit),
        1 => (1u16..140, 1u16..50).prop_map(|(w, h)| Step::Resize(w, h)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_sequence_keeps_the_state_consistent(steps in prop::collection::vec(step(), 1..60)) {
        let mut app = App::new(sources(), entries(), TimeZone::UTC, now());
        let mut next = 0u32;
        for step in steps {
            match step {
                Step::Key(event) => {
                    if let Some(action) = action_for_key(&app, event) {
                        if matches!(action, Action::Quit) {
                            continue;
                        }
                        update(&mut app, action);
                    }
                }
                Step::Arrive(minute) => {
                    next += 1;
                    let time = format!("2024-05-01T{:02}:{:02}:00Z", 10 + minute / 60 % 8, minute % 60);
                    let title = format!("Arrival {next} {HOSTILE}");
                    update(&mut app, ingest_action("bbc", vec![entry("bbc", &format!("n{next}"), &time, &title, HOSTILE)], vec![]));
                }
                Step::Edit(index) => {
                    let all = entries();
                    let mut edited = all[usize::from(index) % all.len()].clone();
                    edited.item.text = format!("edited {index}");
                    edited.edited = true;
                    let source = edited.source.0.clone();
                    update(&mut app, ingest_action(&source, vec![], vec![edited]));
                }
                Step::Resize(width, height) => {
                    update(&mut app, Action::Resize { width, height });
                }
            }
            let len = app.visible.len();
            prop_assert!(len == 0 || app.selected < len, "selected {} of {}", app.selected, len);
            prop_assert!(app.offset <= app.selected);
            prop_assert!(app.selected - app.offset < app.list_height().max(1));
            let screen = draw_app(&app);
            prop_assert!(!screen.cells.iter().any(|cell| cell.chars().any(is_hostile)));
        }
    }
}

#[test]
fn a_since_filter_follows_the_clock() {
    let mut app = app_sized(80, 24);
    update(&mut app, Action::StartFilter);
    for c in "since:2h".chars() {
        update(&mut app, Action::FilterChar(c));
    }
    assert!(app.filter.error.is_none(), "{:?}", app.filter.error);
    assert!(app.visible.is_empty(), "now is 18:00: nothing since 16:00");
    let screen = draw_app(&app);
    assert!(screen.contains("No entries match"), "{}", screen.text());
    update(&mut app, Action::Tick(ts("2024-05-01T15:00:00Z")));
    assert_eq!(
        draw_app(&app).list_titles(&ORDER),
        ORDER[..5].to_vec(),
        "since 13:00 once the clock says 15:00"
    );
}

#[test]
fn new_entries_hidden_by_the_filter_are_not_shown_or_counted() {
    for (width, height) in SIZES {
        let mut app = long_app(width, height);
        update(&mut app, Action::StartFilter);
        for c in "talks".chars() {
            update(&mut app, Action::FilterChar(c));
        }
        update(&mut app, Action::FilterAccept);
        update(&mut app, Action::Down);
        let before = draw_app(&app);
        update(
            &mut app,
            ingest_action(
                "guardian",
                vec![fresh("n1", "2024-05-01T15:00:00Z", "Unrelated arrival")],
                vec![],
            ),
        );
        let after = draw_app(&app);
        assert!(!after.contains("Unrelated arrival"));
        assert!(!after.status().contains("new"), "{:?}", after.status());
        assert_eq!(before.body(), after.body());
        // A matching arrival is counted.
        update(
            &mut app,
            ingest_action(
                "guardian",
                vec![fresh("n2", "2024-05-01T15:01:00Z", "Talks adjourned")],
                vec![],
            ),
        );
        let after = draw_app(&app);
        assert!(after.status().contains("↑ 1 new"), "{:?}", after.status());
        assert_eq!(
            app.selected_entry().unwrap().item.id.0,
            "g2",
            "talks: g1, g2 (body), b2"
        );
    }
}

#[test]
fn wide_and_combining_titles_keep_rows_within_the_width() {
    let titles = [
        "東京で大規模な停電、数十万世帯に影響 東京で大規模な停電、数十万世帯に影響 東京で大規模な停電",
        "Zoë’s café: naïve résumé 🎉🎉🎉 with emoji and e\u{301} combining marks repeated many times over",
        "שלום עולם مرحبا بالعالم mixed right-to-left text that is long enough to be cut at the edge",
    ];
    let all: Vec<Entry> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| {
            entry(
                "東京ニュース",
                &format!("w{i}"),
                &format!("2024-05-01T1{i}:00:00Z"),
                title,
                title,
            )
        })
        .collect();
    for (width, height) in SIZES.into_iter().chain([(20, 5), (1, 1), (3, 2)]) {
        let mut app = App::new(sources(), all.clone(), TimeZone::UTC, now());
        update(&mut app, Action::Resize { width, height });
        let screen = draw_app(&app);
        for row in &screen.rows {
            assert!(
                row.width() <= usize::from(width),
                "{width}x{height}: {row:?}"
            );
        }
        update(&mut app, Action::Open);
        let screen = draw_app(&app);
        for row in &screen.rows {
            assert!(row.width() <= usize::from(width), "{row:?}");
        }
    }
}

#[test]
fn older_entries_loaded_after_the_first_frame_move_nothing() {
    let mut app = App::new(sources(), entries()[..6].to_vec(), TimeZone::UTC, now());
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    update(&mut app, Action::Down);
    update(&mut app, Action::Down);
    let selected = app.selected_entry().unwrap().item.id.clone();
    let before = draw_app(&app);
    let older: Vec<liveblog::reader::app::Row> = entries()[6..]
        .iter()
        .cloned()
        .map(liveblog::reader::app::Row::new)
        .collect();
    // A duplicate of an entry already shown is ignored.
    let mut with_duplicate = older.clone();
    with_duplicate.push(liveblog::reader::app::Row::new(entries()[0].clone()));
    update(&mut app, Action::Backfill(with_duplicate));
    assert_eq!(app.rows.len(), entries().len());
    assert_eq!(app.selected_entry().unwrap().item.id, selected);
    assert_eq!(app.new_above, 0, "older entries are not new");
    let after = draw_app(&app);
    assert_eq!(before.selected_row(), after.selected_row());
    assert_eq!(before.rows[..3], after.rows[..3]);
}

#[test]
fn saved_filters_without_any_say_how_to_add_one() {
    let mut app = app_sized(80, 24);
    assert!(app.saved_filters.is_empty());
    update(&mut app, Action::ToggleSavedFilters);
    assert_eq!(app.view, View::List);
    let notice = app.notice.clone().unwrap_or_default();
    assert!(notice.contains("[filters]"), "{notice}");
    assert!(
        notice.chars().count() <= 70,
        "fits the status line at 80 columns: {notice}"
    );
}

#[test]
fn entries_from_other_months_and_years_show_the_month_and_the_year() {
    let source = sources()[0].0.0.clone();
    let old = vec![
        entry(
            &source,
            "recent",
            "2024-05-01T09:00:00Z",
            "From this morning",
            "a",
        ),
        entry(&source, "spring", "2024-03-15T09:00:00Z", "From March", "b"),
        entry(
            &source,
            "years",
            "2019-07-18T09:00:00Z",
            "From long ago",
            "c",
        ),
    ];
    for (width, height) in SIZES {
        let mut app = App::new(sources(), old.clone(), TimeZone::UTC, now());
        update(&mut app, Action::Resize { width, height });
        let screen = draw_app(&app).text();
        assert!(screen.contains("15 Mar 09:00"), "{screen}");
        assert!(screen.contains("18 Jul 2019"), "{screen}");
        assert!(!screen.contains("Mon 01 "), "{screen}");
    }
}

#[test]
fn digits_in_an_entry_open_its_numbered_links_and_only_web_links_leave() {
    let source = sources()[0].0.0.clone();
    let mut with_links = entry(
        &source,
        "l",
        "2024-05-01T17:00:00Z",
        "Links",
        "See the map.",
    );
    with_links.item.html = Some(
        "<p>See <a href=\"https://example.org/map\">the map</a> and \
         <a href=\"https://example.org/list\">the list</a>.</p>"
            .to_string(),
    );
    let mut odd = entry(&source, "j", "2024-05-01T16:00:00Z", "Odd link", "Text.");
    odd.item.url = Some("javascript:alert(1)".to_string());
    let mut app = App::new(sources(), vec![with_links, odd], TimeZone::UTC, now());
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    update(&mut app, Action::Open);
    let press = |app: &App, c: char| {
        action_for_key(app, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    };
    let two = press(&app, '2').expect("a digit in an entry is an action");
    assert_eq!(
        update(&mut app, two),
        vec![Effect::OpenLink("https://example.org/list".to_string())]
    );
    let nine = press(&app, '9').expect("action");
    assert!(update(&mut app, nine).is_empty());
    assert!(
        app.notice.as_deref().unwrap_or("").contains("1 to 2"),
        "{:?}",
        app.notice
    );
    // The next entry's own link is no web link: neither opened nor copied.
    update(&mut app, Action::NextEntry);
    assert!(update(&mut app, Action::OpenLink).is_empty());
    assert!(update(&mut app, Action::CopyLink).is_empty());
    assert!(
        app.notice
            .as_deref()
            .unwrap_or("")
            .contains("not a web link"),
        "{:?}",
        app.notice
    );
}

#[test]
fn u_toggles_the_read_state_of_one_entry() {
    let mut app = app_sized(80, 24);
    update(&mut app, Action::Open);
    let key = match &app.view {
        View::Detail { key, .. } => key.clone(),
        other => panic!("{other:?}"),
    };
    assert!(app.find(&key).expect("open").read, "opening reads it");
    let press = action_for_key(&app, KeyEvent::new(KeyCode::Char('U'), KeyModifiers::SHIFT));
    assert!(matches!(press, Some(Action::ToggleRead)), "{press:?}");
    let unread_before = app.sources.iter().map(|s| s.unread).sum::<usize>();
    assert_eq!(
        update(&mut app, Action::ToggleRead),
        vec![Effect::MarkUnread(key.0.clone(), key.1.clone())]
    );
    assert!(!app.find(&key).expect("entry").read);
    assert_eq!(
        app.sources.iter().map(|s| s.unread).sum::<usize>(),
        unread_before + 1
    );
    update(&mut app, Action::Back);
    assert_eq!(
        update(&mut app, Action::ToggleRead),
        vec![Effect::MarkRead(key.0.clone(), key.1.clone())]
    );
    assert!(app.find(&key).expect("entry").read);
}

/// An entry's own link of any scheme but http(s) is shown as text only: never written
/// as an OSC 8 hyperlink, copied by `y` or opened by `o`, from the list or the entry.
/// A web link (in any case) still is all three.
#[test]
fn an_entry_link_of_another_scheme_is_text_only() {
    let source = sources()[0].0.0.clone();
    let odd = [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "ssh://example.org",
        "vscode://file/etc/hosts",
        " JavaScript:alert(2)",
    ];
    for url in odd {
        let mut one = entry(&source, "x", "2024-05-01T17:00:00Z", "Odd link", "Text.");
        one.item.url = Some(url.to_string());
        let mut app = App::new(sources(), vec![one], TimeZone::UTC, now());
        update(
            &mut app,
            Action::Resize {
                width: 100,
                height: 30,
            },
        );
        assert!(update(&mut app, Action::CopyLink).is_empty(), "{url}");
        assert!(update(&mut app, Action::OpenLink).is_empty(), "{url}");
        update(&mut app, Action::Open);
        assert!(
            liveblog::reader::ui::hyperlinks(&app).is_empty(),
            "{url} became a hyperlink"
        );
        assert!(update(&mut app, Action::CopyLink).is_empty(), "{url}");
        assert!(update(&mut app, Action::OpenLink).is_empty(), "{url}");
        // Still shown, as text.
        let shown = draw_app(&app).text();
        let visible = url.trim().split(['<', ',']).next().unwrap_or(url);
        assert!(shown.contains(visible), "{url} not shown:\n{shown}");
    }
    let mut web = entry(&source, "w", "2024-05-01T17:00:00Z", "Web link", "Text.");
    web.item.url = Some("HTTPS://example.org/live".to_string());
    let mut app = App::new(sources(), vec![web], TimeZone::UTC, now());
    update(
        &mut app,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
    update(&mut app, Action::Open);
    assert_eq!(liveblog::reader::ui::hyperlinks(&app).len(), 1);
    assert_eq!(
        update(&mut app, Action::OpenLink),
        vec![Effect::OpenLink("HTTPS://example.org/live".to_string())]
    );
}

/// An entry dated ten years ahead sorts where it was first seen, not at the top, and
/// shows its own date with the year (never "just now"); dates of 1900 and 1969 show
/// their month and year.
#[test]
fn far_dates_sort_where_first_seen_and_show_their_year() {
    let source = sources()[0].0.0.clone();
    let mut ahead = entry(
        &source,
        "ahead",
        "2034-05-01T12:00:00Z",
        "Dated ten years ahead",
        "a",
    );
    ahead.first_seen = ts("2024-05-01T16:30:00Z");
    let entries = vec![
        entry(&source, "new", "2024-05-01T17:30:00Z", "Newest real", "b"),
        ahead,
        entry(&source, "older", "2024-05-01T15:00:00Z", "Older real", "c"),
        entry(
            &source,
            "epoch",
            "1969-12-31T23:59:00Z",
            "Before the epoch",
            "d",
        ),
        entry(&source, "old", "1900-01-01T08:00:00Z", "Long ago", "e"),
    ];
    for (width, height) in SIZES {
        let mut app = App::new(sources(), entries.clone(), TimeZone::UTC, now());
        update(&mut app, Action::Resize { width, height });
        let screen = draw_app(&app);
        let order = [
            "Newest real",
            "Dated ten years ahead",
            "Older real",
            "Before the epoch",
            "Long ago",
        ];
        assert_eq!(
            screen.list_titles(&order),
            vec![
                "Newest real",
                "Dated ten years ahead",
                "Older real",
                "Before the epoch",
                "Long ago"
            ]
        );
        let text = screen.text();
        assert!(text.contains("01 May 2034"), "{text}");
        assert!(text.contains("31 Dec 1969"), "{text}");
        assert!(text.contains("01 Jan 1900"), "{text}");
        assert!(!text.contains("Mon 01 "), "{text}");
        update(&mut app, Action::Down);
        update(&mut app, Action::Open);
        let detail = draw_app(&app).text();
        assert!(detail.contains("01 May 2034 12:00"), "{detail}");
        assert!(!detail.contains("just now"), "{detail}");
    }
}
