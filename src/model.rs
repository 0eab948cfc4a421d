//! Plain data shared by every layer: no I/O here.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The name of a configured source (unique within a config); entries are keyed by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceId(pub String);

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An entry's id within its source: a guid, a JSON-LD `@id`, or `url#fragment`.
/// Never the bare page URL, since every entry of a live blog shares one page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntryId(pub String);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The wire format of a source, as named on the command line and in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Detect from content type and content.
    #[default]
    Auto,
    /// RSS 0.9x, 1.0 (RDF) and 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.0 / 1.1.
    Jsonfeed,
    /// An HTML page carrying schema.org `LiveBlogPosting` JSON-LD.
    Jsonld,
    /// The Guardian's Content API (or its page JSON).
    Guardian,
    /// A plain-text transcript of a live blog.
    Text,
    /// An HTML page read with CSS selectors from the config.
    Html,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: [Format; 8] = [
        Format::Auto,
        Format::Rss,
        Format::Atom,
        Format::Jsonfeed,
        Format::Jsonld,
        Format::Guardian,
        Format::Text,
        Format::Html,
    ];

    /// The name used on the command line and in the config.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Jsonfeed => "jsonfeed",
            Format::Jsonld => "jsonld",
            Format::Guardian => "guardian",
            Format::Text => "text",
            Format::Html => "html",
        }
    }

    /// The inverse of [`Format::name`].
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One entry as a source publishes it: the output of a parser.
/// Every string is already free of control characters and escape sequences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable id within the source.
    pub id: EntryId,
    /// When the entry was first published, if the source says.
    pub published: Option<Timestamp>,
    /// When the entry was last edited, if the source says.
    pub updated: Option<Timestamp>,
    /// Headline; empty when the source gives none.
    pub title: String,
    /// Author name(s), comma-separated.
    pub author: Option<String>,
    /// Permalink, absolute.
    pub url: Option<String>,
    /// The body as plain text (paragraphs separated by blank lines).
    pub text: String,
    /// The body as the source's HTML, when it had one (kept for the detail view).
    pub html: Option<String>,
    /// What the publisher marks the entry as (pinned, key event, summary).
    #[serde(default)]
    pub flags: Flags,
}

/// Marks a publisher puts on live-blog entries (the Guardian's `attributes`, a
/// transcript's "Key points").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Flags {
    /// Pinned to the top of the live blog.
    pub pinned: bool,
    /// A key event.
    pub key_event: bool,
    /// A summary of the story so far.
    pub summary: bool,
}

impl Flags {
    /// Pinned, key event or summary: what the "key events" view shows.
    pub fn is_key(self) -> bool {
        self.pinned || self.key_event || self.summary
    }
}

impl Item {
    /// The time the entry is sorted and shown by: published, else updated.
    pub fn time(&self) -> Option<Timestamp> {
        self.published.or(self.updated)
    }

    /// The headline, or the first words of the body when there is none.
    pub fn display_title(&self) -> String {
        if !self.title.trim().is_empty() {
            return self.title.trim().to_string();
        }
        let words: Vec<&str> = self.text.split_whitespace().take(16).collect();
        let mut line = words.join(" ");
        // Whether more words follow, without counting a long body's every word.
        if self.text.split_whitespace().nth(words.len()).is_some() {
            line.push('…');
        }
        line
    }
}

/// A cached entry: an [`Item`] from one source, plus what the reader knows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The source it came from.
    pub source: SourceId,
    /// The entry as last published.
    pub item: Item,
    /// When this reader first saw it.
    pub first_seen: Timestamp,
    /// The source changed it after we first saw it.
    pub edited: bool,
    /// The body before the source's last change to it, when it changed.
    pub previous_text: Option<String>,
    /// The source no longer lists it (a live blog deleted it); kept, never dropped.
    pub removed: bool,
    /// The user opened it.
    pub read: bool,
}

impl Entry {
    /// An entry of `source` first seen at `first_seen`: not edited, still listed,
    /// unread.
    pub fn new(source: SourceId, item: Item, first_seen: Timestamp) -> Entry {
        Entry {
            source,
            item,
            first_seen,
            edited: false,
            previous_text: None,
            removed: false,
            read: false,
        }
    }

    /// The time the entry is sorted by: published, else updated, else first seen.
    pub fn sort_time(&self) -> Timestamp {
        self.item.time().unwrap_or(self.first_seen)
    }
}

/// CSS selectors for reading an HTML page whose entries have no structured data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    /// Each entry's element.
    pub entry: String,
    /// The time, inside an entry (`sel@attr` reads an attribute).
    pub time: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// The author.
    pub author: Option<String>,
    /// The body.
    pub body: Option<String>,
    /// The permalink (`a@href` style).
    pub link: Option<String>,
    /// For pages whose entries are runs of siblings rather than one element each: where
    /// an entry starts inside every `entry` element (`p > strong, h3`); it runs to the
    /// next start, and its time is the clock its start begins with (`9h05 - Title`).
    pub start: Option<String>,
    /// Which way the page lists entries, for dating clock-only times (default `auto`).
    pub order: Option<ListOrder>,
    /// The zone of the page's clock times (an IANA name such as `Europe/Paris`),
    /// instead of `[general] timezone`.
    pub timezone: Option<String>,
}

/// The order a page lists its entries in (`selectors.order`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListOrder {
    /// Detected from the clock times.
    #[default]
    Auto,
    /// Newest entry at the top.
    NewestFirst,
    /// Oldest entry at the top.
    OldestFirst,
}

/// A parsed document: its entries in document order and what it says about polling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The feed or page title, if any.
    pub title: Option<String>,
    /// The entries, in the order the document lists them.
    pub items: Vec<Item>,
    /// RSS `<ttl>`: the publisher asks not to be polled more often than this.
    pub ttl: Option<std::time::Duration>,
    /// The feed's own URL (`atom:link rel="self"`), if it states one.
    pub self_url: Option<String>,
    /// The document ended before its end (a download cut short, a half-written file)
    /// and was read up to its last complete entry: an entry it lacks may simply lie
    /// past the cut, so its absence says nothing.
    pub cut_short: bool,
}

/// Formats a timestamp as RFC 3339 with an explicit `+00:00` offset (the `--json` contract).
pub fn rfc3339(timestamp: Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The reader's colours. All use the 16 ANSI colours, so the terminal's own palette
/// decides the shades.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// For dark backgrounds.
    #[default]
    Dark,
    /// For light backgrounds.
    Light,
    /// No colour: bold, reverse and underline only (also what `NO_COLOR` gives).
    Mono,
}
