//! The SQLite cache. STUB: to be replaced by the store implementation.

use std::path::Path;

use jiff::Timestamp;

use crate::model::{Entry, EntryId, Item, SourceId};

/// A cache error, with what was being done.
#[derive(Debug, thiserror::Error)]
#[error("cache {path}: {message}")]
pub struct StoreError {
    /// The cache file.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// What one poll changed.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// Entries not cached before, newest first.
    pub new: Vec<Entry>,
    /// Entries whose text, title or `updated` changed, newest first.
    pub updated: Vec<Entry>,
}

/// What the cache knows about a source's polling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceState {
    /// The source's name.
    pub source: Option<SourceId>,
    /// The URL last polled.
    pub url: Option<String>,
    /// `ETag` of the last 200 response.
    pub etag: Option<String>,
    /// `Last-Modified` of the last 200 response.
    pub last_modified: Option<String>,
    /// When the last poll attempt finished.
    pub last_attempt: Option<Timestamp>,
    /// When the last successful poll finished.
    pub last_success: Option<Timestamp>,
    /// The last error, one line; `None` once a poll succeeds.
    pub last_error: Option<String>,
}

/// The cache.
pub struct Store {}

impl Store {
    /// Opens (creating if needed) the cache at `path`.
    pub fn open(_path: &Path) -> Result<Store, StoreError> {
        Ok(Store {})
    }

    /// Stores one poll's items in one transaction; returns what was new or changed.
    pub fn apply(&mut self, _source: &SourceId, _items: &[Item], _now: Timestamp) -> Result<Applied, StoreError> {
        Ok(Applied::default())
    }

    /// Cached entries, newest first, at most `limit`.
    pub fn entries(&self, _limit: Option<usize>) -> Result<Vec<Entry>, StoreError> {
        Ok(Vec::new())
    }

    /// Marks one entry read.
    pub fn mark_read(&mut self, _source: &SourceId, _id: &EntryId) -> Result<(), StoreError> {
        Ok(())
    }

    /// The polling state of one source.
    pub fn source_state(&self, _source: &SourceId) -> Result<SourceState, StoreError> {
        Ok(SourceState::default())
    }

    /// Records a poll's outcome (success: validators and time; failure: the error).
    pub fn record_poll(&mut self, _source: &SourceId, _state: &SourceState) -> Result<(), StoreError> {
        Ok(())
    }
}
