//! `update(&mut App, Action)`: one action applied to the state, and the effects the
//! edge must carry out.

use std::time::Instant;

use super::navigate::navigate;
use super::state::{Action, App, Effect, EntryKey, View};

/// Applies one action; returns what the edge must do.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    if !matches!(
        action,
        Action::Tick(_)
            | Action::Ingested(_)
            | Action::Polled { .. }
            | Action::StoredElsewhere(_)
            | Action::Notice(_)
            | Action::Backfill(_)
            | Action::FilterStep
            | Action::GroupStep
            | Action::ReadyStep
            | Action::CacheMatches { .. }
            | Action::SourceAdded { .. }
    ) {
        app.notice = None;
    }
    match action {
        Action::Resize { width, height } => {
            app.size = (width, height);
            app.fill_window();
        }
        Action::Tick(now) => {
            app.now = now;
            app.refresh_tick(now);
            // Only `since:` changes with the clock; any other filter stays as it is
            // (and a pass that is running goes on).
            if app.filter.query.depends_on_time() {
                app.refilter();
            }
        }
        Action::Ingested(ingested) => {
            let (source, failed) = (ingested.source.clone(), ingested.state.last_error.is_some());
            let new = ingested.applied.new.len();
            effects.extend(app.merge(*ingested, None));
            app.group_new_rows();
            app.refresh_heard(&source, new, failed);
        }
        Action::Polled { ingested, mut rows } => {
            let (source, failed) = (ingested.source.clone(), ingested.state.last_error.is_some());
            let new = rows.new.len() + rows.older;
            // Given back once the rows are in (see `PolledRows::large_slot`).
            let large_slot = rows.large_slot.take();
            effects.extend(app.merge(*ingested, Some(rows)));
            drop(large_slot);
            app.group_new_rows();
            app.refresh_heard(&source, new, failed);
        }
        Action::StoredElsewhere(elsewhere) => {
            effects.extend(app.merge_elsewhere(*elsewhere));
            app.group_new_rows();
            app.refresh_heard_elsewhere();
        }
        Action::Backfill(rows) => {
            app.backfill(rows);
            app.hold_window();
            app.group_new_rows();
        }
        Action::FilterStep => {
            let deadline = Some(Instant::now() + app.filter_budget.step);
            // The list's pass first; the one for a phrase being typed behind it.
            if app.filtering() {
                app.advance(deadline, None);
            } else {
                app.advance_open_phrase(deadline);
            }
        }
        Action::GroupStep => app.group_new_rows(),
        Action::ReadyStep => app.advance_ready(Some(Instant::now() + app.filter_budget.step)),
        Action::Notice(text) => app.notice = Some(text),
        Action::Quit => {
            app.quit = true;
            effects.push(Effect::Quit);
        }
        Action::Suspend => effects.push(Effect::Suspend),
        Action::StartFilter => {
            app.view = View::List;
            app.filter.editing = true;
            app.filter.cursor = app.filter.input.len();
        }
        Action::FilterChar(c) => app.edit_filter(|input, cursor| {
            input.insert(*cursor, c);
            *cursor += c.len_utf8();
        }),
        Action::FilterPaste(text) => app.edit_filter(|input, cursor| {
            input.insert_str(*cursor, &text);
            *cursor += text.len();
        }),
        Action::FilterClearLine => app.edit_filter(|input, cursor| {
            input.replace_range(..*cursor, "");
            *cursor = 0;
        }),
        Action::FilterBackspace => app.edit_filter(|input, cursor| {
            if let Some((at, _)) = input[..*cursor].char_indices().next_back() {
                input.replace_range(at..*cursor, "");
                *cursor = at;
            }
        }),
        Action::FilterDelete => app.edit_filter(|input, cursor| {
            if let Some(c) = input[*cursor..].chars().next() {
                input.replace_range(*cursor..*cursor + c.len_utf8(), "");
            }
        }),
        Action::FilterDeleteWord => app.edit_filter(|input, cursor| {
            let before = input[..*cursor].trim_end();
            // After the last space before the word (a space may be several bytes).
            let cut = before
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(at, c)| at + c.len_utf8());
            input.replace_range(cut..*cursor, "");
            *cursor = cut;
        }),
        Action::FilterCursor(movement) => app.move_filter_cursor(movement),
        Action::FilterAccept => {
            app.filter.editing = false;
            app.remember_filter();
            effects.extend(app.search_older());
        }
        Action::CacheMatches { query, rows, more } => {
            if app.searching_cache.as_deref() == Some(query.as_str()) {
                app.searching_cache = None;
            }
            // A search for a filter since changed is dropped.
            if query == app.filter.input {
                let found = rows.len();
                let before = app.rows.len();
                app.backfill(rows);
                app.cache_rows += app.rows.len() - before;
                app.group_new_rows();
                app.notice = Some(match (found, more) {
                    (0, _) => "no older matches in the cache".to_string(),
                    (_, false) => format!("+{found} older matches from the cache"),
                    // The next search starts below these: `/` Enter pages on back.
                    (_, true) => format!("+{found} older matches from the cache; / Enter for more"),
                });
            }
        }
        Action::FilterHistory(direction) => app.recall_filter(direction),
        Action::ToggleSavedFilters if app.saved_filters.is_empty() => {
            app.notice = Some(
                "no saved filters: add name = 'query' under [filters] in the config".to_string(),
            );
        }
        Action::ToggleSavedFilters => {
            app.view = match app.view {
                View::SavedFilters { .. } => View::List,
                _ => View::SavedFilters { selected: 0 },
            };
        }
        Action::ApplySavedFilter(index) => effects.extend(app.apply_saved_filter(index)),
        Action::MarkAllRead => effects.extend(mark_all_read(app)),
        Action::ToggleRead => effects.extend(app.toggle_read()),
        Action::ToggleGrouping => app.toggle_grouping(),
        Action::OldestUnread => {
            app.finish_filter();
            match app
                .visible
                .iter()
                .rposition(|&index| app.shows_unread(index))
            {
                Some(position) => {
                    app.view = View::List;
                    app.selected = position;
                    app.clamp();
                }
                None => app.notice = Some("no unread entries".to_string()),
            }
        }
        Action::ToggleKeyEvents => {
            app.key_events_only = !app.key_events_only;
            app.refilter();
            app.notice = Some(
                if app.key_events_only {
                    "key events, pinned and summaries only"
                } else {
                    "all entries"
                }
                .to_string(),
            );
        }
        Action::FilterCancel => {
            app.filter.editing = false;
            app.set_filter_input(String::new());
        }
        Action::ToggleHelp => {
            app.view = if app.view == View::Help {
                View::List
            } else {
                View::Help
            };
        }
        Action::ToggleSourcesPanel => {
            app.view = if app.view == View::Sources {
                View::List
            } else {
                View::Sources
            };
        }
        Action::ToggleFollow => {
            app.follow = !app.follow;
            if app.follow {
                app.selected = 0;
                app.clamp();
            }
            // On, the status line says "following"; off, this says so.
            app.notice = (!app.follow).then(|| "follow off".to_string());
        }
        Action::Refresh => {
            let target = match app.view {
                View::Sources => app
                    .sources
                    .get(app.source_selected)
                    .map(|source| source.id.clone()),
                _ => None,
            };
            let notice = match &target {
                Some(source) => format!("refreshing {source}…"),
                None => "refreshing all sources…".to_string(),
            };
            app.start_refresh(target.as_ref(), notice);
            effects.push(Effect::Refresh(target));
        }
        Action::StartAddSource => app.start_add_source(),
        Action::PromptChar(c) => app.prompt_char(c),
        Action::PromptBackspace => app.prompt_backspace(),
        Action::PromptClearLine => app.prompt_clear(),
        Action::PromptPaste(text) => text.chars().for_each(|c| app.prompt_char(c)),
        Action::PromptAccept => effects.extend(app.prompt_accept()),
        Action::PromptCancel => app.prompt = None,
        Action::SourceAdded { source, notice } => {
            app.source_added(source.id.clone(), notice);
            effects.push(Effect::PollSource(source));
        }
        Action::RemoveSource if app.view == View::Sources => app.ask_remove_source(),
        action => navigate(app, action, &mut effects),
    }
    // Here, with every held row in `rows`: bodies let go of may be rewritten away.
    app.compact_bodies();
    app.wrap_detail();
    effects
}

/// Marks every entry the list shows read, in one pass over the rows shown (a lookup by
/// key per entry would scan the window once per entry); the cache records them all in
/// one message to its worker, one transaction.
fn mark_all_read(app: &mut App) -> Option<Effect> {
    app.finish_filter();
    let mut keys: Vec<EntryKey> = Vec::new();
    // Every report of a group shown once is marked too.
    for index in app.shown_rows() {
        let row = &mut app.rows[index];
        if !row.read {
            row.read = true;
            keys.push(row.key());
        }
    }
    if !keys.is_empty() {
        app.recount_sources();
    }
    app.notice = Some(format!("marked {} read", keys.len()));
    (!keys.is_empty()).then_some(Effect::MarkAllRead(keys))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::app::state::work::rows_looked_at;
    use crate::reader::app::testing::{app_with, numbered_range};

    #[test]
    fn marking_all_read_looks_at_each_entry_once_not_once_per_entry() {
        let entries = 5_000;
        let mut entries_of_both = numbered_range("a", 0..entries / 2);
        entries_of_both.extend(numbered_range("b", entries / 2..entries));
        // One is read already: it is not written again.
        entries_of_both[0].read = true;
        let mut app = app_with(entries_of_both);
        let before = rows_looked_at();
        let effects = update(&mut app, Action::MarkAllRead);
        // A lookup per entry scans the rows: n²/2 = 12.5 million rows, not a few n.
        let looked_at = rows_looked_at() - before;
        assert!(looked_at <= 2 * entries, "{looked_at} rows looked at");
        assert!(app.rows.iter().all(|row| row.read));
        assert!(app.sources.iter().all(|source| source.unread == 0));
        match effects.as_slice() {
            [Effect::MarkAllRead(keys)] => assert_eq!(keys.len(), entries - 1),
            other => panic!("one write of every unread entry, not {other:?}"),
        }
        assert_eq!(app.notice.as_deref(), Some("marked 4999 read"));
    }
}
