//! Splitting folded text into the tokens the word index keeps, and a query term into
//! the tokens a matching entry must hold.
//!
//! A token is a maximal run of word characters ([`is_word_char`]), or one character of
//! a script written without spaces (alphanumeric but not a word character: CJK, Thai…),
//! so that a query word is found where a word begins, as [`super::super::tree`] matches it.

use super::super::fold::is_word_char;

/// Alphanumeric but not a word character: every such character is a word start, so the
/// index keeps each as a token of its own.
fn is_spaceless(c: char) -> bool {
    !is_word_char(c) && c.is_alphanumeric()
}

/// The tokens of folded `text`, in order (with repeats).
pub(super) fn tokens(text: &str) -> Tokens<'_> {
    Tokens { rest: text }
}

/// Iterator over the tokens of a text, see [`tokens`].
pub(super) struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (token, rest) = next_token(self.rest)?;
        self.rest = rest;
        Some(token)
    }
}

/// The first token of `text` and what follows it.
fn next_token(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    // ASCII punctuation and spaces are the common case between tokens: skip them by byte.
    let mut start = 0;
    loop {
        let &byte = bytes.get(start)?;
        if byte.is_ascii_alphanumeric() {
            break;
        }
        if byte.is_ascii() {
            start += 1;
            continue;
        }
        let c = text.get(start..)?.chars().next()?;
        if is_word_char(c) {
            break;
        }
        let end = start + c.len_utf8();
        if is_spaceless(c) {
            return Some((text.get(start..end)?, text.get(end..)?));
        }
        start = end;
    }
    let mut end = start;
    while let Some(&byte) = bytes.get(end) {
        if byte.is_ascii_alphanumeric() {
            end += 1;
            continue;
        }
        if byte.is_ascii() {
            break;
        }
        match text.get(end..).and_then(|tail| tail.chars().next()) {
            Some(c) if is_word_char(c) => end += c.len_utf8(),
            _ => break,
        }
    }
    Some((text.get(start..end)?, text.get(end..)?))
}

/// What an entry must hold for a query term (a word, or a `title:`/`author:` value) to
/// start a word of it, as the index can tell.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct TermTokens<'a> {
    /// Tokens the entry must hold whole.
    pub(super) whole: Vec<&'a str>,
    /// A token of the entry must start with this one (the term's last run of word
    /// characters, when the term ends with it).
    pub(super) prefix: Option<&'a str>,
    /// True when holding the tokens is also enough: the term is one run of word
    /// characters, so "some token starts with it" is exactly the query's test.
    pub(super) exact: bool,
}

/// The tokens a match of the folded term `term` implies. Every run of word characters in
/// a term begins a word where the term matches (the term's start is a word start, and
/// any other run follows a non-word character), and ends one unless it ends the term.
pub(super) fn term_tokens(term: &str) -> TermTokens<'_> {
    let mut out = TermTokens {
        exact: !term.is_empty() && term.chars().all(is_word_char),
        ..TermTokens::default()
    };
    let mut rest = term;
    while let Some((token, after)) = next_token(rest) {
        let is_run = token.chars().next().is_some_and(is_word_char);
        if is_run && after.is_empty() {
            out.prefix = Some(token);
        } else {
            out.whole.push(token);
        }
        rest = after;
    }
    out
}

/// The tokens a phrase's words imply, every one whole: a phrase matches whole words.
pub(super) fn phrase_tokens(words: &[String]) -> Vec<&str> {
    words.iter().flat_map(|word| tokens(word)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<&str> {
        tokens(text).collect()
    }

    #[test]
    fn tokens_are_word_runs_and_spaceless_characters() {
        assert_eq!(all("kyiv's mayor"), ["kyiv", "s", "mayor"]);
        assert_eq!(all("covid-19, foo:bar!"), ["covid", "19", "foo", "bar"]);
        assert_eq!(all("  "), Vec::<&str>::new());
        assert_eq!(all("达成和平 deal"), ["达", "成", "和", "平", "deal"]);
        assert_eq!(all("ab和cd"), ["ab", "和", "cd"]);
        assert_eq!(all("straße zoë"), ["straße", "zoë"]);
        assert_eq!(all("élan\nvital"), ["élan", "vital"]);
        assert_eq!(all("“x” — y"), ["x", "y"]);
    }

    #[test]
    fn terms_split_into_whole_tokens_and_a_prefix() {
        let t = term_tokens("kyi");
        assert_eq!((t.whole, t.prefix, t.exact), (vec![], Some("kyi"), true));
        let t = term_tokens("foo:bar");
        assert_eq!(
            (t.whole, t.prefix, t.exact),
            (vec!["foo"], Some("bar"), false)
        );
        let t = term_tokens("kyiv's");
        assert_eq!(
            (t.whole, t.prefix, t.exact),
            (vec!["kyiv"], Some("s"), false)
        );
        let t = term_tokens("covid-");
        assert_eq!((t.whole, t.prefix, t.exact), (vec!["covid"], None, false));
        let t = term_tokens("'s");
        assert_eq!((t.whole, t.prefix, t.exact), (vec![], Some("s"), false));
        let t = term_tokens("平协");
        assert_eq!(
            (t.whole, t.prefix, t.exact),
            (vec!["平", "协"], None, false)
        );
        let t = term_tokens("ab和");
        assert_eq!(
            (t.whole, t.prefix, t.exact),
            (vec!["ab", "和"], None, false)
        );
        let t = term_tokens("!!");
        assert_eq!((t.whole, t.prefix, t.exact), (vec![], None, false));
        let t = term_tokens("");
        assert_eq!((t.whole, t.prefix, t.exact), (vec![], None, false));
    }

    #[test]
    fn phrase_words_are_whole_tokens() {
        let words = ["kyiv".to_string(), "达成".to_string()];
        assert_eq!(phrase_tokens(&words), ["kyiv", "达", "成"]);
    }
}
