//! A name for a new source, as a person would write it: from the page's or feed's
//! title, without the site's name or the "LIVE:" label, short enough for the list's
//! source column, and unique in the config. `add`, the reader's `a` and `opml import`
//! all name sources this way.

use crate::sanitize::clean_line;

/// Names longer than this are cut at a word.
const MAX_NAME: usize = 40;

/// Labels a live page puts before its topic ("LIVE: Ukraine war").
const PREFIXES: &[&str] = &[
    "live updates:",
    "live update:",
    "live:",
    "live -",
    "live –",
    "breaking:",
    "liveticker:",
    "live-ticker:",
    "en direct :",
    "en direct:",
    "en direct -",
    "direct :",
    "en vivo:",
    "diretta:",
    "na żywo:",
];

/// Labels after the topic ("Ukraine war – live", "… as it happened").
const SUFFIXES: &[&str] = &[
    "– as it happened",
    "- as it happened",
    "— as it happened",
    "live updates",
    "live blog",
    "liveblog",
    "(live)",
    "– live",
    "- live",
    "— live",
    "live",
    "im liveticker",
    "liveticker",
    "en direct",
    "in diretta",
    "en vivo",
];

/// A short name for a source titled `title` (if it has one) at `url`.
pub fn short_name(title: Option<&str>, url: &str) -> String {
    let from_title = title.map(shorten).filter(|name| !name.is_empty());
    from_title.unwrap_or_else(|| name_from_url(url))
}

/// `base`, or `base (2)`, `base (3)`… whichever no name in `taken` is.
pub fn unique_name(base: &str, taken: &[&str]) -> String {
    let is_taken = |name: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(name));
    if !is_taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|name| !is_taken(name))
        .unwrap_or_else(|| base.to_string())
}

fn shorten(title: &str) -> String {
    let mut name = clean_line(title)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // "Site | Section" and "Headline | Site": what comes before the first pipe.
    if let Some((first, _)) = name.split_once(" | ")
        && first.chars().count() >= 3
    {
        name = first.to_string();
    }
    // "Topic live: the latest headline" names the topic.
    let lower = name.to_lowercase();
    if let Some(at) = lower.find(" live: ").or_else(|| lower.find(" live – "))
        && at >= 3
    {
        name.truncate(at);
    }
    loop {
        let before = name.clone();
        let lower = name.to_lowercase();
        for prefix in PREFIXES {
            if lower.starts_with(prefix) && name.len() > prefix.len() {
                name = name[prefix.len()..].trim_start().to_string();
                break;
            }
        }
        let lower = name.to_lowercase();
        for suffix in SUFFIXES {
            if lower.ends_with(suffix)
                && name.len() > suffix.len()
                && name.is_char_boundary(name.len() - suffix.len())
            {
                let cut = name.len() - suffix.len();
                // A whole word: "Olive" does not end in the label "live".
                if name[..cut].ends_with([' ', '-', '–', '—', ':', '('])
                    || suffix.starts_with(['–', '-', '—', '('])
                {
                    name.truncate(cut);
                    name = name
                        .trim_end_matches([' ', '-', '–', '—', ':', ','])
                        .to_string();
                    break;
                }
            }
        }
        // "Headline - Site": a short last part after a dash is the site's name.
        for dash in [" – ", " — ", " - "] {
            if let Some((head, tail)) = name.rsplit_once(dash)
                && tail.split_whitespace().count() <= 3
                && head.chars().count() >= 8
            {
                name = head.to_string();
                break;
            }
        }
        if name == before {
            break;
        }
    }
    cut_at_word(name.trim(), MAX_NAME)
}

fn cut_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + 1 + word.chars().count() > max - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max - 1).collect();
    }
    out.push('…');
    out
}

/// `example.org/live` from `https://www.example.org/live/ukraine?x=1`; a file's name
/// for a path.
fn name_from_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) if parsed.host_str().is_some() => {
            let host = parsed.host_str().unwrap_or_default();
            let host = host.strip_prefix("www.").unwrap_or(host);
            let first = parsed
                .path_segments()
                .and_then(|mut segments| segments.find(|s| !s.is_empty()))
                .map(|segment| format!("/{segment}"))
                .unwrap_or_default();
            cut_at_word(&clean_line(&format!("{host}{first}")), MAX_NAME)
        }
        _ => {
            let name = url
                .rsplit(['/', '\\'])
                .find(|s| !s.is_empty())
                .unwrap_or(url);
            cut_at_word(&clean_line(name), MAX_NAME)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(title: &str) -> String {
        short_name(Some(title), "https://example.org/x")
    }

    #[test]
    fn titles_lose_the_site_and_the_live_label() {
        assert_eq!(
            named(
                "Russia-Ukraine war live: Sunak tells Zelenskiy UK will train pilots | World news | The Guardian"
            ),
            "Russia-Ukraine war"
        );
        assert_eq!(
            named("UK riots LIVE: Plymouth stand-off as police hit"),
            "UK riots"
        );
        assert_eq!(
            named("LIVE: Hurricane Mireille makes landfall"),
            "Hurricane Mireille makes landfall"
        );
        assert_eq!(
            named("Bahrain Grand Prix: Formula One 2024 opener – live"),
            "Bahrain Grand Prix: Formula One 2024…"
        );
        assert_eq!(
            named("Rishi Sunak and Keir Starmer clash at PMQs – as it happened"),
            "Rishi Sunak and Keir Starmer clash at…"
        );
        assert_eq!(named("Election night - Example News"), "Election night");
        assert_eq!(named("BBC News - World"), "BBC News");
        assert_eq!(named("Nahost-Konflikt im Liveticker"), "Nahost-Konflikt");
        assert_eq!(named("Olive"), "Olive");
        assert_eq!(named("The Cloudflare Blog"), "The Cloudflare Blog");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let name = named("A very long headline about many things that keeps going on and on");
        assert!(name.chars().count() <= MAX_NAME, "{name}");
        assert!(name.ends_with('…'));
        assert!(name.starts_with("A very long headline"));
    }

    #[test]
    fn without_a_title_the_url_names_it() {
        assert_eq!(
            short_name(None, "https://www.example.org/live/ukraine?x=1"),
            "example.org/live"
        );
        assert_eq!(
            short_name(Some("  "), "https://example.org/"),
            "example.org"
        );
        assert_eq!(short_name(None, "/home/me/feeds/storm.xml"), "storm.xml");
        assert_eq!(
            short_name(Some("\u{1b}]0;x\u{7}"), "https://e.org/a"),
            "e.org/a"
        );
    }

    #[test]
    fn names_are_unique() {
        assert_eq!(unique_name("Storm", &["Kyiv"]), "Storm");
        assert_eq!(unique_name("Storm", &["storm"]), "Storm (2)");
        assert_eq!(unique_name("Storm", &["Storm", "Storm (2)"]), "Storm (3)");
    }
}
