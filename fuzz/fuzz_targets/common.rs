//! Shared by the parser targets: the `Input` every parser gets, and the checks every
//! parsed document must pass (the parser module's promise that strings leaving it are
//! clean of control characters).

#![allow(dead_code)]

use jiff::Timestamp;
use liveblog::model::{Document, Format};
use liveblog::parse::{Input, ParseOptions, parse};

/// Parses `bytes` as `format` with `options`, and checks what comes out.
pub fn run(bytes: &[u8], format: Format, options: &ParseOptions) {
    for content_type in [None, Some(content_type(format))] {
        let input = Input {
            bytes,
            content_type,
            base_url: Some("https://example.org/live/blog"),
            // A fixed "now": fuzzing must be reproducible.
            now: Timestamp::from_second(1_700_000_000).unwrap(),
            options,
        };
        if let Ok(document) = parse(&input, format) {
            check(&document);
        }
    }
}

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Rss => "application/rss+xml; charset=iso-8859-1",
        Format::Atom => "application/atom+xml",
        Format::Jsonfeed => "application/feed+json",
        Format::Guardian => "application/json",
        Format::Text => "text/plain; charset=utf-8",
        Format::Auto | Format::Jsonld | Format::Html => "text/html; charset=windows-1252",
    }
}

/// What every parsed document promises.
fn check(document: &Document) {
    for item in &document.items {
        for s in [&item.title, &item.id.0]
            .into_iter()
            .chain(item.author.as_ref())
            .chain(item.url.as_ref())
        {
            assert!(!s.chars().any(char::is_control), "control char in {s:?}");
        }
        assert!(
            !item.text.chars().any(|c| c.is_control() && c != '\n'),
            "control char in body {:?}",
            item.text
        );
    }
}
