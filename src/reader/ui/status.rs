//! The status bar: the filter being typed, counts, what arrived above, notices and
//! failing sources.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::widgets::{cut, cut_at_word, elide_path, keep_end, shorten};
use crate::output::plural;
use crate::reader::app::{App, Prompt};
use crate::sanitize::screen::{clean, clean_line};

pub(super) fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let theme = Theme::of(app);
    let base = theme.bar();
    if let Some(prompt) = &app.prompt {
        let total = usize::from(area.width);
        let question = match prompt {
            Prompt::AddSource(url) => {
                // The hint gives way first, then the start of the URL (the cursor and
                // what was typed last stay).
                let url = clean_line(url);
                let hint = " (Enter adds it, Esc cancels) ";
                let ask = " follow which page? ";
                let room = total.saturating_sub(ask.width() + 2);
                if ask.width() + url.width() + 1 + hint.width() <= total {
                    format!("{ask}{url}▏{hint}")
                } else {
                    format!("{ask}{}▏ ", keep_end(&url, room))
                }
            }
            Prompt::ConfirmRemove(id) => {
                let ask = |id: &str| format!(" remove {id} from the config? y/n ");
                let room = total.saturating_sub(ask("").width());
                ask(&shorten(&clean_line(&id.0), room))
            }
        };
        let line = Line::from(Span::styled(question, base.add_modifier(Modifier::BOLD)));
        frame.render_widget(Paragraph::new(line).style(base), area);
        return;
    }
    let mut parts: Vec<Part> = Vec::new();
    if app.filter.editing || !app.filter.input.is_empty() {
        let input = &app.filter.input;
        let text = if app.filter.editing {
            // The text around the cursor as typed (spaces kept: they are where the
            // cursor moves).
            let (before, after) = input.split_at(app.filter.cursor_at());
            // One line: a saved filter written over several lines has line breaks.
            let line = |text: &str| clean(text).replace('\n', " ");
            format!(" /{}▏{} ", line(before), line(after))
        } else {
            format!(" /{} ", clean_line(input))
        };
        parts.push(Part::new(
            Role::Filter,
            text,
            base.add_modifier(Modifier::BOLD),
        ));
        if let Some(error) = &app.filter.error {
            parts.push(Part::new(
                Role::FilterError,
                format!(" ✗ {} ", clean_line(&error.to_string())),
                base.patch(theme.error()),
            ));
        }
    }
    let (counts, hidden) = match app.filter_progress() {
        // While a pass runs, what is shown so far grows: say so rather than count.
        Some(progress) => (
            format!(
                " {}+ entries · filtering {:.0}%",
                app.visible.len(),
                (progress * 100.0).floor()
            ),
            0,
        ),
        None => (
            format!(" {}", plural(app.visible.len(), "entry", "entries")),
            app.rows
                .len()
                .saturating_sub(app.visible.len())
                .saturating_sub(app.folded_reports()),
        ),
    };
    parts.push(Part::new(Role::Counts, counts, base));
    if hidden > 0 {
        parts.push(Part::new(Role::Hidden, format!(" · {hidden} hidden"), base));
    }
    // Later reports of an event, shown with its first (`=` lists them all).
    if app.folded_reports() > 0 {
        let grouped = format!(" · {} grouped", app.folded_reports());
        parts.push(Part::new(Role::Hidden, grouped, base));
    }
    if app.key_events_only {
        parts.push(Part::new(Role::KeyEvents, " · key events".into(), base));
    }
    if app.new_above > 0 {
        parts.push(Part::new(
            Role::New,
            format!(" · ↑ {} new", app.new_above),
            base.patch(theme.bar_accent(Color::LightYellow, Color::Blue))
                .add_modifier(Modifier::BOLD),
        ));
    }
    // Following means the newest entry stays selected: only while it is.
    if app.follow && app.selected == 0 && app.new_above == 0 {
        parts.push(Part::new(Role::Following, " · following".into(), base));
    }
    // What the user just did comes first: a long error must not push it off the line.
    if let Some(notice) = &app.notice {
        parts.push(Part::new(
            Role::Notice,
            format!(" · {}", clean_line(notice)),
            base.patch(theme.bar_accent(Color::LightCyan, Color::Magenta)),
        ));
    }
    let failing: Vec<_> = app.failing_sources().collect();
    let failure = match failing.as_slice() {
        [] => None,
        _ if failing.len() == app.sources.len() && app.unreachable() => Some(format!(
            " · ✗ no network? {} unreachable",
            plural(failing.len(), "source", "sources")
        )),
        [one] => Some(format!(
            " · ✗ {}: {}",
            clean_line(&one.id.0),
            clean_line(one.state.last_error.as_deref().unwrap_or(""))
        )),
        // Several: the count, and the panel has each error.
        many => Some(format!(" · ✗ {} sources failing (s shows why)", many.len())),
    };
    if let Some(failure) = failure {
        let short = match failing.as_slice() {
            [one] => format!(" · ✗ {} failing", clean_line(&one.id.0)),
            many => format!(" · ✗ {} failing", plural(many.len(), "source", "sources")),
        };
        let mut part = Part::new(Role::Failure, failure, base.patch(theme.error()));
        part.short = Some(short);
        parts.push(part);
    }
    parts.push(Part::new(Role::Help, " ? help ".into(), base));
    let total = usize::from(area.width);
    fit_parts(&mut parts, total);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let used: usize = parts.iter().map(|part| part.text.width()).sum();
    for part in parts {
        if part.role == Role::Help {
            // On the right, after the padding.
            spans.push(Span::styled(" ".repeat(total.saturating_sub(used)), base));
        }
        spans.push(Span::styled(part.text, part.style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}

/// What a part of the status line says, which decides how it gives way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Filter,
    FilterError,
    Counts,
    Hidden,
    KeyEvents,
    New,
    Following,
    Notice,
    Failure,
    Help,
}

/// One part of the status line.
struct Part {
    role: Role,
    text: String,
    style: Style,
    /// A shorter way to say it (a failing source's name without its error).
    short: Option<String>,
}

impl Part {
    fn new(role: Role, text: String, style: Style) -> Part {
        Part {
            role,
            text,
            style,
            short: None,
        }
    }
}

/// One way a part gives way when the line is too long.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Gone from the line.
    Drop,
    /// Cut at a word boundary (`…`) to what the line has room for, if that keeps at
    /// least this many columns.
    Words(usize),
    /// Its shorter form.
    Short,
    /// The middle of a long path elided.
    Path,
    /// The start elided, the end kept (what is being typed ends at the cursor).
    KeepEnd,
}

/// The order in which parts give way: `? help` first; the notice (what the user just
/// did) only after the failing source's error has gone, and then at a word boundary.
const STEPS: [(Role, Step); 19] = [
    (Role::Help, Step::Drop),
    (Role::Failure, Step::Path),
    (Role::Failure, Step::Words(24)),
    (Role::Following, Step::Drop),
    (Role::Hidden, Step::Drop),
    (Role::Failure, Step::Short),
    (Role::Failure, Step::Words(12)),
    (Role::Notice, Step::Path),
    (Role::Failure, Step::Drop),
    (Role::Notice, Step::Words(16)),
    (Role::KeyEvents, Step::Drop),
    (Role::New, Step::Words(0)),
    (Role::FilterError, Step::Words(8)),
    (Role::Notice, Step::Words(0)),
    // A long query gives way before its error does (the error says what to fix).
    (Role::Filter, Step::KeepEnd),
    (Role::FilterError, Step::Words(8)),
    (Role::FilterError, Step::Drop),
    (Role::Counts, Step::Drop),
    (Role::Notice, Step::Drop),
];

/// Shortens and drops `parts`, in the order of `STEPS`, until they fit in `width`.
fn fit_parts(parts: &mut Vec<Part>, width: usize) {
    for (role, step) in STEPS {
        let used: usize = parts.iter().map(|part| part.text.width()).sum();
        if used <= width {
            return;
        }
        let over = used - width;
        let Some(at) = parts.iter().position(|part| part.role == role) else {
            continue;
        };
        let part = &mut parts[at];
        let room = part.text.width().saturating_sub(over);
        match step {
            Step::Drop => {
                parts.remove(at);
            }
            Step::Words(min) => {
                if room >= min
                    && let Some(text) = cut_at_word(&part.text, room)
                {
                    part.text = text;
                }
            }
            Step::Short => {
                if let Some(short) = part.short.take()
                    && short.width() < part.text.width()
                {
                    part.text = short;
                }
            }
            Step::Path => part.text = elide_path(&part.text, over),
            Step::KeepEnd => {
                // The slash and the spaces around it stay, and so does the cursor: the
                // end of what is before it (what was typed last), then as much after
                // it as fits.
                let typed = part.text.trim().trim_start_matches('/').to_string();
                let room = room.saturating_sub(3);
                part.text = match typed.split_once('▏') {
                    Some((before, after)) => {
                        let before = keep_end(before, room.saturating_sub(1).max(1));
                        let left = room.saturating_sub(before.width() + 1);
                        format!(" /{before}▏{} ", cut(after, left))
                    }
                    None => format!(" /{} ", keep_end(&typed, room)),
                };
            }
        }
    }
}

/// The most lines a long notice takes above the status line.
const NOTICE_LINES: usize = 4;

/// A notice too long for the status line (which shows its start), shown whole just
/// above it, over the bottom of the view, until the next key clears it: a failed
/// `a`'s reason, or a long error, can be read to its end.
pub(super) fn draw_long_notice(frame: &mut Frame<'_>, above: Rect, app: &App) {
    let Some(notice) = &app.notice else {
        return;
    };
    let text = clean_line(notice);
    let width = usize::from(above.width).saturating_sub(2);
    // The status line has room for about half its width of notice beside the counts.
    if width < 10 || text.width() <= usize::from(above.width) / 2 {
        return;
    }
    let mut lines = crate::reader::app::text::wrap(&text, width);
    if lines.len() > NOTICE_LINES {
        lines.truncate(NOTICE_LINES);
        if let Some(last) = lines.last_mut() {
            *last = format!("{}…", shorten(last, width.saturating_sub(1)));
        }
    }
    let height = u16::try_from(lines.len() + 1)
        .unwrap_or(u16::MAX)
        .min(above.height);
    let area = Rect {
        y: above.y + above.height - height,
        height,
        ..above
    };
    let theme = Theme::of(app);
    let style = theme
        .bar()
        .patch(theme.bar_accent(Color::LightCyan, Color::Magenta));
    let body: Vec<Line<'_>> = lines
        .into_iter()
        .map(|line| Line::from(format!(" {line}")))
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(body)
            .style(style)
            .block(Block::new().borders(Borders::TOP).border_style(style)),
        area,
    );
}
