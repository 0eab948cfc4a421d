//! The DOM live-blog reader against `../shared/fixtures/liveblog-dom/` (see its
//! SOURCES.md section "liveblog-dom/"), and synthetic pages for layouts the fixtures
//! lack. `parse(.., Format::Html)` without selectors is the DOM reader alone (no
//! JSON-LD), so BBC and the Telegraph are checked against their own complete JSON-LD.
//!
//! When the fixture directory is missing the fixture tests print a note and pass,
//! except under CI (`CI=true`), where they fail.

mod common;

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Document, Format, Item};
use liveblog::parse::{Input, ParseError, ParseOptions, explain, parse};

/// After every fixture page was written (so no fixture time is in the future).
const NOW: &str = "2026-12-01T12:00:00Z";

fn read(name: &str) -> Option<Vec<u8>> {
    let dir = common::fixtures()?;
    let path = dir.join("liveblog-dom").join(name);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn run(
    bytes: &[u8],
    format: Format,
    options: &ParseOptions,
    now: &str,
) -> Result<Document, ParseError> {
    parse(
        &Input {
            bytes,
            content_type: Some("text/html"),
            base_url: Some("https://example.org/live"),
            now: common::ts(now),
            options,
        },
        format,
    )
}

fn dom(bytes: &[u8]) -> Document {
    run(bytes, Format::Html, &ParseOptions::default(), NOW).expect("DOM entries")
}

fn time(item: &Item) -> String {
    item.published.map(|t| t.to_string()).unwrap_or_default()
}

fn check_clean(name: &str, doc: &Document) {
    let ids: HashSet<&str> = doc.items.iter().map(|i| i.id.0.as_str()).collect();
    assert_eq!(ids.len(), doc.items.len(), "{name}: ids are not distinct");
    let now = common::ts(NOW);
    for item in &doc.items {
        for s in [&item.title, &item.id.0]
            .into_iter()
            .chain(item.author.as_ref())
            .chain(item.url.as_ref())
        {
            assert!(!s.chars().any(common::is_hostile), "{name}: {s:?}");
        }
        assert!(
            !item.text.chars().any(common::is_hostile),
            "{name}: body of {}",
            item.id
        );
        assert_eq!(item.text.trim(), item.text, "{name}: body not trimmed");
        assert!(
            item.published.is_none_or(|t| t <= now),
            "{name}: future {}",
            time(item)
        );
    }
}

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn les_echos_heading_delimited_runs() {
    let Some(bytes) = read("fundus__LesEchos_2024_07_18.html") else {
        return;
    };
    // Through `auto` (its JSON-LD is a NewsArticle: no entries there).
    let doc = run(&bytes, Format::Auto, &ParseOptions::default(), NOW).expect("entries");
    check_clean("lesechos", &doc);
    assert_eq!(doc.items.len(), 20);
    let first = &doc.items[0];
    assert_eq!(first.title, "La Bourse de Paris ouvre dans le vert");
    assert_eq!(time(first), "2024-07-18T07:05:00Z");
    assert!(
        first
            .text
            .starts_with("Lors des premiers échanges, le CAC 40 ga"),
        "{}",
        first.text
    );
    let abb = doc
        .items
        .iter()
        .find(|i| i.title.starts_with("ABB voit"))
        .expect("ABB");
    assert_eq!(time(abb), "2024-07-18T06:47:00Z");
    assert!(
        abb.text
            .starts_with("Le conglomérat industriel helvético-suéd")
    );
    // The card entry (an h3 inside a div) and the bare h3 entry.
    let card = doc
        .items
        .iter()
        .find(|i| i.title == "Les principales infos de ce matin")
        .expect("9h00");
    assert_eq!(time(card), "2024-07-18T07:00:00Z");
    let bare = doc
        .items
        .iter()
        .find(|i| time(i) == "2024-07-18T05:29:00Z")
        .expect("7h29");
    assert!(
        bare.title
            .starts_with("Europe : les ventes de voitures neuves"),
        "{}",
        bare.title
    );
    // Every entry on the 18th, oldest 7h00; the out-of-order 7h07 stays on the same day.
    assert!(
        doc.items
            .iter()
            .all(|i| time(i).starts_with("2024-07-18T0")),
        "{:?}",
        doc.items.iter().map(time).collect::<Vec<_>>()
    );
    assert_eq!(time(&doc.items[19]), "2024-07-18T05:00:00Z");
    // No ads or "read more" cards in bodies.
    for item in &doc.items {
        assert!(!item.text.contains("Publicité"), "{}", item.text);
        assert!(!item.text.starts_with("Lire aussi"), "{}", item.text);
    }
    // The configured zone, when it agrees with the page, names the zone.
    let paris = ParseOptions {
        timezone: TimeZone::get("Europe/Paris").expect("tz"),
        ..ParseOptions::default()
    };
    let doc = run(&bytes, Format::Html, &paris, NOW).expect("entries");
    assert_eq!(time(&doc.items[0]), "2024-07-18T07:05:00Z");
    let said = explain(
        &Input {
            bytes: &bytes,
            content_type: Some("text/html"),
            base_url: None,
            now: common::ts(NOW),
            options: &paris,
        },
        Format::Auto,
    );
    assert!(
        said.contains("20 entries") && said.contains("heading-delimited") && said.contains("9h05"),
        "{said}"
    );
    assert!(
        said.contains("2024-07-18") && said.contains("newest first"),
        "{said}"
    );
}

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn sports_fr_match_minutes_and_not_the_sidebar() {
    let Some(bytes) = read("trafilatura__sports.fr.lorient.html") else {
        return;
    };
    let doc = run(&bytes, Format::Auto, &ParseOptions::default(), NOW).expect("entries");
    check_clean("sports.fr", &doc);
    // 75 comments; the 4 section dividers ("48' Mi-temps") are left out.
    assert_eq!(doc.items.len(), 75);
    assert!(
        doc.items[0]
            .text
            .starts_with("95' C'est terminé au Moustoir ! Lorient a te"),
        "{}",
        doc.items[0].text
    );
    assert!(
        doc.items[1]
            .text
            .starts_with("95' Carton jaune pour Paul Nardi ! Le portie"),
        "{}",
        doc.items[1].text
    );
    assert!(
        doc.items.iter().all(|i| !i.text.contains("François Cros")),
        "the sidebar was taken"
    );
    // All at the page's time (no invented clock), newest first in any sort by time.
    let times: Vec<Timestamp> = doc.items.iter().filter_map(|i| i.published).collect();
    assert_eq!(times.len(), 75);
    assert!(times.windows(2).all(|w| w[0] > w[1]));
    assert!(
        doc.items
            .iter()
            .all(|i| time(i).starts_with("2020-09-27T16:45:00")),
        "{}",
        time(&doc.items[74])
    );
    assert!(
        doc.items[74].text.starts_with("3'"),
        "{}",
        doc.items[74].text
    );
    let said = explain(
        &Input {
            bytes: &bytes,
            content_type: None,
            base_url: None,
            now: common::ts(NOW),
            options: &ParseOptions::default(),
        },
        Format::Auto,
    );
    assert!(
        said.starts_with("html: 75 entries, repeated <div> blocks"),
        "{said}"
    );
    assert!(
        said.contains("match minutes") && said.contains("le_scans") && said.contains("sidebar"),
        "{said}"
    );
}

/// `(time, title)` of each JSON-LD update, and of each DOM entry.
fn pairs(doc: &Document) -> Vec<(String, String)> {
    doc.items
        .iter()
        .map(|i| (time(i), i.title.clone()))
        .collect()
}

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn bbc_dom_matches_its_json_ld() {
    let Some(bytes) = read("postlight__www.bbc.com_1589289678589.html") else {
        return;
    };
    let truth = run(&bytes, Format::Jsonld, &ParseOptions::default(), NOW).expect("JSON-LD");
    let doc = dom(&bytes);
    check_clean("bbc", &doc);
    assert_eq!(doc.items.len(), 20);
    // The DOM shows minutes; JSON-LD has seconds.
    let minutes = |d: &Document| -> Vec<(String, String)> {
        pairs(d)
            .into_iter()
            .map(|(t, title)| (t.get(..16).unwrap_or("").to_string(), title))
            .collect()
    };
    assert_eq!(minutes(&doc), minutes(&truth));
    assert_eq!(doc.items[0].title, "Where does the US stand on testing?");
    assert_eq!(time(&doc.items[0]), "2020-05-12T15:05:00Z");
    assert_eq!(doc.items[1].title, "UK government briefing at 17:00 BST");
    assert!(
        doc.items[1]
            .text
            .starts_with("We have just had it confirmed that the U"),
        "{}",
        doc.items[1].text
    );
    // Permalinks and ids are the posts' own.
    assert!(
        doc.items[0]
            .id
            .0
            .ends_with("#post_5ebab4a75c8cf7066bdfaa58"),
        "{}",
        doc.items[0].id
    );
}

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn telegraph_dom_matches_its_json_ld() {
    let Some(bytes) = read("fundus-evaluation__TheTelegraph_1.html") else {
        return;
    };
    let truth = run(&bytes, Format::Jsonld, &ParseOptions::default(), NOW).expect("JSON-LD");
    let doc = dom(&bytes);
    check_clean("telegraph", &doc);
    assert_eq!(doc.items.len(), 48);
    let seconds = |d: &Document| -> Vec<(i64, String)> {
        d.items
            .iter()
            .map(|i| {
                (
                    i.published.map_or(0, |t| t.as_millisecond()),
                    i.title.clone(),
                )
            })
            .collect()
    };
    assert_eq!(seconds(&doc), seconds(&truth));
    assert_eq!(doc.items[0].title, "Dua Lipa wins Pop Act");
    assert_eq!(time(&doc.items[0]), "2024-03-02T21:43:18.345Z");
    assert!(
        doc.items[1]
            .text
            .starts_with("Clara and Maya exchange barely intelligi")
    );
    // Through `auto`, JSON-LD's run-together articleBody gets the page's paragraphs.
    let auto = run(&bytes, Format::Auto, &ParseOptions::default(), NOW).expect("entries");
    assert_eq!(auto.items.len(), 48);
    assert!(
        auto.items[0]
            .text
            .contains("logical explanation?\n\nAnyway."),
        "{}",
        auto.items[0].text
    );
    assert_eq!(time(&auto.items[0]), "2024-03-02T21:43:18.345Z");
}

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn guardian_blocks_have_their_own_times() {
    for (name, count, first_time, titled) in [
        (
            "fundus-fork__TheGuardian_0.html",
            56,
            "2024-03-02T15:33:47Z",
            "Lights out!",
        ),
        (
            "fundus-fork__TheGuardian_2.html",
            31,
            "2024-03-02T15:29:59Z",
            "GOAL! Fulham 1-0 Brighton (Wilson 22)",
        ),
    ] {
        let Some(bytes) = read(name) else {
            return;
        };
        for format in [Format::Auto, Format::Html] {
            let doc = run(&bytes, format, &ParseOptions::default(), NOW).expect("entries");
            check_clean(name, &doc);
            assert_eq!(doc.items.len(), count, "{name} {format}");
            assert_eq!(time(&doc.items[0]), first_time, "{name} {format}");
            let distinct: HashSet<String> = doc.items.iter().map(time).collect();
            assert!(
                distinct.len() > count / 2,
                "{name} {format}: times are not per entry"
            );
            assert!(
                doc.items.iter().any(|i| i.title == titled),
                "{name} {format}"
            );
            let times: Vec<Timestamp> = doc.items.iter().filter_map(|i| i.published).collect();
            assert!(
                times.windows(2).all(|w| w[0] >= w[1]),
                "{name} {format}: not newest first"
            );
        }
    }
    let Some(bytes) = read("fundus-fork__TheGuardian_0.html") else {
        return;
    };
    let doc = dom(&bytes);
    assert!(
        doc.items[0]
            .text
            .starts_with("Lap 18/57: Verstappen emerges from the p"),
        "{}",
        doc.items[0].text
    );
    let lights = doc
        .items
        .iter()
        .find(|i| i.title == "Lights out!")
        .expect("lights out");
    assert!(
        lights
            .text
            .starts_with("Clean start for Verstappen. Leclerc has "),
        "{}",
        lights.text
    );
    assert!(
        !doc.items.iter().any(|i| i.text.contains("Share")),
        "share buttons in bodies"
    );
}

// ---------------------------------------------------------------------------------------
// Synthetic pages: layouts the fixtures do not have.

const BODY: &str = "Der Minister sagte am Vormittag, die Lage sei unter Kontrolle und weitere Informationen folgten.";

fn page(head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Live</title>{head}</head><body><main>{body}</main></body></html>"
    )
}

fn synthetic(html: &str, now: &str, options: &ParseOptions) -> Document {
    let doc = run(html.as_bytes(), Format::Auto, options, now).expect("entries");
    check_clean("synthetic", &doc);
    doc
}

fn times(doc: &Document) -> Vec<String> {
    doc.items.iter().map(time).collect()
}

#[test]
fn german_liveticker_with_day_headings() {
    let html = page(
        r#"<meta property="article:modified_time" content="2024-07-18T11:10:00+02:00">"#,
        &format!(
            "<div class=ticker><h2>Donnerstag, 18. Juli</h2>\
             <h3>11.04 Uhr: Regierung tagt</h3><p>{BODY}</p><div>Anzeige</div>\
             <h3>9.30 Uhr: Erste Meldung</h3><p>{BODY}</p><p>Mehr zum Thema: Alles zur Lage</p>\
             <h2>Mittwoch, 17. Juli</h2>\
             <h3>22.15 Uhr: Späte Meldung</h3><p>{BODY}</p>\
             <h3>18.00 Uhr: Am Abend</h3><p>{BODY}</p></div>"
        ),
    );
    let doc = synthetic(&html, NOW, &ParseOptions::default());
    assert_eq!(doc.items.len(), 4);
    assert_eq!(doc.items[0].title, "Regierung tagt");
    assert_eq!(doc.items[0].text, BODY);
    assert_eq!(
        times(&doc),
        [
            "2024-07-18T09:04:00Z",
            "2024-07-18T07:30:00Z",
            "2024-07-17T20:15:00Z",
            "2024-07-17T16:00:00Z"
        ]
    );
    assert_eq!(
        doc.items[1].text, BODY,
        "the \"Mehr zum Thema\" card is no body"
    );
}

#[test]
fn oldest_first_ticker_crossing_midnight() {
    let mut body = String::from("<section>");
    for (clock, title) in [
        ("23:40", "Polls close"),
        ("23:55", "First count"),
        ("00:10", "Exit poll"),
        ("00:25", "First seat"),
    ] {
        body.push_str(&format!("<h3>{clock} - {title}</h3><p>Counting goes on across the country, officials said tonight in a statement.</p>"));
    }
    body.push_str("</section>");
    let html = page(
        r#"<meta property="article:modified_time" content="2024-03-02T00:30:00Z">"#,
        &body,
    );
    let doc = synthetic(&html, "2024-03-02T01:00:00Z", &ParseOptions::default());
    assert_eq!(
        times(&doc),
        [
            "2024-03-01T23:40:00Z",
            "2024-03-01T23:55:00Z",
            "2024-03-02T00:10:00Z",
            "2024-03-02T00:25:00Z"
        ]
    );
    // Read at 00:05, the 00:25 entry cannot be today's (beyond the slack of a few
    // minutes): the whole list is a day earlier.
    let doc = synthetic(&html, "2024-03-02T00:05:00Z", &ParseOptions::default());
    assert_eq!(
        times(&doc),
        [
            "2024-02-29T23:40:00Z",
            "2024-02-29T23:55:00Z",
            "2024-03-01T00:10:00Z",
            "2024-03-01T00:25:00Z"
        ]
    );
}

#[test]
fn epoch_millisecond_blocks() {
    let mut body = String::from("<ul class=stream>");
    for (n, ms) in [
        (3, 1_709_415_798_345_i64),
        (2, 1_709_415_682_030),
        (1, 1_709_415_000_000),
    ] {
        body.push_str(&format!(
            "<li data-timestamp=\"{ms}\"><h4>Update {n}</h4><p>By Jane Doe</p><p>Something happened on the red carpet, and then something else happened.</p></li>"
        ));
    }
    body.push_str("</ul>");
    let doc = synthetic(&page("", &body), NOW, &ParseOptions::default());
    assert_eq!(
        times(&doc),
        [
            "2024-03-02T21:43:18Z",
            "2024-03-02T21:41:22Z",
            "2024-03-02T21:30:00Z"
        ]
    );
    assert_eq!(doc.items[0].title, "Update 3");
    assert_eq!(doc.items[0].author.as_deref(), Some("Jane Doe"));
    assert!(
        doc.items[0].text.starts_with("Something happened"),
        "{}",
        doc.items[0].text
    );
}

#[test]
fn amp_live_list_items() {
    let mut body = String::from(
        "<amp-live-list id=live layout=container><div update><button>New posts</button></div><div items>",
    );
    for (n, ms) in [
        (3, 1_692_018_452_000_i64),
        (2, 1_692_018_000_000),
        (1, 1_692_017_000_000),
    ] {
        body.push_str(&format!(
            "<div id=\"post-{n}\" data-sort-time=\"{ms}\"><h2>Goal {n}</h2><p>England score again after a long spell of pressure in the second half.</p></div>"
        ));
    }
    body.push_str("</div></amp-live-list>");
    let doc = synthetic(&page("", &body), NOW, &ParseOptions::default());
    assert_eq!(doc.items.len(), 3);
    assert_eq!(doc.items[0].id.0, "https://example.org/live#post-3");
    assert_eq!(
        doc.items[0].url.as_deref(),
        Some("https://example.org/live#post-3")
    );
    assert_eq!(time(&doc.items[0]), "2023-08-14T13:07:32Z");
}

#[test]
fn five_more_languages() {
    let sentence =
        "Il governo ha annunciato nuove misure dopo la riunione di questa mattina a Roma.";
    for (day, clocks, expected) in [
        (
            "jueves, 18 de julio",
            ["14.05 horas: Uno", "12.30 horas: Dos", "9.15 horas: Tres"],
            "2024-07-18T12:05:00Z",
        ),
        (
            "giovedì 18 luglio",
            ["alle 14.05 - Uno", "alle 12.30 - Due", "alle 9.15 - Tre"],
            "2024-07-18T12:05:00Z",
        ),
        (
            "donderdag 18 juli",
            ["14.05 uur | Een", "12.30 uur | Twee", "9.15 uur | Drie"],
            "2024-07-18T12:05:00Z",
        ),
        (
            "quinta-feira, 18 de julho",
            ["às 14h05 – Um", "às 12h30 – Dois", "às 9h15 – Três"],
            "2024-07-18T12:05:00Z",
        ),
        (
            "czwartek, 18 lipca",
            ["godz. 14:05 Jeden", "godz. 12:30 Dwa", "godz. 9:15 Trzy"],
            "2024-07-18T12:05:00Z",
        ),
    ] {
        let mut body = format!("<article><h2>{day}</h2>");
        for clock in clocks {
            body.push_str(&format!("<p><strong>{clock}</strong></p><p>{sentence}</p>"));
        }
        body.push_str("</article>");
        // The page's day is a day later: the heading decides.
        let html = page(
            r#"<meta property="article:published_time" content="2024-07-19T08:00:00+02:00">"#,
            &body,
        );
        let doc = synthetic(&html, NOW, &ParseOptions::default());
        assert_eq!(doc.items.len(), 3, "{day}");
        assert_eq!(time(&doc.items[0]), expected, "{day}");
        assert!(
            !doc.items[0].title.is_empty() && !doc.items[0].title.contains(':'),
            "{day}: {}",
            doc.items[0].title
        );
        assert_eq!(doc.items[0].text, sentence, "{day}");
    }
}

#[test]
fn bold_clock_alone_then_text_in_the_same_paragraph() {
    let mut body = String::from("<div>");
    for clock in ["17.00", "16.30", "15.45"] {
        body.push_str(&format!("<p><strong>{clock}</strong> {BODY}</p>"));
    }
    body.push_str("</div>");
    let options = ParseOptions {
        timezone: TimeZone::get("Europe/Berlin").expect("tz"),
        date: jiff::civil::Date::new(2024, 7, 18).ok(),
        ..ParseOptions::default()
    };
    let doc = synthetic(&page("", &body), NOW, &options);
    assert_eq!(
        times(&doc),
        [
            "2024-07-18T15:00:00Z",
            "2024-07-18T14:30:00Z",
            "2024-07-18T13:45:00Z"
        ]
    );
    assert_eq!(doc.items[0].title, "");
    assert_eq!(doc.items[0].text, BODY);
}

#[test]
fn a_sidebar_of_timestamped_headlines_is_no_live_blog() {
    let mut body = String::from(
        "<article><h1>Match report</h1><p>A long article without any live entries at all, just prose about the game.</p></article><aside><ul id=scans>",
    );
    for (clock, title) in [
        ("18:30", "Cros évite une opération"),
        ("18:10", "Le PSG recrute"),
        ("17:55", "Nice gagne"),
        ("17:20", "Lens perd"),
    ] {
        body.push_str(&format!(
            "<li><span>{clock}</span> <a href=\"/n/{clock}\">{title}</a></li>"
        ));
    }
    body.push_str("</ul></aside>");
    let html = page(
        r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-09-27T16:45:00Z"}</script>"#,
        &body,
    );
    match run(html.as_bytes(), Format::Auto, &ParseOptions::default(), NOW) {
        Err(ParseError::NoEntries { looked_for }) => {
            assert!(looked_for.contains("LiveBlogPosting"), "{looked_for}");
            assert!(
                looked_for.contains("headings led by a clock"),
                "{looked_for}"
            );
            assert!(looked_for.contains("sidebar"), "{looked_for}");
            assert!(looked_for.chars().count() < 250, "{looked_for}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_format_refuses_html() {
    let html = page("", "<p>Hello</p>");
    match run(html.as_bytes(), Format::Text, &ParseOptions::default(), NOW) {
        Err(ParseError::Invalid { reason, .. }) => assert!(reason.contains("HTML"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ids_survive_new_entries_and_edits() {
    let entry =
        |clock: &str, title: &str, body: &str| format!("<h3>{clock} - {title}</h3><p>{body}</p>");
    let long = format!("{BODY} {BODY}");
    let older = [
        entry("10:05", "Second", &long),
        entry("09:40", "First", &long),
        entry("09:10", "Zeroth", &long),
    ];
    let before = page("", &format!("<div>{}</div>", older.concat()));
    // A new entry on top, and an edit late in the bodies.
    let edited = older
        .concat()
        .replace("folgten.</p>", "folgten. Ergänzt: mehr.</p>");
    let after = page(
        "",
        &format!("<div>{}{edited}</div>", entry("10:30", "Third", BODY)),
    );
    let options = ParseOptions {
        date: jiff::civil::Date::new(2024, 7, 18).ok(),
        ..ParseOptions::default()
    };
    let a = synthetic(&before, NOW, &options);
    let b = synthetic(&after, NOW, &options);
    let ids = |d: &Document| d.items.iter().map(|i| i.id.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b)[1..]);
}

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn configured_start_order_and_zone() {
    use liveblog::model::{ListOrder, Selectors};
    let Some(bytes) = read("fundus__LesEchos_2024_07_18.html") else {
        return;
    };
    let options = ParseOptions {
        selectors: Some(Selectors {
            entry: "div.post-paywall".into(),
            start: Some("p > strong, h3".into()),
            order: Some(ListOrder::NewestFirst),
            timezone: Some("Europe/Paris".into()),
            ..Selectors::default()
        }),
        ..ParseOptions::default()
    };
    let doc = run(&bytes, Format::Html, &options, NOW).expect("entries");
    check_clean("lesechos selectors", &doc);
    assert_eq!(doc.items.len(), 20);
    assert_eq!(doc.items[0].title, "La Bourse de Paris ouvre dans le vert");
    assert_eq!(time(&doc.items[0]), "2024-07-18T07:05:00Z");
    assert_eq!(time(&doc.items[19]), "2024-07-18T05:00:00Z");
    // Oldest first, in another zone: the same clocks read the other way.
    let html = page(
        r#"<meta property="article:modified_time" content="2024-03-02T00:30:00Z">"#,
        "<div class=feed><p><strong>23:40</strong> Polls close across the country tonight, and the count begins.</p>\
         <p><strong>00:10</strong> The first results are expected within the hour, officials said.</p></div>",
    );
    let options = ParseOptions {
        selectors: Some(Selectors {
            entry: "div.feed".into(),
            start: Some("strong".into()),
            order: Some(ListOrder::OldestFirst),
            timezone: Some("America/New_York".into()),
            ..Selectors::default()
        }),
        ..ParseOptions::default()
    };
    let doc = run(html.as_bytes(), Format::Html, &options, NOW).expect("entries");
    // The page was modified at 19:30 on 1 March in New York: the newest entry (00:10)
    // is on the 1st, the one above it on 29 February.
    assert_eq!(
        times(&doc),
        ["2024-03-01T04:40:00Z", "2024-03-01T05:10:00Z"]
    );
    // A bad zone is an error naming it.
    let bad = ParseOptions {
        selectors: Some(Selectors {
            entry: "div.feed".into(),
            timezone: Some("Mars/Olympus".into()),
            ..Selectors::default()
        }),
        ..ParseOptions::default()
    };
    match run(html.as_bytes(), Format::Html, &bad, NOW) {
        Err(ParseError::Invalid { reason, .. }) => {
            assert!(reason.contains("Mars/Olympus"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn config_reads_the_new_selector_keys() {
    use liveblog::config::Config;
    use liveblog::model::ListOrder;
    let text = "[[source]]\nname = \"fil\"\nurl = \"https://example.org/live\"\nformat = \"html\"\n\
                selectors = { entry = \"div.post\", start = \"p > strong, h3\", order = \"newest-first\", timezone = \"Europe/Paris\" }\n";
    let config = Config::parse(text, "test.toml").expect("parses");
    let selectors = config.sources[0]
        .options
        .selectors
        .clone()
        .expect("selectors");
    assert_eq!(selectors.start.as_deref(), Some("p > strong, h3"));
    assert_eq!(selectors.order, Some(ListOrder::NewestFirst));
    assert_eq!(selectors.timezone.as_deref(), Some("Europe/Paris"));
    // An unknown order is a config error naming the line.
    let bad = text.replace("newest-first", "sideways");
    let Err(err) = Config::parse(&bad, "test.toml") else {
        panic!("an unknown order must be an error");
    };
    assert!(
        err.to_string().contains("sideways") || err.to_string().contains("order"),
        "{err}"
    );
}
