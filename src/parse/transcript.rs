//! Plain-text transcripts of live blogs (`Format::Text`): what a reader service or a
//! copy-paste gives for a live page, newest entry first.
//!
//! ```text
//! Headline of the newest entry
//!
//! 14:05 , Jane Doe
//!
//! First paragraph of the body.
//! ```
//!
//! The parser works on lines:
//!
//! 1. site chrome (menus, share buttons, sign-up prompts, cookie notices, picture
//!    credits) is dropped line by line, and everything after a footer marker ("Reuse
//!    this content", "Most viewed", "© ...") that follows the last entry is cut;
//! 2. every line is tried as a *time line* (`14:05 , Name`, `2.05pm`, `14.05 BST`,
//!    `Posted at 14:05`, `Updated at 14:05 GMT+1`, optionally after a stated date);
//! 3. a "Key points" / "Key events" / "Summary" block before the first time line
//!    becomes one summary entry;
//! 4. the document is *headline first* (headline, time, body — the usual form) or
//!    *time first* (time, headline, body — as some reader services give it), decided
//!    by which side of the time lines the headline-like lines sit on;
//! 5. dates: the newest entry's day is `--date`, else a date the page states before the
//!    first entry, else today in the page's zone; going down the list, a clock that
//!    jumps up means the day before.
//!
//! A transcript without any time line is a list of undated paragraphs, one entry each.
//! Ids hash the time line as written, the headline and the start of the body, so an
//! entry keeps its id when newer entries are added above it.

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use super::clock::{find_date, strip_prefix_ci, take_clock, take_date, take_meridiem, take_zone};
use super::input::{Input, ParseError};
use super::{ids, text};
use crate::model::{Document, EntryId, Item};
use crate::sanitize::{clean, clean_line};

/// Longer lines are never time lines, headlines or date lines.
const MAX_TIME_LINE: usize = 120;
const MAX_HEADLINE: usize = 200;
const MAX_HEADLINE_WORDS: usize = 30;
/// How many characters of the body go into an entry's id.
const ID_BODY_CHARS: usize = 100;
/// A newest entry dated "today" that would be this far in the future is from yesterday.
const FUTURE_SLACK_MINUTES: i64 = 15;

/// Parses a transcript.
pub fn parse(input: &Input<'_>) -> Result<Document, ParseError> {
    let text = decode(input.bytes);
    let lines = prepare_lines(&text);
    let page = input.base_url;
    let mut document = if lines.iter().any(|line| line.stamp.is_some()) {
        dated(&lines, input)
    } else {
        undated(&lines, page)
    };
    document
        .items
        .retain(|item| !(item.title.is_empty() && item.text.is_empty()));
    if document.items.is_empty() {
        return Err(ParseError::NoEntries {
            looked_for: "transcript entries: time lines such as `14:05 , Name`, `2.05pm` or \
                         `Updated at 14:05 GMT`, or paragraphs of text"
                .to_string(),
        });
    }
    ids::dedupe(&mut document.items, page);
    Ok(document)
}

/// Bytes to text: UTF-8 (BOM stripped), UTF-16 with a BOM, else windows-1252; then
/// sanitized (control characters and escape sequences dropped, CRLF to LF).
fn decode(bytes: &[u8]) -> String {
    let decoded = if bytes.starts_with(&[0xff, 0xfe]) {
        encoding_rs::UTF_16LE.decode(bytes).0.into_owned()
    } else if bytes.starts_with(&[0xfe, 0xff]) {
        encoding_rs::UTF_16BE.decode(bytes).0.into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        }
    };
    clean(decoded.trim_start_matches('\u{feff}'))
}

// ---------------------------------------------------------------------------------------
// Lines

/// One kept line of the transcript (chrome already dropped).
#[derive(Debug, Clone)]
struct Line {
    /// Trimmed, markdown heading marks and bold wrappers removed; empty for a blank line.
    text: String,
    /// The line read as a time line.
    stamp: Option<Stamp>,
    /// A "Pinned post" label came right before this line.
    pinned: bool,
}

impl Line {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

fn prepare_lines(text: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut pinned = false;
    for raw in text.split('\n') {
        let line = strip_markdown(raw.trim().replace('\u{a0}', " ").trim());
        if line.is_empty() {
            // Keep one blank line between paragraphs.
            if lines.last().is_some_and(|last| !last.is_blank()) {
                lines.push(Line {
                    text: String::new(),
                    stamp: None,
                    pinned: false,
                });
            }
            continue;
        }
        let key = chrome_key(&line);
        if matches!(key.as_str(), "pinned" | "pinned post") {
            pinned = true;
            continue;
        }
        if is_chrome(&line, &key) {
            continue;
        }
        let stamp = time_line(&line);
        lines.push(Line {
            text: line,
            stamp,
            pinned,
        });
        pinned = false;
    }
    lines
}

/// `## Heading` → `Heading`, `**14:05**` → `14:05`, `[text](https://...)` → `text`;
/// a line that is only an image (`![alt](src)`) becomes empty.
fn strip_markdown(line: &str) -> String {
    if line.starts_with("![") && line.ends_with(')') && line.contains("](") {
        return String::new();
    }
    let unlinked = markdown_links(line);
    let mut s = unlinked.as_str();
    if s.starts_with('#') {
        let rest = s.trim_start_matches('#');
        if rest.starts_with(' ') || rest.is_empty() {
            s = rest.trim();
        }
    }
    for wrapper in ["**", "__"] {
        if s.len() > 4 && s.starts_with(wrapper) && s.ends_with(wrapper) {
            let inner = &s[2..s.len() - 2];
            if !inner.contains(wrapper) {
                s = inner.trim();
            }
        }
    }
    s.to_string()
}

/// `[text](url)` → `text` when `url` looks like a link (no spaces).
fn markdown_links(line: &str) -> String {
    if !line.contains("](") {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find("](") else {
            break;
        };
        let label = &after_open[..close];
        let target = &after_open[close + 2..];
        let Some(end) = target.find(')') else { break };
        let url = &target[..end];
        if label.contains('[') || url.is_empty() || url.contains(char::is_whitespace) {
            out.push_str(&rest[..open + 1]);
            rest = after_open;
            continue;
        }
        let prefix = &rest[..open];
        out.push_str(prefix.strip_suffix('!').unwrap_or(prefix));
        out.push_str(label);
        rest = &target[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The line lower-cased, without trailing punctuation and a trailing count: the form
/// chrome lists are matched against.
fn chrome_key(line: &str) -> String {
    let lower = line.to_lowercase();
    let mut key = lower
        .trim_end_matches(['.', ':', '…', ' ', '›', '»', '>'])
        .trim();
    // "Comments (1,234)", "Share (12)".
    if key.ends_with(')')
        && let Some(open) = key.rfind(" (")
        && key[open + 2..key.len() - 1]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.' || c == 'k')
    {
        key = key[..open].trim();
    }
    key.to_string()
}

/// Whole lines that are page furniture wherever they occur.
const CHROME_EXACT: &[&str] = &[
    "skip to main content",
    "skip to navigation",
    "skip to key events",
    "skip to content",
    "skip to main",
    "skip navigation",
    "menu",
    "main menu",
    "open menu",
    "close menu",
    "search",
    "sign in",
    "log in",
    "login",
    "register",
    "subscribe",
    "support us",
    "support the guardian",
    "donate",
    "close",
    "share",
    "share this",
    "share this post",
    "share this page",
    "share page",
    "share on facebook",
    "share on twitter",
    "share on x",
    "share on whatsapp",
    "share via email",
    "share on linkedin",
    "facebook",
    "twitter",
    "x",
    "email",
    "whatsapp",
    "linkedin",
    "messenger",
    "reddit",
    "copy link",
    "copy link to clipboard",
    "link copied",
    "print",
    "save",
    "comments",
    "comment",
    "view comments",
    "view all comments",
    "jump to comments",
    "advertisement",
    "advert",
    "sponsored",
    "show key events only",
    "please turn on javascript to use this feature",
    "reuse this content",
    "back to top",
    "live",
    "live updates",
    "latest",
    "newest",
    "oldest",
    "older",
    "newer",
    "older posts",
    "newer posts",
    "previous",
    "next",
    "previous page",
    "next page",
    "load more",
    "load more updates",
    "show more",
    "see more",
    "view more",
    "read more",
    "loading",
    "accept",
    "accept all",
    "accept cookies",
    "accept all cookies",
    "reject all",
    "manage cookies",
    "manage preferences",
    "cookie settings",
    "cookie policy",
    "privacy policy",
    "privacy settings",
    "terms of use",
    "terms and conditions",
    "terms of service",
    "contact us",
    "about us",
    "home",
    "updated",
    "key event",
    "breaking",
    "breaking news",
    "listen",
    "listen to this article",
    "live reporting",
    "watch",
    "watch live",
    "enlarge",
    "expand",
    "collapse",
    "view image in fullscreen",
    "view image",
    "image",
];

/// Line beginnings that mark furniture or picture credits.
const CHROME_PREFIX: &[&str] = &[
    "skip to ",
    "sign up to ",
    "sign up for ",
    "subscribe to ",
    "we use cookies",
    "this website uses cookies",
    "this site uses cookies",
    "we and our partners",
    "by clicking",
    "by using this site",
    "photograph:",
    "photograph by ",
    "photographs:",
    "photo:",
    "photo by ",
    "photos:",
    "image:",
    "images:",
    "image source",
    "image caption",
    "media caption",
    "picture:",
    "pictures:",
    "credit:",
    "illustration:",
    "composite:",
    "follow us on ",
    "download the app",
    "get the app",
    "© ",
    "©",
    "copyright ",
    "(c) ",
    "all rights reserved",
    "last updated",
    "url source",
    "markdown content",
    "published time",
    "first published",
    "last modified",
    "advertisement",
];

/// Markers inside a line that make it a picture caption with its credit.
const CREDIT_MARKERS: &[&str] = &[
    "photograph:",
    "photo:",
    "image:",
    "picture:",
    "credit:",
    "illustration:",
    "composite:",
    "photograph by ",
];

/// True when a line is site chrome or a picture credit (`key` is [`chrome_key`]).
fn is_chrome(line: &str, key: &str) -> bool {
    if CHROME_EXACT.contains(&key) || CHROME_PREFIX.iter().any(|p| key.starts_with(p)) {
        // "Last updated 14:05" and friends are page metadata, but the page date they
        // carry is read separately; "first published" lines likewise.
        return true;
    }
    let lower = line.to_lowercase();
    CREDIT_MARKERS.iter().any(|marker| {
        lower.match_indices(marker).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + marker.len()..].trim();
            before.is_some_and(char::is_whitespace)
                && !after.is_empty()
                && after.chars().count() <= 80
                && !after.contains(". ")
        })
    }) || lower.contains("via getty images")
}

/// Lines after the last entry from which everything is footer.
fn is_footer(line: &str) -> bool {
    let key = chrome_key(line);
    matches!(
        key.as_str(),
        "reuse this content"
            | "topics"
            | "explore more on these topics"
            | "most viewed"
            | "most popular"
            | "most read"
            | "more on this story"
            | "related topics"
            | "related stories"
            | "related content"
            | "related"
            | "you might also like"
            | "more from"
            | "comments"
            | "view all comments"
            | "back to top"
            | "site map"
            | "sitemap"
            | "about us"
            | "contact us"
            | "newsletters"
            | "follow us"
            | "more stories"
            | "top stories"
            | "join the conversation"
    ) || [
        "© ",
        "©",
        "copyright ",
        "(c) ",
        "comments (",
        "join our commenting forum",
    ]
    .iter()
    .any(|p| key.starts_with(p))
}

// ---------------------------------------------------------------------------------------
// Time lines

/// A line read as an entry's time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    /// A date stated on the line itself.
    date: Option<Date>,
    hour: i8,
    minute: i8,
    /// A zone named on the line (`GMT`, `BST`, `GMT+1`): overrides the page's zone.
    offset: Option<Offset>,
    author: Option<String>,
    /// `Updated at ...`: an edit time when it follows another time line.
    updated: bool,
}

impl Stamp {
    fn minutes(&self) -> i32 {
        i32::from(self.hour) * 60 + i32::from(self.minute)
    }
}

/// Prefixes before a time; the flag says "an edit time".
const TIME_PREFIXES: &[(&str, bool)] = &[
    ("updated at ", true),
    ("updated: ", true),
    ("updated ", true),
    ("posted at ", false),
    ("posted: ", false),
    ("posted ", false),
    ("published at ", false),
    ("published ", false),
    ("at ", false),
];

/// Reads `line` as a time line: `[prefix] [date[,| at]] clock [am|pm] [zone] [sep author]`.
fn time_line(line: &str) -> Option<Stamp> {
    if line.chars().count() > MAX_TIME_LINE {
        return None;
    }
    let mut rest = line.trim();
    let mut updated = false;
    for (prefix, is_update) in TIME_PREFIXES {
        if let Some(after) = strip_prefix_ci(rest, prefix) {
            rest = after.trim_start();
            updated = *is_update;
            break;
        }
    }
    let mut date = None;
    if let Some((found, after)) = take_date(rest) {
        date = Some(found);
        rest = after.trim_start().trim_start_matches(',').trim_start();
        if let Some(after) = strip_prefix_ci(rest, "at ") {
            rest = after.trim_start();
        }
    }
    let (mut hour, minute, after) = take_clock(rest)?;
    rest = after;
    if let Some((pm, after)) = take_meridiem(rest) {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
        rest = after;
    }
    let mut offset = None;
    if let Some((found, after)) = take_zone(rest) {
        offset = Some(found);
        rest = after;
    }
    let author = author(rest)?;
    Some(Stamp {
        date,
        hour,
        minute,
        offset,
        author,
        updated,
    })
}

/// What follows the time: nothing, or a separator and an author name. `None` when the
/// rest is not a name (then the line is body text, not a time line).
fn author(rest: &str) -> Option<Option<String>> {
    let t = rest.trim();
    if t.is_empty() {
        return Some(None);
    }
    let mut name = None;
    for separator in [",", "-", "–", "—", "|", "·", "•", "/"] {
        if let Some(after) = t.strip_prefix(separator) {
            name = Some(after.trim());
            break;
        }
    }
    if name.is_none()
        && let Some(after) = strip_prefix_ci(t, "by ")
    {
        name = Some(after.trim());
    }
    let mut name = name?;
    if let Some(after) = strip_prefix_ci(name, "by ") {
        name = after.trim();
    }
    if name.is_empty() {
        // "14:05 ," with nothing after it.
        return Some(None);
    }
    let first = name.chars().next()?;
    let words = name.split_whitespace().count();
    let plausible = first.is_alphabetic()
        && !first.is_lowercase()
        && words <= 8
        && name.chars().count() <= 80
        && !name.ends_with(['.', '!', '?', ':', ';']);
    plausible.then(|| Some(clean_line(name)))
}

// ---------------------------------------------------------------------------------------
// Dates stated in the text

/// Which day the page's own date belongs to.
#[derive(Debug, Clone, Copy)]
enum PageDate {
    /// The day of the newest entry (a plain date, "Updated ...", "Last modified ...").
    Newest(Date),
    /// The day the blog began ("First published on ..."): the oldest entry's day.
    Oldest(Date),
}

/// The date a preamble states, preferring one that is not a "first published" date.
fn page_date(text: &str) -> Option<PageDate> {
    let mut first_published = None;
    for line in text.split('\n').take(200) {
        let Some(date) = find_date(line) else {
            continue;
        };
        if line.to_lowercase().contains("first published") {
            first_published.get_or_insert(date);
        } else {
            return Some(PageDate::Newest(date));
        }
    }
    first_published.map(PageDate::Oldest)
}

// ---------------------------------------------------------------------------------------
// Entries

/// True for a line that can be a headline: one short line, not a sentence.
fn is_headline(line: &Line) -> bool {
    let text = line.text.as_str();
    if line.is_blank() || line.stamp.is_some() || text.chars().count() > MAX_HEADLINE {
        return false;
    }
    if text.split_whitespace().count() > MAX_HEADLINE_WORDS || is_bullet(text) {
        return false;
    }
    let Some(first) = text.chars().next() else {
        return false;
    };
    if first.is_lowercase() {
        return false;
    }
    let end = text.trim_end_matches(['"', '\'', '’', '”', '»', ')', ']']);
    !end.ends_with(['.', ',', ';', ':'])
}

fn is_bullet(text: &str) -> bool {
    ["- ", "* ", "• ", "· ", "– ", "— ", "▪ ", "● "]
        .iter()
        .any(|b| text.starts_with(b))
}

/// Headings of a summary block.
fn is_summary_heading(text: &str) -> bool {
    matches!(
        chrome_key(text).as_str(),
        "key points"
            | "the key points"
            | "key events"
            | "summary"
            | "key developments"
            | "what we know"
            | "what we know so far"
            | "at a glance"
            | "key takeaways"
            | "in brief"
            | "catch up"
            | "the latest"
    )
}

/// Finds a summary heading in `lines[..limit]` and the block after it:
/// (heading index, end index (exclusive), the points).
fn summary_block(lines: &[Line], limit: usize) -> Option<(usize, usize, Vec<String>)> {
    let heading = lines[..limit]
        .iter()
        .position(|line| is_summary_heading(&line.text))?;
    let mut points: Vec<String> = Vec::new();
    let mut end = heading + 1;
    let first_content = lines[end..limit].iter().find(|line| !line.is_blank());
    let bulleted = first_content.is_some_and(|line| is_bullet(&line.text));
    while end < limit {
        let line = &lines[end];
        if line.is_blank() {
            if !bulleted && !points.is_empty() {
                break;
            }
            end += 1;
            continue;
        }
        if bulleted && !is_bullet(&line.text) {
            break;
        }
        let point = if bulleted {
            line.text
                .chars()
                .skip(1)
                .collect::<String>()
                .trim()
                .to_string()
        } else {
            line.text.clone()
        };
        points.push(point);
        end += 1;
    }
    // Trailing blanks are not part of the block.
    while end > heading + 1 && lines[end - 1].is_blank() {
        end -= 1;
    }
    (!points.is_empty()).then_some((heading, end, points))
}

fn summary_item(points: &[String], page: Option<&str>) -> Item {
    let body: Vec<String> = points.iter().map(|point| format!("- {point}")).collect();
    let page = page.map(ids::strip_fragment).unwrap_or("entry");
    Item {
        id: EntryId(clean_line(&format!("{page}#key-points"))),
        published: None,
        updated: None,
        title: "Key points".to_string(),
        author: None,
        url: None,
        text: text::tidy_body(&text::decode_entities(&body.join("\n"))),
        html: None,
        flags: crate::model::Flags {
            summary: true,
            ..Default::default()
        },
    }
}

/// Lines to a body: paragraphs separated by blank lines, entities decoded, sanitized.
fn body(lines: &[Line]) -> String {
    let joined: Vec<&str> = lines
        .iter()
        .filter(|line| line.stamp.is_none())
        .map(|line| line.text.as_str())
        .collect();
    let mut text_body = String::new();
    for (index, line) in joined.iter().enumerate() {
        if index > 0 {
            text_body.push('\n');
        }
        text_body.push_str(line);
    }
    text::tidy_body(&text::decode_entities(&text_body))
}

fn headline_text(line: &str) -> String {
    clean_line(&text::line(line))
}

/// The page URL for items' `url`: only a web address (a local file has no permalink).
fn permalink(page: Option<&str>) -> Option<String> {
    page.filter(|url| url.starts_with("http://") || url.starts_with("https://"))
        .map(clean_line)
}

/// A transcript with no time line: one entry per paragraph block, in page order.
fn undated(lines: &[Line], page: Option<&str>) -> Document {
    let mut items = Vec::new();
    let mut start = 0;
    let head_limit = lines.len().min(40);
    let mut cut = lines.len();
    if let Some(footer) = lines.iter().skip(1).position(|line| is_footer(&line.text)) {
        cut = footer + 1;
    }
    let lines = &lines[..cut];
    if let Some((heading, end, points)) = summary_block(lines, head_limit.min(cut))
        && lines[..heading]
            .iter()
            .all(|line| line.is_blank() || is_headline(line))
    {
        items.push(summary_item(&points, page));
        start = end;
    }
    let blocks: Vec<&[Line]> = lines[start..]
        .split(Line::is_blank)
        .filter(|block| !block.is_empty())
        .collect();
    let mut index = 0;
    while index < blocks.len() {
        let block = blocks[index];
        let heading = block.len() == 1 && is_headline(&block[0]);
        let next_is_paragraph = blocks
            .get(index + 1)
            .is_some_and(|next| !(next.len() == 1 && is_headline(&next[0])));
        let (title, body_lines) = if heading && next_is_paragraph {
            index += 1;
            (headline_text(&block[0].text), blocks[index])
        } else {
            (String::new(), block)
        };
        let text_body = body(body_lines);
        let id = ids::derived(page, "", &title, ids::prefix(&text_body, ID_BODY_CHARS));
        items.push(Item {
            id: EntryId(clean_line(&id)),
            published: None,
            updated: None,
            title,
            author: None,
            url: permalink(page),
            text: text_body,
            html: None,
            flags: Default::default(),
        });
        index += 1;
    }
    Document {
        title: None,
        items,
        ..Document::default()
    }
}

/// One entry's place in the line list.
#[derive(Debug, Clone)]
struct Slot {
    /// The time line.
    time: usize,
    /// An "Updated at" line right after it.
    updated: Option<usize>,
    headline: Option<usize>,
    /// The body lines, `start..end`.
    body: (usize, usize),
}

/// A transcript with time lines.
fn dated(all: &[Line], input: &Input<'_>) -> Document {
    let page = input.base_url;
    // The time lines that start entries: an "Updated at" right after another time line
    // is that entry's edit time.
    let mut times: Vec<(usize, Option<usize>)> = Vec::new();
    let mut last_stamp: Option<usize> = None;
    for (index, line) in all.iter().enumerate() {
        let Some(stamp) = &line.stamp else {
            if !line.is_blank() {
                last_stamp = None;
            }
            continue;
        };
        if stamp.updated
            && let (Some(previous), Some(entry)) = (last_stamp, times.last_mut())
            && entry.0 == previous
            && entry.1.is_none()
        {
            entry.1 = Some(index);
            last_stamp = None;
            continue;
        }
        times.push((index, None));
        last_stamp = Some(index);
    }
    // The page's own date line ("Sat 21 Nov 2026 14.20 GMT") reads as a time line: when
    // only the first time line states a date, it is the page's, not an entry's.
    let dated_stamp = |index: usize| all[index].stamp.as_ref().is_some_and(|s| s.date.is_some());
    if times.len() >= 2
        && dated_stamp(times[0].0)
        && times[1..].iter().all(|(index, _)| !dated_stamp(*index))
    {
        times.remove(0);
    }
    let Some(&(first_time, _)) = times.first() else {
        return Document::default();
    };

    // A summary block before the first entry.
    let summary = summary_block(all, first_time);
    let mut items = Vec::new();
    if let Some((_, _, points)) = &summary {
        items.push(summary_item(points, page));
    }
    let summary_end = summary.as_ref().map_or(0, |(_, end, _)| *end);

    // Footer: everything from a footer marker after the last time line.
    let last_time = times.last().map_or(first_time, |t| t.1.unwrap_or(t.0));
    let cut = all[last_time + 1..]
        .iter()
        .position(|line| is_footer(&line.text))
        .map_or(all.len(), |at| last_time + 1 + at);
    let lines = &all[..cut];

    let slots = slots(lines, &times, summary_end);
    let preamble_end = slots
        .first()
        .map_or(first_time, |slot| slot.headline.unwrap_or(slot.time));
    let preamble_lines: Vec<&str> = all[..preamble_end]
        .iter()
        .enumerate()
        .filter(|(index, _)| {
            summary
                .as_ref()
                .is_none_or(|(start, end, _)| index < start || index >= end)
        })
        .map(|(_, line)| line.text.as_str())
        .collect();
    // The page title: a reader service's `Title:` line, else the longest headline-like
    // line of the preamble (menus are short).
    let title = preamble_lines
        .iter()
        .find_map(|line| line.strip_prefix("Title:"))
        .or_else(|| {
            preamble_lines
                .iter()
                .copied()
                .filter(|line| {
                    find_date(line).is_none()
                        && is_headline(&Line {
                            text: line.to_string(),
                            stamp: None,
                            pinned: false,
                        })
                })
                .max_by_key(|line| line.chars().count())
        })
        .map(headline_text)
        .filter(|line| !line.is_empty());
    // The page date also hides in dropped chrome ("First published on ..."), so the raw
    // text before the first time line is searched.
    let stated = page_date(&raw_preamble(input.bytes, all, first_time));

    let stamps: Vec<&Stamp> = slots
        .iter()
        .filter_map(|slot| all[slot.time].stamp.as_ref())
        .collect();
    let days = day_offsets(&slots, all);
    let zone = &input.options.timezone;
    let newest_day = anchor(input, stated, &stamps, &days, zone);

    for (slot, day) in slots.iter().zip(&days) {
        let Some(stamp) = &lines[slot.time].stamp else {
            continue;
        };
        let date = match day {
            Day::Stated(date) => Some(*date),
            Day::Relative(offset) => {
                newest_day.and_then(|d| d.checked_add(i64::from(*offset).days()).ok())
            }
        };
        let published = date.and_then(|date| resolve(date, stamp, zone));
        let updated = slot.updated.and_then(|index| {
            let edit = lines.get(index)?.stamp.as_ref()?;
            let mut edit_date = edit.date.or(date)?;
            if edit.date.is_none() && edit.minutes() < stamp.minutes() {
                edit_date = edit_date.checked_add(1.days()).ok()?;
            }
            resolve(edit_date, edit, zone)
        });
        let title = slot
            .headline
            .map(|index| headline_text(&lines[index].text))
            .unwrap_or_default();
        let (from, to) = slot.body;
        let text_body = body(lines.get(from..to).unwrap_or(&[]));
        let time_text = clean_line(&lines[slot.time].text);
        let id = ids::derived(
            page,
            &time_text,
            &title,
            ids::prefix(&text_body, ID_BODY_CHARS),
        );
        items.push(Item {
            id: EntryId(clean_line(&id)),
            published,
            updated,
            title,
            author: stamp
                .author
                .as_deref()
                .map(clean_line)
                .filter(|a| !a.is_empty()),
            url: permalink(page),
            text: text_body,
            html: None,
            flags: Default::default(),
        });
    }
    Document {
        title,
        items,
        ..Document::default()
    }
}

/// The raw (undropped) lines before the first time line, for the page's date.
fn raw_preamble(bytes: &[u8], lines: &[Line], first_time: usize) -> String {
    let text = decode(bytes);
    let Some(first) = lines.get(first_time) else {
        return String::new();
    };
    // The first raw line that reads as the first time line.
    let mut out = String::new();
    for raw in text.split('\n') {
        if strip_markdown(raw.trim()) == first.text {
            break;
        }
        out.push_str(raw);
        out.push('\n');
    }
    out
}

/// Assigns headlines and bodies to the entry time lines.
fn slots(lines: &[Line], times: &[(usize, Option<usize>)], floor: usize) -> Vec<Slot> {
    let next_text = |from: usize, to: usize| (from..to).find(|&i| !lines[i].is_blank());
    let prev_text = |from: usize, to: usize| (from..to).rev().find(|&i| !lines[i].is_blank());
    let end_of = |k: usize| times.get(k + 1).map_or(lines.len(), |t| t.0);
    let after_of = |k: usize| times[k].1.unwrap_or(times[k].0) + 1;
    let uses_blank_lines = lines.iter().any(Line::is_blank);

    // A headline candidate before time line k: the last text line after the previous
    // entry's time line, set apart by a blank line when the text uses blank lines.
    let before = |k: usize| -> Option<usize> {
        let lower = if k == 0 { floor } else { after_of(k - 1) };
        let candidate = prev_text(lower, times[k].0.min(lines.len()))?;
        if !is_headline(&lines[candidate]) {
            return None;
        }
        let isolated = !uses_blank_lines
            || candidate == lower
            || candidate == 0
            || lines[candidate - 1].is_blank()
            || lines[candidate - 1].stamp.is_some();
        isolated.then_some(candidate)
    };
    // A headline candidate right after time line k (time-first layouts).
    let after = |k: usize| -> Option<usize> {
        let end = end_of(k).min(lines.len());
        let candidate = next_text(after_of(k).min(end), end)?;
        is_headline(&lines[candidate]).then_some(candidate)
    };
    let count = times.len();
    // Ties go to the usual headline-first form.
    let before_votes = (0..count).filter(|&k| before(k).is_some()).count();
    let after_votes = (0..count).filter(|&k| {
        after(k).is_some_and(|h| next_text(h + 1, end_of(k).min(lines.len())).is_some())
    });
    let after_votes = after_votes.count();
    let time_first = after_votes > before_votes && after_votes * 2 >= count;

    let mut slots = Vec::with_capacity(count);
    if time_first {
        for (k, &(time, updated)) in times.iter().enumerate() {
            let headline = after(k);
            let start = headline.map_or(after_of(k), |h| h + 1);
            slots.push(Slot {
                time,
                updated,
                headline,
                body: (
                    start.min(lines.len()),
                    end_of(k).min(lines.len()).max(start.min(lines.len())),
                ),
            });
        }
    } else {
        let headlines: Vec<Option<usize>> = (0..count).map(before).collect();
        for (k, &(time, updated)) in times.iter().enumerate() {
            let start = after_of(k).min(lines.len());
            let end = match times.get(k + 1) {
                Some(next) => headlines[k + 1].unwrap_or(next.0),
                None => lines.len(),
            }
            .min(lines.len())
            .max(start);
            slots.push(Slot {
                time,
                updated,
                headline: headlines[k],
                body: (start, end),
            });
        }
    }
    slots
}

/// An entry's day: stated on its time line, or counted back from the newest entry's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    Stated(Date),
    Relative(i32),
}

/// Going down the list (newest first), a clock that jumps up is the day before; a
/// pinned entry (shown first whatever its time) does not move the clock.
fn day_offsets(slots: &[Slot], lines: &[Line]) -> Vec<Day> {
    let mut days = Vec::with_capacity(slots.len());
    let mut current = Day::Relative(0);
    let mut previous: Option<i32> = None;
    for slot in slots {
        let Some(stamp) = &lines[slot.time].stamp else {
            days.push(current);
            continue;
        };
        let pinned = lines[slot.time].pinned || slot.headline.is_some_and(|h| lines[h].pinned);
        if let Some(date) = stamp.date {
            current = Day::Stated(date);
            previous = Some(stamp.minutes());
            days.push(current);
            continue;
        }
        if pinned {
            days.push(current);
            continue;
        }
        let minutes = stamp.minutes();
        if previous.is_some_and(|before| minutes > before) {
            current = match current {
                Day::Stated(date) => date.checked_sub(1.days()).map_or(current, Day::Stated),
                Day::Relative(offset) => Day::Relative(offset.saturating_sub(1)),
            };
        }
        previous = Some(minutes);
        days.push(current);
    }
    days
}

/// The newest entry's day: `--date`, else the page's own date, else today in `zone`
/// (yesterday when the newest entry would otherwise lie in the future).
fn anchor(
    input: &Input<'_>,
    stated: Option<PageDate>,
    stamps: &[&Stamp],
    days: &[Day],
    zone: &TimeZone,
) -> Option<Date> {
    if let Some(date) = input.options.date {
        return Some(date);
    }
    match stated {
        Some(PageDate::Newest(date)) => return Some(date),
        Some(PageDate::Oldest(date)) => {
            let oldest = days
                .iter()
                .filter_map(|day| match day {
                    Day::Relative(offset) => Some(*offset),
                    Day::Stated(_) => None,
                })
                .min()
                .unwrap_or(0);
            return date.checked_add(i64::from(-oldest).days()).ok();
        }
        None => {}
    }
    let today = input.now.to_zoned(zone.clone()).date();
    let newest = stamps
        .iter()
        .zip(days)
        .find(|(_, day)| **day == Day::Relative(0))
        .map(|(stamp, _)| *stamp);
    if let Some(stamp) = newest
        && let Some(at) = resolve(today, stamp, zone)
        && at.as_second() - input.now.as_second() > FUTURE_SLACK_MINUTES * 60
    {
        return today.checked_sub(1.days()).ok();
    }
    Some(today)
}

/// A clock time on `date`, in the line's named zone or else the page's zone.
fn resolve(date: Date, stamp: &Stamp, zone: &TimeZone) -> Option<Timestamp> {
    let at = DateTime::new(
        date.year(),
        date.month(),
        date.day(),
        stamp.hour,
        stamp.minute,
        0,
        0,
    )
    .ok()?;
    match stamp.offset {
        Some(offset) => offset.to_timestamp(at).ok(),
        None => zone.to_timestamp(at).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::ParseOptions;
    use proptest::prelude::*;

    fn parse_text(text: &str, date: Option<Date>) -> Result<Document, ParseError> {
        let options = ParseOptions {
            selectors: None,
            timezone: TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC),
            date,
        };
        let input = Input {
            bytes: text.as_bytes(),
            content_type: None,
            base_url: Some("https://example.org/live"),
            now: "2026-11-21T18:00:00Z".parse().unwrap(),
            options: &options,
        };
        parse(&input)
    }

    fn stamp(line: &str) -> Option<(i8, i8, Option<i32>, Option<String>)> {
        time_line(line).map(|s| (s.hour, s.minute, s.offset.map(|o| o.seconds()), s.author))
    }

    #[test]
    fn time_line_styles() {
        let jane = Some("Jane Doe".to_string());
        assert_eq!(stamp("14:05 , Jane Doe"), Some((14, 5, None, jane.clone())));
        assert_eq!(stamp("14:05, Jane Doe"), Some((14, 5, None, jane.clone())));
        assert_eq!(stamp("14:05 - Jane Doe"), Some((14, 5, None, jane.clone())));
        assert_eq!(
            stamp("14:05 by Jane Doe"),
            Some((14, 5, None, jane.clone()))
        );
        assert_eq!(stamp("14:05"), Some((14, 5, None, None)));
        assert_eq!(stamp("2.05pm"), Some((14, 5, None, None)));
        assert_eq!(stamp("2:05 PM"), Some((14, 5, None, None)));
        assert_eq!(stamp("12.30am"), Some((0, 30, None, None)));
        assert_eq!(stamp("12.05 p.m."), Some((12, 5, None, None)));
        assert_eq!(stamp("14.05 GMT"), Some((14, 5, Some(0), None)));
        assert_eq!(stamp("14.05 BST"), Some((14, 5, Some(3600), None)));
        assert_eq!(
            stamp("14:05 CET, Jane Doe"),
            Some((14, 5, Some(3600), jane.clone()))
        );
        assert_eq!(stamp("14:05 GMT+1"), Some((14, 5, Some(3600), None)));
        assert_eq!(stamp("14:05 UTC-05:00"), Some((14, 5, Some(-18000), None)));
        assert_eq!(stamp("Updated at 14:05"), Some((14, 5, None, None)));
        assert_eq!(stamp("Posted at 14:05"), Some((14, 5, None, None)));
        let dated = time_line("Sat 21 Nov 2026 14.05 GMT").map(|s| s.date);
        assert_eq!(dated, Some(Some(Date::new(2026, 11, 21).unwrap())));
    }

    #[test]
    fn body_lines_are_not_time_lines() {
        for line in [
            "14:05 police said the fire was out.",
            "The score is 2.05 now",
            "25:00",
            "14:05 - police said the fire was under control and no one was hurt today.",
            "14:05x",
            "1.5m people",
        ] {
            assert!(time_line(line).is_none(), "{line}");
        }
    }

    #[test]
    fn reader_service_markdown() {
        assert_eq!(strip_markdown("## **Mayor resigns**"), "Mayor resigns");
        assert_eq!(strip_markdown("![photo](https://e.org/a.jpg)"), "");
        assert_eq!(
            strip_markdown("Read [the report](https://e.org/r) and [x] (y)."),
            "Read the report and [x] (y)."
        );
        let text = "Title: Floods live\n\nURL Source: https://e.org/live\n\nMarkdown Content:\n\
                    ## Mayor resigns\n\n**14:05 , Jane Doe**\n\nShe [said](https://e.org/s) so.\n";
        let doc = parse_text(text, Date::new(2026, 11, 21).ok()).unwrap();
        assert_eq!(doc.title.as_deref(), Some("Floods live"));
        assert_eq!(doc.items.len(), 1);
        assert_eq!(doc.items[0].title, "Mayor resigns");
        assert_eq!(doc.items[0].author.as_deref(), Some("Jane Doe"));
        assert_eq!(doc.items[0].text, "She said so.");
    }

    #[test]
    fn one_entry_headline_first() {
        let text = "Head of it\n\n14:05\n\nShort first line\n\nMore body.\n";
        let doc = parse_text(text, Date::new(2026, 11, 21).ok()).unwrap();
        assert_eq!(doc.items[0].title, "Head of it");
        assert_eq!(doc.items[0].text, "Short first line\n\nMore body.");
    }

    #[test]
    fn dates_in_text() {
        let d = Date::new(2026, 11, 21).unwrap();
        assert_eq!(find_date("Sat 21 Nov 2026 14.05 GMT"), Some(d));
        assert_eq!(find_date("Published 21 November 2026"), Some(d));
        assert_eq!(find_date("2026-11-21"), Some(d));
        assert_eq!(find_date("Saturday, November 21st, 2026"), Some(d));
        assert_eq!(find_date("the 21 people in 2026"), None);
    }

    #[test]
    fn minimal_transcript() {
        let text = "Newest entry\n\n14:05 , Jane Doe\n\nOne.\nTwo.\n\nOlder entry\n\n13:52 , John Roe\n\nThree.\n";
        let doc = parse_text(text, Date::new(2026, 11, 21).ok()).unwrap();
        assert_eq!(doc.items.len(), 2);
        assert_eq!(doc.items[0].title, "Newest entry");
        assert_eq!(doc.items[0].text, "One.\nTwo.");
        assert_eq!(doc.items[0].author.as_deref(), Some("Jane Doe"));
        assert_eq!(doc.items[1].title, "Older entry");
        assert_eq!(
            doc.items[1].published.map(|t| t.to_string()),
            Some("2026-11-21T13:52:00Z".to_string())
        );
    }

    #[test]
    fn midnight_and_today() {
        let text = "00:10\n\nLate.\n\n23:55\n\nEarlier.\n";
        let doc = parse_text(text, None).unwrap();
        let times: Vec<String> = doc
            .items
            .iter()
            .filter_map(|i| i.published)
            .map(|t| t.to_string())
            .collect();
        assert_eq!(times, ["2026-11-21T00:10:00Z", "2026-11-20T23:55:00Z"]);
        // A newest entry later than "now" is from yesterday.
        let doc = parse_text("23:30\n\nLate.\n", None).unwrap();
        assert_eq!(
            doc.items[0].published.map(|t| t.to_string()).as_deref(),
            Some("2026-11-20T23:30:00Z")
        );
    }

    #[test]
    fn updated_at_after_time_is_the_edit_time() {
        let text = "Head\n\n14:05 BST\nUpdated at 14:20 BST\n\nBody.\n";
        let doc = parse_text(text, Date::new(2026, 7, 1).ok()).unwrap();
        assert_eq!(doc.items.len(), 1);
        assert_eq!(
            doc.items[0].published.map(|t| t.to_string()).as_deref(),
            Some("2026-07-01T13:05:00Z")
        );
        assert_eq!(
            doc.items[0].updated.map(|t| t.to_string()).as_deref(),
            Some("2026-07-01T13:20:00Z")
        );
    }

    #[test]
    fn empty_is_an_error() {
        assert!(matches!(
            parse_text("", None),
            Err(ParseError::NoEntries { .. })
        ));
        assert!(matches!(
            parse_text("Share\n\nAdvertisement\n", None),
            Err(ParseError::NoEntries { .. })
        ));
    }

    #[test]
    fn output_is_clean() {
        let text = "Head\u{1b}]52;c;x\u{7}line\n\n14:05 , Ja\u{9b}31mne\n\nBo\u{1b}[2Jdy.\n";
        let doc = parse_text(text, None).unwrap();
        for item in &doc.items {
            for s in [
                &item.title,
                &item.text,
                &item.id.0,
                item.author.as_deref().unwrap_or(""),
            ] {
                assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn transcript_never_panics(text in "\\PC{0,400}") {
            let _ = parse_text(&text, None);
        }

        #[test]
        fn transcript_never_panics_on_near_transcripts(
            lines in proptest::collection::vec(
                prop::sample::select(vec![
                    "14:05 , Jane Doe", "2.05pm", "12.30am", "14.05 BST", "Updated at 14:05",
                    "Posted at 23:59", "00:10", "Key points", "- a point", "Headline",
                    "Body text.", "", "Share", "Photograph: X/Reuters", "Sat 21 Nov 2026",
                    "14:05 GMT+14", "9:99", "Pinned post", "Reuse this content", "23:59 UTC-12:00",
                    "First published on Sat 21 Nov 2026 06.00 GMT", "#", "**", "1.5.2026",
                ]),
                0..40,
            ),
            any_bytes in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let text = lines.join("\n");
            let _ = parse_text(&text, None);
            let _ = parse_text(&text, Date::new(2026, 1, 1).ok());
            let mut bytes = text.into_bytes();
            bytes.extend(any_bytes);
            let _ = parse_text(&String::from_utf8_lossy(&bytes), None);
        }
    }
}
