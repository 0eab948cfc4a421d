//! At 80x24 (and 120x40): what does not fit is shortened where it may be, never cut
//! inside a word or a badge. A long headline gives way to its badges, the status line
//! gives way part by part and keeps the notice, the sources panel cuts at a word.

mod common;

use common::reader::plain_entry;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, SourceId};
use liveblog::reader::app::{Action, App, CursorMove, update};
use liveblog::store::SourceState;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

const LONG_TITLE: &str = "Storm Mireille makes landfall near Port Ébène as officials order the \
     evacuation of the whole coastal district and the airport closes until further notice";

const CJK_TITLE: &str = "東京で大規模な停電、数十万世帯に影響。東京電力は復旧の見通しは立っていないと発表、\
     首都圏の鉄道も運転を見合わせ";

const EMOJI_TITLE: &str = "🌀🌀 Hurricane 👨\u{200D}👩\u{200D}👧 families shelter 🇫🇷🇫🇷 as winds reach \
     200km/h 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 e\u{301}e\u{301}e\u{301} and more";

const PATH_NOTICE: &str = "cannot copy /home/reader/.local/share/liveblog/exports/2026/november/\
     storm-mireille-live.txt: Permission denied (os error 13)";

const SOURCE_ERROR: &str = "error sending request for url \
     (https://news.example/live/storm-mireille/updates.json): client error (Connect): tcp \
     connect error: Connection refused (os error 111)";

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn entry(source: &str, id: &str, time: &str, title: &str) -> Entry {
    let mut entry = plain_entry(source, id, at(time), title, "Body.");
    entry.item.url = Some(format!("https://news.example/live#{id}"));
    entry
}

fn source(name: &str, error: Option<&str>) -> (SourceId, SourceState) {
    (
        SourceId(name.to_string()),
        SourceState {
            last_success: error.is_none().then(|| at("2026-11-21T17:59:00Z")),
            last_error: error.map(str::to_string),
            ..Default::default()
        },
    )
}

/// The rows: a long title with `[key event]` and `(edited)`, CJK and emoji titles
/// with badges, a removed pinned entry, a short one.
fn app(width: u16, height: u16, error: Option<&str>) -> App {
    let mut entries = vec![
        entry("Storm live", "s1", "2026-11-21T17:58:00Z", LONG_TITLE),
        entry("Storm live", "s2", "2026-11-21T17:50:00Z", CJK_TITLE),
        entry("Tokyo", "t1", "2026-11-21T17:40:00Z", EMOJI_TITLE),
        entry("Storm live", "s3", "2026-11-21T17:30:00Z", LONG_TITLE),
        entry(
            "Storm live",
            "s4",
            "2026-11-21T17:20:00Z",
            "Short and sweet",
        ),
    ];
    entries[0].item.flags.key_event = true;
    entries[0].edited = true;
    entries[1].item.flags.summary = true;
    entries[1].edited = true;
    entries[2].item.flags.pinned = true;
    entries[3].item.flags.pinned = true;
    entries[3].edited = true;
    entries[3].removed = true;
    entries[4].edited = true;
    let sources = vec![source("Storm live", None), source("Tokyo", error)];
    let mut app = App::new(sources, entries, TimeZone::UTC, at("2026-11-21T18:00:00Z"));
    update(&mut app, Action::Resize { width, height });
    app
}

fn rows(app: &App) -> Vec<String> {
    let (width, height) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                row.push_str(symbol);
                skip = symbol.width().saturating_sub(1);
            }
            assert!(row.width() <= usize::from(width), "{row:?}");
            row
        })
        .collect()
}

fn row_with<'a>(rows: &'a [String], needle: &str) -> &'a str {
    rows.iter()
        .find(|row| row.contains(needle))
        .unwrap_or_else(|| panic!("no row shows {needle:?}:\n{}", rows.join("\n")))
}

/// Every word shown is a whole word of `original` (or of the status line's own
/// words), or a start of one ending with `…`.
fn assert_no_word_cut(shown: &str, original: &str) {
    let words: Vec<&str> = original.split_whitespace().collect();
    for word in shown.split_whitespace() {
        let whole = words.contains(&word);
        let shortened = word.strip_suffix('…').is_some_and(|start| {
            start.is_empty() || words.iter().any(|whole| whole.starts_with(start))
        });
        let path = word.contains("/…/");
        assert!(
            whole || shortened || path,
            "{word:?} is cut in {shown:?}\n(from {original:?})"
        );
    }
}

#[test]
fn a_long_title_gives_way_to_its_badges() {
    for (width, height) in SIZES {
        let rows = rows(&app(width, height, None));
        let row = row_with(&rows, "Storm Mireille").trim_end();
        assert!(
            row.ends_with("… [key event] (edited)"),
            "{width}x{height}: {row:?}"
        );
        assert_no_word_cut(
            row,
            &format!("• {LONG_TITLE} 2m 17:58 Storm live [key event] (edited)"),
        );
        let short = row_with(&rows, "Short and sweet").trim_end();
        assert!(short.ends_with("Short and sweet (edited)"), "{short:?}");
    }
}

#[test]
fn cjk_and_emoji_titles_are_shortened_by_width_and_keep_their_badges() {
    for (width, height) in SIZES {
        let rows = rows(&app(width, height, None));
        let cjk = row_with(&rows, "東京で").trim_end();
        assert!(cjk.ends_with("… [summary] (edited)"), "{width}: {cjk:?}");
        let emoji = row_with(&rows, "Hurricane").trim_end();
        assert!(emoji.ends_with("… [pinned]"), "{width}: {emoji:?}");
        // A joined emoji is whole or gone, never split at its joiner.
        assert!(!emoji.contains("\u{200D}…"), "{emoji:?}");
    }
}

#[test]
fn a_removed_entry_keeps_its_mark_when_badges_do_not_fit() {
    let rows = rows(&app(80, 24, None));
    let row = rows
        .iter()
        .find(|row| row.contains("removed"))
        .expect("removed row");
    let row = row.trim_end();
    assert!(
        row.ends_with(" (removed)") || row.ends_with(" (removed by the source)"),
        "{row:?}"
    );
    for badge in ["[pinned]", "(edited)"] {
        // Whole or not there.
        let start = &badge[..3];
        assert!(!row.contains(start) || row.contains(badge), "{row:?}");
    }
    let rows_wide = rows_at(120, 40);
    let wide = rows_wide
        .iter()
        .find(|row| row.contains("removed"))
        .expect("removed row");
    assert!(
        wide.trim_end()
            .ends_with("… [pinned] (edited) (removed by the source)")
            || wide
                .trim_end()
                .ends_with("[pinned] (removed by the source)"),
        "{wide:?}"
    );
}

fn rows_at(width: u16, height: u16) -> Vec<String> {
    rows(&app(width, height, None))
}

fn status_of(app: &App) -> String {
    rows(app).last().cloned().unwrap_or_default()
}

#[test]
fn a_long_notice_keeps_its_start_and_no_word_is_cut() {
    for (width, height) in SIZES {
        let mut app = app(width, height, None);
        update(&mut app, Action::Notice(PATH_NOTICE.to_string()));
        let status = status_of(&app);
        assert!(status.contains("cannot copy /home/"), "{width}: {status:?}");
        assert_no_word_cut(
            &status,
            &format!("{PATH_NOTICE} 5 entries · following ? help"),
        );
        assert!(status.trim_end().width() <= usize::from(width));
    }
    // At 80 columns the path gives up its middle, and the reason stays.
    let mut app = app(80, 24, None);
    update(&mut app, Action::Notice(PATH_NOTICE.to_string()));
    let status = status_of(&app);
    assert!(status.contains("/…/"), "{status:?}");
    assert!(status.contains("Permission denied"), "{status:?}");
}

/// A notice longer than the status line is also shown whole just above it, wrapped,
/// until the next key.
#[test]
fn a_long_notice_can_be_read_whole_until_the_next_key() {
    for (width, height) in SIZES {
        let mut app = app(width, height, None);
        update(&mut app, Action::Notice(PATH_NOTICE.to_string()));
        let screen = rows(&app);
        let above: Vec<&str> = screen
            .iter()
            .rev()
            .skip(1)
            .take(4)
            .map(|row| row.trim())
            .collect();
        // Compared without spaces: lines break between words, and inside a path
        // longer than a line.
        let whole: String = above.into_iter().rev().collect::<String>().replace(' ', "");
        assert!(
            whole.contains(&PATH_NOTICE.replace(' ', "")),
            "{width}: {screen:#?}"
        );
        update(&mut app, Action::Down);
        assert!(
            !rows(&app).join("\n").contains("os error 13"),
            "gone with the next key"
        );
    }
    // A short notice stays in the status line alone.
    let mut app = app(120, 40, None);
    update(&mut app, Action::Notice("copied".to_string()));
    let screen = rows(&app);
    assert_eq!(
        screen.iter().filter(|row| row.contains("copied")).count(),
        1
    );
}

#[test]
fn a_long_source_error_is_cut_at_a_word_and_help_goes_first() {
    for (width, height) in SIZES {
        let app = app(width, height, Some(SOURCE_ERROR));
        let status = status_of(&app);
        assert!(
            status.contains("✗ Tokyo: error sending"),
            "{width}: {status:?}"
        );
        assert!(!status.contains("? help"), "{status:?}");
        assert_no_word_cut(
            &status,
            &format!("{SOURCE_ERROR} 5 entries · following ✗ Tokyo:"),
        );
    }
}

#[test]
fn a_notice_and_a_source_error_together_the_notice_wins() {
    for (width, height) in SIZES {
        let mut app = app(width, height, Some(SOURCE_ERROR));
        update(&mut app, Action::Notice(PATH_NOTICE.to_string()));
        let status = status_of(&app);
        assert!(status.contains("cannot copy /home/"), "{width}: {status:?}");
        assert!(status.contains("Permission denied"), "{width}: {status:?}");
        assert_no_word_cut(
            &status,
            &format!("{PATH_NOTICE} {SOURCE_ERROR} 5 entries · following ✗ Tokyo Tokyo: failing"),
        );
    }
    // A short notice leaves room for the error's start.
    let mut app = app(80, 24, Some(SOURCE_ERROR));
    update(&mut app, Action::Notice("copied the link".to_string()));
    let status = status_of(&app);
    assert!(status.contains("copied the link"), "{status:?}");
    assert!(status.contains("✗ Tokyo"), "{status:?}");
    assert_no_word_cut(
        &status,
        &format!("copied the link {SOURCE_ERROR} 5 entries · following ✗ Tokyo Tokyo: failing"),
    );
}

#[test]
fn a_long_filter_keeps_what_is_being_typed() {
    let mut app = app(80, 24, Some(SOURCE_ERROR));
    update(&mut app, Action::StartFilter);
    let typed = "source:storm AND (landfall OR evacuation OR airport OR coastal OR district) AND NOT opinion";
    for c in typed.chars() {
        update(&mut app, Action::FilterChar(c));
    }
    let status = status_of(&app);
    assert!(status.contains("opinion▏"), "{status:?}");
    assert!(status.trim_start().starts_with("/…"), "{status:?}");
    // The cursor moved to the start stays in sight, with what follows it.
    update(&mut app, Action::FilterCursor(CursorMove::Start));
    let status = status_of(&app);
    assert!(
        status.trim_start().starts_with("/▏source:storm AND"),
        "{status:?}"
    );
    assert!(status.trim_end().width() <= 80, "{status:?}");
    // And in the middle.
    for _ in 0..30 {
        update(&mut app, Action::FilterCursor(CursorMove::Right));
    }
    let status = status_of(&app);
    assert!(status.contains("(landfall OR ▏evacuation OR"), "{status:?}");
}

#[test]
fn the_sources_panel_cuts_a_long_error_at_a_word() {
    for (width, height) in SIZES {
        let mut app = app(width, height, Some(SOURCE_ERROR));
        update(&mut app, Action::ToggleSourcesPanel);
        let rows = rows(&app);
        let row = rows
            .iter()
            .find(|row| row.starts_with("[x] Tokyo"))
            .expect("Tokyo's row");
        let error = &row[row.find('✗').expect("error shown")..];
        assert_no_word_cut(error.trim_end(), &format!("✗ {SOURCE_ERROR}"));
        assert!(error.trim_end().ends_with('…'), "{row:?}");
    }
}

#[test]
fn a_long_url_being_typed_keeps_its_end_and_the_cursor() {
    let url = "https://news.example/live/2026/nov/21/storm-mireille-landfall-port-ebene-live-updates-evacuation";
    for (width, height) in SIZES {
        let mut app = app(width, height, None);
        update(&mut app, Action::StartAddSource);
        for c in url.chars() {
            update(&mut app, Action::PromptChar(c));
        }
        let status = status_of(&app);
        assert!(status.starts_with(" follow which page? "), "{status:?}");
        assert!(status.contains("live-updates-evacuation▏"), "{status:?}");
    }
    let mut app = app(120, 40, None);
    update(&mut app, Action::StartAddSource);
    for c in "https://short.example/".chars() {
        update(&mut app, Action::PromptChar(c));
    }
    let status = status_of(&app);
    assert!(
        status.contains("(Enter adds it, Esc cancels)"),
        "{status:?}"
    );
}
