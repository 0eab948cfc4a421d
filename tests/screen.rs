//! The scrolling backend (`liveblog::reader::screen`) writes less, and what a terminal shows
//! from its bytes is still exactly the frame: its output is fed to a VT100 emulator
//! (the `vt100` crate) and compared, cell by cell, with the same frame drawn on
//! ratatui's `TestBackend`, through news arriving, the list scrolling both ways, the
//! detail view, filtering and wide characters.

mod common;

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use common::reader::polled;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, Flags, Item, SourceId};
use liveblog::reader::app::{Action, App, update};
use liveblog::reader::screen::{ScrollingBackend, Shift, apply_shift, best_shift};
use liveblog::reader::ui;
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Modifier};

/// A writer the test can read back while the terminal owns it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

const BASE: i64 = 1_800_000_000;
// No combining marks: the emulator (vt100 0.15) places the cells after one differently
// from terminals, with plain ratatui output too, so it cannot judge them.
const WORDS: &[&str] = &[
    "Kyïv",
    "ceasefire",
    "東京で地震",
    "storm",
    "🚀 launch",
    "vote",
    "Zoë",
    "talks",
    "Ünïcode",
];

fn entry(number: i64) -> Entry {
    let word = |k: i64| WORDS[(number * 5 + k * 3).rem_euclid(WORDS.len() as i64) as usize];
    Entry {
        source: SourceId(["wire", "guardian", "bbc"][number.rem_euclid(3) as usize].to_string()),
        item: Item {
            id: EntryId(format!("e{number}")),
            published: Timestamp::from_second(BASE + number * 600).ok(),
            updated: None,
            title: format!("{} {} update {number}", word(1), word(2)),
            author: Some("Zoë Ångström".to_string()),
            url: Some(format!("https://news.example/{number}")),
            text: format!("{} and {}. {}", word(3), word(4), "More text. ".repeat(20)),
            html: None,
            flags: Flags {
                key_event: number % 7 == 0,
                ..Flags::default()
            },
        },
        // Seen when published (the reader sorts nothing later than first seen).
        first_seen: Timestamp::from_second(BASE + number * 600).expect("time"),
        edited: false,
        previous_text: None,
        removed: false,
        read: number % 4 == 0,
    }
}

fn app(width: u16, height: u16) -> App {
    let sources = ["wire", "guardian", "bbc"]
        .iter()
        .map(|name| (SourceId(name.to_string()), Default::default()))
        .collect();
    let mut app = App::new(
        sources,
        (0..300).rev().map(entry).collect(),
        TimeZone::UTC,
        Timestamp::from_second(BASE + 300 * 600).expect("time"),
    );
    update(&mut app, Action::Resize { width, height });
    app
}

fn news(numbers: std::ops::Range<i64>) -> Action {
    polled("wire", numbers.rev().map(entry).collect(), Vec::new())
}

/// ratatui's colour as the emulator reports it.
fn vt_color(color: Color) -> vt100::Color {
    match color {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(index) => vt100::Color::Idx(index),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

/// Every cell the emulator shows equals the frame's: text, colours, bold, reverse.
fn assert_same(screen: &vt100::Screen, frame: &Buffer, step: &str) {
    let area = frame.area;
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let want = &frame[(x, y)];
            let got = screen.cell(y, x).expect("cell in range");
            let width = unicode_width(want.symbol());
            // The emulator reports a cell never written as empty, one written blank
            // as a space: both are a blank cell.
            let text = got.contents();
            let shown = if text.is_empty() { " " } else { text.as_str() };
            assert_eq!(
                shown,
                want.symbol(),
                "{step}: text at ({x},{y}); row shown: {:?}; frame row: {:?}",
                screen.contents_between(y, 0, y, area.width),
                (0..area.width)
                    .map(|x| frame[(x, y)].symbol().to_string())
                    .collect::<Vec<_>>()
                    .join("|")
            );
            // A blank cell's foreground and boldness do not show (and wide characters
            // leave their colour behind in the emulator's cells they covered).
            let blank = want.symbol() == " ";
            if !blank {
                assert_eq!(got.fgcolor(), vt_color(want.fg), "{step}: fg at ({x},{y})");
            }
            assert_eq!(got.bgcolor(), vt_color(want.bg), "{step}: bg at ({x},{y})");
            if !blank {
                assert_eq!(
                    got.bold(),
                    want.modifier.contains(Modifier::BOLD),
                    "{step}: bold at ({x},{y})"
                );
            }
            assert_eq!(
                got.inverse(),
                want.modifier.contains(Modifier::REVERSED),
                "{step}: reverse at ({x},{y})"
            );
            x += width.max(1);
        }
    }
}

fn unicode_width(symbol: &str) -> u16 {
    use unicode_width::UnicodeWidthStr;
    u16::try_from(symbol.width()).unwrap_or(1)
}

/// Drives one app through the steps, drawing each frame on the scrolling backend (its
/// bytes into the emulator) and on `TestBackend`, and compares them.
fn run(width: u16, height: u16) -> Vec<(String, usize)> {
    let mut app = app(width, height);
    let out = Shared::default();
    let size = Size { width, height };
    let mut terminal =
        Terminal::new(ScrollingBackend::with_size(out.clone(), size)).expect("terminal");
    let mut emulator = vt100::Parser::new(height, width, 0);
    let mut sizes = Vec::new();
    let mut step = |name: &str, app: &App| {
        terminal.draw(|frame| ui::draw(frame, app)).expect("draw");
        // The whole frame, drawn afresh (a `TestBackend` kept from frame to frame only
        // takes in ratatui's diffs, and misses the cells wide characters cover).
        let mut reference = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        reference.draw(|frame| ui::draw(frame, app)).expect("draw");
        let bytes = out.take();
        emulator.process(&bytes);
        assert_same(emulator.screen(), reference.backend().buffer(), name);
        sizes.push((name.to_string(), bytes.len()));
    };
    step("first frame", &app);
    update(&mut app, news(300..301));
    step("one new entry, following", &app);
    update(&mut app, news(301..304));
    step("three new entries", &app);
    for _ in 0..(height + 3) {
        update(&mut app, Action::Down);
        step("down", &app);
    }
    update(&mut app, Action::ToggleFollow);
    update(&mut app, news(304..305));
    step("news above the entry being read", &app);
    for _ in 0..5 {
        update(&mut app, Action::Up);
    }
    step("up past the top of the screen", &app);
    update(&mut app, Action::PageDown);
    step("page down", &app);
    update(&mut app, Action::Open);
    step("detail", &app);
    for _ in 0..4 {
        update(&mut app, Action::Down);
        step("detail scrolled", &app);
    }
    update(&mut app, Action::Back);
    step("back to the list", &app);
    update(&mut app, Action::StartFilter);
    for c in "kyïv".chars() {
        update(&mut app, Action::FilterChar(c));
        step("filter typed", &app);
    }
    update(&mut app, Action::FilterCancel);
    step("filter cleared", &app);
    update(&mut app, Action::ToggleHelp);
    step("help", &app);
    update(&mut app, Action::ToggleHelp);
    update(&mut app, Action::Top);
    step("top", &app);
    sizes
}

#[test]
fn what_the_terminal_shows_is_the_frame_at_80x24_and_120x40() {
    for (width, height) in [(80, 24), (120, 40), (60, 20)] {
        run(width, height);
    }
}

#[test]
fn one_new_entry_costs_a_few_hundred_bytes_not_a_repaint() {
    let sizes = run(120, 40);
    let cost = |name: &str| {
        sizes
            .iter()
            .find(|(step, _)| step == name)
            .map(|(_, bytes)| *bytes)
            .expect("step ran")
    };
    let first = cost("first frame");
    let one_new = cost("one new entry, following");
    // The same frame through plain ratatui rewrites every shifted row.
    let mut app = app(120, 40);
    let out = Shared::default();
    let mut plain = Terminal::with_options(
        CrosstermBackend::new(out.clone()),
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, 120, 40)),
        },
    )
    .expect("terminal");
    plain.draw(|frame| ui::draw(frame, &app)).expect("draw");
    out.take();
    update(&mut app, news(300..301));
    plain.draw(|frame| ui::draw(frame, &app)).expect("draw");
    let plain_one_new = out.take().len();
    assert!(
        one_new * 4 < plain_one_new,
        "scrolling {one_new} bytes, plain {plain_one_new} (first frame {first})"
    );
    assert!(one_new < 1_500, "{one_new} bytes for one new entry");
}

#[test]
fn a_found_shift_moves_rows_as_the_terminal_does() {
    let area = Rect::new(0, 0, 10, 8);
    let mut old = Buffer::empty(area);
    for y in 0..7 {
        old.set_string(0, y, format!("row {y}"), ratatui::style::Style::default());
    }
    old.set_string(0, 7, "status", ratatui::style::Style::default());
    // Two new rows on top; the status line stays.
    let mut new = Buffer::empty(area);
    new.set_string(0, 0, "new a", ratatui::style::Style::default());
    new.set_string(0, 1, "new b", ratatui::style::Style::default());
    for y in 2..7 {
        new.set_string(
            0,
            y,
            format!("row {}", y - 2),
            ratatui::style::Style::default(),
        );
    }
    new.set_string(0, 7, "status", ratatui::style::Style::default());
    let shift = best_shift(&old, &new).expect("a shift");
    assert_eq!(shift.lines, 2);
    assert!(
        shift.region.end <= 7,
        "the status line does not move: {shift:?}"
    );
    let mut moved = old.clone();
    apply_shift(&mut moved, &shift);
    for y in 2..7 {
        assert_eq!(moved[(0, y)].symbol(), "r");
    }
    assert_eq!(moved[(0, 0)].symbol(), " ", "lines that come in are blank");
    // And back up.
    let up = Shift {
        region: 0..7,
        lines: -2,
    };
    apply_shift(&mut moved, &up);
    assert_eq!(moved[(4, 0)].symbol(), "0");
    // Nothing moved: no shift.
    assert_eq!(best_shift(&old, &old), None);
}
