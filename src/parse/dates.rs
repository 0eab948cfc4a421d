//! Lenient timestamps: RFC 3339 / ISO 8601, RFC 2822, and the broken variants real feeds
//! carry (localized month names, `Dec 16 2023 02:02:33 PM`, `03 Apr 02 1500 GMT`,
//! `2020/1/10 14:33:00`, date-only). A date without a zone is taken as UTC.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

/// Parses `input` as a point in time, as leniently as is safe.
pub fn parse(input: &str) -> Option<Timestamp> {
    let s = input
        .trim()
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("]]>")
        .trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts);
    }
    // jiff reads zone names RFC 2822 does not list (BST, CET ...) as -0000: named
    // zones go through our own table instead.
    let named_zone = s
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .is_some_and(|last| last.chars().all(|c| c.is_ascii_alphabetic()) && zone(last).is_some());
    if named_zone && let Some(ts) = tokens(s) {
        return Some(ts);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(s) {
        return Some(zoned.timestamp());
    }
    if let Ok(dt) = s.parse::<DateTime>() {
        return dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp());
    }
    tokens(s)
}

/// Month number from a (possibly localized, possibly long) month name.
fn month(word: &str) -> Option<i8> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.starts_with("juin") {
        return Some(6);
    }
    if w.starts_with("juil") {
        return Some(7);
    }
    let head: String = w.chars().take(3).collect();
    let n = match head.as_str() {
        "jan" | "gen" | "ene" => 1,
        "feb" | "fev" | "fév" => 2,
        "mar" | "mär" | "mrz" => 3,
        "apr" | "abr" | "avr" => 4,
        "may" | "mai" | "mag" => 5,
        "jun" | "giu" => 6,
        "jul" | "lug" => 7,
        "aug" | "ago" | "aoû" | "aou" => 8,
        "sep" | "set" => 9,
        "oct" | "okt" | "out" | "ott" => 10,
        "nov" => 11,
        "dec" | "dez" | "dic" | "déc" => 12,
        _ => return None,
    };
    Some(n)
}

/// Offset of a named zone, in seconds: RFC 822's (UT, GMT, EST/EDT, CST/CDT, MST/MDT,
/// PST/PDT, `Z`) and the abbreviations feeds use anyway. Ambiguous ones take their
/// most common meaning in news feeds (`IST` India, `BST` British Summer Time).
pub fn zone(word: &str) -> Option<i32> {
    let minutes = match word.to_ascii_uppercase().as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "EST" => -5 * 60,
        "EDT" => -4 * 60,
        "CST" => -6 * 60,
        "CDT" => -5 * 60,
        "MST" => -7 * 60,
        "MDT" => -6 * 60,
        "PST" => -8 * 60,
        "PDT" => -7 * 60,
        "AKST" => -9 * 60,
        "AKDT" => -8 * 60,
        "HST" => -10 * 60,
        "AST" => -4 * 60,
        "ADT" => -3 * 60,
        "NST" => -(3 * 60 + 30),
        "NDT" => -(2 * 60 + 30),
        "BST" | "CET" | "WEST" | "MET" => 60,
        "CEST" | "EET" | "MEST" | "SAST" => 2 * 60,
        "EEST" | "MSK" => 3 * 60,
        "IST" => 5 * 60 + 30,
        "PKT" => 5 * 60,
        "ICT" | "WIB" => 7 * 60,
        "HKT" | "SGT" | "AWST" => 8 * 60,
        "JST" | "KST" => 9 * 60,
        "ACST" => 9 * 60 + 30,
        "AEST" => 10 * 60,
        "ACDT" => 10 * 60 + 30,
        "AEDT" => 11 * 60,
        "NZST" => 12 * 60,
        "NZDT" => 13 * 60,
        _ => return None,
    };
    Some(minutes * 60)
}

/// `+hhmm`, `-hh:mm`, `+hh`.
fn numeric_offset(token: &str) -> Option<i32> {
    let sign = match token.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = token[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

#[derive(Default)]
struct Parts {
    year: Option<i16>,
    month: Option<i8>,
    day: Option<i8>,
    time: Option<(i8, i8, i8)>,
    pm: Option<bool>,
    offset: Option<i32>,
}

fn full_year(n: i32) -> Option<i16> {
    let year = match n {
        0..=69 => 2000 + n,
        70..=99 => 1900 + n,
        1000..=9999 => n,
        _ => return None,
    };
    i16::try_from(year).ok()
}

fn tokens(s: &str) -> Option<Timestamp> {
    let mut p = Parts::default();
    // `15-May-2023` (RFC 850) is three tokens.
    let raw_tokens = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .flat_map(|t| {
            let split = t.starts_with(|c: char| c.is_ascii_digit())
                && t.contains('-')
                && t.chars().any(char::is_alphabetic);
            t.split(move |c: char| split && c == '-')
        });
    for raw in raw_tokens {
        let token = raw.trim_matches(|c: char| c == '(' || c == ')');
        if token.is_empty() {
            continue;
        }
        let lower = token.to_ascii_lowercase();
        if matches!(lower.as_str(), "am" | "a.m." | "pm" | "p.m.") {
            p.pm = Some(lower.starts_with('p'));
        } else if token.starts_with(['+', '-']) {
            p.offset = numeric_offset(token).or(p.offset);
        } else if token.contains(':') {
            let (clock, suffix) = split_ampm(token);
            if let Some(suffix) = suffix {
                p.pm = Some(suffix);
            }
            let mut fields = clock.split(':').map(|f| {
                let whole = f.split('.').next().unwrap_or("");
                whole.parse::<i8>().ok()
            });
            let h = fields.next().flatten()?;
            let m = fields.next().flatten()?;
            let sec = fields.next().flatten().unwrap_or(0);
            p.time = Some((h, m, sec));
        } else if token.contains(['/', '-', '.']) && token.starts_with(|c: char| c.is_ascii_digit())
        {
            let nums: Vec<i32> = token
                .split(['/', '-', '.'])
                .filter_map(|f| f.parse::<i32>().ok())
                .collect();
            if nums.len() != 3 {
                continue;
            }
            let (y, m, d) = if nums[0] > 31 {
                (nums[0], nums[1], nums[2])
            } else if nums[1] > 12 {
                (nums[2], nums[0], nums[1])
            } else {
                (nums[2], nums[1], nums[0])
            };
            p.year = full_year(y);
            p.month = i8::try_from(m).ok();
            p.day = i8::try_from(d).ok();
        } else if let Some(offset) = zone(token) {
            p.offset = Some(offset);
        } else if let Some(m) = token
            .chars()
            .next()
            .filter(|c| c.is_alphabetic())
            .and_then(|_| month(token))
        {
            p.month = Some(m);
        } else if token.chars().all(|c| c.is_ascii_digit()) {
            let n: i32 = token.parse().ok()?;
            if token.len() == 4 && p.year.is_some() && p.time.is_none() {
                let h = i8::try_from(n / 100).ok()?;
                let m = i8::try_from(n % 100).ok()?;
                p.time = Some((h, m, 0));
            } else if token.len() == 4 && p.year.is_none() {
                p.year = full_year(n);
            } else if token.len() <= 2 && p.day.is_none() {
                p.day = i8::try_from(n).ok();
            } else if token.len() <= 2 && p.year.is_none() {
                p.year = full_year(n);
            }
        }
        // Anything else (weekday names, "at", ...) is ignored.
    }
    let (mut h, mi, sec) = p.time.unwrap_or((0, 0, 0));
    match p.pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    if h == 24 {
        h = 0;
    }
    let dt = DateTime::new(p.year?, p.month?, p.day?, h, mi, sec, 0).ok()?;
    let offset = Offset::from_seconds(p.offset.unwrap_or(0)).ok()?;
    offset.to_timestamp(dt).ok()
}

/// `02:02PM` → (`02:02`, Some(true)).
fn split_ampm(token: &str) -> (&str, Option<bool>) {
    let lower = token.to_ascii_lowercase();
    if lower.ends_with("pm") {
        (&token[..token.len() - 2], Some(true))
    } else if lower.ends_with("am") {
        (&token[..token.len() - 2], Some(false))
    } else {
        (token, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s).map(|t| t.to_string()).unwrap_or_default()
    }

    #[test]
    fn standard_formats() {
        assert_eq!(p("2023-05-15T11:50:54.000Z"), "2023-05-15T11:50:54Z");
        assert_eq!(p("2024-08-05T21:00:18+01:00"), "2024-08-05T20:00:18Z");
        assert_eq!(p("Wed, 29 May 2019 10:16:00 GMT "), "2019-05-29T10:16:00Z");
        assert_eq!(p("2019-08-27"), "2019-08-27T00:00:00Z");
        assert_eq!(p("2024-07-18T11:48"), "2024-07-18T11:48:00Z");
    }

    #[test]
    fn broken_formats() {
        assert_eq!(p("Sat, Dec 16 2023 02:02:33 PM"), "2023-12-16T14:02:33Z");
        assert_eq!(p("03 Apr 02 1500 GMT"), "2002-04-03T15:00:00Z");
        assert_eq!(p("2020/1/10 14:33:00"), "2020-01-10T14:33:00Z");
        assert_eq!(p("Seg, 24 Set 2018 19:42:40 -0300"), "2018-09-24T22:42:40Z");
        assert_eq!(
            p("Sun, 12 August 2012 10:00:00 EST"),
            "2012-08-12T15:00:00Z"
        );
        assert_eq!(p("mer, 16 nov 2022 00:38:15 +0100"), "2022-11-15T23:38:15Z");
        assert_eq!(p("soon"), "");
        assert_eq!(p("99:99"), "");
    }

    #[test]
    fn named_zones() {
        for (zone, utc) in [
            ("GMT", "12:00"),
            ("UT", "12:00"),
            ("UTC", "12:00"),
            ("Z", "12:00"),
            ("EST", "17:00"),
            ("EDT", "16:00"),
            ("CST", "18:00"),
            ("CDT", "17:00"),
            ("MST", "19:00"),
            ("MDT", "18:00"),
            ("PST", "20:00"),
            ("PDT", "19:00"),
            ("BST", "11:00"),
            ("CET", "11:00"),
            ("CEST", "10:00"),
            ("EET", "10:00"),
            ("MSK", "09:00"),
            ("IST", "06:30"),
            ("JST", "03:00"),
            ("AEST", "02:00"),
        ] {
            assert_eq!(
                p(&format!("Mon, 15 May 2023 12:00:00 {zone}")),
                format!("2023-05-15T{utc}:00Z"),
                "{zone}"
            );
        }
        // Lower case, no weekday, no seconds, a missing comma, a two-digit year.
        assert_eq!(p("15 May 2023 12:00 bst"), "2023-05-15T11:00:00Z");
        assert_eq!(p("Mon 15 May 23 12:00:00 GMT"), "2023-05-15T12:00:00Z");
        assert_eq!(
            p("Monday, 15-May-2023 12:00:00 CEST"),
            "2023-05-15T10:00:00Z"
        );
        assert_eq!(p("99:99"), "");
    }
}
