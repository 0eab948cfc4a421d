//! `liveblog sources` and `liveblog list`: what the config and the cache hold.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;
use unicode_width::UnicodeWidthStr;

use super::failure::Failure;
use super::grouping::group_ids;
use super::print::print_grouped;
use crate::config::Config;
use crate::group::WINDOW;
use crate::model::Entry;
use crate::query::Query;
use crate::store::Store;

/// The cache at `cache` to read, or an empty one in memory when there is none yet:
/// a command that only reads makes no file (nor its directory).
fn read_cache(cache: &Path) -> Result<Store, Failure> {
    Ok(if cache.exists() {
        Store::open_or_read_only(cache)?
    } else {
        Store::open_in_memory()?
    })
}

pub fn sources(config: &Config, cache: &Path) -> Result<ExitCode, Failure> {
    let store = read_cache(cache)?;
    let mut out = io::stdout().lock();
    if config.sources.is_empty() {
        writeln!(
            out,
            "no sources configured (liveblog add URL follows a page)"
        )?;
    }
    let zone = &config.timezone;
    let when = |time: Timestamp| {
        time.to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let clean = crate::sanitize::clean_line;
    let mut rows: Vec<[String; 5]> = Vec::new();
    for source in &config.sources {
        let state = store.source_state(&source.id)?;
        let mut status = match (&state.last_error, state.last_success) {
            (Some(error), _) => format!("failing: {error}"),
            (None, Some(time)) => format!("ok, last success {}", when(time)),
            (None, None) => "never polled".to_string(),
        };
        if let Some(next) = store
            .next_poll(&source.id)?
            .filter(|next| *next > Timestamp::now())
        {
            status.push_str(&format!(", next poll {}", when(next)));
        }
        rows.push([
            clean(&source.id.0),
            clean(&source.url),
            source.format.to_string(),
            format!("every {}s", source.interval.as_secs()),
            clean(&status),
        ]);
    }
    // Columns aligned by display width (the last one runs to the end of the line).
    let widths: Vec<usize> = (0..4)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &rows {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if let Some(width) = widths.get(column) {
                line.push_str(&" ".repeat(width - cell.width() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn list(
    config: &Config,
    cache: &Path,
    query: &Query,
    json: bool,
    limit: Option<usize>,
) -> Result<ExitCode, Failure> {
    let mut store = read_cache(cache)?;
    let now = Timestamp::now();
    let mut out = io::stdout().lock();
    // One SQL query: FTS5 narrows, the same folded text as the TUI's filter decides.
    let entries = store.query(query, now, limit)?;
    let groups = if json {
        group_ids_in_context(&mut store, &entries, query, limit, now)?
    } else {
        Vec::new()
    };
    for (at, entry) in entries.iter().enumerate() {
        let group = groups.get(at).and_then(Option::as_deref);
        print_grouped(&mut out, &entry.source.0, &entry.item, json, config, group)?;
    }
    out.flush()?;
    if entries.is_empty() && limit != Some(0) {
        // Said on stderr: stdout stays a clean (empty) list for scripts.
        eprintln!(
            "liveblog: no entries{}",
            if query.is_empty() {
                " in the cache"
            } else {
                " match the filter"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The group id of each of `entries` (what `list` prints). Reports of one event are
/// grouped among every cached entry around them, not only those printed, so that a
/// filter or `--limit` that leaves out an event's first report changes no id.
fn group_ids_in_context(
    store: &mut Store,
    entries: &[Entry],
    query: &Query,
    limit: Option<usize>,
    now: Timestamp,
) -> Result<Vec<Option<String>>, Failure> {
    let times = entries.iter().map(Entry::sort_time);
    let (Some(oldest), Some(newest)) = (times.clone().min(), times.max()) else {
        return Ok(Vec::new());
    };
    if query.is_empty() && limit.is_none() {
        return Ok(group_ids(entries)); // every entry is printed: they are the context
    }
    // Everything from a window before the oldest printed to a window after the newest.
    let from = oldest.checked_sub(WINDOW).unwrap_or(Timestamp::MIN);
    let minutes = now.duration_since(from).as_mins().max(0) + 1;
    let around = match Query::parse(&format!("since:{minutes}m")) {
        Ok(since) => store.query_before(
            &since,
            now,
            Some(newest.checked_add(WINDOW).unwrap_or(Timestamp::MAX)),
            None,
        )?,
        Err(_) => return Ok(group_ids(entries)),
    };
    let mut context: Vec<Entry> = around;
    // The printed ones are always in (`before` leaves out the time it names).
    let held: std::collections::HashSet<(String, String)> = context
        .iter()
        .map(|entry| (entry.source.0.clone(), entry.item.id.0.clone()))
        .collect();
    let missing: Vec<Entry> = entries
        .iter()
        .filter(|entry| !held.contains(&(entry.source.0.clone(), entry.item.id.0.clone())))
        .cloned()
        .collect();
    context.extend(missing);
    let ids = group_ids(&context);
    let by_key: std::collections::HashMap<(&str, &str), &Option<String>> = context
        .iter()
        .zip(&ids)
        .map(|(entry, id)| ((entry.source.0.as_str(), entry.item.id.0.as_str()), id))
        .collect();
    Ok(entries
        .iter()
        .map(|entry| {
            by_key
                .get(&(entry.source.0.as_str(), entry.item.id.0.as_str()))
                .and_then(|id| (*id).clone())
        })
        .collect())
}
