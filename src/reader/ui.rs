//! Drawing: reads an `&App`, never changes it.
//!
//! Every string from an entry passes through `sanitize` again here (parsers already
//! cleaned it; a cache written by an older version might not have been).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Clear, List, ListItem, ListState, Paragraph, Scrollbar, ScrollbarOrientation,
    ScrollbarState,
};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::keymap::Command;
use crate::model::Entry;
use crate::query::highlight_ranges;
use crate::reader::app::text::clock;
use crate::reader::app::{App, DetailRole, Row, View, detail_text, layout};
use crate::sanitize::clean_line;

/// Colours by role, in the 16 ANSI colours (the terminal's theme picks the shades);
/// with `NO_COLOR` only bold, reverse and underline remain.
#[derive(Debug, Clone, Copy)]
struct Theme {
    color: bool,
    light: bool,
}

const SOURCE_COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::Blue,
    Color::Red,
];

impl Theme {
    fn of(app: &App) -> Theme {
        Theme {
            color: app.theme != crate::model::Theme::Mono,
            light: app.theme == crate::model::Theme::Light,
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    fn dim(self) -> Style {
        if self.color {
            Style::new().fg(if self.light {
                Color::Gray
            } else {
                Color::DarkGray
            })
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    fn source(self, index: usize) -> Style {
        self.fg(SOURCE_COLORS[index % SOURCE_COLORS.len()])
    }

    fn matched(self) -> Style {
        let style = Style::new().add_modifier(Modifier::UNDERLINED);
        if self.color {
            style.fg(Color::Black).bg(Color::Yellow)
        } else {
            style.add_modifier(Modifier::BOLD)
        }
    }

    fn bar(self) -> Style {
        if self.color && self.light {
            Style::new().bg(Color::Gray).fg(Color::Black)
        } else if self.color {
            Style::new().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    fn error(self) -> Style {
        self.fg(if self.light {
            Color::Red
        } else {
            Color::LightRed
        })
    }

    /// Text on the status bar that must stand out from it.
    fn bar_accent(self, dark: Color, light: Color) -> Style {
        self.fg(if self.light { light } else { dark })
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    let areas = layout(area.width, area.height);
    match &app.view {
        View::Detail { key, scroll } => match app.find_row(key) {
            Some(row) => draw_detail(frame, areas.list, app, row, *scroll),
            None => draw_list(frame, areas.list, app),
        },
        View::Sources => draw_sources(frame, areas.list, app),
        View::List => draw_list(frame, areas.list, app),
        View::Help => {
            draw_list(frame, areas.list, app);
            draw_help(frame, areas.list, app);
        }
        View::SavedFilters { selected } => {
            draw_list(frame, areas.list, app);
            draw_saved_filters(frame, areas.list, app, *selected);
        }
    }
    draw_status(frame, areas.status, app);
}

/// Columns for source names: the longest name, between 4 and `max`.
fn name_width(app: &App, max: usize) -> usize {
    let longest = app
        .sources
        .iter()
        .map(|source| source.id.0.width())
        .max()
        .unwrap_or(8);
    longest.clamp(4, max)
}

fn source_index(app: &App, entry: &Entry) -> usize {
    app.sources
        .iter()
        .position(|source| source.id == entry.source)
        .unwrap_or(0)
}

/// The list's time column (12 wide): the clock time, with the date on the first entry
/// of each day (a day separator that costs no row), else the age while it is fresh.
fn time_column(app: &App, position: usize, entry: &Entry) -> String {
    let time = entry.sort_time();
    let zone = &app.timezone;
    let local = time.to_zoned(zone.clone());
    let previous = position
        .checked_sub(1)
        .and_then(|previous| app.visible.get(previous))
        .map(|&index| {
            app.rows[index]
                .entry
                .sort_time()
                .to_zoned(zone.clone())
                .date()
        });
    let today = app.now.to_zoned(zone.clone()).date();
    let first_of_day = previous != Some(local.date());
    let clock = local.strftime("%H:%M").to_string();
    if local.date() != today && (first_of_day || position == app.offset) {
        return local.strftime("%a %d %H:%M").to_string();
    }
    let minutes = (app.now.as_second() - time.as_second()) / 60;
    if (0..60).contains(&minutes) {
        return format!("{:>5} {clock}", format!("{minutes}m"));
    }
    format!("{clock:>12}")
}

fn draw_list(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme::of(app);
    if app.visible.is_empty() {
        let message = if app.filtering() {
            "Filtering…".to_string()
        } else {
            empty_message(app)
        };
        let paragraph = Paragraph::new(message).style(theme.dim());
        frame.render_widget(paragraph, area.inner(ratatui::layout::Margin::new(2, 1)));
        return;
    }
    let height = usize::from(area.height);
    let start = app.offset.min(app.visible.len());
    let source_width = name_width(app, if area.width < 80 { 10 } else { 16 });
    let terms = app.filter.query.highlight_terms();
    let items: Vec<ListItem<'_>> = app.visible[start..]
        .iter()
        .enumerate()
        .take(height)
        .map(|(offset, &index)| {
            let position = start + offset;
            let entry = &app.rows[index].entry;
            let key = (entry.source.clone(), entry.item.id.clone());
            let alerted = app.alerted.contains(&key);
            let marker = match (alerted, entry.read) {
                (true, _) => Span::styled("!", theme.error().add_modifier(Modifier::BOLD)),
                (false, false) => Span::styled("•", theme.fg(Color::Green)),
                (false, true) => Span::raw(" "),
            };
            // The catch-up line: the first entry this session has not shown before.
            let catch_up = app.last_session.is_some_and(|last| {
                entry.first_seen <= last
                    && position > 0
                    && app
                        .visible
                        .get(position - 1)
                        .is_some_and(|&previous| app.rows[previous].entry.first_seen > last)
            });
            let title_style = if entry.read {
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
                Span::styled(time_column(app, position, entry), theme.dim()),
                Span::raw(" "),
                Span::styled(
                    fit(&clean_line(&entry.source.0), source_width),
                    theme.source(source_index(app, entry)),
                ),
                Span::raw(" "),
            ];
            spans.extend(highlighted(
                &clean_line(&entry.item.display_title()),
                &terms,
                title_style,
                theme,
            ));
            let flags = entry.item.flags;
            let badge = match (flags.pinned, flags.key_event, flags.summary) {
                (true, _, _) => Some(" [pinned]"),
                (_, true, _) => Some(" [key event]"),
                (_, _, true) => Some(" [summary]"),
                _ => None,
            };
            if let Some(badge) = badge {
                spans.push(Span::styled(badge, theme.fg(Color::Yellow)));
            }
            if entry.edited {
                spans.push(Span::styled(" (edited)", theme.dim()));
            }
            if entry.removed {
                spans.push(Span::styled(" (removed by the source)", theme.error()));
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

/// `text` as spans, with the parts matching the filter's terms highlighted.
fn highlighted(text: &str, terms: &[String], base: Style, theme: Theme) -> Vec<Span<'static>> {
    let ranges = if terms.is_empty() {
        Vec::new()
    } else {
        highlight_ranges(text, terms)
    };
    let mut spans = Vec::new();
    let mut at = 0;
    for range in ranges {
        if range.start < at || range.end > text.len() {
            continue;
        }
        if let (Some(before), Some(matched)) = (text.get(at..range.start), text.get(range.clone()))
        {
            if !before.is_empty() {
                spans.push(Span::styled(before.to_string(), base));
            }
            spans.push(Span::styled(
                matched.to_string(),
                base.patch(theme.matched()),
            ));
            at = range.end;
        }
    }
    if let Some(rest) = text.get(at..)
        && !rest.is_empty()
    {
        spans.push(Span::styled(rest.to_string(), base));
    }
    spans
}

fn empty_message(app: &App) -> String {
    if app.sources.is_empty() {
        return "No sources configured.\n\nAdd [[source]] tables to your config (see config.example.toml),\nor try `liveblog --demo`.".to_string();
    }
    if app.rows.is_empty() {
        return match app.failing_sources().next() {
            Some(source) => format!(
                "No entries yet. {} failed: {}\n\nPress r to try again, s for sources.",
                clean_line(&source.id.0),
                clean_line(source.state.last_error.as_deref().unwrap_or(""))
            ),
            None => "Waiting for the first poll…".to_string(),
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

/// Truncates or pads `text` to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if text.width() > width && used > 0 {
        // Replace the last character with an ellipsis to show the cut.
        if let Some(last) = out.pop() {
            used -= last.width().unwrap_or(0);
        }
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// The detail view's lines at `width` ([`detail_text`]), styled: the headline bold and
/// the body with the filter's terms highlighted, the meta line in the source's colour.
pub fn detail_lines(row: &Row, app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = Theme::of(app);
    let terms = app.filter.query.highlight_terms();
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let source_style = theme.source(source_index(app, &row.entry));
    detail_text(row, app, width)
        .into_iter()
        .map(|line| match line.role {
            DetailRole::Title => Line::from(highlighted(&line.text, &terms, bold, theme)),
            DetailRole::Body => Line::from(highlighted(&line.text, &terms, Style::new(), theme)),
            DetailRole::Meta => Line::styled(line.text, source_style),
            DetailRole::Badges => Line::styled(
                line.text,
                theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            DetailRole::Url => {
                Line::styled(line.text, theme.dim().add_modifier(Modifier::UNDERLINED))
            }
            DetailRole::Blank => Line::raw(line.text),
            DetailRole::EditedHeading => {
                Line::styled(line.text, bold.patch(theme.fg(Color::Yellow)))
            }
            DetailRole::EditedAway => {
                Line::styled(line.text, theme.dim().add_modifier(Modifier::CROSSED_OUT))
            }
            DetailRole::LinksHeading => Line::styled(line.text, bold),
            DetailRole::Link => Line::styled(line.text, theme.fg(Color::Blue)),
        })
        .collect()
}

/// Where the detail view shows links: `(column, row, url)` of each URL written out in
/// full on one screen line. The terminal loop makes them clickable with OSC 8 after a
/// frame is drawn (ratatui's cells cannot carry the sequence: it would count its bytes
/// as columns). Only plain ASCII URLs qualify, so nothing in one can end the sequence.
pub fn hyperlinks(app: &App) -> Vec<(u16, u16, String)> {
    let View::Detail { key, scroll } = &app.view else {
        return Vec::new();
    };
    let Some(row) = app.find_row(key) else {
        return Vec::new();
    };
    let area = layout(app.size.0, app.size.1).list;
    let mut urls: Vec<String> = row.links.iter().map(|(_, url)| url.clone()).collect();
    urls.extend(row.entry.item.url.as_deref().map(clean_line));
    urls.retain(|url| !url.is_empty() && url.chars().all(|c| c.is_ascii_graphic()));
    let mut found = Vec::new();
    let lines = detail_lines(row, app, area.width);
    for (line_number, line) in lines
        .iter()
        .skip(*scroll)
        .take(usize::from(area.height))
        .enumerate()
    {
        let text: String = line
            .spans
            .iter()
            .map(|span| span.content.as_ref())
            .collect();
        for url in &urls {
            if let Some(start) = text.find(url.as_str()) {
                let column = 1 + text[..start].width();
                if let (Ok(column), Ok(row)) = (u16::try_from(column), u16::try_from(line_number)) {
                    found.push((area.x + column, area.y + row, url.clone()));
                }
                break;
            }
        }
    }
    found
}

fn draw_detail(frame: &mut Frame<'_>, area: Rect, app: &App, row: &Row, scroll: usize) {
    let lines = detail_lines(row, app, area.width);
    let inner = Rect::new(
        area.x + 1,
        area.y,
        area.width.saturating_sub(2),
        area.height,
    );
    let total = lines.len();
    let visible: Vec<Line<'static>> = lines
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
    draw_scrollbar(frame, area, total, scroll);
}

/// A scrollbar on the right of `area` when `total` lines do not fit, at `position`.
fn draw_scrollbar(frame: &mut Frame<'_>, area: Rect, total: usize, position: usize) {
    let height = usize::from(area.height);
    if total <= height || area.width <= 20 {
        return;
    }
    let mut state = ScrollbarState::new(total - height).position(position);
    let scrollbar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None);
    frame.render_stateful_widget(scrollbar, area, &mut state);
}

fn draw_sources(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme::of(app);
    let block = Block::new()
        .borders(Borders::TOP)
        .title(" Sources — space: show/hide · r: refresh · Esc: back ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.sources.is_empty() {
        frame.render_widget(Paragraph::new("No sources configured."), inner);
        return;
    }
    let name_width = name_width(app, if area.width < 80 { 14 } else { 24 });
    let items: Vec<ListItem<'_>> = app
        .sources
        .iter()
        .enumerate()
        .map(|(index, source)| {
            let check = if source.enabled { "[x]" } else { "[ ]" };
            let status = match (&source.state.last_error, source.state.last_success) {
                (Some(error), _) => Span::styled(format!("✗ {}", clean_line(error)), theme.error()),
                (None, Some(when)) => Span::styled(
                    format!("ok {}", clock(when, &app.timezone, app.now)),
                    theme.fg(Color::Green),
                ),
                (None, None) => Span::styled("waiting", theme.dim()),
            };
            ListItem::new(Line::from(vec![
                Span::raw(format!("{check} ")),
                Span::styled(
                    fit(&clean_line(&source.id.0), name_width),
                    theme.source(index),
                ),
                Span::raw(format!(
                    " {:>5} entries · {:>4} unread  ",
                    source.entries, source.unread
                )),
                status,
                Span::styled(
                    source
                        .next_poll
                        .map(|next| format!(" · next {}", clock(next, &app.timezone, app.now)))
                        .unwrap_or_default(),
                    theme.dim(),
                ),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.source_selected));
    let list = List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, inner, &mut state);
}

/// A box centred in `area`, at most `width` x `height`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// The help, generated from the live key map.
fn draw_help(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let rows: Vec<(String, &str)> = Command::ALL
        .iter()
        .filter_map(|&command| {
            let keys = app.keymap.labels(command);
            (!keys.is_empty()).then(|| (keys.join(" "), command.description()))
        })
        .collect();
    let key_width = rows
        .iter()
        .map(|(keys, _)| keys.width())
        .max()
        .unwrap_or(4)
        .min(18);
    // Two columns when one does not fit the height (80x24 and smaller).
    let columns = if rows.len() + 2 > usize::from(area.height) {
        2
    } else {
        1
    };
    let column_width = (key_width + 30)
        .min(usize::from(area.width).saturating_sub(2) / columns)
        .max(key_width + 4);
    let per_column = rows.len().div_ceil(columns);
    let cell = |row: Option<&(String, &str)>| -> Vec<Span<'static>> {
        match row {
            Some((keys, what)) => vec![
                Span::styled(
                    format!(" {} ", fit(keys, key_width)),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(fit(what, column_width - key_width - 2)),
            ],
            None => Vec::new(),
        }
    };
    let lines: Vec<Line<'_>> = (0..per_column)
        .map(|index| {
            let mut spans = cell(rows.get(index));
            if columns == 2 {
                spans.extend(cell(rows.get(index + per_column)));
            }
            Line::from(spans)
        })
        .collect();
    let rect = centered(
        area,
        (columns * column_width + 2) as u16,
        per_column as u16 + 2,
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Keys — any key closes ")),
        rect,
    );
}

fn draw_saved_filters(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize) {
    let rect = centered(area, 60, app.saved_filters.len().max(1) as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(" Saved filters — Enter or 1-9 applies, Esc closes ");
    if app.saved_filters.is_empty() {
        frame.render_widget(
            Paragraph::new(" None yet: add them under [filters] in the config.").block(block),
            rect,
        );
        return;
    }
    let items: Vec<ListItem<'_>> = app
        .saved_filters
        .iter()
        .enumerate()
        .map(|(index, (name, query))| {
            let number = if index < 9 {
                format!("{} ", index + 1)
            } else {
                "  ".to_string()
            };
            ListItem::new(Line::from(vec![
                Span::styled(number, Style::new().add_modifier(Modifier::BOLD)),
                Span::styled(
                    format!("{:<12} ", clean_line(name)),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(clean_line(query)),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(selected));
    let list = List::new(items)
        .block(block)
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, rect, &mut state);
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme::of(app);
    let base = theme.bar();
    let mut left: Vec<Span<'static>> = Vec::new();
    if app.filter.editing || !app.filter.input.is_empty() {
        let cursor = if app.filter.editing { "▏" } else { "" };
        left.push(Span::styled(
            format!(" /{}{cursor} ", clean_line(&app.filter.input)),
            base.add_modifier(Modifier::BOLD),
        ));
        if let Some(error) = &app.filter.error {
            left.push(Span::styled(
                format!(" ✗ {error} "),
                base.patch(theme.error()),
            ));
        }
    }
    let counts = match app.filter_progress() {
        // While a pass runs, what is shown so far grows: say so rather than count.
        Some(progress) => format!(
            " {}+ entries · filtering {:.0}%",
            app.visible.len(),
            (progress * 100.0).floor()
        ),
        None => {
            let hidden = app.rows.len().saturating_sub(app.visible.len());
            let mut counts = format!(" {} entries", app.visible.len());
            if hidden > 0 {
                counts.push_str(&format!(" · {hidden} hidden"));
            }
            counts
        }
    };
    left.push(Span::styled(counts, base));
    if app.key_events_only {
        left.push(Span::styled(" · key events", base));
    }
    if app.new_above > 0 {
        left.push(Span::styled(
            format!(" · ↑ {} new", app.new_above),
            base.patch(theme.bar_accent(Color::LightYellow, Color::Blue))
                .add_modifier(Modifier::BOLD),
        ));
    }
    if app.follow {
        left.push(Span::styled(" · following", base));
    }
    // What the user just did comes first: a long error must not push it off the line.
    if let Some(notice) = &app.notice {
        left.push(Span::styled(
            format!(" · {}", clean_line(notice)),
            base.patch(theme.bar_accent(Color::LightCyan, Color::Magenta)),
        ));
    }
    let failing: Vec<String> = app
        .failing_sources()
        .map(|source| {
            format!(
                "{}: {}",
                source.id,
                source.state.last_error.as_deref().unwrap_or("")
            )
        })
        .collect();
    let failure = match failing.as_slice() {
        [] => None,
        [one] => Some(format!(" · ✗ {}", clean_line(one))),
        // Several: the count, and the panel has each error.
        many => Some(format!(" · ✗ {} sources failing (s shows why)", many.len())),
    };
    if let Some(failure) = failure {
        left.push(Span::styled(failure, base.patch(theme.error())));
    }
    let right = " ? help ";
    let used: usize = left.iter().map(|span| span.content.width()).sum();
    let total = usize::from(area.width);
    if used + right.width() <= total {
        left.push(Span::styled(" ".repeat(total - used - right.width()), base));
        left.push(Span::styled(right, base));
    }
    frame.render_widget(Paragraph::new(Line::from(left)).style(base), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("東京都", 4), "東… ");
    }
}
