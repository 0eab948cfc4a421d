//! Typing a filter narrows the list incrementally (only the rows shown are tested again
//! when a query can only narrow); the result must always equal filtering from scratch.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, Flags, Item, SourceId};
use liveblog::reader::app::{Action, App, GroupTag, update};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "kyiv", "Kyïv", "title", "drone", "strike", "peace", "deal", "bbc", "ok", "x",
];
const SOURCES: &[&str] = &["bbc", "guardian"];

fn entries(specs: &[(usize, usize, usize)]) -> Vec<Entry> {
    specs
        .iter()
        .enumerate()
        .map(|(index, &(source, title, body))| {
            Entry::new(
                SourceId(SOURCES[source].to_string()),
                Item {
                    id: EntryId(format!("e{index}")),
                    published: Timestamp::from_second(1_800_000_000 - index as i64 * 60).ok(),
                    updated: None,
                    title: format!("{} {}", WORDS[title], WORDS[(title + 3) % WORDS.len()]),
                    author: None,
                    url: None,
                    text: format!("{} and {}", WORDS[body], WORDS[(body + 5) % WORDS.len()]),
                    html: None,
                    flags: Flags::default(),
                },
                Timestamp::from_second(1_800_000_000).expect("time"),
            )
        })
        .collect()
}

fn app(entries: Vec<Entry>) -> App {
    let sources = SOURCES
        .iter()
        .map(|name| (SourceId(name.to_string()), Default::default()))
        .collect();
    App::new(
        sources,
        entries,
        TimeZone::UTC,
        Timestamp::from_second(1_800_000_000).expect("time"),
    )
}

/// The rows the app's current input matches, tested one by one. Reports of one event
/// from both sources (the same words, minutes apart) are grouped: a group shows as its
/// first report when any of its reports matches, and its later reports never alone.
fn from_scratch(app: &App) -> Vec<usize> {
    let query = liveblog::query::Query::parse(&app.filter.input).expect("parses");
    let matches = |index: usize| query.matches(&app.entry_of(&app.rows[index]), app.now);
    (0..app.rows.len())
        .filter(|&index| match app.rows[index].group {
            GroupTag::Member(_) => false,
            GroupTag::Lead(id) => app.group_rows(id).into_iter().any(matches),
            _ => matches(index),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn typed_filter_equals_filter_from_scratch(
        specs in prop::collection::vec((0..SOURCES.len(), 0..WORDS.len(), 0..WORDS.len()), 1..40),
        typed in prop::collection::vec(
            prop_oneof![
                prop::sample::select(WORDS).prop_map(str::to_string),
                prop::sample::select(vec![" ", ":", "title:", "source:", "\"", "-", " OR ", "(", ")", "since:1h"])
                    .prop_map(str::to_string),
            ],
            1..6,
        ),
        backspaces in 0usize..3,
        idle_steps in 0usize..3,
    ) {
        let mut typing = app(entries(&specs));
        update(&mut typing, Action::StartFilter);
        let text: String = typed.concat();
        for c in text.chars() {
            update(&mut typing, Action::FilterChar(c));
            // What the loop runs while no key waits: the list's pass, then the one for
            // a phrase being typed behind it (which the closing quote narrows).
            for _ in 0..idle_steps {
                update(&mut typing, Action::FilterStep);
            }
            if typing.filter.error.is_none() {
                prop_assert_eq!(&typing.visible, &from_scratch(&typing), "after typing {:?}", typing.filter.input);
            }
        }
        for _ in 0..backspaces {
            update(&mut typing, Action::FilterBackspace);
        }
        if typing.filter.error.is_none() {
            prop_assert_eq!(&typing.visible, &from_scratch(&typing), "after backspaces {:?}", typing.filter.input);
        }
    }
}
