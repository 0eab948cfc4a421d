//! What the detail view shows of an entry, line by line at a width: the app scrolls
//! through these lines, the drawing styles each by its role.

use super::bodies::Body;
use super::group_view::{GroupRole, group_text};
use super::layout::layout;
use super::state::{App, EntryKey, Row, View};
use super::text::{age, clock, text_width, wrap};
pub use super::wrapped::{DetailCache, DetailLine, DetailRole, WrappedEntry};
use crate::sanitize::screen::{clean, clean_line};

/// A line of a group's view (see `group_view`) as a detail line.
fn group_line((role, text): (GroupRole, String)) -> DetailLine {
    let role = match role {
        GroupRole::Summary => DetailRole::Badges,
        GroupRole::Blank => DetailRole::Blank,
        GroupRole::Heading => DetailRole::ReportHeading,
        GroupRole::Title => DetailRole::Title,
        GroupRole::Url => DetailRole::Url,
        GroupRole::Body => DetailRole::Body,
        GroupRole::Added => DetailRole::Added,
    };
    DetailLine { role, text }
}

/// The detail view's lines at `width` (the view's, borders included): headline, meta
/// and badges, link, the wrapped body, what an edit changed, then the body's links,
/// numbered. (The views use [`App::detail_page`], which wraps the body once per width.)
pub fn detail_text(row: &Row, app: &App, width: u16) -> Vec<DetailLine> {
    app.detail_page(row, width).lines().cloned().collect()
}

/// The detail view's lines of one entry at one width: the wrapped parts (held by the
/// app, or wrapped for this page only) around the meta lines (times change as the clock
/// moves, badges as marks do).
#[derive(Debug)]
pub struct DetailPage<'a> {
    wrapped: std::borrow::Cow<'a, WrappedEntry>,
    meta: Vec<DetailLine>,
}

impl DetailPage<'_> {
    /// How many lines.
    pub fn len(&self) -> usize {
        self.wrapped.title.len() + self.meta.len() + self.wrapped.rest.len()
    }

    /// Whether it has no lines.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lines, in order.
    pub fn lines(&self) -> impl Iterator<Item = &DetailLine> {
        self.wrapped
            .title
            .iter()
            .chain(&self.meta)
            .chain(&self.wrapped.rest)
    }
}

/// The parts of an entry's detail view that need only the entry and the width.
fn wrap_entry(row: &Row, body: &Body, width: u16) -> WrappedEntry {
    let width = text_width(width);
    let mut wrapped = WrappedEntry::default();
    let title = &mut wrapped.title;
    for line in wrap(&clean_line(row.display_title()), width) {
        title.push(DetailLine {
            role: DetailRole::Title,
            text: line,
        });
    }
    let mut lines: Vec<DetailLine> = Vec::new();
    let mut push = |role: DetailRole, text: String| lines.push(DetailLine { role, text });
    if let Some(url) = row.url() {
        let role = if crate::parse::is_web_link(url) {
            DetailRole::Url
        } else {
            DetailRole::PlainLink
        };
        for line in wrap(&clean_line(url), width) {
            push(role, line);
        }
    }
    push(DetailRole::Blank, String::new());
    for line in wrap(&clean(&body.text), width) {
        push(DetailRole::Body, line);
    }
    if let Some(previous) = body
        .previous_text
        .as_deref()
        .filter(|previous| *previous != body.text)
    {
        // What the edit changed: the paragraphs it removed or rewrote, as they were.
        let now: std::collections::HashSet<&str> = body.text.split('\n').map(str::trim).collect();
        let changed: Vec<&str> = previous
            .split('\n')
            .map(str::trim)
            .filter(|line| !line.is_empty() && !now.contains(line))
            .collect();
        push(DetailRole::Blank, String::new());
        let heading = if changed.is_empty() {
            "Edited: text added"
        } else {
            "Edited: before the change"
        };
        push(DetailRole::EditedHeading, heading.to_string());
        for line in changed
            .iter()
            .flat_map(|line| wrap(&clean(line), width.saturating_sub(2)))
        {
            push(DetailRole::EditedAway, format!("- {line}"));
        }
    }
    let links = &body.links;
    if !links.is_empty() {
        push(DetailRole::Blank, String::new());
        push(DetailRole::LinksHeading, "Links".to_string());
        for (number, (text, url)) in links.iter().enumerate() {
            let label = if text.is_empty() {
                String::new()
            } else {
                format!("{text} — ")
            };
            for line in wrap(&format!("[{}] {label}{url}", number + 1), width) {
                push(DetailRole::Link, line);
            }
        }
    }
    wrapped.rest = lines;
    wrapped
}

/// The meta lines: source, author, times (relative to the clock), badges.
fn meta_lines(row: &Row, app: &App, width: u16) -> Vec<DetailLine> {
    let width = text_width(width);
    let mut meta = vec![clean_line(&row.source)];
    if let Some(author) = row.author() {
        meta.push(clean_line(author));
    }
    if let Some(published) = row.published() {
        meta.push(if row.dated_ahead() {
            // Its own date in full, and where the list put it instead.
            format!(
                "published {} (ahead of when it was first seen, {}: listed there)",
                published
                    .to_zoned(app.timezone.clone())
                    .strftime("%d %b %Y %H:%M"),
                clock(row.sort_time, &app.timezone, app.now)
            )
        } else {
            format!(
                "published {} ({})",
                clock(published, &app.timezone, app.now),
                age(published, app.now)
            )
        });
    }
    if let Some(updated) = row.updated()
        && Some(updated) != row.published()
    {
        meta.push(format!(
            "updated {}",
            clock(updated, &app.timezone, app.now)
        ));
    }
    let mut lines: Vec<DetailLine> = wrap(&meta.join(" · "), width)
        .into_iter()
        .map(|text| DetailLine {
            role: DetailRole::Meta,
            text,
        })
        .collect();
    let badges = badges(row);
    if !badges.is_empty() {
        lines.push(DetailLine {
            role: DetailRole::Badges,
            text: badges.join(" "),
        });
    }
    lines
}

impl App {
    /// The detail view's lines of `row` at `width`: the entry wrapped once for the open
    /// entry and the view's width (see [`App::wrap_detail`]); any other, wrapped now.
    pub fn detail_page<'a>(&'a self, row: &Row, width: u16) -> DetailPage<'a> {
        if let Some(lines) = group_text(row, self, width) {
            // A group's reports, one after another: a few entries, wrapped each time.
            return DetailPage {
                wrapped: std::borrow::Cow::Owned(WrappedEntry {
                    title: Vec::new(),
                    rest: lines.into_iter().map(group_line).collect(),
                }),
                meta: Vec::new(),
            };
        }
        let wrapped = match &self.detail_cache {
            Some(cache) if cache.width == width && row.is(&cache.key) => {
                std::borrow::Cow::Borrowed(&cache.wrapped)
            }
            _ => std::borrow::Cow::Owned(wrap_entry(row, &self.body(row), width)),
        };
        DetailPage {
            wrapped,
            meta: meta_lines(row, self, width),
        }
    }

    /// Lines of the detail view's text at the current width (for scrolling bounds).
    pub(super) fn detail_lines(&self, key: &EntryKey) -> usize {
        let area = layout(self.size.0, self.size.1).list;
        self.find_row(key)
            .map_or(0, |row| self.detail_page(row, area.width).len())
    }

    /// Wraps the open entry for the view's width, unless it is wrapped already (after
    /// every update: a key scrolls through lines wrapped once, a new width or an edit
    /// wraps them again); lets go of the lines once no entry is open.
    pub(super) fn wrap_detail(&mut self) {
        let View::Detail { key, .. } = &self.view else {
            self.detail_cache = None;
            return;
        };
        let width = layout(self.size.0, self.size.1).list.width;
        if self
            .detail_cache
            .as_ref()
            .is_some_and(|cache| cache.width == width && cache.key == *key)
        {
            return;
        }
        self.detail_cache = self.find_row(key).map(|row| DetailCache {
            key: key.clone(),
            width,
            wrapped: wrap_entry(row, &self.body(row), width),
        });
    }

    /// Forgets the wrapped lines if `edited` says their entry changed.
    pub(super) fn forget_wrapped(&mut self, edited: impl Fn(&EntryKey) -> bool) {
        if self
            .detail_cache
            .as_ref()
            .is_some_and(|cache| edited(&cache.key))
        {
            self.detail_cache = None;
        }
    }
}

/// Badges shown on an entry: edited since first seen (and, from sources that flag
/// them, pinned / key event / summary).
fn badges(row: &Row) -> Vec<&'static str> {
    let mut badges = Vec::new();
    let flags = row.flags;
    if flags.pinned {
        badges.push("[pinned]");
    }
    if flags.key_event {
        badges.push("[key event]");
    }
    if flags.summary {
        badges.push("[summary]");
    }
    if row.edited {
        badges.push("[edited since you first saw it]");
    }
    if row.removed {
        badges.push("[removed by the source]");
    }
    badges
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::reader::app::testing::{app_with, numbered};
    use crate::reader::app::text::work::bytes_wrapped;
    use crate::reader::app::{Action, App, View, update};

    /// A body of `paragraphs` paragraphs of ten words, about 60 bytes each.
    fn long_body(paragraphs: usize) -> String {
        (0..paragraphs)
            .map(|n| format!("Paragraph {n} of the long report goes on for a while."))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn draw(app: &App) -> String {
        let mut terminal =
            Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
        terminal
            .draw(|frame| crate::reader::ui::draw(frame, app))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        let _ = crate::reader::ui::hyperlinks(app);
        (0..app.size.1)
            .map(|y| {
                (0..app.size.0)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    /// Applies `action` and draws, as the reader's loop does.
    fn key(app: &mut App, action: Action) -> String {
        update(app, action);
        draw(app)
    }

    #[test]
    fn a_long_body_is_wrapped_once_per_width_not_at_every_key() {
        let mut entry = numbered("a", 1);
        entry.item.text = long_body(20_000);
        let body = entry.item.text.len();
        let mut app = app_with(vec![entry]);
        let before = bytes_wrapped();
        key(&mut app, Action::Open);
        for _ in 0..20 {
            key(&mut app, Action::Down);
        }
        key(&mut app, Action::PageDown);
        let screen = key(&mut app, Action::Bottom);
        assert!(screen.contains("Paragraph 19999 "), "{screen}");
        let wrapped = bytes_wrapped() - before;
        // Once for the width (and the headline, meta line and such each time).
        assert!(
            wrapped < body + body / 10,
            "{wrapped} bytes wrapped, the body is {body}"
        );

        // A new width wraps it again, once.
        let before = bytes_wrapped();
        key(
            &mut app,
            Action::Resize {
                width: 80,
                height: 24,
            },
        );
        for _ in 0..20 {
            key(&mut app, Action::Up);
        }
        let wrapped = bytes_wrapped() - before;
        assert!(
            wrapped < body + body / 10,
            "{wrapped} bytes wrapped, the body is {body}"
        );
        assert!(matches!(app.view, View::Detail { scroll, .. } if scroll > 0));
    }
}
