//! HTML and entity-laden strings to terminal-safe plain text.
//!
//! Bodies go through html2text with a custom decorator ([`ReaderDecorator`]): no `**bold**`
//! or `*em*` markers (the plain text is for reading and searching; the detail view can
//! style from `Item::html`), no `[...]` around links and no link footnotes, `- ` / `1. `
//! list bullets and `> ` quotes kept (they carry structure). Lines are not wrapped (the UI
//! wraps). Every string returned here has been through [`crate::sanitize`].

use html2text::render::{TaggedLine, TextDecorator};
use scraper::Html;

use crate::sanitize;

/// Width for html2text: effectively "never wrap".
const NO_WRAP: usize = 100_000;

/// HTML to plain text: paragraphs separated by one blank line, trimmed, sanitized.
pub fn html_to_text(html: &str) -> String {
    // html2text is a large dependency fed with untrusted HTML: a panic inside it must
    // not take the reader down, so it is contained here and the entry falls back to
    // its text nodes.
    // html2text's layout is quadratic in nesting depth: a hostile body of 20,000
    // nested <div>s would stall the poller for seconds, so such bodies get plain text
    // nodes instead.
    // (html5ever's tree building is quadratic in depth as well, so the tags are
    // stripped by hand.)
    if nesting_depth(html) > MAX_NESTING {
        return tidy_body(&fix_mojibake(&decode_entities(&strip_tags(html))));
    }
    let rendered = std::panic::catch_unwind(|| {
        html2text::config::with_decorator(ReaderDecorator)
            .allow_width_overflow()
            .no_link_wrapping()
            .link_footnotes(false)
            .string_from_read(html.as_bytes(), NO_WRAP)
    });
    let raw = match rendered {
        Ok(Ok(text)) => text,
        // html2text only fails on pathological layouts; fall back to the text nodes.
        Ok(Err(_)) | Err(_) => fragment_text(html),
    };
    tidy_body(&fix_mojibake(&raw))
}

/// Deeper HTML than this is not laid out by html2text (see [`html_to_text`]).
const MAX_NESTING: usize = 200;

/// A rough upper bound on the element nesting depth of `html` (void elements and
/// self-closing tags are not counted as opening).
fn nesting_depth(html: &str) -> usize {
    const VOID: [&str; 14] = [
        "br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col",
        "embed", "track", "param",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'<' {
            if bytes[i + 1] == b'/' {
                depth = depth.saturating_sub(1);
            } else if bytes[i + 1].is_ascii_alphabetic() {
                let name: String = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .map(|b| char::from(b.to_ascii_lowercase()))
                    .collect();
                let end = bytes[i..].iter().position(|b| *b == b'>');
                let self_closing = end.is_some_and(|e| e > 0 && bytes[i + e - 1] == b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    max = max.max(depth);
                }
            }
        }
        i += 1;
    }
    max
}

/// Removes everything between `<` and `>`.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A body that may be plain text (with HTML entities) or HTML: decides and converts.
pub fn body_to_text(body: &str) -> String {
    if looks_like_html(body) {
        html_to_text(body)
    } else {
        tidy_body(&fix_mojibake(&decode_entities(body)))
    }
}

/// A one-line field (title, author): entities decoded, tags removed, whitespace folded.
pub fn line(input: &str) -> String {
    let text = if input.contains('<') || input.contains('&') {
        fragment_text(input)
    } else {
        input.to_string()
    };
    sanitize::clean_line(&fix_mojibake(&text))
}

/// Decodes HTML entities in plain text, keeping its line breaks (no tags expected).
pub fn decode_entities(input: &str) -> String {
    if !input.contains('&') {
        return input.to_string();
    }
    // Escape `<` so html5ever treats everything as text and only decodes entities.
    fragment_text(&input.replace('<', "&lt;"))
}

/// True when `s` contains something that looks like an HTML tag.
pub fn looks_like_html(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
        && s.contains('>')
}

/// The concatenated text nodes of an HTML fragment, entities decoded.
fn fragment_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    fragment.root_element().text().collect()
}

/// Sanitizes, trims every line's end, trims the whole, collapses 3+ newlines to 2.
pub fn tidy_body(input: &str) -> String {
    let cleaned = sanitize::clean(input);
    let mut out = String::with_capacity(cleaned.len());
    let mut newlines = 0usize;
    for line in cleaned.split('\n') {
        let line = line.trim_end().replace('\u{a0}', " ");
        if line.trim().is_empty() {
            newlines += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if newlines >= 2 { "\n\n" } else { "\n" });
        }
        newlines = 1;
        out.push_str(&line);
    }
    out.trim().to_string()
}

/// Repairs UTF-8 that was decoded as Latin-1 (`â\u{80}¦` for `…`), but only when the
/// string carries C1 control characters, which never occur in real text: without
/// them the heuristic would corrupt legitimate Latin-1 letters.
pub fn fix_mojibake(input: &str) -> String {
    if !input.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        return input.to_string();
    }
    if input.chars().any(|c| c as u32 > 0xff) {
        return input.to_string();
    }
    let bytes: Vec<u8> = input.chars().map(|c| c as u32 as u8).collect();
    match String::from_utf8(bytes) {
        Ok(fixed) => fixed,
        Err(_) => input.to_string(),
    }
}

/// Plain-text decorations for a reader: structure kept, emphasis markers dropped.
#[derive(Clone, Debug, Default)]
struct ReaderDecorator;

impl TextDecorator for ReaderDecorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) -> Self::Annotation {}
    fn decorate_preformat_cont(&self) -> Self::Annotation {}
    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, Self::Annotation) {
        if title.trim().is_empty() {
            (String::new(), ())
        } else {
            (format!("[{}]", title.trim()), ())
        }
    }
    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }
    fn quote_prefix(&self) -> String {
        "> ".to_string()
    }
    fn unordered_item_prefix(&self) -> String {
        // ASCII on purpose: html2text 0.17 measures this prefix in bytes and would
        // underflow (panic in debug builds) on a multi-byte bullet.
        "- ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        ReaderDecorator
    }
    fn decorate_superscript_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_superscript_end(&self) -> String {
        String::new()
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<TaggedLine<Self::Annotation>> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_body_to_text() {
        let text = html_to_text(
            "<p>One <strong>bold</strong> <a href='x'>link</a>.</p>\n\n\n<p>Two</p><ul><li>a</li></ul>",
        );
        assert_eq!(text, "One bold link.\n\nTwo\n- a");
    }

    #[test]
    fn deep_nesting_skips_layout() {
        let deep = format!("{}x{}", "<div>".repeat(5000), "</div>".repeat(5000));
        assert_eq!(html_to_text(&deep), "x");
        assert_eq!(nesting_depth("<p>a<br>b<img src=x/></p><p>c</p>"), 1);
    }

    #[test]
    fn plain_body_keeps_lines_and_decodes_entities() {
        assert_eq!(
            body_to_text("E&#39; &quot;x&quot;\n\n\n\nnext &amp; <3"),
            "E' \"x\"\n\nnext & <3"
        );
    }

    #[test]
    fn one_line_fields() {
        assert_eq!(line("  A &ldquo;b&rdquo;\n <b>c</b> \u{1b}[31m"), "A “b” c");
        assert_eq!(line("&#x0024;4300 1930ft<sup>2</sup>"), "$4300 1930ft2");
        assert_eq!(line("a < b & c"), "a < b & c");
    }

    #[test]
    fn mojibake_only_with_c1() {
        assert_eq!(fix_mojibake("\u{e2}\u{80}\u{a6}"), "…");
        assert_eq!(fix_mojibake("Ã©t\u{e9}"), "Ã©t\u{e9}");
    }
}
