//! Format detection from the content (first) and the content type (as a fallback).

use super::encoding;
use super::input::Input;
use crate::model::Format;

/// How much of the document the sniffing looks at.
const HEAD: usize = 8192;

pub fn detect(input: &Input<'_>) -> Format {
    let head_bytes = &input.bytes[..input.bytes.len().min(HEAD)];
    let head: String = match encoding::decode_utf16(head_bytes) {
        Some(text) => text,
        None => String::from_utf8_lossy(head_bytes).into_owned(),
    };
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let content_type = media_type(input);

    if head.starts_with('{') || head.starts_with('[') {
        return detect_json(input.bytes, head);
    }
    if head.starts_with('<')
        && let Some(format) = detect_markup(head)
    {
        return format;
    }
    match content_type.as_str() {
        "application/atom+xml" => Format::Atom,
        "application/rss+xml" | "application/rdf+xml" | "application/xml" | "text/xml" => {
            Format::Rss
        }
        "application/feed+json" | "application/json" => detect_json(input.bytes, head),
        "text/html" | "application/xhtml+xml" => Format::Jsonld,
        _ if head.starts_with('<') => Format::Jsonld,
        _ => Format::Text,
    }
}

/// The media type of `Content-Type`, lowercased, without parameters (`; charset=`).
fn media_type(input: &Input<'_>) -> String {
    let value = input.content_type.unwrap_or("");
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// True when the content itself is an HTML page (a doctype or an HTML root element at
/// its start), whatever the content type says.
pub fn is_html_page(input: &Input<'_>) -> bool {
    let head_bytes = &input.bytes[..input.bytes.len().min(HEAD)];
    let head: String = match encoding::decode_utf16(head_bytes) {
        Some(text) => text,
        None => String::from_utf8_lossy(head_bytes).into_owned(),
    };
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with('<') && detect_markup(head) == Some(Format::Jsonld)
}

/// Why these bytes are not text at all (an image, an archive, a PDF…), if they are not:
/// such a body is an error, never a "transcript" of junk entries.
pub fn binary_reason(input: &Input<'_>) -> Option<String> {
    let content_type = media_type(input);
    let declared_binary = ["image/", "audio/", "video/", "font/"]
        .iter()
        .any(|prefix| content_type.starts_with(prefix))
        || matches!(
            content_type.as_str(),
            "application/octet-stream"
                | "application/pdf"
                | "application/zip"
                | "application/gzip"
                | "application/x-gzip"
        );
    let head = &input.bytes[..input.bytes.len().min(HEAD)];
    const MAGIC: [(&[u8], &str); 7] = [
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"%PDF", "a PDF"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x1f\x8b", "gzip data"),
        (b"RIFF", "a RIFF (WebP, WAV…) file"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(format!("the body is {what}, not a feed or a page"));
    }
    // UTF-16 text has NULs; anything else with NULs or mostly control bytes is binary.
    let utf16 = encoding::decode_utf16(head).is_some();
    let controls = head
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b))
        .count();
    if !utf16 && (head.contains(&0) || controls * 10 > head.len().max(1)) {
        return Some("the body is binary data, not a feed or a page".to_string());
    }
    declared_binary
        .then(|| format!("the server says the body is {content_type}, not a feed or a page"))
}

fn detect_json(bytes: &[u8], head: &str) -> Format {
    let compact: String = head.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("jsonfeed.org/version") {
        return Format::Jsonfeed;
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(trim_bom(bytes)) {
        if value
            .pointer("/response/content")
            .is_some_and(|c| c.is_object())
        {
            return Format::Guardian;
        }
        let has = |key: &str| value.get(key).is_some();
        // A bare Content API item, or the frontend page model (`webURL`).
        if has("blocks") && (has("webUrl") || has("webURL")) {
            return Format::Guardian;
        }
        if value
            .get("version")
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.contains("jsonfeed"))
        {
            return Format::Jsonfeed;
        }
    }
    // Unknown JSON: the JSON Feed parser gives the clearest error.
    Format::Jsonfeed
}

fn trim_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// Looks past the XML declaration, comments, processing instructions and the doctype
/// at the root element.
fn detect_markup(head: &str) -> Option<Format> {
    let mut rest = head;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r);
        } else if rest.starts_with("<?") {
            rest = rest.split_once("?>").map_or("", |(_, r)| r);
        } else if rest
            .get(..9)
            .is_some_and(|h| h.eq_ignore_ascii_case("<!doctype"))
        {
            let after = rest.get(9..).unwrap_or("").trim_start();
            if after
                .get(..4)
                .is_some_and(|h| h.eq_ignore_ascii_case("html"))
            {
                return Some(Format::Jsonld);
            }
            rest = rest.split_once('>').map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let name: String = rest
        .strip_prefix('<')?
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    let local = name
        .rsplit(':')
        .next()
        .unwrap_or(&name)
        .to_ascii_lowercase();
    match local.as_str() {
        "rss" | "rdf" => Some(Format::Rss),
        "feed" => Some(Format::Atom),
        "html" | "head" | "body" | "meta" | "div" | "script" | "title" | "link" => {
            Some(Format::Jsonld)
        }
        _ => None,
    }
}

/// Elements nested deeper than this make a page hostile: html5ever's tree building slows
/// down with depth (100,000 nested `<div>`s take minutes). Real pages stay in the tens.
pub const MAX_HTML_DEPTH: usize = 2_000;

/// An upper bound on how deeply `html`'s elements nest, counted cheaply without
/// building a tree: opening tags add one, closing tags take one, void and self-closing
/// elements count nothing. Stops counting once past `limit`.
pub fn html_depth_exceeds(html: &[u8], limit: usize) -> bool {
    const VOID: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr", b"param",
    ];
    let mut depth: usize = 0;
    let mut at = 0;
    while let Some(offset) = html
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        let start = at + offset + 1;
        let closing = html.get(start) == Some(&b'/');
        let name_start = start + usize::from(closing);
        let name_len = html[name_start.min(html.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        at = name_start + name_len.max(1);
        if name_len == 0 {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        let end = html[at.min(html.len())..]
            .iter()
            .position(|&b| b == b'>')
            .map(|p| at + p);
        let self_closing = end.is_some_and(|end| end > 0 && html[end - 1] == b'/');
        if self_closing || VOID.contains(&name.as_slice()) {
            continue;
        }
        if name == b"script" || name == b"style" {
            // Their text is not markup: skip to the closing tag.
            let close = if name == b"script" {
                &b"</script"[..]
            } else {
                &b"</style"[..]
            };
            at = html[at.min(html.len())..]
                .windows(close.len())
                .position(|window| window.eq_ignore_ascii_case(close))
                .map_or(html.len(), |p| at + p);
            continue;
        }
        depth += 1;
        if depth > limit {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn d(body: &str, content_type: Option<&str>) -> Format {
        detect(&Input {
            bytes: body.as_bytes(),
            content_type,
            base_url: None,
            now: Timestamp::UNIX_EPOCH,
            options: &crate::parse::DEFAULT_OPTIONS,
        })
    }

    #[test]
    fn sniffs_roots() {
        assert_eq!(
            d(
                "\u{feff}<?xml version='1.0'?><!-- x --><rss version='2.0'>",
                None
            ),
            Format::Rss
        );
        assert_eq!(d("<rdf:RDF xmlns:rdf='x'>", None), Format::Rss);
        assert_eq!(
            d(
                "\n<!DOCTYPE feed><feed xmlns='http://www.w3.org/2005/Atom'>",
                None
            ),
            Format::Atom
        );
        assert_eq!(d("<!doctype html><html>", None), Format::Jsonld);
        assert_eq!(
            d("{\"version\": \"https://jsonfeed.org/version/1.1\"}", None),
            Format::Jsonfeed
        );
        assert_eq!(d("{\"response\":{\"content\":{}}}", None), Format::Guardian);
        assert_eq!(d("Headline\n\n14:05 , Jane", None), Format::Text);
        assert_eq!(
            d("<p>hi</p>", Some("text/html; charset=utf-8")),
            Format::Jsonld
        );
    }

    #[test]
    fn nesting_depth_is_bounded_cheaply() {
        let deep = "<div>".repeat(50_000);
        assert!(html_depth_exceeds(deep.as_bytes(), MAX_HTML_DEPTH));
        assert!(!html_depth_exceeds(
            format!(
                "<html><body>{}</body></html>",
                "<div>x</div>".repeat(10_000)
            )
            .as_bytes(),
            MAX_HTML_DEPTH
        ));
        assert!(!html_depth_exceeds(
            b"<script>if (a<b) { x = '<div><div>' }</script>",
            1
        ));
    }

    #[test]
    fn binary_bodies_are_named() {
        let png = Input {
            bytes: b"\x89PNG\r\n\x1a\n\0\0",
            content_type: Some("image/png"),
            base_url: None,
            now: Timestamp::UNIX_EPOCH,
            options: &crate::parse::DEFAULT_OPTIONS,
        };
        assert!(binary_reason(&png).is_some_and(|reason| reason.contains("PNG")));
        let text = Input {
            bytes: "Headline\n\n14:05, Jane\n\nBody".as_bytes(),
            content_type: Some("text/plain"),
            ..png
        };
        assert_eq!(binary_reason(&text), None);
    }
}
