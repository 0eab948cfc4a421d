//! Text as the views show it: clock times, ages, and lines wrapped to a width (the
//! app counts the lines it scrolls through; the drawing styles them).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The text width of a detail view `width` columns wide (borders taken off).
pub(super) fn text_width(width: u16) -> usize {
    usize::from(width.saturating_sub(2)).max(10)
}

/// `14:05` for today in the display zone, `20 Nov 14:05` before, `20 Nov 2024 14:05`
/// in another year.
pub fn clock(time: Timestamp, timezone: &TimeZone, now: Timestamp) -> String {
    let local = time.to_zoned(timezone.clone());
    let today = now.to_zoned(timezone.clone());
    if local.date() == today.date() {
        local.strftime("%H:%M").to_string()
    } else if local.year() == today.year() {
        local.strftime("%d %b %H:%M").to_string()
    } else {
        local.strftime("%d %b %Y %H:%M").to_string()
    }
}

/// "just now", "4 min ago", "3 h ago", "2 d ago"; "in the future" for a time more
/// than a minute ahead of the clock (never "just now").
pub fn age(time: Timestamp, now: Timestamp) -> String {
    let seconds = now.as_second() - time.as_second();
    match seconds {
        i64::MIN..-60 => "in the future".to_string(),
        -60..60 => "just now".to_string(),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        _ => format!("{} d ago", seconds / 86_400),
    }
}

/// Greedy word wrap by display width; words wider than the line are broken.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    #[cfg(test)]
    work::wrapped(text.len());
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
    fn clock_times_say_the_year_when_it_is_not_this_one() {
        let now: Timestamp = "2026-12-02T12:00:00Z".parse().expect("time");
        let at = |text: &str| clock(text.parse().expect("time"), &TimeZone::UTC, now);
        assert_eq!(at("2026-12-02T09:05:00Z"), "09:05");
        assert_eq!(at("2026-07-18T09:05:00Z"), "18 Jul 09:05");
        assert_eq!(at("2024-07-18T09:05:00Z"), "18 Jul 2024 09:05");
        assert_eq!(at("1969-12-31T23:59:00Z"), "31 Dec 1969 23:59");
    }

    #[test]
    fn ages() {
        let now = Timestamp::from_second(10_000_000).expect("time");
        let ago = |seconds: i64| {
            age(
                Timestamp::from_second(10_000_000 - seconds).expect("time"),
                now,
            )
        };
        assert_eq!(ago(5), "just now");
        assert_eq!(ago(240), "4 min ago");
        assert_eq!(ago(3 * 3600), "3 h ago");
        assert_eq!(ago(2 * 86_400), "2 d ago");
    }
}

#[cfg(test)]
pub(super) mod work {
    //! How much text was wrapped, for tests that bound the work by counts, not time.

    use std::cell::Cell;

    thread_local! {
        /// Bytes of text wrapped in this thread.
        static BYTES_WRAPPED: Cell<usize> = const { Cell::new(0) };
    }

    /// Counts `bytes` bytes wrapped.
    pub(super) fn wrapped(bytes: usize) {
        BYTES_WRAPPED.with(|count| count.set(count.get() + bytes));
    }

    /// Bytes wrapped in this thread so far.
    pub(in super::super) fn bytes_wrapped() -> usize {
        BYTES_WRAPPED.with(Cell::get)
    }
}
