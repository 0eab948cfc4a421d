//! An open entry: its lines styled, scrolled, with a scrollbar; where its links are
//! on screen (for OSC 8).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme::{Theme, highlighted, source_index};
use super::widgets::draw_scrollbar;
use crate::parse::is_web_link;
use crate::reader::app::{App, DetailRole, GroupTag, Row, View, layout};
use crate::sanitize::screen::clean_line;

/// The detail view's lines at `width` ([`App::detail_page`]) from line `skip` on, at
/// most `take` of them, styled: the headline bold and the body with the filter's terms
/// highlighted, the meta line in the source's colour. Only the lines asked for are
/// styled (a long entry has hundreds of thousands); the total comes with them.
pub fn detail_lines(
    row: &Row,
    app: &App,
    width: u16,
    skip: usize,
    take: usize,
) -> (Vec<Line<'static>>, usize) {
    let theme = Theme::of(app);
    let terms = app.filter.query.highlight_terms();
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let source_style = theme.source(source_index(app, &row.source));
    let page = app.detail_page(row, width);
    let lines = page
        .lines()
        .skip(skip)
        .take(take)
        .map(|line| {
            let text = line.text.clone();
            match line.role {
                DetailRole::Title => Line::from(highlighted(&text, &terms, bold, theme)),
                DetailRole::Body => Line::from(highlighted(&text, &terms, Style::new(), theme)),
                DetailRole::Meta => Line::styled(text, source_style),
                DetailRole::Badges => {
                    Line::styled(text, theme.fg(Color::Yellow).add_modifier(Modifier::BOLD))
                }
                DetailRole::Url => {
                    Line::styled(text, theme.dim().add_modifier(Modifier::UNDERLINED))
                }
                DetailRole::PlainLink => Line::styled(text, theme.dim()),
                DetailRole::Blank => Line::raw(text),
                DetailRole::EditedHeading => {
                    Line::styled(text, bold.patch(theme.fg(Color::Yellow)))
                }
                DetailRole::EditedAway => {
                    Line::styled(text, theme.dim().add_modifier(Modifier::CROSSED_OUT))
                }
                DetailRole::LinksHeading => Line::styled(text, bold),
                DetailRole::Link => Line::styled(text, theme.fg(Color::Blue)),
                DetailRole::ReportHeading => Line::styled(text, source_style.patch(bold)),
                DetailRole::Added => {
                    Line::from(highlighted(&text, &terms, theme.fg(Color::Green), theme))
                }
            }
        })
        .collect();
    (lines, page.len())
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
    let mut urls: Vec<String> = app
        .body(row)
        .links
        .into_iter()
        .map(|(_, url)| url)
        .collect();
    urls.extend(row.url().map(clean_line));
    // A group's view shows each report's own link.
    if app.grouping
        && let GroupTag::Lead(id) = row.group
    {
        urls.extend(
            app.group_rows(id)
                .into_iter()
                .filter_map(|index| app.rows[index].url().map(clean_line)),
        );
    }
    // Only web links become hyperlinks (the body's are already): a `javascript:` or
    // `file:` link stays the plain text the detail view shows.
    urls.retain(|url| {
        !url.is_empty() && url.chars().all(|c| c.is_ascii_graphic()) && is_web_link(url)
    });
    let mut found = Vec::new();
    let (lines, _) = detail_lines(row, app, area.width, *scroll, usize::from(area.height));
    for (line_number, line) in lines.iter().enumerate() {
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

pub(super) fn draw_detail(frame: &mut Frame<'_>, area: Rect, app: &App, row: &Row, scroll: usize) {
    let inner = Rect::new(
        area.x + 1,
        area.y,
        area.width.saturating_sub(2),
        area.height,
    );
    let (visible, total) = detail_lines(row, app, area.width, scroll, usize::from(inner.height));
    frame.render_widget(Paragraph::new(visible), inner);
    draw_scrollbar(frame, area, total, scroll);
}
