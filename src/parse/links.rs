//! The links in an entry's body, for the reader's numbered list and `o`.

use crate::sanitize;

/// Whether `url` is a web link (`http://` or `https://`, in any case): the one rule for
/// what the reader opens, copies or writes as a hyperlink. Anything else (`javascript:`,
/// `file:`, `data:`, `ssh:`, an editor's scheme) can run or reveal something locally, so
/// it is only ever shown as text.
pub fn is_web_link(url: &str) -> bool {
    let url = url.trim_start().as_bytes();
    let has = |scheme: &[u8]| {
        url.len() >= scheme.len() && url[..scheme.len()].eq_ignore_ascii_case(scheme)
    };
    has(b"http://") || has(b"https://")
}

/// The links in an entry's body HTML, in order, without duplicates: `(text, absolute
/// URL)`, http(s) only, cleaned for the terminal. `base` resolves relative links.
pub fn links(html: &str, base: Option<&str>) -> Vec<(String, String)> {
    // Most bodies have no anchor at all: no need to parse them (this runs for every
    // entry a poll brings in, on the reader's UI thread).
    if !html.contains("<a") && !html.contains("<A") {
        return Vec::new();
    }
    let base = base.and_then(|url| url::Url::parse(url).ok());
    let document = scraper::Html::parse_fragment(html);
    let Ok(anchors) = scraper::Selector::parse("a[href]") else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = Vec::new();
    for anchor in document.select(&anchors) {
        let Some(href) = anchor.value().attr("href") else {
            continue;
        };
        let url = match &base {
            Some(base) => base
                .join(href.trim())
                .map(|url| url.to_string())
                .unwrap_or_else(|_| href.to_string()),
            None => href.trim().to_string(),
        };
        if !is_web_link(&url) {
            continue;
        }
        let url = sanitize::clean_line(&url);
        if found.iter().any(|(_, seen)| *seen == url) {
            continue;
        }
        let text = sanitize::clean_line(&anchor.text().collect::<String>());
        found.push((text, url));
    }
    found
}
