//! The configuration: TOML, validated into typed settings.
//!
//! Config is data: the built-in default is `assets/default-config.toml`, embedded.
//! Every error names the file, the line and the key, so a user can fix it at once.

mod check;
pub use check::web_url_problem;
pub mod edit;

/// A source URL written without its scheme, and what to write instead.
pub(crate) use check::missing_scheme;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::tz::TimeZone;
use serde::Deserialize;
use toml::Spanned;

use crate::keymap::KeyMap;
use crate::model::{Format, Selectors, SourceId, Theme};
use crate::parse::ParseOptions;
use crate::query::Query;

/// How many cached entries the reader holds by default: weeks of a busy live blog,
/// in about 150 MB (`[general] window` changes it).
pub const DEFAULT_WINDOW: usize = 50_000;

/// The largest config file read: a config is a few KB of text, and reading whatever
/// `--config` names without a bound (`/dev/zero`) would grow until memory runs out.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// Reads a config file's text, refusing one over [`MAX_CONFIG_SIZE`] (the error says
/// so; the caller names the file).
pub fn read_config_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_CONFIG_SIZE + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CONFIG_SIZE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {} MB, so not a config file: point --config at the TOML config",
                MAX_CONFIG_SIZE / (1024 * 1024)
            ),
        ));
    }
    Ok(text)
}

/// The configuration used when there is no config file.
pub const DEFAULT_CONFIG: &str = include_str!("../../assets/default-config.toml");

/// A config that cannot be used, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}{}: {message}",
    line.map(|l| format!(", line {l}")).unwrap_or_default(),
    key.as_ref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
pub struct ConfigError {
    /// The config file (or `<built-in>`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The key at fault, when known.
    pub key: Option<String>,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// The largest body read from a source, after decompression.
pub const DEFAULT_MAX_BODY: usize = 20 * 1024 * 1024;

/// How many requests may run at once, overall and per host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrency {
    /// Requests in flight at once, all hosts together.
    pub total: usize,
    /// Requests in flight at once to one host (`host:port`).
    pub per_host: usize,
}

impl Default for Concurrency {
    fn default() -> Concurrency {
        Concurrency {
            total: 16,
            per_host: 2,
        }
    }
}

/// What the HTTP client takes from the config: its timeout and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// Per-request timeout.
    pub timeout: Duration,
    /// The largest response body read, after decompression.
    pub max_body: usize,
    /// Requests in flight at once, overall and per host.
    pub concurrency: Concurrency,
}

/// Settings for the whole reader.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the config was read from (`None`: built-in default).
    pub path: Option<PathBuf>,
    /// Default poll interval.
    pub interval: Duration,
    /// `[general]` retention: what a source that sets none keeps.
    pub retention: Retention,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The largest response body read, after decompression.
    pub max_body: usize,
    /// Requests in flight at once, overall and per host.
    pub concurrency: Concurrency,
    /// The zone times are shown in.
    pub timezone: TimeZone,
    /// The configured zone's name (`local` or IANA).
    pub timezone_name: String,
    /// Cache file from `[general] cache`, if set.
    pub cache: Option<PathBuf>,
    /// The sources, in config order.
    pub sources: Vec<SourceConfig>,
    /// Saved queries, `(name, query)`, in config order (keys `1`–`9` apply them).
    pub filters: Vec<(String, String)>,
    /// Alert settings.
    pub alerts: Alerts,
    /// Key bindings: the defaults with `[keys]` applied.
    pub keys: KeyMap,
    /// Mouse wheel and clicks in the TUI (`[general] mouse = false` turns them off).
    pub mouse: bool,
    /// How many of the newest cached entries the reader holds, lists and filters as
    /// you type (older ones stay in the cache, for `list`).
    pub window: usize,
    /// The colours.
    pub theme: Theme,
}

/// One configured source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceConfig {
    /// Unique display name; entries are keyed by it.
    pub id: SourceId,
    /// `http(s)://` URL, `file://` URL or local path.
    pub url: String,
    /// How to parse it.
    pub format: Format,
    /// How often to poll it.
    pub interval: Duration,
    /// Selectors (`format = "html"`) and the zone of the page's clock times.
    pub options: ParseOptions,
    /// How much of this source's history the cache keeps.
    pub retention: Retention,
}

/// How much history the cache keeps for a source; applied after each refresh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    /// Entries older than this are deleted.
    pub max_age: Option<Duration>,
    /// Only the newest this many entries are kept.
    pub max_entries: Option<usize>,
}

/// What to do when a new entry matches a query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alerts {
    /// The query; empty means no alerts.
    pub query: String,
    /// A program run with the entry as JSON on stdin; empty means none.
    pub command: String,
}

/// Unknown keys are not refused here but found by `check::unknown_keys`, all of them.
#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    general: RawGeneral,
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
    #[serde(default)]
    filters: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    alerts: RawAlerts,
    #[serde(default)]
    keys: BTreeMap<String, Spanned<KeySpec>>,
}

/// One key or several, as `[keys]` accepts them.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeySpec {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize, Default)]
struct RawGeneral {
    interval: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    max_body: Option<Spanned<String>>,
    max_per_host: Option<Spanned<i64>>,
    max_connections: Option<Spanned<i64>>,
    max_age: Option<Spanned<String>>,
    max_entries: Option<Spanned<i64>>,
    timezone: Option<Spanned<String>>,
    cache: Option<String>,
    mouse: Option<bool>,
    window: Option<Spanned<i64>>,
    theme: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct RawSource {
    name: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    #[serde(default)]
    format: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    selectors: Option<Spanned<toml::Table>>,
    max_age: Option<Spanned<String>>,
    max_entries: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
struct RawAlerts {
    query: Option<Spanned<String>>,
    #[serde(default)]
    command: String,
}

impl Config {
    /// The HTTP client's timeout and limits.
    pub fn fetch_limits(&self) -> FetchLimits {
        FetchLimits {
            timeout: self.timeout,
            max_body: self.max_body,
            concurrency: self.concurrency,
        }
    }

    /// Reads `explicit` if given, else the platform config file if it exists, else the
    /// built-in default.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => default_config_path().filter(|path| path.exists()),
        };
        match path {
            Some(path) => {
                let text = read_config_text(&path).map_err(|err| ConfigError {
                    file: path.display().to_string(),
                    line: None,
                    key: None,
                    message: format!("cannot read: {err}"),
                })?;
                let mut config = Config::parse(&text, &path.display().to_string())?;
                config.path = Some(path);
                Ok(config)
            }
            None => Config::parse(DEFAULT_CONFIG, "<built-in default config>"),
        }
    }

    /// Parses config text; `file` names it in errors. The first error in the file
    /// when there are several (`check` gives them all).
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        Config::check(text, file).map_err(|mut errors| {
            if errors.is_empty() {
                ConfigError {
                    file: file.to_string(),
                    line: None,
                    key: None,
                    message: "invalid config".to_string(),
                }
            } else {
                errors.swap_remove(0)
            }
        })
    }

    /// Parses config text and reports every error found, in file order (never an
    /// empty list): after a bad value it goes on with the default, so one run names
    /// all the mistakes. A file that is not TOML gives one error, the syntax error.
    pub fn check(text: &str, file: &str) -> Result<Config, Vec<ConfigError>> {
        let locate = |span: Option<Range<usize>>, key: Option<&str>, message: String| {
            let line = span.as_ref().map(|span| line_of(text, span.start));
            let key = key
                .map(str::to_string)
                .or_else(|| span.and_then(|span| key_at(text, span.start)));
            ConfigError {
                file: file.to_string(),
                line,
                key,
                message,
            }
        };
        let mut errors: Vec<ConfigError> = check::unknown_keys(text)
            .into_iter()
            .map(|unknown| locate(unknown.span, Some(&unknown.key), unknown.message))
            .collect();
        // serde stops at a value of the wrong type (`interval = 5`): note it, blank
        // that `key = value` out (offsets and lines stay as they are) and read again,
        // so the values after it are checked too.
        let mut current = text.to_string();
        let mut blanked: Vec<(String, usize)> = Vec::new();
        let raw: RawConfig = loop {
            let err = match toml::from_str(&current) {
                Ok(raw) => break raw,
                Err(err) => err,
            };
            let mut message = err.message().trim().to_string();
            if message.contains("untagged enum KeySpec") {
                message = "write a key, like \"q\", or a list of keys, like [\"q\", \"ctrl-c\"]"
                    .to_string();
            }
            let key = unknown_key(&message);
            let error = locate(err.span(), key.as_deref(), message);
            let error_line = error.line.unwrap_or(0);
            // A required key blanked out is missing now: it was reported already.
            let follows = blanked
                .iter()
                .any(|(key, _)| error.message == format!("missing field `{key}`"));
            if !follows {
                errors.push(error);
            }
            let next = err
                .span()
                .filter(|_| !follows && blanked.len() < 100)
                .and_then(|span| blank_value(&current, span))
                .filter(|(next, _)| toml_edit::Document::parse(next.as_str()).is_ok());
            match next {
                Some((next, key)) => {
                    current = next;
                    blanked.push((key, error_line));
                }
                None => return Err(sorted(errors)),
            }
        };
        // Keeps the value of a check that passed; records the error of one that failed.
        fn keep<T>(result: Result<T, ConfigError>, errors: &mut Vec<ConfigError>) -> Option<T> {
            result.map_err(|err| errors.push(err)).ok()
        }

        let duration = |value: &Spanned<String>, key: &str| {
            parse_duration(value.get_ref())
                .map_err(|message| locate(Some(value.span()), Some(key), message))
        };
        let general = &raw.general;
        let interval = general
            .interval
            .as_ref()
            .and_then(|value| keep(duration(value, "interval"), &mut errors))
            .unwrap_or(Duration::from_secs(60));
        let timeout = general
            .timeout
            .as_ref()
            .and_then(|value| keep(duration(value, "timeout"), &mut errors))
            .unwrap_or(Duration::from_secs(20));
        let max_body = general
            .max_body
            .as_ref()
            .and_then(|value| {
                let size = parse_size(value.get_ref())
                    .map_err(|message| locate(Some(value.span()), Some("max_body"), message));
                keep(size, &mut errors)
            })
            .unwrap_or(DEFAULT_MAX_BODY);
        let bounded = |value: &Option<Spanned<i64>>,
                       key: &str,
                       default: usize,
                       range: std::ops::RangeInclusive<usize>| match value {
            None => Ok(default),
            Some(value) => usize::try_from(*value.get_ref())
                .ok()
                .filter(|count| range.contains(count))
                .ok_or_else(|| {
                    locate(
                        Some(value.span()),
                        Some(key),
                        format!(
                            "{key} must be a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    )
                }),
        };
        let count = |value: &Option<Spanned<i64>>, key: &str, default: usize| {
            bounded(value, key, default, 1..=256)
        };
        let entries_limit = |value: &Option<Spanned<i64>>| match value {
            None => Ok(None),
            Some(value) => usize::try_from(*value.get_ref())
                .ok()
                .filter(|&n| n > 0)
                .map(Some)
                .ok_or_else(|| {
                    locate(
                        Some(value.span()),
                        Some("max_entries"),
                        "max_entries must be a whole number above 0".to_string(),
                    )
                }),
        };
        let window = keep(
            bounded(
                &general.window,
                "window",
                DEFAULT_WINDOW,
                1_000..=10_000_000,
            ),
            &mut errors,
        )
        .unwrap_or(DEFAULT_WINDOW);
        let general_retention = Retention {
            max_age: general
                .max_age
                .as_ref()
                .and_then(|value| keep(duration(value, "max_age"), &mut errors)),
            max_entries: keep(entries_limit(&general.max_entries), &mut errors).flatten(),
        };
        let defaults = Concurrency::default();
        let concurrency = Concurrency {
            total: keep(
                count(&general.max_connections, "max_connections", defaults.total),
                &mut errors,
            )
            .unwrap_or(defaults.total),
            per_host: keep(
                count(&general.max_per_host, "max_per_host", defaults.per_host),
                &mut errors,
            )
            .unwrap_or(defaults.per_host),
        };
        let mut timezone_name = general
            .timezone
            .as_ref()
            .map(|value| value.get_ref().clone())
            .unwrap_or_else(|| "local".to_string());
        let timezone = if timezone_name == "local" {
            TimeZone::system()
        } else {
            match TimeZone::get(&timezone_name) {
                Ok(zone) => zone,
                Err(_) => {
                    let span = general.timezone.as_ref().map(Spanned::span);
                    errors.push(locate(
                        span,
                        Some("timezone"),
                        format!(
                            "unknown time zone `{timezone_name}`: write \"local\" or an IANA name such as \"Europe/London\""
                        ),
                    ));
                    timezone_name = "local".to_string();
                    TimeZone::system()
                }
            }
        };
        let theme = match general.theme.as_ref() {
            None => Theme::Dark,
            Some(value) => match value.get_ref().as_str() {
                "dark" => Theme::Dark,
                "light" => Theme::Light,
                "mono" => Theme::Mono,
                other => {
                    errors.push(locate(
                        Some(value.span()),
                        Some("theme"),
                        format!("unknown theme `{other}`: use dark, light or mono"),
                    ));
                    Theme::Dark
                }
            },
        };

        let mut sources: Vec<SourceConfig> = Vec::new();
        for (index, spanned_source) in raw.source.iter().enumerate() {
            let raw_source = spanned_source.get_ref();
            // Its lines: from its header to the next source's.
            let next_start = raw
                .source
                .get(index + 1)
                .map_or(text.len(), |next| next.span().start);
            let lines = line_of(text, spanned_source.span().start)..line_of(text, next_start);
            // The value and `false`; for a missing `name` or `url`, an empty value and
            // `true`, with the error (unless its value was of the wrong type, reported
            // already).
            let take = |value: &Option<Spanned<String>>,
                        key: &str,
                        errors: &mut Vec<ConfigError>| {
                if let Some(value) = value {
                    return (value.clone(), false);
                }
                let span = spanned_source.span();
                let reported = blanked
                    .iter()
                    .any(|(blank, line)| blank == key && lines.contains(line));
                if !reported {
                    let message = format!("missing field `{key}`: a source needs {key} = \"...\"");
                    errors.push(locate(Some(span.clone()), Some(key), message));
                }
                (Spanned::new(span.start..span.start, String::new()), true)
            };
            let (raw_name, missing_name) = take(&raw_source.name, "name", &mut errors);
            let (raw_url, missing_url) = take(&raw_source.url, "url", &mut errors);
            let name = raw_name.get_ref().trim().to_string();
            if missing_name {
                // Reported above.
            } else if name.is_empty() {
                errors.push(locate(
                    Some(raw_name.span()),
                    Some("name"),
                    "a source needs a non-empty name".to_string(),
                ));
            } else if sources.iter().any(|source| source.id.0 == name) {
                errors.push(locate(
                    Some(raw_name.span()),
                    Some("name"),
                    format!("two sources are named `{name}`: names must be unique"),
                ));
            }
            let url = raw_url.get_ref().trim().to_string();
            let url_error = |message: String| locate(Some(raw_url.span()), Some("url"), message);
            if missing_url {
                // Reported above.
            } else if url.is_empty() {
                errors.push(url_error(
                    "a source needs a URL (http://, https://) or a file path".to_string(),
                ));
            } else if url.contains("://") && !is_supported_url(&url) {
                errors.push(url_error(format!(
                    "`{url}` is not an http://, https:// or file:// URL"
                )));
            } else if let Some(full) = check::missing_scheme(&url) {
                errors.push(url_error(format!(
                    "`{url}` has no scheme and is no file here: write url = \"{full}\""
                )));
            } else if let Some(problem) = web_url_problem(&url) {
                errors.push(url_error(format!("`{url}` is not a valid URL: {problem}")));
            } else if let Some(first) = sources
                .iter()
                .find(|source| check::same_url(&source.url, &url))
            {
                errors.push(url_error(format!(
                    "source `{}` already follows `{url}`: one source per address",
                    first.id.0
                )));
            }
            let format = match &raw_source.format {
                Some(value) => Format::from_name(value.get_ref()).unwrap_or_else(|| {
                    errors.push(locate(
                        Some(value.span()),
                        Some("format"),
                        format!(
                            "unknown format `{}`: use one of {}",
                            value.get_ref(),
                            format_names()
                        ),
                    ));
                    Format::Auto
                }),
                None => Format::Auto,
            };
            let selectors = raw_source.selectors.as_ref().and_then(|raw| {
                let selectors = selectors_from(raw.get_ref())
                    .map_err(|message| locate(Some(raw.span()), Some("selectors"), message));
                keep(selectors, &mut errors)
            });
            if format == Format::Html && raw_source.selectors.is_none() {
                let span = raw_source.format.as_ref().map(Spanned::span);
                errors.push(locate(
                    span,
                    Some("selectors"),
                    "format = \"html\" needs selectors = { entry = \"...\", ... }".to_string(),
                ));
            }
            if let (Some(raw), Some(selectors)) = (&raw_source.selectors, &selectors)
                && let Err(message) = check_selectors(selectors)
            {
                errors.push(locate(Some(raw.span()), Some("selectors"), message));
            }
            if let Some(raw) = &raw_source.selectors
                && !matches!(format, Format::Auto | Format::Html | Format::Jsonld)
            {
                errors.push(locate(
                    Some(raw.span()),
                    Some("selectors"),
                    format!(
                        "selectors read HTML pages: format = \"{}\" never uses them (use \
                         format = \"html\" or \"auto\", or drop the selectors)",
                        format.name()
                    ),
                ));
            }
            let source_interval = raw_source
                .interval
                .as_ref()
                .and_then(|value| keep(duration(value, "interval"), &mut errors))
                .unwrap_or(interval);
            let max_age = match &raw_source.max_age {
                Some(value) => keep(duration(value, "max_age"), &mut errors),
                None => general_retention.max_age,
            };
            let max_entries = keep(entries_limit(&raw_source.max_entries), &mut errors)
                .flatten()
                .or(general_retention.max_entries);
            sources.push(SourceConfig {
                id: SourceId(name),
                url,
                format,
                interval: source_interval,
                options: ParseOptions {
                    selectors,
                    timezone: timezone.clone(),
                    date: None,
                },
                retention: Retention {
                    max_age,
                    max_entries,
                },
            });
        }

        let mut filters = Vec::new();
        // In the file's order (a table's keys come sorted by name): the first is `1`.
        let mut saved: Vec<(&String, &Spanned<String>)> = raw.filters.iter().collect();
        saved.sort_by_key(|(_, query)| query.span().start);
        for (name, query) in saved {
            match Query::parse(query.get_ref()) {
                Ok(_) => {
                    filters.push((name.clone(), query.get_ref().clone()));
                }
                Err(err) => errors.push(locate(
                    Some(query.span()),
                    Some(name),
                    format!("bad query: {err}"),
                )),
            }
        }
        let mut alert_query = raw.alerts.query.as_ref().map(|q| q.get_ref().clone());
        if let Some(query) = raw.alerts.query.as_ref()
            && let Err(err) = Query::parse(query.get_ref())
        {
            errors.push(locate(
                Some(query.span()),
                Some("query"),
                format!("bad query: {err}"),
            ));
            alert_query = None;
        }

        let keys = keymap(&raw.keys, &locate, &mut errors);
        if !errors.is_empty() {
            return Err(sorted(errors));
        }
        Ok(Config {
            theme,
            keys,
            mouse: general.mouse.unwrap_or(true),
            window,
            path: None,
            interval,
            retention: general_retention,
            timeout,
            max_body,
            concurrency,
            timezone,
            timezone_name,
            cache: general.cache.as_deref().map(expand_home),
            sources,
            filters,
            alerts: Alerts {
                query: alert_query.unwrap_or_default(),
                command: raw.alerts.command.clone(),
            },
        })
    }

    /// A source that is not in the file (a page followed for this session, one being
    /// added): the general interval, zone and retention unless it says otherwise.
    pub fn new_source(
        &self,
        name: &str,
        url: &str,
        format: Format,
        interval: Option<Duration>,
    ) -> SourceConfig {
        SourceConfig {
            id: SourceId(name.to_string()),
            url: url.to_string(),
            format,
            interval: interval.unwrap_or(self.interval),
            options: ParseOptions {
                selectors: None,
                timezone: self.timezone.clone(),
                date: None,
            },
            retention: self.retention,
        }
    }

    /// The cache file: `override_path`, else `[general] cache`, else the platform data dir.
    pub fn cache_path(&self, override_path: Option<&Path>) -> PathBuf {
        override_path
            .map(Path::to_path_buf)
            .or_else(|| self.cache.clone())
            .or_else(|| project_dirs().map(|dirs| dirs.data_dir().join("cache.db")))
            .unwrap_or_else(|| PathBuf::from("liveblog-cache.db"))
    }
}

/// `text` with the `key = value` holding `span` (a value) turned into spaces, byte
/// for byte (newlines kept), and the key; `None` unless the span is a whole value
/// after `key =` with nothing but a comment after it.
fn blank_value(text: &str, span: Range<usize>) -> Option<(String, String)> {
    let start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = text.get(start..span.start)?.split_once('=')?;
    let key = key.trim().trim_matches('"').to_string();
    let rest = text.get(span.end..)?;
    let after = rest.split('\n').next().unwrap_or("").trim();
    if key.is_empty() || key.starts_with('[') || !(after.is_empty() || after.starts_with('#')) {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for byte in bytes.get_mut(start..span.end)? {
        if *byte != b'\n' {
            *byte = b' ';
        }
    }
    String::from_utf8(bytes).ok().map(|text| (text, key))
}

/// Errors in file order (those without a line first, as they concern the whole file).
fn sorted(mut errors: Vec<ConfigError>) -> Vec<ConfigError> {
    errors.sort_by_key(|err| err.line.unwrap_or(0));
    errors
}

/// A source's `selectors` table, its unknown keys left out (they are reported on
/// their own lines).
fn selectors_from(table: &toml::Table) -> Result<Selectors, String> {
    let mut known = table.clone();
    known.retain(|key, _| check::SELECTOR_KEYS.contains(&key));
    Selectors::deserialize(toml::Value::Table(known))
        .map_err(|err| format!("selectors: {}", err.message().trim()))
}

/// Makes an error of a span, a key and a message (the span gives the line).
type Locate<'a> = dyn Fn(Option<Range<usize>>, Option<&str>, String) -> ConfigError + 'a;

/// The default key bindings with `[keys]` applied; every binding that cannot be
/// applied is an error (and is left out, so the others are still checked).
fn keymap(
    raw: &BTreeMap<String, Spanned<KeySpec>>,
    locate: &Locate<'_>,
    errors: &mut Vec<ConfigError>,
) -> KeyMap {
    let mut overrides = BTreeMap::new();
    for (command, keys) in raw {
        let list = match keys.get_ref() {
            KeySpec::One(key) => vec![key.clone()],
            KeySpec::Many(keys) => keys.clone(),
        };
        overrides.insert(command.clone(), list);
    }
    loop {
        match KeyMap::with_overrides(&overrides) {
            Ok(keys) => return keys,
            Err((command, message)) => {
                let span = raw.get(&command).map(Spanned::span);
                errors.push(locate(span, Some(&command), message));
                if overrides.remove(&command).is_none() {
                    // Not one of ours to leave out: the defaults alone.
                    return KeyMap::default();
                }
            }
        }
    }
}

/// Every CSS selector of a `selectors` table parses (`sel@attr` reads an attribute),
/// and its `timezone` is a zone this machine knows.
fn check_selectors(selectors: &Selectors) -> Result<(), String> {
    let specs = [
        ("entry", Some(&selectors.entry)),
        ("time", selectors.time.as_ref()),
        ("title", selectors.title.as_ref()),
        ("author", selectors.author.as_ref()),
        ("body", selectors.body.as_ref()),
        ("link", selectors.link.as_ref()),
        ("start", selectors.start.as_ref()),
    ];
    for (key, spec) in specs {
        let Some(spec) = spec else { continue };
        let css = spec
            .rsplit_once('@')
            .map_or(spec.as_str(), |(css, _)| css)
            .trim();
        if spec
            .rsplit_once('@')
            .is_some_and(|(_, attribute)| attribute.trim().is_empty())
        {
            return Err(format!(
                "selectors.{key} = `{spec}` names no attribute after `@` (e.g. \"time@datetime\")"
            ));
        }
        if css.is_empty() && key != "link" && key != "time" {
            return Err(format!("selectors.{key} is empty: write a CSS selector"));
        }
        if !css.is_empty() && scraper::Selector::parse(css).is_err() {
            return Err(format!(
                "selectors.{key} = `{spec}` is not a CSS selector (e.g. \"article.post\", \"time@datetime\")"
            ));
        }
    }
    if let Some(zone) = &selectors.timezone
        && TimeZone::get(zone).is_err()
    {
        return Err(format!(
            "selectors.timezone: unknown time zone `{zone}`: use an IANA name such as \"Europe/Paris\""
        ));
    }
    Ok(())
}

/// `~/.config/liveblog/config.toml` on Linux (the platform's config dir elsewhere).
pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().join("config.toml"))
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "liveblog")
}

fn is_supported_url(url: &str) -> bool {
    ["http://", "https://", "file://"]
        .iter()
        .any(|scheme| url.to_ascii_lowercase().starts_with(scheme))
}

fn format_names() -> String {
    Format::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `~/…` under the user's home directory; anything else as it is.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(base)) => base.home_dir().join(rest),
        _ => PathBuf::from(path),
    }
}

/// Parses `30s`, `5m`, `1h`, `1d`, `1w` (and sums such as `1h30m`), as `since:` does.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    match crate::query::duration_seconds(text) {
        None => Err(format!(
            "invalid duration `{text}`: write a number and a unit, like 30s, 5m or 1h"
        )),
        Some(0) => Err(format!("duration `{text}` must be at least 1s")),
        Some(seconds) => Ok(Duration::from_secs(seconds)),
    }
}

/// Parses `20MB`, `512KB`, `1GB` or a plain byte count.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let hint =
        || format!("invalid size `{text}`: write a number and a unit, like 512KB, 20MB or 1GB");
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let number: usize = digits.parse().map_err(|_| hint())?;
    let scale: usize = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "KB" | "K" | "KIB" => 1024,
        "MB" | "M" | "MIB" => 1024 * 1024,
        "GB" | "G" | "GIB" => 1024 * 1024 * 1024,
        _ => return Err(hint()),
    };
    number
        .checked_mul(scale)
        .filter(|&size| size > 0)
        .ok_or_else(hint)
}

fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The key written on the line holding `offset` (`key = value`), if any.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

/// serde's "unknown field `x`, expected ..." names the key; pull it out.
fn unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        let config = Config::parse(DEFAULT_CONFIG, "default").expect("default config parses");
        assert!(!config.sources.is_empty());
    }

    #[test]
    fn sizes_and_counts() {
        assert_eq!(parse_size("20MB"), Ok(20 * 1024 * 1024));
        assert_eq!(parse_size("512 KB"), Ok(512 * 1024));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0MB").is_err());
        let err = Config::parse("[general]\nmax_per_host = 0\n", "c.toml").unwrap_err();
        assert_eq!(
            (err.line, err.key.as_deref()),
            (Some(2), Some("max_per_host"))
        );
        let config = Config::parse(
            "[general]\nmax_body = \"1MB\"\nmax_connections = 4\n",
            "c.toml",
        )
        .expect("valid");
        assert_eq!(
            (config.max_body, config.concurrency.total),
            (1024 * 1024, 4)
        );
    }

    #[test]
    fn saved_filters_keep_the_files_order() {
        let config = Config::parse(
            "[filters]\nstorm = 'storm'\nceasefire = '\"peace deal\"'\nalerts = 'kyiv'\n",
            "c.toml",
        )
        .expect("valid");
        let names: Vec<&str> = config
            .filters
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["storm", "ceasefire", "alerts"]);
        assert_eq!(config.filters[1].1, "\"peace deal\"");
    }

    #[test]
    fn example_config_is_valid() {
        let example = include_str!("../../config.example.toml");
        let config = Config::parse(example, "config.example.toml").expect("example parses");
        assert!(config.sources.len() >= 4);
        assert!(config.filters.iter().any(|(name, _)| name == "breaking"));
    }

    #[test]
    fn retention_defaults_and_overrides() {
        let text = "[general]\nmax_age = \"30d\"\nmax_entries = 1000\n[[source]]\nname = \"a\"\nurl = \"a.xml\"\n[[source]]\nname = \"b\"\nurl = \"b.xml\"\nmax_entries = 10\n";
        let config = Config::parse(text, "c.toml").expect("valid");
        assert_eq!(config.sources[0].retention.max_entries, Some(1000));
        assert_eq!(config.sources[1].retention.max_entries, Some(10));
        assert_eq!(
            config.sources[1].retention.max_age,
            Some(Duration::from_secs(30 * 86_400))
        );
        let err = Config::parse("[general]\nmax_entries = -1\n", "c.toml").unwrap_err();
        assert_eq!(
            (err.line, err.key.as_deref()),
            (Some(2), Some("max_entries"))
        );
    }

    #[test]
    fn keys_are_rebound_and_checked() {
        let config = Config::parse(
            "[keys]\nquit = \"x\"\ndown = [\"j\", \"ctrl-n\"]\n",
            "c.toml",
        )
        .expect("valid");
        assert_eq!(config.keys.labels(crate::keymap::Command::Quit), vec!["x"]);
        let err = Config::parse("[keys]\nexplode = \"e\"\n", "c.toml").unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (Some(2), Some("explode")));
        let err = Config::parse("[keys]\nquit = \"Hyper-q\"\n", "c.toml").unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (Some(2), Some("quit")));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(
            parse_duration("1w"),
            Ok(Duration::from_secs(604_800)),
            "as since: reads it"
        );
        assert_eq!(parse_duration(" 2h "), Ok(Duration::from_secs(7200)));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn unknown_key_is_named_with_line() {
        let err =
            Config::parse("[general]\ninterval = \"60s\"\ncolour = 3\n", "c.toml").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.key.as_deref(), Some("colour"));
        assert!(
            err.to_string().starts_with("c.toml, line 3, key `colour`"),
            "{err}"
        );
    }

    #[test]
    fn bad_value_is_named_with_line() {
        let text = "[[source]]\nname = \"a\"\nurl = \"http://x\"\ninterval = \"soon\"\n";
        let err = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (Some(4), Some("interval")));
        let text = "[[source]]\nname = \"a\"\nurl = \"http://x\"\nformat = \"pdf\"\n";
        let err = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (Some(4), Some("format")));
        let text = "[general]\ntimezone = \"Mars/Olympus\"\n";
        let err = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (Some(2), Some("timezone")));
    }

    #[test]
    fn parse_returns_the_first_of_several_errors_and_check_all_of_them() {
        let text = "[general]\ntheme = \"neon\"\ninterval = \"soon\"\nhue = 1\n[[source]]\nname = \"a\"\nurl = \"example.org/live\"\nformat = \"pdf\"\n";
        let err = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (Some(2), Some("theme")));
        let errors = Config::check(text, "c.toml").unwrap_err();
        let found: Vec<(Option<usize>, Option<&str>)> = errors
            .iter()
            .map(|err| (err.line, err.key.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (Some(2), Some("theme")),
                (Some(3), Some("interval")),
                (Some(4), Some("hue")),
                (Some(7), Some("url")),
                (Some(8), Some("format")),
            ]
        );
        assert_eq!(errors[0], err);
        assert!(
            errors[3].message.contains("\"https://example.org/live\""),
            "{}",
            errors[3]
        );
        assert!(Config::check(DEFAULT_CONFIG, "default").is_ok());
    }

    #[test]
    fn duplicate_names_rejected() {
        let text = "[[source]]\nname = \"a\"\nurl = \"http://x\"\n[[source]]\nname = \"a\"\nurl = \"http://y\"\n";
        let err = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!(err.line, Some(5));
    }

    #[test]
    fn source_interval_defaults_to_general() {
        let text = "[general]\ninterval = \"2m\"\n[[source]]\nname = \"a\"\nurl = \"http://x\"\n[[source]]\nname = \"b\"\nurl = \"b.xml\"\ninterval = \"10s\"\n";
        let config = Config::parse(text, "c.toml").expect("valid");
        assert_eq!(config.sources[0].interval, Duration::from_secs(120));
        assert_eq!(config.sources[1].interval, Duration::from_secs(10));
    }
}
