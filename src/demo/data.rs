//! The demo's fictional coverage: one TOML file per live blog in `assets/demo/`,
//! embedded in the binary.

use anyhow::{Context, anyhow, bail};
use jiff::tz::{Offset, TimeZone};
use serde::Deserialize;

use crate::model::Format;

/// The embedded data files, in the order the demo lists its sources.
pub(crate) const FILES: [(&str, &str); 4] = [
    (
        "assets/demo/storm.toml",
        include_str!("../../assets/demo/storm.toml"),
    ),
    (
        "assets/demo/launch.toml",
        include_str!("../../assets/demo/launch.toml"),
    ),
    (
        "assets/demo/election.toml",
        include_str!("../../assets/demo/election.toml"),
    ),
    (
        "assets/demo/cup-final.toml",
        include_str!("../../assets/demo/cup-final.toml"),
    ),
];

/// One live blog as written in its data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Blog {
    /// The source name shown in the reader.
    pub name: String,
    /// The page / feed title.
    pub title: String,
    /// The URL path segment: `/<slug>/live`, `/<slug>/rss.xml`, ...
    pub slug: String,
    /// `jsonld`, `atom`, `rss`, `jsonfeed` or `guardian`.
    pub format: String,
    /// One-line standfirst.
    pub description: String,
    /// BCP 47 language tag.
    pub language: String,
    /// The offset the publisher writes its timestamps in, e.g. `-05:00`.
    pub utc_offset: String,
    /// The entries, oldest first, as the story develops.
    #[serde(rename = "entry")]
    pub entries: Vec<EntrySpec>,
}

/// One entry as written in a data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntrySpec {
    /// Headline; absent for a body-only update.
    pub headline: Option<String>,
    /// The reporter.
    pub author: String,
    /// The body as HTML.
    pub body: String,
    /// The HTML of the "Update:" paragraph the entry gains when it is edited.
    pub update: Option<String>,
    /// Marked a key event (only the `guardian` format carries the marks).
    #[serde(default)]
    pub key_event: bool,
    /// Pinned to the top of the page.
    #[serde(default)]
    pub pinned: bool,
    /// A summary of the story so far.
    #[serde(default)]
    pub summary: bool,
}

impl Blog {
    /// The wire format this blog is served in.
    pub fn wire_format(&self) -> anyhow::Result<Format> {
        match self.format.as_str() {
            "jsonld" => Ok(Format::Jsonld),
            "atom" => Ok(Format::Atom),
            "rss" => Ok(Format::Rss),
            "jsonfeed" => Ok(Format::Jsonfeed),
            "guardian" => Ok(Format::Guardian),
            other => bail!("unsupported demo format {other:?}"),
        }
    }

    /// The publisher's time zone (a fixed offset).
    pub fn time_zone(&self) -> anyhow::Result<TimeZone> {
        let text = self.utc_offset.as_str();
        let bad = || anyhow!("bad utc_offset {text:?} (want e.g. \"-05:00\")");
        let (sign, rest) = match text.as_bytes().first() {
            Some(b'+') => (1, &text[1..]),
            Some(b'-') => (-1, &text[1..]),
            _ => return Err(bad()),
        };
        let (hours, minutes) = rest.split_once(':').ok_or_else(bad)?;
        let hours: i32 = hours.parse().map_err(|_| bad())?;
        let minutes: i32 = minutes.parse().map_err(|_| bad())?;
        if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
            return Err(bad());
        }
        let offset = Offset::from_seconds(sign * (hours * 3600 + minutes * 60))?;
        Ok(TimeZone::fixed(offset))
    }
}

/// Parses one data file.
pub(crate) fn parse_blog(file: &str, text: &str) -> anyhow::Result<Blog> {
    let blog: Blog = toml::from_str(text).with_context(|| format!("demo data {file}"))?;
    blog.wire_format()
        .with_context(|| format!("demo data {file}"))?;
    blog.time_zone()
        .with_context(|| format!("demo data {file}"))?;
    if blog.entries.is_empty() {
        bail!("demo data {file}: no entries");
    }
    Ok(blog)
}

/// Every embedded blog.
pub(crate) fn load() -> anyhow::Result<Vec<Blog>> {
    FILES
        .iter()
        .map(|(file, text)| parse_blog(file, text))
        .collect()
}
