//! The parts of config checking that look at the document itself rather than at
//! one value: keys that liveblog does not know (all of them, not the first one), and
//! a source URL written without its scheme, or an address that names no host.

use std::ops::Range;
use std::path::Path;

use toml_edit::{Item, TableLike};

/// The top-level tables.
const TOP_KEYS: &[&str] = &["general", "source", "filters", "alerts", "keys"];
/// `[general]`, in the order the docs list them.
const GENERAL_KEYS: &[&str] = &[
    "interval",
    "timeout",
    "max_body",
    "max_per_host",
    "max_connections",
    "max_age",
    "max_entries",
    "timezone",
    "cache",
    "mouse",
    "window",
    "theme",
];
/// One `[[source]]`.
const SOURCE_KEYS: &[&str] = &[
    "name",
    "url",
    "format",
    "interval",
    "selectors",
    "max_age",
    "max_entries",
];
/// A source's `selectors` table (the fields of `model::Selectors`).
pub(crate) const SELECTOR_KEYS: &[&str] = &[
    "entry", "time", "title", "author", "body", "link", "start", "order", "timezone",
];
/// `[alerts]`.
const ALERT_KEYS: &[&str] = &["query", "command"];

/// A key that is not one liveblog reads: its name, where it is, and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownKey {
    /// The key as written.
    pub key: String,
    /// Where the key is, when the parser knows.
    pub span: Option<Range<usize>>,
    /// serde's wording: "unknown field `x`, expected one of `a`, `b`".
    pub message: String,
}

/// Every unknown key in the document, in file order; empty when the text is not
/// TOML (the caller reports the syntax error).
pub(crate) fn unknown_keys(text: &str) -> Vec<UnknownKey> {
    let Ok(document) = toml_edit::Document::parse(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let top = document.as_table();
    walk(top, TOP_KEYS, &mut found);
    if let Some(general) = top.get("general").and_then(Item::as_table_like) {
        walk(general, GENERAL_KEYS, &mut found);
    }
    if let Some(alerts) = top.get("alerts").and_then(Item::as_table_like) {
        walk(alerts, ALERT_KEYS, &mut found);
    }
    for source in sources(top.get("source")) {
        walk(source, SOURCE_KEYS, &mut found);
        if let Some(selectors) = source.get("selectors").and_then(Item::as_table_like) {
            walk(selectors, SELECTOR_KEYS, &mut found);
        }
    }
    found.sort_by_key(|unknown| unknown.span.as_ref().map_or(0, |span| span.start));
    found
}

/// The source tables, written as `[[source]]` or as an inline array.
fn sources(item: Option<&Item>) -> Vec<&dyn TableLike> {
    match item {
        Some(Item::ArrayOfTables(tables)) => {
            tables.iter().map(|table| table as &dyn TableLike).collect()
        }
        Some(Item::Value(toml_edit::Value::Array(array))) => array
            .iter()
            .filter_map(|value| value.as_inline_table())
            .map(|table| table as &dyn TableLike)
            .collect(),
        _ => Vec::new(),
    }
}

fn walk(table: &dyn TableLike, known: &[&str], found: &mut Vec<UnknownKey>) {
    for (key, _) in table.iter() {
        if known.contains(&key) {
            continue;
        }
        let span = table
            .get_key_value(key)
            .and_then(|(key, item)| key.span().or_else(|| item.span()));
        found.push(UnknownKey {
            key: key.to_string(),
            span,
            message: unknown_field(key, known),
        });
    }
}

/// The message serde gives for an unknown field, so the first one reads as before.
fn unknown_field(key: &str, known: &[&str]) -> String {
    let quoted: Vec<String> = known.iter().map(|name| format!("`{name}`")).collect();
    match quoted.as_slice() {
        [] => format!("unknown field `{key}`, there are no fields"),
        [one] => format!("unknown field `{key}`, expected {one}"),
        [a, b] => format!("unknown field `{key}`, expected {a} or {b}"),
        many => format!("unknown field `{key}`, expected one of {}", many.join(", ")),
    }
}

/// For a source `url` without a scheme that names a host rather than a file
/// (`example.org/live`) and is no file here: the URL to write instead.
pub(crate) fn missing_scheme(url: &str) -> Option<String> {
    if url.contains("://") || Path::new(url).exists() {
        return None;
    }
    let host_port = url.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return None,
        None => host_port,
    };
    let labels: Vec<&str> = host.split('.').collect();
    let valid_labels = labels.iter().all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if !valid_labels {
        return None;
    }
    let looks_like_host = host.eq_ignore_ascii_case("localhost")
        || labels.len() >= 4 && labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_digit()))
        || labels.len() >= 2 && labels.last().is_some_and(|tld| is_top_level_domain(tld));
    looks_like_host.then(|| format!("https://{url}"))
}

/// A last label that reads as a top-level domain (`org`, `co`, `live`), not as the
/// extension of a feed file (`a.xml`, `notes.txt`).
fn is_top_level_domain(label: &str) -> bool {
    const FILE_EXTENSIONS: &[&str] = &[
        "xml", "rss", "atom", "json", "jsonld", "html", "htm", "xhtml", "txt", "text", "md",
        "opml", "toml", "csv", "gz", "feed",
    ];
    label.len() >= 2
        && label.bytes().all(|b| b.is_ascii_alphabetic())
        && !FILE_EXTENSIONS.contains(&label.to_ascii_lowercase().as_str())
}

/// What is wrong with an `http(s)://` address (an empty host, a space in it …), as the
/// fetcher would find at the first poll; `None` for a sound one and for anything else.
pub fn web_url_problem(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return None;
    }
    match url::Url::parse(url) {
        Err(error) => Some(error.to_string()),
        Ok(parsed) if parsed.host_str().is_none_or(str::is_empty) => {
            Some("it names no host".to_string())
        }
        Ok(_) => None,
    }
}

/// Two ways of writing one URL: a trailing slash, the case of the scheme and the host.
pub fn same_url(a: &str, b: &str) -> bool {
    let norm = |url: &str| {
        let url = url.trim().trim_end_matches('/');
        match url.split_once("://") {
            // The scheme and the host are read in any case; the path is not.
            Some((scheme, rest)) => {
                let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let (host, path) = rest.split_at(host_end);
                format!(
                    "{}://{}{path}",
                    scheme.to_ascii_lowercase(),
                    host.to_ascii_lowercase()
                )
            }
            None => url.to_string(),
        }
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_whatever_the_case_of_its_scheme_and_host() {
        assert!(same_url(
            "HTTPS://Example.ORG/Live/",
            "https://example.org/Live"
        ));
        assert!(!same_url(
            "https://example.org/Live",
            "https://example.org/live"
        ));
        // The query is not the host: its case counts.
        assert!(!same_url("https://ex.org?feed=A", "https://ex.org?feed=a"));
        assert!(same_url("https://EX.org?feed=A", "https://ex.org?feed=A"));
        assert!(same_url("/tmp/feed.xml", "/tmp/feed.xml/"));
    }

    #[test]
    fn bare_hosts_get_a_scheme_and_paths_do_not() {
        assert_eq!(
            missing_scheme("example.org/live").as_deref(),
            Some("https://example.org/live")
        );
        assert_eq!(
            missing_scheme("localhost:8080/feed").as_deref(),
            Some("https://localhost:8080/feed")
        );
        assert_eq!(
            missing_scheme("www.bbc.co.uk").as_deref(),
            Some("https://www.bbc.co.uk")
        );
        for path in [
            "a.xml",
            "notes/live.txt",
            "./feed.rss",
            "/tmp/x.json",
            "feed",
        ] {
            assert_eq!(missing_scheme(path), None, "{path}");
        }
        assert_eq!(missing_scheme("https://example.org"), None);
    }

    #[test]
    fn every_unknown_key_is_found_in_file_order() {
        let text = "top = 1\n[general]\ncolour = 1\n[[source]]\nname = \"a\"\nuri = \"x\"\nselectors = { entry = \"e\", summary = \"s\" }\n[alerts]\nsound = true\n";
        let found: Vec<(String, usize)> = unknown_keys(text)
            .into_iter()
            .map(|u| {
                let start = u.span.map_or(0, |s| s.start);
                (u.key, text[..start].matches('\n').count() + 1)
            })
            .collect();
        let expected = [
            ("top", 1),
            ("colour", 3),
            ("uri", 6),
            ("summary", 7),
            ("sound", 9),
        ];
        let expected: Vec<(String, usize)> =
            expected.iter().map(|(k, l)| (k.to_string(), *l)).collect();
        assert_eq!(found, expected);
    }
}
