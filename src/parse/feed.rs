//! RSS 0.9x / 1.0 / 2.0, Atom and JSON Feed, through feed-rs.
//!
//! Around feed-rs: encodings it misses are fixed first ([`super::encoding`]); dates go
//! through our lenient parser ([`super::dates`]); ids are never invented by feed-rs
//! (its fallback is a random UUID when an entry has no link): an entry without a
//! guid/id gets its link, else a hash of its title and date (see [`entry_id`]); a
//! truncated document is salvaged up to its last complete entry ([`super::repair`]).

use feed_rs::parser::{Builder, ParseFeedError};

use super::input::{Input, ParseError};
use super::{dates, encoding, ids, pieces, repair, text};
use crate::model::{Document, EntryId, Format, Item};
use crate::sanitize;

/// Feeds larger than this are read in pieces of about [`PIECE_BYTES`] of entries.
const PIECES_OVER: usize = 4 << 20;

/// The entries feed-rs reads at once in a large feed: about this many bytes of them.
const PIECE_BYTES: usize = 1 << 20;

/// A feed read: its header (entries taken out), its items, whether it was cut short.
struct Read {
    feed: feed_rs::model::Feed,
    items: Vec<Item>,
    cut_short: bool,
}

/// Parses a feed. `format` only names the error; feed-rs recognises the dialect itself.
pub fn parse(input: &Input<'_>, format: Format) -> Result<Document, ParseError> {
    parse_cut(input, format, PIECES_OVER, PIECE_BYTES)
}

/// [`parse`], reading feeds larger than `over` bytes in pieces of about `piece_bytes`.
fn parse_cut(
    input: &Input<'_>,
    format: Format,
    over: usize,
    piece_bytes: usize,
) -> Result<Document, ParseError> {
    let json = format == Format::Jsonfeed;
    let bytes = if json {
        std::borrow::Cow::Borrowed(trim_json(input.bytes))
    } else {
        encoding::prepare_xml(input.bytes)
    };
    let base = input.base_url;
    // A large feed is read a piece at a time (see `pieces`); one that cannot be cut
    // (or whose pieces feed-rs refuses) is read whole, and repaired if it must be.
    let cut = !json && bytes.len() > over;
    let read = match cut.then(|| read_in_pieces(&bytes, base, piece_bytes)) {
        Some(Some(read)) => read,
        _ => read_whole(&bytes, base, format, json)?,
    };
    drop(bytes);
    let Read {
        feed,
        mut items,
        cut_short,
    } = read;
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

/// The whole document through feed-rs at once; a document it refuses is repaired
/// (a version fixed, or cut after its last complete entry) and read again.
fn read_whole(
    bytes: &[u8],
    base: Option<&str>,
    format: Format,
    json: bool,
) -> Result<Read, ParseError> {
    let (mut feed, cut_short) = match run_feed_rs(bytes, base) {
        Ok(feed) => (feed, false),
        Err(first) => {
            // Only a version fix leaves the document whole; the other repairs cut it.
            let (salvage, cut_short) = if json {
                (repair::truncated_json(bytes), true)
            } else if matches!(
                first,
                ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot)
            ) {
                (repair::rss_version(bytes), false)
            } else {
                (repair::truncated_xml(bytes), true)
            };
            match salvage.map(|fixed| run_feed_rs(&fixed, base)) {
                Some(Ok(feed)) => (feed, cut_short),
                _ => return Err(invalid(format, &first)),
            }
        }
    };
    // Into a vector of its own size: `collect` would reuse feed-rs's, sized for its
    // (much larger) entries, for as long as the document lives.
    let entries = std::mem::take(&mut feed.entries);
    let mut items = Vec::with_capacity(entries.len());
    items.extend(entries.into_iter().map(|e| item(e, base, json)));
    Ok(Read {
        feed,
        items,
        cut_short,
    })
}

/// A large XML feed read a piece at a time: one piece's bytes, feed-rs buffer and
/// model per thread at once, each piece's entries made items before the thread reads
/// another. The pieces are independent, so one thread per core reads them (taking the
/// next unread piece in turn) and their items are put back in document order. `None`
/// when it cannot be cut or feed-rs refuses a piece (then it is read whole).
fn read_in_pieces(bytes: &[u8], base: Option<&str>, piece_bytes: usize) -> Option<Read> {
    let pieces = pieces::split(bytes, piece_bytes)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .min(pieces.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Each thread's pieces: (index, that piece's items, the first piece's feed header:
    // every piece carries the same head and tail, so one serves).
    let read_some = || {
        let mut read = Vec::new();
        let mut piece = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if index >= pieces.len() {
                return Some(read);
            }
            pieces.write(bytes, index, &mut piece);
            let mut feed = run_feed_rs(&piece, base).ok()?;
            let entries = std::mem::take(&mut feed.entries);
            let mut items = Vec::with_capacity(entries.len());
            items.extend(entries.into_iter().map(|e| item(e, base, false)));
            read.push((index, items, (index == 0).then_some(feed)));
        }
    };
    let mut read: Vec<(usize, Vec<Item>, Option<feed_rs::model::Feed>)> =
        std::thread::scope(|scope| {
            let others: Vec<_> = (1..threads).map(|_| scope.spawn(read_some)).collect();
            let mut all = read_some()?;
            for other in others {
                all.extend(other.join().ok()??);
            }
            Some(all)
        })?;
    read.sort_unstable_by_key(|(index, _, _)| *index);
    let mut items = Vec::with_capacity(pieces.entries());
    let mut header = None;
    for (_, piece_items, feed) in read {
        items.extend(piece_items);
        header = header.or(feed);
    }
    Some(Read {
        feed: header?,
        items,
        cut_short: false,
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
    // Built by pushing, with room to spare: a huge feed's items are held until stored
    // and their spare room with them.
    let (mut text, mut html) = (text, html);
    text.shrink_to_fit();
    if let Some(html) = &mut html {
        html.shrink_to_fit();
    }

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

    /// Every XML feed in the fixtures gives the same document read in pieces of one
    /// entry as read whole (ids, order, text, HTML, header, `cut_short`).
    #[test]
    #[cfg_attr(
        not(fixtures),
        ignore = "needs ../shared/fixtures beside the repository"
    )]
    fn a_feed_read_in_pieces_is_the_feed_read_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/feeds");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext != "json"))
            .collect();
        files.sort();
        let mut cut = 0;
        for path in &files {
            let bytes = std::fs::read(path).expect("fixture");
            let input = Input {
                bytes: &bytes,
                content_type: None,
                base_url: Some("https://example.org/feed"),
                now: jiff::Timestamp::UNIX_EPOCH,
                options: &super::super::input::DEFAULT_OPTIONS,
            };
            let whole = parse_cut(&input, Format::Rss, usize::MAX, 0);
            let in_pieces = parse_cut(&input, Format::Rss, 0, 1);
            assert_eq!(in_pieces, whole, "{}", path.display());
            let prepared = encoding::prepare_xml(&bytes);
            if pieces::split(&prepared, 1).is_some_and(|pieces| pieces.len() > 1) {
                cut += 1;
            }
        }
        // Many fixtures really were cut (25 of 49: the rest have one entry, or are
        // ill-formed and read whole as before).
        assert!(cut >= 20, "only {cut} of {} cut", files.len());
    }

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
