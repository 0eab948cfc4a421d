//! The status bar: the filter being typed, counts, what arrived above, notices and
//! failing sources.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::output::plural;
use crate::reader::app::{App, Prompt};
use crate::sanitize::clean_line;

pub(super) fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme::of(app);
    let base = theme.bar();
    let mut left: Vec<Span<'static>> = Vec::new();
    if let Some(prompt) = &app.prompt {
        let question = match prompt {
            Prompt::AddSource(url) => format!(
                " follow which page? {}▏ (Enter adds it, Esc cancels) ",
                clean_line(url)
            ),
            Prompt::ConfirmRemove(id) => {
                format!(" remove {} from the config? y/n ", clean_line(&id.0))
            }
        };
        let line = Line::from(Span::styled(question, base.add_modifier(Modifier::BOLD)));
        frame.render_widget(Paragraph::new(line).style(base), area);
        return;
    }
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
            let mut counts = format!(" {}", plural(app.visible.len(), "entry", "entries"));
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
    // Following means the newest entry stays selected: only while it is.
    if app.follow && app.selected == 0 && app.new_above == 0 {
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
        _ if failing.len() == app.sources.len() && app.unreachable() => Some(format!(
            " · ✗ no network? {} unreachable",
            plural(failing.len(), "source", "sources")
        )),
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
