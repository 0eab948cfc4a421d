//! Finding what to follow at a URL a user pasted (`liveblog add`, `liveblog URL`, the
//! reader's `a`): the page's own live entries first (JSON-LD, microdata, the Guardian's
//! formats, entries found in its HTML); else a feed the page names in
//! `<link rel="alternate">`, one about this page before a site-wide one; else the URL
//! itself when it is a feed. Each step is said in a line, so the user sees why.

use std::path::Path;

use jiff::Timestamp;

use crate::model::{Document, Format};
use crate::parse::{self, FeedLink, Input, ParseOptions};
use crate::sources::fetch::{Body, Fetched, Fetcher, Validators};
use crate::sources::naming::{short_name, unique_name};

/// Feeds named by a page that are tried, at most.
const MAX_LINKED_FEEDS: usize = 4;

/// How the thing to follow was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The page's own live entries.
    Page,
    /// A feed the page at this URL names.
    LinkedFeed(String),
    /// The URL is a feed.
    Feed,
}

/// What to follow, and what it holds now.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The URL to poll (the page's, or the linked feed's).
    pub url: String,
    /// The format it was read as.
    pub format: Format,
    /// Its title (page or feed), if it has one.
    pub title: Option<String>,
    /// How many entries it has.
    pub entries: usize,
    /// The newest entry's time and headline.
    pub newest: Option<(Option<Timestamp>, String)>,
    /// How it was found.
    pub via: Via,
    /// One line per step: what was looked at and what it gave.
    pub steps: Vec<String>,
}

/// `https://` for a URL written without a scheme (`example.org/live`); a path to an
/// existing file, one written as a path (`/…`, `./…`, `../…`, `~/…`, the last under the
/// home directory), and `file://` URLs stay as they are.
pub fn normalize_url(url: &str) -> String {
    let url = url.trim();
    if url.starts_with("~/") {
        return crate::config::expand_home(url).display().to_string();
    }
    let written_as_path = ["/", "./", "../"]
        .iter()
        .any(|start| url.starts_with(start));
    if url.contains("://") || written_as_path || Path::new(url).exists() {
        url.to_string()
    } else {
        format!("https://{url}")
    }
}

/// `looked`, what [`discover`] said about `typed` (as the user wrote it), with a note
/// when the address had no scheme and could not be fetched as `https://`: it may be a
/// site that speaks only http.
pub fn with_scheme_note(typed: &str, looked: String) -> String {
    // Only an address given `https://` by [`normalize_url`] (a `~/` path it expands
    // changes too, and is no guess).
    let guessed = !typed.contains("://") && normalize_url(typed).starts_with("https://");
    if guessed && looked.starts_with(CANNOT_FETCH) {
        format!(
            "{looked} (written without a scheme, it was tried as https://; write http:// \
             for a site without https)"
        )
    } else {
        looked
    }
}

/// How [`discover`] says that the address could not be fetched.
const CANNOT_FETCH: &str = "cannot fetch it";

impl Finding {
    /// The name a source following this gets: from its title, shortened, unique
    /// among `taken`.
    pub fn name(&self, taken: &[&str]) -> String {
        unique_name(&short_name(self.title.as_deref(), &self.url), taken)
    }
}

/// Fetches `url` and decides what to follow there. `format` is how to read the URL
/// itself (`Auto` to detect); a linked feed is always detected. `Err` says what was
/// looked for and why nothing could be followed.
pub async fn discover(
    fetcher: &Fetcher,
    url: &str,
    format: Format,
    options: &ParseOptions,
) -> Result<Finding, String> {
    if let Some(problem) = crate::config::web_url_problem(url) {
        return Err(format!("not a web address ({problem})"));
    }
    let mut steps = Vec::new();
    let body = fetch(fetcher, url)
        .await
        .map_err(|err| format!("{CANNOT_FETCH}: {err}"))?;
    let now = Timestamp::now();
    let input = Input {
        bytes: &body.bytes,
        content_type: body.content_type.as_deref(),
        base_url: Some(&body.final_url),
        now,
        options,
    };
    let detected = match format {
        Format::Auto => parse::detect(&input),
        asked => asked,
    };
    let page_error = match parse::parse(&input, format) {
        Ok(document) if !document.items.is_empty() => {
            let via = if matches!(detected, Format::Rss | Format::Atom | Format::Jsonfeed) {
                Via::Feed
            } else {
                Via::Page
            };
            let how = match via {
                // Which reader and which structure of the page gave the entries.
                Via::Page => parse::explain(&input, format),
                _ => read_as(detected, &document),
            };
            let mut found = finding(url.to_string(), detected, &document, via, how, steps);
            if found.title.is_none() && found.via == Via::Page {
                found.title = parse::page_title(&input);
            }
            return Ok(found);
        }
        Ok(_) => "no entries".to_string(),
        Err(err) => err.to_string(),
    };
    steps.push(format!("no live entries in the page ({page_error})"));
    let is_html = matches!(detected, Format::Jsonld | Format::Html | Format::Auto)
        || body
            .content_type
            .as_deref()
            .is_some_and(|ct| ct.contains("html"));
    if !is_html || format != Format::Auto {
        return Err(steps.join("; "));
    }
    let mut links = parse::feed_links(&input);
    if links.is_empty() {
        steps.push("it names no feed (<link rel=\"alternate\">)".to_string());
        return Err(steps.join("; "));
    }
    rank_links(&mut links, &body.final_url);
    for link in links.iter().take(MAX_LINKED_FEEDS) {
        let feed = match fetch(fetcher, &link.url).await {
            Ok(feed) => feed,
            Err(err) => {
                steps.push(format!("linked feed {}: {err}", link.url));
                continue;
            }
        };
        let input = Input {
            bytes: &feed.bytes,
            content_type: feed.content_type.as_deref(),
            base_url: Some(&feed.final_url),
            now,
            options,
        };
        match parse::parse(&input, Format::Auto) {
            Ok(document) if !document.items.is_empty() => {
                let format = parse::detect(&input);
                let how = read_as(format, &document);
                return Ok(finding(
                    link.url.clone(),
                    format,
                    &document,
                    Via::LinkedFeed(url.to_string()),
                    how,
                    steps,
                ));
            }
            Ok(_) => steps.push(format!("linked feed {}: no entries", link.url)),
            Err(err) => steps.push(format!("linked feed {}: {err}", link.url)),
        }
    }
    Err(steps.join("; "))
}

async fn fetch(fetcher: &Fetcher, location: &str) -> Result<Body, String> {
    match fetcher.fetch(location, &Validators::default()).await {
        // A page is kept while its linked feeds are fetched: it gives its large-body
        // slot back at once, so that it never waits on itself.
        Ok(Fetched::Body(body)) => Ok(Body {
            large_slot: None,
            ..body
        }),
        Ok(Fetched::NotModified(_)) => {
            Err("the server answered 304 to a plain request".to_string())
        }
        Err(err) => Err(err.to_string()),
    }
}

/// Feeds about this page before site-wide ones: the longer the path a feed shares
/// with the page (`/world/live/storm/rss` for `/world/live/storm`), the better; page
/// order among equals.
fn rank_links(links: &mut [FeedLink], page: &str) {
    let segments = |url: &str| -> Vec<String> {
        url::Url::parse(url)
            .ok()
            .and_then(|parsed| {
                let host = parsed.host_str().map(str::to_string)?;
                let mut parts = vec![host];
                parts.extend(
                    parsed
                        .path_segments()?
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
                Some(parts)
            })
            .unwrap_or_default()
    };
    let page = segments(page);
    let shared = |link: &FeedLink| {
        segments(&link.url)
            .iter()
            .zip(&page)
            .take_while(|(a, b)| a == b)
            .count()
    };
    links.sort_by_key(|link| std::cmp::Reverse(shared(link)));
}

/// `read as rss (12 entries)`.
fn read_as(format: Format, document: &Document) -> String {
    format!(
        "read as {} ({})",
        format.name(),
        crate::output::plural(document.items.len(), "entry", "entries")
    )
}

fn finding(
    url: String,
    format: Format,
    document: &Document,
    via: Via,
    how: String,
    mut steps: Vec<String>,
) -> Finding {
    let newest = document
        .items
        .iter()
        .max_by_key(|item| item.time())
        .map(|item| (item.time(), item.display_title()));
    let what = match &via {
        Via::Page => "live entries in the page".to_string(),
        Via::Feed => "a feed".to_string(),
        Via::LinkedFeed(page) => format!("a feed named by {page}"),
    };
    steps.push(format!("{url}: {what}, {how}"));
    Finding {
        url,
        format,
        title: document
            .title
            .clone()
            .filter(|title| !title.trim().is_empty()),
        entries: document.items.len(),
        newest,
        via,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str) -> FeedLink {
        FeedLink {
            url: url.to_string(),
            title: None,
            format: Format::Rss,
        }
    }

    #[test]
    fn a_feed_about_the_page_comes_before_the_site_wide_one() {
        let mut links = vec![
            link("https://example.org/rss"),
            link("https://other.example/world/live/storm/rss"),
            link("https://example.org/world/live/storm/rss"),
            link("https://example.org/world/rss"),
        ];
        rank_links(&mut links, "https://example.org/world/live/storm");
        let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://example.org/world/live/storm/rss",
                "https://example.org/world/rss",
                "https://example.org/rss",
                "https://other.example/world/live/storm/rss",
            ]
        );
    }
}
