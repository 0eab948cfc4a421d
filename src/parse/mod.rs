//! Parsers: pure functions from bytes (+ content type, base URL, "now") to entries.
//! STUB: to be replaced by the parse module implementation.

use jiff::Timestamp;

use crate::model::{Document, Format};

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

/// Picks the format from the content type and the content.
pub fn detect(_input: &Input<'_>) -> Format {
    Format::Rss
}

/// Parses a document in `format` (`Auto` detects first).
pub fn parse(_input: &Input<'_>, format: Format) -> Result<Document, ParseError> {
    Err(ParseError::Unsupported(format))
}
