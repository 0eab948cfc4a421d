//! Drawing: reads an `&App`, never changes it.
//!
//! Every string from an entry passes through `sanitize` again here (parsers already
//! cleaned it; a cache written by an older version might not have been).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::{App, View};
use crate::model::Entry;
use crate::sanitize::{clean, clean_line};

/// Where things go on a screen of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The list, or the detail view.
    pub list: Rect,
    /// The one-line status bar (filter, counts, errors).
    pub status: Rect,
}

/// Splits the screen: everything but the last row is the list.
pub fn layout(width: u16, height: u16) -> Areas {
    let list_height = height.saturating_sub(1);
    Areas {
        list: Rect::new(0, 0, width, list_height),
        status: Rect::new(0, list_height, width, height.min(1)),
    }
}

const SOURCE_COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::Blue,
    Color::Red,
];

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    let areas = layout(area.width, area.height);
    match &app.view {
        View::Detail { key, scroll } => match app.find(key) {
            Some(entry) => draw_detail(frame, areas.list, app, entry, *scroll),
            None => draw_list(frame, areas.list, app),
        },
        View::Sources => draw_sources(frame, areas.list, app),
        View::List => draw_list(frame, areas.list, app),
        View::Help => {
            draw_list(frame, areas.list, app);
            draw_help(frame, areas.list);
        }
    }
    draw_status(frame, areas.status, app);
}

fn source_color(app: &App, entry: &Entry) -> Color {
    let index = app
        .sources
        .iter()
        .position(|source| source.id == entry.source)
        .unwrap_or(0);
    SOURCE_COLORS[index % SOURCE_COLORS.len()]
}

/// `14:05` for today in the display zone, `20 Nov 14:05` before.
pub fn clock(time: Timestamp, timezone: &TimeZone, now: Timestamp) -> String {
    let local = time.to_zoned(timezone.clone());
    let today = now.to_zoned(timezone.clone());
    if local.date() == today.date() {
        local.strftime("%H:%M").to_string()
    } else {
        local.strftime("%d %b %H:%M").to_string()
    }
}

fn draw_list(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if app.visible.is_empty() {
        let message = empty_message(app);
        let paragraph = Paragraph::new(message).style(Style::new().fg(Color::DarkGray));
        frame.render_widget(paragraph, area.inner(ratatui::layout::Margin::new(2, 1)));
        return;
    }
    let height = usize::from(area.height);
    let window = &app.visible[app.offset.min(app.visible.len())..];
    let source_width = app
        .sources
        .iter()
        .map(|source| source.id.0.width())
        .max()
        .unwrap_or(8)
        .clamp(4, 16);
    let items: Vec<ListItem<'_>> = window
        .iter()
        .take(height)
        .map(|&index| {
            let entry = &app.rows[index].entry;
            let time = clock(entry.sort_time(), &app.timezone, app.now);
            let marker = if entry.read { " " } else { "•" };
            let mut spans = vec![
                Span::styled(marker, Style::new().fg(Color::Green)),
                Span::raw(" "),
                Span::styled(format!("{time:>12}"), Style::new().fg(Color::DarkGray)),
                Span::raw(" "),
                Span::styled(
                    fit(&clean_line(&entry.source.0), source_width),
                    Style::new().fg(source_color(app, entry)),
                ),
                Span::raw(" "),
                Span::styled(clean_line(&entry.item.display_title()), title_style(entry)),
            ];
            if entry.edited {
                spans.push(Span::styled(" (edited)", Style::new().fg(Color::DarkGray)));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut state =
        ListState::default().with_selected(Some(app.selected.saturating_sub(app.offset)));
    let list = List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, area, &mut state);
}

fn title_style(entry: &Entry) -> Style {
    if entry.read {
        Style::new()
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

fn empty_message(app: &App) -> String {
    if app.sources.is_empty() {
        return "No sources configured.\n\nAdd [[source]] tables to your config (see config.example.toml),\nor try `liveblog --demo`.".to_string();
    }
    if app.rows.is_empty() {
        return match app.failing_sources().next() {
            Some(source) => format!(
                "No entries yet. {} failed: {}\n\nPress r to try again, s for sources.",
                source.id,
                source.state.last_error.as_deref().unwrap_or("")
            ),
            None => "Waiting for the first poll…".to_string(),
        };
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

/// Greedy word wrap by display width; words wider than the line are broken.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split_whitespace() {
            let word_width = word.width();
            let space = usize::from(!line.is_empty());
            if used + space + word_width <= width {
                if space == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                used += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += w;
            }
        }
        lines.push(line);
    }
    lines
}

/// The detail view's lines at `width`: headline, meta, link, then the wrapped body.
pub fn detail_lines(entry: &Entry, app: &App, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.saturating_sub(2)).max(10);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let bold = Style::new().add_modifier(Modifier::BOLD);
    for line in wrap(&clean_line(&entry.item.display_title()), width) {
        lines.push(Line::styled(line, bold));
    }
    let mut meta = vec![clean_line(&entry.source.0)];
    if let Some(author) = &entry.item.author {
        meta.push(clean_line(author));
    }
    if let Some(published) = entry.item.published {
        meta.push(format!(
            "published {}",
            clock(published, &app.timezone, app.now)
        ));
    }
    if let Some(updated) = entry.item.updated
        && Some(updated) != entry.item.published
    {
        meta.push(format!(
            "updated {}",
            clock(updated, &app.timezone, app.now)
        ));
    }
    if entry.edited {
        meta.push("edited since first seen".to_string());
    }
    for line in wrap(&meta.join(" · "), width) {
        lines.push(Line::styled(
            line,
            Style::new().fg(source_color(app, entry)),
        ));
    }
    if let Some(url) = &entry.item.url {
        for line in wrap(&clean_line(url), width) {
            lines.push(Line::styled(
                line,
                Style::new()
                    .fg(Color::DarkGray)
                    .add_modifier(Modifier::UNDERLINED),
            ));
        }
    }
    lines.push(Line::raw(""));
    for line in wrap(&clean(&entry.item.text), width) {
        lines.push(Line::raw(line));
    }
    lines
}

fn draw_detail(frame: &mut Frame<'_>, area: Rect, app: &App, entry: &Entry, scroll: usize) {
    let lines = detail_lines(entry, app, area.width);
    let inner = Rect::new(
        area.x + 1,
        area.y,
        area.width.saturating_sub(2),
        area.height,
    );
    let visible: Vec<Line<'static>> = lines
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

fn draw_sources(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let block = Block::new()
        .borders(Borders::TOP)
        .title(" Sources — space: show/hide · r: refresh · Esc: back ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.sources.is_empty() {
        frame.render_widget(Paragraph::new("No sources configured."), inner);
        return;
    }
    let name_width = app
        .sources
        .iter()
        .map(|s| s.id.0.width())
        .max()
        .unwrap_or(8)
        .clamp(4, 24);
    let items: Vec<ListItem<'_>> = app
        .sources
        .iter()
        .enumerate()
        .map(|(index, source)| {
            let check = if source.enabled { "[x]" } else { "[ ]" };
            let color = SOURCE_COLORS[index % SOURCE_COLORS.len()];
            let status = match (&source.state.last_error, source.state.last_success) {
                (Some(error), _) => Span::styled(
                    format!("✗ {}", clean_line(error)),
                    Style::new().fg(Color::Red),
                ),
                (None, Some(when)) => Span::styled(
                    format!("ok {}", clock(when, &app.timezone, app.now)),
                    Style::new().fg(Color::Green),
                ),
                (None, None) => Span::styled("waiting", Style::new().fg(Color::DarkGray)),
            };
            ListItem::new(Line::from(vec![
                Span::raw(format!("{check} ")),
                Span::styled(
                    fit(&clean_line(&source.id.0), name_width),
                    Style::new().fg(color),
                ),
                Span::raw(format!(
                    " {:>5} entries {:>5} unread  ",
                    source.entries, source.unread
                )),
                status,
                Span::styled(
                    source
                        .next_poll
                        .map(|next| format!(" · next {}", clock(next, &app.timezone, app.now)))
                        .unwrap_or_default(),
                    Style::new().fg(Color::DarkGray),
                ),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.source_selected));
    let list = List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, inner, &mut state);
}

/// The default key map, as the help overlay shows it.
pub const HELP: &[(&str, &str)] = &[
    ("j k ↑ ↓", "move"),
    ("PgUp PgDn", "page"),
    ("g G", "newest / oldest"),
    ("Enter", "open entry"),
    ("Esc", "back / clear filter"),
    ("/", "filter (Enter keeps, Esc drops)"),
    ("s", "sources (space toggles)"),
    ("f", "follow newest"),
    ("r", "refresh now"),
    ("y", "copy link (OSC 52)"),
    ("o", "open link in $BROWSER"),
    ("?", "this help"),
    ("q", "quit"),
];

fn draw_help(frame: &mut Frame<'_>, area: Rect) {
    let width = 46.min(area.width);
    let height = (HELP.len() as u16 + 4).min(area.height);
    let x = area.x + (area.width - width) / 2;
    let y = area.y + (area.height - height) / 2;
    let rect = Rect::new(x, y, width, height);
    let mut lines = vec![Line::raw("")];
    for (keys, what) in HELP {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {keys:<11}"),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(*what),
        ]));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Keys — any key closes ")),
        rect,
    );
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut left: Vec<Span<'static>> = Vec::new();
    let base = Style::new().bg(Color::DarkGray).fg(Color::White);
    if app.filter.editing || !app.filter.input.is_empty() {
        let cursor = if app.filter.editing { "▏" } else { "" };
        left.push(Span::styled(
            format!(" /{}{cursor} ", clean_line(&app.filter.input)),
            base.add_modifier(Modifier::BOLD),
        ));
        if let Some(error) = &app.filter.error {
            left.push(Span::styled(
                format!(" ✗ {error} "),
                base.fg(Color::LightRed),
            ));
        }
    }
    left.push(Span::styled(
        format!(" {}/{} entries", app.visible.len(), app.rows.len()),
        base,
    ));
    if app.new_above > 0 {
        left.push(Span::styled(
            format!(" · ↑ {} new", app.new_above),
            base.fg(Color::LightYellow),
        ));
    }
    if app.follow {
        left.push(Span::styled(" · following", base));
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
    if !failing.is_empty() {
        left.push(Span::styled(
            format!(" · ✗ {}", clean_line(&failing.join("; "))),
            base.fg(Color::LightRed),
        ));
    }
    if let Some(notice) = &app.notice {
        left.push(Span::styled(
            format!(" · {}", clean_line(notice)),
            base.fg(Color::LightCyan),
        ));
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
    fn wrap_respects_width_and_breaks_long_words() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
        assert_eq!(wrap("東京東京", 4), vec!["東京", "東京"]);
    }

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(
            fit("東京都", 4),
            "東…  ".trim_end().to_string() + &" ".repeat(4 - "東…".width())
        );
    }
}
