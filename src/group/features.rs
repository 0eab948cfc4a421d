//! What a report says, as tokens: the content words of its headline and first
//! paragraphs (stopwords out, crudely stemmed) and the numbers it gives.
//!
//! Input is folded text (`query::fold`: lowercase, accents off), so `Kyïv` and `KYIV`
//! are one token already. Stemming is a suffix cut and a prefix of five characters:
//! `Ukraine`/`Ukrainian`, `drone`/`drones`, `launched`/`launches` meet, which is what
//! paraphrase across house styles mostly needs, with no dictionary.

use siphasher::sip::SipHasher13;

/// How much of the body counts: the first paragraphs, up to about this many bytes
/// (later paragraphs are background, which different events share).
pub const BODY_BYTES: usize = 600;

/// How many paragraphs of the body count at most.
const BODY_PARAGRAPHS: usize = 2;

/// Characters a stem keeps.
const STEM_CHARS: usize = 5;

/// Words that say nothing about which event a report is about: English function words,
/// reporting verbs and the vocabulary of live pages themselves.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "during",
    "each",
    "earlier",
    "for",
    "from",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "last",
    "late",
    "later",
    "latest",
    "live",
    "more",
    "most",
    "new",
    "news",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "per",
    "report",
    "reported",
    "reports",
    "said",
    "same",
    "say",
    "says",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "told",
    "too",
    "under",
    "until",
    "up",
    "update",
    "updates",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "yet",
    "you",
    "your",
    "according",
    "breaking",
    "just",
    "least",
    "least",
    "near",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "first",
    "second",
    "third",
    "amid",
    "among",
    "via",
    "says",
    "saying",
    "tonight",
    "today",
    "yesterday",
    "overnight",
    "morning",
    "evening",
    "night",
    "day",
    "week",
    "year",
    "minutes",
    "hours",
    "hour",
    "people",
    "told",
    "statement",
    "spokesperson",
    "spokesman",
    "officials",
    "official",
];

/// The hash every token goes through (SipHash-1-3 with fixed keys: the same on every
/// machine and release, so group ids printed by `--json` stay the same).
pub(crate) fn token_hash(token: &str) -> u64 {
    SipHasher13::new_with_keys(0x6c69_7665_626c_6f67, 0x6772_6f75_7073_3138).hash(token.as_bytes())
}

/// One token of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Token {
    /// A content word's stem, hashed.
    Word(u64),
    /// A number as written without separators (`1,200` → 1200), hashed. Clock times
    /// and years are not numbers here: every report of a day shares them.
    Number(u64),
}

/// The part of a report that says which event it is: the headline, then the first
/// paragraphs of the body (up to [`BODY_BYTES`]).
pub fn salient_text<'a>(title: &'a str, body: &'a str) -> impl Iterator<Item = &'a str> {
    let mut taken = 0;
    let paragraphs = body
        .split('\n')
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .take(BODY_PARAGRAPHS)
        .map_while(move |paragraph| {
            if taken >= BODY_BYTES {
                return None;
            }
            let room = BODY_BYTES - taken;
            taken += paragraph.len();
            Some(cut_at_char(paragraph, room))
        });
    std::iter::once(title).chain(paragraphs)
}

/// `text` cut to at most `bytes` bytes, at a character boundary.
fn cut_at_char(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The tokens of folded `parts`, in order, repeats included.
pub fn tokens<'a>(parts: impl IntoIterator<Item = &'a str>) -> Vec<Token> {
    let mut out = Vec::new();
    for part in parts {
        tokens_into(part, &mut out);
    }
    out
}

/// The distinct tokens of a report's headline and first paragraphs, sorted.
pub fn token_set(title: &str, body: &str) -> Vec<Token> {
    let mut set = tokens(salient_text(title, body));
    set.sort_unstable();
    set.dedup();
    set
}

fn tokens_into(text: &str, out: &mut Vec<Token>) {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_ascii_digit() {
            // A number: digits, with `,` or `.` between digit groups (`1,200`, `2.5`).
            let mut digits = String::new();
            let mut end = at;
            while end < chars.len() {
                let d = chars[end];
                if d.is_ascii_digit() {
                    digits.push(d);
                    end += 1;
                } else if matches!(d, ',' | '.')
                    && chars.get(end + 1).is_some_and(char::is_ascii_digit)
                    && !digits.is_empty()
                {
                    if d == '.' {
                        digits.push('.');
                    }
                    end += 1;
                } else {
                    break;
                }
            }
            // A letter straight after (`50mph`, `3rd`, `m23`) makes it a word.
            let glued = chars.get(end).is_some_and(|next| next.is_alphabetic())
                || at > 0 && chars[at - 1].is_alphabetic();
            let clock = chars.get(end) == Some(&':')
                || at > 0 && chars[at - 1] == ':'
                || chars.get(end).is_some_and(|&next| next == 'h')
                    && chars.get(end + 1).is_some_and(char::is_ascii_digit);
            let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
            if glued || year {
                let word: String = chars[at..end].iter().collect();
                push_word(&word, out);
            } else if !clock {
                out.push(Token::Number(token_hash(digits.trim_start_matches('0'))));
            }
            at = end;
        } else if c.is_alphanumeric() {
            let mut end = at;
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '\'') {
                end += 1;
            }
            let word: String = chars[at..end].iter().collect();
            push_word(&word, out);
            at = end;
        } else {
            at += 1;
        }
    }
}

fn push_word(word: &str, out: &mut Vec<Token>) {
    // Possessives and quotes: `ukraine's` → `ukraine`.
    let word = word.split('\'').next().unwrap_or("");
    if word.chars().count() < 3 || STOPWORDS.contains(&word) {
        return;
    }
    out.push(Token::Word(token_hash(&stem(word))));
}

/// A crude stem: a plural or tense suffix off, then the first five characters.
pub fn stem(word: &str) -> String {
    let mut base = word;
    for suffix in ["ing", "ed", "s"] {
        if let Some(stripped) = base.strip_suffix(suffix)
            && stripped.chars().count() >= 3
        {
            base = stripped;
            break;
        }
    }
    // `drone`/`drones`, `launches`/`launched`: a final `e` says nothing either.
    if let Some(stripped) = base.strip_suffix('e')
        && stripped.chars().count() >= 3
    {
        base = stripped;
    }
    base.chars().take(STEM_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.chars().count() >= 3 && !STOPWORDS.contains(&word) {
                found.push(stem(word));
            }
        }
        found
    }

    #[test]
    fn stems_meet_across_inflections() {
        assert_eq!(stem("ukrainian"), stem("ukraine"));
        assert_eq!(stem("drones"), stem("drone"));
        assert_eq!(stem("launched"), stem("launches"));
        assert_eq!(stem("killed"), stem("kills"));
        assert_eq!(words("the drones were launched"), ["dron", "launc"]);
    }

    #[test]
    fn numbers_lose_separators_and_clock_times_and_years_are_not_numbers() {
        let numbers = |text: &str| {
            tokens([text])
                .into_iter()
                .filter(|token| matches!(token, Token::Number(_)))
                .count()
        };
        assert_eq!(tokens(["1,200"]), tokens(["1200"]));
        assert_eq!(numbers("at 14:05 gmt"), 0);
        assert_eq!(numbers("in 2025"), 0);
        assert_eq!(numbers("50mph winds"), 0);
        assert_eq!(numbers("174 drones, 90 shot down"), 2);
        assert_eq!(numbers("11h30 -"), 0);
    }

    #[test]
    fn salient_text_is_the_headline_and_the_first_paragraphs() {
        let body = format!("one\ntwo\nthree {}", "x".repeat(2_000));
        let parts: Vec<&str> = salient_text("title", &body).collect();
        assert_eq!(parts, ["title", "one", "two"]);
        let long = "é".repeat(1_000);
        let parts: Vec<&str> = salient_text("", &long).collect();
        assert!(parts[1].len() <= BODY_BYTES);
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "",
            ",",
            "1,",
            ",1",
            "1.",
            "'",
            "'''s",
            "1:",
            ":1",
            "٣٤",
            "日本語のテキスト",
        ] {
            let _ = tokens([text]);
        }
    }
}
