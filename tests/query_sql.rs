//! The query language gives the same answer in memory (the TUI's filter) and compiled
//! to SQL + FTS5 over the cache (`list --filter`), on the same data.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};
use liveblog::model::{EntryId, Item, SourceId};
use liveblog::query::Query;
use liveblog::store::Store;
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "ceasefire",
    "Kyïv",
    "kyiv",
    "peace",
    "deal",
    "drone",
    "Zoë",
    "Ångström",
    "strike",
    "talks",
    "opinion",
    "Straße",
    "rain",
    "storm",
    "deal-breaker",
    "東京",
    "ok",
    "Red",
    "cleared",
    "red-handed",
    "(storm)",
    "Kyiv’s",
    "和平协议",
    // Words next to other scripts, digits, marks and symbols: where the word index
    // (SQL path) splits words must agree with where the matcher sees word starts.
    "東京ceasefire",
    "drone東京",
    "Київ",
    "ΚΥΡΙΑΚΗ",
    "9/11",
    "co-op",
    "x²talks",
    "e\u{301}clair",
    "ﬁnance",
    "İstanbul",
    "peace🙂deal",
    "ǅemal",
    "talks_deal",
    "storm\u{200d}feed",
];
const SOURCES: &[&str] = &[
    "Guardian live",
    "BBC News",
    "Kyïv Independent",
    "Storm feed",
];
const AUTHORS: &[&str] = &["Dan Dalton", "Zoë Ångström", "", "Jane Roe", "Ed Red"];

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..8).prop_map(|words| words.join(" "))
}

fn item_strategy() -> impl Strategy<Value = (usize, String, String, usize, i64)> {
    (
        0..SOURCES.len(),
        sentence(),
        sentence(),
        0..AUTHORS.len(),
        0i64..72 * 3600,
    )
}

fn term() -> impl Strategy<Value = String> {
    let word = prop::sample::select(WORDS).prop_map(|w| w.to_string());
    let prefix = prop::sample::select(WORDS).prop_map(|w| w.chars().take(3).collect::<String>());
    // Any piece of a word: starts of words match, the middles of words do not.
    let piece = (prop::sample::select(WORDS), 0usize..6, 1usize..5).prop_map(|(w, skip, take)| {
        let piece: String = w.chars().skip(skip).take(take).collect();
        if piece.trim().is_empty() || piece == "OR" {
            w.to_string()
        } else {
            piece
        }
    });
    prop_oneof![
        word.clone(),
        prefix,
        piece.clone(),
        piece.clone().prop_map(|p| format!("-{p}")),
        piece.clone().prop_map(|p| format!("title:{p}")),
        piece.prop_map(|p| format!("author:{p}")),
        word.clone().prop_map(|w| format!("-{w}")),
        (word.clone(), word.clone()).prop_map(|(a, b)| format!("\"{a} {b}\"")),
        (word.clone(), word.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
        prop::sample::select(vec![
            "source:bbc",
            "source:kyiv",
            "author:dalton",
            "author:zoe",
            "source:storm",
            "source:orm",
            "storm",
            "feed",
            "\"storm feed\"",
            "red",
            "title:red",
            "author:red",
            "author:\"ed r\"",
        ])
        .prop_map(str::to_string),
        word.clone().prop_map(|w| format!("title:{w}")),
        prop::sample::select(vec!["since:2h", "since:1d", "since:30m"]).prop_map(str::to_string),
        (word.clone(), word).prop_map(|(a, b)| format!("({a} OR -{b})")),
    ]
}

fn query_text() -> impl Strategy<Value = String> {
    prop::collection::vec(term(), 0..4).prop_map(|terms| terms.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn sql_and_memory_agree(items in prop::collection::vec(item_strategy(), 0..25), text in query_text()) {
        let Ok(query) = Query::parse(&text) else { return Ok(()) };
        let mut store = Store::open_in_memory().expect("store");
        let now = Timestamp::from_second(1_800_000_000).expect("time");
        for (index, (source, title, body, author, age)) in items.into_iter().enumerate() {
            let item = Item {
                id: EntryId(format!("e{index}")),
                published: Some(now - SignedDuration::from_secs(age)),
                updated: None,
                title,
                author: Some(AUTHORS[author].to_string()).filter(|a| !a.is_empty()),
                url: None,
                text: body,
                html: None,
                flags: Default::default(),
            };
            store.apply(&SourceId(SOURCES[source].to_string()), &[item], now).expect("apply");
        }
        let all = store.entries(None).expect("entries");
        let in_memory: BTreeSet<String> = all
            .iter()
            .filter(|entry| query.matches(entry, now))
            .map(|entry| format!("{}/{}", entry.source, entry.item.id))
            .collect();
        let in_sql: BTreeSet<String> = store
            .query(&query, now, None)
            .expect("query")
            .iter()
            .map(|entry| format!("{}/{}", entry.source, entry.item.id))
            .collect();
        prop_assert_eq!(in_memory, in_sql, "query {:?}", text);
    }
}

#[test]
fn sql_query_is_newest_first_and_limited() {
    let mut store = Store::open_in_memory().expect("store");
    let now = Timestamp::from_second(1_800_000_000).expect("time");
    for minutes in 0..10 {
        let item = Item {
            id: EntryId(format!("m{minutes}")),
            published: Some(now - SignedDuration::from_mins(minutes)),
            updated: None,
            title: format!("Drone strike update {minutes}"),
            author: None,
            url: None,
            text: "Kyïv".to_string(),
            html: None,
            flags: Default::default(),
        };
        store
            .apply(&SourceId("s".into()), &[item], now)
            .expect("apply");
    }
    let query = Query::parse("kyiv drone").expect("query");
    let found = store.query(&query, now, Some(3)).expect("query");
    let ids: Vec<&str> = found.iter().map(|entry| entry.item.id.0.as_str()).collect();
    assert_eq!(ids, ["m0", "m1", "m2"]);
}

#[test]
fn sql_words_match_at_word_starts_and_sources_only_through_source() {
    let mut store = Store::open_in_memory().expect("store");
    let now = Timestamp::from_second(1_800_000_000).expect("time");
    let entries = [
        ("Storm feed", "a", "Sensor cleared", "Windy"),
        ("Storm feed", "b", "Rain", "The Red Cross, red-handed"),
        ("BBC News", "c", "Storm warning", "in Kyïv"),
    ];
    for (source, id, title, text) in entries {
        let item = Item {
            id: EntryId(id.to_string()),
            published: Some(now),
            updated: None,
            title: title.to_string(),
            author: None,
            url: None,
            text: text.to_string(),
            html: None,
            flags: Default::default(),
        };
        store
            .apply(&SourceId(source.into()), &[item], now)
            .expect("apply");
    }
    let mut found = |text: &str| -> Vec<String> {
        let query = Query::parse(text).expect("query");
        let mut ids: Vec<String> = store
            .query(&query, now, None)
            .expect("query")
            .iter()
            .map(|entry| entry.item.id.0.clone())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(found("red"), ["b"]);
    assert_eq!(found("handed"), ["b"]);
    assert_eq!(found("title:red"), Vec::<String>::new());
    assert_eq!(found("-red"), ["a", "c"]);
    assert_eq!(found("kyi"), ["c"]);
    assert_eq!(found("storm"), ["c"]);
    assert_eq!(found("\"storm\""), ["c"]);
    assert_eq!(found("source:storm"), ["a", "b"]);
    assert_eq!(found("source:orm"), ["a", "b"]);
    assert_eq!(found("orm"), Vec::<String>::new());
}
