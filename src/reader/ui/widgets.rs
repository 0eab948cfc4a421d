//! Small pieces shared by the views: a scrollbar, a box centred on the screen, text
//! shortened to a width (at a word boundary, by display width, never inside a
//! character as drawn).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A scrollbar on the right of `area` when `total` lines do not fit, at `position`.
pub(super) fn draw_scrollbar(frame: &mut Frame<'_>, area: Rect, total: usize, position: usize) {
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

/// A box centred in `area`, at most `width` x `height`.
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// `text` split into what the terminal draws as one character: a character with the
/// zero-width marks after it (accents, variation selectors), emoji joined by ZWJ,
/// a flag's two letters, a skin tone. A cut between two of these never breaks one.
pub(super) fn clusters(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    let mut regional_run = 0usize;
    for (at, c) in text.char_indices() {
        let joins = match previous {
            None => false,
            Some(before) => {
                c.width() == Some(0)
                    || before == '\u{200D}'
                    || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
                    || (is_regional(c) && is_regional(before) && regional_run % 2 == 1)
            }
        };
        if !joins && at > start {
            out.push(&text[start..at]);
            start = at;
        }
        regional_run = if is_regional(c) { regional_run + 1 } else { 0 };
        previous = Some(c);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn is_regional(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

fn is_space(cluster: &str) -> bool {
    cluster.chars().all(char::is_whitespace)
}

/// `text` cut to at most `width` columns, anywhere between two characters, with `…`
/// to show the cut (nothing changes when it fits).
pub(super) fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for cluster in clusters(text) {
        let w = cluster.width();
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push_str(cluster);
    }
    if width > 0 {
        out.truncate(out.trim_end().len());
        out.push('…');
    }
    out
}

/// `text` cut to at most `width` columns at a word boundary (a space, between two wide
/// characters, which CJK text has instead of spaces, or after a slash of a path or a
/// URL), with `…` to show the cut.
/// `None` when not even the first word fits.
pub(super) fn cut_at_word(text: &str, width: usize) -> Option<String> {
    if text.width() <= width {
        return Some(text.to_string());
    }
    let parts = clusters(text);
    let mut best: Option<usize> = None;
    let mut used = 0;
    let mut slashes = 0;
    for (index, cluster) in parts.iter().enumerate() {
        if index > 0 {
            let before = parts[index - 1];
            let boundary = (is_space(cluster) && !is_space(before))
                || (cluster.width() == 2 && before.width() == 2)
                || (before == "/" && *cluster != "/" && slashes >= 2);
            if boundary && used < width {
                best = Some(index);
            }
        }
        // Inside a path or a URL, after a slash is a boundary too.
        slashes = if is_space(cluster) {
            0
        } else {
            slashes + usize::from(*cluster == "/")
        };
        used += cluster.width();
        if used >= width {
            break;
        }
    }
    let kept: String = parts[..best?].concat();
    let kept = kept.trim_end_matches(|c: char| c.is_whitespace() || ",;:·—–-".contains(c));
    // A path already elided is not cut again after its `…/`.
    let kept = kept.strip_suffix("…/").unwrap_or(kept);
    if kept.is_empty() {
        return None;
    }
    Some(format!("{kept}…"))
}

/// `text` in at most `width` columns: at a word boundary when that leaves at most a
/// third of the room (or 10 columns) empty, else between two characters.
pub(super) fn shorten(text: &str, width: usize) -> String {
    match cut_at_word(text, width) {
        Some(words) if words.width() + (width / 3).max(10) >= width => words,
        _ => cut(text, width),
    }
}

/// `text` shortened to `width` columns (see [`shorten`]), padded with spaces to exactly
/// `width`: a column of names.
pub(super) fn column(text: &str, width: usize) -> String {
    let text = shorten(text, width);
    let pad = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(pad))
}

/// `text` in at most `width` columns keeping its end (what is being typed), `…` first.
pub(super) fn keep_end(text: &str, width: usize) -> String {
    if text.width() <= width || width == 0 {
        return if width == 0 {
            String::new()
        } else {
            text.to_string()
        };
    }
    let parts = clusters(text);
    let mut used = 1;
    let mut from = parts.len();
    while from > 0 && used + parts[from - 1].width() <= width {
        from -= 1;
        used += parts[from].width();
    }
    format!("…{}", parts[from..].concat())
}

/// The longest path in `text` (a word with two slashes or more) with its middle
/// elided (`/home/…/exports/file.txt`) so that `text` is `need` columns narrower, or as
/// near as the path allows; `text` unchanged when it has no path.
pub(super) fn elide_path(text: &str, need: usize) -> String {
    let Some(path) = text
        .split_whitespace()
        .filter(|word| word.matches('/').count() >= 2)
        .max_by_key(|word| word.width())
    else {
        return text.to_string();
    };
    let trimmed = path.trim_end_matches([':', ',', ';', ')', '.']);
    let tail = &path[trimmed.len()..];
    let pieces: Vec<&str> = trimmed.split('/').collect();
    let target = trimmed.width().saturating_sub(need);
    // Keep the first directory (or a URL's host) and the last pieces; drop from the
    // middle until it fits.
    let head_len = match pieces.as_slice() {
        [scheme, "", ..] if scheme.ends_with(':') => 3,
        ["", ..] => 2,
        _ => 1,
    }
    .min(pieces.len());
    let head = pieces[..head_len].join("/");
    let rest = &pieces[head_len..];
    let mut best = trimmed.to_string();
    for keep in (1..rest.len()).rev() {
        best = format!("{head}/…/{}", rest[rest.len() - keep..].join("/"));
        if best.width() <= target {
            break;
        }
    }
    text.replacen(path, &format!("{best}{tail}"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_keep_marks_joined_emoji_and_flags_whole() {
        assert_eq!(clusters("e\u{301}x"), ["e\u{301}", "x"]);
        assert_eq!(
            clusters("👨\u{200D}👩\u{200D}👧!"),
            ["👨\u{200D}👩\u{200D}👧", "!"]
        );
        assert_eq!(clusters("🇫🇷🇩🇪"), ["🇫🇷", "🇩🇪"]);
        assert_eq!(clusters("👍🏽a"), ["👍🏽", "a"]);
    }

    #[test]
    fn cut_at_word_never_cuts_inside_a_word() {
        let text = "cannot copy: Permission denied (os error 13)";
        assert_eq!(cut_at_word(text, 80).as_deref(), Some(text));
        assert_eq!(
            cut_at_word(text, 30).as_deref(),
            Some("cannot copy: Permission…")
        );
        assert_eq!(cut_at_word(text, 13).as_deref(), Some("cannot copy…"));
        assert_eq!(cut_at_word(text, 5), None);
        for width in 0..text.len() {
            if let Some(cut) = cut_at_word(text, width) {
                assert!(cut.width() <= width, "{cut:?} in {width}");
                let words: Vec<&str> = text.split_whitespace().collect();
                for word in cut.split_whitespace() {
                    let word = word.trim_end_matches('…');
                    assert!(
                        words
                            .iter()
                            .any(|whole| whole.trim_end_matches(':') == word || *whole == word),
                        "{word:?} cut from {cut:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn cjk_and_emoji_are_cut_between_characters_by_width() {
        assert_eq!(
            cut_at_word("東京で大規模な停電", 9).as_deref(),
            Some("東京で大…")
        );
        assert_eq!(shorten("東京で大規模な停電", 8), "東京で…");
        assert_eq!(shorten("🎉🎉🎉🎉", 6), "🎉🎉…");
        let family = "👨\u{200D}👩\u{200D}👧👨\u{200D}👩\u{200D}👧👨\u{200D}👩\u{200D}👧";
        let short = shorten(family, 5);
        assert!(short.width() <= 5, "{short:?}");
        assert!(short.starts_with("👨\u{200D}👩\u{200D}👧"), "{short:?}");
        assert!(!short.contains("\u{200D}…"), "{short:?}");
        assert_eq!(shorten("Zoe\u{301}’s café", 5), "Zoe\u{301}’…");
    }

    #[test]
    fn shorten_prefers_a_word_and_cuts_a_long_word_rather_than_show_nothing() {
        assert_eq!(
            shorten("Storm makes landfall near the port", 20),
            "Storm makes…"
        );
        assert_eq!(
            shorten("Donaudampfschifffahrt gesellschaft", 12),
            "Donaudampfs…"
        );
        assert_eq!(column("Election night", 10), "Election… ");
        assert_eq!(
            cut_at_word("url (https://news.example/live/storm/updates.json)", 34).as_deref(),
            Some("url (https://news.example/live/…")
        );
        assert_eq!(cut_at_word("at 200km/h today", 10).as_deref(), Some("at…"));
        assert_eq!(
            cut_at_word("at /home/…/a/b", 12).as_deref(),
            Some("at /home/…")
        );
    }

    #[test]
    fn keep_end_keeps_what_is_being_typed() {
        assert_eq!(keep_end("source:storm AND landfall", 10), "… landfall");
        assert_eq!(keep_end("abc", 3), "abc");
    }

    #[test]
    fn elide_path_keeps_the_first_directory_and_the_file() {
        let text = "cannot copy /home/reader/.local/share/liveblog/exports/2026/storm.txt: Permission denied";
        let short = elide_path(text, 30);
        assert_eq!(
            short,
            "cannot copy /home/…/2026/storm.txt: Permission denied"
        );
        assert_eq!(elide_path("no path here", 5), "no path here");
        assert_eq!(
            elide_path("at https://news.example/a/b/c/d/live.html", 10),
            "at https://news.example/…/live.html"
        );
    }
}
