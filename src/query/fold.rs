//! Folding text for matching: lowercase, accents off (`Kyïv` → `kyiv`), and the byte
//! ranges of matches in the original text for highlighting.

use std::ops::Range;

use unicode_normalization::char::decompose_canonical;

/// Lowercases and accent-folds `text` for matching: `Kyïv` → `kyiv`,
/// `Zoë Ångström` → `zoe angstrom`, `Straße` → `strasse`, `’` → `'`.
///
/// Latin, Greek and Cyrillic letters are decomposed (NFD) and their diacritics dropped;
/// `ß`, `æ`, `œ`, `ø`, `ł`, `đ`, `ð`, `þ`, `ı` and final `ς` get their usual spellings;
/// curly quotes become straight ones, non-ASCII spaces become ` `, and soft hyphens and
/// zero-width spaces vanish. Other scripts are only lowercased. ASCII text is just
/// lowercased (fast path).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// Appends the folded `text` to `out`.
///
/// Each character folds on its own, so runs of ASCII (most of any news text, even one
/// with curly quotes or accented names) are copied and lowercased whole, and only the
/// other characters go one by one: a character at a time, real text folded at a fifth
/// of the speed.
pub(super) fn fold_into(out: &mut String, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = ascii_len(rest.as_bytes());
        let (run, tail) = rest.split_at(ascii);
        let start = out.len();
        out.push_str(run);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            fold_char(c, &mut |f| out.push(f));
        }
        rest = chars.as_str();
    }
}

/// How many bytes `bytes` starts with that are ASCII, eight at a time.
fn ascii_len(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut len = 0;
    for word in words.by_ref() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        if u64::from_le_bytes(eight) & HIGH_BITS != 0 {
            break;
        }
        len += 8;
    }
    len + bytes
        .get(len..)
        .unwrap_or_default()
        .iter()
        .position(|byte| !byte.is_ascii())
        .unwrap_or(bytes.len() - len)
}

/// Emits the folded form of one character.
fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
        return;
    }
    // General Punctuation (curly quotes, dashes, odd spaces: most of news text's
    // non-ASCII) has no case and no diacritics: no case table to search.
    if matches!(c, '\u{2000}'..='\u{206f}') {
        match c {
            '\u{200b}' | '\u{2060}' => {}
            _ if c.is_whitespace() => emit(' '),
            _ => spell(c, emit),
        }
        return;
    }
    fold_other(c, emit);
}

/// Emits the folded form of a character that is neither ASCII nor General
/// Punctuation (or of any character: this is the general case, `fold_char`'s
/// shortcuts give the same).
fn fold_other(c: char, emit: &mut impl FnMut(char)) {
    if is_diacritic(c) || matches!(c, '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}') {
        return;
    }
    if c.is_whitespace() {
        emit(' ');
        return;
    }
    for l in c.to_lowercase() {
        if matches!(l, '\u{c0}'..='\u{52f}' | '\u{1e00}'..='\u{1fff}') {
            decompose_canonical(l, |d| spell(d, emit));
        } else {
            spell(l, emit);
        }
    }
}

/// Emits a lowercase character, spelling out the letters NFD leaves alone and
/// dropping diacritics.
fn spell(c: char, emit: &mut impl FnMut(char)) {
    match c {
        'ß' => {
            emit('s');
            emit('s');
        }
        'æ' => {
            emit('a');
            emit('e');
        }
        'œ' => {
            emit('o');
            emit('e');
        }
        'þ' => {
            emit('t');
            emit('h');
        }
        'ø' => emit('o'),
        'ł' => emit('l'),
        'đ' | 'ð' => emit('d'),
        'ı' => emit('i'),
        'ς' => emit('σ'),
        '‘' | '’' | '‚' | '‛' | '′' => emit('\''),
        '“' | '”' | '„' | '‟' | '″' => emit('"'),
        _ if is_diacritic(c) => {}
        _ => emit(c),
    }
}

/// Combining diacritical marks (the ones NFD splits off Latin, Greek and Cyrillic).
fn is_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
    )
}

/// A "word character" for phrase boundaries: letters and digits, except in scripts
/// written without spaces between words (where any position is a boundary).
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        && !matches!(
            c,
            '\u{e00}'..='\u{eff}'        // Thai, Lao
                | '\u{1000}'..='\u{109f}'  // Myanmar
                | '\u{1780}'..='\u{17ff}'  // Khmer
                | '\u{3040}'..='\u{30ff}'  // kana
                | '\u{3400}'..='\u{4dbf}'  // CJK ext. A
                | '\u{4e00}'..='\u{9fff}'  // CJK
                | '\u{f900}'..='\u{faff}'  // CJK compatibility
                | '\u{20000}'..='\u{3ffff}'
        )
}

/// Would `a` followed by `b` run two words together?
pub(super) fn joins(a: Option<char>, b: Option<char>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => is_word_char(a) && is_word_char(b),
        _ => false,
    }
}

/// Byte ranges of `text` (the original, unfolded string) where any of `terms`
/// (folded, as [`Query::highlight_terms`] gives them) occurs at the start of a word,
/// as the query matches them, sorted and merged.
pub fn highlight_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    if terms.iter().all(|t| t.is_empty()) {
        return Vec::new();
    }
    // The folded text, and for each of its bytes the original character's byte range.
    let mut folded = String::with_capacity(text.len());
    let mut origin: Vec<(usize, usize)> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let span = (at, at + c.len_utf8());
        fold_char(c, &mut |f| {
            folded.push(f);
            origin.resize(folded.len(), span);
        });
    }
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for term in terms.iter().filter(|t| !t.is_empty()) {
        for (start, _) in folded.match_indices(term.as_str()) {
            // `red` is not highlighted inside `cleared`: it did not match there.
            if joins(folded[..start].chars().next_back(), term.chars().next()) {
                continue;
            }
            let end = start + term.len();
            if let (Some(first), Some(last)) = (origin.get(start), origin.get(end - 1)) {
                ranges.push(first.0..last.1);
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Folding one character at a time without the shortcuts (ASCII runs, General
    /// Punctuation).
    fn fold_by_char(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                fold_other(c, &mut |f| out.push(f));
            }
        }
        out
    }

    proptest! {
        #[test]
        fn ascii_runs_fold_as_each_character_does(
            text in "([A-Za-z0-9 .,'\"-]{0,20}|[À-ʯ]|[\u{300}-\u{36f}]|[Ͱ-ӿ]|[\u{2000}-\u{206f}]|[東京서울]|\u{a0}|\u{ad}|ẞ){0,24}"
        ) {
            let mut out = "kept ".to_string();
            fold_into(&mut out, &text);
            prop_assert_eq!(out, format!("kept {}", fold_by_char(&text)));
        }
    }
}
