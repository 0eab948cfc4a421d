//! Entries as the headless commands print them: one JSON object per line (`--json`),
//! or readable text. Both are sanitized: entries are untrusted.

use std::io::{self, Write};

use jiff::tz::TimeZone;
use serde::Serialize;

use crate::model::{Item, rfc3339};
use crate::sanitize::{clean, clean_line};

/// The `--json` line: exactly these keys, in this order.
#[derive(Debug, Serialize)]
pub struct JsonEntry<'a> {
    /// Source name (or the `dump` argument).
    pub source: &'a str,
    /// Entry id.
    pub id: &'a str,
    /// RFC 3339 or null.
    pub published: Option<String>,
    /// RFC 3339 or null.
    pub updated: Option<String>,
    /// Headline (empty when none).
    pub title: String,
    /// Author (empty when none).
    pub author: String,
    /// Permalink or null.
    pub url: Option<String>,
    /// Body as plain text.
    pub text: String,
    /// `list` and `tail` only: the id shared by the reports of one event from several
    /// sources, or null for a report that is alone (absent from `dump`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<Option<String>>,
}

impl<'a> JsonEntry<'a> {
    /// The JSON form of `item` from `source`.
    pub fn new(source: &'a str, item: &'a Item) -> JsonEntry<'a> {
        JsonEntry {
            source,
            id: &item.id.0,
            published: item.published.map(rfc3339),
            updated: item.updated.map(rfc3339),
            title: clean_line(&item.title),
            author: item.author.as_deref().map(clean_line).unwrap_or_default(),
            url: item.url.as_deref().map(clean_line),
            text: clean(&item.text),
            group: None,
        }
    }
}

/// Writes one entry as a JSON line.
pub fn write_json(out: &mut dyn Write, source: &str, item: &Item) -> io::Result<()> {
    write_json_line(out, &JsonEntry::new(source, item))
}

/// Writes one entry as a JSON line with its `group` key (the id, or null).
pub fn write_json_grouped(
    out: &mut dyn Write,
    source: &str,
    item: &Item,
    group: Option<&str>,
) -> io::Result<()> {
    let mut entry = JsonEntry::new(source, item);
    entry.group = Some(group.map(str::to_string));
    write_json_line(out, &entry)
}

fn write_json_line(out: &mut dyn Write, entry: &JsonEntry<'_>) -> io::Result<()> {
    let line = serde_json::to_string(entry).map_err(io::Error::other)?;
    writeln!(out, "{line}")
}

/// Writes one entry as text: a header line, the link, the body, a blank line.
pub fn write_text(
    out: &mut dyn Write,
    source: &str,
    item: &Item,
    timezone: &TimeZone,
) -> io::Result<()> {
    let time = item
        .time()
        .map(|time| {
            time.to_zoned(timezone.clone())
                .strftime("%Y-%m-%d %H:%M %Z")
                .to_string()
        })
        .unwrap_or_else(|| "(undated)".to_string());
    let mut header = format!(
        "[{time}] {} · {}",
        clean_line(source),
        clean_line(&item.display_title())
    );
    if let Some(author) = item.author.as_deref().filter(|author| !author.is_empty()) {
        header.push_str(&format!(" — {}", clean_line(author)));
    }
    if item.updated.is_some()
        && item.updated != item.published
        && item.published.is_some()
        && let Some(updated) = item.updated
    {
        header.push_str(&format!(
            " (updated {})",
            updated.to_zoned(timezone.clone()).strftime("%H:%M")
        ));
    }
    writeln!(out, "{header}")?;
    if let Some(url) = &item.url {
        writeln!(out, "{}", clean_line(url))?;
    }
    let body = clean(&item.text);
    if !body.trim().is_empty() && body.trim() != item.display_title() {
        writeln!(out)?;
        for line in body.trim().lines() {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out)
}

/// Newest first by published (else updated); undated items keep document order, last.
pub fn newest_first(items: &mut [Item]) {
    items.sort_by_key(|item| std::cmp::Reverse(item.time()));
}

/// A count in words: `1 source`, `2 sources`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
