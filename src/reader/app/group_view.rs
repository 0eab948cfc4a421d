//! What the detail view shows of a group of reports of one event: each report, oldest
//! first, under a header with its source and time, and in the later ones the
//! paragraphs that give a figure no earlier report gave, marked.

use super::group_table::GroupTag;
use super::state::{App, Row};
use super::text::{age, clock, text_width, wrap};
use crate::group::numbers_of;
use crate::query::fold;
use crate::sanitize::screen::{clean, clean_line};

/// What a line of a group's view is (the detail view styles it as its own role).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupRole {
    /// How many reports, from which sources.
    Summary,
    /// A blank line between reports.
    Blank,
    /// A report's number, source and time.
    Heading,
    /// A report's headline.
    Title,
    /// A report's own link (a web link).
    Url,
    /// A paragraph of a report.
    Body,
    /// A paragraph of a later report that gives a figure no earlier one gave.
    Added,
}

/// The detail view's lines for the group `row` leads (grouping on), at `width` (the
/// view's, borders included); `None` when `row` is not shown as a group.
pub(super) fn group_text(row: &Row, app: &App, width: u16) -> Option<Vec<(GroupRole, String)>> {
    if !app.grouping {
        return None;
    }
    let id = match row.group {
        GroupTag::Lead(id) => id,
        _ => return None,
    };
    let members = app.group_rows(id);
    if members.len() < 2 {
        return None;
    }
    let width = text_width(width);
    let mut lines: Vec<(GroupRole, String)> = Vec::new();
    let mut push = |role: GroupRole, text: String| lines.push((role, text));
    let sources: Vec<String> = members
        .iter()
        .map(|&index| clean_line(&app.rows[index].source))
        .collect();
    let summary = format!(
        "One event, {} reports: {} (oldest first; + marks what a later report adds)",
        members.len(),
        sources.join(", ")
    );
    for line in wrap(&summary, width) {
        push(GroupRole::Summary, line);
    }
    // Figures the reports so far gave (hashed): a later paragraph with another adds.
    let mut known: Vec<u64> = Vec::new();
    let first_time = app.rows[members[0]].sort_time;
    for (position, &index) in members.iter().enumerate() {
        let member = &app.rows[index];
        let body = app.body(member);
        let prepared = app.prepared_of(member);
        push(GroupRole::Blank, String::new());
        let mut header = format!(
            "── {}/{} · {} · {} ({})",
            position + 1,
            members.len(),
            clean_line(&member.source),
            clock(member.sort_time, &app.timezone, app.now),
            age(member.sort_time, app.now),
        );
        if position > 0 {
            let minutes = member.sort_time.duration_since(first_time).as_mins();
            header.push_str(&format!(" · {minutes}m after the first"));
        }
        header.push(' ');
        let fill = width.saturating_sub(unicode_width::UnicodeWidthStr::width(header.as_str()));
        header.push_str(&"─".repeat(fill.min(width)));
        for line in wrap(&header, width) {
            push(GroupRole::Heading, line);
        }
        let title_numbers = numbers_of(prepared.title());
        let title_adds = position > 0 && title_numbers.iter().any(|number| !known.contains(number));
        for (at, line) in wrap(&clean_line(member.display_title()), width - 2)
            .into_iter()
            .enumerate()
        {
            let mark = if at == 0 && title_adds { "+ " } else { "" };
            push(GroupRole::Title, format!("{mark}{line}"));
        }
        if let Some(url) = member.url().filter(|url| crate::parse::is_web_link(url)) {
            for line in wrap(&clean_line(url), width) {
                push(GroupRole::Url, line);
            }
        }
        let body = clean(&body.text);
        for paragraph in body.split('\n') {
            let paragraph = paragraph.trim();
            if paragraph.is_empty() {
                continue;
            }
            let numbers = numbers_of(&fold(paragraph));
            let adds = position > 0 && numbers.iter().any(|number| !known.contains(number));
            if adds {
                for (at, line) in wrap(paragraph, width.saturating_sub(2))
                    .into_iter()
                    .enumerate()
                {
                    let mark = if at == 0 { "+ " } else { "  " };
                    push(GroupRole::Added, format!("{mark}{line}"));
                }
            } else {
                for line in wrap(paragraph, width) {
                    push(GroupRole::Body, line);
                }
            }
        }
        known.extend(title_numbers);
        known.extend(numbers_of(prepared.text()));
    }
    Some(lines)
}
