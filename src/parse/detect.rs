//! Format detection from the content (first) and the content type (as a fallback).

use super::{Input, encoding};
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
    let content_type = input
        .content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();

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
}
