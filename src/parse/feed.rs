//! RSS 0.9x / 1.0 / 2.0, Atom and JSON Feed, through feed-rs.
//!
//! Around feed-rs: encodings it misses are fixed first ([`super::encoding`]); dates go
//! through our lenient parser ([`super::dates`]); ids are never invented by feed-rs
//! (its fallback is a random UUID when an entry has no link): an entry without a
//! guid/id gets its link, else a hash of its title and date (see [`entry_id`]); a
//! truncated document is salvaged up to its last complete entry ([`super::repair`]).

use feed_rs::parser::{Builder, ParseFeedError};

use super::input::{Input, ParseError};
use super::{dates, encoding, ids, repair, text};
use crate::model::{Document, EntryId, Format, Item};
use crate::sanitize;

/// Parses a feed. `format` only names the error; feed-rs recognises the dialect itself.
pub fn parse(input: &Input<'_>, format: Format) -> Result<Document, ParseError> {
    let json = format == Format::Jsonfeed;
    let bytes = if json {
        std::borrow::Cow::Borrowed(trim_json(input.bytes))
    } else {
        encoding::prepare_xml(input.bytes)
    };
    let (feed, cut_short) = match run_feed_rs(&bytes, input.base_url) {
        Ok(feed) => (feed, false),
        Err(first) => {
            // Only a version fix leaves the document whole; the other repairs cut it.
            let (salvage, cut_short) = if json {
                (repair::truncated_json(&bytes), true)
            } else if matches!(
                first,
                ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot)
            ) {
                (repair::rss_version(&bytes), false)
            } else {
                (repair::truncated_xml(&bytes), true)
            };
            match salvage.map(|fixed| run_feed_rs(&fixed, input.base_url)) {
                Some(Ok(feed)) => (feed, cut_short),
                _ => return Err(invalid(format, &first)),
            }
        }
    };
    let base = input.base_url;
    let mut items: Vec<Item> = feed
        .entries
        .into_iter()
        .map(|e| item(e, base, json))
        .collect();
    ids::dedupe(&mut items, None);
    let title = feed
        .title
        .map(|t| {
            if json {
                sanitize::clean_line(&text::fix_mojibake(&text::decode_entities(&t.content)))
            } else {
                text::line(&t.content)
            }
        })
        .filter(|t| !t.is_empty());
    // RSS `<ttl>` is in minutes; 0 means "no hint".
    let ttl = feed
        .ttl
        .filter(|minutes| *minutes > 0)
        .map(|minutes| std::time::Duration::from_secs(u64::from(minutes) * 60));
    let self_url = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref() == Some("self"))
        .and_then(|l| absolute(&l.href, base));
    Ok(Document {
        title,
        items,
        ttl,
        self_url,
        cut_short,
    })
}

fn trim_json(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn run_feed_rs(bytes: &[u8], base: Option<&str>) -> Result<feed_rs::model::Feed, ParseFeedError> {
    Builder::new()
        .base_uri(base)
        // Leave missing ids empty: we make our own, stable ones.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(|s| dates::parse(s).and_then(to_chrono))
        .sanitize_content(false)
        .build()
        .parse(bytes)
}

fn invalid(format: Format, err: &ParseFeedError) -> ParseError {
    let reason = match err {
        ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot) => {
            "no <rss>, <rdf:RDF> or <feed> root (or JSON Feed object) found".to_string()
        }
        other => other.to_string(),
    };
    ParseError::Invalid {
        format,
        reason: sanitize::clean_line(&reason),
    }
}

/// A jiff timestamp as the chrono one feed-rs wants.
fn to_chrono(ts: jiff::Timestamp) -> Option<chrono::DateTime<chrono::Utc>> {
    let nanos = u32::try_from(ts.subsec_nanosecond()).ok()?;
    chrono::DateTime::from_timestamp(ts.as_second(), nanos)
}

/// A feed-rs (chrono) timestamp as a jiff one.
fn to_jiff(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<jiff::Timestamp> {
    let t = t?;
    let nanos = i32::try_from(t.timestamp_subsec_nanos()).ok()?;
    jiff::Timestamp::new(t.timestamp(), nanos).ok()
}

/// `json`: a JSON Feed, whose titles are plain text (`<i>` in one is literally `<i>`;
/// entities, which real feeds use anyway, are decoded).
fn item(e: feed_rs::model::Entry, base: Option<&str>, json: bool) -> Item {
    let title = e
        .title
        .as_ref()
        .map(|t| {
            if json {
                sanitize::clean_line(&text::fix_mojibake(&text::decode_entities(&t.content)))
            } else {
                text::line(&t.content)
            }
        })
        .unwrap_or_default();
    let author = {
        let mut names: Vec<String> = Vec::new();
        for name in e.authors.iter().filter_map(|p| {
            let name = p.name.as_deref().filter(|n| !n.trim().is_empty());
            name.or(p.email.as_deref()).map(text::line)
        }) {
            // `(Name)` is what is left of RSS's `email (Name)`.
            let name = match name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
                Some(inner) => inner.trim().to_string(),
                None => name,
            };
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
        (!names.is_empty()).then(|| names.join(", "))
    };
    let url = pick_link(&e.links).and_then(|href| absolute(href, base));
    let published = to_jiff(e.published);
    let updated = to_jiff(e.updated);

    // Body: content over summary; HTML when the feed says so.
    let (body, is_html) = match (&e.content, &e.summary) {
        (Some(c), _) if c.body.as_deref().is_some_and(|b| !b.trim().is_empty()) => (
            c.body.clone().unwrap_or_default(),
            is_html_type(c.content_type.as_str()),
        ),
        (_, Some(s)) => (s.content.clone(), is_html_type(s.content_type.as_str())),
        _ => (String::new(), false),
    };
    let body = text::fix_mojibake(&body);
    let (text, html) = if body.trim().is_empty() {
        (String::new(), None)
    } else if is_html || text::looks_like_html(&body) {
        (text::html_to_text(&body), Some(sanitize::clean(&body)))
    } else {
        (text::body_to_text(&body), None)
    };

    let id = entry_id(
        &e.id,
        url.as_deref(),
        published.or(updated),
        &title,
        &text,
        base,
    );
    Item {
        id: EntryId(id),
        published,
        updated,
        title,
        author,
        url,
        text,
        html,
        flags: Default::default(),
    }
}

/// guid / Atom id / JSON Feed id; else the entry's link; else `feed#h-<hash>` of the
/// title and date (and the start of the body when there is neither).
fn entry_id(
    raw: &str,
    url: Option<&str>,
    time: Option<jiff::Timestamp>,
    title: &str,
    body: &str,
    base: Option<&str>,
) -> String {
    let raw = sanitize::clean_line(raw);
    if !raw.is_empty() {
        return raw;
    }
    if let Some(url) = url {
        return url.to_string();
    }
    let date = time.map(|t| t.to_string()).unwrap_or_default();
    let body = if title.is_empty() && date.is_empty() {
        body
    } else {
        ""
    };
    ids::derived(base, &date, title, body)
}

fn is_html_type(mime: &str) -> bool {
    let mime = mime.to_ascii_lowercase();
    mime.contains("html")
}

/// The entry's permalink: `rel="alternate"` or no rel, else the first link.
fn pick_link(links: &[feed_rs::model::Link]) -> Option<&str> {
    links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")) && !l.href.trim().is_empty())
        .or_else(|| links.iter().find(|l| !l.href.trim().is_empty()))
        .map(|l| l.href.as_str())
}

/// `href` as an absolute http(s) URL, resolved against `base` when relative.
pub fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let parsed = match url::Url::parse(href) {
        Ok(url) => Some(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => base
            .and_then(|b| url::Url::parse(b).ok())
            .and_then(|b| b.join(href).ok()),
        Err(_) => None,
    }?;
    let out = sanitize::clean_line(parsed.as_str());
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_feed_titles_are_plain_text() {
        let feed = r#"{"version":"https://jsonfeed.org/version/1.1","title":"A <b>feed</b>",
            "items":[{"id":"1","title":"Die Rückkehr von <i> und <b>","content_text":"x &amp; y"}]}"#;
        let input = Input {
            bytes: feed.as_bytes(),
            content_type: None,
            base_url: None,
            now: jiff::Timestamp::UNIX_EPOCH,
            options: &super::super::input::DEFAULT_OPTIONS,
        };
        let doc = parse(&input, Format::Jsonfeed).unwrap_or_default();
        assert_eq!(doc.title.as_deref(), Some("A <b>feed</b>"));
        assert_eq!(doc.items[0].title, "Die Rückkehr von <i> und <b>");
    }
}
