//! The query language: one parser for the TUI's `/`, `--filter`, saved filters and alerts.
//!
//! ```text
//! ceasefire kyiv            both words (juxtaposition is AND)
//! ceasefire OR truce        either (`OR` uppercase only; binds tighter than juxtaposition)
//! -opinion                  not (also -"a phrase", -source:x, -(a b))
//! "peace deal"              phrase: whole words, in order, punctuation between them ignored
//! source:guardian           substring of the source name (source:"bbc news" for spaces)
//! author:dalton             starts a word of the author (author:dal finds Dalton)
//! title:drone               starts a word of the title
//! since:2h                  sorted within 2 hours before now (s, m, h, d, w; 1h30m)
//! (a OR b) c                grouping
//! ```
//!
//! Everything is case-insensitive and accent-folded ([`fold`]). A bare word matches
//! where a word of the title, author or text begins (`kyi` finds `Kyiv`, `red` finds
//! `Red Cross` and `red-handed` but not `cleared`), so a half-typed word already
//! matches; in scripts written without spaces (CJK, Thai…) any position is a word
//! start. Source names match only through `source:`, never bare words or phrases.
//! Unknown `foo:bar` prefixes are plain words.
//!
//! For filtering many entries, fold each entry once into a [`Prepared`] and call
//! [`Query::matches_prepared`], which does not allocate.

mod fold;
mod index;
mod matcher;
mod parser;
mod prepared;
mod sql;
mod tree;

pub use fold::{fold, highlight_ranges};
pub use index::{Held, IndexedQuery, Stage, StagedText, WordIndex};
pub use matcher::Query;
pub use parser::{MAX_TERMS, QueryError, duration_seconds};
pub use prepared::Prepared;
pub use sql::{SqlFilter, register_functions};

#[cfg(test)]
pub(crate) mod tests {
    use super::parser::{OR_HELP, SINCE_HELP};
    use super::*;
    use crate::model::{Entry, EntryId, Item, SourceId};
    use jiff::Timestamp;
    use proptest::prelude::*;
    use std::ops::Range;

    /// The clock of the query tests (and the word index's).
    pub(crate) fn now() -> Timestamp {
        "2024-05-01T12:00:00Z".parse().unwrap()
    }

    fn entry(source: &str, title: &str, author: Option<&str>, text: &str) -> Entry {
        entry_at(source, title, author, text, now())
    }

    /// Entry "1" of `source`, published (and first seen) at `published`.
    pub(crate) fn entry_at(
        source: &str,
        title: &str,
        author: Option<&str>,
        text: &str,
        published: Timestamp,
    ) -> Entry {
        Entry::new(
            SourceId(source.to_string()),
            Item {
                id: EntryId("1".to_string()),
                published: Some(published),
                updated: None,
                title: title.to_string(),
                author: author.map(str::to_string),
                url: None,
                text: text.to_string(),
                html: None,
                flags: Default::default(),
            },
            published,
        )
    }

    fn text(body: &str) -> Entry {
        entry("Guardian", "", None, body)
    }

    fn q(query: &str) -> Query {
        Query::parse(query).unwrap()
    }

    fn m(query: &str, e: &Entry) -> bool {
        let query = q(query);
        let prepared = query.matches_prepared(&Prepared::new(e), now());
        assert_eq!(prepared, query.matches(e, now()));
        prepared
    }

    fn err(query: &str) -> (String, usize) {
        let e = Query::parse(query).unwrap_err();
        (e.message, e.column)
    }

    #[test]
    fn empty_matches_everything() {
        for s in ["", "   ", "\t\n"] {
            assert!(q(s).is_empty());
            assert!(m(s, &text("anything")));
        }
        assert!(!q("x").is_empty());
    }

    #[test]
    fn fold_examples() {
        assert_eq!(fold("Kyïv"), "kyiv");
        assert_eq!(fold("Zoë Ångström"), "zoe angstrom");
        assert_eq!(fold("Straße ẞ"), "strasse ss");
        assert_eq!(fold("Æsir Øresund Łódź"), "aesir oresund lodz");
        assert_eq!(fold("Kyiv’s “deal”"), "kyiv's \"deal\"");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("e\u{301}te\u{301}"), "ete");
        assert_eq!(fold("Ёлка Ψ"), "елка ψ");
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold("οδός"), "οδοσ");
        assert_eq!(fold("東京 서울"), "東京 서울");
        assert_eq!(fold("a\u{a0}b\u{ad}c"), "a bc");
        assert_eq!(fold("Plain ASCII"), "plain ascii");
    }

    #[test]
    fn words_are_anded_word_starts_of_title_author_text() {
        let e = entry(
            "Guardian live",
            "Drone strike",
            Some("Ed Dalton"),
            "Ceasefire talks in Kyiv",
        );
        assert!(m("ceasefire kyiv", &e));
        assert!(m("CEASEFIRE", &e));
        assert!(m("kyi", &e), "half-typed word");
        assert!(m("drone dalton", &e));
        assert!(
            !m("drone guardian", &e),
            "the source name only through source:"
        );
        assert!(!m("ceasefire moscow", &e));
        assert!(
            m("foo:bar", &text("see foo:bar here")),
            "unknown prefix is a word"
        );
        assert!(!m("foo:bar", &text("foo bar")));
    }

    #[test]
    fn words_match_at_word_starts() {
        assert!(m("kyi", &text("Ceasefire talks in Kyiv")));
        assert!(m("kyi", &text("in Kyïv today")), "accents folded");
        assert!(m("KYÏ", &text("in kyiv today")));
        assert!(m("red", &text("The Red Cross said")));
        assert!(m("red", &text("caught red-handed")));
        assert!(m("handed", &text("caught red-handed")));
        assert!(m("red", &text("(red)")));
        assert!(m("red", &text("red")));
        assert!(!m("red", &text("Sensor cleared")));
        assert!(
            m("red", &text("Sensor cleared, then red")),
            "a later hit counts"
        );
        assert!(!m("ire", &text("ceasefire")));
        assert!(m("2024", &text("in 2024")));
        assert!(!m("024", &text("in 2024")));
        assert!(
            m("'s", &text("Kyiv’s mayor")),
            "starts with a non-word char"
        );
        assert!(
            m("和平", &text("达成和平协议")),
            "CJK: any position is a word start"
        );
        assert!(m("平协", &text("达成和平协议")));
        // Negation is the opposite.
        assert!(m("-red", &text("Sensor cleared")));
        assert!(!m("-red", &text("Red Cross")));
        assert!(!m("-kyi", &text("Kyïv")));
        // Fields too.
        let e = entry("BBC News", "Sensor cleared", Some("Jane Dalton"), "red");
        assert!(!m("title:red", &e));
        assert!(m("title:sens", &e));
        assert!(m("title:\"sensor cl\"", &e));
        assert!(!m("title:\"sor cl\"", &e));
        assert!(m("red", &e), "the text has it");
        assert!(m("author:dal", &e));
        assert!(!m("author:alton", &e));
        assert!(!m("author:jane -title:cleared", &e));
    }

    #[test]
    fn source_names_match_only_through_source() {
        let e = entry("Storm feed", "Rain later", Some("Ed"), "Windy and wet");
        assert!(!m("storm", &e));
        assert!(!m("feed", &e));
        assert!(!m("\"storm feed\"", &e));
        assert!(!m("\"storm\"", &e));
        assert!(m("-storm", &e));
        assert!(m("source:storm", &e));
        assert!(m("source:orm", &e), "source: is a substring");
        assert!(m("source:\"storm feed\"", &e));
        assert!(m("source:storm rain", &e));
        assert!(m("storm OR rain", &e));
        // Still found in the text after the source name.
        let e = entry("Storm feed", "", None, "A storm is coming");
        assert!(m("storm", &e));
        assert!(m("\"storm\"", &e));
        let e = entry("Storm feed", "Storm warning", None, "");
        assert!(m("storm", &e));
        assert!(m("\"storm warning\"", &e));
        let e = entry("Storm", "", Some("Storm Reid"), "");
        assert!(m("storm", &e), "the author");
        assert!(!m("\"storm storm\"", &e), "not across fields");
    }

    #[test]
    fn accents_fold_both_ways() {
        assert!(m("Kyïv", &text("in kyiv today")));
        assert!(m("kyiv", &text("in Kyïv today")));
        assert!(m("zoe", &entry("x", "", Some("Zoë Ångström"), "")));
        assert!(m("strasse", &text("Haupt-Straße")));
        assert!(!m("strasse", &text("Hauptstraße")), "not inside a word");
        assert!(m("kyiv's", &text("Kyiv’s mayor")));
    }

    #[test]
    fn or_and_not() {
        assert!(m("ceasefire OR truce", &text("a truce")));
        assert!(m("ceasefire OR truce", &text("a ceasefire")));
        assert!(!m("ceasefire OR truce", &text("war")));
        assert!(m("or", &text("this or that")), "lowercase or is a word");
        assert!(!m("ceasefire or truce", &text("a truce")));
        assert!(m("-opinion", &text("news")));
        assert!(!m("-opinion", &text("Opinion: news")));
        assert!(!m("-\"peace deal\"", &text("a peace deal")));
        assert!(m("-\"peace deal\"", &text("a peace")));
        assert!(!m("-source:guard", &text("x")));
        assert!(m("--opinion", &text("opinion")), "double negation");
        assert!(!m("-OR", &text("this or that")), "-OR is a negated word");
    }

    #[test]
    fn precedence() {
        let query = "ceasefire OR \"peace deal\" -opinion";
        assert!(m(query, &text("ceasefire holds")));
        assert!(m(query, &text("the peace deal")));
        assert!(!m(query, &text("opinion: the ceasefire")));
        assert!(!m(query, &text("nothing here")));
        // a b OR c d == a AND (b OR c) AND d
        assert!(m("a1 b1 OR c1 d1", &text("a1 c1 d1")));
        assert!(!m("a1 b1 OR c1 d1", &text("b1 c1")));
        // -a OR b == (NOT a) OR b
        assert!(m("-x1 OR y1", &text("x1 y1")));
        assert!(!m("-x1 OR y1", &text("x1")));
        assert!(m("x1 OR y1 OR z1", &text("z1")));
    }

    #[test]
    fn parentheses() {
        assert!(m("(a1 b1) OR c1", &text("a1 b1")));
        assert!(m("(a1 b1) OR c1", &text("c1")));
        assert!(!m("(a1 b1) OR c1", &text("a1")));
        assert!(!m("-(a1 b1)", &text("a1 b1")));
        assert!(m("-(a1 b1)", &text("a1")));
        assert!(m("((a1))", &text("a1")));
    }

    #[test]
    fn phrases() {
        assert!(m("\"peace deal\"", &text("A Peace Deal was signed")));
        assert!(m("\"peace deal\"", &text("peace-deal")));
        assert!(m("\"peace deal\"", &text("peace,\n deal")));
        assert!(!m("\"peace deal\"", &text("deal peace")));
        assert!(!m("\"peace deal\"", &text("peace and deal")));
        assert!(!m("\"peace deal\"", &text("appeace dealer")));
        assert!(m(
            "\"peace deal\"",
            &text("appeace dealer, then peace deal")
        ));
        assert!(m("\"kyiv's mayor\"", &text("Kyiv’s mayor said")));
        assert!(m("“peace deal”", &text("peace deal")), "curly quotes");
        assert!(m("\"gaza\"", &text("in Gaza.")));
        assert!(!m("\"gaza\"", &text("Gazans")));
        assert!(m("\"和平\"", &text("达成和平协议")));
        assert!(m("\"!!\"", &text("wow!!")));
        // Not across fields.
        let e = entry("Guardian", "Drone", Some("Jane"), "Kyiv");
        assert!(m("\"drone\" \"jane\" \"kyiv\"", &e));
        assert!(
            !m("\"guardian\"", &e),
            "the source name only through source:"
        );
        assert!(!m("\"drone jane\"", &e));
        assert!(!m("\"guardian kyiv\"", &e));
        assert!(!m("\"jane guardian\"", &e));
        assert!(m("\"jane\" OR \"guardian kyiv\"", &e));
    }

    #[test]
    fn fields() {
        let e = entry(
            "BBC News",
            "Drone attack",
            Some("Jane Dalton"),
            "source:x author:y title:z",
        );
        assert!(m("source:bbc", &e));
        assert!(m("source:\"bbc news\"", &e));
        assert!(m("Source:BBC", &e));
        assert!(!m("source:guardian", &e));
        assert!(m("author:dalton", &e));
        assert!(m("author:\"jane d\"", &e));
        assert!(!m("author:drone", &e));
        assert!(m("title:drone", &e));
        assert!(!m("title:dalton", &e));
        assert!(!m("author:x", &entry("s", "", None, "x")));
        assert!(m("source:bbc drone -author:smith", &e));
    }

    #[test]
    fn since() {
        let mut e = text("x");
        e.item.published = Some(now() - jiff::SignedDuration::from_mins(90));
        assert!(m("since:2h", &e));
        assert!(!m("since:1h", &e));
        assert!(m("since:90m", &e), "boundary is inclusive");
        assert!(!m("since:89m", &e));
        assert!(m("since:1h30m", &e));
        assert!(m("since:5400s", &e));
        assert!(m("since:1d", &e));
        assert!(m("since:1w", &e));
        assert!(!m("-since:2h", &e));
        // Falls back to updated, then first seen.
        e.item.published = None;
        e.item.updated = Some(now() - jiff::SignedDuration::from_hours(50));
        assert!(!m("since:2d", &e));
        assert!(m("since:3d", &e));
        e.item.updated = None;
        e.first_seen = now() - jiff::SignedDuration::from_secs(30);
        assert!(m("since:31s", &e));
        assert!(!m("since:29s", &e));
        assert!(m("since:1000000000000w", &e), "huge durations are fine");
    }

    #[test]
    fn errors_with_columns() {
        assert_eq!(err("a \"peace"), ("unclosed quote".into(), 3));
        assert_eq!(err("source:\"bbc"), ("unclosed quote".into(), 8));
        assert_eq!(err("OR a"), (OR_HELP.into(), 1));
        assert_eq!(err("a OR"), (OR_HELP.into(), 3));
        assert_eq!(err("a OR OR b"), (OR_HELP.into(), 3));
        assert_eq!(err("(a OR)"), (OR_HELP.into(), 4));
        assert_eq!(err("a -"), ("nothing after -".into(), 3));
        assert_eq!(err("a - b"), ("nothing after -".into(), 3));
        assert_eq!(err("(-)"), ("nothing after -".into(), 2));
        assert_eq!(err("since:"), (SINCE_HELP.into(), 1));
        assert_eq!(err("x since:2"), (SINCE_HELP.into(), 3));
        assert_eq!(err("since:2x"), (SINCE_HELP.into(), 1));
        assert_eq!(err("since:h"), (SINCE_HELP.into(), 1));
        assert_eq!(err("since:\"2h\""), (SINCE_HELP.into(), 1));
        assert_eq!(err("since:99999999999999999999s"), (SINCE_HELP.into(), 1));
        assert_eq!(err("source:"), ("source: needs a value".into(), 1));
        assert_eq!(err("a author: b"), ("author: needs a value".into(), 3));
        assert_eq!(err("title:\"  \""), ("title: needs a value".into(), 1));
        assert_eq!(err("(a b"), ("unclosed (".into(), 1));
        assert_eq!(err("a b)"), ("unmatched )".into(), 4));
        assert_eq!(err("a ()"), ("empty ( )".into(), 3));
        assert_eq!(err("\"\""), ("empty quotes".into(), 1));
        // Columns count characters, not bytes.
        assert_eq!(err("Kyïv \"x"), ("unclosed quote".into(), 6));
        let deep = "(".repeat(100_000);
        assert_eq!(err(&deep).0, "too many nested parentheses");
        let e = Query::parse("a -").unwrap_err();
        assert_eq!(e.to_string(), "nothing after - (at column 3)");
    }

    #[test]
    fn highlighting() {
        let query = q("Kyïv OR \"Peace  Deal\" -opinion title:Drone author:x -(not me) source:bbc");
        let mut terms = query.highlight_terms();
        terms.sort();
        assert_eq!(terms, ["drone", "kyiv", "peace deal", "x"]);
        assert_eq!(q("--a -b").highlight_terms(), ["a"]);
        assert!(q("").highlight_terms().is_empty());
        let body = "In Kyïv, a peace deal; KYIV";
        let ranges = highlight_ranges(body, &q("kyiv \"peace deal\"").highlight_terms());
        let spans: Vec<&str> = ranges.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(spans, ["Kyïv", "peace deal", "KYIV"]);
        // Folded characters map back to the original bytes (`ß` is `ss`).
        let body = "Maß";
        let ranges = highlight_ranges(body, &["mass".to_string()]);
        assert_eq!(ranges, vec![Range { start: 0, end: 4 }]);
        // Highlights are where the query matches: at word starts.
        assert!(highlight_ranges("Straße", &["ss".to_string()]).is_empty());
        let body = "Red Cross cleared the red-handed";
        let spans: Vec<&str> = highlight_ranges(body, &["red".to_string()])
            .iter()
            .map(|r| &body[r.clone()])
            .collect();
        assert_eq!(spans, ["Red", "red"]);
        assert!(highlight_ranges("abc", &[String::new()]).is_empty());
    }

    #[test]
    fn arbitrary_long_queries() {
        assert!(Query::parse(&"-".repeat(100_000)).is_err());
        assert!(Query::parse(&"-".repeat(100_000).replace("--", "-a ")).is_ok());
        assert!(Query::parse(&"a OR ".repeat(10_000)).is_err());
        let many = "a OR b ".repeat(10_000);
        assert!(m(&many, &text("b")));
    }

    #[test]
    fn a_quote_left_open_is_closed_as_typed() {
        let typed = |text: &str| Query::parse_typing(text).map_err(|e| e.message);
        assert_eq!(typed("source:\"bb"), Ok((q("source:\"bb\""), true)));
        assert_eq!(typed("\"peace deal\""), Ok((q("\"peace deal\""), false)));
        // One word being typed is a bare word.
        assert_eq!(typed("a \"peace"), Ok((q("a peace"), true)));
        assert_eq!(typed("\"kyïv "), Ok((q("kyiv"), true)));
        // Errors other than the open quote stand, as do quotes closed on nothing.
        assert_eq!(typed("\""), Err("unclosed quote".to_string()));
        assert_eq!(typed("(a \"b"), Err("unclosed quote".to_string()));
        assert!(typed("a OR").is_err());
        // The last word of an open phrase goes on; the closed phrase is whole words.
        let (open, _) = Query::parse_typing("\"peace dea").unwrap();
        for (body, found) in [
            ("a Peace deal at last", true),
            ("peace, dea", true),
            ("peace, then a deal", false),
            ("peaceful deals", false),
        ] {
            assert_eq!(open.matches(&text(body), now()), found, "{body}");
            let prepared = Prepared::new(&text(body));
            assert_eq!(open.matches_prepared(&prepared, now()), found, "{body}");
        }
        assert!(!m("\"peace dea\"", &text("a Peace deal at last")));
    }

    #[test]
    fn typing_on_narrows_within_words_and_open_quotes() {
        let narrows = Query::typing_narrows;
        assert!(narrows("ceasefire", false, " kyiv"));
        assert!(!narrows("title", false, ":x"));
        assert!(!narrows("a", false, " \"b"));
        assert!(!narrows("a", false, " -b"));
        assert!(!narrows("", false, "a"));
        assert!(narrows("\"peace", true, " d"));
        assert!(narrows("a \"peace de", true, "al\""));
        assert!(narrows("\"peace", true, "-deal"));
        // Past the closing quote the typing is outside it again.
        assert!(!narrows("\"peace", true, "\" -b"));
        // A quote of punctuation alone is matched literally, not as words.
        assert!(!narrows("\"-", true, "a"));
    }

    proptest! {
        /// What set_filter_input relies on to filter only what is shown: typing on
        /// where `typing_narrows` says so never lets in an entry the query before it
        /// left out.
        #[test]
        fn typing_on_where_it_narrows_never_adds_a_match(
            previous in r#"([a-c]{1,3} )?(title:|source:|author:)?"[a-c' .\-]{0,6}|[a-c ]{1,8}"#,
            appended in r#"[a-c' .:\-]{0,4}"?"#,
            title in "[a-c' .,-]{0,12}",
            body in "[a-c' .,-]{0,30}",
        ) {
            let Ok((before, open)) = Query::parse_typing(&previous) else { return Ok(()) };
            let Ok((after, _)) = Query::parse_typing(&format!("{previous}{appended}")) else {
                return Ok(());
            };
            prop_assume!(Query::typing_narrows(&previous, open, &appended));
            prop_assume!(before.is_positive_conjunction() && after.is_positive_conjunction());
            let e = entry("abc", &title, Some("b. ca"), &body);
            prop_assert!(!after.matches(&e, now()) || before.matches(&e, now()));
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            if let Ok(query) = Query::parse(&s) {
                let _ = query.matches(&text("some text Kyïv"), now());
                let _ = query.highlight_terms();
            }
        }

        #[test]
        fn parse_never_panics_on_query_like_input(
            s in r#"[a-z()"“” :\-ORsinceourthl0-9ïß]{0,40}"#
        ) {
            if let Ok(query) = Query::parse(&s) {
                let _ = query.matches(&text("some text Kyïv"), now());
                for r in highlight_ranges("Straße Kyïv or", &query.highlight_terms()) {
                    prop_assert!("Straße Kyïv or".get(r).is_some());
                }
            }
        }

        #[test]
        fn single_word_matches_text_containing_it(
            word in "[A-Za-z0-9]{1,12}",
            before in "([a-z ]{0,9} )?",
            after in "[a-z ]{0,10}",
        ) {
            prop_assume!(word != "OR");
            let query = Query::parse(&word).unwrap();
            let e = text(&format!("{before}{word}{after}"));
            prop_assert!(query.matches(&e, now()));
            let lower = text(&format!("{before}{}{after}", word.to_lowercase()));
            prop_assert!(query.matches(&lower, now()));
        }

        #[test]
        fn word_start_in_agrees_with_a_naive_search(
            hay in r"[ce a\-é東\nkC]{0,24}",
            word in r"[ce\-é東k]{0,5}",
            skip_from in 0usize..30,
            skip_len in 0usize..8,
        ) {
            // Like the source name's range: it starts and ends on char boundaries.
            let bounds: Vec<usize> = hay.char_indices().map(|(i, _)| i).chain([hay.len()]).collect();
            let at = |n: usize| bounds.get(n).copied().unwrap_or(hay.len());
            let skip = at(skip_from)..at(skip_from + skip_len);
            let first = word.chars().next();
            let expected = hay.char_indices().map(|(i, _)| i).chain([hay.len()]).any(|i| {
                hay[i..].starts_with(word.as_str())
                    && !skip.contains(&i)
                    && !(hay[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric()
                        && !('\u{4e00}'..='\u{9fff}').contains(&c))
                        && first.is_some_and(|c| c.is_alphanumeric()
                            && !('\u{4e00}'..='\u{9fff}').contains(&c)))
            });
            prop_assert_eq!(
                super::tree::word_start_in(&hay, &word, skip.clone()),
                expected,
                "{:?} in {:?} skipping {:?}", word, hay, skip
            );
        }

        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }
    }
}
