//! Snapshots of every view at 80x24 and 120x40 (`cargo insta review` after a deliberate
//! change to the screen). Time is fixed and the zone is UTC, so they are stable.

mod common;

use common::reader::plain_entry;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, SourceId};
use liveblog::reader::app::{Action, App, update};
use liveblog::store::SourceState;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn entry(source: &str, id: &str, time: &str, title: &str, text: &str, html: Option<&str>) -> Entry {
    let mut entry = plain_entry(source, id, at(time), title, text);
    entry.item.author = Some("Zoë Ångström".to_string());
    entry.item.url = Some(format!("https://news.example/live#{id}"));
    entry.item.html = html.map(str::to_string);
    entry
}

fn app(width: u16, height: u16) -> App {
    let mut entries = vec![
        entry(
            "Storm live",
            "s3",
            "2026-11-21T17:58:00Z",
            "Mireille makes landfall near Port Ébène",
            "The eye crossed the coast at 17:50.",
            None,
        ),
        entry(
            "Election night",
            "e2",
            "2026-11-21T17:55:00Z",
            "Running tally after 180 of 220 seats",
            "Civic Alliance 79, People's Front 78.",
            None,
        ),
        entry(
            "Storm live",
            "s2",
            "2026-11-21T17:40:00Z",
            "Power outages pass 200,000",
            "The grid operator says 200,000 homes are without power. Crews cannot go out until the wind drops below 50mph. Updates on the operator's site and from the mayor's office.",
            Some(
                "<p>The grid operator says 200,000 homes are without power.</p><p><a href=\"https://grid.example/outages\">Outage map</a> and <a href=\"/mayor\">the mayor</a>.</p>",
            ),
        ),
        entry(
            "Launch",
            "l1",
            "2026-11-21T17:20:00Z",
            "",
            "Lift-off! Lyra clears the tower on a column of flame.",
            None,
        ),
        entry(
            "Election night",
            "e1",
            "2026-11-20T23:58:00Z",
            "Polls close across Velmora",
            "Counting starts now.",
            None,
        ),
    ];
    entries[1].item.flags.key_event = true;
    entries[2].edited = true;
    entries[2].previous_text = Some(
        "The grid operator says 150,000 homes are without power. Crews cannot go out until the wind drops below 50mph. Updates on the operator's site and from the mayor's office.".to_string(),
    );
    entries[4].read = true;
    let sources = vec![
        (
            SourceId("Storm live".into()),
            SourceState {
                last_success: Some(at("2026-11-21T17:59:00Z")),
                ..Default::default()
            },
        ),
        (
            SourceId("Election night".into()),
            SourceState {
                last_error: Some("HTTP 503 Service Unavailable".into()),
                ..Default::default()
            },
        ),
        (SourceId("Launch".into()), SourceState::default()),
    ];
    let mut app = App::new(sources, entries, TimeZone::UTC, at("2026-11-21T18:00:00Z"));
    app.saved_filters = vec![
        ("storm".into(), "source:storm".into()),
        ("breaking".into(), "landfall OR power".into()),
    ];
    update(&mut app, Action::Resize { width, height });
    app
}

fn render(app: &App) -> String {
    let (width, height) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn snapshot(name: &str, actions: &[Action]) {
    for (width, height) in SIZES {
        let mut app = app(width, height);
        for action in actions {
            update(&mut app, action.clone());
        }
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), render(&app));
    }
}

#[test]
fn list() {
    snapshot("list", &[]);
}

#[test]
fn list_selected_further_down() {
    snapshot("list_down", &[Action::Down, Action::Down]);
}

#[test]
fn detail_with_links_and_badges() {
    snapshot("detail", &[Action::Down, Action::Down, Action::Open]);
}

#[test]
fn filter_typed_with_highlights() {
    let typed: Vec<Action> = "power OR landfall"
        .chars()
        .map(Action::FilterChar)
        .collect();
    snapshot("filter", &[vec![Action::StartFilter], typed].concat());
}

#[test]
fn malformed_filter_shows_its_error() {
    let typed: Vec<Action> = "\"unclosed".chars().map(Action::FilterChar).collect();
    snapshot("filter_error", &[vec![Action::StartFilter], typed].concat());
}

#[test]
fn sources_panel() {
    snapshot("sources", &[Action::ToggleSourcesPanel]);
}

#[test]
fn help() {
    snapshot("help", &[Action::ToggleHelp]);
}

#[test]
fn saved_filters_picker() {
    snapshot("saved_filters", &[Action::ToggleSavedFilters]);
}

#[test]
fn key_events_view() {
    snapshot("key_events", &[Action::ToggleKeyEvents]);
}

#[test]
fn mono_theme_list() {
    for (width, height) in SIZES {
        let mut app = app(width, height);
        app.theme = liveblog::model::Theme::Mono;
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal
            .draw(|frame| liveblog::reader::ui::draw(frame, &app))
            .expect("draw");
        // No cell carries a colour: only modifiers remain.
        for cell in terminal.backend().buffer().content() {
            assert_eq!(cell.fg, ratatui::style::Color::Reset, "{cell:?}");
            assert_eq!(cell.bg, ratatui::style::Color::Reset, "{cell:?}");
        }
    }
}

#[test]
fn nothing_matches() {
    let typed: Vec<Action> = "zzz".chars().map(Action::FilterChar).collect();
    snapshot("no_match", &[vec![Action::StartFilter], typed].concat());
}

#[test]
fn hyperlinks_sit_exactly_on_the_urls_shown() {
    for (width, height) in SIZES {
        let mut app = app(width, height);
        update(&mut app, Action::Down);
        update(&mut app, Action::Down);
        update(&mut app, Action::Open);
        let screen: Vec<String> = render(&app).lines().map(str::to_string).collect();
        let links = liveblog::reader::ui::hyperlinks(&app);
        let urls: Vec<&str> = links.iter().map(|(_, _, url)| url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://news.example/live#s2",
                "https://grid.example/outages",
                "https://news.example/mayor"
            ],
            "{width}x{height}"
        );
        for (column, row, url) in &links {
            let line = &screen[usize::from(*row)];
            let shown: String = line
                .chars()
                .skip(usize::from(*column))
                .take(url.len())
                .collect();
            assert_eq!(&shown, url, "{width}x{height} row {row}");
        }
    }
    // Nothing to link outside the detail view.
    assert!(liveblog::reader::ui::hyperlinks(&app(80, 24)).is_empty());
}

/// Three sources reporting one landfall (the last with a figure more), and the rest.
fn grouped_app(width: u16, height: u16) -> App {
    let mut entries = vec![
        entry(
            "Coast radio",
            "c1",
            "2026-11-21T17:52:00Z",
            "Mireille hits land close to Port Ebene",
            "\u{201c}Mireille\u{201d} crossed the coastline near Port Ébène, forecasters said, with winds of 190km/h.\nThe harbour master said 40 boats broke their moorings.",
            None,
        ),
        entry(
            "Election night",
            "e2",
            "2026-11-21T17:55:00Z",
            "Running tally after 180 of 220 seats",
            "Civic Alliance 79, People's Front 78.",
            None,
        ),
        entry(
            "Wire",
            "w1",
            "2026-11-21T17:47:00Z",
            "Storm Mireille makes landfall at Port Ébène",
            "The eye of the storm crossed the coast near Port Ebene with winds of 190km/h.",
            None,
        ),
        entry(
            "Storm live",
            "s3",
            "2026-11-21T17:44:00Z",
            "Storm Mireille makes landfall near Port Ébène",
            "The eye of the storm crossed the coast near Port Ebene with winds of 190km/h, the weather service said.",
            None,
        ),
        entry(
            "Storm live",
            "s2",
            "2026-11-21T17:40:00Z",
            "Power outages pass 200,000",
            "The grid operator says 200,000 homes are without power.",
            None,
        ),
        entry(
            "Launch",
            "l1",
            "2026-11-21T17:20:00Z",
            "",
            "Lift-off! Lyra clears the tower on a column of flame.",
            None,
        ),
    ];
    entries[3].read = true;
    let sources = [
        "Storm live",
        "Wire",
        "Coast radio",
        "Election night",
        "Launch",
    ]
    .into_iter()
    .map(|name| (SourceId(name.into()), SourceState::default()))
    .collect();
    let mut app = App::new(sources, entries, TimeZone::UTC, at("2026-11-21T18:00:00Z"));
    update(&mut app, Action::Resize { width, height });
    app
}

fn grouped_snapshot(name: &str, actions: &[Action]) {
    for (width, height) in SIZES {
        let mut app = grouped_app(width, height);
        for action in actions {
            update(&mut app, action.clone());
        }
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), render(&app));
    }
}

#[test]
fn grouped_list() {
    grouped_snapshot("grouped_list", &[]);
}

#[test]
fn grouping_off_lists_every_report() {
    grouped_snapshot("grouping_off", &[Action::ToggleGrouping]);
}

#[test]
fn a_group_opened_shows_its_reports_one_after_another() {
    grouped_snapshot("group_detail", &[Action::Down, Action::Open]);
}
