//! Live entries found in a page's HTML by structure, for pages with no (or thin)
//! structured data: many news sites' live pages, German and French tickers, older
//! templates.
//!
//! Candidates, looked for everywhere in the page:
//!
//! 1. **repeated blocks**: at least three sibling elements of one tag that each carry a
//!    time: an ISO `datetime` (or `title`) attribute, epoch seconds or milliseconds in a
//!    `data-*` attribute (`<amp-live-list>` items' `data-sort-time`), a clock at the start
//!    of the block's first text (`Posted at 15:05`), an element holding only a clock, or
//!    a match minute (`95'`);
//! 2. **heading-delimited runs**: flat siblings where an entry starts at an `h2`–`h4`, a
//!    bold paragraph (`<p><strong>9h05 - …</strong></p>`) or a card's heading that begins
//!    with a clock (`11.04 Uhr: …`, `9h05 - …`, `17.00`, `2.05pm`, `14:05 GMT`), and runs
//!    to the next one; day headings (`Donnerstag, 18. Juli`, `Yesterday`) between
//!    entries date the ones below them.
//!
//! Each candidate is scored: entries with bodies (text beyond the time and one line,
//! outside links) count, a list whose entries are mostly headlines or links is a
//! sidebar ("18:30 headline" teasers, "most read", video durations) and is rejected,
//! and candidates inside `aside`/`nav`/`footer` weigh less than those in `main` or
//! `article`. The best one wins; in a list of blocks, siblings of another shape with
//! no body (section dividers such as "48' Mi-temps") are left out.
//!
//! An entry is read as a person reads it: the title (its heading, or the text after the
//! clock), the author (a short "By …"/"Von …"/"Par …" line, `rel=author`,
//! `itemprop=author`, `address`), the body without share buttons, ad labels
//! ("Publicité", "Advertisement", "Anzeige") and "Read more"/"Lire aussi"/"Mehr zum
//! Thema" cards. The id is the element's `id` when it has one, else a hash of the time as
//! written, the title and the start of the body (stable as the page grows).
//!
//! Days and zones (see [`super::clock::anchor`]): ISO times are taken as they are; clock
//! times hang from day headings, else the page's newest own time (`article:modified_time`,
//! `og:updated_time`, JSON-LD `dateModified`/`datePublished` of any type,
//! `article:published_time`, a "Last updated …" line); their zone is the one written
//! next to the clock, else the page's own non-zero UTC offset (from those metadata
//! times), else `options.timezone`; never in the future.
//!
//! Match minutes are no clock times: the entries of a minute-stamped ticker keep the
//! page's order (the minutes only tell whether it runs newest or oldest first; a
//! first-half `47'` is listed below the second half's `46'`) and are all dated at the
//! page's own publication time, one millisecond apart, newest latest, so that any sort
//! by time keeps the page's order while no clock time is invented (every entry shows
//! the page's minute; the match minute itself opens the entry's text).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use scraper::{ElementRef, Html};

use super::clock::{self, Anchoring, Clock, Order, Stamp};
use super::dom::{is_inert, plain_chars, text_start};
use super::feed::absolute;
use super::input::{Input, ParseError};
use super::{dates, dom, ids, text};
use crate::model::{Document, EntryId, Item};
use crate::sanitize;

/// Fewer entries than this are no list.
const MIN_ENTRIES: usize = 3;
/// Non-link body characters that make an entry more than a headline.
const BODY_CHARS: usize = 50;
/// How many characters of the body go into a derived id.
const ID_BODY_CHARS: usize = 100;
/// How many elements of a block are searched for its time.
const TIME_SCAN: usize = 400;

/// What the extractor found, for [`explain`](super::explain).
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The structure: "repeated <article> blocks in <div id=live>".
    pub structure: String,
    /// How entries start, for runs (`p>strong ×18, h3 ×2`).
    pub starts: String,
    /// The times: "time[datetime]", "clock `9h05`", "match minutes `95'`".
    pub times: String,
    /// The day clock times hang from and where it came from.
    pub day: Option<(Date, String)>,
    /// The zone used for clock times.
    pub zone: String,
    /// The list's order, when it had clock times.
    pub order: Option<Order>,
    /// Candidates looked at and left out, and why.
    pub rejected: Vec<String>,
}

/// What one entry's time is, as found.
#[derive(Debug, Clone)]
enum When {
    At(Timestamp),
    Clock(Clock),
    Minute(u16, u16),
}

impl When {
    fn kind(&self) -> &'static str {
        match self {
            When::At(_) => "at",
            When::Clock(_) => "clock",
            When::Minute(..) => "minute",
        }
    }
}

/// An entry before dating.
#[derive(Debug, Clone)]
pub(super) struct Raw<'a> {
    when: Option<When>,
    /// The time as written on the page (for ids and the explanation).
    written: String,
    title: String,
    author: Option<String>,
    /// The nodes making the body, and elements inside them that are not body.
    parts: Vec<ego::Node<'a>>,
    skip: Vec<ElementRef<'a>>,
    id: Option<String>,
    url: Option<String>,
    /// A day heading above the entry.
    day: Option<Date>,
    body_chars: usize,
    /// The element that started the entry (runs) or the block, for the explanation.
    start: String,
}

/// `scraper`'s node handle (an `ego_tree::NodeRef`).
mod ego {
    pub type Node<'a> = super::dom::NodeRef<'a>;
}

pub(super) struct Candidate<'a> {
    container: ElementRef<'a>,
    runs: bool,
    entries: Vec<Raw<'a>>,
    score: f64,
}

/// The page's own times and what they say about its zone.
#[derive(Debug, Clone, Default)]
pub(super) struct PageTimes {
    /// (time, its UTC offset as written, where it came from, a modification time).
    times: Vec<(Timestamp, Option<Offset>, String, bool)>,
}

impl PageTimes {
    pub(super) fn read(doc: &Html, today: Date, zone: &TimeZone) -> PageTimes {
        let mut out = PageTimes::default();
        let metas = [
            ("article:modified_time", true),
            ("og:updated_time", true),
            ("dateModified", true),
            ("article:published_time", false),
            ("datePublished", false),
            ("date", false),
            ("pubdate", false),
        ];
        if let Some(sel) = dom::selector("meta[content]") {
            for meta in doc.select(&sel) {
                let key = meta
                    .attr("property")
                    .or_else(|| meta.attr("name"))
                    .or_else(|| meta.attr("itemprop"))
                    .unwrap_or("");
                if let Some((name, modified)) = metas
                    .iter()
                    .find(|(name, _)| key.eq_ignore_ascii_case(name))
                    && let Some(raw) = meta.attr("content")
                {
                    out.push(raw, name, *modified);
                }
            }
        }
        if let Some(sel) = dom::selector("script[type=\"application/ld+json\"]") {
            for script in doc.select(&sel).take(20) {
                let body: String = script.text().collect();
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(body.trim()) {
                    out.json(&value, 0);
                }
            }
        }
        // The visible "Last updated" line only when there is nothing machine-readable.
        if out.times.is_empty() {
            out.updated_lines(doc, today, zone);
        }
        out
    }

    /// "Last updated 18 July 2024 at 14:05" lines (short text nodes), read in `zone`.
    fn updated_lines(&mut self, doc: &Html, today: Date, zone: &TimeZone) {
        for node in doc.root_element().descendants().take(200_000) {
            let Some(t) = node.value().as_text() else {
                continue;
            };
            let t = t.trim();
            if t.len() < 10 || t.len() > 120 {
                continue;
            }
            let Some((Some(date), clock)) = clock::updated_stamp(t, today) else {
                continue;
            };
            let (hour, minute) = clock.as_ref().map_or((0, 0), |c| (c.hour, c.minute));
            let offset = clock.and_then(|c| c.zone).and_then(|z| match z {
                clock::Zone::Fixed(o) => Some(o),
                clock::Zone::Rules(_) => None,
            });
            let at = jiff::civil::Time::new(hour, minute, 0, 0)
                .ok()
                .and_then(|time| {
                    let at = date.to_datetime(time);
                    match offset {
                        Some(offset) => offset.to_timestamp(at).ok(),
                        None => zone.to_timestamp(at).ok(),
                    }
                });
            if let Some(at) = at {
                self.times
                    .push((at, offset, "a \"Last updated\" line".to_string(), true));
                return;
            }
        }
    }

    fn push(&mut self, raw: &str, source: &str, modified: bool) {
        if let Some(at) = dates::parse(raw).filter(|_| raw.contains(':')) {
            self.times
                .push((at, offset_written(raw), source.to_string(), modified));
        }
    }

    fn json(&mut self, value: &serde_json::Value, depth: usize) {
        if depth > 6 || self.times.len() > 64 {
            return;
        }
        match value {
            serde_json::Value::Array(list) => {
                for v in list.iter().take(64) {
                    self.json(v, depth + 1);
                }
            }
            serde_json::Value::Object(object) => {
                for (key, modified) in [("dateModified", true), ("datePublished", false)] {
                    if let Some(raw) = object.get(key).and_then(serde_json::Value::as_str) {
                        self.push(raw, &format!("JSON-LD {key}"), modified);
                    }
                }
                for (key, v) in object {
                    // Entries of a LiveBlogPosting are not the page's own times.
                    if key != "liveBlogUpdate" && (v.is_array() || v.is_object()) {
                        self.json(v, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// The newest modification time, else the newest publication time.
    fn newest(&self) -> Option<&(Timestamp, Option<Offset>, String, bool)> {
        let pick = |modified: bool| {
            self.times
                .iter()
                .filter(|t| t.3 == modified)
                .max_by_key(|t| t.0)
        };
        pick(true).or_else(|| pick(false))
    }

    /// The earliest publication time (a minute ticker's match time).
    fn published(&self) -> Option<Timestamp> {
        self.times
            .iter()
            .filter(|t| !t.3)
            .map(|t| t.0)
            .min()
            .or_else(|| self.times.iter().map(|t| t.0).min())
    }

    /// A non-zero UTC offset the page writes its own times with.
    fn offset(&self) -> Option<Offset> {
        self.times
            .iter()
            .filter_map(|t| t.1)
            .find(|o| o.seconds() != 0)
    }
}

/// The UTC offset written at the end of an ISO time (`+02:00`, `+0200`, `Z`).
fn offset_written(raw: &str) -> Option<Offset> {
    let raw = raw.trim();
    let time_part = raw.split_once('T').map(|(_, t)| t)?;
    if time_part.ends_with(['Z', 'z']) {
        return Some(Offset::UTC);
    }
    let at = time_part.rfind(['+', '-'])?;
    let (seconds, rest) = clock::take_numeric_offset(&time_part[at..])?;
    rest.is_empty()
        .then(|| Offset::from_seconds(seconds).ok())
        .flatten()
}

/// Reads the page's live entries.
pub fn parse(input: &Input<'_>) -> Result<Document, ParseError> {
    extract(input).map(|(doc, _)| doc)
}

/// What [`parse`] says when there is nothing: what was looked for.
pub const LOOKED_FOR: &str = "live entries in the HTML: at least 3 repeated blocks carrying a \
    time (time[datetime], datetime/title attributes, data-* epochs, a clock or match minute \
    in the first text) or headings/bold paragraphs starting with a clock time, with bodies";

/// [`LOOKED_FOR`] in a few words, for an error that also names what JSON-LD lacked;
/// `miss` is this reader's own `looked_for`.
pub fn looked_for_briefly(miss: &str) -> String {
    let mut out = String::from(
        "live entries in the HTML (repeated timed blocks, or headings led by a clock)",
    );
    if miss.contains("sidebar") {
        out.push_str(", not a sidebar");
    }
    out
}

/// Reads the page's live entries and says how they were found.
pub fn extract(input: &Input<'_>) -> Result<(Document, Report), ParseError> {
    let html = dom::decode_html(input);
    let doc = Html::parse_document(&html);
    let page = input.base_url;
    let times = PageTimes::read(
        &doc,
        input.now.to_zoned(input.options.timezone.clone()).date(),
        &input.options.timezone,
    );
    let mut report = Report::default();
    let Some(best) = best_candidate(&doc, input, &times, &mut report.rejected) else {
        let why = if report.rejected.is_empty() {
            String::new()
        } else {
            format!(
                "; left out: {}",
                report
                    .rejected
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        return Err(ParseError::NoEntries {
            looked_for: sanitize::clean_line(&format!("{LOOKED_FOR}{why}")),
        });
    };
    report.structure = if best.runs {
        format!("heading-delimited runs in {}", describe(best.container))
    } else {
        let tag = best
            .entries
            .first()
            .map(|e| e.start.clone())
            .unwrap_or_default();
        format!("repeated <{tag}> blocks in {}", describe(best.container))
    };
    if best.runs {
        report.starts = count_words(best.entries.iter().map(|e| e.start.as_str()));
    }
    let title = dom::selector("title")
        .and_then(|s| doc.select(&s).next().map(dom::text_of))
        .map(|t| text::line(&t))
        .filter(|t| !t.is_empty());
    let items = finish(best.entries, input, &times, None, &mut report);
    let _ = page;
    Ok((
        Document {
            title,
            items,
            ..Document::default()
        },
        report,
    ))
}

/// `<div class=ticker>`, `<ol>`, `<div id=live>`: an element as the explanation names it.
fn describe(element: ElementRef<'_>) -> String {
    let name = element.value().name();
    let attr = element
        .attr("id")
        .map(|id| format!(" id={id}"))
        .or_else(|| {
            element
                .attr("class")
                .and_then(|c| c.split_whitespace().next())
                .map(|c| format!(" class={c}"))
        })
        .unwrap_or_default();
    sanitize::clean_line(&format!("<{name}{attr}>"))
}

fn count_words<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for word in words {
        match counts.iter_mut().find(|(w, _)| w == word) {
            Some((_, n)) => *n += 1,
            None => counts.push((word.to_string(), 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
        .iter()
        .map(|(w, n)| format!("{w} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------
// Candidates

fn best_candidate<'a>(
    doc: &'a Html,
    input: &Input<'_>,
    times: &PageTimes,
    rejected: &mut Vec<String>,
) -> Option<Candidate<'a>> {
    let reference = times
        .newest()
        .map(|t| t.0)
        .unwrap_or(input.now)
        .to_zoned(input.options.timezone.clone())
        .date();
    let mut best: Option<Candidate<'a>> = None;
    let mut consider = |candidate: Candidate<'a>, rejected: &mut Vec<String>| {
        if let Some(reason) = rejection(&candidate) {
            let line = format!(
                "{} in {}: {reason}",
                candidate.entries.len(),
                describe(candidate.container)
            );
            if rejected.len() < 8 && !rejected.contains(&line) {
                rejected.push(line);
            }
            return;
        }
        if best.as_ref().is_none_or(|b| candidate.score > b.score) {
            best = Some(candidate);
        }
    };
    for node in doc.root_element().descendants() {
        let Some(parent) = ElementRef::wrap(node) else {
            continue;
        };
        if is_inert(parent.value().name()) {
            continue;
        }
        let children: Vec<ElementRef<'a>> = parent.child_elements().collect();
        if children.len() < MIN_ENTRIES {
            continue;
        }
        for candidate in blocks(parent, &children, input, reference) {
            consider(candidate, rejected);
        }
        if let Some(candidate) = runs(parent, &|el| start_of(el).is_some(), reference, MIN_ENTRIES)
        {
            consider(candidate, rejected);
        }
    }
    best
}

/// Why a candidate is not a live blog, if it is not.
fn rejection(candidate: &Candidate<'_>) -> Option<String> {
    let n = candidate.entries.len();
    if n < MIN_ENTRIES {
        return Some("too few entries".to_string());
    }
    let with_body = candidate
        .entries
        .iter()
        .filter(|e| e.body_chars >= BODY_CHARS)
        .count();
    if with_body * 5 < n * 2 {
        return Some(format!(
            "headlines or links only ({with_body} of {n} entries have a body): a sidebar"
        ));
    }
    None
}

/// The weight of where a container sits: less in asides and footers, more in `main`.
fn placement(container: ElementRef<'_>) -> f64 {
    let mut weight = 1.0;
    for ancestor in
        std::iter::once(container).chain(container.ancestors().filter_map(ElementRef::wrap))
    {
        match ancestor.value().name() {
            "aside" | "nav" | "footer" => weight *= 0.3,
            "header" => weight *= 0.5,
            "main" | "amp-live-list" => weight *= 1.5,
            "article" => weight *= 1.2,
            _ => {}
        }
        if ancestor.attr("role") == Some("main") {
            weight *= 1.5;
        }
    }
    weight
}

fn score(entries: &[Raw<'_>], container: ElementRef<'_>) -> f64 {
    let body: f64 = entries
        .iter()
        .map(|e| e.body_chars.min(600) as f64 + if e.title.is_empty() { 0.0 } else { 40.0 })
        .sum();
    body * placement(container)
}

/// Repeated blocks among `children`: per tag, the ones with a time.
fn blocks<'a>(
    parent: ElementRef<'a>,
    children: &[ElementRef<'a>],
    input: &Input<'_>,
    reference: Date,
) -> Vec<Candidate<'a>> {
    let mut tags: Vec<&str> = Vec::new();
    for child in children {
        let name = child.value().name();
        if !is_inert(name) && !tags.contains(&name) {
            tags.push(name);
        }
    }
    let mut out = Vec::new();
    for tag in tags {
        let group: Vec<ElementRef<'a>> = children
            .iter()
            .copied()
            .filter(|c| c.value().name() == tag)
            .collect();
        if group.len() < MIN_ENTRIES {
            continue;
        }
        // Day headings between the blocks date the ones below them.
        let mut day = None;
        let mut entries = Vec::new();
        let mut shapes: Vec<String> = Vec::new();
        let mut timed = 0;
        for child in children {
            if child.value().name() != tag {
                let words = text_start(*child, 60);
                if let Some(date) = clock::day_heading(&words, reference) {
                    day = Some(date);
                }
                continue;
            }
            let Some((when, written, source)) = block_time(*child) else {
                continue;
            };
            timed += 1;
            let mut raw = block_entry(*child, when, written, source, input);
            raw.day = day;
            shapes.push(shape(*child));
            entries.push(raw);
        }
        if timed < MIN_ENTRIES {
            continue;
        }
        // Siblings of another shape (without the class most of them share) and without
        // a body are section dividers, not entries.
        let tokens: Vec<String> = shapes
            .iter()
            .flat_map(|s| s.split_whitespace().skip(1).map(str::to_string))
            .collect();
        if let Some(common) = most_common(&tokens)
            && shapes.iter().filter(|s| has_class(s, &common)).count() * 5 >= shapes.len() * 3
        {
            let mut kept = Vec::new();
            for (raw, s) in entries.into_iter().zip(&shapes) {
                if has_class(s, &common) || raw.body_chars >= BODY_CHARS {
                    kept.push(raw);
                }
            }
            entries = kept;
        }
        // Mostly one kind of time: a list mixing minutes and clocks is read by the
        // majority (a clock in a minute ticker's text is no entry time).
        let kinds: Vec<&str> = entries
            .iter()
            .filter_map(|e| e.when.as_ref().map(When::kind))
            .collect();
        if let Some(kind) = most_common(&kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>()) {
            entries.retain(|e| e.when.as_ref().is_some_and(|w| w.kind() == kind));
        }
        let score = score(&entries, parent);
        out.push(Candidate {
            container: parent,
            runs: false,
            entries,
            score,
        });
    }
    out
}

/// A block's shape: its tag and classes.
fn shape(element: ElementRef<'_>) -> String {
    let mut classes: Vec<&str> = element
        .attr("class")
        .map(|c| c.split_whitespace().collect())
        .unwrap_or_default();
    classes.sort_unstable();
    format!("{} {}", element.value().name(), classes.join(" "))
}

fn has_class(shape: &str, class: &str) -> bool {
    shape.split_whitespace().skip(1).any(|c| c == class)
}

fn most_common(values: &[String]) -> Option<String> {
    let mut best: Option<(&String, usize)> = None;
    for value in values {
        let n = values.iter().filter(|v| *v == value).count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((value, n));
        }
    }
    best.map(|(v, _)| v.clone())
}

/// The first non-blank text nodes of an element (at most `n`), trimmed.
fn first_texts(element: ElementRef<'_>, n: usize) -> Vec<(String, ego::Node<'_>)> {
    let mut out = Vec::new();
    for node in element.descendants() {
        if let Some(text) = node.value().as_text() {
            let inert = node
                .parent()
                .and_then(ElementRef::wrap)
                .is_some_and(|p| is_inert(p.value().name()));
            let t = text.trim();
            if !t.is_empty() && !inert {
                out.push((t.replace('\u{a0}', " "), node));
                if out.len() >= n {
                    break;
                }
            }
        }
    }
    out
}

/// The time a block carries, as written, and the element that carries it.
fn block_time(block: ElementRef<'_>) -> Option<(When, String, Option<ElementRef<'_>>)> {
    let elements: Vec<ElementRef<'_>> = block
        .descendants()
        .filter_map(ElementRef::wrap)
        .take(TIME_SCAN)
        .collect();
    // An ISO `datetime`, then a `title` with an ISO time.
    for attr in ["datetime", "title"] {
        for el in &elements {
            if let Some(raw) = el.attr(attr)
                && raw.contains(':')
                && raw.len() >= 16
                && raw.as_bytes().get(4) == Some(&b'-')
                && let Some(at) = dates::parse(raw)
            {
                return Some((When::At(at), text_start(*el, 40), Some(*el)));
            }
        }
    }
    // Epoch seconds or milliseconds in a `data-*` attribute.
    for el in elements.iter().take(50) {
        for (name, value) in el.value().attrs() {
            if name.starts_with("data-")
                && let Some(at) = epoch(value)
            {
                return Some((When::At(at), value.to_string(), None));
            }
        }
    }
    // A clock at the start of the first text, or an element holding only a clock.
    let texts = first_texts(block, 3);
    if let Some((first, node)) = texts.first()
        && let Some(lead) = clock::leading_clock(first)
    {
        let holder = node.parent().and_then(ElementRef::wrap);
        let holder = holder.filter(|h| lead.rest.is_empty() && h.id() != block.id());
        return Some((When::Clock(lead.clock), lead.written.to_string(), holder));
    }
    for el in elements.iter().skip(1) {
        let t = text_start(*el, 30);
        if t.chars().count() > 24 || el.child_elements().count() > 3 {
            continue;
        }
        if let Some(lead) = clock::leading_clock(&t)
            && lead.rest.is_empty()
        {
            return Some((When::Clock(lead.clock), lead.written.to_string(), Some(*el)));
        }
    }
    // A match minute: an element holding only one, or the start of the first text.
    for el in elements.iter().skip(1) {
        let t = text_start(*el, 30);
        if t.chars().count() <= 8
            && let Some((minute, extra)) = clock::match_minute(&t)
        {
            return Some((When::Minute(minute, extra), t, Some(*el)));
        }
    }
    let t = text_start(block, 30);
    let (minute, extra) = clock::match_minute(&t)?;
    let written: String = t.split_whitespace().next().unwrap_or("").to_string();
    Some((When::Minute(minute, extra), written, None))
}

/// Epoch seconds (10 digits) or milliseconds (13 digits) between 2000 and 2100.
fn epoch(value: &str) -> Option<Timestamp> {
    let v = value.trim();
    if !v.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: i64 = v.parse().ok()?;
    let seconds = match v.len() {
        10 => n,
        13 => n / 1000,
        _ => return None,
    };
    (946_684_800..4_102_444_800)
        .contains(&seconds)
        .then(|| Timestamp::from_second(seconds).ok())
        .flatten()
}

// ---------------------------------------------------------------------------------------
// Entries of blocks

const BYLINE_PREFIXES: &[&str] = &[
    "by ", "von ", "par ", "por ", "di ", "door ", "przez ", "de ",
];

/// A byline inside a block: `rel=author`, `itemprop=author`, `address`, or a short
/// element whose text starts "By …".
fn byline<'a>(block: ElementRef<'a>) -> Option<(String, ElementRef<'a>)> {
    for el in block
        .descendants()
        .filter_map(ElementRef::wrap)
        .take(TIME_SCAN)
    {
        let marked = el.attr("rel") == Some("author")
            || el.attr("itemprop") == Some("author")
            || el.value().name() == "address";
        let t = text_start(el, 80);
        if t.is_empty() || t.chars().count() > 60 {
            continue;
        }
        if marked {
            return Some((text::line(&t), el));
        }
        let lower = t.to_lowercase();
        if let Some(prefix) = BYLINE_PREFIXES.iter().find(|p| lower.starts_with(**p)) {
            let name = t.get(prefix.len()..).unwrap_or("").trim();
            let capital = name.chars().next().is_some_and(char::is_uppercase);
            if capital && name.split_whitespace().count() <= 6 && !name.ends_with('.') {
                return Some((text::line(name), el));
            }
        }
    }
    None
}

fn heading_level(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5")
}

fn block_entry<'a>(
    block: ElementRef<'a>,
    when: When,
    written: String,
    holder: Option<ElementRef<'a>>,
    input: &Input<'_>,
) -> Raw<'a> {
    let page = input.base_url;
    let mut skip: Vec<ElementRef<'a>> = holder.into_iter().collect();
    let heading = block
        .descendants()
        .filter_map(ElementRef::wrap)
        .take(TIME_SCAN)
        .find(|el| heading_level(el.value().name()) && !text_start(*el, 10).is_empty());
    // The element the block says is its label (`aria-labelledby`), else its heading.
    let labelled = std::iter::once(block)
        .chain(block.child_elements().take(1))
        .find_map(|el| el.attr("aria-labelledby"))
        .and_then(|id| {
            block
                .descendants()
                .filter_map(ElementRef::wrap)
                .take(TIME_SCAN)
                .find(|el| el.attr("id") == Some(id))
        });
    let mut title = String::new();
    if let Some(label) = labelled.filter(|l| !text_start(*l, 10).is_empty()) {
        title = text::line(&dom::text_of(label));
        skip.push(label);
        if let Some(h) = heading.filter(|h| h.descendants().any(|d| d.id() == label.id())) {
            skip.push(h);
        }
    } else if let Some(h) = heading {
        let t = text::line(&dom::text_of(h));
        title = clock::leading_clock(&t).map_or(t.clone(), |lead| lead.rest.to_string());
        skip.push(h);
    }
    let author = byline(block).map(|(name, el)| {
        skip.push(el);
        name
    });
    let id = dom::element_id(block).map(str::to_string).or_else(|| {
        // A wrapper's only child carrying the id (`<li><article id=…>`).
        let mut children = block.child_elements();
        match (children.next(), children.next()) {
            (Some(only), None) => dom::element_id(only).map(str::to_string),
            _ => None,
        }
    });
    let url = id.as_deref().and_then(|id| {
        let fragment = format!("#{id}");
        dom::selector("a[href]")
            .and_then(|s| {
                block
                    .select(&s)
                    .filter_map(|a| a.attr("href"))
                    .find(|href| href.ends_with(&fragment))
                    .and_then(|href| absolute(href, page))
            })
            .or_else(|| absolute(&fragment, page))
    });
    let parts: Vec<ego::Node<'a>> = block.children().collect();
    let body_chars = plain_chars(&parts, &skip);
    Raw {
        when: Some(when),
        written,
        title,
        author,
        parts,
        skip,
        id,
        url,
        day: None,
        body_chars,
        start: block.value().name().to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Heading-delimited runs

/// How an entry starts: the clock lead's text and the start's kind (`h3`, `p>strong`).
fn start_of(element: ElementRef<'_>) -> Option<(String, &'static str)> {
    let name = element.value().name();
    let lead_text = |el: ElementRef<'_>| -> Option<String> {
        let t = text::line(&text_start(el, 160));
        clock::leading_clock(&t).is_some().then_some(t)
    };
    match name {
        "h2" => lead_text(element).map(|t| (t, "h2")),
        "h3" => lead_text(element).map(|t| (t, "h3")),
        "h4" => lead_text(element).map(|t| (t, "h4")),
        "strong" | "b" => lead_text(element).map(|t| (t, "strong")),
        "p" | "div" => {
            let first = first_child_content(element)?;
            let kind = match (name, first.value().name()) {
                ("p", "strong" | "b") => "p>strong",
                ("div", "strong" | "b") => "div>strong",
                ("div", "h2" | "h3" | "h4") => "div>h3",
                ("p", "span") => {
                    let inner = first_child_content(first)?;
                    if !matches!(inner.value().name(), "strong" | "b") {
                        return None;
                    }
                    return lead_text(inner).map(|t| (t, "p>strong"));
                }
                _ => return None,
            };
            lead_text(first).map(|t| (t, kind))
        }
        _ => None,
    }
}

/// The first child element when no text comes before it.
fn first_child_content(element: ElementRef<'_>) -> Option<ElementRef<'_>> {
    for child in element.children() {
        if let Some(t) = child.value().as_text() {
            if !t.trim().is_empty() {
                return None;
            }
            continue;
        }
        if let Some(el) = ElementRef::wrap(child) {
            return Some(el);
        }
    }
    None
}

/// Splits `parent`'s children into entries at the children `is_start` accepts (at
/// least `min` of them).
fn runs<'a>(
    parent: ElementRef<'a>,
    is_start: &dyn Fn(ElementRef<'a>) -> bool,
    reference: Date,
    min: usize,
) -> Option<Candidate<'a>> {
    let nodes: Vec<ego::Node<'a>> = parent.children().collect();
    let starts: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| ElementRef::wrap(**n).is_some_and(is_start))
        .map(|(i, _)| i)
        .collect();
    if starts.len() < min.max(1) {
        return None;
    }
    let mut entries = Vec::new();
    let mut day: Option<Date> = None;
    // Day headings before the first entry count too.
    for node in &nodes[..starts[0]] {
        if let Some(el) = ElementRef::wrap(*node)
            && let Some(date) = clock::day_heading(&text_start(el, 60), reference)
        {
            day = Some(date);
        }
    }
    for (k, &at) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(nodes.len());
        let Some(start) = ElementRef::wrap(nodes[at]) else {
            continue;
        };
        let Some(raw) = run_entry(start, &nodes[at + 1..end], day, reference) else {
            continue;
        };
        // A day heading inside this run dates the entries after it.
        for node in &nodes[at + 1..end] {
            if let Some(el) = ElementRef::wrap(*node)
                && let Some(date) = clock::day_heading(&text_start(el, 60), reference)
            {
                day = Some(date);
            }
        }
        entries.push(raw);
    }
    let score = score(&entries, parent) * 1.1;
    Some(Candidate {
        container: parent,
        runs: true,
        entries,
        score,
    })
}

fn run_entry<'a>(
    start: ElementRef<'a>,
    following: &[ego::Node<'a>],
    day: Option<Date>,
    reference: Date,
) -> Option<Raw<'a>> {
    // The element whose text leads with the clock: the start itself or its first child
    // (`<p><strong>`, `<div><h3>`).
    let (lead_el, kind) = match start_of(start) {
        Some((_, kind)) if kind.contains('>') => {
            let first = first_child_content(start)?;
            let inner = if first.value().name() == "span" {
                first_child_content(first).unwrap_or(first)
            } else {
                first
            };
            (inner, kind)
        }
        Some((_, kind)) => (start, kind),
        // A configured start selector may match anything: its text leads.
        None => (start, "start"),
    };
    let full = text::line(&dom::text_of(lead_el));
    let lead = clock::leading_clock(&full);
    let (when, written, title) = match &lead {
        Some(lead) => (
            Some(When::Clock(lead.clock.clone())),
            lead.written.to_string(),
            lead.rest.to_string(),
        ),
        None => (None, String::new(), full.clone()),
    };
    let mut parts: Vec<ego::Node<'a>> = Vec::new();
    let skip = vec![lead_el];
    if lead_el.id() != start.id() {
        // The rest of the paragraph or card after its lead.
        parts.push(*start);
    }
    for node in following {
        if let Some(el) = ElementRef::wrap(*node)
            && clock::day_heading(&text_start(el, 60), reference).is_some()
        {
            continue;
        }
        parts.push(*node);
    }
    let id = dom::element_id(start)
        .or_else(|| dom::element_id(lead_el))
        .map(str::to_string);
    let body_chars = plain_chars(&parts, &skip);
    Some(Raw {
        when,
        written,
        title,
        author: None,
        parts,
        skip,
        id,
        url: None,
        day,
        body_chars,
        start: kind.to_string(),
    })
}

/// `format = "html"` with a `start` selector: the runs inside every `container`
/// element, each starting at a child that matches `start` or holds a match, dated and
/// made items like the DOM reader's.
pub(super) fn runs_by_selector(
    input: &Input<'_>,
    doc: &Html,
    container: &scraper::Selector,
    start: &scraper::Selector,
    order: Option<Order>,
    zone: Option<TimeZone>,
) -> Vec<Item> {
    let today = input.now.to_zoned(input.options.timezone.clone()).date();
    let times = PageTimes::read(doc, today, &input.options.timezone);
    let reference = times.newest().map_or(today, |t| {
        t.0.to_zoned(input.options.timezone.clone()).date()
    });
    let mut entries = Vec::new();
    for element in doc.select(container) {
        let is_start =
            |child: ElementRef<'_>| start.matches(&child) || child.select(start).next().is_some();
        if let Some(candidate) = runs(element, &is_start, reference, 1) {
            entries.extend(candidate.entries);
        }
    }
    // A loose start selector (`h3`) also matches furniture ("Lire aussi" cards, intro
    // headings): when most starts carry a clock, those without one are no entries.
    let timed = entries.iter().filter(|e| e.when.is_some()).count();
    if timed * 2 >= entries.len() {
        entries.retain(|e| e.when.is_some());
    }
    finish(
        entries,
        input,
        &times,
        Some((order, zone)),
        &mut Report::default(),
    )
}

// ---------------------------------------------------------------------------------------
// Dating and items

/// The zone clock times are in: the page's own non-zero offset when it writes one
/// (unless the configured zone agrees with it, then that zone and its rules), else the
/// configured zone.
fn page_zone(input: &Input<'_>, times: &PageTimes) -> (TimeZone, String) {
    let configured = input.options.timezone.clone();
    let name = |tz: &TimeZone| tz.iana_name().unwrap_or("the configured zone").to_string();
    match times.offset() {
        Some(offset) => {
            let at = times.newest().map(|t| t.0).unwrap_or(input.now);
            if configured.to_offset(at) == offset {
                let label = format!("{} ({offset})", name(&configured));
                (configured, label)
            } else {
                (
                    TimeZone::fixed(offset),
                    format!("{offset} from the page's own times"),
                )
            }
        }
        None => {
            let label = format!(
                "{} ({})",
                name(&configured),
                configured.to_offset(input.now)
            );
            (configured, label)
        }
    }
}

/// Dates the entries and makes items (also used by `format = "html"` with a `start`
/// selector): `order` overrides the detected order, `zone` the page's zone.
pub(super) fn finish(
    entries: Vec<Raw<'_>>,
    input: &Input<'_>,
    times: &PageTimes,
    overrides: Option<(Option<Order>, Option<TimeZone>)>,
    report: &mut Report,
) -> Vec<Item> {
    let page = input.base_url;
    let (order_override, zone_override) = overrides.unwrap_or((None, None));
    let (zone, zone_label) = match zone_override {
        Some(tz) => {
            let label = tz.iana_name().unwrap_or("configured").to_string();
            (tz, label)
        }
        None => page_zone(input, times),
    };
    // Clock times.
    let stamps: Vec<Option<Stamp>> = entries
        .iter()
        .map(|e| match &e.when {
            Some(When::Clock(c)) => Some(Stamp {
                clock: c.clone(),
                date: e.day,
            }),
            _ => None,
        })
        .collect();
    let mut published: Vec<Option<Timestamp>> = entries
        .iter()
        .map(|e| match e.when {
            Some(When::At(at)) => Some(at),
            _ => None,
        })
        .collect();
    let written: Vec<&str> = entries
        .iter()
        .filter(|e| matches!(e.when, Some(When::Clock(_))))
        .map(|e| e.written.as_str())
        .collect();
    if stamps.iter().any(Option::is_some) {
        let newest = times.newest();
        let anchor_date = input
            .options
            .date
            .or_else(|| newest.map(|t| t.0.to_zoned(zone.clone()).date()));
        if let Some(date) = input.options.date {
            report.day = Some((date, "--date".to_string()));
        } else if let (Some(date), Some(t)) = (anchor_date, newest) {
            report.day = Some((date, t.2.clone()));
        }
        let (dated, order) = clock::anchor(
            &stamps,
            &Anchoring {
                order: order_override,
                date: anchor_date,
                zone: &zone,
                // An explicit `--date` is believed; otherwise nothing lies ahead of now.
                now: input.options.date.is_none().then_some(input.now),
            },
        );
        for (slot, time) in published.iter_mut().zip(dated) {
            if slot.is_none() {
                *slot = time;
            }
        }
        report.order = Some(order);
        report.zone = match stamps.iter().flatten().find_map(|s| s.clock.zone.as_ref()) {
            Some(written) => format!("{} (written with the clocks)", written.describe()),
            None => zone_label,
        };
        report.times = format!("clock `{}`", written.first().copied().unwrap_or_default());
    }
    // Match minutes: ordered by minute, dated at the page's time.
    let minutes: Vec<Option<(u16, u16)>> = entries
        .iter()
        .map(|e| match e.when {
            Some(When::Minute(m, x)) => Some((m, x)),
            _ => None,
        })
        .collect();
    if minutes.iter().any(Option::is_some) {
        let base = times.published();
        let mut order: Vec<usize> = (0..entries.len())
            .filter(|i| minutes[*i].is_some())
            .collect();
        // The page's order is the order (first-half stoppage time, `47'`, is listed
        // below the second half's `46'`); the minutes only say which way it runs.
        let (mut down, mut up) = (0usize, 0usize);
        let listed: Vec<(u16, u16)> = order.iter().filter_map(|i| minutes[*i]).collect();
        for pair in listed.windows(2) {
            match pair[1].cmp(&pair[0]) {
                std::cmp::Ordering::Less => down += 1,
                std::cmp::Ordering::Greater => up += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
        if up > down {
            order.reverse();
            report.order = Some(Order::OldestFirst);
        } else {
            report.order = Some(Order::NewestFirst);
        }
        // One millisecond apart, the newest last: all within the page's own minute
        // (and never after "now").
        let count = i64::try_from(order.len()).unwrap_or(0);
        for (rank, index) in order.into_iter().enumerate() {
            let rank = i64::try_from(rank).unwrap_or(0);
            published[index] = base.and_then(|b| {
                let later = b
                    .checked_add(jiff::SignedDuration::from_millis(count - 1 - rank))
                    .ok()?;
                if later <= input.now {
                    Some(later)
                } else {
                    b.checked_sub(jiff::SignedDuration::from_millis(rank)).ok()
                }
            });
        }
        report.times = format!(
            "match minutes `{}` (no clock: dated at the page's time, in the page's order)",
            entries
                .iter()
                .find(|e| matches!(e.when, Some(When::Minute(..))))
                .map(|e| e.written.as_str())
                .unwrap_or_default()
        );
        if let Some(b) = base {
            report.day = Some((
                b.to_zoned(TimeZone::UTC).date(),
                "the page's published time".to_string(),
            ));
        }
    }
    if report.times.is_empty() {
        let with_attr = entries.iter().any(|e| matches!(e.when, Some(When::At(_))));
        report.times = if with_attr {
            "ISO or epoch times in the blocks' attributes".to_string()
        } else {
            "none".to_string()
        };
    }
    // Nothing is placed in the future, whatever an attribute says.
    if input.options.date.is_none() {
        let limit = input
            .now
            .as_second()
            .saturating_add(clock::FUTURE_SLACK_SECONDS);
        for time in &mut published {
            if time.is_some_and(|t| t.as_second() > limit) {
                *time = None;
            }
        }
    }
    let mut items: Vec<Item> = entries
        .into_iter()
        .zip(published)
        .map(|(raw, published)| item(raw, published, page))
        .collect();
    items.retain(|i| !(i.title.is_empty() && i.text.is_empty()));
    ids::dedupe(&mut items, page);
    items
}

fn item(raw: Raw<'_>, published: Option<Timestamp>, page: Option<&str>) -> Item {
    let html = dom::serialize_body(&raw.parts, &raw.skip);
    let mut body = if html.is_empty() {
        String::new()
    } else {
        text::html_to_text(&html)
    };
    if let Some(When::Minute(..)) = raw.when {
        body = text::tidy_body(&format!("{} {body}", raw.written));
    }
    let title = sanitize::clean_line(&raw.title);
    let written = sanitize::clean_line(&raw.written);
    let id = raw
        .id
        .as_deref()
        .and_then(|id| absolute(&format!("#{id}"), page).or_else(|| Some(format!("#{id}"))))
        .map(|id| sanitize::clean_line(&id))
        .unwrap_or_else(|| {
            sanitize::clean_line(&ids::derived(
                page,
                &written,
                &title,
                ids::prefix(&body, ID_BODY_CHARS),
            ))
        });
    Item {
        id: EntryId(id),
        published,
        updated: None,
        title,
        author: raw
            .author
            .map(|a| sanitize::clean_line(&a))
            .filter(|a| !a.is_empty()),
        url: raw.url.map(|u| sanitize::clean_line(&u)),
        text: body,
        html: (!html.is_empty()).then(|| sanitize::clean(&html)),
        flags: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::ParseOptions;
    use proptest::prelude::*;

    fn run(html: &str, now: Timestamp) -> Result<Document, ParseError> {
        let options = ParseOptions {
            timezone: TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC),
            ..ParseOptions::default()
        };
        parse(&Input {
            bytes: html.as_bytes(),
            content_type: Some("text/html"),
            base_url: Some("https://example.org/live"),
            now,
            options: &options,
        })
    }

    #[test]
    fn offsets_as_written() {
        let seconds = |s: &str| offset_written(s).map(|o| o.seconds());
        assert_eq!(seconds("2024-07-18T08:01:58+02:00"), Some(7200));
        assert_eq!(seconds("2024-07-18T08:01:58.000Z"), Some(0));
        assert_eq!(seconds("2024-07-18T08:01:58-0500"), Some(-18000));
        assert_eq!(seconds("2024-07-18"), None);
    }

    #[test]
    fn a_future_attribute_is_not_believed() {
        let mut html = String::from("<main><div>");
        for n in 0..3 {
            html.push_str(&format!(
                "<article><time datetime=\"2099-01-0{}T10:00:00Z\">x</time><h2>T{n}</h2>\
                 <p>A body with enough words to count as a body of an entry, surely.</p></article>",
                n + 1
            ));
        }
        html.push_str("</div></main>");
        let doc = run(
            &html,
            Timestamp::from_second(1_700_000_000).unwrap_or_default(),
        )
        .unwrap_or_default();
        assert_eq!(doc.items.len(), 3);
        assert!(doc.items.iter().all(|i| i.published.is_none()));
    }

    proptest! {
        #[test]
        fn never_panics_and_stays_clean_and_in_the_past(
            parts in proptest::collection::vec(prop::sample::select(vec![
                "<h3>9h05 - Titre</h3>", "<p><strong>11.04 Uhr: Titel</strong></p>",
                "<p><strong>17.00</strong> Text danach im selben Absatz.</p>",
                "<p>Un paragraphe assez long pour compter comme le corps d'une entrée.</p>",
                "<h2>Donnerstag, 18. Juli</h2>", "<h2>Gestern</h2>", "<div>Publicité</div>",
                "<div><h3>Lire aussi :</h3><p><a href='/x'>x</a></p></div>",
                "<article id='p1'>", "</article>", "<li>", "</li>", "<ul>", "</ul>", "<div>", "</div>",
                "<time datetime='2024-03-02T21:43:18.345Z'>9:43PM</time>", "<span>95'</span>",
                "<div data-ts='1709415798345'>", "<amp-live-list><div items>", "23:59", "00:01",
                "<p>By Jane Doe</p>", "\u{1b}[31m", "\u{9b}2J", "<script>x</script>", "<h4>2.05pm GMT</h4>",
                "<meta property='article:modified_time' content='2024-07-18T11:10:00+02:00'>",
            ]), 0..60),
            now in 0i64..4_000_000_000,
        ) {
            let html = parts.concat();
            let now = Timestamp::from_second(now).unwrap_or_default();
            if let Ok(doc) = run(&html, now) {
                for item in &doc.items {
                    for s in [&item.title, &item.id.0].into_iter().chain(item.author.as_ref()).chain(item.url.as_ref()) {
                        prop_assert!(!s.chars().any(char::is_control), "{:?}", s);
                    }
                    prop_assert!(!item.text.chars().any(|c| c.is_control() && c != '\n'));
                    if let Some(t) = item.published {
                        prop_assert!(t.as_second() <= now.as_second() + clock::FUTURE_SLACK_SECONDS);
                    }
                }
            }
        }

        #[test]
        fn never_panics_on_any_text(html in "\\PC{0,300}") {
            let _ = run(&html, Timestamp::UNIX_EPOCH);
        }
    }
}
