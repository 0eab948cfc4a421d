//! Styles: colours by role in the 16 ANSI colours (or none), a colour per source, and
//! the filter's terms highlighted in a line.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

use crate::query::highlight_ranges;
use crate::reader::app::App;

/// Colours by role, in the 16 ANSI colours (the terminal's theme picks the shades);
/// with `NO_COLOR` only bold, reverse and underline remain.
#[derive(Debug, Clone, Copy)]
pub(super) struct Theme {
    pub(super) color: bool,
    pub(super) light: bool,
}

pub(super) const SOURCE_COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::Blue,
    Color::Red,
];

impl Theme {
    pub(super) fn of(app: &App) -> Theme {
        Theme {
            color: app.theme != crate::model::Theme::Mono,
            light: app.theme == crate::model::Theme::Light,
        }
    }

    pub(super) fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub(super) fn dim(self) -> Style {
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

    pub(super) fn source(self, index: usize) -> Style {
        self.fg(SOURCE_COLORS[index % SOURCE_COLORS.len()])
    }

    pub(super) fn matched(self) -> Style {
        let style = Style::new().add_modifier(Modifier::UNDERLINED);
        if self.color {
            style.fg(Color::Black).bg(Color::Yellow)
        } else {
            style.add_modifier(Modifier::BOLD)
        }
    }

    pub(super) fn bar(self) -> Style {
        if self.color && self.light {
            Style::new().bg(Color::Gray).fg(Color::Black)
        } else if self.color {
            Style::new().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub(super) fn error(self) -> Style {
        self.fg(if self.light {
            Color::Red
        } else {
            Color::LightRed
        })
    }

    /// Text on the status bar that must stand out from it.
    pub(super) fn bar_accent(self, dark: Color, light: Color) -> Style {
        self.fg(if self.light { light } else { dark })
    }
}

pub(super) fn source_index(app: &App, source: &str) -> usize {
    app.sources
        .iter()
        .position(|view| *view.id.0 == *source)
        .unwrap_or(0)
}

/// `text` as spans, with the parts matching the filter's terms highlighted.
pub(super) fn highlighted(
    text: &str,
    terms: &[String],
    base: Style,
    theme: Theme,
) -> Vec<Span<'static>> {
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
