//! `liveblog man`: the man page (roff). clap gives the name, synopsis and options; the
//! rest is written here from what the program really does: every command with its
//! arguments, the keys from the live default key map, FILES, ENVIRONMENT, EXIT STATUS
//! and EXAMPLES. It names no `liveblog-dump(1)`-style pages: there are none.

use std::io::{self, Write};

use crate::config::default_config_path;
use crate::keymap::{Command, KeyMap};

/// Escapes text for roff: backslashes, and a leading `.` or `'` that would read as a
/// request.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

/// Writes the whole page to `out`.
pub fn render(out: &mut dyn Write) -> io::Result<()> {
    let command = <super::args::Cli as clap::CommandFactory>::command();
    let man = clap_mangen::Man::new(command.clone());
    let mut head = Vec::new();
    man.render_title(&mut head)?;
    man.render_name_section(&mut head)?;
    man.render_synopsis_section(&mut head)?;
    man.render_description_section(&mut head)?;
    man.render_options_section(&mut head)?;
    out.write_all(&head)?;

    writeln!(out, ".SH COMMANDS")?;
    writeln!(
        out,
        "Without a command, liveblog runs the reader (the TUI) over the configured sources."
    )?;
    writeln!(out, ".TP\n\\fBliveblog\\fR \\fIURL\\fR...")?;
    writeln!(
        out,
        "The reader following these pages now, found the way \\fBadd\\fR finds them; the config is not touched."
    )?;
    for sub in command.get_subcommands() {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        let args: Vec<String> = sub
            .get_arguments()
            .filter(|arg| !arg.is_global_set() && arg.get_id() != "help")
            .map(|arg| match arg.get_long() {
                Some(long) => format!("[\\-\\-{}]", roff(long)),
                None => format!("\\fI{}\\fR", roff(&arg.get_id().to_string().to_uppercase())),
            })
            .collect();
        let nested: Vec<&str> = sub.get_subcommands().map(|s| s.get_name()).collect();
        let tail = if nested.is_empty() {
            args.join(" ")
        } else {
            nested.join("|")
        };
        writeln!(out, ".TP\n\\fBliveblog {}\\fR {tail}", roff(name))?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", roff(&about.to_string()))?;
        }
        for nested in sub.get_subcommands() {
            if let Some(about) = nested.get_about() {
                writeln!(
                    out,
                    ".br\n\\fB{}\\fR: {}",
                    roff(nested.get_name()),
                    roff(&about.to_string())
                )?;
            }
        }
    }

    writeln!(out, ".SH KEYS")?;
    writeln!(
        out,
        "The default keys; \\fB[keys]\\fR in the config rebinds them (a command's keys replace its defaults), and \\fB?\\fR in the reader shows the keys in force."
    )?;
    let keys = KeyMap::default();
    for command in Command::ALL {
        writeln!(
            out,
            ".TP\n\\fB{}\\fR ({})\n{}",
            roff(&keys.labels(command).join(", ")),
            roff(command.name()),
            roff(command.description())
        )?;
    }
    writeln!(
        out,
        ".TP\n\\fB1\\fR\\-\\fB9\\fR\napply a saved filter from \\fB[filters]\\fR"
    )?;

    let config = default_config_path()
        .map(|path| path.display().to_string())
        .unwrap_or_else(|| "~/.config/liveblog/config.toml".to_string());
    writeln!(out, ".SH FILES")?;
    writeln!(
        out,
        ".TP\n\\fI{}\\fR\nThe config (TOML; \\fBliveblog config init\\fR writes the commented example with every key, \\fBliveblog config check\\fR validates it). Without one, a built-in list of world-news feeds is used.",
        roff(&config)
    )?;
    writeln!(
        out,
        ".TP\n\\fI~/.local/share/liveblog/cache.db\\fR\nThe cache (SQLite): entries, read state, each source's polling state. \\fB[general] cache\\fR or \\fB\\-\\-cache\\fR moves it."
    )?;
    writeln!(
        out,
        ".TP\n\\fI~/.local/state/liveblog/liveblog.log\\fR\nThe log (never written to the terminal)."
    )?;
    writeln!(
        out,
        ".PP\n\\fBliveblog config path\\fR prints where each lives on this machine."
    )?;

    writeln!(out, ".SH ENVIRONMENT")?;
    for (name, what) in [
        ("BROWSER", "the program \\fBo\\fR opens links with"),
        (
            "NO_COLOR",
            "when set and not empty, no colours (as theme = \"mono\")",
        ),
        (
            "RUST_LOG",
            "the log level or filter, unless \\-\\-log\\-level is given (default info)",
        ),
        (
            "XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME",
            "where the config, the cache and the log live (Linux)",
        ),
    ] {
        writeln!(out, ".TP\n\\fB{name}\\fR\n{what}")?;
    }

    writeln!(out, ".SH EXIT STATUS")?;
    writeln!(
        out,
        ".TP\n0\nsuccess (for \\fBadd\\fR: added, or already followed)"
    )?;
    writeln!(
        out,
        ".TP\n1\nthe work failed (network, parse; nothing to follow at a URL), with a one\\-line reason naming the source"
    )?;
    writeln!(
        out,
        ".TP\n2\nbad usage or a bad config, naming the file, line and key"
    )?;

    writeln!(out, ".SH EXAMPLES")?;
    for (example, what) in [
        (
            "liveblog https://example.org/live/storm",
            "follow one live page now, without a config",
        ),
        (
            "liveblog add https://example.org/live/storm",
            "find what to follow there and add it to the config",
        ),
        ("liveblog remove \"Storm\"", "take it out again"),
        (
            "liveblog \\-\\-demo",
            "the reader on built\\-in demo blogs, no network needed",
        ),
        (
            "liveblog dump \\-\\-explain page.html",
            "what liveblog reads in a page, and how",
        ),
        (
            "liveblog list \\-\\-filter 'ceasefire \\-opinion since:2h'",
            "search the cache",
        ),
        (
            "liveblog tail \\-\\-json | jq .title",
            "new entries as they arrive",
        ),
    ] {
        writeln!(out, ".TP\n\\fB{example}\\fR\n{what}")?;
    }
    Ok(())
}
