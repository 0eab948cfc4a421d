//! The SQLite cache: entries, read state and each source's polling state.
//!
//! One cache file may be open in several processes at once (the TUI and a cron
//! `refresh`): the journal is WAL, the busy timeout is 5 s, and every write runs in an
//! `IMMEDIATE` transaction, so a writer waits for the lock instead of failing on a stale
//! read snapshot.
//!
//! The schema is versioned by `PRAGMA user_version`: `MIGRATIONS``[n]` takes the
//! schema from version `n` to `n + 1`. To change the schema, append a migration; never
//! edit one that has shipped.
//!
//! Timestamps are stored as whole milliseconds since the Unix epoch, so entries read
//! back (and those returned by [`Store::apply`]) carry millisecond precision.

mod cache;
mod error;
pub mod health;
pub mod ingest;
mod records;
mod schema;
mod shared;
mod write;

pub use cache::Store;
pub use error::StoreError;
pub use records::{Applied, SourceState};
pub use shared::{CacheGate, Changes, Mark, process_owner};
