//! What a page says about itself, for following it: its title (`og:title`, else
//! `<title>`), and the feeds it names (`<link rel="alternate"
//! type="application/rss+xml" href="…">`, Atom, JSON Feed) for a page that has no live
//! entries of its own.

use super::dom;
use super::feed::absolute;
use super::input::Input;
use crate::model::Format;
use crate::sanitize::clean_line;

/// A feed a page links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLink {
    /// The feed's absolute URL.
    pub url: String,
    /// The link's `title`, if any.
    pub title: Option<String>,
    /// RSS, Atom or JSON Feed, as the link's `type` says.
    pub format: Format,
}

/// The feeds `input` (an HTML page) names in `<link rel="alternate">`, in page order,
/// without duplicates; http(s) only.
pub fn feed_links(input: &Input<'_>) -> Vec<FeedLink> {
    let html = dom::decode_html(input);
    let doc = scraper::Html::parse_document(&html);
    let Some(links) = dom::selector("link[href]") else {
        return Vec::new();
    };
    let mut found: Vec<FeedLink> = Vec::new();
    for link in doc.select(&links) {
        let element = link.value();
        let rel = element.attr("rel").unwrap_or("").to_ascii_lowercase();
        if !rel.split_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let kind = element
            .attr("type")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let format = match kind.as_str() {
            "application/rss+xml" | "application/rdf+xml" => Format::Rss,
            "application/atom+xml" => Format::Atom,
            "application/feed+json" | "application/json" => Format::Jsonfeed,
            _ => continue,
        };
        let Some(url) = element
            .attr("href")
            .and_then(|href| absolute(href.trim(), input.base_url))
            .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
            .map(|url| clean_line(&url))
        else {
            continue;
        };
        if found.iter().any(|seen| seen.url == url) {
            continue;
        }
        let title = element
            .attr("title")
            .map(clean_line)
            .filter(|title| !title.trim().is_empty());
        found.push(FeedLink { url, title, format });
    }
    found
}

/// The page's own title: `og:title`, else `<title>`; `None` when it has neither.
pub fn page_title(input: &Input<'_>) -> Option<String> {
    let html = dom::decode_html(input);
    let doc = scraper::Html::parse_document(&html);
    let og = dom::selector("meta[property=\"og:title\"]").and_then(|sel| {
        doc.select(&sel)
            .find_map(|meta| meta.value().attr("content").map(str::to_string))
    });
    let title = || {
        dom::selector("title").and_then(|sel| {
            doc.select(&sel)
                .next()
                .map(|t| t.text().collect::<String>())
        })
    };
    og.or_else(title)
        .map(|text| clean_line(text.trim()))
        .filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(html: &str) -> Vec<FeedLink> {
        let options = super::super::input::ParseOptions::default();
        feed_links(&Input {
            bytes: html.as_bytes(),
            content_type: Some("text/html"),
            base_url: Some("https://example.org/world/live/storm"),
            now: jiff::Timestamp::UNIX_EPOCH,
            options: &options,
        })
    }

    #[test]
    fn alternate_feeds_resolved_in_page_order() {
        let found = links(
            "<html><head>\
             <link rel=\"stylesheet\" href=\"/s.css\">\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"All news\" href=\"/rss\">\
             <link rel=\"Alternate\" type=\"application/atom+xml\" href=\"storm/atom.xml\">\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"https://example.org/rss\">\
             <link rel=\"alternate\" type=\"application/feed+json\" href=\"javascript:alert(1)\">\
             <link rel=\"alternate\" hreflang=\"de\" href=\"/de/\">\
             </head></html>",
        );
        assert_eq!(
            found,
            vec![
                FeedLink {
                    url: "https://example.org/rss".to_string(),
                    title: Some("All news".to_string()),
                    format: Format::Rss,
                },
                FeedLink {
                    url: "https://example.org/world/live/storm/atom.xml".to_string(),
                    title: None,
                    format: Format::Atom,
                },
            ]
        );
        assert!(links("<p>no links</p>").is_empty());
    }

    #[test]
    fn the_title_is_og_title_else_title() {
        let title = |html: &str| {
            let options = super::super::input::ParseOptions::default();
            page_title(&Input {
                bytes: html.as_bytes(),
                content_type: None,
                base_url: None,
                now: jiff::Timestamp::UNIX_EPOCH,
                options: &options,
            })
        };
        assert_eq!(
            title(
                "<head><title> Storm | Site </title><meta property=\"og:title\" content=\"Storm live\"></head>"
            ),
            Some("Storm live".to_string())
        );
        assert_eq!(
            title("<title>Only\u{1b}[2J this</title>"),
            Some("Only this".to_string())
        );
        assert_eq!(title("<p>none</p>"), None);
    }
}
