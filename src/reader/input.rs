//! Key presses to [`Action`]s: the app's mode first (typing a filter, the help), then
//! the key map's [`Command`]s. Unknown keys give no action; nothing here can fail.
//! Pasted text (the terminal's bracketed paste) is text, never keys: it goes into what
//! is being typed, or nowhere.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, App, CursorMove, Prompt, View};
use crate::keymap::Command;

/// The action for a key press in the app's current mode, if any.
pub fn action_for_key(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    // Like ctrl-c, a ctrl key that suspends works in every mode (typing a filter too).
    if ctrl
        && app
            .keymap
            .commands(&key)
            .any(|command| command == Command::Suspend)
    {
        return Some(Action::Suspend);
    }
    if let Some(prompt) = &app.prompt {
        return match (prompt, key.code) {
            (Prompt::AddSource(_), KeyCode::Enter) => Some(Action::PromptAccept),
            (Prompt::AddSource(_), KeyCode::Esc) => Some(Action::PromptCancel),
            (Prompt::AddSource(_), KeyCode::Backspace) => Some(Action::PromptBackspace),
            (Prompt::AddSource(_), KeyCode::Char('u')) if ctrl => Some(Action::PromptClearLine),
            (Prompt::AddSource(_), KeyCode::Char(c)) if !ctrl && !c.is_control() => {
                Some(Action::PromptChar(c))
            }
            (Prompt::AddSource(_), _) => None,
            (Prompt::ConfirmRemove(_), KeyCode::Char('y' | 'Y')) => Some(Action::PromptAccept),
            // Anything else is a no.
            (Prompt::ConfirmRemove(_), _) => Some(Action::PromptCancel),
        };
    }
    if app.filter.editing {
        return match key.code {
            KeyCode::Enter => Some(Action::FilterAccept),
            KeyCode::Esc => Some(Action::FilterCancel),
            KeyCode::Backspace if ctrl => Some(Action::FilterDeleteWord),
            KeyCode::Char('w') if ctrl => Some(Action::FilterDeleteWord),
            KeyCode::Char('u') if ctrl => Some(Action::FilterClearLine),
            KeyCode::Char('a') if ctrl => Some(Action::FilterCursor(CursorMove::Start)),
            KeyCode::Char('e') if ctrl => Some(Action::FilterCursor(CursorMove::End)),
            KeyCode::Left => Some(Action::FilterCursor(CursorMove::Left)),
            KeyCode::Right => Some(Action::FilterCursor(CursorMove::Right)),
            KeyCode::Home => Some(Action::FilterCursor(CursorMove::Start)),
            KeyCode::End => Some(Action::FilterCursor(CursorMove::End)),
            KeyCode::Delete => Some(Action::FilterDelete),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Char(c) if !ctrl && !c.is_control() => Some(Action::FilterChar(c)),
            KeyCode::Up => Some(Action::FilterHistory(-1)),
            KeyCode::Down => Some(Action::FilterHistory(1)),
            _ => None,
        };
    }
    match &app.view {
        View::Help => return Some(Action::ToggleHelp),
        View::SavedFilters { .. } => {
            if let KeyCode::Char(c @ '1'..='9') = key.code {
                return Some(Action::ApplySavedFilter(c as usize - '1' as usize));
            }
        }
        _ => {}
    }
    if let KeyCode::Char(c @ '1'..='9') = key.code
        && !ctrl
    {
        match app.view {
            View::List => return Some(Action::ApplySavedFilter(c as usize - '1' as usize)),
            // In an entry, the digits open its numbered links.
            View::Detail { .. } => {
                return Some(Action::OpenNumberedLink(c as usize - '1' as usize));
            }
            _ => {}
        }
    }
    let in_sources = app.view == View::Sources;
    // A key may serve two commands (Space pages the list and toggles a source): the view
    // decides which one it means.
    let command = app.keymap.commands(&key).find(|command| match command {
        Command::ToggleSource | Command::RemoveSource => in_sources,
        Command::PageDown if in_sources => false,
        _ => true,
    })?;
    Some(match command {
        Command::Down => Action::Down,
        Command::Up => Action::Up,
        Command::PageDown => Action::PageDown,
        Command::PageUp => Action::PageUp,
        Command::Top => Action::Top,
        Command::Bottom => Action::Bottom,
        Command::Open => Action::Open,
        Command::Back => Action::Back,
        Command::Filter => Action::StartFilter,
        Command::SavedFilters => Action::ToggleSavedFilters,
        Command::Sources => Action::ToggleSourcesPanel,
        Command::ToggleSource => Action::ToggleSource,
        Command::AddSource => Action::StartAddSource,
        Command::RemoveSource => Action::RemoveSource,
        Command::Follow => Action::ToggleFollow,
        Command::Refresh => Action::Refresh,
        Command::CopyLink => Action::CopyLink,
        Command::OpenLink => Action::OpenLink,
        Command::MarkAllRead => Action::MarkAllRead,
        Command::ToggleRead => Action::ToggleRead,
        Command::OldestUnread => Action::OldestUnread,
        Command::KeyEvents => Action::ToggleKeyEvents,
        Command::Group => Action::ToggleGrouping,
        Command::NextEntry => Action::NextEntry,
        Command::PreviousEntry => Action::PreviousEntry,
        Command::Help => Action::ToggleHelp,
        Command::Suspend => Action::Suspend,
        Command::Quit => Action::Quit,
    })
}

/// The most characters a paste types in.
pub const MAX_PASTE: usize = 2_000;

/// The action for text pasted in one piece (the terminal's bracketed paste), if any: it
/// goes into the filter or the URL being typed, as one line (line breaks and tabs
/// become spaces, other control characters are dropped, a final line break goes);
/// anywhere else it is ignored. Pasted text never runs commands: a `q` in it does not
/// quit, a line break does not apply the filter.
pub fn action_for_paste(app: &App, text: &str) -> Option<Action> {
    let line: String = text
        .replace("\r\n", "\n")
        .trim_end_matches(['\r', '\n'])
        .chars()
        // A page pasted by mistake is not a query: its start is plenty.
        .take(MAX_PASTE)
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    if line.is_empty() {
        return None;
    }
    match &app.prompt {
        Some(Prompt::AddSource(_)) => Some(Action::PromptPaste(line)),
        Some(Prompt::ConfirmRemove(_)) => None,
        None if app.filter.editing => Some(Action::FilterPaste(line)),
        None => None,
    }
}
