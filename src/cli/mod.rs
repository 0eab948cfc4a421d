//! The command line (DESIGN.md "Command-line contract"): parse, dispatch, exit codes.
//!
//! Exit 0 on success; 1 when the work failed (network, parse), with a one-line reason
//! naming the source; 2 for bad usage or a bad config (file, line and key).

pub mod admin;
mod arena;
mod args;
pub mod cache;
mod dump;
mod failure;
mod follow;
mod grouping;
mod list;
pub mod logging;
mod man;
pub mod opml;
mod print;
mod refresh;
mod tail;

pub use args::{Cli, Command};
pub use failure::Failure;

use std::io;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::config::Config;
use crate::query::Query;

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if starts_reader(&cli) {
        // Before any thread starts: the reader runs long, and holds what it holds.
        arena::restart_with_one_arena();
    }
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    // Parses and file reads run on blocking threads: a few are enough, and each thread
    // costs memory (glibc gives it an allocator arena of its own).
    builder.max_blocking_threads(2);
    if starts_reader(&cli) {
        // The reader's own work runs on this thread (the UI) and the cache worker's;
        // the runtime only moves fetches along, which one worker does (a second one
        // was a second arena for nothing: issue 17).
        builder.worker_threads(1);
        // A blocking thread idle for a while ends (its stack and the arena it held
        // go to the next one) instead of waiting ten seconds.
        builder.thread_keep_alive(std::time::Duration::from_secs(1));
    }
    let runtime = match builder.enable_all().build() {
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

/// Whether the command line starts the interactive reader (no command, URLs to follow
/// now, or the demo).
fn starts_reader(cli: &Cli) -> bool {
    cli.demo || matches!(cli.command, None | Some(Command::Follow(_)))
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
        // `a` and the sources panel change the config liveblog reads (or would read).
        let file = cli
            .config
            .clone()
            .or_else(crate::config::default_config_path);
        crate::reader::run(&config, &cache, file.as_deref()).await?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Dump {
            source,
            format,
            json,
            date,
            explain,
        } => dump::dump(&source, format, json, date, explain, cli.config.as_deref()).await,
        Command::Refresh { due, force: _ } => {
            let config = Config::load(cli.config.as_deref())?;
            // Polling every source is the contract of `refresh`; `--due` asks for less.
            refresh::refresh(&config, &config.cache_path(cli.cache.as_deref()), !due).await
        }
        Command::Cache { action } => {
            let config = Config::load(cli.config.as_deref())?;
            cache::run(action, &config.cache_path(cli.cache.as_deref()))
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
            tail::tail(&config, &cache, &query, json, since).await
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
            man::render(&mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Add {
            url,
            name,
            format,
            interval,
        } => {
            let request = follow::AddRequest {
                url,
                name,
                format,
                interval,
            };
            follow::add(request, cli.config.as_deref()).await
        }
        Command::Remove { source } => follow::remove(&source, cli.config.as_deref()),
        Command::Follow(urls) => {
            if let Some(odd) = urls.iter().find(|url| !follow::looks_like_url(url)) {
                return Err(Failure::Usage(format!(
                    "`{odd}` is not a command (see liveblog --help) nor a URL to follow"
                )));
            }
            follow::follow_now(&urls, cli.config.as_deref(), cli.cache.as_deref()).await
        }
        Command::Sources => {
            let config = Config::load(cli.config.as_deref())?;
            list::sources(&config, &config.cache_path(cli.cache.as_deref()))
        }
        Command::List {
            filter,
            json,
            limit,
        } => {
            let config = Config::load(cli.config.as_deref())?;
            let query = parse_query(filter.as_deref())?;
            list::list(
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
        .map(|source| {
            config.new_source(
                &source.name,
                &source.url,
                source.format,
                Some(source.interval),
            )
        })
        .collect();
    // The demo keeps its own throwaway cache unless told otherwise: the user's stays clean.
    let scratch = tempfile::tempdir().map_err(|err| Failure::Work(format!("demo cache: {err}")))?;
    let cache = cache
        .map(Path::to_path_buf)
        .unwrap_or_else(|| scratch.path().join("demo.db"));
    crate::reader::run(&config, &cache, None).await?;
    drop(demo);
    Ok(ExitCode::SUCCESS)
}
