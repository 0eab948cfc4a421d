//! The command line's grammar (clap): the commands, their flags and arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::model::Format;

/// A terminal reader for live blogs and news feeds.
#[derive(Debug, Parser)]
#[command(
    name = "liveblog",
    version,
    about,
    long_about = None,
    override_usage = "liveblog [OPTIONS] [COMMAND]\n       liveblog [OPTIONS] URL [URL...]   \
                      (the reader following these pages now; the config is not touched)"
)]
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
    #[arg(long, global = true, value_name = "LEVEL", value_parser = log_filter)]
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
        /// Say on stderr which reader and which structure of the page gave the entries.
        #[arg(long)]
        explain: bool,
    },
    /// Poll every source once into the cache, print a summary line per source.
    ///
    /// A source another process is fetching at this moment is not fetched again: its line
    /// says so. With --due (for cron on a shared cache), neither is one polled within its
    /// interval by any process.
    Refresh {
        /// Poll only the sources that are due: none fetched more often than its interval
        /// (and the server's max-age, Retry-After and backoff), however many processes
        /// share the cache.
        #[arg(long, conflicts_with = "force")]
        due: bool,
        /// Poll every source now, due or not (the default; kept for scripts).
        #[arg(long, hide = true)]
        force: bool,
    },
    /// Print entries as they arrive (new, and edited ones again), until interrupted.
    Tail {
        /// Only entries matching this query (it may start with `-`: `--filter -opinion`).
        #[arg(long, value_name = "QUERY", allow_hyphen_values = true, value_parser = query_arg)]
        filter: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Only this source (repeat for several).
        #[arg(long, value_name = "NAME")]
        source: Vec<String>,
        /// First print cached entries from this long ago (30m, 2h, 1d, 1w), oldest first.
        #[arg(long, value_name = "DURATION", value_parser = crate::config::parse_duration)]
        since: Option<std::time::Duration>,
    },
    /// Configured sources and their last status.
    Sources,
    /// Find what to follow at URL (the page's live entries, else its feed) and add it to
    /// the config, keeping its comments.
    Add {
        /// The page or feed (without a scheme: https).
        url: String,
        /// The source's name (default: from the page's or feed's title).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// auto, rss, atom, jsonfeed, jsonld, guardian, text or html.
        #[arg(long, default_value = "auto", value_parser = parse_format)]
        format: Format,
        /// Its own poll interval (30s, 5m, 1h).
        #[arg(long, value_name = "DURATION")]
        interval: Option<String>,
    },
    /// Take a source out of the config (its cached entries stay searchable).
    Remove {
        /// The source's name or URL.
        source: String,
    },
    /// Import or export subscriptions (OPML, newsboat urls).
    Opml {
        /// What to do.
        #[command(subcommand)]
        action: crate::cli::admin::OpmlAction,
    },
    /// Where files live; write the commented example (init); check a config.
    Config {
        /// What to do.
        #[command(subcommand)]
        action: crate::cli::admin::ConfigAction,
    },
    /// The cache: where it is, whether it is sound, and setting a broken one aside.
    Cache {
        /// What to do.
        #[command(subcommand)]
        action: crate::cli::cache::CacheAction,
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
        /// Only entries matching this query (it may start with `-`: `--filter -opinion`).
        #[arg(long, value_name = "QUERY", allow_hyphen_values = true, value_parser = query_arg)]
        filter: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// At most N entries.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// `liveblog URL [URL...]`: the reader following these pages now (config untouched).
    #[command(external_subcommand)]
    Follow(Vec<String>),
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
        format!("unknown format `{name}`; use one of: {}", names.join(", "))
    })
}

/// `--filter`'s query: it may start with `-` (`-opinion`), but one that starts with
/// `--` is the next option, and the query is missing.
fn query_arg(text: &str) -> Result<String, String> {
    if text.starts_with("--") {
        Err("a query is missing: --filter QUERY (a query may start with one -)".to_string())
    } else {
        Ok(text.to_string())
    }
}

/// `--log-level`: a `RUST_LOG`-style filter, checked here (a bad one used to turn
/// logging off without a word).
fn log_filter(text: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::try_new(text)
        .map(|_| text.to_string())
        .map_err(|error| {
            format!("not a log level or filter ({error}): try info, debug or liveblog=trace")
        })
}
