//! Housekeeping commands: OPML import/export and `config path` / `config check`.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use crate::cli::failure::Failure;

use crate::cli::opml::{self, Outline};
use crate::config::edit::{NewSource, add_source, same_url, write_checked};
use crate::config::{Config, ConfigError, default_config_path, read_config_text};
use crate::output::plural;
use crate::sanitize::clean_line;
use crate::sources::naming::{short_name, unique_name};

/// `liveblog opml …`
#[derive(Debug, Subcommand)]
pub enum OpmlAction {
    /// Add the feeds of an OPML file (or a newsboat `urls` file; `-` for stdin) to the config.
    Import {
        /// The file to read.
        file: PathBuf,
        /// Also import local files (`file://` URLs and paths); without it, imported
        /// sources are http(s) only.
        #[arg(long)]
        allow_local: bool,
    },
    /// Print the configured sources as OPML 2.0.
    Export,
}

/// `liveblog config …`
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print where the config, the cache and the log live.
    Path,
    /// Write the commented example config where liveblog looks for it (never over one).
    Init,
    /// Check a config (default: the one liveblog would use); exit 2 naming the line and key.
    Check {
        /// The file to check.
        file: Option<PathBuf>,
    },
}

/// Runs an OPML action against the config at `config_path` (or the default one).
pub fn opml(action: OpmlAction, config_path: Option<&Path>) -> Result<ExitCode, Failure> {
    match action {
        OpmlAction::Export => {
            let config = Config::load(config_path)?;
            let outlines: Vec<Outline<'_>> = config
                .sources
                .iter()
                .map(|source| Outline {
                    title: &source.id.0,
                    url: &source.url,
                    format: source.format.name(),
                })
                .collect();
            let mut out = io::stdout().lock();
            out.write_all(opml::export(&outlines).as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        OpmlAction::Import { file, allow_local } => import(&file, config_path, allow_local),
    }
}

/// Adds the file's web subscriptions (and local ones when `allow_local`) to the config;
/// each one refused is named on stderr with the reason, and then the exit code is 1.
fn import(file: &Path, config_path: Option<&Path>, allow_local: bool) -> Result<ExitCode, Failure> {
    let text = if file == Path::new("-") {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|err| Failure::Work(format!("-: {err}")))?;
        text
    } else {
        std::fs::read_to_string(file)
            .map_err(|err| Failure::Work(format!("{}: {err}", file.display())))?
    };
    let subscriptions =
        opml::import(&text).map_err(|err| Failure::Work(format!("{}: {err}", file.display())))?;
    let target = config_path
        .map(Path::to_path_buf)
        .or_else(default_config_path)
        .ok_or_else(|| {
            Failure::Work("no config directory on this platform: pass --config FILE".to_string())
        })?;
    // The existing config must be valid: we append to it, and never write a broken one.
    let existing = if target.exists() {
        Some(Config::load(Some(&target))?)
    } else {
        None
    };
    let mut names: Vec<String> = existing
        .iter()
        .flat_map(|config| config.sources.iter().map(|s| s.id.0.clone()))
        .collect();
    let mut urls: Vec<String> = existing
        .iter()
        .flat_map(|config| config.sources.iter().map(|s| s.url.clone()))
        .collect();
    let mut text = match &existing {
        Some(_) => read_config_text(&target)
            .map_err(|err| Failure::Work(format!("{}: {err}", target.display())))?,
        None => "# liveblog configuration (see liveblog config init for every key)\n".to_string(),
    };
    let mut count = 0;
    let mut skipped = 0;
    let mut refused = 0;
    let mut err = io::stderr().lock();
    for subscription in subscriptions {
        if let Some(why) = opml::refusal(&subscription.url, allow_local) {
            // The file is untrusted: its names and URLs are shown cleaned.
            let name = subscription
                .title
                .as_deref()
                .map(|title| format!("\"{}\" ", clean_line(title)))
                .unwrap_or_default();
            writeln!(
                err,
                "liveblog: skipped {name}({}): {why}",
                clean_line(&subscription.url)
            )?;
            refused += 1;
            continue;
        }
        // Already followed, or listed twice in this file.
        if urls.iter().any(|url| same_url(url, &subscription.url)) {
            skipped += 1;
            continue;
        }
        let taken: Vec<&str> = names.iter().map(String::as_str).collect();
        let name = unique_name(
            &short_name(subscription.title.as_deref(), &subscription.url),
            &taken,
        );
        let source = NewSource {
            name: name.clone(),
            url: subscription.url.clone(),
            format: None,
            interval: None,
            comment: (!subscription.categories.is_empty())
                .then(|| format!("categories: {}", subscription.categories.join(", "))),
        };
        text = add_source(&text, &source)
            .map_err(|err| Failure::Usage(format!("config {}: {err}", target.display())))?;
        names.push(name);
        urls.push(subscription.url);
        count += 1;
    }
    if count > 0 {
        write_checked(&target, &text)?;
    }
    let refused_note = if refused > 0 {
        format!("{refused} skipped, ")
    } else {
        String::new()
    };
    println!(
        "imported {} into {} ({refused_note}{skipped} already there)",
        plural(count, "source", "sources"),
        target.display()
    );
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs a config action.
pub fn config(
    action: ConfigAction,
    config_path: Option<&Path>,
    cache: Option<&Path>,
) -> Result<ExitCode, Failure> {
    match action {
        ConfigAction::Init => crate::cli::follow::init(config_path),
        ConfigAction::Path => {
            let file = config_path
                .map(Path::to_path_buf)
                .or_else(default_config_path);
            let config = Config::load(config_path)?;
            let mut out = io::stdout().lock();
            match &file {
                Some(file) if file.exists() => writeln!(out, "config\t{}", file.display())?,
                Some(file) => writeln!(
                    out,
                    "config\t{} (not there: the built-in default is used)",
                    file.display()
                )?,
                None => writeln!(out, "config\t(none: the built-in default is used)")?,
            }
            writeln!(out, "cache\t{}", config.cache_path(cache).display())?;
            match crate::cli::logging::log_path() {
                Some(log) => writeln!(out, "log\t{}", log.display())?,
                None => writeln!(out, "log\t(none)")?,
            }
            Ok(ExitCode::SUCCESS)
        }
        ConfigAction::Check { file } => {
            let explicit = file.or_else(|| config_path.map(Path::to_path_buf));
            if let Some(file) = explicit {
                // A file the user named must exist and be valid.
                return check_file(&file);
            }
            match default_config_path() {
                Some(file) if file.exists() => return check_file(&file),
                Some(file) => println!(
                    "{}: no such file; the built-in default is used",
                    file.display()
                ),
                None => println!("no config file; the built-in default is used"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `config check FILE`: every error in the file on stderr, one a line, and exit 2;
/// else `FILE: ok (N sources)`.
fn check_file(file: &Path) -> Result<ExitCode, Failure> {
    let text = read_config_text(file).map_err(|err| {
        Failure::from(ConfigError {
            file: file.display().to_string(),
            line: None,
            key: None,
            message: format!("cannot read: {err}"),
        })
    })?;
    match Config::check(&text, &file.display().to_string()) {
        Ok(config) => {
            println!(
                "{}: ok ({})",
                file.display(),
                plural(config.sources.len(), "source", "sources")
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            let mut err = io::stderr().lock();
            for error in &errors {
                writeln!(err, "liveblog: config {error}")?;
            }
            Ok(ExitCode::from(2))
        }
    }
}
