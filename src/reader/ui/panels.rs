//! The panels drawn over the list: sources, help, saved filters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::list::{fit, name_width};
use super::theme::Theme;
use super::widgets::{centered, column, cut, cut_at_word};
use crate::keymap::Command;
use crate::reader::app::App;
use crate::reader::app::text::clock;
use crate::sanitize::screen::clean_line;

pub(super) fn draw_sources(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme::of(app);
    let title = if area.width >= 90 {
        " Sources — space: show/hide · r: refresh · a: add · d: remove · Esc: back "
    } else {
        " Sources — space show/hide · r refresh · a add · d remove "
    };
    let block = Block::new().borders(Borders::TOP).title(title);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if app.sources.is_empty() {
        frame.render_widget(
            Paragraph::new("No sources yet: press a and paste a page's URL."),
            inner,
        );
        return;
    }
    // The selected source's whole error, wrapped below the list (a row cuts it).
    if let Some(error) = app
        .sources
        .get(app.source_selected)
        .and_then(|source| source.state.last_error.as_deref())
    {
        let text = format!("✗ {}", clean_line(error));
        let width = usize::from(inner.width.max(1));
        let lines = u16::try_from(text.width().div_ceil(width).clamp(1, 6)).unwrap_or(6);
        if inner.height > lines + 3 {
            let detail = Rect::new(inner.x, inner.bottom() - lines - 1, inner.width, lines + 1);
            inner.height -= lines + 1;
            let paragraph = Paragraph::new(text)
                .style(theme.error())
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(Block::new().borders(Borders::TOP).title(" error "));
            frame.render_widget(paragraph, detail);
        }
    }
    let name_width = name_width(app, if area.width < 80 { 14 } else { 24 });
    let width = usize::from(inner.width);
    let items: Vec<ListItem<'_>> = app
        .sources
        .iter()
        .enumerate()
        .map(|(index, source)| {
            let check = if source.enabled { "[x]" } else { "[ ]" };
            let counts = format!(
                " {:>5} {} · {:>4} unread  ",
                source.entries,
                if source.entries == 1 {
                    "entry  "
                } else {
                    "entries"
                },
                source.unread
            );
            let mut next = source
                .next_poll
                .map(|next| format!(" · next {}", clock(next, &app.timezone, app.now)))
                .unwrap_or_default();
            let used = check.width() + 1 + name_width + counts.width();
            let room = width.saturating_sub(used);
            let status = match (&source.state.last_error, source.state.last_success) {
                (Some(error), _) => {
                    // A long error is cut at a word (the panel below shows it whole);
                    // the next poll gives way when even a few words would not fit.
                    let error = format!("✗ {}", clean_line(error));
                    if error.width() + next.width() > room && room < next.width() + 16 {
                        next.clear();
                    }
                    let room = room.saturating_sub(next.width());
                    let error = cut_at_word(&error, room).unwrap_or_else(|| cut(&error, room));
                    Span::styled(error, theme.error())
                }
                (None, Some(when)) => Span::styled(
                    format!("ok {}", clock(when, &app.timezone, app.now)),
                    theme.fg(Color::Green),
                ),
                (None, None) => Span::styled("waiting", theme.dim()),
            };
            ListItem::new(Line::from(vec![
                Span::raw(format!("{check} ")),
                Span::styled(
                    column(&clean_line(&source.id.0), name_width),
                    theme.source(index),
                ),
                Span::raw(counts),
                status,
                Span::styled(next, theme.dim()),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.source_selected));
    let list = List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, inner, &mut state);
}

/// The help, generated from the live key map.
pub(super) fn draw_help(frame: &mut Frame<'_>, area: Rect, app: &App) {
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
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Keys — any key closes ")
                // What `y` needs to reach the clipboard from inside tmux.
                .title_bottom(" y in tmux: set -g set-clipboard on "),
        ),
        rect,
    );
}

pub(super) fn draw_saved_filters(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize) {
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
