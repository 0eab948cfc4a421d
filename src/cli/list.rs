//! `liveblog sources` and `liveblog list`: what the config and the cache hold.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;

use super::failure::Failure;
use super::print::print_item;
use crate::config::Config;
use crate::query::Query;
use crate::store::Store;

pub fn sources(config: &Config, cache: &Path) -> Result<ExitCode, Failure> {
    let store = Store::open(cache)?;
    let mut out = io::stdout().lock();
    if config.sources.is_empty() {
        writeln!(out, "no sources configured")?;
    }
    let zone = &config.timezone;
    let when = |time: Timestamp| {
        time.to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
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
        let clean = crate::sanitize::clean_line;
        writeln!(
            out,
            "{}  {}  {}  every {}s  {}",
            clean(&source.id.0),
            clean(&source.url),
            source.format,
            source.interval.as_secs(),
            clean(&status)
        )?;
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
    let mut store = Store::open(cache)?;
    let now = Timestamp::now();
    let mut out = io::stdout().lock();
    // One SQL query: FTS5 narrows, the same folded text as the TUI's filter decides.
    for entry in store.query(query, now, limit)? {
        print_item(&mut out, &entry.source.0, &entry.item, json, config)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
