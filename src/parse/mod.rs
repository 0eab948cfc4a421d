//! Parsers: pure functions from bytes (+ content type, base URL, "now") to entries.
//!
//! - [`detect`] picks a format from the content (and the content type as a fallback);
//! - `feed`: RSS / Atom / JSON Feed through feed-rs (`encoding` fixes charsets first,
//!   `pieces` cuts a large XML feed so that feed-rs reads a few hundred entries at a time,
//!   `repair` salvages truncated documents, `dates` parses lenient timestamps);
//! - `jsonld`: schema.org `LiveBlogPosting` JSON-LD in HTML pages;
//! - `guardian`: the Guardian Content API and its page JSON;
//! - `live_html`: live entries found in a page's HTML by structure (repeated timed
//!   blocks, heading-delimited runs), for `auto` after the structured readers and for
//!   `html` without selectors; `selectors`: `format = "html"` with CSS selectors;
//! - [`clock`]: the one grammar of clock times, days and zones (eight languages) and
//!   the anchoring of clock-only times to days, shared by transcripts and the DOM;
//! - [`explain`]: what a reading found, in one line (`dump --explain`);
//! - `text`: HTML and entities to plain text; `ids`: stable entry ids.
//!
//! Every string that leaves this module has been through [`crate::sanitize`]. No input
//! makes a parser panic (see the proptest below).

mod blocks;
pub mod clock;
mod dates;
mod detect;
mod dom;
mod encoding;
mod feed;
mod guardian;
mod ids;
mod input;
mod jsonld;
mod links;
mod live_html;
mod microdata;
mod page_meta;
mod pieces;
mod repair;
mod selectors;
mod text;
mod transcript;

pub use input::{DEFAULT_OPTIONS, Input, ParseError, ParseOptions};
pub use links::{is_web_link, links};
pub use page_meta::{FeedLink, feed_links, page_title};

use crate::model::{Document, Format};

/// Picks the format from the content type and the content.
pub fn detect(input: &Input<'_>) -> Format {
    detect::detect(input)
}

/// Parses a document in `format` (`Auto` detects first).
pub fn parse(input: &Input<'_>, format: Format) -> Result<Document, ParseError> {
    let mut document = parse_as(input, format)?;
    // A page that never reaches `</body>` or `</html>` was cut short (feeds say so
    // themselves, from their repair).
    if !document.cut_short && detect::is_html_page(input) && !closes_html(input.bytes) {
        document.cut_short = true;
    }
    Ok(document)
}

/// Whether an HTML page's bytes contain the end of its body or of the page.
fn closes_html(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|window| {
        window[0] == b'<'
            && window[1] == b'/'
            && (window[2..].eq_ignore_ascii_case(b"html")
                || window[2..].eq_ignore_ascii_case(b"body"))
    })
}

fn parse_as(input: &Input<'_>, format: Format) -> Result<Document, ParseError> {
    match format {
        Format::Auto | Format::Text if detect::binary_reason(input).is_some() => {
            Err(ParseError::Invalid {
                format,
                reason: detect::binary_reason(input).unwrap_or_default(),
            })
        }
        Format::Auto => match detect(input) {
            Format::Auto => Err(ParseError::Unsupported(Format::Auto)),
            // An HTML page from a source that configured selectors is read with them.
            Format::Jsonld if input.options.selectors.is_some() => parse(input, Format::Html),
            // Structured data first, then the entries the HTML shows.
            Format::Jsonld => match parse(input, Format::Jsonld) {
                Err(ParseError::NoEntries { looked_for }) => {
                    live_html::parse(input).map_err(|dom| match dom {
                        ParseError::NoEntries { looked_for: in_dom } => ParseError::NoEntries {
                            looked_for: both_looked_for(&looked_for, &in_dom),
                        },
                        other => other,
                    })
                }
                other => other,
            },
            // Plain text is a live blog only when it has times: undated paragraphs are
            // read as entries only when asked for (`--format text`).
            Format::Text => match parse(input, Format::Text) {
                Ok(document) if document.items.iter().all(|item| item.published.is_none()) => {
                    Err(ParseError::NoEntries {
                        looked_for: "live entries in the text (time lines such as `14:05`, \
                                     `2.05pm`, `Updated at 14:05`); --format text reads it as \
                                     undated paragraphs"
                            .to_string(),
                    })
                }
                other => other,
            },
            detected => parse(input, detected),
        },
        Format::Text if detect::is_html_page(input) => Err(ParseError::Invalid {
            format,
            reason: "this is an HTML page, not a text transcript: read it with --format auto \
                     (or html)"
                .to_string(),
        }),
        Format::Rss | Format::Atom | Format::Jsonfeed => feed::parse(input, format),
        Format::Jsonld | Format::Html
            if detect::html_depth_exceeds(input.bytes, detect::MAX_HTML_DEPTH) =>
        {
            Err(ParseError::Invalid {
                format,
                reason: format!(
                    "HTML nested more than {} elements deep",
                    detect::MAX_HTML_DEPTH
                ),
            })
        }
        Format::Jsonld => jsonld::parse(input).map(drop_repeated_headlines),
        Format::Guardian => guardian::parse(input),
        Format::Text => transcript::parse(input),
        // Without selectors, `html` is the DOM reader alone (no structured data).
        Format::Html if input.options.selectors.is_none() => live_html::parse(input),
        Format::Html => selectors::parse(input),
    }
}

/// What the structured readers and the DOM reader looked for, in one line short enough
/// for a source's status (the structured part is shortened when long).
fn both_looked_for(structured: &str, in_dom: &str) -> String {
    const ROOM: usize = 120;
    let structured = if structured.chars().count() > ROOM {
        let cut: String = structured.chars().take(ROOM).collect();
        format!("{}…", cut.trim_end())
    } else {
        structured.to_string()
    };
    format!("{structured}; or {}", live_html::looked_for_briefly(in_dom))
}

/// What reading `input` as `format` finds, in one line for people (`dump --explain`):
/// the reader used, the number of entries, and for the DOM reader the structure, the
/// times, the day and zone clock times hang from and the list's order, e.g. `html: 20
/// entries, heading-delimited runs in <div class=ticker> (starts: p>strong ×18,
/// h3 ×1, div>h3 ×1), clock `9h05`, day 2024-07-18 from article:modified_time, zone
/// Europe/Paris (+02:00), newest first`. Pure, like [`parse`]; never panics.
pub fn explain(input: &Input<'_>, format: Format) -> String {
    let line = |text: String| crate::sanitize::clean_line(&text);
    let counted = |name: &str, result: Result<Document, ParseError>, what: &str| match result {
        Ok(doc) => format!("{name}: {}{what}", entries(doc.items.len())),
        Err(error) => format!("{name}: {error}"),
    };
    let html_page = matches!(format, Format::Auto) && detect(input) == Format::Jsonld;
    if html_page && input.options.selectors.is_some()
        || format == Format::Html && input.options.selectors.is_some()
    {
        return line(counted(
            "html",
            parse(input, Format::Html),
            " read with the configured selectors",
        ));
    }
    if html_page {
        match parse(input, Format::Jsonld) {
            Err(ParseError::NoEntries { .. }) => {}
            other => {
                return line(counted(
                    "jsonld",
                    other,
                    " from a schema.org LiveBlogPosting (JSON-LD, or microdata)",
                ));
            }
        }
    }
    if html_page || format == Format::Html {
        if detect::html_depth_exceeds(input.bytes, detect::MAX_HTML_DEPTH) {
            return line(counted("html", parse(input, Format::Html), ""));
        }
        return line(match live_html::extract(input) {
            Ok((doc, report)) => describe_report(&doc, &report),
            Err(error) if html_page => format!(
                "auto: {}",
                parse(input, Format::Auto).err().unwrap_or(error)
            ),
            Err(error) => format!("html: {error}"),
        });
    }
    let used = if format == Format::Auto {
        detect(input)
    } else {
        format
    };
    line(counted(used.name(), parse(input, format), ""))
}

/// `1 entry`, `20 entries`.
fn entries(count: usize) -> String {
    format!("{count} {}", if count == 1 { "entry" } else { "entries" })
}

fn describe_report(doc: &Document, report: &live_html::Report) -> String {
    let mut out = format!("html: {}, {}", entries(doc.items.len()), report.structure);
    if !report.starts.is_empty() {
        out.push_str(&format!(" (starts: {})", report.starts));
    }
    out.push_str(&format!(", {}", report.times));
    if let Some((day, source)) = &report.day {
        out.push_str(&format!(", day {day} from {source}"));
    }
    if !report.zone.is_empty() {
        out.push_str(&format!(", zone {}", report.zone));
    }
    if let Some(order) = report.order {
        out.push_str(&format!(", {}", order.describe()));
    }
    if !report.rejected.is_empty() {
        out.push_str(&format!("; left out: {}", report.rejected.join("; ")));
    }
    out
}

/// Some live blogs put one label on every update as its "headline" (The Independent's
/// "Women's World Cup"): a headline most updates share says nothing about any of them,
/// so it is dropped and the entry is shown by its first words instead.
fn drop_repeated_headlines(mut document: Document) -> Document {
    let count = document.items.len();
    if count < 4 {
        return document;
    }
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in &document.items {
        let title = item.title.trim();
        if !title.is_empty() {
            *seen.entry(title.to_string()).or_default() += 1;
        }
    }
    let labels: Vec<String> = seen
        .into_iter()
        .filter(|(_, uses)| uses * 2 > count)
        .map(|(title, _)| title)
        .collect();
    for item in &mut document.items {
        if labels.iter().any(|label| label == item.title.trim()) {
            item.title.clear();
        }
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use proptest::prelude::*;

    #[test]
    fn links_are_resolved_in_either_case_and_bodies_without_anchors_have_none() {
        let html = "<p>See <A HREF=\"/map\">the map</A> and <a href=\"https://x.example/a\">\
                    this</a>, not <a href=\"javascript:alert(1)\">that</a>.</p>";
        assert_eq!(
            links(html, Some("https://example.org/live")),
            vec![
                ("the map".to_string(), "https://example.org/map".to_string()),
                ("this".to_string(), "https://x.example/a".to_string()),
            ]
        );
        assert!(links("<p>No links <abbr>here</abbr>.</p>", None).is_empty());
        assert!(links("", None).is_empty());
    }

    fn input(bytes: &[u8]) -> Input<'_> {
        Input {
            bytes,
            content_type: None,
            base_url: Some("https://example.org/live"),
            now: Timestamp::UNIX_EPOCH,
            options: &crate::parse::DEFAULT_OPTIONS,
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            for format in Format::ALL {
                let _ = parse(&input(&bytes), format);
            }
            let _ = detect(&input(&bytes));
        }

        #[test]
        fn never_panics_on_near_documents(
            prefix in prop::sample::select(vec![
                "<?xml version='1.0' encoding='utf-16'?><rss version='2.0'><channel><item>",
                "<feed xmlns='http://www.w3.org/2005/Atom'><entry><title type='html'>",
                "{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[{\"id\":",
                "<html><script type=\"application/ld+json\">{\"@type\":\"LiveBlogPosting\",\"liveBlogUpdate\":[{",
                "\u{feff}<rdf:RDF><item><dc:date>",
            ]),
            tail in ".{0,200}",
        ) {
            let doc = format!("{prefix}{tail}");
            for format in Format::ALL {
                let _ = parse(&input(doc.as_bytes()), format);
            }
        }
    }

    #[test]
    fn a_headline_most_updates_share_is_a_label_not_a_headline() {
        let updates: Vec<String> = (0..6)
            .map(|n| {
                let headline = if n == 2 { "England through" } else { "World Cup" };
                format!(r#"{{"@type":"BlogPosting","@id":"u{n}","headline":"{headline}","articleBody":"Body {n}","datePublished":"2023-08-14T0{n}:00:00Z"}}"#)
            })
            .collect();
        let page = format!(
            r#"<html><script type="application/ld+json">{{"@type":"LiveBlogPosting","headline":"World Cup LIVE","liveBlogUpdate":[{}]}}</script></html>"#,
            updates.join(",")
        );
        let doc = parse(&input(page.as_bytes()), Format::Jsonld).expect("parses");
        let titles: Vec<&str> = doc.items.iter().map(|item| item.title.as_str()).collect();
        assert_eq!(
            titles.iter().filter(|title| title.is_empty()).count(),
            5,
            "{titles:?}"
        );
        assert!(titles.contains(&"England through"));
    }

    #[test]
    fn a_page_or_feed_that_stops_early_is_cut_short() {
        let updates: Vec<String> = (0..3)
            .map(|n| format!(r#"{{"@type":"BlogPosting","@id":"u{n}","headline":"Update {n}","articleBody":"Body {n}","datePublished":"1969-08-14T0{n}:00:00Z"}}"#))
            .collect();
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"LiveBlogPosting","liveBlogUpdate":[{}]}}</script></head><body><p>Live</p>"#,
            updates.join(",")
        );
        let whole = format!("{page}</body></html>");
        let read = |bytes: &str| parse(&input(bytes.as_bytes()), Format::Auto);
        assert_eq!(
            read(&whole).map(|doc| (doc.items.len(), doc.cut_short)),
            Ok((3, false))
        );
        assert_eq!(
            read(&page).map(|doc| (doc.items.len(), doc.cut_short)),
            Ok((3, true))
        );
        assert!(closes_html(b"<p>x</p></BODY>"));
        assert!(!closes_html(b"<p>x</p></bod"));

        let rss = "<rss version='2.0'><channel><item><guid>a</guid><title>A</title></item>\
                   <item><guid>b</guid><title>B</title></item>";
        let cut = parse(
            &input(format!("{rss}<item><guid>c").as_bytes()),
            Format::Auto,
        )
        .unwrap_or_default();
        assert_eq!((cut.items.len(), cut.cut_short), (2, true));
        // Cut between entries: still cut short.
        for ending in ["", "\n"] {
            let cut = parse(&input(format!("{rss}{ending}").as_bytes()), Format::Auto)
                .unwrap_or_default();
            assert_eq!((cut.items.len(), cut.cut_short), (2, true), "{ending:?}");
        }
        let atom = "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>\
                    <entry><id>a</id><title>A</title><updated>2024-05-01T12:00:00Z</updated></entry>\
                    <entry><id>b</id><title>B</title><updated>2024-05-01T12:05:00Z</updated></entry>";
        for ending in ["", "\n", "<entry><id>c</id><title>C"] {
            let cut = parse(&input(format!("{atom}{ending}").as_bytes()), Format::Auto)
                .unwrap_or_default();
            assert_eq!(
                (cut.items.len(), cut.cut_short),
                (2, true),
                "atom {ending:?}"
            );
        }
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"a","content_text":"A"},{"id":"b","content_text":"B"}"#;
        for ending in ["", ",", r#",{"id":"c","content_te"#] {
            let cut = parse(&input(format!("{json}{ending}").as_bytes()), Format::Auto)
                .unwrap_or_default();
            assert_eq!(
                (cut.items.len(), cut.cut_short),
                (2, true),
                "json {ending:?}"
            );
        }
        let whole = parse(
            &input(format!("{rss}</channel></rss>").as_bytes()),
            Format::Auto,
        )
        .unwrap_or_default();
        assert_eq!((whole.items.len(), whole.cut_short), (2, false));
        // A version fix keeps the whole document.
        let unversioned = parse(
            &input(b"<rss><channel><item><guid>a</guid></item></channel></rss>"),
            Format::Auto,
        )
        .unwrap_or_default();
        assert_eq!((unversioned.items.len(), unversioned.cut_short), (1, false));
    }

    #[test]
    fn strings_leaving_the_parser_are_clean() {
        let rss = "<rss version='2.0'><channel><item><title>a\u{1b}]52;c;x\u{7}b</title>\
            <guid>g\u{1b}[2J</guid><description>&lt;p&gt;x\u{9b}31m&lt;/p&gt;</description>\
            <link>https://e.org/\u{1b}[1m</link></item></channel></rss>";
        let doc = parse(&input(rss.as_bytes()), Format::Auto).unwrap_or_default();
        assert_eq!(doc.items.len(), 1);
        let item = &doc.items[0];
        for s in [
            &item.title,
            &item.id.0,
            &item.text,
            item.url.as_deref().unwrap_or(""),
        ] {
            assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
        }
        assert_eq!(item.title, "ab");
    }
}
