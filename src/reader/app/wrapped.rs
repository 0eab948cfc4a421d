//! The detail view's lines, and the open entry's lines as the app holds them (wrapped
//! once per width; see `detail`, which makes them).

use crate::model::{EntryId, SourceId};

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

/// The parts of the detail view that depend only on the entry and the width: wrapped
/// once (a body may be megabytes), scrolled through at every key.
#[derive(Debug, Clone, Default)]
pub struct WrappedEntry {
    /// The headline.
    pub(super) title: Vec<DetailLine>,
    /// Link, body, what an edit changed, the body's links.
    pub(super) rest: Vec<DetailLine>,
}

/// An entry wrapped for the detail view: which entry, at which width (see
/// `App::detail_page`).
#[derive(Debug, Clone)]
pub struct DetailCache {
    /// The entry.
    pub(super) key: (SourceId, EntryId),
    /// The view's width it was wrapped to.
    pub(super) width: u16,
    /// Its lines.
    pub(super) wrapped: WrappedEntry,
}
