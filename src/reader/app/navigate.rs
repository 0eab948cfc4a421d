//! Keys whose meaning depends on the view: the list, an entry, the panels.

use super::state::{Action, App, Effect, EntryKey, View};

/// Keys whose meaning depends on the view.
pub(super) fn navigate(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    let page = app.list_height().saturating_sub(1).max(1) as isize;
    match (app.view.clone(), action) {
        (View::Help, _) => app.view = View::List,
        (View::Sources, Action::Up) => app.source_selected = app.source_selected.saturating_sub(1),
        (View::Sources, Action::Down) => {
            app.source_selected =
                (app.source_selected + 1).min(app.sources.len().saturating_sub(1));
        }
        (View::Sources, Action::Top) => app.source_selected = 0,
        (View::Sources, Action::Bottom) => {
            app.source_selected = app.sources.len().saturating_sub(1)
        }
        (View::Sources, Action::ToggleSource) => {
            if let Some(source) = app.sources.get_mut(app.source_selected) {
                source.enabled = !source.enabled;
                app.refilter();
            }
        }
        (View::Sources, Action::Open | Action::Back) => app.view = View::List,
        (View::Sources, Action::Click(row)) => {
            // The panel's first row is its title.
            let index = usize::from(row).saturating_sub(1);
            if row > 0 && index < app.sources.len() {
                app.source_selected = index;
            }
        }
        (View::SavedFilters { selected }, action) => {
            let count = app.saved_filters.len();
            match action {
                Action::Up => {
                    app.view = View::SavedFilters {
                        selected: selected.saturating_sub(1),
                    }
                }
                Action::Down => {
                    app.view = View::SavedFilters {
                        selected: (selected + 1).min(count.saturating_sub(1)),
                    };
                }
                Action::Open => effects.extend(app.apply_saved_filter(selected)),
                Action::Back => app.view = View::List,
                _ => {}
            }
        }
        (View::Detail { .. }, Action::NextEntry) => {
            let next = (app.selected + 1).min(app.visible.len().saturating_sub(1));
            app.open_at(next, effects);
        }
        (View::Detail { .. }, Action::PreviousEntry) => {
            let previous = app.selected.saturating_sub(1);
            app.open_at(previous, effects);
        }
        (View::List, Action::NextEntry) => app.move_selection(1),
        (View::List, Action::PreviousEntry) => app.move_selection(-1),
        (View::List, Action::Scroll(lines)) => app.move_selection(lines as isize),
        (View::List, Action::Click(row)) => {
            let position = app.offset + usize::from(row);
            if position < app.visible.len() && usize::from(row) < app.list_height() {
                if position == app.selected {
                    app.open_at(position, effects);
                } else {
                    app.selected = position;
                    app.clamp();
                }
            }
        }
        (View::Sources, Action::Scroll(lines)) => {
            let target = app
                .source_selected
                .saturating_add_signed(lines.signum() as isize);
            app.source_selected = target.min(app.sources.len().saturating_sub(1));
        }
        (View::Detail { key, scroll }, action) => {
            let action = match action {
                Action::Scroll(lines) if lines < 0 => Action::Up,
                Action::Scroll(_) => Action::Down,
                action => action,
            };
            let max_scroll = app.detail_lines(&key).saturating_sub(1);
            let current = scroll;
            let next = match action {
                Action::Up => Some(current.saturating_sub(1)),
                Action::Down => Some(current + 1),
                Action::PageUp => Some(current.saturating_sub(page as usize)),
                Action::PageDown => Some(current + page as usize),
                Action::Top => Some(0),
                Action::Bottom => Some(max_scroll),
                _ => None,
            };
            match (next, action) {
                (Some(next), _) => {
                    app.view = View::Detail {
                        key,
                        scroll: next.min(max_scroll),
                    }
                }
                (None, Action::Back) => app.view = View::List,
                (None, Action::CopyLink) => {
                    let keys = reports_of(app, key);
                    links_effect(app, &keys, Effect::CopyLink, effects);
                }
                (None, Action::OpenLink) => {
                    let keys = reports_of(app, key);
                    links_effect(app, &keys, Effect::OpenLink, effects);
                }
                (None, Action::OpenNumberedLink(index)) => {
                    let links = app
                        .find_row(&key)
                        .map(|row| app.body(row).links)
                        .unwrap_or_default();
                    match links.get(index) {
                        Some((_, url)) => effects.push(Effect::OpenLink(url.clone())),
                        None if links.is_empty() => {
                            app.notice = Some("this entry's text has no links".to_string())
                        }
                        None => {
                            app.notice = Some(format!(
                                "no link {} here: 1 to {} open this entry's links",
                                index + 1,
                                links.len().min(9)
                            ))
                        }
                    }
                }
                _ => {}
            }
        }
        (View::List, Action::Up) => app.move_selection(-1),
        (View::List, Action::Down) => app.move_selection(1),
        (View::List, Action::PageUp) => app.move_selection(-page),
        (View::List, Action::PageDown) => app.move_selection(page),
        (View::List, Action::Top) => {
            app.selected = 0;
            app.clamp();
        }
        (View::List, Action::Bottom) => {
            app.finish_filter();
            app.selected = app.visible.len().saturating_sub(1);
            app.fill_window();
        }
        (View::List, Action::Open) => app.open_at(app.selected, effects),
        (View::List, Action::Back) if !app.filter.input.is_empty() => {
            app.set_filter_input(String::new())
        }
        (View::List, Action::CopyLink) => {
            let keys = selected_reports(app);
            links_effect(app, &keys, Effect::CopyLink, effects);
        }
        (View::List, Action::OpenLink) => {
            let keys = selected_reports(app);
            links_effect(app, &keys, Effect::OpenLink, effects);
        }
        _ => {}
    }
}

/// The entries behind the list's selected row: the entry, or a group's reports, its
/// first report first.
fn selected_reports(app: &App) -> Vec<EntryKey> {
    match app.visible.get(app.selected) {
        Some(&index) => reports_at(app, index),
        None => Vec::new(),
    }
}

/// The entries behind the open entry `key`: it, and when it leads a group the list
/// shows, the group's other reports.
fn reports_of(app: &App, key: EntryKey) -> Vec<EntryKey> {
    match app.row_index(&key) {
        Some(index) => reports_at(app, index),
        None => vec![key],
    }
}

/// The entry at `rows[index]`, then the other reports of the group it leads, if any.
fn reports_at(app: &App, index: usize) -> Vec<EntryKey> {
    let mut keys = vec![app.row_key(index)];
    if let Some(members) = app.shown_group(index) {
        keys.extend(
            members
                .into_iter()
                .filter(|&member| member != index)
                .map(|member| app.row_key(member)),
        );
    }
    keys
}

/// Pushes `make(url)` for the first of `keys`' entries that has a link (a group's
/// first report may have none where another report has one), or says none has.
fn links_effect(
    app: &mut App,
    keys: &[EntryKey],
    make: fn(String) -> Effect,
    effects: &mut Vec<Effect>,
) {
    // The rows hold the links: no body is read back for them.
    let links: Vec<String> = keys
        .iter()
        .filter_map(|key| app.find_row(key)?.given_url().map(str::to_string))
        .collect();
    // A report's web link before another's `javascript:` one.
    match links
        .iter()
        .find(|url| crate::parse::is_web_link(url))
        .or(links.first())
        .cloned()
    {
        // Only web links go to the browser or the clipboard: a feed's `javascript:`,
        // `file:` or `ssh:` link is shown as text, never opened.
        Some(url) if crate::parse::is_web_link(&url) => effects.push(make(url)),
        Some(_) => app.notice = Some("this entry's link is not a web link: not opened".to_string()),
        None => app.notice = Some("this entry has no link".to_string()),
    }
}
