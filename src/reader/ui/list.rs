//! The list of entries: time column, source column, headline, badges; the message
//! when it is empty.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::{Theme, highlighted, source_index};
use super::widgets::{cut, draw_scrollbar, shorten};
use crate::output::plural;
use crate::reader::app::{App, GroupTag, Row};
use crate::sanitize::screen::clean_line;

/// Columns for source names: the longest name, between 4 and `max`.
pub(super) fn name_width(app: &App, max: usize) -> usize {
    let longest = app
        .sources
        .iter()
        .map(|source| source.id.0.width())
        .max()
        .unwrap_or(8);
    longest.clamp(4, max)
}

/// The list's time column (12 wide): the clock time, with the date on the first entry
/// of each day (a day separator that costs no row), else the age while it is fresh. An
/// entry dated ahead of when it was first seen shows its own date, with the year.
pub(super) fn time_column(app: &App, position: usize, row: &Row) -> String {
    let zone = &app.timezone;
    if row.dated_ahead()
        && let Some(own) = row.time()
    {
        return format!("{:<12}", own.to_zoned(zone.clone()).strftime("%d %b %Y"));
    }
    let time = row.sort_time;
    let local = time.to_zoned(zone.clone());
    let previous = position
        .checked_sub(1)
        .and_then(|previous| app.visible.get(previous))
        .map(|&index| app.rows[index].sort_time.to_zoned(zone.clone()).date());
    let today = app.now.to_zoned(zone.clone()).date();
    let first_of_day = previous != Some(local.date());
    let clock = local.strftime("%H:%M").to_string();
    if local.date() != today && (first_of_day || position == app.offset) {
        let days_ago = (app.now.as_second() - time.as_second()) / 86_400;
        // The weekday while it says which day, the month within the year, the year
        // otherwise (in the column's 12 cells: `Thu 18 07:05`, `18 Jul 07:05`,
        // `18 Jul 2024`): a date of another year always shows its year.
        let this_year = local.year() == today.year();
        return if (0..6).contains(&days_ago) && this_year {
            local.strftime("%a %d %H:%M").to_string()
        } else if this_year {
            local.strftime("%d %b %H:%M").to_string()
        } else {
            format!("{:<12}", local.strftime("%d %b %Y").to_string())
        };
    }
    let minutes = (app.now.as_second() - time.as_second()) / 60;
    if (0..60).contains(&minutes) {
        return format!("{:>6} {clock}", format!("{minutes}m"));
    }
    format!("{clock:>12}")
}

pub(super) fn draw_list(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme::of(app);
    if app.visible.is_empty() {
        let message = if app.filtering() {
            "Filtering…".to_string()
        } else {
            empty_message(app)
        };
        let paragraph = Paragraph::new(message)
            .style(theme.dim())
            .wrap(ratatui::widgets::Wrap { trim: false });
        frame.render_widget(paragraph, area.inner(ratatui::layout::Margin::new(2, 1)));
        return;
    }
    let height = usize::from(area.height);
    let start = app.offset.min(app.visible.len());
    let source_width = name_width(app, if area.width < 80 { 10 } else { 16 });
    let terms = app.filter.query.highlight_terms();
    // The scrollbar takes the last column when the list does not fit.
    let scrollbar = app.visible.len() > height && area.width > 20;
    let items: Vec<ListItem<'_>> = app.visible[start..]
        .iter()
        .enumerate()
        .take(height)
        .map(|(offset, &index)| {
            let position = start + offset;
            let entry = &app.rows[index];
            let key = entry.key();
            let alerted = app.alerted.contains(&key);
            // A group of reports of one event: shown as its first, unread while any is.
            let group = app.shown_group(index);
            let read = entry.read
                && group
                    .as_ref()
                    .is_none_or(|members| members.iter().all(|&m| app.rows[m].read));
            let marker = match (alerted, read) {
                (true, _) => Span::styled("!", theme.error().add_modifier(Modifier::BOLD)),
                (false, false) => Span::styled("•", theme.fg(Color::Green)),
                (false, true) => Span::raw(" "),
            };
            // The catch-up line: the first entry this session has not shown before.
            let catch_up = app.last_session.is_some_and(|last| {
                entry.first_seen() <= last
                    && position > 0
                    && app
                        .visible
                        .get(position - 1)
                        .is_some_and(|&previous| app.rows[previous].first_seen() > last)
            });
            let title_style = if read {
                Style::new()
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            };
            let title_style = if alerted {
                title_style.patch(theme.error())
            } else {
                title_style
            };
            let mut spans = vec![
                marker,
                Span::raw(" "),
                Span::styled(time_column(app, position, &app.rows[index]), theme.dim()),
                Span::raw(" "),
                Span::styled(
                    fit(&clean_line(&entry.source), source_width),
                    theme.source(source_index(app, &entry.source)),
                ),
                Span::raw(" "),
            ];
            let flags = entry.flags;
            let flag = match (flags.pinned, flags.key_event, flags.summary) {
                (true, _, _) => Some(" [pinned]"),
                (_, true, _) => Some(" [key event]"),
                (_, _, true) => Some(" [summary]"),
                _ => None,
            };
            let mut badges = Vec::new();
            if let Some(members) = &group {
                badges.push(Badge::Sources(members.len() - 1));
                let updated = match app.rows[index].group {
                    GroupTag::Lead(id) => app.groups.get(id).is_some_and(|group| group.updated),
                    _ => false,
                };
                if updated {
                    badges.push(Badge::Updated);
                }
            }
            if let Some(flag) = flag {
                badges.push(Badge::Flag(flag));
            }
            if entry.edited {
                badges.push(Badge::Edited);
            }
            if entry.removed {
                badges.push(Badge::Removed);
            }
            let used: usize = spans.iter().map(|span| span.content.width()).sum();
            let room = usize::from(area.width)
                .saturating_sub(used)
                .saturating_sub(usize::from(scrollbar));
            let (title, badges) = fit_row(&clean_line(entry.display_title()), badges, room);
            spans.extend(highlighted(&title, &terms, title_style, theme));
            for badge in badges {
                let style = match badge {
                    Badge::Flag(_) => theme.fg(Color::Yellow),
                    Badge::Edited => theme.dim(),
                    Badge::Removed | Badge::RemovedShort => theme.error(),
                    Badge::Sources(_) | Badge::SourcesShort(_) => theme.fg(Color::Cyan),
                    Badge::Updated => theme.fg(Color::Green),
                };
                spans.push(Span::styled(badge.text(), style));
            }
            let mut line = Line::from(spans);
            if catch_up {
                line = line.style(
                    Style::new()
                        .add_modifier(Modifier::UNDERLINED)
                        .add_modifier(Modifier::DIM),
                );
            }
            ListItem::new(line)
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.selected.saturating_sub(start)));
    let list = List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, area, &mut state);
    draw_scrollbar(frame, area, app.visible.len(), start);
}

/// What follows a headline: kept whole or dropped, never cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Badge {
    Removed,
    /// The short form when the long one does not fit.
    RemovedShort,
    /// `[pinned]`, `[key event]` or `[summary]`.
    Flag(&'static str),
    Edited,
    /// A group: how many other sources report its event.
    Sources(usize),
    /// The short form when the long one does not fit.
    SourcesShort(usize),
    /// A group whose later report adds a figure.
    Updated,
}

impl Badge {
    fn text(self) -> std::borrow::Cow<'static, str> {
        match self {
            Badge::Removed => " (removed by the source)".into(),
            Badge::RemovedShort => " (removed)".into(),
            Badge::Flag(text) => text.into(),
            Badge::Edited => " (edited)".into(),
            Badge::Sources(others) => format!(" +{}", plural(others, "source", "sources")).into(),
            Badge::SourcesShort(others) => format!(" +{others}").into(),
            Badge::Updated => " updated".into(),
        }
    }

    /// Which give way first: the lowest.
    fn importance(self) -> u8 {
        match self {
            Badge::Edited => 0,
            Badge::Updated => 1,
            Badge::Flag(_) => 2,
            Badge::Removed | Badge::RemovedShort => 3,
            Badge::Sources(_) | Badge::SourcesShort(_) => 4,
        }
    }
}

/// The fewest columns a shortened headline keeps before badges give way.
const TITLE_MIN: usize = 20;

/// The headline and its badges in `room` columns: the headline is shortened (`…`)
/// and every badge stays whole; when even the badges do not fit, the least
/// important give way (the removal mark first to its short form).
fn fit_row(title: &str, mut badges: Vec<Badge>, room: usize) -> (String, Vec<Badge>) {
    let width = |badges: &[Badge]| -> usize { badges.iter().map(|b| b.text().width()).sum() };
    let title_width = title.width();
    if title_width + width(&badges) <= room {
        return (title.to_string(), badges);
    }
    let keep = title_width.min(TITLE_MIN);
    // Long forms give way to short ones, one at a time, before any badge is dropped.
    for at in 0..badges.len() {
        if keep + width(&badges) > room {
            badges[at] = match badges[at] {
                Badge::Removed => Badge::RemovedShort,
                Badge::Sources(others) => Badge::SourcesShort(others),
                other => other,
            };
        }
    }
    while keep + width(&badges) > room {
        let Some(least) = (0..badges.len()).min_by_key(|&at| badges[at].importance()) else {
            break;
        };
        badges.remove(least);
    }
    let title = shorten(title, room.saturating_sub(width(&badges)));
    (title, badges)
}

pub(super) fn empty_message(app: &App) -> String {
    let welcome = app
        .welcome
        .as_deref()
        .map(|welcome| format!("{}\n\n", clean_line(welcome)))
        .unwrap_or_default();
    if app.sources.is_empty() {
        return format!(
            "{welcome}No sources yet.\n\nPress a and paste a page's URL to follow it (or run \
             liveblog add URL).\nliveblog --demo shows what following live blogs looks like."
        );
    }
    if app.rows.is_empty() {
        let failing: Vec<_> = app.failing_sources().collect();
        return match failing.first() {
            Some(source) if failing.len() == app.sources.len() && app.unreachable() => format!(
                "{welcome}No entries yet: no network? {} could not be reached ({}: {}).\n\n\
                 Press r to try again, s for each source's error.",
                plural(app.sources.len(), "source", "sources"),
                clean_line(&source.id.0),
                clean_line(source.state.last_error.as_deref().unwrap_or(""))
            ),
            Some(source) => format!(
                "{welcome}No entries yet. {} failed: {}\n\nPress r to try again, s for sources.",
                clean_line(&source.id.0),
                clean_line(source.state.last_error.as_deref().unwrap_or(""))
            ),
            None => format!("{welcome}Waiting for the first poll…"),
        };
    }
    if app.key_events_only {
        return "No key events, pinned or summary entries here.\n\nPress K to show everything."
            .to_string();
    }
    if app.filter.input.is_empty() {
        "Every source is hidden: press s and space to show one.".to_string()
    } else {
        format!(
            "No entries match `{}`.\n\nEsc clears the filter.",
            clean_line(&app.filter.input)
        )
    }
}

/// Truncates (`…`, between two characters as drawn) or pads `text` to exactly `width`
/// columns.
pub fn fit(text: &str, width: usize) -> String {
    let text = cut(text, width);
    let pad = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("東京都", 4), "東… ");
        assert_eq!(fit("Election night", 10), "Election… ");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }
}
