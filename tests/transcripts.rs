//! Text transcripts (`Format::Text`, DESIGN.md "Text transcripts"): the sample
//! transcripts in tests/data/transcripts, parsed through the library and through
//! `liveblog dump`.

use std::path::PathBuf;

use assert_cmd::Command;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use liveblog::model::{Document, Format, Item, rfc3339};
use liveblog::parse::{Input, ParseError, ParseOptions, detect, parse};
use proptest::prelude::*;
use serde_json::Value;

const PAGE: &str = "https://example.org/live/transcript";

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/transcripts")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(data(name)).expect("sample transcript")
}

fn london() -> TimeZone {
    TimeZone::get("Europe/London").expect("tzdb has Europe/London")
}

fn date(text: &str) -> Option<Date> {
    Some(text.parse().expect("valid date"))
}

/// Parses `text` as a transcript in Europe/London, "now" being `now`.
fn parse_at(text: &str, anchor: Option<Date>, now: &str) -> Result<Document, ParseError> {
    let options = ParseOptions {
        timezone: london(),
        date: anchor,
        ..ParseOptions::default()
    };
    let now: Timestamp = now.parse().expect("valid timestamp");
    let input = Input {
        bytes: text.as_bytes(),
        content_type: None,
        base_url: Some(PAGE),
        now,
        options: &options,
    };
    parse(&input, Format::Text)
}

fn parse_with(text: &str, anchor: Option<Date>) -> Document {
    parse_at(text, anchor, "2026-11-21T18:00:00Z").expect("transcript parses")
}

fn titles(doc: &Document) -> Vec<&str> {
    doc.items.iter().map(|item| item.title.as_str()).collect()
}

fn times(doc: &Document) -> Vec<Option<String>> {
    doc.items
        .iter()
        .map(|item| item.published.map(rfc3339))
        .collect()
}

fn authors(doc: &Document) -> Vec<Option<&str>> {
    doc.items
        .iter()
        .map(|item| item.author.as_deref())
        .collect()
}

fn t(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// No chrome, credit or control character in any string of any item.
fn assert_clean(doc: &Document) {
    for item in &doc.items {
        for s in [&item.title, &item.text, &item.id.0] {
            assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
            for chrome in [
                "Photograph:",
                "Image source",
                "Image caption",
                "Share",
                "Advertisement",
                "Reuse this content",
                "Sign up",
                "cookies",
                "Skip to",
                "©",
                "Most ",
                "Show key events",
            ] {
                assert!(!s.contains(chrome), "{chrome:?} in {s:?}");
            }
        }
        assert!(item.id.0.starts_with(PAGE), "{}", item.id);
    }
}

fn assert_distinct_ids(items: &[Item]) {
    let mut ids: Vec<&str> = items.iter().map(|item| item.id.0.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), items.len(), "ids collide");
}

#[test]
fn guardian_style_with_key_points_and_credits() {
    let doc = parse_with(&read("guardian.txt"), date("2026-11-21"));
    assert_eq!(
        doc.title.as_deref(),
        Some(
            "Harbour city floods live: river bursts banks as thousands evacuated – latest updates"
        )
    );
    assert_eq!(
        titles(&doc),
        [
            "Key points",
            "Mayor declares major incident",
            "",
            "Evacuation centres open in three schools",
            "River bursts its banks",
        ]
    );
    assert_eq!(
        times(&doc),
        [
            None,
            t("2026-11-21T14:05:00+00:00"),
            t("2026-11-21T13:52:00+00:00"),
            t("2026-11-21T13:30:00+00:00"),
            t("2026-11-21T11:02:00+00:00"),
        ]
    );
    assert_eq!(
        authors(&doc),
        [
            None,
            Some("Jane Doe"),
            Some("John Roe"),
            Some("Jane Doe"),
            Some("Jane Doe")
        ]
    );
    let texts: Vec<&str> = doc.items.iter().map(|item| item.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "- The river Avon burst its banks at 11am, flooding the old town.\n\
             - About 4,000 people have been evacuated from low-lying streets.\n\
             - The mayor has declared a major incident.",
            "The mayor, Priya Raman, has declared a major incident as water levels continue to rise.\n\
             \"We are asking everyone in the red zone to leave now,\" she told reporters.",
            "Rail services between the harbour and the airport have been suspended, the operator says.",
            "The council has opened evacuation centres at Westfield, St Anne's and Harbourside schools.\n\n\
             Each centre has beds for about 500 people.",
            "The river Avon has burst its banks in the old town, the Environment Agency says.",
        ]
    );
    assert!(doc.items.iter().all(|item| item.updated.is_none()));
    assert_eq!(doc.items[1].url.as_deref(), Some(PAGE));
    assert_clean(&doc);
    assert_distinct_ids(&doc.items);
    // Without --date, the page's own date ("Sat 21 Nov 2026 14.20 GMT") anchors the day,
    // even when "now" is days later.
    let undated = parse_at(&read("guardian.txt"), None, "2026-11-25T09:00:00Z").expect("parses");
    assert_eq!(times(&undated), times(&doc));
}

#[test]
fn ids_survive_a_new_entry_on_top() {
    let before = read("guardian.txt");
    let newer = "Army called in to help\n\n14:40 , John Roe\n\nSoldiers are filling sandbags on the quay.\n\n";
    let after = before.replacen(
        "Mayor declares major incident",
        &format!("{newer}Mayor declares major incident"),
        1,
    );
    let old = parse_with(&before, date("2026-11-21"));
    let new = parse_with(&after, date("2026-11-21"));
    assert_eq!(new.items.len(), old.items.len() + 1);
    assert_eq!(new.items[1].title, "Army called in to help");
    assert_eq!(
        new.items[1].published.map(rfc3339),
        t("2026-11-21T14:40:00+00:00")
    );
    // The summary first, then the new entry, then the old ones with their old ids.
    assert_eq!(new.items[0].id, old.items[0].id);
    let new_ids: Vec<_> = new.items[2..].iter().map(|item| &item.id).collect();
    let old_ids: Vec<_> = old.items[1..].iter().map(|item| &item.id).collect();
    assert_eq!(new_ids, old_ids);
    assert!(!old.items.iter().any(|item| item.id == new.items[1].id));
    // A re-parse of the same text gives the same ids; the anchor date does not matter.
    let again = parse_with(&before, date("2026-11-22"));
    let ids = |doc: &Document| doc.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&old));
}

#[test]
fn bbc_style_time_first_with_posted_at_and_pm() {
    let doc = parse_with(&read("bbc.txt"), date("2026-11-21"));
    assert_eq!(
        doc.title.as_deref(),
        Some("Storm Darragh: Power cuts and travel disruption across Wales")
    );
    assert_eq!(
        titles(&doc),
        [
            "Key points",
            "Wind warning extended into the evening",
            "Bridge closed to high-sided vehicles",
            "Power cuts hit 30,000 homes",
            "Amber warning in force",
        ]
    );
    assert_eq!(
        times(&doc),
        [
            None,
            t("2026-11-21T16:40:00+00:00"),
            t("2026-11-21T15:15:00+00:00"),
            t("2026-11-21T14:05:00+00:00"),
            t("2026-11-21T12:30:00+00:00"),
        ]
    );
    assert_eq!(
        authors(&doc),
        [None, None, None, Some("Gareth Price"), None]
    );
    assert_eq!(
        doc.items[0].text,
        "- The Met Office has issued an amber wind warning until 21:00 GMT\n\
         - More than 30,000 homes are without power\n\
         - Trains between Cardiff and Swansea are cancelled"
    );
    assert_eq!(
        doc.items[1].text,
        "The Met Office has extended its amber warning until 9pm.\n\
         Gusts of up to 80mph are expected on exposed coasts."
    );
    assert_eq!(
        doc.items[3].text,
        "Western Power Distribution says engineers are working to restore supplies.\n\
         Crews have been hampered by fallen trees."
    );
    assert_eq!(
        doc.items[4].text,
        "An amber warning for wind came into force at noon."
    );
    assert_clean(&doc);
    assert_distinct_ids(&doc.items);
}

#[test]
fn independent_style_named_zones_and_edit_times() {
    // The page says "Tuesday 14 July 2026 16:10 BST": that anchors the day, and the
    // named zone (BST, UTC+1) wins over the page zone.
    let doc = parse_at(&read("independent.txt"), None, "2026-07-20T12:00:00Z").expect("parses");
    assert_eq!(
        doc.title.as_deref(),
        Some("Heatwave live: Temperatures hit 38C as UK records hottest day of the year")
    );
    assert_eq!(
        titles(&doc),
        [
            "Firefighters tackle grass fire in east London",
            "",
            "What is an amber heat-health alert?",
            "Hosepipe ban announced for Kent and Sussex",
        ]
    );
    assert_eq!(
        times(&doc),
        [
            t("2026-07-14T14:48:00+00:00"),
            t("2026-07-14T13:55:00+00:00"),
            t("2026-07-14T13:05:00+00:00"),
            t("2026-07-14T10:20:00+00:00"),
        ]
    );
    let updated: Vec<Option<String>> = doc.items.iter().map(|i| i.updated.map(rfc3339)).collect();
    assert_eq!(updated, [None, t("2026-07-14T14:10:00+00:00"), None, None]);
    assert_eq!(
        authors(&doc),
        [None, Some("Holly Evans"), None, Some("Jane Doe")]
    );
    assert_eq!(
        doc.items[1].text,
        "The Met Office confirmed 38.1C was recorded at Heathrow at 2.30pm."
    );
    assert_eq!(
        doc.items[3].text,
        "Southern Water says a hosepipe ban will begin on Friday."
    );
    assert_clean(&doc);
    // --date wins over the page's date.
    let anchored = parse_with(&read("independent.txt"), date("2026-07-15"));
    assert_eq!(
        anchored.items[0].published.map(rfc3339),
        t("2026-07-15T14:48:00+00:00")
    );
}

#[test]
fn crossing_midnight_rolls_the_day_back() {
    // Summer: bare times are BST (UTC+1) in Europe/London.
    let doc = parse_with(&read("midnight.txt"), date("2026-06-12"));
    assert_eq!(
        doc.title.as_deref(),
        Some("Election night live: results as they come in")
    );
    assert_eq!(titles(&doc), ["", "", "", "Polls close", ""]);
    assert_eq!(
        times(&doc),
        [
            t("2026-06-12T00:15:00+00:00"),
            t("2026-06-11T23:40:00+00:00"),
            t("2026-06-11T23:05:00+00:00"),
            t("2026-06-11T21:00:00+00:00"),
            t("2026-06-11T20:30:00+00:00"),
        ]
    );
    assert_eq!(
        authors(&doc),
        [
            Some("Sam Patel"),
            Some("Sam Patel"),
            None,
            Some("Alex Green"),
            Some("Alex Green")
        ]
    );
    assert_eq!(doc.items[0].text, "Swindon North declares: Labour hold.");
    assert_eq!(doc.items[4].text, "Half an hour to go.");
    // No --date and no date on the page: today in the page zone. At 00:30 BST on
    // 12 June the newest entry (01:15) would be in the future, so it is from the 11th.
    let doc = parse_at(&read("midnight.txt"), None, "2026-06-11T23:30:00Z").expect("parses");
    assert_eq!(
        doc.items[0].published.map(rfc3339),
        t("2026-06-11T00:15:00+00:00")
    );
    let doc = parse_at(&read("midnight.txt"), None, "2026-06-12T09:00:00Z").expect("parses");
    assert_eq!(
        doc.items[0].published.map(rfc3339),
        t("2026-06-12T00:15:00+00:00")
    );
    assert_eq!(
        doc.items[3].published.map(rfc3339),
        t("2026-06-11T21:00:00+00:00")
    );
}

#[test]
fn undated_paragraphs_are_entries_in_page_order() {
    let doc = parse_with(&read("undated.txt"), None);
    assert_eq!(
        titles(&doc),
        ["Ceasefire talks resume in Geneva", "", "", "Aid convoys"]
    );
    assert!(
        doc.items
            .iter()
            .all(|item| item.published.is_none() && item.author.is_none())
    );
    let texts: Vec<&str> = doc.items.iter().map(|item| item.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Delegations from both sides arrived on Monday morning, officials said.",
            "A spokesperson for the mediators said the talks would \"take as long as they need\".",
            "The first round of talks collapsed in October after two days.",
            "Twelve lorries carrying food and medicine crossed the border at dawn.\n\
             The UN said more convoys were planned for the week.",
        ]
    );
    assert_distinct_ids(&doc.items);
    // Growing the list at the top keeps the old ids.
    let grown = format!("A new paragraph at the top.\n\n{}", read("undated.txt"));
    let grown = parse_with(&grown, None);
    assert_eq!(grown.items.len(), 5);
    let ids = |items: &[Item]| items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&grown.items[1..]), ids(&doc.items));
}

#[test]
fn chrome_before_and_after_is_dropped() {
    let doc = parse_at(&read("chrome.txt"), None, "2026-11-23T10:00:00Z").expect("parses");
    assert_eq!(
        doc.title.as_deref(),
        Some("Live: Marathon day in the capital")
    );
    assert_eq!(
        titles(&doc),
        [
            "Winner crosses the line in record time",
            "Road closures lifted in the east",
            "Elite runners set off",
        ]
    );
    // "Last updated 21 November 2026" anchors the day; GMT+1 is an explicit zone.
    assert_eq!(
        times(&doc),
        [
            t("2026-11-21T11:42:00+00:00"),
            t("2026-11-21T11:05:00+00:00"),
            t("2026-11-21T08:30:00+00:00"),
        ]
    );
    assert_eq!(authors(&doc), [None, Some("Tom Baker"), Some("Tom Baker")]);
    let texts: Vec<&str> = doc.items.iter().map(|item| item.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Kenyan runner Faith Kiprono has won the women's race in 2:14:03, a course record.",
            "Police say roads east of the river have reopened.",
            "The elite field has set off from Parliament Square.",
        ]
    );
    assert_clean(&doc);
}

#[test]
fn the_design_example_and_other_time_styles() {
    let text = "Headline of the newest entry\n\n14:05 , Jane Doe\n\nFirst paragraph of the body.\n\
                Second paragraph.\n\nHeadline of the one before\n\n13:52 , John Roe\n\nOlder body.\n";
    let doc = parse_with(text, date("2026-11-21"));
    assert_eq!(
        titles(&doc),
        ["Headline of the newest entry", "Headline of the one before"]
    );
    assert_eq!(
        doc.items[0].text,
        "First paragraph of the body.\nSecond paragraph."
    );
    assert_eq!(authors(&doc), [Some("Jane Doe"), Some("John Roe")]);

    // One entry per style, newest first, all on 21 November (GMT = UTC in London).
    let styles = [
        (
            "14:05, Jane Doe",
            "2026-11-21T14:05:00+00:00",
            Some("Jane Doe"),
        ),
        ("13:55", "2026-11-21T13:55:00+00:00", None),
        ("1:50 PM", "2026-11-21T13:50:00+00:00", None),
        (
            "1.45pm - Ann Lee",
            "2026-11-21T13:45:00+00:00",
            Some("Ann Lee"),
        ),
        ("13.40 CET", "2026-11-21T12:40:00+00:00", None),
        ("Updated at 13:35", "2026-11-21T13:35:00+00:00", None),
        (
            "Posted at 13:30 by Bo Chan",
            "2026-11-21T13:30:00+00:00",
            Some("Bo Chan"),
        ),
        ("13:25 GMT+1", "2026-11-21T12:25:00+00:00", None),
        ("13.20 BST", "2026-11-21T12:20:00+00:00", None),
        ("11.05am", "2026-11-21T11:05:00+00:00", None),
    ];
    let text: String = styles
        .iter()
        .enumerate()
        .map(|(i, (line, _, _))| format!("{line}\n\nBody number {i}.\n\n"))
        .collect();
    let doc = parse_with(&text, date("2026-11-21"));
    let expected: Vec<Option<String>> = styles.iter().map(|(_, time, _)| t(time)).collect();
    assert_eq!(times(&doc), expected);
    let expected: Vec<Option<&str>> = styles.iter().map(|(_, _, author)| *author).collect();
    assert_eq!(authors(&doc), expected);
    assert!(doc.items.iter().all(|item| item.title.is_empty()));
}

#[test]
fn transcripts_are_detected_as_text() {
    for name in [
        "guardian.txt",
        "bbc.txt",
        "independent.txt",
        "midnight.txt",
        "undated.txt",
        "chrome.txt",
    ] {
        let bytes = read(name).into_bytes();
        let input = Input {
            bytes: &bytes,
            content_type: Some("text/plain; charset=utf-8"),
            base_url: None,
            now: Timestamp::UNIX_EPOCH,
            options: &ParseOptions::default(),
        };
        assert_eq!(detect(&input), Format::Text, "{name}");
        let input = Input {
            content_type: None,
            ..input
        };
        assert_eq!(detect(&input), Format::Text, "{name}");
        if name == "undated.txt" {
            // Without a single time, text is no live blog unless asked for.
            let err = parse(&input, Format::Auto).expect_err("undated text is no live blog");
            assert!(err.to_string().contains("--format text"), "{err}");
            let doc = parse(&input, Format::Text).expect("text reads undated paragraphs");
            assert!(!doc.items.is_empty(), "{name}");
            continue;
        }
        let doc = parse(&input, Format::Auto).expect("auto parses a transcript");
        assert!(!doc.items.is_empty(), "{name}");
    }
}

#[test]
fn nothing_to_read_is_an_error() {
    for text in [
        "",
        "\n\n  \n",
        "Skip to main content\nShare\nAdvertisement\n",
    ] {
        let err = parse_at(text, None, "2026-11-21T18:00:00Z");
        assert!(
            matches!(err, Err(ParseError::NoEntries { .. })),
            "{text:?}: {err:?}"
        );
    }
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,300}", anchor in prop::option::of(0i64..3000)) {
        let anchor = anchor.and_then(|days| {
            Date::new(2000, 1, 1).ok()?.checked_add(jiff::Span::new().days(days)).ok()
        });
        let _ = parse_at(&text, anchor, "2026-11-21T18:00:00Z");
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let options = ParseOptions { timezone: london(), ..ParseOptions::default() };
        let input = Input {
            bytes: &bytes,
            content_type: None,
            base_url: None,
            now: Timestamp::UNIX_EPOCH,
            options: &options,
        };
        let _ = parse(&input, Format::Text);
    }
}

// ---------------------------------------------------------------------------
// Through the binary

fn config_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("config.toml"),
        "[general]\ntimezone = \"Europe/London\"\n",
    )
    .expect("config written");
    dir
}

fn dump(args: &[&str]) -> Vec<Value> {
    let dir = config_dir();
    let config = dir.path().join("config.toml");
    let output = Command::cargo_bin("liveblog")
        .expect("binary built")
        .arg("--config")
        .arg(&config)
        .arg("--cache")
        .arg(dir.path().join("cache.db"))
        .arg("dump")
        .args(args)
        .output()
        .expect("liveblog runs");
    assert!(
        output.status.success(),
        "dump {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

#[test]
fn dump_text_json() {
    let file = data("guardian.txt");
    let file = file.to_str().expect("utf-8 path");
    let lines = dump(&[file, "--format", "text", "--date", "2026-11-21", "--json"]);
    assert_eq!(lines.len(), 5);
    let field = |i: usize, key: &str| lines[i][key].as_str().map(str::to_string);
    // Newest first; the undated summary sorts last.
    assert_eq!(
        field(0, "title").as_deref(),
        Some("Mayor declares major incident")
    );
    assert_eq!(
        field(0, "published").as_deref(),
        Some("2026-11-21T14:05:00+00:00")
    );
    assert_eq!(field(0, "author").as_deref(), Some("Jane Doe"));
    assert_eq!(
        field(1, "published").as_deref(),
        Some("2026-11-21T13:52:00+00:00")
    );
    assert_eq!(field(3, "title").as_deref(), Some("River bursts its banks"));
    assert_eq!(
        field(3, "published").as_deref(),
        Some("2026-11-21T11:02:00+00:00")
    );
    assert_eq!(field(4, "title").as_deref(), Some("Key points"));
    assert!(lines[4]["published"].is_null());
    for line in &lines {
        let object = line.as_object().expect("object");
        for key in [
            "source",
            "id",
            "published",
            "updated",
            "title",
            "author",
            "url",
            "text",
        ] {
            assert!(object.contains_key(key), "{key} missing");
        }
        let text = line["text"].as_str().unwrap_or("");
        assert!(
            !text.contains("Photograph") && !text.contains("Share"),
            "{text}"
        );
    }
    let mut ids: Vec<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5);
}

#[test]
fn dump_auto_detects_a_transcript() {
    let file = data("bbc.txt");
    let file = file.to_str().expect("utf-8 path");
    let lines = dump(&[file, "--format", "auto", "--date", "2026-11-21", "--json"]);
    let published: Vec<Option<&str>> = lines.iter().map(|l| l["published"].as_str()).collect();
    assert_eq!(
        published,
        [
            Some("2026-11-21T16:40:00+00:00"),
            Some("2026-11-21T15:15:00+00:00"),
            Some("2026-11-21T14:05:00+00:00"),
            Some("2026-11-21T12:30:00+00:00"),
            None,
        ]
    );
    assert_eq!(lines[2]["author"].as_str(), Some("Gareth Price"));
    // Midnight, through the config's zone (Europe/London, BST in June).
    let file = data("midnight.txt");
    let file = file.to_str().expect("utf-8 path");
    let lines = dump(&[file, "--date", "2026-06-12", "--json"]);
    let published: Vec<Option<&str>> = lines.iter().map(|l| l["published"].as_str()).collect();
    assert_eq!(
        published,
        [
            Some("2026-06-12T00:15:00+00:00"),
            Some("2026-06-11T23:40:00+00:00"),
            Some("2026-06-11T23:05:00+00:00"),
            Some("2026-06-11T21:00:00+00:00"),
            Some("2026-06-11T20:30:00+00:00"),
        ]
    );
}
