//! Helpers shared by the parsers that read an HTML page's elements (microdata, the
//! JSON-LD enrichment from page blocks, CSS selectors): selector specs, element text,
//! entry body HTML, and bare clock times dated newest first.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use scraper::{ElementRef, Html, Node, Selector};

use super::input::Input;
use super::{clock, dates};

/// An HTML page's bytes as text: the charset from the content type, a BOM or a
/// `<meta charset>` (through encoding_rs), else UTF-8 (lossy).
pub fn decode_html(input: &Input<'_>) -> String {
    let bytes = input.bytes;
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let from_type = input.content_type.and_then(|ct| {
        let lower = ct.to_ascii_lowercase();
        let at = lower.find("charset=")?;
        let label = lower[at + 8..]
            .split(';')
            .next()?
            .trim()
            .trim_matches(['"', '\'']);
        Some(label.to_string())
    });
    let from_meta = || {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
        let at = head.find("charset=")?;
        let label: String = head[at + 8..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        Some(label)
    };
    let encoding = from_type
        .or_else(from_meta)
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE);
    match encoding {
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Parses a CSS selector; `None` (never a panic) when it is invalid.
pub fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css.trim()).ok()
}

/// `sel@attr` → (`sel`, Some(`attr`)); a bare `@attr` reads the element itself.
pub fn split_spec(spec: &str) -> (&str, Option<&str>) {
    match spec.rsplit_once('@') {
        Some((css, attr))
            if !attr.is_empty()
                && attr
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':') =>
        {
            (css.trim(), Some(attr.trim()))
        }
        _ => (spec.trim(), None),
    }
}

/// The whitespace-folded text content of an element.
pub fn text_of(element: ElementRef<'_>) -> String {
    element.text().collect::<Vec<_>>().join(" ")
}

/// The first descendant of `scope` matching `css` (the scope itself when `css` is empty).
pub fn first<'a>(scope: ElementRef<'a>, css: &str) -> Option<ElementRef<'a>> {
    if css.trim().is_empty() {
        return Some(scope);
    }
    let sel = selector(css)?;
    scope.select(&sel).next()
}

/// The value a `sel@attr` spec names inside `scope`: the attribute, or the text.
pub fn spec_value(scope: ElementRef<'_>, spec: &str) -> Option<String> {
    let (css, attr) = split_spec(spec);
    let element = first(scope, css)?;
    let value = match attr {
        Some(attr) => element.attr(attr)?.to_string(),
        None => text_of(element),
    };
    (!value.trim().is_empty()).then_some(value)
}

/// Containers an entry's body is marked up in by convention (schema.org microdata,
/// the common CMS class names), not by any one publisher's template.
const BODY_CLASSES: &[&str] = &[
    ".entry-content",
    ".post-body",
    ".article-body",
    "[itemprop=\"articleBody\"]",
];

/// The HTML of an entry's body inside its element: a known body container, else the
/// element's children without `header`, `footer`, `time`, scripts, share buttons and
/// the headline (`h1`–`h4` whose text is `title`).
pub fn body_html(element: ElementRef<'_>, title: &str) -> Option<String> {
    body_html_without(element, title, &[])
}

/// [`body_html`], also leaving out the `skip` elements (those a selector already read).
pub fn body_html_without(
    element: ElementRef<'_>,
    title: &str,
    skip: &[ElementRef<'_>],
) -> Option<String> {
    let mut container = BODY_CLASSES
        .iter()
        .find_map(|css| {
            first(element, css).filter(|e| e.id() != element.id() && e.value().name() != "meta")
        })
        .unwrap_or(element);
    // Wherever they sit: the headline, and short labels holding a time ("4m ago",
    // "12.50 BST", "November 02 2023 21:06 (IST)").
    let mut skip: Vec<ElementRef<'_>> = skip.to_vec();
    let time_sel = selector("time, amp-timeago");
    let title_len = title.chars().count();
    for el in container
        .descendants()
        .filter_map(ElementRef::wrap)
        .take(5000)
    {
        if el.id() == container.id() {
            continue;
        }
        let start = text_start(el, title_len.max(40) + 8);
        let name = el.value().name();
        let headline = !title.is_empty()
            && matches!(
                name,
                "h1" | "h2" | "h3" | "h4" | "div" | "p" | "span" | "strong"
            )
            && super::text::line(&start) == title;
        let time_label = || {
            start.chars().count() < 40
                && time_sel
                    .as_ref()
                    .is_some_and(|s| el.select(s).next().is_some())
        };
        if headline || time_label() {
            skip.push(el);
        }
    }
    // Descend through single wrappers (`<div><h3>…</h3><div>…</div></div>`).
    for _ in 0..4 {
        let kept_children: Vec<ElementRef<'_>> = container
            .child_elements()
            .filter(|el| !left_out(*el, &skip))
            .collect();
        let loose_text = container
            .children()
            .any(|c| c.value().as_text().is_some_and(|t| !t.trim().is_empty()));
        match kept_children.as_slice() {
            [only] if !loose_text && only.value().name() == "div" => container = *only,
            _ => break,
        }
    }
    let parts: Vec<NodeRef<'_>> = container.children().collect();
    let out = serialize_body(&parts, &skip);
    (!out.is_empty()).then_some(out)
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The `id` attribute of the element, if it has a usable one.
pub fn element_id(element: ElementRef<'_>) -> Option<&str> {
    element
        .value()
        .attr("id")
        .map(str::trim)
        .filter(|id| !id.is_empty())
}

/// The date a page states for itself: `article:published_time` and similar metas,
/// else `None`.
pub fn page_date(doc: &Html) -> Option<Timestamp> {
    let css = "meta[property=\"article:published_time\"], meta[name=\"article:published_time\"], \
               meta[itemprop=\"datePublished\"], meta[name=\"date\"], meta[name=\"pubdate\"], \
               meta[property=\"og:updated_time\"], meta[itemprop=\"startDate\"]";
    let sel = selector(css)?;
    doc.select(&sel)
        .filter_map(|m| m.attr("content"))
        .find_map(dates::parse)
}

/// The day bare clock times hang from: `--date`, else the page's own date (in the
/// configured zone), else today in the configured zone.
pub fn anchor_date(input: &Input<'_>, page: Option<Timestamp>) -> Date {
    let tz = &input.options.timezone;
    input
        .options
        .date
        .unwrap_or_else(|| page.unwrap_or(input.now).to_zoned(tz.clone()).date())
}

/// `14:05`, `14.05`, `2:05pm`, `2.05 p.m.`, `19:30 (IST)`, `9h05`: a clock time anywhere
/// in a short text; `None` when there is none (or it is not a valid time). The grammar
/// is [`super::clock`]'s.
pub fn clock(text: &str) -> Option<Time> {
    let found = super::clock::find_clock(text)?;
    Time::new(found.hour, found.minute, 0, 0).ok()
}

/// Dates clock times listed newest first: the first is on `anchor`, and the day rolls
/// back whenever the clock jumps up going down the list (00:10 then 23:55) by more than
/// a few minutes ([`super::clock::anchor`], the one anchoring rule).
pub fn date_clocks(times: &[Option<Time>], anchor: Date, tz: &TimeZone) -> Vec<Option<Timestamp>> {
    let stamps: Vec<Option<clock::Stamp>> = times
        .iter()
        .map(|time| {
            time.map(|t| clock::Stamp {
                clock: clock::Clock {
                    hour: t.hour(),
                    minute: t.minute(),
                    zone: None,
                },
                date: None,
            })
        })
        .collect();
    clock::anchor(
        &stamps,
        &clock::Anchoring {
            order: Some(clock::Order::NewestFirst),
            date: Some(anchor),
            zone: tz,
            now: None,
        },
    )
    .0
}

/// Entries without a time of their own take the nearest older one's (the entry below
/// them in a newest-first list), else the nearest newer one's.
pub fn fill_gaps(times: &mut [Option<Timestamp>]) {
    let mut below: Option<Timestamp> = None;
    for time in times.iter_mut().rev() {
        match time {
            Some(t) => below = Some(*t),
            None => *time = below,
        }
    }
    let mut above: Option<Timestamp> = None;
    for time in times.iter_mut() {
        match time {
            Some(t) => above = Some(*t),
            None => *time = above,
        }
    }
}

/// `scraper`'s node handle (an `ego_tree::NodeRef`), named through `ElementRef`.
pub type NodeRef<'a> = <ElementRef<'a> as std::ops::Deref>::Target;

/// Elements that hold no text a reader sees (and no entries).
pub fn is_inert(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "head"
            | "select"
            | "option"
            | "iframe"
    )
}

/// The first `limit` characters of an element's text, whitespace folded.
pub fn text_start(element: ElementRef<'_>, limit: usize) -> String {
    let mut out = String::new();
    for piece in element.text() {
        for word in piece.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
            if out.len() >= limit {
                return out;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Bodies without furniture (the DOM reader's, and the fallback of `body_html`)

/// Ad labels, in the eight languages.
const AD_LABELS: &[&str] = &[
    "publicité",
    "publicite",
    "advertisement",
    "advert",
    "ad",
    "anzeige",
    "werbung",
    "publicidad",
    "pubblicità",
    "advertentie",
    "publicidade",
    "reklama",
    "sponsored",
    "annonce",
    "pub",
];

/// Beginnings of "read more" cards.
const READ_MORE: &[&str] = &[
    "lire aussi",
    "à lire aussi",
    "a lire aussi",
    "voir aussi",
    "read more",
    "see also",
    "related:",
    "mehr zum thema",
    "lesen sie auch",
    "lesen sie mehr",
    "auch interessant",
    "leer más",
    "lee también",
    "leggi anche",
    "lees ook",
    "lees meer",
    "leia também",
    "leia mais",
    "czytaj też",
    "czytaj także",
    "zobacz też",
    "zobacz także",
];

/// Whole texts of share buttons and similar furniture.
const FURNITURE: &[&str] = &[
    "share",
    "share this post",
    "share link",
    "copy link to clipboard",
    "link copied",
    "share on facebook",
    "share on twitter",
    "share on x",
    "share via email",
    "partager",
    "teilen",
    "compartir",
    "condividi",
    "delen",
    "compartilhar",
    "udostępnij",
    "tweet",
    "facebook",
    "twitter",
    "whatsapp",
    "copy link",
    "email",
    "e-mail",
    "linkedin",
    "close share options",
    "show more",
    "read more",
];

pub fn left_out_tag(name: &str) -> bool {
    is_inert(name)
        || matches!(
            name,
            "header"
                | "footer"
                | "nav"
                | "aside"
                | "button"
                | "input"
                | "time"
                | "amp-timeago"
                | "object"
                | "embed"
                | "canvas"
        )
}

pub fn has_media(element: ElementRef<'_>) -> bool {
    element
        .descendants()
        .filter_map(ElementRef::wrap)
        .any(|e| matches!(e.value().name(), "img" | "picture" | "video" | "audio"))
}

/// True when an element is no part of an entry's body.
pub fn left_out(element: ElementRef<'_>, skip: &[ElementRef<'_>]) -> bool {
    let name = element.value().name();
    if left_out_tag(name) || skip.iter().any(|s| s.id() == element.id()) {
        return true;
    }
    if matches!(
        name,
        "br" | "hr" | "img" | "picture" | "video" | "audio" | "source"
    ) {
        return false;
    }
    let t = text_start(element, 200);
    if t.is_empty() {
        return !has_media(element);
    }
    let lower = t.to_lowercase();
    let key = lower.trim_end_matches([':', '.', ' ', '›', '»']).trim();
    if AD_LABELS.contains(&key) || FURNITURE.contains(&key) {
        return true;
    }
    READ_MORE.iter().any(|p| lower.starts_with(p)) && t.chars().count() < 200
}

/// Characters of body text outside links (for scoring).
pub fn plain_chars(parts: &[NodeRef<'_>], skip: &[ElementRef<'_>]) -> usize {
    fn walk(node: NodeRef<'_>, skip: &[ElementRef<'_>], budget: &mut usize) -> usize {
        if *budget == 0 {
            return 0;
        }
        *budget -= 1;
        match node.value() {
            Node::Text(t) => t.split_whitespace().map(|w| w.chars().count() + 1).sum(),
            Node::Element(e) => {
                let Some(el) = ElementRef::wrap(node) else {
                    return 0;
                };
                if e.name() == "a" || left_out(el, skip) {
                    return 0;
                }
                node.children().map(|c| walk(c, skip, budget)).sum()
            }
            _ => 0,
        }
    }
    let mut budget = 4000;
    parts.iter().map(|n| walk(*n, skip, &mut budget)).sum()
}

/// The body's HTML: the parts without what is left out, only safe attributes kept.
pub fn serialize_body(parts: &[NodeRef<'_>], skip: &[ElementRef<'_>]) -> String {
    fn walk(node: NodeRef<'_>, skip: &[ElementRef<'_>], out: &mut String, top: bool) {
        match node.value() {
            Node::Text(t) => out.push_str(&escape(t)),
            Node::Element(e) => {
                let Some(el) = ElementRef::wrap(node) else {
                    return;
                };
                if left_out(el, skip) {
                    return;
                }
                let name = e.name();
                // A start paragraph's own tag is kept; its lead is skipped.
                let _ = top;
                out.push('<');
                out.push_str(name);
                for (key, value) in e.attrs() {
                    if matches!(key, "href" | "src" | "alt")
                        && !value
                            .trim_start()
                            .to_ascii_lowercase()
                            .starts_with("javascript:")
                    {
                        out.push(' ');
                        out.push_str(key);
                        out.push_str("=\"");
                        out.push_str(&escape(value).replace('"', "&quot;"));
                        out.push('"');
                    }
                }
                out.push('>');
                if matches!(name, "br" | "hr" | "img" | "source" | "wbr") {
                    return;
                }
                for child in node.children() {
                    walk(child, skip, out, false);
                }
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            _ => {}
        }
    }
    let mut out = String::new();
    for part in parts {
        walk(*part, skip, &mut out, true);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        let t = |s: &str| clock(s).map(|t| t.to_string()).unwrap_or_default();
        assert_eq!(t("14:05"), "14:05:00");
        assert_eq!(t("Updated at 9.05pm"), "21:05:00");
        assert_eq!(t("12:30 am"), "00:30:00");
        assert_eq!(t("21:06 (IST)"), "21:06:00");
        assert_eq!(t("2020"), "");
        assert_eq!(t("65.06 sek. 99:99"), "");
    }

    #[test]
    fn days_roll_back_going_down() {
        let times = [clock("00:10"), None, clock("23:55"), clock("12:00")];
        let anchor = Date::new(2024, 3, 2).unwrap_or_default();
        let mut out = date_clocks(&times, anchor, &TimeZone::UTC);
        fill_gaps(&mut out);
        let out: Vec<String> = out
            .iter()
            .map(|t| t.map(|t| t.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            out,
            [
                "2024-03-02T00:10:00Z",
                "2024-03-01T23:55:00Z",
                "2024-03-01T23:55:00Z",
                "2024-03-01T12:00:00Z"
            ]
        );
    }

    #[test]
    fn specs() {
        assert_eq!(split_spec("time@datetime"), ("time", Some("datetime")));
        assert_eq!(split_spec("a[href$=\"@x\"]"), ("a[href$=\"@x\"]", None));
        assert_eq!(split_spec("h2"), ("h2", None));
    }
}
