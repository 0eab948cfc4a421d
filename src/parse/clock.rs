//! One grammar for the times and days live pages print, shared by transcripts
//! (`transcript`) and the DOM reader (`live_html`):
//!
//! - clock times: `14:05`, `14.05`, `9h05`, `14h05`, `11.04 Uhr`, `2.05pm`, `9:43PM`,
//!   `2:05 p.m.`, `14:05 GMT`, `16.33\u{a0}CET`, `à 14h05`, `14.05 horas`, `19:02 (IST)`;
//! - zones: abbreviations (`GMT`, `BST`, `CET`, `ET`, `PT`, …) and numeric offsets
//!   (`GMT+1`, `+02:00`); `ET`/`PT` are the US zones with their daylight-saving rules;
//! - days in English, German, French, Spanish, Italian, Dutch, Portuguese and Polish:
//!   `Friday 25 September 2015`, `Donnerstag, 18. 7.`, `jeudi 18 juillet`,
//!   `18 de julio de 2024`, `2024-07-18`, `Yesterday`/`Gestern`/`Hier`/`Ayer`/`Ieri`/
//!   `Gisteren`/`Ontem`/`Wczoraj` and the words for today;
//! - "Last updated …" lines in those languages;
//! - match minutes (`95'`, `45+2'`), which order entries but are no clock;
//! - [`anchor`]: clock times in list order to timestamps (order detection, roll-over at
//!   midnight in the list's direction, the zone's rules on each entry's own day, never
//!   in the future).
//!
//! Everything here is a pure function of its arguments; nothing panics on any input.

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

/// A newest entry that would lie this far in the future is from the day before.
pub const FUTURE_SLACK_SECONDS: i64 = 15 * 60;
/// Going back in time, a clock may run up this much (minutes) without meaning the
/// day before: live pages list a few entries out of order (`7h07, 7h05, 7h07, 7h03`).
pub const OUT_OF_ORDER_MINUTES: i32 = 20;

/// The zone a clock is written in.
#[derive(Debug, Clone, PartialEq)]
pub enum Zone {
    /// A fixed offset (`GMT`, `CET`, `+02:00`).
    Fixed(Offset),
    /// A zone with daylight-saving rules (`ET` is New York's, `PT` Los Angeles').
    Rules(TimeZone),
}

impl Zone {
    /// The instant of `at` in this zone.
    pub fn timestamp(&self, at: DateTime) -> Option<Timestamp> {
        match self {
            Zone::Fixed(offset) => offset.to_timestamp(at).ok(),
            Zone::Rules(tz) => tz.to_timestamp(at).ok(),
        }
    }

    /// A short description (`+01:00`, `America/New_York`).
    pub fn describe(&self) -> String {
        match self {
            Zone::Fixed(offset) => offset.to_string(),
            Zone::Rules(tz) => tz.iana_name().unwrap_or("zone").to_string(),
        }
    }
}

/// A clock time as a page prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    pub hour: i8,
    pub minute: i8,
    /// A zone written next to the clock.
    pub zone: Option<Zone>,
}

impl Clock {
    /// Minutes since midnight.
    pub fn minutes(&self) -> i32 {
        i32::from(self.hour) * 60 + i32::from(self.minute)
    }
}

/// A clock at the start of a text, with what follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead<'a> {
    pub clock: Clock,
    /// The time as written (`9h05`, `11.04 Uhr`, `2:05 p.m. GMT`).
    pub written: &'a str,
    /// The text after the time and its separator (`-`, `:`, `–`, `|`): a title.
    pub rest: &'a str,
}

// ---------------------------------------------------------------------------------------
// Clock times

/// Case-insensitive ASCII `strip_prefix`.
pub fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// `14:05`, `2.05`, `14:05:30`, `9h05` at the start of `s`: (hour, minute, rest).
/// The clock must end there (a space, `,`, `|`, a meridiem, or the end): `14:05x` and
/// `1.5m` are no clocks.
pub fn take_clock(s: &str) -> Option<(i8, i8, &str)> {
    let bytes = s.as_bytes();
    let hour_len = bytes
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if !(1..=2).contains(&hour_len) {
        return None;
    }
    let separator = *bytes.get(hour_len)?;
    if !matches!(separator, b':' | b'.' | b'h' | b'H') {
        return None;
    }
    let minute_bytes = bytes.get(hour_len + 1..hour_len + 3)?;
    if !minute_bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut end = hour_len + 3;
    // Seconds, with the same separator.
    if separator != b'h'
        && separator != b'H'
        && bytes.get(end) == Some(&separator)
        && bytes
            .get(end + 1..end + 3)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    {
        end += 3;
    }
    match bytes.get(end) {
        None => {}
        Some(b) if b.is_ascii_whitespace() || matches!(*b, b',' | b'|' | b'(' | b')') => {}
        // A no-break space (`16.33\u{a0}CET`).
        Some(0xc2) if bytes.get(end + 1) == Some(&0xa0) => {}
        // `2.05pm`: the meridiem is checked by the caller; `9h05-` and `17.00:`.
        Some(b'a' | b'A' | b'p' | b'P' | b'-' | b':') => {}
        Some(_) => return None,
    }
    let hour: i8 = s.get(..hour_len)?.parse().ok()?;
    let minute: i8 = s.get(hour_len + 1..hour_len + 3)?.parse().ok()?;
    if hour > 23 || minute > 59 {
        return None;
    }
    Some((hour, minute, s.get(end..)?))
}

/// `am`, `PM`, `a.m.`, `p.m` after a clock: (is pm, rest).
pub fn take_meridiem(s: &str) -> Option<(bool, &str)> {
    let t = trim_start(s);
    for (word, pm) in [
        ("a.m.", false),
        ("p.m.", true),
        ("a.m", false),
        ("p.m", true),
        ("am", false),
        ("pm", true),
    ] {
        if let Some(after) = strip_prefix_ci(t, word)
            && !after.starts_with(|c: char| c.is_alphanumeric())
        {
            return Some((pm, after));
        }
    }
    None
}

/// Whitespace, no-break spaces included.
fn trim_start(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
}

/// A named zone with an optional offset (`GMT`, `BST`, `GMT+1`, `UTC-05:00`), or a bare
/// numeric offset (`+01:00`), as a fixed offset: (offset, rest). `(IST)` in brackets
/// too. This is the transcripts' table (`IST` is Irish, `BST` British).
pub fn take_zone(s: &str) -> Option<(Offset, &str)> {
    let t = trim_start(s);
    if let Some(inner) = t.strip_prefix('(') {
        let (offset, rest) = take_zone(inner)?;
        let rest = trim_start(rest).strip_prefix(')')?;
        return Some((offset, rest));
    }
    let word_len = t.chars().take_while(char::is_ascii_alphabetic).count();
    let (base, after) = if word_len > 0 {
        let word = &t[..word_len];
        let hours = zone_hours(word)?;
        (hours * 3600, &t[word_len..])
    } else {
        (0, t)
    };
    if let Some((extra, rest)) = take_numeric_offset(after) {
        return Some((Offset::from_seconds(base + extra).ok()?, rest));
    }
    if word_len == 0 {
        return None;
    }
    if after.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    Some((Offset::from_seconds(base).ok()?, after))
}

/// [`take_zone`], and the US zones with their rules (`ET`, `PT`, `CT`, `MT`).
pub fn take_any_zone(s: &str) -> Option<(Zone, &str)> {
    let t = trim_start(s);
    let bracketed = t.strip_prefix('(');
    let inner = bracketed.unwrap_or(t);
    let word_len = inner.chars().take_while(char::is_ascii_alphabetic).count();
    let rules = match inner.get(..word_len) {
        Some("ET") => Some("America/New_York"),
        Some("CT") => Some("America/Chicago"),
        Some("MT") => Some("America/Denver"),
        Some("PT") => Some("America/Los_Angeles"),
        _ => None,
    };
    if let Some(name) = rules {
        let mut rest = inner.get(word_len..)?;
        if rest.starts_with(|c: char| c.is_alphanumeric()) {
            return None;
        }
        if bracketed.is_some() {
            rest = trim_start(rest).strip_prefix(')')?;
        }
        let hours = match name {
            "America/New_York" => -5,
            "America/Chicago" => -6,
            "America/Denver" => -7,
            _ => -8,
        };
        let zone = TimeZone::get(name)
            .map(Zone::Rules)
            .unwrap_or_else(|_| Zone::Fixed(Offset::constant(hours)));
        return Some((zone, rest));
    }
    take_zone(s).map(|(offset, rest)| (Zone::Fixed(offset), rest))
}

/// An abbreviation that names more than one zone (`IST`: India or Ireland), alone or
/// in brackets: the rest after it.
fn ambiguous_zone(s: &str) -> Option<&str> {
    let t = trim_start(s);
    let (inner, bracketed) = match t.strip_prefix('(') {
        Some(inner) => (inner, true),
        None => (t, false),
    };
    let rest = inner.strip_prefix("IST")?;
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '+' || c == '-') {
        return None;
    }
    if bracketed {
        return trim_start(rest).strip_prefix(')');
    }
    Some(rest)
}

/// Hours east of UTC of the zone abbreviations live pages use.
pub fn zone_hours(word: &str) -> Option<i32> {
    let hours = match word {
        "GMT" | "UTC" | "UT" | "WET" | "Z" => 0,
        "BST" | "CET" | "WAT" | "WEST" | "IST" | "MEZ" => 1,
        "CEST" | "EET" | "SAST" | "CAT" | "MESZ" => 2,
        "EEST" | "MSK" | "EAT" | "AST" => 3,
        "EST" => -5,
        "EDT" => -4,
        "CDT" => -5,
        "CST" => -6,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "JST" | "KST" => 9,
        "HKT" | "SGT" | "AWST" => 8,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        _ => return None,
    };
    Some(hours)
}

/// `+1`, `-5`, `+01:00`, `+0530` directly at the start of `s`: (seconds, rest).
pub fn take_numeric_offset(s: &str) -> Option<(i32, &str)> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &s[1..];
    let digits = body
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .count();
    let token = &body[..digits];
    let rest = &body[digits..];
    if rest.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let plain: String = token.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match (plain.len(), token.contains(':')) {
        (1 | 2, false) => (plain.parse::<i32>().ok()?, 0),
        (3 | 4, _) => {
            let split = plain.len() - 2;
            (
                plain[..split].parse::<i32>().ok()?,
                plain[split..].parse::<i32>().ok()?,
            )
        }
        _ => return None,
    };
    (h <= 14 && m < 60).then_some((sign * (h * 3600 + m * 60), rest))
}

/// Words before a clock: "at 14:05", "à 14h05", "um 11.04", "alle 14.05", "a las",
/// "às", "om", "o", "godz.", "ore", "Posted at", "Updated at".
const CLOCK_PREFIXES: &[&str] = &[
    "posted at ",
    "updated at ",
    "published at ",
    "posted ",
    "updated ",
    "a las ",
    "a la ",
    "alle ",
    "ore ",
    "godz. ",
    "godz ",
    "at ",
    "um ",
    "à ",
    "a ",
    "às ",
    "as ",
    "om ",
    "o ",
];

/// Words after a clock: `Uhr`, `horas`, `h`, `heures`, `ore`, `uur`, `hrs`.
const CLOCK_SUFFIXES: &[&str] = &[
    "uhr", "horas", "hrs", "hs", "heures", "ore", "uur", "godz", "h",
];

/// A clock at the start of `text` (after an optional "at"/"à"/"um" word), with its
/// meridiem, a `Uhr`/`horas` word and a zone, then an optional separator: the rest is
/// the entry's title. `None` when `text` does not start with a clock.
pub fn leading_clock(text: &str) -> Option<Lead<'_>> {
    let text = trim_start(text);
    let mut start = text;
    let lower_head: String = text.chars().take(16).collect::<String>().to_lowercase();
    for prefix in CLOCK_PREFIXES {
        if lower_head.starts_with(prefix) {
            // `to_lowercase` may change lengths for non-ASCII: find the split by chars.
            let chars = prefix.chars().count();
            let at = text
                .char_indices()
                .nth(chars)
                .map_or(text.len(), |(i, _)| i);
            start = trim_start(&text[at..]);
            break;
        }
    }
    let (mut hour, minute, mut rest) = take_clock(start)?;
    if let Some((pm, after)) = take_meridiem(rest) {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
        rest = after;
    }
    let t = trim_start(rest);
    for suffix in CLOCK_SUFFIXES {
        if let Some(after) = strip_prefix_ci(t, suffix)
            && !after.starts_with(|c: char| c.is_alphanumeric())
        {
            rest = after.strip_prefix('.').unwrap_or(after);
            break;
        }
    }
    let mut zone = None;
    if let Some(after) = ambiguous_zone(rest) {
        // `IST` is India's or Ireland's: the page's own zone decides.
        rest = after;
    } else if let Some((found, after)) = take_any_zone(rest) {
        zone = Some(found);
        rest = after;
    }
    let written_len = text.len() - rest.len();
    let written = text.get(..written_len)?.trim_end();
    let mut title = trim_start(rest);
    for separator in [":", "-", "–", "—", "|", "·", "•", ">", "»"] {
        if let Some(after) = title.strip_prefix(separator) {
            title = trim_start(after);
            break;
        }
    }
    Some(Lead {
        clock: Clock { hour, minute, zone },
        written,
        rest: title.trim_end(),
    })
}

/// A clock time anywhere in a short text (`Posted at 15:05`, `Updated at 9.05pm`,
/// `21:06 (IST)`); `None` when there is none or the text is long.
pub fn find_clock(text: &str) -> Option<Clock> {
    let text = text.trim();
    if text.is_empty() || text.len() > 80 {
        return None;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            if let Some(rest) = text.get(i..)
                && let Some(lead) = leading_clock(rest)
            {
                return Some(lead.clock);
            }
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    None
}

/// A football match minute at the start of a text: `95'`, `45+2'`, `90’+3`: (minute,
/// added time). An order, never a clock.
pub fn match_minute(text: &str) -> Option<(u16, u16)> {
    let t = trim_start(text);
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let minute: u16 = t.get(..digits)?.parse().ok()?;
    let mut rest = &t[digits..];
    let mut extra = 0;
    if let Some(after) = rest.strip_prefix('+') {
        let more = after.chars().take_while(char::is_ascii_digit).count();
        if !(1..=2).contains(&more) {
            return None;
        }
        extra = after.get(..more)?.parse().ok()?;
        rest = &after[more..];
    }
    let rest = rest
        .strip_prefix('\'')
        .or_else(|| rest.strip_prefix('’'))
        .or_else(|| rest.strip_prefix('′'))?;
    if rest.starts_with(|c: char| c.is_alphanumeric()) || minute > 150 {
        return None;
    }
    Some((minute, extra))
}

// ---------------------------------------------------------------------------------------
// Days

/// Lower case without accents: the form month and weekday names are matched in.
fn fold(word: &str) -> String {
    word.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => 'a',
            'ç' | 'ć' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ł' => 'l',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            '’' => '\'',
            c => c,
        })
        .collect()
}

/// Month names (folded) in the eight languages, Polish in both cases.
const MONTHS: [&[&str]; 12] = [
    &[
        "january", "januar", "janvier", "enero", "gennaio", "januari", "janeiro", "styczen",
        "stycznia", "janner",
    ],
    &[
        "february",
        "februar",
        "fevrier",
        "febrero",
        "febbraio",
        "februari",
        "fevereiro",
        "luty",
        "lutego",
    ],
    &[
        "march", "marz", "mars", "marzo", "maart", "marco", "marzec", "marca", "mrz",
    ],
    &["april", "avril", "abril", "aprile", "kwiecien", "kwietnia"],
    &["may", "mai", "mayo", "maggio", "mei", "maio", "maj", "maja"],
    &[
        "june", "juni", "juin", "junio", "giugno", "junho", "czerwiec", "czerwca",
    ],
    &[
        "july", "juli", "juillet", "julio", "luglio", "julho", "lipiec", "lipca",
    ],
    &[
        "august", "aout", "agosto", "augustus", "sierpien", "sierpnia",
    ],
    &[
        "september",
        "septembre",
        "septiembre",
        "setiembre",
        "settembre",
        "setembro",
        "wrzesien",
        "wrzesnia",
        "sept",
    ],
    &[
        "october",
        "oktober",
        "octobre",
        "octubre",
        "ottobre",
        "outubro",
        "pazdziernik",
        "pazdziernika",
    ],
    &[
        "november",
        "novembre",
        "noviembre",
        "novembro",
        "listopad",
        "listopada",
    ],
    &[
        "december",
        "dezember",
        "decembre",
        "diciembre",
        "dicembre",
        "dezembro",
        "grudzien",
        "grudnia",
    ],
];

/// Weekday names (folded), Monday first, in the eight languages.
const WEEKDAYS: [&[&str]; 7] = [
    &[
        "monday",
        "montag",
        "lundi",
        "lunes",
        "lunedi",
        "maandag",
        "segunda",
        "segunda-feira",
        "poniedzialek",
    ],
    &[
        "tuesday",
        "dienstag",
        "mardi",
        "martes",
        "martedi",
        "dinsdag",
        "terca",
        "terca-feira",
        "wtorek",
    ],
    &[
        "wednesday",
        "mittwoch",
        "mercredi",
        "miercoles",
        "mercoledi",
        "woensdag",
        "quarta",
        "quarta-feira",
        "sroda",
    ],
    &[
        "thursday",
        "donnerstag",
        "jeudi",
        "jueves",
        "giovedi",
        "donderdag",
        "quinta",
        "quinta-feira",
        "czwartek",
    ],
    &[
        "friday",
        "freitag",
        "vendredi",
        "viernes",
        "venerdi",
        "vrijdag",
        "sexta",
        "sexta-feira",
        "piatek",
    ],
    &[
        "saturday",
        "samstag",
        "sonnabend",
        "samedi",
        "sabado",
        "sabato",
        "zaterdag",
        "sobota",
    ],
    &[
        "sunday",
        "sonntag",
        "dimanche",
        "domingo",
        "domenica",
        "zondag",
        "niedziela",
    ],
];

/// The words for today and yesterday.
const TODAY: &[&str] = &[
    "today",
    "heute",
    "aujourd'hui",
    "hoy",
    "oggi",
    "vandaag",
    "hoje",
    "dzisiaj",
    "dzis",
];
const YESTERDAY: &[&str] = &[
    "yesterday",
    "gestern",
    "hier",
    "ayer",
    "ieri",
    "gisteren",
    "ontem",
    "wczoraj",
];

/// The month a (possibly abbreviated, possibly localized) name means.
pub fn month(word: &str) -> Option<i8> {
    let w = fold(word.trim_end_matches(['.', ',']));
    if w.chars().count() < 3 {
        return None;
    }
    let mut found = None;
    for (index, names) in MONTHS.iter().enumerate() {
        if names.iter().any(|name| name.starts_with(w.as_str())) {
            if found.is_some_and(|f| f != index) {
                return None;
            }
            found = Some(index);
        }
    }
    i8::try_from(found? + 1).ok()
}

/// True for a weekday name or its abbreviation (`Thu`, `Do.`, `jeu.`, `sáb`).
pub fn weekday(word: &str) -> bool {
    let dotted = word.ends_with(['.', ',']);
    let w = fold(word.trim_end_matches(['.', ',']));
    let len = w.chars().count();
    (len >= 3 || (len == 2 && dotted))
        && WEEKDAYS
            .iter()
            .any(|names| names.iter().any(|name| name.starts_with(w.as_str())))
}

/// `21`, `21st`, `3rd`, `1er`, `18.`: a day of the month.
fn day_number(word: &str) -> Option<i8> {
    let word = word.trim_end_matches('.');
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &word[digits.len()..];
    if digits.is_empty()
        || digits.len() > 2
        || !matches!(
            suffix,
            "" | "st" | "nd" | "rd" | "th" | "er" | "e" | "º" | "°"
        )
    {
        return None;
    }
    let day: i8 = digits.parse().ok()?;
    (1..=31).contains(&day).then_some(day)
}

fn year_number(word: &str) -> Option<i16> {
    let word = word.trim_end_matches(['.', ',']);
    (word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

/// Words with their byte spans, split on whitespace; a trailing comma is not part of a
/// word (a trailing dot is: `18.` is a German day).
fn tokens(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() || c == '\u{a0}' {
            if let Some(from) = start.take() {
                out.push((from, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
        if out.len() > 64 {
            break;
        }
    }
    if let Some(from) = start
        && out.len() <= 64
    {
        out.push((from, s.len()));
    }
    out.into_iter()
        .map(|(from, to)| {
            let word = s[from..to].trim_end_matches([',', ';']);
            (from, from + word.len())
        })
        .filter(|(from, to)| to > from)
        .collect()
}

/// `2026-11-21` (possibly followed by `T14:05`).
fn iso_date(word: &str) -> Option<Date> {
    let head = word.get(..10)?;
    let bytes = head.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let tail = &word[10..];
    if !(tail.is_empty() || tail.starts_with(['T', 't', ' '])) {
        return None;
    }
    let year: i16 = head.get(..4)?.parse().ok()?;
    let month: i8 = head.get(5..7)?.parse().ok()?;
    let day: i8 = head.get(8..10)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

/// `18.07.2024`, `18/07/2024`, `18.7.` (no year: needs the trailing dot, else it is a
/// clock), as (day, month, year).
fn numeric_date(word: &str) -> Option<(i8, i8, Option<i16>)> {
    let separator = if word.contains('/') { '/' } else { '.' };
    let parts: Vec<&str> = word.split(separator).collect();
    let all_digits =
        |p: &str| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [d, m, y] if all_digits(d) && all_digits(m) && y.len() == 4 && all_digits(y) => {
            Some((d.parse().ok()?, m.parse().ok()?, year_number(y)))
        }
        [d, m, ""]
            if separator == '.'
                && d.len() <= 2
                && m.len() <= 2
                && all_digits(d)
                && all_digits(m) =>
        {
            Some((d.parse().ok()?, m.parse().ok()?, None))
        }
        _ => None,
    }
}

/// A year for a month and day printed without one: the one nearest `reference`, not
/// more than a day after it.
fn nearest_year(month: i8, day: i8, reference: Date) -> Option<Date> {
    let mut best: Option<Date> = None;
    for year in [reference.year() - 1, reference.year(), reference.year() + 1] {
        let Ok(date) = Date::new(year, month, day) else {
            continue;
        };
        if date > reference.tomorrow().unwrap_or(reference) {
            continue;
        }
        if best.is_none_or(|b| date > b) {
            best = Some(date);
        }
    }
    best
}

/// A date starting at token `start`: (date, byte end). Without a `reference` a year
/// must be written; with one, a missing year is the nearest, and "today"/"yesterday"
/// words count from it.
fn date_at(
    s: &str,
    tokens: &[(usize, usize)],
    start: usize,
    reference: Option<Date>,
) -> Option<(Date, usize)> {
    let word = |i: usize| tokens.get(i).map(|&(from, to)| &s[from..to]);
    let mut i = start;
    let first = word(i)?;
    if let Some(date) = iso_date(first) {
        return Some((date, tokens[i].1));
    }
    if let Some(reference) = reference {
        let folded = fold(first.trim_end_matches(['.', ',', ':']));
        if TODAY.contains(&folded.as_str()) {
            return Some((reference, tokens[i].1));
        }
        if YESTERDAY.contains(&folded.as_str()) {
            return Some((reference.yesterday().ok()?, tokens[i].1));
        }
    }
    if weekday(first) {
        i += 1;
    }
    let skip_de = |j: usize| {
        if word(j).is_some_and(|w| matches!(fold(w).as_str(), "de" | "del" | "van")) {
            j + 1
        } else {
            j
        }
    };
    let a = word(i)?;
    // Numeric: `18.07.2024`, `18.7.`, or `18. 7.` / `18. 7. 2024` in two tokens.
    if let Some((day, month_number, year)) = numeric_date(a) {
        return finish(day, month_number, year, tokens[i].1, reference);
    }
    if a.ends_with('.')
        && let Some(day) = day_number(a)
        && let Some(b) = word(i + 1)
        && b.ends_with('.')
        && b.len() <= 3
        && let Ok(month_number) = b.trim_end_matches('.').parse::<i8>()
    {
        if let Some(year) = word(i + 2).and_then(year_number) {
            return finish(day, month_number, Some(year), tokens[i + 2].1, reference);
        }
        return finish(day, month_number, None, tokens[i + 1].1, reference);
    }
    let (day, month_number, after) = if let Some(day) = day_number(a) {
        let j = skip_de(i + 1);
        let m = month(word(j)?)?;
        (day, m, j)
    } else if let Some(m) = month(a) {
        let day = day_number(word(i + 1)?)?;
        (day, m, i + 1)
    } else {
        return None;
    };
    let j = skip_de(after + 1);
    match word(j).and_then(year_number) {
        Some(year) => finish(day, month_number, Some(year), tokens[j].1, reference),
        None => finish(day, month_number, None, tokens[after].1, reference),
    }
}

fn finish(
    day: i8,
    month: i8,
    year: Option<i16>,
    end: usize,
    reference: Option<Date>,
) -> Option<(Date, usize)> {
    let date = match year {
        Some(year) => Date::new(year, month, day).ok()?,
        None => nearest_year(month, day, reference?)?,
    };
    Some((date, end))
}

/// A date (with its year) at the start of `s`: `2026-11-21`, `Sat 21 Nov 2026`,
/// `21 November 2026`, `Saturday, November 21, 2026`, `jeudi 18 juillet 2024`,
/// `18.07.2024`: (date, rest).
pub fn take_date(s: &str) -> Option<(Date, &str)> {
    let tokens = tokens(s);
    let (date, end) = date_at(s, &tokens, 0, None)?;
    Some((date, &s[end..]))
}

/// The first date (with its year) anywhere in `s`.
pub fn find_date(s: &str) -> Option<Date> {
    if s.len() > 400 {
        return None;
    }
    let tokens = tokens(s);
    (0..tokens.len()).find_map(|i| date_at(s, &tokens, i, None).map(|(date, _)| date))
}

/// A day heading: a short text that is a date and little else (`Donnerstag, 18. Juli`,
/// `Friday 25 September 2015`, `jeudi 18 juillet`, `Yesterday`, `Heute`), read against
/// `reference` (the page's day) for a missing year and the relative words.
pub fn day_heading(text: &str, reference: Date) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 48 {
        return None;
    }
    let tokens = tokens(text);
    let (date, end) = date_at(text, &tokens, 0, Some(reference))?;
    let rest = text[end..].trim_matches(|c: char| c.is_whitespace() || ",.:;-–—|".contains(c));
    // A year or a weekday may follow ("Gestern, 17. Juli"); a clock or a sentence may not.
    let rest_ok = rest.is_empty()
        || date_at(rest, &self::tokens(rest), 0, Some(reference))
            .is_some_and(|(_, e)| rest[e..].trim().is_empty());
    rest_ok.then_some(date)
}

/// "Last updated", "Aktualisiert", "Mis à jour", "Actualizado", "Aggiornato",
/// "Bijgewerkt", "Atualizado", "Zaktualizowano", with `: ` / ` at ` / ` am `… after.
const UPDATED_WORDS: &[&str] = &[
    "last updated",
    "updated",
    "last modified",
    "zuletzt aktualisiert",
    "aktualisiert",
    "stand",
    "mis à jour",
    "mise à jour",
    "actualizado",
    "última actualización",
    "aggiornato",
    "ultimo aggiornamento",
    "bijgewerkt",
    "laatst bijgewerkt",
    "atualizado",
    "atualizado em",
    "zaktualizowano",
    "aktualizacja",
];

/// The rest of a "Last updated …" line, without the label and its `on`/`at`/`le`/`am`.
pub fn updated_line(text: &str) -> Option<&str> {
    let t = text.trim();
    if t.chars().count() > 120 {
        return None;
    }
    let lower = t.to_lowercase();
    let word = UPDATED_WORDS
        .iter()
        .filter(|w| lower.starts_with(*w))
        .max_by_key(|w| w.len())?;
    let chars = word.chars().count();
    let at = t.char_indices().nth(chars).map_or(t.len(), |(i, _)| i);
    let mut rest = t[at..].trim_start_matches([':', ' ', '\u{a0}', ',']);
    for filler in [
        "on ", "at ", "le ", "am ", "el ", "il ", "op ", "em ", "en ", "a las ", "um ",
    ] {
        if let Some(after) = strip_prefix_ci(rest, filler) {
            rest = after;
            break;
        }
    }
    (!rest.is_empty()).then_some(rest)
}

/// A "Last updated …" line read: its date (relative to `reference`) and clock, if any.
pub fn updated_stamp(text: &str, reference: Date) -> Option<(Option<Date>, Option<Clock>)> {
    let rest = updated_line(text)?;
    let tokens = tokens(rest);
    let dated = date_at(rest, &tokens, 0, Some(reference));
    let after = dated.map_or(rest, |(_, end)| &rest[end..]);
    let after = after.trim_start_matches([',', ' ', '\u{a0}', '-', '|']);
    let after = ["at ", "um ", "à ", "a las ", "alle ", "om ", "às ", "o "]
        .iter()
        .find_map(|w| strip_prefix_ci(after, w))
        .unwrap_or(after);
    let clock = leading_clock(after).map(|lead| lead.clock);
    if dated.is_none() && clock.is_none() {
        return None;
    }
    Some((dated.map(|(date, _)| date), clock))
}

// ---------------------------------------------------------------------------------------
// Anchoring clock times to days

/// Which way a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewestFirst,
    OldestFirst,
}

impl Order {
    pub fn describe(self) -> &'static str {
        match self {
            Order::NewestFirst => "newest first",
            Order::OldestFirst => "oldest first",
        }
    }
}

/// One entry's time as the page gives it, for [`anchor`].
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub clock: Clock,
    /// A day stated for this entry (a day heading above it).
    pub date: Option<Date>,
}

/// What clock times are anchored with.
#[derive(Debug, Clone)]
pub struct Anchoring<'a> {
    /// The list's order; `None` detects it.
    pub order: Option<Order>,
    /// The newest entry's day, when the page says; else today (in `zone`) of `now`.
    pub date: Option<Date>,
    /// The page's zone, for clocks without their own.
    pub zone: &'a TimeZone,
    /// "Now": no time is placed after it (beyond [`FUTURE_SLACK_SECONDS`]); `None`
    /// skips that rule (and then `date` is needed).
    pub now: Option<Timestamp>,
}

/// The order clock times run in: newest first unless more steps go up than down
/// (steps measured on the clock face, so a list crossing midnight is read right).
pub fn detect_order(minutes: &[Option<i32>]) -> Order {
    let present: Vec<i32> = minutes.iter().flatten().copied().collect();
    let (mut up, mut down) = (0usize, 0usize);
    for pair in present.windows(2) {
        // On the clock face: a step of more than 12 hours forward is one back across
        // midnight (00:10 then 23:55 runs down).
        let step = (pair[1] - pair[0]).rem_euclid(24 * 60);
        if step == 0 {
            continue;
        }
        if step < 12 * 60 {
            up += 1;
        } else {
            down += 1;
        }
    }
    if up > down {
        Order::OldestFirst
    } else {
        Order::NewestFirst
    }
}

/// A day relative to the newest entry's, or stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    Stated(Date),
    Relative(i32),
}

/// Clock times in list order to timestamps: the list's order (given or detected), days
/// counted back from the newest entry (a clock that runs up by more than
/// [`OUT_OF_ORDER_MINUTES`] going back in time is the day before), each time in its own
/// zone or the page's (with the rules of its own day), and the newest entry never after
/// `now` (then the whole list is a day earlier). Returns the times and the order used.
pub fn anchor(stamps: &[Option<Stamp>], how: &Anchoring<'_>) -> (Vec<Option<Timestamp>>, Order) {
    let minutes: Vec<Option<i32>> = stamps
        .iter()
        .map(|s| s.as_ref().map(|s| s.clock.minutes()))
        .collect();
    let order = how.order.unwrap_or_else(|| detect_order(&minutes));
    // Walk from the newest entry back in time.
    let indices: Vec<usize> = match order {
        Order::NewestFirst => (0..stamps.len()).collect(),
        Order::OldestFirst => (0..stamps.len()).rev().collect(),
    };
    let mut days: Vec<Option<Day>> = vec![None; stamps.len()];
    let mut current = Day::Relative(0);
    let mut previous: Option<i32> = None;
    for &index in &indices {
        let Some(stamp) = &stamps[index] else {
            continue;
        };
        let m = stamp.clock.minutes();
        if let Some(date) = stamp.date {
            current = Day::Stated(date);
        } else if previous.is_some_and(|p| m > p + OUT_OF_ORDER_MINUTES) {
            current = match current {
                Day::Stated(date) => date.yesterday().map_or(current, Day::Stated),
                Day::Relative(offset) => Day::Relative(offset.saturating_sub(1)),
            };
        }
        previous = Some(m);
        days[index] = Some(current);
    }
    let today = how.now.map(|now| now.to_zoned(how.zone.clone()).date());
    let mut newest_day = how.date.or(today);
    let resolve = |newest: Option<Date>| -> Vec<Option<Timestamp>> {
        stamps
            .iter()
            .zip(&days)
            .map(|(stamp, day)| {
                let stamp = stamp.as_ref()?;
                let date = match (*day)? {
                    Day::Stated(date) => date,
                    Day::Relative(offset) => newest?.checked_add(i64::from(offset).days()).ok()?,
                };
                let at = date.to_datetime(
                    jiff::civil::Time::new(stamp.clock.hour, stamp.clock.minute, 0, 0).ok()?,
                );
                match &stamp.clock.zone {
                    Some(zone) => zone.timestamp(at),
                    None => how.zone.to_timestamp(at).ok(),
                }
            })
            .collect()
    };
    let mut times = resolve(newest_day);
    if let (Some(now), Some(today)) = (how.now, today) {
        let limit = now.as_second().saturating_add(FUTURE_SLACK_SECONDS);
        for _ in 0..4 {
            let future = times.iter().zip(&days).any(|(t, d)| {
                matches!(d, Some(Day::Relative(_))) && t.is_some_and(|t| t.as_second() > limit)
            });
            let Some(day) = newest_day.filter(|_| future) else {
                break;
            };
            newest_day = if day > today {
                Some(today)
            } else {
                day.yesterday().ok()
            };
            times = resolve(newest_day);
        }
        // Stated days after today, and whatever still lies ahead, are not believed.
        for time in &mut times {
            if time.is_some_and(|t| t.as_second() > limit) {
                *time = None;
            }
        }
    }
    (times, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(s: &str) -> Option<(i8, i8, String, String)> {
        leading_clock(s).map(|l| {
            (
                l.clock.hour,
                l.clock.minute,
                l.written.to_string(),
                l.rest.to_string(),
            )
        })
    }

    fn hm(s: &str) -> Option<(i8, i8)> {
        leading_clock(s).map(|l| (l.clock.hour, l.clock.minute))
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn clock_forms() {
        assert_eq!(hm("14:05"), Some((14, 5)));
        assert_eq!(hm("14.05"), Some((14, 5)));
        assert_eq!(hm("9h05"), Some((9, 5)));
        assert_eq!(hm("14h05"), Some((14, 5)));
        assert_eq!(hm("2.05pm"), Some((14, 5)));
        assert_eq!(hm("9:43PM"), Some((21, 43)));
        assert_eq!(hm("2:05 p.m."), Some((14, 5)));
        assert_eq!(hm("12:30 am"), Some((0, 30)));
        assert_eq!(hm("25:00"), None);
        assert_eq!(hm("1.5m people"), None);
        assert_eq!(hm("14:05x"), None);
        assert_eq!(hm("2020"), None);
        assert_eq!(hm("13:05 pm"), None);
    }

    #[test]
    fn clock_words_in_eight_languages() {
        // English, German, French, Spanish, Italian, Dutch, Portuguese, Polish.
        assert_eq!(
            lead("14:05 GMT - Fire out"),
            Some((14, 5, "14:05 GMT".into(), "Fire out".into()))
        );
        assert_eq!(
            lead("11.04 Uhr: Titel"),
            Some((11, 4, "11.04 Uhr".into(), "Titel".into()))
        );
        assert_eq!(
            lead("à 14h05 - La Bourse"),
            Some((14, 5, "à 14h05".into(), "La Bourse".into()))
        );
        assert_eq!(
            lead("9h05 -\u{a0}La Bourse"),
            Some((9, 5, "9h05".into(), "La Bourse".into()))
        );
        assert_eq!(
            lead("14.05 horas: El Gobierno"),
            Some((14, 5, "14.05 horas".into(), "El Gobierno".into()))
        );
        assert_eq!(
            lead("alle 14.05 - Il governo"),
            Some((14, 5, "alle 14.05".into(), "Il governo".into()))
        );
        assert_eq!(
            lead("14.05 uur | Het kabinet"),
            Some((14, 5, "14.05 uur".into(), "Het kabinet".into()))
        );
        assert_eq!(
            lead("às 14h05 – O governo"),
            Some((14, 5, "às 14h05".into(), "O governo".into()))
        );
        assert_eq!(
            lead("godz. 14:05 Rząd"),
            Some((14, 5, "godz. 14:05".into(), "Rząd".into()))
        );
        assert_eq!(lead("17.00"), Some((17, 0, "17.00".into(), String::new())));
    }

    #[test]
    fn zones() {
        let zone = |s: &str| {
            leading_clock(s)
                .and_then(|l| l.clock.zone)
                .map(|z| z.describe())
        };
        assert_eq!(zone("14:05 GMT").as_deref(), Some("+00"));
        assert_eq!(zone("16.33\u{a0}CET").as_deref(), Some("+01"));
        // Ambiguous (India or Ireland): the page's zone decides.
        assert_eq!(zone("19:02 (IST)"), None);
        assert_eq!(
            lead("19:02 (IST) - Rain stops play").map(|l| l.3),
            Some("Rain stops play".to_string())
        );
        assert_eq!(zone("14:05 CEST").as_deref(), Some("+02"));
        assert_eq!(zone("9:00 EDT").as_deref(), Some("-04"));
        assert_eq!(zone("14:05 +05:30").as_deref(), Some("+05:30"));
        assert_eq!(zone("14:05 GMT+1").as_deref(), Some("+01"));
        let et = leading_clock("9:00 ET").and_then(|l| l.clock.zone);
        assert!(
            matches!(et, Some(Zone::Rules(_)) | Some(Zone::Fixed(_))),
            "{et:?}"
        );
        assert!(zone("14:05 PT").is_some());
        assert_eq!(zone("14:05"), None);
        assert_eq!(
            find_clock("Posted at 15:05").map(|c| c.minutes()),
            Some(15 * 60 + 5)
        );
        assert_eq!(
            find_clock("21:06 (IST)").map(|c| c.minutes()),
            Some(21 * 60 + 6)
        );
        assert_eq!(find_clock("65.06 sek. 99:99"), None);
    }

    #[test]
    fn match_minutes() {
        assert_eq!(match_minute("95'"), Some((95, 0)));
        assert_eq!(match_minute("45+2'"), Some((45, 2)));
        assert_eq!(match_minute("3’ Corner"), Some((3, 0)));
        assert_eq!(match_minute("95"), None);
        assert_eq!(match_minute("95's"), None);
        assert_eq!(match_minute("14:05"), None);
    }

    #[test]
    fn dates_with_years() {
        let n = d(2026, 11, 21);
        assert_eq!(find_date("Sat 21 Nov 2026 14.05 GMT"), Some(n));
        assert_eq!(find_date("Published 21 November 2026"), Some(n));
        assert_eq!(find_date("2026-11-21"), Some(n));
        assert_eq!(find_date("Saturday, November 21st, 2026"), Some(n));
        assert_eq!(find_date("the 21 people in 2026"), None);
        assert_eq!(find_date("Friday 25 September 2015"), Some(d(2015, 9, 25)));
        assert_eq!(find_date("Samstag, 21. November 2026"), Some(n));
        assert_eq!(find_date("samedi 21 novembre 2026"), Some(n));
        assert_eq!(find_date("sábado, 21 de noviembre de 2026"), Some(n));
        assert_eq!(find_date("sabato 21 novembre 2026"), Some(n));
        assert_eq!(find_date("zaterdag 21 november 2026"), Some(n));
        assert_eq!(find_date("sábado, 21 de novembro de 2026"), Some(n));
        assert_eq!(find_date("sobota, 21 listopada 2026"), Some(n));
        assert_eq!(find_date("21.11.2026"), Some(n));
        assert_eq!(find_date("21/11/2026"), Some(n));
        assert_eq!(find_date("14.05 GMT"), None);
    }

    #[test]
    fn day_headings_in_eight_languages() {
        let r = d(2024, 7, 18);
        assert_eq!(day_heading("Donnerstag, 18. 7.", r), Some(r));
        assert_eq!(day_heading("Donnerstag, 18. Juli", r), Some(r));
        assert_eq!(day_heading("Do., 18.07.", r), Some(r));
        assert_eq!(day_heading("jeudi 18 juillet", r), Some(r));
        assert_eq!(day_heading("jueves, 18 de julio", r), Some(r));
        assert_eq!(day_heading("giovedì 18 luglio", r), Some(r));
        assert_eq!(day_heading("donderdag 18 juli", r), Some(r));
        assert_eq!(day_heading("quinta-feira, 18 de julho", r), Some(r));
        assert_eq!(day_heading("czwartek, 18 lipca", r), Some(r));
        assert_eq!(day_heading("Thursday 18 July", r), Some(r));
        assert_eq!(
            day_heading("Friday 25 September 2015", r),
            Some(d(2015, 9, 25))
        );
        let y = d(2024, 7, 17);
        for word in [
            "Yesterday",
            "Gestern",
            "Hier",
            "Ayer",
            "Ieri",
            "Gisteren",
            "Ontem",
            "Wczoraj",
        ] {
            assert_eq!(day_heading(word, r), Some(y), "{word}");
        }
        for word in [
            "Today",
            "Heute",
            "Aujourd'hui",
            "Aujourd’hui",
            "Hoy",
            "Oggi",
            "Vandaag",
            "Hoje",
            "Dzisiaj",
        ] {
            assert_eq!(day_heading(word, r), Some(r), "{word}");
        }
        assert_eq!(day_heading("Gestern, 17. Juli", r), Some(y));
        // A yearless day after the reference is last year's.
        assert_eq!(day_heading("25 December", r), Some(d(2023, 12, 25)));
        // Not day headings.
        assert_eq!(day_heading("14.05", r), None);
        assert_eq!(
            day_heading("18 July: the minister resigned after a long day", r),
            None
        );
        assert_eq!(day_heading("Lire aussi", r), None);
    }

    #[test]
    fn updated_lines() {
        let r = d(2024, 7, 18);
        let read = |s: &str| updated_stamp(s, r).map(|(day, c)| (day, c.map(|c| c.minutes())));
        assert_eq!(
            read("Last updated 18 July 2024 at 14:05"),
            Some((Some(r), Some(845)))
        );
        assert_eq!(
            read("Aktualisiert am 18.07.2024, 11.04 Uhr"),
            Some((Some(r), Some(664)))
        );
        assert_eq!(
            read("Mis à jour le 18 juillet 2024 à 9h05"),
            Some((Some(r), Some(545)))
        );
        assert_eq!(read("Actualizado: 14:05"), Some((None, Some(845))));
        assert_eq!(read("Bijgewerkt op 18 juli 2024"), Some((Some(r), None)));
        assert_eq!(read("The body said so"), None);
    }

    fn stamp(h: i8, m: i8) -> Option<Stamp> {
        Some(Stamp {
            clock: Clock {
                hour: h,
                minute: m,
                zone: None,
            },
            date: None,
        })
    }

    fn strings(times: &[Option<Timestamp>]) -> Vec<String> {
        times
            .iter()
            .map(|t| t.map(|t| t.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn anchoring_newest_first_with_noise_and_midnight() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let how = Anchoring {
            order: None,
            date: Some(d(2024, 7, 18)),
            zone: &paris,
            now: Some(
                "2024-07-18T09:17:00+02:00[Europe/Paris]"
                    .parse::<jiff::Zoned>()
                    .unwrap()
                    .timestamp(),
            ),
        };
        let (times, order) = anchor(
            &[
                stamp(9, 5),
                stamp(7, 7),
                stamp(7, 5),
                stamp(7, 7),
                stamp(7, 3),
                None,
            ],
            &how,
        );
        assert_eq!(order, Order::NewestFirst);
        assert_eq!(
            strings(&times),
            [
                "2024-07-18T07:05:00Z",
                "2024-07-18T05:07:00Z",
                "2024-07-18T05:05:00Z",
                "2024-07-18T05:07:00Z",
                "2024-07-18T05:03:00Z",
                ""
            ]
        );
        // Across midnight, newest first: 00:10 then 23:55 is the day before.
        let (times, _) = anchor(
            &[stamp(0, 10), stamp(23, 55)],
            &Anchoring {
                zone: &TimeZone::UTC,
                ..how.clone()
            },
        );
        assert_eq!(
            strings(&times),
            ["2024-07-18T00:10:00Z", "2024-07-17T23:55:00Z"]
        );
    }

    #[test]
    fn anchoring_oldest_first_and_never_in_the_future() {
        let now: Timestamp = "2024-03-02T00:30:00Z".parse().unwrap();
        let how = Anchoring {
            order: None,
            date: None,
            zone: &TimeZone::UTC,
            now: Some(now),
        };
        let (times, order) = anchor(
            &[stamp(22, 0), stamp(23, 10), stamp(23, 50), stamp(0, 20)],
            &how,
        );
        assert_eq!(order, Order::OldestFirst);
        assert_eq!(
            strings(&times),
            [
                "2024-03-01T22:00:00Z",
                "2024-03-01T23:10:00Z",
                "2024-03-01T23:50:00Z",
                "2024-03-02T00:20:00Z"
            ]
        );
        // Today's 23:30 would be in the future at 00:30: it was yesterday's.
        let (times, _) = anchor(&[stamp(23, 30)], &how);
        assert_eq!(strings(&times), ["2024-03-01T23:30:00Z"]);
        // A page date after "now" is not believed either.
        let (times, _) = anchor(
            &[stamp(12, 0)],
            &Anchoring {
                date: Some(d(2030, 1, 1)),
                ..how.clone()
            },
        );
        assert_eq!(strings(&times), ["2024-03-01T12:00:00Z"]);
    }

    #[test]
    fn anchoring_uses_each_days_rules_and_day_headings() {
        let london = TimeZone::get("Europe/London").unwrap();
        let stated = |h, m, date| {
            Some(Stamp {
                clock: Clock {
                    hour: h,
                    minute: m,
                    zone: None,
                },
                date: Some(date),
            })
        };
        let how = Anchoring {
            order: Some(Order::NewestFirst),
            date: Some(d(2024, 3, 31)),
            zone: &london,
            now: None,
        };
        // 31 March 2024 is the first BST day in London; 30 March is still GMT.
        let (times, _) = anchor(&[stamp(12, 0), stated(12, 0, d(2024, 3, 30))], &how);
        assert_eq!(
            strings(&times),
            ["2024-03-31T11:00:00Z", "2024-03-30T12:00:00Z"]
        );
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn grammar_never_panics(text in "\\PC{0,80}") {
            let r = d(2024, 7, 18);
            let _ = leading_clock(&text);
            let _ = find_clock(&text);
            let _ = match_minute(&text);
            let _ = day_heading(&text, r);
            let _ = updated_stamp(&text, r);
            let _ = find_date(&text);
            let _ = take_date(&text);
            let _ = take_any_zone(&text);
        }

        #[test]
        fn clocks_read_back(h in 0i8..24, m in 0i8..60, sep in prop::sample::select(vec![":", ".", "h"])) {
            let written = format!("{h}{sep}{m:02}");
            prop_assert_eq!(hm(&written), Some((h, m)));
        }

        #[test]
        fn anchoring_is_monotonic_and_never_in_the_future(
            clocks in proptest::collection::vec((0i8..24, 0i8..60), 0..30),
            oldest_first in any::<bool>(),
            now in 946_684_800i64..4_000_000_000,
        ) {
            let now = Timestamp::from_second(now).unwrap_or_default();
            let stamps: Vec<Option<Stamp>> = clocks.iter().map(|&(h, m)| stamp(h, m)).collect();
            let order = if oldest_first { Order::OldestFirst } else { Order::NewestFirst };
            let paris = TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC);
            for zone in [&TimeZone::UTC, &paris] {
                let how = Anchoring { order: Some(order), date: None, zone, now: Some(now) };
                let (times, _) = anchor(&stamps, &how);
                let limit = now.as_second() + FUTURE_SLACK_SECONDS;
                prop_assert!(times.iter().flatten().all(|t| t.as_second() <= limit));
                if zone == &TimeZone::UTC {
                    // Going back in time, no step runs forward by more than the tolerance.
                    let mut list: Vec<i64> = times.iter().flatten().map(|t| t.as_second()).collect();
                    if oldest_first {
                        list.reverse();
                    }
                    let tolerance = i64::from(OUT_OF_ORDER_MINUTES) * 60;
                    prop_assert!(list.windows(2).all(|w| w[1] <= w[0] + tolerance), "{:?}", list);
                }
            }
        }
    }
}
