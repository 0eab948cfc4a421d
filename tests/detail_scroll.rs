//! An entry with a 10 MB body in the detail view (issue 16, item 10): it scrolls to its
//! end and back, a new width re-wraps it, and an edit of the open entry shows at once.
//! (That a key no longer re-wraps the body is bounded by a count of the bytes wrapped,
//! in `reader::app::detail`'s unit test: a time bound here would be a timed test.)

mod common;

use common::reader::{plain_entry, polled};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, SourceId};
use liveblog::reader::app::{Action, App, View, update};
use liveblog::store::SourceState;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Paragraphs of 64 bytes: 164,000 of them make 10 MB.
const PARAGRAPHS: usize = 164_000;

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("time")
}

fn body(word: &str) -> String {
    (0..PARAGRAPHS)
        .map(|n| format!("{word} {n:>6} of the very long report goes on and on a while."))
        .collect::<Vec<_>>()
        .join("\n")
}

fn entry(text: String) -> Entry {
    plain_entry("blog", "long", now(), "The whole day in one entry", &text)
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..app.size.1)
        .map(|y| {
            let row: String = (0..app.size.0).map(|x| buffer[(x, y)].symbol()).collect();
            row + "\n"
        })
        .collect()
}

fn scroll(app: &App) -> usize {
    match app.view {
        View::Detail { scroll, .. } => scroll,
        _ => panic!("not in the detail view"),
    }
}

#[test]
fn a_10_mb_entry_scrolls_end_to_end_at_any_width() {
    let text = body("Paragraph");
    assert!(text.len() >= 10_000_000);
    let blog = SourceId("blog".to_string());
    let mut app = App::new(
        vec![(blog.clone(), SourceState::default())],
        vec![entry(text)],
        TimeZone::UTC,
        now(),
    );
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    update(&mut app, Action::Open);
    assert!(screen(&app).contains("The whole day in one entry"));
    for _ in 0..10 {
        update(&mut app, Action::Down);
    }
    update(&mut app, Action::PageDown);
    assert!(scroll(&app) > 10);
    update(&mut app, Action::Bottom);
    let end = screen(&app);
    assert!(end.contains("Paragraph 163999 of the very"), "{end}");
    let wide_end = scroll(&app);
    update(&mut app, Action::PageUp);
    update(&mut app, Action::PageUp);
    assert!(scroll(&app) < wide_end);
    let up = screen(&app);
    assert!(up.contains("Paragraph 163950 "), "{up}");

    // Narrower, every paragraph takes two lines: the end is further down.
    update(
        &mut app,
        Action::Resize {
            width: 40,
            height: 20,
        },
    );
    update(&mut app, Action::Bottom);
    assert!(scroll(&app) > wide_end + PARAGRAPHS / 2);
    // (The last line is at the top: the paragraph starts one line up.)
    update(&mut app, Action::Up);
    let end = screen(&app);
    assert!(end.contains("Paragraph 163999 of"), "{end}");

    // The source rewrites the open entry: the view shows the new text, not the lines
    // it wrapped before.
    let edited = Entry {
        edited: true,
        ..entry(body("Rewritten"))
    };
    update(&mut app, polled("blog", Vec::new(), vec![edited]));
    update(&mut app, Action::Top);
    update(&mut app, Action::Bottom);
    update(&mut app, Action::Up);
    let end = screen(&app);
    assert!(end.contains("Rewritten 163999 of"), "{end}");
    update(&mut app, Action::Top);
    let top = screen(&app);
    assert!(top.contains("[edited since you first saw it]"), "{top}");
    assert!(top.contains("Rewritten 0 of"), "{top}");
}
