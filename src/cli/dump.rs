//! `liveblog dump SOURCE`: fetch or read one document, parse it once, print its entries.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;

use super::failure::Failure;
use super::print::print_item;
use crate::config::Config;
use crate::model::Format;
use crate::output::newest_first;
use crate::parse::{self, Input, ParseOptions};
use crate::sanitize::clean_line;
use crate::sources::fetch::{Fetched, Fetcher, Validators};

pub async fn dump(
    source: &str,
    format: Format,
    json: bool,
    date: Option<jiff::civil::Date>,
    explain: bool,
    config_path: Option<&Path>,
) -> Result<ExitCode, Failure> {
    // A config is optional here; its timezone is used when there is one.
    let config = match config_path {
        Some(path) => Config::load(Some(path))?,
        None => Config::load(None).unwrap_or(Config::parse("", "<empty>")?),
    };
    let (bytes, content_type, base_url) = if source == "-" {
        let bytes = tokio::task::spawn_blocking(|| {
            let mut bytes = Vec::new();
            io::stdin().read_to_end(&mut bytes).map(|_| bytes)
        })
        .await
        .map_err(|err| Failure::Work(format!("-: {err}")))?
        .map_err(|err| Failure::Work(format!("-: cannot read stdin: {err}")))?;
        (bytes, None, None)
    } else {
        let fetcher = Fetcher::with_limits(config.fetch_limits())?;
        match fetcher.fetch(source, &Validators::default()).await {
            Ok(Fetched::Body(body)) => (body.bytes, body.content_type, Some(body.final_url)),
            Ok(Fetched::NotModified(_)) => {
                return Err(Failure::Work(format!("{source}: unexpected 304")));
            }
            Err(err) => return Err(Failure::Work(format!("{source}: {err}"))),
        }
    };
    // Selectors (and the zone of clock times) come from a configured source with this URL.
    let mut options = config
        .sources
        .iter()
        .find(|configured| configured.url == source)
        .map(|configured| configured.options.clone())
        .unwrap_or_else(|| ParseOptions {
            timezone: config.timezone.clone(),
            ..Default::default()
        });
    options.date = date;
    // `--format html` without selectors is the reader of live entries in HTML alone;
    // with a [[source]] of this URL that has selectors, those.
    let input = Input {
        bytes: &bytes,
        content_type: content_type.as_deref(),
        base_url: base_url.as_deref(),
        now: Timestamp::now(),
        options: &options,
    };
    if explain {
        // Which reader, which structure, which day and zone: where writing selectors
        // for a page the heuristics miss starts.
        eprintln!("liveblog: {source}: {}", parse::explain(&input, format));
    }
    let mut document =
        parse::parse(&input, format).map_err(|err| Failure::Work(format!("{source}: {err}")))?;
    newest_first(&mut document.items);
    let mut out = io::stdout().lock();
    for item in &document.items {
        print_item(&mut out, source, item, json, &config)?;
    }
    out.flush()?;
    if document.items.is_empty() {
        // A feed that parsed and lists nothing is no failure (scripts get an empty
        // list), but a silent nothing looks like one.
        eprintln!(
            "liveblog: {}: it parsed, and holds no entries",
            clean_line(source)
        );
    }
    Ok(ExitCode::SUCCESS)
}
