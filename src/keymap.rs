//! The key map as data: the [`Command`]s a user can ask for, the [`Key`]s bound to them
//! by default, and the config's rebindings.
//!
//! The reader translates a key press into an action through this map
//! (`reader::input`); the help overlay is generated from the live map, so it never lies
//! about a rebinding. Unknown keys do nothing; nothing here can fail on input.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A bindable command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    /// Move down one entry (scroll down in an entry).
    Down,
    /// Move up one entry.
    Up,
    /// One screen down.
    PageDown,
    /// One screen up.
    PageUp,
    /// Newest entry / top of the entry.
    Top,
    /// Oldest entry / end of the entry.
    Bottom,
    /// Open the entry.
    Open,
    /// Back / clear the filter.
    Back,
    /// Start typing a filter.
    Filter,
    /// Pick a saved filter.
    SavedFilters,
    /// The sources panel.
    Sources,
    /// Show/hide a source (sources panel).
    ToggleSource,
    /// Follow a new page: type its URL.
    AddSource,
    /// Take the selected source out of the config (sources panel; asks first).
    RemoveSource,
    /// Follow newest on/off.
    Follow,
    /// Poll now.
    Refresh,
    /// Copy the link (OSC 52).
    CopyLink,
    /// Open the link in `$BROWSER`.
    OpenLink,
    /// Mark every shown entry read.
    MarkAllRead,
    /// Mark the selected (or open) entry unread, or read again.
    ToggleRead,
    /// Jump to the oldest unread entry.
    OldestUnread,
    /// Show only key events, pinned and summary entries.
    KeyEvents,
    /// Show each group of reports of one event once, or every report.
    Group,
    /// The next (older) entry, from the detail view.
    NextEntry,
    /// The previous (newer) entry, from the detail view.
    PreviousEntry,
    /// This help.
    Help,
    /// Suspend to the shell (`fg` resumes).
    Suspend,
    /// Quit.
    Quit,
}

impl Command {
    /// Every command, in the order the help lists them.
    pub const ALL: [Command; 28] = [
        Command::Down,
        Command::Up,
        Command::PageDown,
        Command::PageUp,
        Command::Top,
        Command::Bottom,
        Command::Open,
        Command::Back,
        Command::NextEntry,
        Command::PreviousEntry,
        Command::Filter,
        Command::SavedFilters,
        Command::Sources,
        Command::ToggleSource,
        Command::AddSource,
        Command::RemoveSource,
        Command::Follow,
        Command::Refresh,
        Command::OldestUnread,
        Command::KeyEvents,
        Command::Group,
        Command::MarkAllRead,
        Command::ToggleRead,
        Command::CopyLink,
        Command::OpenLink,
        Command::Help,
        Command::Suspend,
        Command::Quit,
    ];

    /// The name used in the config's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Command::Down => "down",
            Command::Up => "up",
            Command::PageDown => "page_down",
            Command::PageUp => "page_up",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Open => "open",
            Command::Back => "back",
            Command::Filter => "filter",
            Command::SavedFilters => "saved_filters",
            Command::Sources => "sources",
            Command::ToggleSource => "toggle_source",
            Command::AddSource => "add_source",
            Command::RemoveSource => "remove_source",
            Command::Follow => "follow",
            Command::Refresh => "refresh",
            Command::CopyLink => "copy_link",
            Command::OpenLink => "open_link",
            Command::MarkAllRead => "mark_all_read",
            Command::ToggleRead => "toggle_read",
            Command::OldestUnread => "oldest_unread",
            Command::KeyEvents => "key_events",
            Command::Group => "group",
            Command::NextEntry => "next_entry",
            Command::PreviousEntry => "previous_entry",
            Command::Help => "help",
            Command::Suspend => "suspend",
            Command::Quit => "quit",
        }
    }

    /// What it does, for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Command::Down => "down",
            Command::Up => "up",
            Command::PageDown => "page down",
            Command::PageUp => "page up",
            Command::Top => "newest / top",
            Command::Bottom => "oldest / end",
            Command::Open => "open entry",
            Command::Back => "back / clear filter",
            Command::Filter => "filter as you type",
            Command::SavedFilters => "saved filters, 1-9",
            Command::Sources => "sources panel",
            Command::ToggleSource => "show/hide a source",
            Command::AddSource => "follow a page (its URL)",
            Command::RemoveSource => "remove a source (panel)",
            Command::Follow => "follow newest on/off",
            Command::Refresh => "refresh now",
            Command::CopyLink => "copy link (OSC 52)",
            Command::OpenLink => "open link in $BROWSER",
            Command::MarkAllRead => "mark shown entries read",
            Command::ToggleRead => "entry unread / read",
            Command::OldestUnread => "oldest unread",
            Command::KeyEvents => "key events only",
            Command::Group => "group reports on/off",
            Command::NextEntry => "next entry",
            Command::PreviousEntry => "previous entry",
            Command::Help => "this help",
            Command::Suspend => "suspend (fg resumes)",
            Command::Quit => "quit",
        }
    }

    /// The command named `name` in the config.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL
            .into_iter()
            .find(|command| command.name() == name)
    }

    fn default_keys(self) -> &'static [&'static str] {
        match self {
            Command::Down => &["j", "Down"],
            Command::Up => &["k", "Up"],
            Command::PageDown => &["PageDown", "ctrl-d", "Space"],
            Command::PageUp => &["PageUp", "ctrl-u"],
            Command::Top => &["g", "Home"],
            Command::Bottom => &["G", "End"],
            Command::Open => &["Enter", "l", "Right"],
            Command::Back => &["Esc", "h", "Left", "Backspace"],
            Command::Filter => &["/"],
            Command::SavedFilters => &["F"],
            Command::Sources => &["s"],
            Command::ToggleSource => &["Space"],
            Command::AddSource => &["a"],
            Command::RemoveSource => &["d", "Delete"],
            Command::Follow => &["f"],
            Command::Refresh => &["r"],
            Command::CopyLink => &["y"],
            Command::OpenLink => &["o"],
            Command::MarkAllRead => &["m"],
            Command::ToggleRead => &["U"],
            Command::OldestUnread => &["u"],
            Command::KeyEvents => &["K"],
            Command::Group => &["="],
            Command::NextEntry => &["n", "J"],
            Command::PreviousEntry => &["p", "N"],
            Command::Help => &["?"],
            Command::Suspend => &["ctrl-z"],
            Command::Quit => &["q"],
        }
    }
}

/// A key with its modifiers, as written in the config (`q`, `ctrl-d`, `PageDown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl Key {
    /// Parses `q`, `Q`, `ctrl-d`, `alt-x`, `Enter`, `Esc`, `Space`, `Tab`, `Backspace`,
    /// `Up`/`Down`/`Left`/`Right`, `PageUp`/`PageDown`, `Home`/`End`, `F1`…`F12`.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(tail) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                ctrl = true;
                rest = &rest[rest.len() - tail.len()..];
            } else if let Some(tail) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                alt = true;
                rest = &rest[rest.len() - tail.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "tab" => KeyCode::Tab,
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "delete" | "del" => KeyCode::Delete,
                other => match other.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    Some(n @ 1..=12) => KeyCode::F(n),
                    _ => {
                        return Err(format!(
                            "unknown key `{text}`: write a character, ctrl-x, Enter, Esc, Space, Up, PageDown, F1…"
                        ));
                    }
                },
            },
        };
        Ok(Key { code, ctrl, alt })
    }

    fn from_event(event: &KeyEvent) -> Key {
        let code = match event.code {
            // Shifted letters arrive as their capital; the SHIFT flag adds nothing.
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            code => code,
        };
        Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// How the help shows it.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::Backspace => "Bksp".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            _ => "?".to_string(),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("C-{base}"),
            (false, true) => format!("M-{base}"),
            _ => base,
        }
    }
}

/// Keys to commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: Vec<(Key, Command)>,
}

impl Default for KeyMap {
    fn default() -> KeyMap {
        let mut bindings = Vec::new();
        for command in Command::ALL {
            for key in command.default_keys() {
                if let Ok(key) = Key::parse(key) {
                    bindings.push((key, command));
                }
            }
        }
        KeyMap { bindings }
    }
}

impl KeyMap {
    /// The default map with `overrides` (command name → keys) replacing the default keys
    /// of each named command. A key taken from another command is taken away from it.
    pub fn with_overrides(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<KeyMap, (String, String)> {
        let mut map = KeyMap::default();
        for (name, keys) in overrides {
            let command = Command::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                (
                    name.clone(),
                    format!("unknown command `{name}`: use one of {}", names.join(", ")),
                )
            })?;
            let parsed: Vec<Key> = keys
                .iter()
                .map(|key| Key::parse(key).map_err(|message| (name.clone(), message)))
                .collect::<Result<_, _>>()?;
            map.bindings
                .retain(|(key, bound)| *bound != command && !parsed.contains(key));
            map.bindings
                .extend(parsed.into_iter().map(|key| (key, command)));
        }
        Ok(map)
    }

    /// The commands bound to this key press (several: their meaning depends on the view).
    pub fn commands(&self, event: &KeyEvent) -> impl Iterator<Item = Command> + '_ {
        let key = Key::from_event(event);
        self.bindings
            .iter()
            .filter(move |(bound, _)| *bound == key)
            .map(|(_, command)| *command)
    }

    /// The keys bound to `command`, as the help shows them.
    pub fn labels(&self, command: Command) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|(_, bound)| *bound == command)
            .map(|(key, _)| key.label())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn parses_key_names() {
        assert_eq!(
            Key::parse("q"),
            Ok(Key {
                code: KeyCode::Char('q'),
                ctrl: false,
                alt: false
            })
        );
        assert_eq!(
            Key::parse("ctrl-D"),
            Ok(Key {
                code: KeyCode::Char('d'),
                ctrl: true,
                alt: false
            })
        );
        assert_eq!(
            Key::parse("PageDown").map(|k| k.code),
            Ok(KeyCode::PageDown)
        );
        assert_eq!(Key::parse("F5").map(|k| k.code), Ok(KeyCode::F(5)));
        assert!(Key::parse("Hyper").is_err());
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn overrides_replace_and_steal() {
        let mut overrides = BTreeMap::new();
        overrides.insert("quit".to_string(), vec!["x".to_string()]);
        overrides.insert("down".to_string(), vec!["q".to_string()]);
        let map = KeyMap::with_overrides(&overrides).expect("valid");
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.commands(&q).collect::<Vec<_>>(), vec![Command::Down]);
        assert_eq!(map.labels(Command::Quit), vec!["x"]);
        let mut bad = BTreeMap::new();
        bad.insert("explode".to_string(), vec!["e".to_string()]);
        assert!(KeyMap::with_overrides(&bad).is_err());
    }

    #[test]
    fn shifted_letters_and_ctrl() {
        let map = KeyMap::default();
        let capital_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(map.commands(&capital_g).next(), Some(Command::Bottom));
        let ctrl_d = press(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(map.commands(&ctrl_d).next(), Some(Command::PageDown));
    }
}
