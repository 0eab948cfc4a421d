//! What every parser takes and returns besides entries: the input, the options, the error.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::model::{Format, Selectors};

/// What a parser may need beyond the bytes: from the source's config or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// CSS selectors for `Format::Html`.
    pub selectors: Option<Selectors>,
    /// The zone a page's bare clock times (`14:05`) are in.
    pub timezone: TimeZone,
    /// The day a transcript's newest entry is on, when the page does not say.
    pub date: Option<Date>,
}

/// No selectors, UTC, no anchor date.
pub static DEFAULT_OPTIONS: ParseOptions = ParseOptions {
    selectors: None,
    timezone: TimeZone::UTC,
    date: None,
};

impl Default for ParseOptions {
    fn default() -> ParseOptions {
        DEFAULT_OPTIONS.clone()
    }
}

/// What a parser gets: the bytes and what the transport said about them.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The raw body, undecoded.
    pub bytes: &'a [u8],
    /// The HTTP `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The document's URL, for resolving relative links and making ids.
    pub base_url: Option<&'a str>,
    /// The current time, for relative dates.
    pub now: Timestamp,
    /// Selectors, time zone and anchor date.
    pub options: &'a ParseOptions,
}

/// Why a document gave no entries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The bytes are not a well-formed document of the expected format.
    #[error("not valid {format}: {reason}")]
    Invalid { format: Format, reason: String },
    /// The document is well formed but has no entries where they were looked for.
    #[error("no entries found (looked for {looked_for})")]
    NoEntries { looked_for: String },
    /// The format is known but cannot be read here.
    #[error("format {0} is not supported yet")]
    Unsupported(Format),
}
