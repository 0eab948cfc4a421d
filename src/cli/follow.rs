//! Following a page in one step: `liveblog add URL`, `liveblog remove NAME|URL`,
//! `liveblog config init`, and `liveblog URL…` (the reader on those pages, the config
//! untouched). What to follow at a URL is found by `sources::discover`; the config is
//! changed by `config::edit`, checked, then replaced in one step.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::failure::Failure;
use crate::config::edit::{
    self, EXAMPLE_CONFIG, EditError, FileError, NewSource, read_or_example, remove_from_file,
    write_checked,
};
use crate::config::{Config, default_config_path, parse_duration};
use crate::model::Format;
use crate::sanitize::clean_line;
use crate::sources::discover::{Finding, discover, normalize_url, with_scheme_note};
use crate::sources::fetch::Fetcher;

/// What `add` was asked.
#[derive(Debug, Clone)]
pub struct AddRequest {
    /// The URL (without a scheme: https).
    pub url: String,
    /// The name to give it, instead of one from its title.
    pub name: Option<String>,
    /// How to read it (`Auto` finds out).
    pub format: Format,
    /// Its own poll interval, as written (`30s`).
    pub interval: Option<String>,
}

/// Does `arg` look like something to follow (a URL, a host, a file) rather than a
/// mistyped command?
pub fn looks_like_url(arg: &str) -> bool {
    arg.contains("://") || arg.contains('.') || arg.contains('/') || Path::new(arg).exists()
}

/// The config file `add` and `remove` change: `--config`, else the default path.
fn target_path(config_path: Option<&Path>) -> Result<PathBuf, Failure> {
    config_path
        .map(Path::to_path_buf)
        .or_else(default_config_path)
        .ok_or_else(|| {
            Failure::Work("no config directory on this platform: pass --config FILE".to_string())
        })
}

impl From<FileError> for Failure {
    fn from(err: FileError) -> Failure {
        match err {
            FileError::Io { .. } => Failure::Work(err.to_string()),
            FileError::Config(_) | FileError::Edit { .. } => Failure::Usage(err.to_string()),
        }
    }
}

/// One line for what was found: how, what it holds, the newest entry.
pub fn describe(finding: &Finding, config: &Config) -> Vec<String> {
    let mut lines: Vec<String> = finding.steps.iter().map(|step| clean_line(step)).collect();
    if let Some((time, headline)) = &finding.newest {
        let when = time
            .map(|time| {
                time.to_zoned(config.timezone.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "undated".to_string());
        lines.push(format!("newest: {when} {}", clean_line(headline)));
    }
    lines
}

/// `liveblog add URL`: finds what to follow, names it, adds it to the config.
pub async fn add(request: AddRequest, config_path: Option<&Path>) -> Result<ExitCode, Failure> {
    let target = target_path(config_path)?;
    // An existing config must be valid: it is changed, never replaced by a broken one.
    let (text, config, exists) = read_or_example(&target)?;
    if let Some(text) = &request.interval {
        parse_duration(text).map_err(|message| Failure::Usage(format!("--interval: {message}")))?;
    }
    let url = normalize_url(&request.url);
    if let Some(source) = config
        .sources
        .iter()
        .find(|source| edit::same_url(&source.url, &url))
    {
        println!(
            "already following {url} as \"{}\"; nothing added",
            source.id
        );
        return Ok(ExitCode::SUCCESS);
    }
    let taken: Vec<&str> = config.sources.iter().map(|s| s.id.0.as_str()).collect();
    if let Some(name) = &request.name
        && taken.iter().any(|t| t.eq_ignore_ascii_case(name))
    {
        return Err(Failure::Usage(format!(
            "--name: a source is already named \"{name}\" in {}",
            target.display()
        )));
    }
    let fetcher = Fetcher::with_limits(config.fetch_limits())?;
    let options = config.new_source("", &url, request.format, None).options;
    let finding = discover(&fetcher, &url, request.format, &options)
        .await
        .map_err(|looked| {
            Failure::Work(format!(
                "nothing to follow at {url}: {}",
                clean_line(&with_scheme_note(&request.url, looked))
            ))
        })?;
    for line in describe(&finding, &config) {
        println!("{line}");
    }
    if let Some(source) = config
        .sources
        .iter()
        .find(|source| edit::same_url(&source.url, &finding.url))
    {
        println!(
            "already following {} as \"{}\"; nothing added",
            finding.url, source.id
        );
        return Ok(ExitCode::SUCCESS);
    }
    let name = match &request.name {
        Some(name) => clean_line(name),
        None => finding.name(&taken),
    };
    let new = NewSource {
        name: name.clone(),
        url: finding.url.clone(),
        format: (request.format != Format::Auto).then(|| request.format.name().to_string()),
        interval: request.interval.clone(),
        comment: None,
    };
    let changed = edit::add_source(&text, &new).map_err(|error| FileError::Edit {
        path: target.display().to_string(),
        error,
    })?;
    write_checked(&target, &changed)?;
    let created = if exists {
        ""
    } else {
        " (created from the commented example, its sample sources commented out)"
    };
    println!("added \"{name}\" to {}{created}", target.display());
    Ok(ExitCode::SUCCESS)
}

/// `liveblog remove NAME|URL`.
pub fn remove(name_or_url: &str, config_path: Option<&Path>) -> Result<ExitCode, Failure> {
    let target = target_path(config_path)?;
    if !target.exists() {
        return Err(Failure::Usage(format!(
            "{}: no config file, so no source to remove (liveblog add URL makes one)",
            target.display()
        )));
    }
    let name = remove_from_file(&target, name_or_url).or_else(|err| match err {
        // A URL written without its scheme.
        FileError::Edit {
            error: EditError::NoSuch(_),
            ..
        } if !name_or_url.contains("://") => {
            remove_from_file(&target, &normalize_url(name_or_url)).map_err(|_| err)
        }
        err => Err(err),
    })?;
    println!(
        "removed \"{name}\" from {} (its cached entries stay searchable with liveblog list)",
        target.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `liveblog config init`: the commented example, where liveblog looks for its config.
pub fn init(config_path: Option<&Path>) -> Result<ExitCode, Failure> {
    let target = target_path(config_path)?;
    if target.exists() {
        return Err(Failure::Work(format!(
            "{} exists; not overwritten (liveblog config check reads it)",
            target.display()
        )));
    }
    write_checked(&target, EXAMPLE_CONFIG)?;
    println!("wrote {} (every key, with its default)", target.display());
    Ok(ExitCode::SUCCESS)
}

/// `liveblog URL…`: the config's settings, but only these pages as sources, found
/// the way `add` finds them; the config file is not touched.
pub async fn follow_now(
    urls: &[String],
    config_path: Option<&Path>,
    cache: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let mut config = Config::load(config_path)?;
    let fetcher = Fetcher::with_limits(config.fetch_limits())?;
    let mut sources = Vec::new();
    for typed in urls {
        let url = normalize_url(typed);
        let options = config.new_source("", &url, Format::Auto, None).options;
        match discover(&fetcher, &url, Format::Auto, &options).await {
            Ok(finding) => {
                let taken: Vec<&str> = sources
                    .iter()
                    .map(|s: &crate::config::SourceConfig| s.id.0.as_str())
                    .collect();
                let name = finding.name(&taken);
                eprintln!(
                    "liveblog: following \"{name}\": {}",
                    clean_line(finding.steps.last().map_or("", String::as_str))
                );
                sources.push(config.new_source(&name, &finding.url, Format::Auto, None));
            }
            Err(looked) => eprintln!(
                "liveblog: nothing to follow at {url}: {}",
                clean_line(&with_scheme_note(typed, looked))
            ),
        }
    }
    if sources.is_empty() {
        return Err(Failure::Work(
            "none of the pages has anything to follow".to_string(),
        ));
    }
    config.sources = sources;
    let cache = config.cache_path(cache);
    crate::reader::run(&config, &cache, None).await?;
    Ok(ExitCode::SUCCESS)
}
