//! Keystrokes to [`Action`]s. Unknown keys do nothing; nothing here can fail.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Action, App, View};

/// The action for a key press in the app's current mode, if any.
pub fn action_for_key(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    if app.filter.editing {
        return match key.code {
            KeyCode::Enter => Some(Action::FilterAccept),
            KeyCode::Esc => Some(Action::FilterCancel),
            KeyCode::Backspace if ctrl => Some(Action::FilterDeleteWord),
            KeyCode::Char('w') if ctrl => Some(Action::FilterDeleteWord),
            KeyCode::Char('u') if ctrl => Some(Action::FilterCancel),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Char(c) if !ctrl && !c.is_control() => Some(Action::FilterChar(c)),
            KeyCode::Up => Some(Action::Up),
            KeyCode::Down => Some(Action::Down),
            _ => None,
        };
    }
    if app.view == View::Help {
        return Some(Action::ToggleHelp);
    }
    let action = match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::PageDown | KeyCode::Char(' ') if app.view != View::Sources => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => Action::Open,
        KeyCode::Esc | KeyCode::Char('h') | KeyCode::Left | KeyCode::Backspace => Action::Back,
        KeyCode::Char('/') => Action::StartFilter,
        KeyCode::Char('s') => Action::ToggleSourcesPanel,
        KeyCode::Char(' ') => Action::ToggleSource,
        KeyCode::Char('f') => Action::ToggleFollow,
        KeyCode::Char('r') => Action::Refresh,
        KeyCode::Char('y') => Action::CopyLink,
        KeyCode::Char('o') => Action::OpenLink,
        KeyCode::Char('?') => Action::ToggleHelp,
        _ => return None,
    };
    Some(action)
}
