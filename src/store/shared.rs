//! The processes sharing one cache: what each sees of the others' writes (the change
//! log and `PRAGMA data_version`) and who polls a source when (leases).
//!
//! A reader, a `tail` and a cron `refresh` on one cache are one system: a source due for
//! a poll is fetched by whichever process claims it first ([`Store::claim_poll`]); the
//! others see the result through the cache ([`Store::changes_after`]).

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::cache::Store;
use super::error::{StoreError, fail};
use super::records::{ENTRY_COLUMNS, entry_from_row};
use crate::model::{Entry, EntryId, SourceId};
use crate::sources::poller::{Claim, Gate, LEASE};

/// A grace for clocks and timers: a poll due within it counts as due.
const DUE_GRACE_MS: i64 = 250;

/// What changed in the cache after a point of its change log.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// The log's point these changes reach to: pass it to the next call.
    pub cursor: i64,
    /// Entries new or edited since, as they are now, newest first; `true` for new.
    pub entries: Vec<(Entry, bool)>,
    /// Entries whose read or removed mark changed since, as they are now.
    pub marks: Vec<Mark>,
    /// The log no longer reaches back to the cursor (it keeps the latest changes only):
    /// the caller should reload what it holds.
    pub lost: bool,
}

/// An entry's marks, as one process changed them for all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The entry's source.
    pub source: SourceId,
    /// The entry.
    pub id: EntryId,
    /// Opened (or marked read).
    pub read: bool,
    /// The source no longer lists it.
    pub removed: bool,
}

impl Store {
    /// A number that changes when another connection (in this process or another)
    /// commits a change to the cache; a connection's own writes leave it alone. Reading
    /// it costs next to nothing, so a reader can ask every second.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "data_version", |row| row.get(0))
            .map_err(fail(&self.path, "reading the data version"))
    }

    /// The change log's latest point (0 when empty).
    pub fn change_cursor(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM changes", [], |row| {
                row.get(0)
            })
            .map_err(fail(&self.path, "reading the change log"))
    }

    /// `cursor` moved past what this connection itself wrote right after it (its own
    /// polls and marks): a reader that already holds those need not read them back.
    /// Another process's writes are never skipped.
    pub fn skip_own_changes(&mut self, cursor: i64) -> i64 {
        let mut cursor = cursor;
        // Stretches in the order written; one that starts at the cursor continues it.
        for &(before, after) in &self.own_changes {
            if before == cursor {
                cursor = after;
            }
        }
        self.own_changes.retain(|&(_, after)| after > cursor);
        cursor
    }

    /// What changed after `cursor`, among these sources' entries (`None`: all), read in
    /// one snapshot. Deleted entries (retention) are not reported.
    pub fn changes_after(
        &mut self,
        cursor: i64,
        sources: Option<&[SourceId]>,
    ) -> Result<Changes, StoreError> {
        let err = fail(&self.path, "reading what other processes changed");
        let tx = self.conn.transaction().map_err(&err)?;
        let (latest, oldest): (i64, Option<i64>) = tx
            .query_row(
                "SELECT COALESCE(MAX(seq), 0), MIN(seq) FROM changes",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(&err)?;
        let mut changes = Changes {
            cursor: latest,
            lost: oldest.is_some_and(|oldest| oldest > cursor.saturating_add(1)) && cursor > 0,
            ..Changes::default()
        };
        if latest <= cursor {
            return Ok(changes);
        }
        let (among, among_params) = super::records::among(sources);
        let mut values = vec![rusqlite::types::Value::Integer(cursor)];
        values.extend(among_params);
        {
            let mut statement = tx
                .prepare_cached(&format!(
                    "SELECT {ENTRY_COLUMNS},
                         rowid IN (SELECT entry FROM changes WHERE seq > ?1 AND kind = 1)
                     FROM entries
                     WHERE rowid IN (SELECT entry FROM changes WHERE seq > ?1 AND kind IN (1, 2))
                       AND {among}
                     ORDER BY sort_time DESC, rowid DESC"
                ))
                .map_err(&err)?;
            let count = ENTRY_COLUMNS.split(',').count();
            let rows = statement
                .query_map(rusqlite::params_from_iter(values.iter()), |row| {
                    Ok((entry_from_row(row)?, row.get::<_, bool>(count)?))
                })
                .map_err(&err)?;
            changes.entries = rows.collect::<Result<_, _>>().map_err(&err)?;
        }
        {
            let mut statement = tx
                .prepare_cached(&format!(
                    "SELECT source, id, read, removed FROM entries
                     WHERE rowid IN (SELECT entry FROM changes WHERE seq > ?1 AND kind = 0)
                       AND {among}"
                ))
                .map_err(&err)?;
            let rows = statement
                .query_map(rusqlite::params_from_iter(values.iter()), |row| {
                    Ok(Mark {
                        source: SourceId(row.get(0)?),
                        id: EntryId(row.get(1)?),
                        read: row.get(2)?,
                        removed: row.get(3)?,
                    })
                })
                .map_err(&err)?;
            changes.marks = rows.collect::<Result<_, _>>().map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(changes)
    }

    /// Asks to poll `source` now, as `owner` (one id per process). Granted when the
    /// source is due (or `forced`, the user's refresh) and no other process is fetching
    /// it: the claim then holds for [`LEASE`] (renew it with [`Store::renew_poll`]) and
    /// the source counts as not due for `interval`, so a process that dies mid-poll
    /// delays the others by no more than that.
    pub fn claim_poll(
        &mut self,
        source: &SourceId,
        owner: &str,
        interval: Duration,
        forced: bool,
        now: Timestamp,
    ) -> Result<Claim, StoreError> {
        let err = fail(&self.path, "claiming a poll");
        let now_ms = now.as_millisecond();
        let lease_ms = i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX);
        let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        tx.execute(
            "INSERT OR IGNORE INTO sources (name) VALUES (?1)",
            [&source.0],
        )
        .map_err(&err)?;
        // A claim held by a process that is gone (killed mid-poll) holds nothing.
        let holder: Option<String> = tx
            .query_row(
                "SELECT polling_by FROM sources WHERE name = ?1 AND polling_until > ?2",
                params![source.0, now_ms],
                |row| row.get(0),
            )
            .optional()
            .map_err(&err)?
            .flatten();
        if holder.is_some_and(|holder| holder != owner && !owner_alive(&holder)) {
            tx.execute(
                "UPDATE sources SET polling_until = NULL, polling_by = NULL WHERE name = ?1",
                [&source.0],
            )
            .map_err(&err)?;
        }
        let granted = tx
            .execute(
                "UPDATE sources SET
                     polling_until = ?2 + ?3,
                     polling_by = ?4,
                     next_poll = MAX(COALESCE(next_poll, 0), ?2 + ?5)
                 WHERE name = ?1
                   AND (polling_until IS NULL OR polling_until <= ?2 OR polling_by = ?4)
                   AND (?6 OR next_poll IS NULL OR next_poll <= ?2 + ?7)",
                params![
                    source.0,
                    now_ms,
                    lease_ms,
                    owner,
                    interval_ms,
                    forced,
                    DUE_GRACE_MS
                ],
            )
            .map_err(&err)?
            == 1;
        let (next_poll, polling_until, polling_by, failures): (
            Option<i64>,
            Option<i64>,
            Option<String>,
            i64,
        ) = tx
            .query_row(
                "SELECT next_poll, polling_until, polling_by, failures FROM sources WHERE name = ?1",
                [&source.0],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .map_err(&err)?;
        tx.commit().map_err(&err)?;
        let at = |ms: Option<i64>| {
            ms.and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .unwrap_or(now)
        };
        Ok(if granted {
            Claim::Granted {
                failures: u32::try_from(failures).unwrap_or(0),
            }
        } else if polling_until.is_some_and(|until| until > now_ms)
            && polling_by.as_deref() != Some(owner)
        {
            Claim::Polling {
                until: at(polling_until),
            }
        } else {
            Claim::Due(at(next_poll))
        })
    }

    /// Extends `owner`'s claim on `source` by [`LEASE`] from `now` (its fetch runs on).
    pub fn renew_poll(
        &mut self,
        source: &SourceId,
        owner: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let lease_ms = i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX);
        self.conn
            .execute(
                "UPDATE sources SET polling_until = ?2 WHERE name = ?1 AND polling_by = ?3",
                params![
                    source.0,
                    now.as_millisecond().saturating_add(lease_ms),
                    owner
                ],
            )
            .map_err(fail(&self.path, "renewing a poll"))?;
        Ok(())
    }

    /// Ends a poll of `source` in the cache: the claim is released, the next poll is due
    /// at `next_poll` (kept as claimed when `None`), and the failures in a row are
    /// counted (reset by a success).
    pub fn finish_poll(
        &mut self,
        source: &SourceId,
        next_poll: Option<Timestamp>,
        succeeded: bool,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE sources SET
                     next_poll = COALESCE(?2, next_poll),
                     failures = CASE WHEN ?3 THEN 0 ELSE failures + 1 END,
                     polling_until = NULL,
                     polling_by = NULL
                 WHERE name = ?1",
                params![
                    source.0,
                    next_poll.map(Timestamp::as_millisecond),
                    succeeded
                ],
            )
            .map_err(fail(&self.path, "recording the next poll"))?;
        Ok(())
    }

    /// Who is polling `source` now, if a process holds a live claim on it.
    pub fn polling_by(
        &self,
        source: &SourceId,
        now: Timestamp,
    ) -> Result<Option<String>, StoreError> {
        let polling: Option<(Option<i64>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT polling_until, polling_by FROM sources WHERE name = ?1",
                [&source.0],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(fail(&self.path, "reading who polls a source"))?;
        Ok(polling.and_then(|(until, by)| {
            by.filter(|_| until.is_some_and(|until| until > now.as_millisecond()))
        }))
    }
}

/// This process's name in the cache's claims: its pid and start time (unique enough;
/// the pid also tells the others whether it still runs).
pub fn process_owner() -> String {
    static OWNER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "pid {} since {}",
            std::process::id(),
            Timestamp::now().as_millisecond()
        )
    });
    OWNER.clone()
}

/// Whether the process named `owner` (see [`process_owner`]) still runs. Every process
/// on a cache runs on one machine (WAL shares memory between them), so its pid says;
/// where `/proc` is missing, or the name is not ours, it counts as running and its
/// claim simply runs out.
fn owner_alive(owner: &str) -> bool {
    let Some(pid) = owner
        .strip_prefix("pid ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return true;
    };
    let proc = std::path::Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The cache as the poller's [`Gate`]: its own connection, so that claims never wait
/// behind the cache worker's writes in this process.
pub struct CacheGate {
    store: std::sync::Mutex<Store>,
    /// This process's name in the cache's claims ([`process_owner`]).
    owner: String,
}

impl CacheGate {
    /// Opens a connection to the cache at `path` for claims.
    pub fn open(path: &std::path::Path) -> Result<CacheGate, StoreError> {
        Ok(CacheGate {
            store: std::sync::Mutex::new(Store::open(path)?),
            owner: process_owner(),
        })
    }
}

impl Gate for CacheGate {
    fn claim(&self, source: &SourceId, interval: Duration, forced: bool) -> Claim {
        let Ok(mut store) = self.store.lock() else {
            return Claim::Granted { failures: 0 };
        };
        store
            .claim_poll(source, &self.owner, interval, forced, Timestamp::now())
            .unwrap_or_else(|err| {
                // Polling without a claim risks a fetch twice; never polling is worse.
                tracing::warn!(%err, %source, "cannot claim a poll; polling anyway");
                Claim::Granted { failures: 0 }
            })
    }

    fn renew(&self, source: &SourceId) {
        if let Ok(mut store) = self.store.lock()
            && let Err(err) = store.renew_poll(source, &self.owner, Timestamp::now())
        {
            tracing::warn!(%err, %source, "cannot renew a poll's claim");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flags, Item};

    fn item(id: &str) -> Item {
        Item {
            id: EntryId(id.to_string()),
            published: None,
            updated: None,
            title: format!("Title {id}"),
            author: None,
            url: None,
            text: format!("Text {id}"),
            html: None,
            flags: Flags::default(),
        }
    }

    #[test]
    fn a_reader_skips_its_own_writes_in_the_log_but_never_another_processes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.db");
        let mut mine = Store::open(&path).expect("open");
        let mut theirs = Store::open(&path).expect("open");
        let source = SourceId("blog".into());
        let now = Timestamp::now();

        let cursor = mine.change_cursor().expect("cursor");
        mine.apply(&source, &[item("a"), item("b")], now)
            .expect("apply");
        mine.mark_read(&source, &EntryId("a".into())).expect("read");
        let cursor = mine.skip_own_changes(cursor);
        assert_eq!(cursor, mine.change_cursor().expect("cursor"));
        let changes = mine.changes_after(cursor, None).expect("changes");
        assert!(changes.entries.is_empty() && changes.marks.is_empty());

        // Another process writes, then this one: the other's write is read, and this
        // one's after it is read too (it no longer follows the cursor).
        theirs.apply(&source, &[item("c")], now).expect("apply");
        mine.apply(&source, &[item("d")], now).expect("apply");
        assert_eq!(mine.skip_own_changes(cursor), cursor);
        let changes = mine.changes_after(cursor, None).expect("changes");
        let ids: Vec<&str> = changes
            .entries
            .iter()
            .map(|(entry, _)| entry.item.id.0.as_str())
            .collect();
        assert!(ids.contains(&"c") && ids.contains(&"d"), "{ids:?}");
    }
}
