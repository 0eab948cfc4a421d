//! Changing the user's config file in place: a `[[source]]` added or taken out, every
//! comment, blank line and key order elsewhere left exactly as the user wrote it
//! (`toml_edit` keeps the text it does not touch byte for byte).
//!
//! [`add_source`] and [`remove_source`] are pure functions of the file's text;
//! [`write_checked`] checks a result with [`Config::parse`] before it replaces the
//! file in one step, so a broken config is never written.

use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::{Config, ConfigError};

/// The example config, with a comment for every key: what `config init` writes, and
/// what `add` starts from when there is no config yet.
pub const EXAMPLE_CONFIG: &str = include_str!("../../config.example.toml");

/// A source to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSource {
    /// Its unique name.
    pub name: String,
    /// Its URL.
    pub url: String,
    /// `format`, when it is not `auto`.
    pub format: Option<String>,
    /// `interval`, when it is not the general one.
    pub interval: Option<String>,
    /// A comment line above the table (`categories: world, news`).
    pub comment: Option<String>,
}

/// Why the config could not be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The file is not TOML at all (the caller names the file).
    #[error("not valid TOML: {0}")]
    Invalid(String),
    /// `source` is there but is not a list of `[[source]]` tables.
    #[error("`source` is not a list of [[source]] tables")]
    NotSources,
    /// No source has this name or URL.
    #[error("no source is named or has the URL `{0}`")]
    NoSuch(String),
}

/// Why the config file could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// What would be written is not a valid config (or the file is not).
    #[error("config {0}")]
    Config(#[from] ConfigError),
    /// Reading or writing the file failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The edit itself is impossible (no such source, not a list of sources).
    #[error("{path}: {error}")]
    Edit {
        /// The file.
        path: String,
        /// Why.
        error: EditError,
    },
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> FileError + '_ {
    move |err| FileError::Io {
        path: path.display().to_string(),
        message: err.to_string(),
    }
}

/// Checks `text` as a config, then replaces `path` with it in one step (a temporary
/// file renamed over it), creating the directory if needed.
pub fn write_checked(path: &Path, text: &str) -> Result<(), FileError> {
    Config::parse(text, &path.display().to_string())?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    let temporary = path.with_extension("toml.new");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|err| {
            let _ = std::fs::remove_file(&temporary);
            io_error(path)(err)
        })
}

/// The text of the config at `path` and the config it holds; the commented example
/// when there is no file yet (`exists` false).
pub fn read_or_example(path: &Path) -> Result<(String, Config, bool), FileError> {
    if path.exists() {
        let text = super::read_config_text(path).map_err(io_error(path))?;
        let config = Config::parse(&text, &path.display().to_string())?;
        Ok((text, config, true))
    } else {
        let text = example_without_sources();
        let config = Config::parse(&text, "<example>")?;
        Ok((text, config, false))
    }
}

/// The commented example with its sample sources commented out too: a config that
/// `add` creates follows what was added, not five feeds nobody asked for.
pub fn example_without_sources() -> String {
    let mut out = String::with_capacity(EXAMPLE_CONFIG.len() + 256);
    let mut in_source = false;
    for line in EXAMPLE_CONFIG.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_source = trimmed == "[[source]]";
        } else if trimmed.is_empty() {
            in_source = false;
        }
        if in_source {
            out.push_str("# ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Adds `source` to the config at `path` (created from the example if needed).
pub fn add_to_file(path: &Path, source: &NewSource) -> Result<(), FileError> {
    let (text, _, _) = read_or_example(path)?;
    let changed = add_source(&text, source).map_err(|error| FileError::Edit {
        path: path.display().to_string(),
        error,
    })?;
    write_checked(path, &changed)
}

/// Takes the source named `name_or_url` (or with that URL) out of the config at
/// `path`; returns its name.
pub fn remove_from_file(path: &Path, name_or_url: &str) -> Result<String, FileError> {
    let text = super::read_config_text(path).map_err(io_error(path))?;
    Config::parse(&text, &path.display().to_string())?;
    let (changed, name) = remove_source(&text, name_or_url).map_err(|error| FileError::Edit {
        path: path.display().to_string(),
        error,
    })?;
    write_checked(path, &changed)?;
    Ok(name)
}

fn document(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>()
        .map_err(|err| EditError::Invalid(err.to_string().lines().next().unwrap_or("").to_string()))
}

/// `text` with `source` added as the last `[[source]]` (after the others, where a
/// person would put it).
pub fn add_source(text: &str, source: &NewSource) -> Result<String, EditError> {
    let mut doc = document(text)?;
    let mut table = Table::new();
    table.insert("name", value(source.name.as_str()));
    table.insert("url", value(source.url.as_str()));
    if let Some(format) = &source.format {
        table.insert("format", value(format.as_str()));
    }
    if let Some(interval) = &source.interval {
        table.insert("interval", value(interval.as_str()));
    }
    if let Some(comment) = &source.comment {
        let line = comment.replace(['\n', '\r'], " ");
        table.decor_mut().set_prefix(format!("\n# {line}\n"));
    }
    match doc.get_mut("source") {
        None => {
            let mut sources = ArrayOfTables::new();
            sources.push(table);
            doc.insert("source", Item::ArrayOfTables(sources));
        }
        Some(item) => item
            .as_array_of_tables_mut()
            .ok_or(EditError::NotSources)?
            .push(table),
    }
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// `text` without the source named `name_or_url` (or with that URL); also returns the
/// removed source's name.
pub fn remove_source(text: &str, name_or_url: &str) -> Result<(String, String), EditError> {
    let mut doc = document(text)?;
    let sources = doc
        .get_mut("source")
        .ok_or_else(|| EditError::NoSuch(name_or_url.to_string()))?
        .as_array_of_tables_mut()
        .ok_or(EditError::NotSources)?;
    let field = |table: &Table, key: &str| {
        table
            .get(key)
            .and_then(Item::as_str)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let wanted = name_or_url.trim();
    let index = sources
        .iter()
        .position(|table| field(table, "name") == wanted)
        .or_else(|| {
            sources
                .iter()
                .position(|table| same_url(&field(table, "url"), wanted))
        })
        .ok_or_else(|| EditError::NoSuch(name_or_url.to_string()))?;
    let name = sources
        .get(index)
        .map(|table| field(table, "name"))
        .unwrap_or_default();
    sources.remove(index);
    if sources.is_empty() {
        doc.remove("source");
    }
    Ok((doc.to_string(), name))
}

pub use super::check::same_url;

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "# my feeds, kept by hand\n\
        [general]\n\
        interval = \"2m\"   # not too often\n\
        \n\
        # the war\n\
        [[source]]\n\
        name = \"Kyiv live\"\n\
        url = \"https://example.org/live/kyiv\"\n\
        \n\
        # sport\n\
        [[source]]\n\
        name   =   \"Match\"\n\
        url = \"https://example.org/match\"\n\
        \n\
        [filters]\n\
        breaking = 'ceasefire'   # saved\n";

    fn new(name: &str, url: &str) -> NewSource {
        NewSource {
            name: name.to_string(),
            url: url.to_string(),
            format: None,
            interval: None,
            comment: None,
        }
    }

    #[test]
    fn add_keeps_everything_else_byte_for_byte() {
        let out = add_source(USER, &new("Storm", "https://example.org/storm")).expect("adds");
        // A blank line, then the table.
        let added = "\n[[source]]\nname = \"Storm\"\nurl = \"https://example.org/storm\"\n";
        assert!(out.contains(added), "{out}");
        // Everything the user wrote is still there, in order, untouched.
        assert_eq!(out.replacen(added, "", 1), USER, "{out}");
        // After the other sources, before [filters].
        assert!(out.find("Storm").unwrap_or(0) < out.find("[filters]").unwrap_or(0));
        assert!(out.find("Match").unwrap_or(usize::MAX) < out.find("Storm").unwrap_or(0));
        crate::config::Config::parse(&out, "t.toml").expect("still a valid config");
    }

    #[test]
    fn add_to_a_config_without_sources_and_with_format_and_interval() {
        let text = "# nothing yet\n[general]\ninterval = \"1m\"\n";
        let source = NewSource {
            format: Some("rss".to_string()),
            interval: Some("30s".to_string()),
            ..new("Feed", "https://example.org/rss")
        };
        let out = add_source(text, &source).expect("adds");
        assert!(out.starts_with(text), "{out}");
        let config = crate::config::Config::parse(&out, "t.toml").expect("valid");
        assert_eq!(config.sources.len(), 1);
        assert_eq!(
            config.sources[0].interval,
            std::time::Duration::from_secs(30)
        );
        assert_eq!(config.sources[0].format, crate::model::Format::Rss);
    }

    #[test]
    fn remove_by_name_or_url_keeps_the_rest() {
        let (out, name) = remove_source(USER, "Match").expect("removes");
        assert_eq!(name, "Match");
        assert!(!out.contains("example.org/match"), "{out}");
        assert!(out.contains("# my feeds, kept by hand\n"));
        assert!(out.contains("interval = \"2m\"   # not too often\n"));
        assert!(out.contains("breaking = 'ceasefire'   # saved\n"));
        assert!(out.contains("# the war\n[[source]]\nname = \"Kyiv live\""));
        let (out, name) = remove_source(USER, "https://example.org/live/kyiv/").expect("by url");
        assert_eq!(name, "Kyiv live");
        assert!(out.contains("name   =   \"Match\""), "{out}");
        assert_eq!(
            remove_source(USER, "Nope"),
            Err(EditError::NoSuch("Nope".to_string()))
        );
    }

    #[test]
    fn add_then_remove_gives_back_the_file() {
        let added = add_source(USER, &new("Storm", "https://example.org/storm")).expect("adds");
        let (back, _) = remove_source(&added, "Storm").expect("removes");
        assert_eq!(back, USER);
    }

    #[test]
    fn a_comment_goes_above_the_table() {
        let source = NewSource {
            comment: Some("categories: world,\nnews".to_string()),
            ..new("Wire", "https://example.org/wire")
        };
        let out = add_source(USER, &source).expect("adds");
        assert!(
            out.contains("\n# categories: world, news\n[[source]]\nname = \"Wire\""),
            "{out}"
        );
        crate::config::Config::parse(&out, "t.toml").expect("valid");
    }

    #[test]
    fn the_example_config_takes_a_source() {
        let out =
            add_source(EXAMPLE_CONFIG, &new("X live", "https://example.org/x")).expect("adds");
        crate::config::Config::parse(&out, "example").expect("valid");
    }

    #[test]
    fn broken_files_are_refused() {
        assert!(matches!(
            add_source("[general\n", &new("a", "b")),
            Err(EditError::Invalid(_))
        ));
        assert_eq!(
            add_source("source = 3\n", &new("a", "b")),
            Err(EditError::NotSources)
        );
    }
}
