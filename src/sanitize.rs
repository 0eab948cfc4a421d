//! Untrusted text made safe for a terminal.
//!
//! Entries come from the network: a headline may carry an OSC 52 clipboard write, a
//! title change or a cursor move. Everything that reaches the terminal (TUI and `dump`)
//! goes through [`clean`], which drops escape sequences whole (not just the ESC, so no
//! `[31m` debris is left), C0 and C1 controls, and bidirectional overrides that could
//! make text read differently from what it is.

/// Removes escape sequences and control characters; keeps `\n`, turns `\t` into a space.
pub fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 introducers of strings (DCS, SOS, OSC, PM, APC) swallow up to ST or BEL.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            // C1 CSI: parameters up to a final byte.
            '\u{9b}' => skip_csi(&mut chars),
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\r' => {
                // CRLF is a newline; a lone CR would move the cursor.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Like [`clean`], then folds all whitespace (newlines too) into single spaces:
/// for one-line fields such as titles and authors.
pub fn clean_line(input: &str) -> String {
    clean(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The same cleaning for the reader's screen, which draws cell by cell and so must count
/// each character's cells as the terminal does. Terminals disagree on emoji sequences
/// (a family joined by zero-width joiners is one emoji in one terminal and four in
/// another; a flag is two letters or one picture): counted wrong, a row spills over
/// its neighbour and stale cells stay on screen after the view changes. So the screen
/// shows them plainly: joiners, variation selectors, skin tones, keycap marks and tag
/// characters go, and a flag's regional indicators become their letters (`🇺🇦` → `UA`).
/// The entries themselves (the cache, `dump`, `list`) keep them.
pub mod screen {
    /// [`super::clean`], then emoji sequences made plain (see the module).
    pub fn clean(input: &str) -> String {
        super::plain_cells(super::clean(input))
    }

    /// [`super::clean_line`], then emoji sequences made plain (see the module).
    pub fn clean_line(input: &str) -> String {
        super::plain_cells(super::clean_line(input))
    }
}

/// Arabic lam, which with a following alef `unicode-width` counts as one ligature cell.
const LAM: char = '\u{644}';

/// `text` with the parts of emoji sequences that terminals count differently taken out
/// (see [`screen`]); unchanged, without a copy, when it has none.
///
/// Also, a zero-width non-joiner goes between an Arabic lam and an alef: the width of
/// a string counts the pair as one cell (a ligature), while the screen draws each
/// letter in a cell of its own, so what followed them was drawn one cell early, over
/// their last letter (a grouped row lost the last letter of an Arabic headline).
fn plain_cells(text: String) -> String {
    if !text.chars().any(|c| is_sequence_part(c) || c == LAM) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Regional indicators 🇦–🇿: the letters they stand for.
            '\u{1f1e6}'..='\u{1f1ff}' => {
                out.extend(char::from_u32(u32::from(c) - 0x1f1e6 + u32::from(b'A')));
            }
            c if is_sequence_part(c) => {}
            LAM => {
                out.push(c);
                let alef =
                    |next: &char| matches!(next, '\u{622}' | '\u{623}' | '\u{625}' | '\u{627}');
                if chars.peek().is_some_and(alef) {
                    out.push('\u{200c}');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Joiners, variation selectors, skin-tone modifiers, the keycap mark, tag characters
/// and regional indicators.
fn is_sequence_part(c: char) -> bool {
    matches!(c,
        '\u{200d}' | '\u{fe0e}' | '\u{fe0f}' | '\u{20e3}'
        | '\u{1f3fb}'..='\u{1f3ff}'
        | '\u{e0020}'..='\u{e007f}'
        | '\u{1f1e6}'..='\u{1f1ff}')
}

/// True for characters that must never reach a terminal on their own.
fn is_forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidi embeddings, overrides and isolates.
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // Line and paragraph separators some terminals treat as newlines.
        | '\u{2028}' | '\u{2029}'
        // Byte-order mark inside text, interlinear annotation.
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // nF sequences: intermediates 0x20-0x2F then one final byte.
        Some(' '..='/') => {
            while let Some(&c) = chars.peek() {
                chars.next();
                if !(' '..='/').contains(&c) {
                    break;
                }
            }
        }
        // Two-character sequence (ESC c, ESC 7, ...), or a lone ESC at the end.
        _ => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        // Anything outside the CSI parameter/intermediate range ends a malformed sequence.
        if !(' '..='?').contains(&c) {
            break;
        }
    }
}

fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Escapes text for XML / HTML content and attribute values (the demo's feeds, OPML
/// export). Control characters, which XML 1.0 cannot carry, are dropped.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On screen, emoji sequences are shown plainly (each character's cells counted as
    /// every terminal counts them); the entries keep them.
    #[test]
    fn the_screen_shows_emoji_sequences_plainly() {
        let title = "Flag \u{1f1fa}\u{1f1e6} family \u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} \
                     heart \u{2764}\u{fe0f} thumb \u{1f44d}\u{1f3fd} one 1\u{fe0f}\u{20e3}";
        assert_eq!(
            screen::clean_line(title),
            "Flag UA family \u{1f468}\u{1f469}\u{1f467} heart \u{2764} thumb \u{1f44d} one 1"
        );
        assert_eq!(clean_line(title), title, "the entry keeps them");
        assert_eq!(
            screen::clean("Kyïv, 東京, عاجل\n\u{1b}[2Jnext"),
            "Kyïv, 東京, عاجل\nnext"
        );
        // Lam-alef: counted as the cells it is drawn in.
        use unicode_width::UnicodeWidthStr;
        let arabic = "وقف إطلاق النار";
        assert_eq!(
            arabic.width(),
            arabic.chars().count() - 1,
            "one ligature counted"
        );
        let shown = screen::clean_line(arabic);
        assert_eq!(shown.width(), arabic.chars().count(), "{shown:?}");
        assert_eq!(shown.replace('\u{200c}', ""), arabic);
    }

    #[test]
    fn drops_osc_and_csi_whole() {
        assert_eq!(clean("a\u{1b}]52;c;SGVsbG8=\u{7}b"), "ab");
        assert_eq!(clean("a\u{1b}]0;title\u{1b}\\b"), "ab");
        assert_eq!(clean("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(clean("x\u{1b}P1$r\u{1b}\\y"), "xy");
        assert_eq!(clean("x\u{9b}2Jy"), "xy");
        assert_eq!(clean("x\u{9d}0;t\u{9c}y"), "xy");
    }

    #[test]
    fn drops_controls_and_bidi_keeps_text() {
        assert_eq!(clean("a\u{7}b\u{8}c\u{0}d"), "abcd");
        assert_eq!(clean("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(clean("Kyïv 東京 👍\nnext"), "Kyïv 東京 👍\nnext");
        assert_eq!(clean("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(clean_line("  two\n lines\t"), "two lines");
        assert_eq!(clean("trailing\u{1b}"), "trailing");
    }
}
