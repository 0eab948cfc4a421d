//! `parse(.., Format::Html)` on arbitrary bytes with a few fixed selector sets (the
//! config example's, attribute reads, and odd but valid selectors): never panics,
//! output is clean.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use liveblog::model::{Format, Selectors};
use liveblog::parse::ParseOptions;

#[path = "common.rs"]
mod common;

fn options(
    entry: &str,
    time: Option<&str>,
    title: Option<&str>,
    author: Option<&str>,
    body: Option<&str>,
    link: Option<&str>,
) -> ParseOptions {
    let s = |v: Option<&str>| v.map(str::to_string);
    ParseOptions {
        selectors: Some(Selectors {
            entry: entry.to_string(),
            time: s(time),
            title: s(title),
            author: s(author),
            body: s(body),
            link: s(link),
            ..Selectors::default()
        }),
        ..ParseOptions::default()
    }
}

static OPTIONS: LazyLock<Vec<ParseOptions>> = LazyLock::new(|| {
    vec![
        // config.example.toml's selectors.
        options(
            "article.post",
            Some("time@datetime"),
            Some("h2"),
            Some(".byline"),
            Some(".post-body"),
            Some("a@href"),
        ),
        // Text times, nested and attribute-heavy selectors.
        options(
            "div[id^=\"block-\"], li",
            Some("time"),
            Some("h1, h2, h3"),
            Some("[rel=author]"),
            Some("p"),
            Some("a[href]@href"),
        ),
        // Only the entry selector; everything else derived.
        options("*", None, None, None, None, None),
        // Heading-delimited runs with an order and a zone.
        ParseOptions {
            selectors: Some(Selectors {
                entry: "div, article".to_string(),
                start: Some("p > strong, h3".to_string()),
                order: Some(liveblog::model::ListOrder::OldestFirst),
                timezone: Some("Europe/Paris".to_string()),
                ..Selectors::default()
            }),
            ..ParseOptions::default()
        },
        // No selectors: the DOM reader alone.
        ParseOptions::default(),
    ]
});

fuzz_target!(|bytes: &[u8]| {
    for options in OPTIONS.iter() {
        common::run(bytes, Format::Html, options);
    }
});
