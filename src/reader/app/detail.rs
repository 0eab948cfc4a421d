//! What the detail view shows of an entry, line by line at a width: the app scrolls
//! through these lines, the drawing styles each by its role.

use super::group_view::{GroupRole, group_text};
use super::layout::layout;
use super::state::{App, EntryKey, Row};
use super::text::{age, clock, wrap};
use crate::model::Entry;
use crate::sanitize::{clean, clean_line};

/// What a line of the detail view is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailRole {
    /// The headline.
    Title,
    /// Source, author, published and updated times.
    Meta,
    /// Pinned, key event, summary, edited, removed.
    Badges,
    /// The entry's own link, a web link.
    Url,
    /// The entry's own link of another scheme (`javascript:`, `file:` …): plain text,
    /// never opened, copied or written as a hyperlink.
    PlainLink,
    /// A blank line between parts.
    Blank,
    /// The body.
    Body,
    /// "Edited: …" above what an edit took away.
    EditedHeading,
    /// A paragraph as it was before the source edited it.
    EditedAway,
    /// "Links" above the body's numbered links.
    LinksHeading,
    /// One numbered link of the body.
    Link,
    /// A group's report: its number, source and time, above its headline.
    ReportHeading,
    /// A paragraph of a group's later report that gives a figure no earlier one gave.
    Added,
}

/// One line of the detail view, already wrapped to the width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLine {
    /// What the line is.
    pub role: DetailRole,
    /// Its text, clean for the terminal.
    pub text: String,
}

impl DetailLine {
    /// A line of a group's view (see `group_view`).
    fn of_group((role, text): (GroupRole, String)) -> DetailLine {
        let role = match role {
            GroupRole::Summary => DetailRole::Badges,
            GroupRole::Blank => DetailRole::Blank,
            GroupRole::Heading => DetailRole::ReportHeading,
            GroupRole::Title => DetailRole::Title,
            GroupRole::Url => DetailRole::Url,
            GroupRole::Body => DetailRole::Body,
            GroupRole::Added => DetailRole::Added,
        };
        DetailLine { role, text }
    }
}

/// The detail view's lines at `width` (the view's, borders included): headline, meta
/// and badges, link, the wrapped body, what an edit changed, then the body's links,
/// numbered.
pub fn detail_text(row: &Row, app: &App, width: u16) -> Vec<DetailLine> {
    if let Some(lines) = group_text(row, app, width) {
        return lines.into_iter().map(DetailLine::of_group).collect();
    }
    let entry = &row.entry;
    let width = usize::from(width.saturating_sub(2)).max(10);
    let mut lines: Vec<DetailLine> = Vec::new();
    let mut push = |role: DetailRole, text: String| lines.push(DetailLine { role, text });
    for line in wrap(&clean_line(&entry.item.display_title()), width) {
        push(DetailRole::Title, line);
    }
    let mut meta = vec![clean_line(&entry.source.0)];
    if let Some(author) = entry
        .item
        .author
        .as_deref()
        .filter(|author| !author.is_empty())
    {
        meta.push(clean_line(author));
    }
    if let Some(published) = entry.item.published {
        meta.push(if row.dated_ahead() {
            // Its own date in full, and where the list put it instead.
            format!(
                "published {} (ahead of when it was first seen, {}: listed there)",
                published
                    .to_zoned(app.timezone.clone())
                    .strftime("%d %b %Y %H:%M"),
                clock(row.sort_time, &app.timezone, app.now)
            )
        } else {
            format!(
                "published {} ({})",
                clock(published, &app.timezone, app.now),
                age(published, app.now)
            )
        });
    }
    if let Some(updated) = entry.item.updated
        && Some(updated) != entry.item.published
    {
        meta.push(format!(
            "updated {}",
            clock(updated, &app.timezone, app.now)
        ));
    }
    for line in wrap(&meta.join(" · "), width) {
        push(DetailRole::Meta, line);
    }
    let badges = badges(entry);
    if !badges.is_empty() {
        push(DetailRole::Badges, badges.join(" "));
    }
    if let Some(url) = &entry.item.url {
        let role = if crate::parse::is_web_link(url) {
            DetailRole::Url
        } else {
            DetailRole::PlainLink
        };
        for line in wrap(&clean_line(url), width) {
            push(role, line);
        }
    }
    push(DetailRole::Blank, String::new());
    for line in wrap(&clean(&entry.item.text), width) {
        push(DetailRole::Body, line);
    }
    if let Some(previous) = entry
        .previous_text
        .as_deref()
        .filter(|previous| *previous != entry.item.text)
    {
        // What the edit changed: the paragraphs it removed or rewrote, as they were.
        let now: Vec<&str> = entry.item.text.split('\n').map(str::trim).collect();
        let changed: Vec<&str> = previous
            .split('\n')
            .map(str::trim)
            .filter(|line| !line.is_empty() && !now.contains(line))
            .collect();
        push(DetailRole::Blank, String::new());
        let heading = if changed.is_empty() {
            "Edited: text added"
        } else {
            "Edited: before the change"
        };
        push(DetailRole::EditedHeading, heading.to_string());
        for line in changed
            .iter()
            .flat_map(|line| wrap(&clean(line), width.saturating_sub(2)))
        {
            push(DetailRole::EditedAway, format!("- {line}"));
        }
    }
    let links = &row.links;
    if !links.is_empty() {
        push(DetailRole::Blank, String::new());
        push(DetailRole::LinksHeading, "Links".to_string());
        for (number, (text, url)) in links.iter().enumerate() {
            let label = if text.is_empty() {
                String::new()
            } else {
                format!("{text} — ")
            };
            for line in wrap(&format!("[{}] {label}{url}", number + 1), width) {
                push(DetailRole::Link, line);
            }
        }
    }
    lines
}

impl App {
    /// Lines of the detail view's text at the current width (for scrolling bounds).
    pub(super) fn detail_lines(&self, key: &EntryKey) -> usize {
        let area = layout(self.size.0, self.size.1).list;
        self.find_row(key)
            .map_or(0, |row| detail_text(row, self, area.width).len())
    }
}

/// Badges shown on an entry: edited since first seen (and, from sources that flag
/// them, pinned / key event / summary).
fn badges(entry: &Entry) -> Vec<&'static str> {
    let mut badges = Vec::new();
    let flags = entry.item.flags;
    if flags.pinned {
        badges.push("[pinned]");
    }
    if flags.key_event {
        badges.push("[key event]");
    }
    if flags.summary {
        badges.push("[summary]");
    }
    if entry.edited {
        badges.push("[edited since you first saw it]");
    }
    if entry.removed {
        badges.push("[removed by the source]");
    }
    badges
}
