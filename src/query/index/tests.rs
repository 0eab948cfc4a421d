//! The index gives exactly the rows [`Query::matches_prepared`] gives, and asks for the
//! text only when it cannot answer alone.

use std::cell::Cell;
use std::collections::BTreeMap;

use jiff::ToSpan;
use proptest::prelude::*;

use super::*;
use crate::model::Entry;
use crate::query::tests::{entry_at, now};

fn entry(source: &str, title: &str, author: Option<&str>, text: &str, age_min: i64) -> Entry {
    entry_at(source, title, author, text, now() - age_min.minutes())
}

/// An index over some entries, the slots' prepared forms alongside.
struct Indexed {
    index: WordIndex,
    rows: BTreeMap<u32, Prepared>,
    /// The entries themselves, by slot (for the staged test, which folds the fields
    /// without the body first).
    entries: BTreeMap<u32, Entry>,
    next: u32,
}

impl Indexed {
    fn new(entries: &[Entry]) -> Indexed {
        let mut held = Indexed {
            index: WordIndex::new(),
            rows: BTreeMap::new(),
            entries: BTreeMap::new(),
            next: 0,
        };
        for e in entries {
            held.insert(e);
        }
        held
    }

    fn insert(&mut self, e: &Entry) -> u32 {
        let slot = self.next;
        self.next += 1;
        let prepared = Prepared::new(e);
        self.index.insert(slot, &prepared);
        self.rows.insert(slot, prepared);
        self.entries.insert(slot, e.clone());
        slot
    }

    fn remove(&mut self, slot: u32) {
        self.entries.remove(&slot);
        if let Some(prepared) = self.rows.remove(&slot) {
            self.index.remove(slot, &prepared);
        }
    }

    /// The slots the index says match, and how many times it asked for a text.
    fn filter(&self, query: &str) -> (Vec<u32>, usize) {
        let (query, _) = Query::parse_typing(query).unwrap();
        let compiled = self.index.compile(&query);
        let calls = Cell::new(0);
        let slots = self
            .rows
            .iter()
            .filter(|(slot, prepared)| {
                let held = Held {
                    slot: **slot,
                    time: prepared.time(),
                    source: prepared.source(),
                };
                compiled.test(held, now(), || {
                    calls.set(calls.get() + 1);
                    (*prepared).clone()
                })
            })
            .map(|(slot, _)| *slot)
            .collect();
        (slots, calls.get())
    }

    /// The slots the index says match when the text comes in stages (the fields,
    /// then the whole entry), and how many times it asked for the body.
    fn filter_staged(&self, query: &str) -> (Vec<u32>, usize) {
        let (query, _) = Query::parse_typing(query).unwrap();
        let compiled = self.index.compile(&query);
        let bodies = Cell::new(0);
        // One set of buffers for every entry, as a filter pass keeps them.
        let buffers = std::cell::RefCell::new(StagedText::default());
        let slots = self
            .entries
            .iter()
            .filter(|(slot, e)| {
                let prepared = &self.rows[*slot];
                let held = Held {
                    slot: **slot,
                    time: prepared.time(),
                    source: prepared.source(),
                };
                compiled.test_staged(held, now(), &mut buffers.borrow_mut(), |stage, out| {
                    let author = e.item.author.as_deref().unwrap_or("");
                    let fields = match stage {
                        Stage::Fields => [e.item.title.as_str(), author, &e.source.0, ""],
                        Stage::Body => {
                            bodies.set(bodies.get() + 1);
                            ["", "", "", &e.item.text]
                        }
                    };
                    out.fold_fields(fields, e.sort_time());
                })
            })
            .map(|(slot, _)| *slot)
            .collect();
        (slots, bodies.get())
    }

    /// The slots the text matcher says match.
    fn expected(&self, query: &str) -> Vec<u32> {
        let (query, _) = Query::parse_typing(query).unwrap();
        self.rows
            .iter()
            .filter(|(_, prepared)| query.matches_prepared(prepared, now()))
            .map(|(slot, _)| *slot)
            .collect()
    }

    /// Checks the index against the matcher; returns how many texts it asked for.
    fn check(&self, query: &str) -> usize {
        let (got, calls) = self.filter(query);
        let expected = self.expected(query);
        assert_eq!(got, expected, "query {query:?}");
        let (staged, bodies) = self.filter_staged(query);
        assert_eq!(staged, expected, "query {query:?}, staged");
        assert!(
            bodies <= calls,
            "query {query:?}: {bodies} bodies, {calls} texts"
        );
        calls
    }
}

fn news() -> Vec<Entry> {
    vec![
        entry(
            "Guardian live",
            "Drone strike",
            Some("Ed Dalton"),
            "Ceasefire talks in Kyiv",
            10,
        ),
        entry(
            "BBC News",
            "Sensor cleared",
            Some("Jane Dalton"),
            "red",
            200,
        ),
        entry("Storm feed", "Rain later", None, "Windy and wet", 30),
        entry(
            "Kyiv Independent",
            "Kyïv’s mayor",
            None,
            "see foo:bar here",
            5,
        ),
        entry("x", "", None, "foo bar, covid-19 and a peace-deal", 400),
        entry("x", "达成和平协议", None, "caught red-handed", 1),
    ]
}

#[test]
fn words_of_word_characters_never_ask_for_the_text() {
    let held = Indexed::new(&news());
    for query in [
        "ceasefire kyiv",
        "kyi",
        "KYÏ",
        "c",
        "red",
        "-red",
        "red OR kyiv",
        "title:dro",
        "author:dal",
        "-author:jane",
        "since:2h kyiv",
        "source:bbc red",
        "source:storm OR -(red talks)",
        "storm",
        "nothing",
        "covid 19",
        "",
    ] {
        assert_eq!(held.check(query), 0, "query {query:?}");
    }
    let compiled = held
        .index
        .compile(&Query::parse("kyiv -red since:1h").unwrap());
    assert!(compiled.is_index_only());
    assert!(!Query::parse("kyiv -red since:1h").unwrap().reads_text());
}

#[test]
fn the_source_name_is_not_indexed() {
    let held = Indexed::new(&news());
    assert_eq!(held.filter("storm").0, Vec::<u32>::new());
    assert_eq!(held.filter("independent").0, Vec::<u32>::new());
    assert_eq!(held.filter("source:storm").0, vec![2]);
    assert_eq!(held.filter("kyiv").0, vec![0, 3]);
}

#[test]
fn punctuation_and_phrases_verify_only_candidates() {
    let held = Indexed::new(&news());
    // Only entry 3 holds the tokens `foo` and `bar...`; entry 4 too, and is rejected.
    assert_eq!(held.filter("foo:bar"), (vec![3], 2));
    // Entry 0 holds `kyiv` and a word starting with `s`: a candidate.
    assert_eq!(held.filter("kyiv's"), (vec![3], 2));
    assert_eq!(held.filter("covid-19"), (vec![4], 1));
    assert_eq!(held.filter("\"peace deal\""), (vec![4], 1));
    assert_eq!(held.filter("\"deal peace\""), (vec![], 1));
    assert_eq!(held.filter("\"talks kyiv\""), (vec![], 1));
    assert_eq!(
        held.filter("\"talks rain\""),
        (vec![], 0),
        "no entry holds both"
    );
    assert_eq!(held.filter("red-handed"), (vec![5], 1));
    // Exact words narrow first: the phrase is verified only where `ceasefire` is.
    assert_eq!(held.filter("zzz \"peace deal\""), (vec![], 0));
    assert_eq!(held.filter("title:\"sensor cl\""), (vec![1], 1));
    assert_eq!(held.filter("title:\"sor cl\""), (vec![], 0));
    for query in [
        "foo:bar",
        "kyiv's",
        "\"peace deal\"",
        "red -covid-19",
        "title:\"a b\"",
    ] {
        assert!(Query::parse(query).unwrap().reads_text(), "query {query:?}");
    }
}

#[test]
fn a_match_in_the_title_or_author_never_reads_the_body() {
    let held = Indexed::new(&news());
    // Phrases and punctuated words found in the title or author: no body read back.
    assert_eq!(held.filter_staged("\"drone strike\""), (vec![0], 0));
    assert_eq!(held.filter_staged("\"ed dalton\""), (vec![0], 0));
    assert_eq!(
        held.filter_staged("kyiv's"),
        (vec![3], 1),
        "entry 0 reads its body"
    );
    assert_eq!(held.filter_staged("title:\"sensor cl\""), (vec![1], 0));
    // Not found there: the body decides.
    assert_eq!(held.filter_staged("\"peace deal\""), (vec![4], 1));
    assert_eq!(
        held.filter_staged("-\"peace deal\""),
        (vec![0, 1, 2, 3, 5], 1)
    );
}

#[test]
fn scripts_without_spaces_get_candidates_too() {
    let held = Indexed::new(&news());
    assert_eq!(held.filter("和平"), (vec![5], 1));
    assert_eq!(held.filter("平协"), (vec![5], 1));
    assert_eq!(held.filter("\"和平\""), (vec![5], 1));
    assert_eq!(held.filter("协和"), (vec![], 1));
    assert_eq!(held.filter("和 kyiv"), (vec![], 0));
}

#[test]
fn the_text_is_asked_for_once_per_entry() {
    let held = Indexed::new(&news());
    // Three parts need the text of entry 4; it is made once.
    assert_eq!(
        held.filter("foo:bar OR covid-19 OR \"peace deal\""),
        (vec![3, 4], 2)
    );
    assert_eq!(
        held.check("'s"),
        3,
        "the entries with a word starting with s"
    );
    assert_eq!(held.check("!!"), 6, "no token: every entry is a candidate");
}

#[test]
fn removing_forgets_every_token() {
    let entries = news();
    let mut held = Indexed::new(&entries);
    assert!(held.index.token_counts().iter().all(|&n| n > 0));
    let empty_bytes = WordIndex::new().heap_bytes();
    for slot in 0..entries.len() as u32 {
        held.remove(slot);
    }
    assert_eq!(held.index.token_counts(), [0, 0, 0]);
    assert!(held.index.is_empty());
    assert_eq!(held.index.heap_bytes(), empty_bytes);
}

#[test]
fn an_edit_replaces_the_words() {
    let mut held = Indexed::new(&news());
    held.remove(0);
    let slot = held.insert(&entry("Guardian live", "Truce holds", None, "Quiet", 0));
    assert_eq!(held.filter("ceasefire").0, Vec::<u32>::new());
    assert_eq!(held.filter("drone").0, Vec::<u32>::new());
    assert_eq!(held.filter("truce").0, vec![slot]);
    assert_eq!(held.filter("-truce").0, vec![1, 2, 3, 4, 5]);
    assert_eq!(held.filter("kyiv").0, vec![3]);
}

#[test]
fn exact_slots_are_the_slots_that_test_true() {
    let mut held = Indexed::new(&news());
    held.remove(1);
    for query in ["red", "-red", "kyiv OR title:sens", "-(c d)", "covid 19"] {
        let compiled = held.index.compile(&Query::parse(query).unwrap());
        let slots: Vec<u32> = compiled.exact_slots().unwrap().collect();
        assert_eq!(slots, held.filter(query).0, "query {query:?}");
    }
    for query in [
        "",
        "red since:1h",
        "source:bbc",
        "foo:bar",
        "\"peace deal\"",
    ] {
        let compiled = held.index.compile(&Query::parse(query).unwrap());
        assert!(compiled.exact_slots().is_none(), "query {query:?}");
    }
}

#[test]
fn the_empty_query_matches_without_the_text() {
    let held = Indexed::new(&news());
    assert_eq!(held.filter(""), (vec![0, 1, 2, 3, 4, 5], 0));
}

const ENTRY_WORDS: &[&str] = &[
    "Kyiv",
    "Kyïv",
    "kyiv’s",
    "Kyiv's",
    "kyivan",
    "foo:bar",
    "foo",
    "bar",
    "barn",
    "covid-19",
    "COVID",
    "19",
    "1919",
    "ceasefire",
    "cease",
    "fire",
    "peace",
    "deal",
    "peace-deal",
    "和平",
    "达成和平协议",
    "平",
    "red-handed",
    "red",
    "cleared",
    "Straße",
    "strasse",
    "!!",
    "Zoë",
    "zoe",
    "a",
    "ab",
    "abc",
    "b",
    "(red)",
    "ÉLAN",
    "élan",
    "'s",
    "δρόμος",
    "Ψ",
    "e\u{301}",
    "x1",
];

const SEPARATORS: &[&str] = &[" ", " ", " ", "-", ", ", "'", ":", "", "\n", "“"];

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(ENTRY_WORDS),
            prop::sample::select(SEPARATORS),
        ),
        0..max,
    )
    .prop_map(|parts| parts.into_iter().flat_map(|(w, s)| [w, s]).collect())
}

fn any_entry() -> impl Strategy<Value = Entry> {
    (
        prop::sample::select(&["Kyiv Independent", "BBC", "peace feed", "和平 news", ""][..]),
        text(4),
        prop::option::of(text(3)),
        text(8),
        0i64..600,
    )
        .prop_map(|(source, title, author, body, age)| {
            entry(source, &title, author.as_deref(), &body, age)
        })
}

const QUERY_WORDS: &[&str] = &[
    "k",
    "ky",
    "kyi",
    "kyiv",
    "kyïv",
    "kyiv's",
    "kyivs",
    "foo:bar",
    "foo:",
    "foo",
    ":bar",
    "bar",
    "'s",
    "covid-19",
    "covid-",
    "19",
    "和",
    "平协",
    "和平",
    "cease",
    "ceasefire",
    "fire",
    "peace",
    "red",
    "handed",
    "red-handed",
    "strasse",
    "straße",
    "zoe",
    "ÉL",
    "a",
    "ab",
    "!!",
    "e",
    "x",
    "δ",
    "ψ",
    "b",
    "1",
    "deal",
];

fn leaf() -> impl Strategy<Value = String> {
    let word = prop::sample::select(QUERY_WORDS).prop_map(str::to_string);
    let phrase = prop::collection::vec(prop::sample::select(QUERY_WORDS), 1..4)
        .prop_map(|words| format!("\"{}\"", words.join(" ")));
    let field = (
        prop::sample::select(&["title", "author", "source"][..]),
        prop::sample::select(QUERY_WORDS),
    )
        .prop_map(|(field, value)| format!("{field}:{value}"));
    let quoted_field = (
        prop::sample::select(&["title", "author", "source"][..]),
        prop::collection::vec(prop::sample::select(QUERY_WORDS), 1..3),
    )
        .prop_map(|(field, words)| format!("{field}:\"{}\"", words.join(" ")));
    let since =
        prop::sample::select(&["since:1h", "since:5h", "since:30m"][..]).prop_map(str::to_string);
    prop_oneof![4 => word, 2 => phrase, 2 => field, 1 => quoted_field, 1 => since]
}

fn any_query() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|parts| parts.join(" ")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            prop::collection::vec(inner, 1..3).prop_map(|parts| format!("({})", parts.join(" "))),
        ]
    })
}

/// What happens to the held entries before the queries run.
#[derive(Debug, Clone)]
enum Change {
    Remove(prop::sample::Index),
    Edit(prop::sample::Index, Entry),
    Add(Entry),
}

fn any_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Change::Remove),
        (any::<prop::sample::Index>(), any_entry()).prop_map(|(i, e)| Change::Edit(i, e)),
        any_entry().prop_map(Change::Add),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_index_gives_the_rows_the_matcher_gives(
        entries in prop::collection::vec(any_entry(), 0..16),
        changes in prop::collection::vec(any_change(), 0..8),
        queries in prop::collection::vec(any_query(), 1..6),
    ) {
        let mut held = Indexed::new(&entries);
        for change in changes {
            let live: Vec<u32> = held.rows.keys().copied().collect();
            match change {
                Change::Remove(i) if !live.is_empty() => held.remove(live[i.index(live.len())]),
                Change::Edit(i, e) if !live.is_empty() => {
                    held.remove(live[i.index(live.len())]);
                    held.insert(&e);
                }
                Change::Add(e) | Change::Edit(_, e) => {
                    held.insert(&e);
                }
                Change::Remove(_) => {}
            }
        }
        for query in &queries {
            let Ok(parsed) = Query::parse(query) else { continue };
            let calls = held.check(query);
            let compiled = held.index.compile(&parsed);
            if compiled.is_index_only() {
                prop_assert_eq!(calls, 0, "query {:?}", query);
            }
            // What the query says of itself holds for every index it compiles against.
            if !parsed.reads_text() {
                prop_assert!(compiled.is_index_only(), "query {:?}", query);
            }
            for prepared in held.rows.values() {
                prop_assert_eq!(
                    compiled.test_prepared(prepared, now()),
                    parsed.matches_prepared(prepared, now())
                );
            }
            // As typed: every prefix, quotes left open included (`"peace de`).
            let ends = query.char_indices().map(|(at, _)| at).skip(1);
            for typed in ends.filter_map(|end| query.get(..end)) {
                if Query::parse_typing(typed).is_ok() {
                    held.check(typed);
                }
            }
        }
        let live: Vec<u32> = held.rows.keys().copied().collect();
        for slot in live {
            held.remove(slot);
        }
        prop_assert_eq!(held.index.token_counts(), [0, 0, 0]);
    }
}

#[test]
fn dense_slots_hold_exactly_their_slots_and_are_made_only_when_small() {
    use super::plan::DenseSlots;

    let slots: RoaringBitmap = [3u32, 64, 70, 200, 4_000].into_iter().collect();
    let dense = DenseSlots::of(&slots).expect("few and close together");
    for slot in 0..5_000 {
        assert_eq!(dense.contains(slot), slots.contains(slot), "slot {slot}");
    }
    let empty = DenseSlots::of(&RoaringBitmap::new()).expect("nothing to hold");
    assert!(!empty.contains(0));
    let spread: RoaringBitmap = [1u32, u32::MAX - 1].into_iter().collect();
    assert!(DenseSlots::of(&spread).is_none(), "too far apart");
    let many: RoaringBitmap = (0..200_000u32).collect();
    assert!(
        DenseSlots::of(&many).is_none(),
        "too many to set one by one"
    );
}

#[test]
fn a_query_of_many_slots_is_still_decided_by_the_slot() {
    // Over 65,536 matches: no dense copy, the bitmap answers.
    let mut index = WordIndex::new();
    let prepared = Prepared::new(&entry("s", "ceasefire", None, "talks", 1));
    for slot in 0..70_000 {
        index.insert(slot, &prepared);
    }
    let compiled = index.compile(&Query::parse("cease").unwrap());
    assert_eq!(compiled.test_slot(69_999), Some(true));
    assert_eq!(compiled.test_slot(70_000), Some(false));
    let none = index.compile(&Query::parse("drone").unwrap());
    assert_eq!(none.test_slot(5), Some(false));
    let verified = index.compile(&Query::parse("\"ceasefire talks\"").unwrap());
    assert_eq!(
        verified.test_slot(5),
        None,
        "a phrase is confirmed on the text"
    );
}
