//! Compact rows (issue 17): the reader holds each entry as a small row, its body
//! compressed in a block store and its folded text only in the word index. Filtering
//! must give the same rows as the query over the entries themselves, every body must
//! come back as it went in (through edits, evictions and the store's rewrites), and a
//! held entry must cost well under what it did.

mod common;

use std::collections::HashMap;

use common::reader::polled_at;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, Flags, Item, SourceId};
use liveblog::query::Query;
use liveblog::reader::app::{Action, App, EntryKey, Row, update};
use liveblog::store::SourceState;
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "kyiv",
    "Kyïv",
    "drone",
    "strike",
    "peace",
    "deal",
    "ceasefire",
    "café",
    "CAFE",
    "talks",
    "red",
    "cleared",
    "42",
    "4.2",
    "x",
];
const SOURCES: &[&str] = &["BBC News", "Guardian", "Le Monde"];
const AUTHORS: &[&str] = &["Jane Dalton", "Zoë Roe", ""];

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("time")
}

fn words(picks: &[usize]) -> String {
    picks
        .iter()
        .map(|&pick| WORDS[pick % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// One entry from random picks: source, title words (none: a blank headline), author
/// (none, empty or a name), body words, an edit, links in the HTML, minutes old.
type Spec = (usize, Vec<usize>, usize, Vec<usize>, bool, bool, i64);

fn entry((index, spec): (usize, &Spec)) -> Entry {
    let (source, title, author, body, edited, linked, minutes) = spec;
    let text = words(body);
    let url = format!("https://example.org/{index}");
    Entry {
        source: SourceId(SOURCES[source % SOURCES.len()].to_string()),
        item: Item {
            id: EntryId(format!("e{index}")),
            published: Some(now() - jiff::SignedDuration::from_mins(*minutes)),
            updated: None,
            title: words(title),
            author: match author % 4 {
                3 => None,
                pick => Some(AUTHORS[pick].to_string()),
            },
            url: (index % 3 != 0).then_some(url),
            html: linked.then(|| format!("<p>{text} <a href=\"/more/{index}\">more</a></p>")),
            text,
            flags: Flags {
                key_event: index % 5 == 0,
                ..Flags::default()
            },
        },
        first_seen: now(),
        edited: *edited,
        previous_text: edited.then(|| format!("before {}", words(&body[..body.len() / 2]))),
        removed: false,
        read: false,
    }
}

fn reader(entries: Vec<Entry>) -> App {
    let sources = SOURCES
        .iter()
        .map(|name| (SourceId(name.to_string()), SourceState::default()))
        .collect();
    let mut app = App::new(sources, entries, TimeZone::UTC, now());
    app.size = (120, 40);
    app
}

fn key(entry: &Entry) -> EntryKey {
    (entry.source.clone(), entry.item.id.clone())
}

fn query_part() -> impl Strategy<Value = String> {
    let word = prop::sample::select(WORDS).prop_map(str::to_string);
    prop_oneof![
        4 => word.clone(),
        1 => word.clone().prop_map(|w| format!("-{w}")),
        1 => (word.clone(), word.clone()).prop_map(|(a, b)| format!("\"{a} {b}\"")),
        1 => word.clone().prop_map(|w| format!("title:{w}")),
        1 => prop::sample::select(vec!["dalton", "zoe", "roe"]).prop_map(|w| format!("author:{w}")),
        1 => prop::sample::select(vec!["bbc", "guardian", "monde", "le"]).prop_map(|w| format!("source:{w}")),
        1 => prop::sample::select(vec!["since:1h", "since:30m", "since:1d"]).prop_map(str::to_string),
        1 => (word.clone(), word).prop_map(|(a, b)| format!("{a} OR {b}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Filtering the compact rows (the query compiled against the word index, bodies
    /// read back from the store) shows exactly the entries the query matches, tested
    /// on the entries as they were given.
    #[test]
    fn filtering_compact_rows_matches_the_query_over_the_entries(
        specs in prop::collection::vec(
            (
                0..SOURCES.len(),
                prop::collection::vec(0..WORDS.len(), 0..4),
                0usize..4,
                prop::collection::vec(0..WORDS.len(), 0..12),
                any::<bool>(),
                any::<bool>(),
                0i64..3_000,
            ),
            1..60,
        ),
        parts in prop::collection::vec(query_part(), 1..4),
    ) {
        let entries: Vec<Entry> = specs.iter().enumerate().map(entry).collect();
        let input = parts.join(" ");
        let query = Query::parse(&input);
        prop_assume!(query.is_ok());
        let query = query.expect("parses");
        let mut app = reader(entries.clone());
        // Every report on its own: grouping's own rule is tested elsewhere.
        app.grouping = false;
        update(&mut app, Action::StartFilter);
        for c in input.chars() {
            update(&mut app, Action::FilterChar(c));
        }
        update(&mut app, Action::FilterAccept);
        app.finish_filter();
        let mut shown: Vec<String> =
            app.visible.iter().map(|&index| app.rows[index].id().to_string()).collect();
        let mut expected: Vec<String> = entries
            .iter()
            .filter(|entry| query.matches(entry, now()))
            .map(|entry| entry.item.id.0.clone())
            .collect();
        shown.sort();
        expected.sort();
        prop_assert_eq!(shown, expected, "query {:?}", input);
    }
}

/// Entry `n` of `blog` with a body of about `size` bytes, a link in its HTML and, when
/// `edit` > 0, an edit (a new text, the old one kept as the previous text).
fn long_entry(n: usize, size: usize, edit: usize) -> Entry {
    let paragraph = format!("Paragraph of report {n} about the talks in Kyïv, edit {edit}. ");
    let text = paragraph.repeat(size / paragraph.len() + 1);
    let time = Timestamp::from_second(1_700_000_000 + 60 * n as i64).expect("time");
    Entry {
        source: SourceId("blog".to_string()),
        item: Item {
            id: EntryId(format!("r{n}")),
            published: Some(time),
            updated: (edit > 0).then_some(time + jiff::SignedDuration::from_mins(edit as i64)),
            title: format!("Report {n}"),
            author: Some("Jane Dalton".to_string()),
            url: Some(format!("https://example.org/live#r{n}")),
            html: Some(format!(
                "<p>{text}</p><p><a href=\"https://example.org/doc/{n}/{edit}\">the document</a></p>"
            )),
            text,
            flags: Flags::default(),
        },
        first_seen: time,
        edited: edit > 0,
        previous_text: (edit > 0).then(|| format!("Old text of report {n}, edit {}.", edit - 1)),
        removed: false,
        read: false,
    }
}

fn poll(new: Vec<Entry>, updated: Vec<Entry>) -> Action {
    polled_at("blog", now(), new, updated)
}

/// What the reader must give back of an entry: all of it but the HTML, whose links it
/// keeps.
fn assert_held(app: &App, expected: &Entry) {
    let key = key(expected);
    let held = app.find(&key).expect("held");
    let mut want = expected.clone();
    let html = want.item.html.take();
    assert_eq!(held, want, "{}", expected.item.id);
    let row: &Row = app.find_row(&key).expect("row");
    let links = liveblog::parse::links(&html.unwrap_or_default(), expected.item.url.as_deref());
    assert!(!links.is_empty());
    assert_eq!(app.body(row).links, links, "{}", expected.item.id);
}

/// Bodies come back whole after edits (the new text, the previous one, the links),
/// after entries leave the window, and after the store rewrote itself to drop what they
/// left behind.
#[test]
fn bodies_round_trip_through_edits_evictions_and_compaction() {
    let blog = SourceId("blog".to_string());
    let mut app = App::new(
        vec![(blog, SourceState::default())],
        (0..50).map(|n| long_entry(n, 2_000, 0)).collect(),
        TimeZone::UTC,
        now(),
    );
    app.window = 50;
    let mut latest: HashMap<usize, Entry> = (0..50).map(|n| (n, long_entry(n, 2_000, 0))).collect();
    for n in [0, 7, 49] {
        assert_held(&app, &latest[&n]);
    }
    // Edits, twice over: each replaces the body and keeps the text before it.
    for edit in 1..=2 {
        let edited: Vec<Entry> = (0..50)
            .step_by(3)
            .map(|n| long_entry(n, 2_500, edit))
            .collect();
        for entry in &edited {
            latest.insert(entry.item.id.0[1..].parse().expect("n"), entry.clone());
        }
        update(&mut app, poll(Vec::new(), edited));
    }
    for entry in latest.values() {
        assert_held(&app, entry);
    }
    // News pushes the oldest out of the window, in polls, until most of the store is
    // dead: it is rewritten, and every body held still reads back.
    let mut rewritten = false;
    for round in 0..6 {
        let fresh: Vec<Entry> = (0..40)
            .map(|k| long_entry(100 + round * 40 + k, 1_500, 0))
            .rev()
            .collect();
        for entry in &fresh {
            latest.insert(entry.item.id.0[1..].parse().expect("n"), entry.clone());
        }
        let dead_before = app.bodies.dead_bytes();
        update(&mut app, poll(fresh, Vec::new()));
        assert_eq!(app.rows.len(), 50, "round {round}");
        rewritten |= app.bodies.dead_bytes() < dead_before;
        for row in &app.rows {
            let n: usize = row.id()[1..].parse().expect("n");
            assert_held(&app, &latest[&n]);
        }
    }
    assert!(rewritten, "the store was never rewritten");
    assert!(
        app.bodies.dead_bytes() <= app.bodies.live_bytes(),
        "{} dead, {} live",
        app.bodies.dead_bytes(),
        app.bodies.live_bytes()
    );
}

/// Synthetic news of realistic size, as `bench/feeds.py` makes it: a 40–110 byte
/// headline and 2–5 paragraphs of random words from a newsroom's vocabulary (≈ 1 KB of
/// text, ≈ 1.4 KB as a feed item).
fn news(count: usize) -> Vec<Entry> {
    const VOCABULARY: &str = "the a of to in and on for with after minister said government \
        police officials report city people election vote talks ceasefire centre council court \
        crisis market prices energy storm flood fire troops border aid kyiv gaza london \
        washington brussels paris berlin president prime leader opposition party budget tax \
        health hospital school strike union workers rescue missing killed injured drone \
        missile attack defence summit deal peace war statement spokesperson confirmed denied \
        update latest live today morning evening night announced expected could would has \
        have been was were will not but also more than over under new first last year week \
        day hours thousands millions billion percent rate bank inflation growth cabinet \
        campaign candidate capital coalition committee";
    let vocabulary: Vec<&str> = VOCABULARY.split_whitespace().collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let sentence = |low: usize, high: usize, next: &mut dyn FnMut(usize) -> usize| {
        let count = low + next(high - low + 1);
        (0..count)
            .map(|_| vocabulary[next(vocabulary.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    (0..count)
        .map(|n| {
            let paragraphs = 2 + next(4);
            let text = (0..paragraphs)
                .map(|_| {
                    let sentences = 2 + next(3);
                    (0..sentences)
                        .map(|_| sentence(8, 20, &mut next))
                        .collect::<Vec<_>>()
                        .join(". ")
                        + "."
                })
                .collect::<Vec<_>>()
                .join("\n\n");
            let time = Timestamp::from_second(1_760_000_000 - 300 * n as i64).expect("time");
            Entry::new(
                SourceId(format!("Bench feed {:02}", n % 5)),
                Item {
                    id: EntryId(format!("https://bench.example/feed-{:02}/item-{n}", n % 5)),
                    published: Some(time),
                    updated: None,
                    title: sentence(6, 14, &mut next),
                    author: Some("Helen Sullivan".to_string()),
                    url: Some(format!(
                        "https://bench.example/feed-{:02}/item-{n}.html",
                        n % 5
                    )),
                    html: None,
                    text,
                    flags: Flags::default(),
                },
                time,
            )
        })
        .collect()
}

/// A held row is small: its fixed part, and everything the reader holds for it (the
/// row, its strings, its compressed body, its share of the word index) per entry of
/// bench-sized news.
/// Before compact rows an entry cost ≈ 2.7 KB held (the whole `Entry`, its folded
/// copy, its links).
#[test]
fn a_held_entry_costs_a_fraction_of_its_text() {
    let row = std::mem::size_of::<Row>();
    let count = 5_000;
    let entries = news(count);
    let text: usize = entries.iter().map(|entry| entry.item.text.len()).sum();
    let sources: Vec<(SourceId, SourceState)> = (0..5)
        .map(|n| {
            (
                SourceId(format!("Bench feed {n:02}")),
                SourceState::default(),
            )
        })
        .collect();
    let app = App::new(sources, entries, TimeZone::UTC, now());
    assert_eq!(app.rows.len(), count);
    let per_row = app.held_bytes() / count;
    let strings: usize = app.rows.iter().map(Row::heap_bytes).sum::<usize>() / count;
    let bodies = app.bodies.heap_bytes() / count;
    println!(
        "size_of::<Row>() = {row} B; per entry: {per_row} B held ({strings} B of strings, \
         {bodies} B of compressed body, from {} B of text)",
        text / count
    );
    assert!(row <= 224, "size_of::<Row>() = {row}");
    // With the word index's share (about 230 B an entry on this small sample, whose
    // vocabulary is not yet shared by many entries): at most a kibibyte all in, where
    // newsboat holds about 0.9 KB per item.
    assert!(per_row <= 1_024, "{per_row} bytes held per entry");
    assert!(
        bodies * 5 <= (text / count) * 2,
        "bodies compress 2.5x: {bodies} B per entry"
    );
}
