//! The command line (DESIGN.md "Command-line contract"): parse, dispatch, exit codes.
//!
//! Exit 0 on success; 1 when the work failed (network, parse), with a one-line reason
//! naming the source; 2 for bad usage or a bad config (file, line and key).

pub mod admin;
pub mod logging;
pub mod opml;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jiff::Timestamp;

use crate::config::{Config, ConfigError, SourceConfig};
use crate::model::{Entry, Format, Item, SourceId};
use crate::output::{newest_first, write_json, write_text};
use crate::parse::{self, Input, ParseOptions};
use crate::query::Query;
use crate::sources::fetch::{Fetched, Fetcher, Validators};
use crate::sources::poller::{Poll, PollOutcome, Poller, poll_once};
use crate::store::Store;
use crate::store::ingest::ingest_retaining;

/// A terminal reader for live blogs and news feeds.
#[derive(Debug, Parser)]
#[command(name = "liveblog", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: the platform config dir, else built-in defaults).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Cache file (default: `[general] cache`, else the platform data dir).
    #[arg(long, global = true, value_name = "FILE")]
    pub cache: Option<PathBuf>,
    /// Run the reader on the built-in demo: live blogs served on 127.0.0.1, no network.
    #[arg(long)]
    pub demo: bool,
    /// Log level or filter (`debug`, `liveblog=trace`); default: $RUST_LOG, else info.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// What to do (default: the interactive reader).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch and parse SOURCE once; print its entries newest first.
    Dump {
        /// An http(s) URL, a file path, or `-` for stdin.
        source: String,
        /// auto, rss, atom, jsonfeed, jsonld, guardian, text or html.
        #[arg(long, default_value = "auto", value_parser = parse_format)]
        format: Format,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// The day of a transcript's newest entry (YYYY-MM-DD), when the page does not say.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<jiff::civil::Date>,
    },
    /// Poll every source once into the cache, print a summary line per source.
    Refresh,
    /// Print entries as they arrive (new, and edited ones again), until interrupted.
    Tail {
        /// Only entries matching this query.
        #[arg(long, value_name = "QUERY")]
        filter: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Only this source (repeat for several).
        #[arg(long, value_name = "NAME")]
        source: Vec<String>,
        /// First print cached entries from this long ago (30m, 2h, 1d), oldest first.
        #[arg(long, value_name = "DURATION", value_parser = crate::config::parse_duration)]
        since: Option<std::time::Duration>,
    },
    /// Configured sources and their last status.
    Sources,
    /// Import or export subscriptions (OPML, newsboat urls).
    Opml {
        /// What to do.
        #[command(subcommand)]
        action: crate::cli::admin::OpmlAction,
    },
    /// Where files live; check a config.
    Config {
        /// What to do.
        #[command(subcommand)]
        action: crate::cli::admin::ConfigAction,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Cached entries, newest first.
    List {
        /// Only entries matching this query.
        #[arg(long, value_name = "QUERY")]
        filter: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// At most N entries.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
        format!("unknown format `{name}`; use one of: {}", names.join(", "))
    })
}

/// Why a command failed, and so which exit code it gets.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or a bad config: exit 2.
    Usage(String),
    /// The work failed: exit 1.
    Work(String),
    /// stdout was closed (`| head`): stop quietly, exit 0.
    ClosedPipe,
}

impl From<ConfigError> for Failure {
    fn from(err: ConfigError) -> Failure {
        Failure::Usage(format!("config {err}"))
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        if err.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Work(err.to_string())
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Failure {
        Failure::Work(format!("{err:#}"))
    }
}

impl From<crate::sources::fetch::FetchError> for Failure {
    fn from(err: crate::sources::fetch::FetchError) -> Failure {
        Failure::Work(format!("HTTP client: {err}"))
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(err: crate::store::StoreError) -> Failure {
        Failure::Work(err.to_string())
    }
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        // Parses and file reads run on blocking threads: a few are enough, and each
        // thread costs memory (glibc gives it an allocator arena of its own).
        .max_blocking_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("liveblog: cannot start: {err}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(run(cli));
    // Don't wait for blocking tasks (a stdin read, a slow parse) on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(code) => code,
        Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("liveblog: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Work(message)) => {
            eprintln!("liveblog: {message}");
            ExitCode::from(1)
        }
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if let Some(path) = crate::cli::logging::init(cli.log_level.as_deref()) {
        tracing::debug!(log = %path.display(), "liveblog {} starting", env!("CARGO_PKG_VERSION"));
    }
    if cli.demo {
        return run_demo(cli.cache.as_deref()).await;
    }
    let Some(command) = cli.command else {
        let config = Config::load(cli.config.as_deref())?;
        let cache = config.cache_path(cli.cache.as_deref());
        crate::reader::run(&config, &cache).await?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Dump {
            source,
            format,
            json,
            date,
        } => dump(&source, format, json, date, cli.config.as_deref()).await,
        Command::Refresh => {
            let config = Config::load(cli.config.as_deref())?;
            refresh(&config, &config.cache_path(cli.cache.as_deref())).await
        }
        Command::Tail {
            filter,
            json,
            source,
            since,
        } => {
            let mut config = Config::load(cli.config.as_deref())?;
            let query = parse_query(filter.as_deref())?;
            if let Some(unknown) = source
                .iter()
                .find(|name| !config.sources.iter().any(|s| &s.id.0 == *name))
            {
                return Err(Failure::Usage(format!(
                    "--source: no source named `{unknown}` in the config"
                )));
            }
            if !source.is_empty() {
                config
                    .sources
                    .retain(|configured| source.contains(&configured.id.0));
            }
            let cache = config.cache_path(cli.cache.as_deref());
            tail(&config, &cache, &query, json, since).await
        }
        Command::Opml { action } => crate::cli::admin::opml(action, cli.config.as_deref()),
        Command::Config { action } => {
            crate::cli::admin::config(action, cli.config.as_deref(), cli.cache.as_deref())
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "liveblog", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(&mut io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sources => {
            let config = Config::load(cli.config.as_deref())?;
            sources(&config, &config.cache_path(cli.cache.as_deref()))
        }
        Command::List {
            filter,
            json,
            limit,
        } => {
            let config = Config::load(cli.config.as_deref())?;
            let query = parse_query(filter.as_deref())?;
            list(
                &config,
                &config.cache_path(cli.cache.as_deref()),
                &query,
                json,
                limit,
            )
        }
    }
}

fn parse_query(filter: Option<&str>) -> Result<Query, Failure> {
    Query::parse(filter.unwrap_or("")).map_err(|err| Failure::Usage(format!("--filter: {err}")))
}

async fn run_demo(cache: Option<&Path>) -> Result<ExitCode, Failure> {
    let demo = crate::demo::Demo::start().await?;
    let mut config = Config::parse("", "<demo>")?;
    config.sources = demo
        .sources()
        .into_iter()
        .map(|source| SourceConfig {
            id: SourceId(source.name),
            url: source.url,
            format: source.format,
            interval: source.interval,
            options: crate::parse::ParseOptions {
                timezone: config.timezone.clone(),
                ..Default::default()
            },
            retention: Default::default(),
        })
        .collect();
    // The demo keeps its own throwaway cache unless told otherwise: the user's stays clean.
    let scratch = tempfile::tempdir().map_err(|err| Failure::Work(format!("demo cache: {err}")))?;
    let cache = cache
        .map(Path::to_path_buf)
        .unwrap_or_else(|| scratch.path().join("demo.db"));
    crate::reader::run(&config, &cache).await?;
    drop(demo);
    Ok(ExitCode::SUCCESS)
}

async fn dump(
    source: &str,
    format: Format,
    json: bool,
    date: Option<jiff::civil::Date>,
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
        let fetcher = Fetcher::for_config(&config)?;
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
    if format == Format::Html && options.selectors.is_none() {
        return Err(Failure::Usage(format!(
            "--format html needs CSS selectors: add a [[source]] with url = \"{source}\" and selectors to the config"
        )));
    }
    let input = Input {
        bytes: &bytes,
        content_type: content_type.as_deref(),
        base_url: base_url.as_deref(),
        now: Timestamp::now(),
        options: &options,
    };
    let mut document =
        parse::parse(&input, format).map_err(|err| Failure::Work(format!("{source}: {err}")))?;
    newest_first(&mut document.items);
    let mut out = io::stdout().lock();
    for item in &document.items {
        print_item(&mut out, source, item, json, &config)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn print_item(
    out: &mut dyn Write,
    source: &str,
    item: &Item,
    json: bool,
    config: &Config,
) -> io::Result<()> {
    if json {
        write_json(out, source, item)
    } else {
        write_text(out, source, item, &config.timezone)
    }
}

/// One line per source; exit 1 unless every source succeeded.
async fn refresh(config: &Config, cache: &Path) -> Result<ExitCode, Failure> {
    let mut store = Store::open(cache)?;
    let fetcher = Fetcher::for_config(config)?;
    // Polls are stored as they finish (not in config order), so a finished document
    // does not wait in memory for a slow source; the summary keeps config order.
    let mut tasks = tokio::task::JoinSet::new();
    let mut task_source = std::collections::HashMap::new();
    for (index, source) in config.sources.iter().enumerate() {
        let state = store.source_state(&source.id)?;
        let validators = Validators {
            etag: state.etag,
            last_modified: state.last_modified,
        };
        let fetcher = fetcher.clone();
        let source = source.clone();
        let handle = tasks.spawn(async move { poll_once(&fetcher, &source, &validators).await });
        task_source.insert(handle.id(), index);
    }
    let mut failures = 0;
    let mut lines = vec![String::new(); config.sources.len()];
    while let Some(joined) = tasks.join_next_with_id().await {
        let (index, poll) = match joined {
            Ok((id, poll)) => (task_source.get(&id).copied().unwrap_or_default(), poll),
            Err(err) => {
                let index = task_source.get(&err.id()).copied().unwrap_or_default();
                let source = &config.sources[index];
                let poll = Poll {
                    source: source.id.clone(),
                    url: source.url.clone(),
                    outcome: PollOutcome::Failed(format!("poll task failed: {err}")),
                    finished: Timestamp::now(),
                    hints: Default::default(),
                    next_poll: None,
                };
                (index, poll)
            }
        };
        let source = &config.sources[index];
        let ingested = ingest_retaining(&mut store, &poll, source.retention)?;
        lines[index] = match &poll.outcome {
            PollOutcome::Failed(error) => {
                failures += 1;
                format!("{}: error: {error}", source.id)
            }
            PollOutcome::NotModified => format!("{}: not modified", source.id),
            PollOutcome::Parsed { .. } => format!(
                "{}: {} new, {} updated",
                source.id,
                ingested.applied.new.len(),
                ingested.applied.updated.len()
            ),
        };
    }
    let mut out = io::stdout().lock();
    for line in &lines {
        writeln!(out, "{}", crate::sanitize::clean_line(line))?;
    }
    out.flush()?;
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Polls on schedule and prints what is new to the cache (and edits again), oldest
/// first, until interrupted.
async fn tail(
    config: &Config,
    cache: &Path,
    query: &Query,
    json: bool,
    since: Option<std::time::Duration>,
) -> Result<ExitCode, Failure> {
    let mut store = Store::open(cache)?;
    let fetcher = Fetcher::for_config(config)?;
    let mut sources = Vec::new();
    for source in &config.sources {
        let state = store.source_state(&source.id)?;
        sources.push((
            source.clone(),
            Validators {
                etag: state.etag,
                last_modified: state.last_modified,
            },
        ));
    }
    if let Some(since) = since {
        // What the cache already has from that window, oldest first, before going live.
        let now = Timestamp::now();
        let from = jiff::SignedDuration::try_from(since)
            .ok()
            .and_then(|span| now.checked_sub(span).ok())
            .unwrap_or(Timestamp::MIN);
        let names: Vec<&SourceId> = config.sources.iter().map(|source| &source.id).collect();
        let mut cached = store.query(query, now, None)?;
        cached.retain(|entry| entry.sort_time() >= from && names.contains(&&entry.source));
        let mut out = io::stdout().lock();
        for entry in cached.iter().rev() {
            print_item(&mut out, &entry.source.0, &entry.item, json, config)?;
        }
        out.flush()?;
    }
    let (poll_tx, mut poll_rx) = tokio::sync::mpsc::channel::<Poll>(64);
    let _poller = Poller::spawn(fetcher, sources, poll_tx);
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let mut pipe_check = tokio::time::interval(std::time::Duration::from_millis(250));
    loop {
        let poll = tokio::select! {
            poll = poll_rx.recv() => poll,
            // `tail | head -3`: once the reader is gone, stop now, not at the next write.
            _ = pipe_check.tick() => {
                if stdout_closed() {
                    return Err(Failure::ClosedPipe);
                }
                continue;
            }
            _ = tokio::signal::ctrl_c() => None,
            _ = terminate.recv() => None,
            _ = hangup.recv() => None,
        };
        let Some(poll) = poll else {
            return Ok(ExitCode::SUCCESS);
        };
        let retention = config
            .sources
            .iter()
            .find(|source| source.id == poll.source)
            .map(|source| source.retention)
            .unwrap_or_default();
        let ingested = ingest_retaining(&mut store, &poll, retention)?;
        if let PollOutcome::Failed(error) = &poll.outcome {
            eprintln!(
                "liveblog: {}: {}",
                poll.source,
                crate::sanitize::clean_line(error)
            );
        }
        let mut changed: Vec<Entry> = ingested.applied.new;
        changed.extend(ingested.applied.updated);
        changed.sort_by_key(Entry::sort_time);
        let now = Timestamp::now();
        let mut out = io::stdout().lock();
        for entry in changed.iter().filter(|entry| query.matches(entry, now)) {
            print_item(&mut out, &entry.source.0, &entry.item, json, config)?;
        }
        out.flush()?;
    }
}

fn sources(config: &Config, cache: &Path) -> Result<ExitCode, Failure> {
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

fn list(
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

/// True when stdout is a pipe whose reading end has closed (`poll` reports an error or
/// hang-up on it). A terminal or a file never reports that.
fn stdout_closed() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdout = std::io::stdout();
    let mut fds = [PollFd::new(&stdout, PollFlags::empty())];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    poll(&mut fds, Some(&zero)).is_ok()
        && fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP)
}
