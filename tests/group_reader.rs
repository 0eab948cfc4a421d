//! The reader with reports of one event grouped: a group shows once, at its first
//! report, with how many other sources report it; `=` shows every report again;
//! filtering, unread marks and `Enter` treat a group as all of its reports.

mod common;

use common::reader::{plain_entry, polled};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, SourceId};
use liveblog::reader::app::{Action, App, DetailRole, Effect, GroupTag, View, detail_text, update};
use liveblog::store::SourceState;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn entry(source: &str, id: &str, time: &str, title: &str, text: &str) -> Entry {
    let mut entry = plain_entry(source, id, at(time), title, text);
    entry.item.url = Some(format!("https://{source}.example/live#{id}"));
    entry
}

/// The wire's first report of the drone attack.
fn wire_drones() -> Entry {
    entry(
        "wire",
        "w1",
        "2026-11-21T06:10:00Z",
        "Russia launches 174 drones overnight, Ukraine says 90 shot down",
        "Ukraine's air force said Russia launched 174 drones; 90 were downed.",
    )
}

/// The paper's report of the same attack, 35 minutes later, with a figure more.
fn paper_drones() -> Entry {
    entry(
        "paper",
        "p1",
        "2026-11-21T06:45:00Z",
        "Ukrainian air defences down 90 of 174 Russian drones",
        "The air force said 174 drones were launched overnight and 90 were shot down.\nIn Kharkiv, 3 people were hurt by falling debris, the governor said.",
    )
}

fn others() -> Vec<Entry> {
    vec![
        entry(
            "wire",
            "w2",
            "2026-11-21T07:30:00Z",
            "Central bank holds rates at 4.5%",
            "The board voted to keep its key rate unchanged.",
        ),
        entry(
            "agency",
            "a1",
            "2026-11-21T07:00:00Z",
            "Storm Mireille makes landfall near Port Ebene",
            "The eye crossed the coast with winds of 190km/h.",
        ),
    ]
}

fn sources() -> Vec<(SourceId, SourceState)> {
    ["wire", "paper", "agency"]
        .into_iter()
        .map(|name| (SourceId(name.to_string()), SourceState::default()))
        .collect()
}

fn app_of(entries: Vec<Entry>) -> App {
    let mut app = App::new(
        sources(),
        entries,
        TimeZone::UTC,
        at("2026-11-21T08:00:00Z"),
    );
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    app
}

fn app() -> App {
    let mut entries = others();
    entries.push(paper_drones());
    entries.push(wire_drones());
    app_of(entries)
}

/// The ids of the entries the list shows, top down.
fn shown(app: &App) -> Vec<String> {
    app.visible
        .iter()
        .map(|&index| app.rows[index].id().to_string())
        .collect()
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal
        .draw(|frame| liveblog::reader::ui::draw(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..40 {
        for x in 0..120 {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}:\n{screen}"))
}

#[test]
fn a_group_shows_once_as_its_first_report_with_its_other_sources_and_updated() {
    let app = app();
    assert_eq!(shown(&app), ["w2", "a1", "w1"]);
    let screen = screen(&app);
    let row = line_with(&screen, "Russia launches 174 drones");
    assert!(row.contains("06:10"), "at the first report's time: {row}");
    assert!(row.contains("+1 source"), "{row}");
    assert!(row.contains("updated"), "the paper adds a figure: {row}");
    assert!(!screen.contains("Ukrainian air defences"), "{screen}");
    assert!(!line_with(&screen, "Central bank").contains("source"));
}

#[test]
fn the_group_key_shows_every_report_and_back() {
    let mut app = app();
    update(&mut app, Action::ToggleGrouping);
    assert_eq!(shown(&app), ["w2", "a1", "p1", "w1"]);
    let screen = screen(&app);
    assert!(!screen.contains("+1 source"), "{screen}");
    assert!(screen.contains("Ukrainian air defences"), "{screen}");
    update(&mut app, Action::ToggleGrouping);
    assert_eq!(shown(&app), ["w2", "a1", "w1"]);
}

#[test]
fn a_filter_matching_only_a_later_report_shows_the_group() {
    let mut app = app();
    update(&mut app, Action::StartFilter);
    for c in "kharkiv".chars() {
        update(&mut app, Action::FilterChar(c));
    }
    app.finish_filter();
    assert_eq!(shown(&app), ["w1"], "the group, as its first report");
    // A filter no report of the group matches hides it.
    update(&mut app, Action::FilterCancel);
    update(&mut app, Action::StartFilter);
    for c in "mireille".chars() {
        update(&mut app, Action::FilterChar(c));
    }
    app.finish_filter();
    assert_eq!(shown(&app), ["a1"]);
}

#[test]
fn a_group_is_unread_while_any_of_its_reports_is_and_enter_reads_them_all() {
    let mut wire = wire_drones();
    wire.read = true;
    let mut entries = others();
    entries.push(paper_drones());
    entries.push(wire);
    let mut app = app_of(entries);
    let lead = app.visible[2];
    assert!(app.rows[lead].read);
    assert!(app.shows_unread(lead), "the paper's report is unread");
    let screen = screen(&app);
    assert!(
        line_with(&screen, "Russia launches")
            .trim_start()
            .starts_with('•'),
        "{screen}"
    );
    // `u` finds it.
    update(&mut app, Action::OldestUnread);
    assert_eq!(app.selected, 2);
    let effects = update(&mut app, Action::Open);
    assert!(
        effects.contains(&Effect::MarkRead(
            SourceId("paper".into()),
            EntryId("p1".into())
        )),
        "{effects:?}"
    );
    assert!(!app.shows_unread(lead));
}

#[test]
fn mark_all_read_marks_every_report_of_a_shown_group() {
    let mut app = app();
    let effects = update(&mut app, Action::MarkAllRead);
    let Some(Effect::MarkAllRead(keys)) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(app.rows.iter().all(|row| row.read));
}

#[test]
fn enter_on_a_group_shows_each_report_with_its_source_and_time_and_what_a_later_one_adds() {
    let mut app = app();
    update(&mut app, Action::Bottom);
    update(&mut app, Action::Open);
    let View::Detail { key, .. } = &app.view else {
        panic!("{:?}", app.view);
    };
    assert_eq!(key.1.0, "w1");
    let row = app.find_row(key).expect("row");
    let lines = detail_text(row, &app, 120);
    let text: Vec<&str> = lines.iter().map(|line| line.text.as_str()).collect();
    let headings: Vec<&&str> = lines
        .iter()
        .zip(&text)
        .filter(|(line, _)| line.role == DetailRole::ReportHeading)
        .map(|(_, text)| text)
        .collect();
    assert_eq!(headings.len(), 2, "{text:#?}");
    assert!(
        headings[0].contains("1/2 · wire · 06:10"),
        "{}",
        headings[0]
    );
    assert!(
        headings[1].contains("2/2 · paper · 06:45"),
        "{}",
        headings[1]
    );
    assert!(
        headings[1].contains("35m after the first"),
        "{}",
        headings[1]
    );
    let added: Vec<&str> = lines
        .iter()
        .zip(&text)
        .filter(|(line, _)| line.role == DetailRole::Added)
        .map(|(_, text)| *text)
        .collect();
    assert_eq!(added.len(), 1, "{text:#?}");
    assert!(added[0].starts_with("+ In Kharkiv, 3 people"), "{added:?}");
    // Both headlines, each under its own heading, in the order published.
    let wire = text.iter().position(|t| t.contains("Russia launches 174"));
    let paper = text
        .iter()
        .position(|t| t.contains("Ukrainian air defences"));
    assert!(wire < paper && wire.is_some(), "{text:#?}");
    // Off, the same entry shows alone.
    update(&mut app, Action::ToggleGrouping);
    let row = app.find_row(&("wire", "w1").into_key()).expect("row");
    let alone = detail_text(row, &app, 120);
    assert!(
        alone
            .iter()
            .all(|line| line.role != DetailRole::ReportHeading)
    );
}

#[test]
fn a_later_report_arriving_joins_the_group_and_is_not_counted_new() {
    let mut entries = others();
    entries.push(wire_drones());
    let mut app = app_of(entries);
    assert_eq!(shown(&app), ["w2", "a1", "w1"]);
    // The reader is further down, not following: news would be counted above.
    update(&mut app, Action::ToggleFollow);
    update(&mut app, Action::Down);
    let mut later = paper_drones();
    later.item.published = Some(at("2026-11-21T07:40:00Z"));
    later.first_seen = at("2026-11-21T07:40:00Z");
    // Within three hours of the first report: it joins.
    update(&mut app, polled("paper", vec![later], Vec::new()));
    assert_eq!(shown(&app), ["w2", "a1", "w1"]);
    assert_eq!(
        app.new_above, 0,
        "a report of an event shown is not news above"
    );
    assert_eq!(
        app.selected_entry().map(|e| e.item.id.0),
        Some("a1".to_string())
    );
    assert!(screen(&app).contains("+1 source"));
}

#[test]
fn one_source_never_groups_with_itself() {
    let mut again = wire_drones();
    again.item.id = EntryId("w1-again".into());
    let app = app_of(vec![wire_drones(), again]);
    assert_eq!(app.visible.len(), 2);
    assert!(
        app.rows
            .iter()
            .all(|row| matches!(row.group, GroupTag::Alone))
    );
}

/// `(source, id)` as the reader's key.
trait IntoKey {
    fn into_key(self) -> (SourceId, EntryId);
}

impl IntoKey for (&str, &str) {
    fn into_key(self) -> (SourceId, EntryId) {
        (SourceId(self.0.to_string()), EntryId(self.1.to_string()))
    }
}

#[test]
fn removing_the_source_of_a_groups_first_report_shows_the_other_on_its_own() {
    let mut app = app();
    update(&mut app, Action::ToggleSourcesPanel);
    // "wire" is the first source in the panel.
    update(&mut app, Action::RemoveSource);
    update(&mut app, Action::PromptAccept);
    update(&mut app, Action::Back);
    assert_eq!(shown(&app), ["a1", "p1"]);
    assert!(!screen(&app).contains("+1 source"));
}

#[test]
fn grouping_many_joined_rows_goes_on_in_steps_until_done() {
    let (entries, _) = quake_pairs(3_000);
    let mut app = app_in_2027(entries);
    group_until_done(&mut app);
    // 3,000 events of two reports, 100 of the wire's alone.
    assert_eq!(app.groups.len(), 3_000);
    assert_eq!(app.visible.len(), 3_100);
    assert!(
        app.visible
            .iter()
            .all(|&index| &*app.rows[index].source == "wire"),
        "each event shows as its first report"
    );
}

/// Rows joining while grouping is still behind (a step leaves the rest for the next):
/// the rows left and the rows joined are all compared, wherever the join put them.
#[test]
fn rows_joining_while_grouping_is_behind_are_grouped_too() {
    let (entries, later) = quake_pairs(3_000);
    let mut app = app_in_2027(entries);
    assert!(
        app.grouping_behind(),
        "a first step does not compare 6,000 rows"
    );
    update(&mut app, Action::GroupStep);
    // The paper's reports of the last 100 events arrive now, newest first, in front.
    update(&mut app, polled("paper", later, Vec::new()));
    group_until_done(&mut app);
    assert!(app.rows.iter().all(|row| !row.group.pending()));
    assert_eq!(app.groups.len(), 3_100);
    assert_eq!(app.visible.len(), 3_100);
}

/// A reader holding `entries`, its clock at New Year's Day 2027.
fn app_in_2027(entries: Vec<Entry>) -> App {
    App::new(
        sources(),
        entries,
        TimeZone::UTC,
        at("2027-01-01T00:00:00Z"),
    )
}

/// Runs grouping steps, as the reader's loop does while no key waits, until none is
/// left (failing if that takes absurdly many).
fn group_until_done(app: &mut App) {
    let mut steps = 0;
    while app.grouping_behind() {
        update(app, Action::GroupStep);
        steps += 1;
        assert!(steps < 10_000, "grouping ends");
    }
}

/// `count` events of two reports each (the wire's, then the paper's two minutes later,
/// one event every ten minutes), and the wire's reports of 100 more events after them
/// with the paper's kept apart (to arrive later).
fn quake_pairs(count: i64) -> (Vec<Entry>, Vec<Entry>) {
    let mut entries = Vec::new();
    let mut later = Vec::new();
    for n in 0..count + 100 {
        let minute = |offset: i64| {
            Timestamp::from_second(1_800_000_000 + (n * 10 + offset) * 60)
                .expect("time")
                .to_string()
        };
        let title = format!(
            "Quake of magnitude {}.{} strikes Velmora region {n}",
            n % 9,
            n % 7
        );
        let body = format!(
            "The survey said the quake {n} struck at a depth of {}km.",
            n % 50
        );
        entries.push(entry("wire", &format!("w{n}"), &minute(0), &title, &body));
        let paper = entry("paper", &format!("p{n}"), &minute(2), &title, &body);
        if n < count {
            entries.push(paper);
        } else {
            later.push(paper);
        }
    }
    later.reverse();
    (entries, later)
}

#[test]
fn reports_dated_at_the_ends_of_time_group_without_overflowing() {
    let mut oldest = wire_drones();
    oldest.item.published = Some(Timestamp::MIN);
    oldest.first_seen = Timestamp::MIN;
    let mut latest = paper_drones();
    latest.item.published = Some(Timestamp::MAX);
    latest.first_seen = Timestamp::MAX;
    let app = app_of(vec![oldest, latest]);
    assert_eq!(app.visible.len(), 2);
}

#[test]
fn each_reports_link_in_a_group_is_a_hyperlink() {
    let mut app = app();
    update(&mut app, Action::Bottom);
    update(&mut app, Action::Open);
    let links: Vec<String> = liveblog::reader::ui::hyperlinks(&app)
        .into_iter()
        .map(|(_, _, url)| url)
        .collect();
    assert!(
        links.contains(&"https://wire.example/live#w1".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"https://paper.example/live#p1".to_string()),
        "{links:?}"
    );
}

/// `y` and `o` on a group whose first report has no link take the next report's: "this
/// entry has no link" only when no report has one.
#[test]
fn the_link_keys_on_a_group_use_the_first_report_that_has_a_link() {
    let mut first = wire_drones();
    first.item.url = None;
    let mut entries = others();
    entries.push(paper_drones());
    entries.push(first);
    let mut app = app_of(entries);
    update(&mut app, Action::Bottom);
    assert_eq!(shown(&app).last().map(String::as_str), Some("w1"));
    let effects = update(&mut app, Action::CopyLink);
    assert!(
        matches!(effects.as_slice(), [Effect::CopyLink(url)] if url == "https://paper.example/live#p1"),
        "{effects:?} {:?}",
        app.notice
    );
    let effects = update(&mut app, Action::OpenLink);
    assert!(
        matches!(effects.as_slice(), [Effect::OpenLink(url)] if url == "https://paper.example/live#p1"),
        "{effects:?}"
    );
    // Opened, the group does the same.
    update(&mut app, Action::Open);
    let effects = update(&mut app, Action::CopyLink);
    assert!(
        matches!(effects.as_slice(), [Effect::CopyLink(url)] if url == "https://paper.example/live#p1"),
        "{effects:?} {:?}",
        app.notice
    );
    update(&mut app, Action::Back);
    // Grouping off: the first report alone has no link, and says so.
    update(&mut app, Action::ToggleGrouping);
    let at = app
        .visible
        .iter()
        .position(|&index| app.rows[index].id() == "w1");
    app.selected = at.expect("w1 listed");
    assert!(update(&mut app, Action::CopyLink).is_empty());
    assert_eq!(app.notice.as_deref(), Some("this entry has no link"));
}

#[test]
fn the_read_key_on_a_group_reads_all_of_it_then_makes_it_unread() {
    let mut wire = wire_drones();
    wire.read = true;
    let mut entries = others();
    entries.push(paper_drones());
    entries.push(wire);
    let mut app = app_of(entries);
    update(&mut app, Action::Bottom);
    let lead = app.visible[app.selected];
    assert!(app.shows_unread(lead));
    let effects = update(&mut app, Action::ToggleRead);
    assert_eq!(
        effects,
        [Effect::MarkRead(
            SourceId("paper".into()),
            EntryId("p1".into())
        )]
    );
    assert!(!app.shows_unread(lead));
    update(&mut app, Action::ToggleRead);
    assert!(app.shows_unread(lead));
}

#[test]
fn the_first_frame_waits_for_a_few_rows_grouped_and_the_rest_follow_in_steps() {
    let entries: Vec<Entry> = (0..1_000i64)
        .map(|n| {
            let time = Timestamp::from_second(1_800_000_000 + n * 60)
                .expect("time")
                .to_string();
            let source = ["wire", "paper", "agency"][(n % 3) as usize];
            entry(
                source,
                &format!("e{n}"),
                &time,
                &format!("Report {n}"),
                "Text.",
            )
        })
        .collect();
    let mut app = app_in_2027(entries);
    // Sketching and comparing is left for after the first frame, but for a few rows.
    let waiting = app
        .rows
        .iter()
        .filter(|row| row.group == GroupTag::Unsketched)
        .count();
    assert!(waiting >= 900, "{waiting} rows wait");
    assert!(app.grouping_behind());
    group_until_done(&mut app);
    assert!(app.rows.iter().all(|row| !row.group.pending()));
}

/// The group's first report edited into another story: it leaves the group, and the
/// report that was grouped under it shows on its own again (not hidden behind a first
/// report that is no longer there).
#[test]
fn a_first_report_edited_into_another_story_leaves_its_group_and_the_other_shows() {
    let mut app = app();
    assert_eq!(shown(&app), ["w2", "a1", "w1"]);
    let mut edited = wire_drones();
    edited.item.title = "Parliament passes the budget after a night of votes".into();
    edited.item.text = "The finance bill passed by 312 votes to 290 at dawn.".into();
    edited.edited = true;
    update(&mut app, polled("wire", Vec::new(), vec![edited]));
    assert_eq!(shown(&app), ["w2", "a1", "p1", "w1"]);
    assert!(!screen(&app).contains("+1 source"), "{}", screen(&app));
}

/// A report edited (a figure corrected) stays in its group: it is compared again and
/// joins the report it was grouped with, its source not counted twice.
#[test]
fn a_report_edited_slightly_stays_in_its_group() {
    let mut app = app();
    let mut edited = paper_drones();
    edited.item.text = edited.item.text.replace("3 people", "4 people");
    edited.edited = true;
    update(&mut app, polled("paper", Vec::new(), vec![edited]));
    assert_eq!(shown(&app), ["w2", "a1", "w1"]);
    let screen = screen(&app);
    assert!(
        line_with(&screen, "Russia launches 174 drones").contains("+1 source"),
        "{screen}"
    );
    update(&mut app, Action::ToggleGrouping);
    assert_eq!(shown(&app), ["w2", "a1", "p1", "w1"]);
}
