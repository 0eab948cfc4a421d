//! `format = "html"`: a page read with the CSS selectors of the source's config
//! ([`crate::model::Selectors`]).
//!
//! `entry` selects each entry's element; inside it, `time`, `title`, `author`, `body`
//! and `link` select one element each, and `sel@attr` reads an attribute instead of the
//! text (`time@datetime`, `a@href`). Times are parsed leniently (RFC 3339, RFC 822 and
//! their variants); a bare clock time (`14:05`) is on `--date`, else the page's own
//! date, else today in the configured time zone, and the day rolls back when the clock
//! jumps up going down the page. Relative links are resolved against the page URL.
//! Without a `body` selector the body is the entry minus its header, footer, time and
//! headline.
//!
//! Pages whose entries are runs of siblings (a bold `9h05 - Title` paragraph, then the
//! entry's paragraphs) take `start`: `entry` then selects the containers, and inside
//! each an entry begins at every child that matches `start` (or holds a match, so
//! `p > strong` works) and runs to the next; its time is the clock its start begins
//! with, its title the rest of that line (the DOM reader's run rules, see
//! [`super::live_html`]). `order` (`newest-first`, `oldest-first`, `auto`) and
//! `timezone` (IANA) say how clock-only times are dated; no time is placed in the
//! future unless `--date` says so.

use scraper::Html;

use jiff::tz::TimeZone;

use super::clock::{self, Anchoring, Order, Stamp};
use super::feed::absolute;
use super::input::{Input, ParseError};
use super::{dates, dom, ids, live_html, text};
use crate::model::{Document, EntryId, Format, Item, ListOrder};
use crate::sanitize;

pub fn parse(input: &Input<'_>) -> Result<Document, ParseError> {
    let invalid = |reason: String| ParseError::Invalid {
        format: Format::Html,
        reason: sanitize::clean_line(&reason),
    };
    let Some(selectors) = input.options.selectors.as_ref() else {
        return Err(invalid(
            "format html needs `selectors` (entry, time, title, author, body, link) in the source's config"
                .to_string(),
        ));
    };
    let entry = dom::selector(&selectors.entry)
        .ok_or_else(|| invalid(format!("invalid entry selector `{}`", selectors.entry)))?;
    let fields = [
        ("time", &selectors.time),
        ("title", &selectors.title),
        ("author", &selectors.author),
        ("body", &selectors.body),
        ("link", &selectors.link),
    ];
    for (name, spec) in fields {
        if let Some(spec) = spec {
            let (css, _) = dom::split_spec(spec);
            if !css.is_empty() && dom::selector(css).is_none() {
                return Err(invalid(format!("invalid {name} selector `{spec}`")));
            }
        }
    }

    let start = match selectors.start.as_deref() {
        Some(css) => Some(
            dom::selector(css).ok_or_else(|| invalid(format!("invalid start selector `{css}`")))?,
        ),
        None => None,
    };
    let zone = match selectors.timezone.as_deref() {
        Some(name) => Some(TimeZone::get(name.trim()).map_err(|_| {
            invalid(format!(
                "unknown time zone `{name}` in selectors: use an IANA name such as \"Europe/Paris\""
            ))
        })?),
        None => None,
    };
    let order = match selectors.order.unwrap_or_default() {
        ListOrder::Auto => None,
        ListOrder::NewestFirst => Some(Order::NewestFirst),
        ListOrder::OldestFirst => Some(Order::OldestFirst),
    };

    let page_text = dom::decode_html(input);
    let doc = Html::parse_document(&page_text);
    let page = input.base_url;
    let title = dom::selector("title")
        .and_then(|s| doc.select(&s).next().map(dom::text_of))
        .map(|t| text::line(&t))
        .filter(|t| !t.is_empty());

    if let Some(start) = start {
        let items = live_html::runs_by_selector(input, &doc, &entry, &start, order, zone);
        if items.is_empty() {
            return Err(ParseError::NoEntries {
                looked_for: sanitize::clean_line(&format!(
                    "entries starting at `{}` inside elements matching `{}`",
                    selectors.start.as_deref().unwrap_or_default(),
                    selectors.entry
                )),
            });
        }
        return Ok(Document {
            title,
            items,
            ..Document::default()
        });
    }

    let mut items = Vec::new();
    let mut clocks = Vec::new();
    for element in doc.select(&entry) {
        let raw_time = selectors
            .time
            .as_deref()
            .and_then(|spec| dom::spec_value(element, spec));
        let published = raw_time.as_deref().and_then(dates::parse);
        clocks.push(
            published
                .is_none()
                .then(|| raw_time.as_deref().and_then(clock::find_clock))
                .flatten(),
        );
        let headline = selectors
            .title
            .as_deref()
            .and_then(|spec| dom::spec_value(element, spec))
            .map(|t| text::line(&t))
            .unwrap_or_default();
        let author = selectors
            .author
            .as_deref()
            .and_then(|spec| dom::spec_value(element, spec))
            .map(|a| text::line(&a))
            .filter(|a| !a.is_empty());
        let (body_text, html) = match selectors.body.as_deref() {
            Some(spec) => match dom::split_spec(spec) {
                (css, None) => {
                    let html = dom::first(element, css).map(|b| b.inner_html());
                    let html = html.filter(|h| !h.trim().is_empty());
                    let text = html.as_deref().map(text::html_to_text).unwrap_or_default();
                    (text, html.map(|h| sanitize::clean(&h)))
                }
                (_, Some(_)) => (
                    dom::spec_value(element, spec)
                        .map(|t| text::body_to_text(&t))
                        .unwrap_or_default(),
                    None,
                ),
            },
            None => {
                let read: Vec<_> = [
                    &selectors.time,
                    &selectors.title,
                    &selectors.author,
                    &selectors.link,
                ]
                .into_iter()
                .flatten()
                .filter_map(|spec| dom::first(element, dom::split_spec(spec).0))
                .filter(|e| e.id() != element.id())
                .collect();
                let html = dom::body_html_without(element, &headline, &read);
                let text = html.as_deref().map(text::html_to_text).unwrap_or_default();
                (text, html.map(|h| sanitize::clean(&h)))
            }
        };
        let url = selectors.link.as_deref().and_then(|spec| {
            let (css, attr) = dom::split_spec(spec);
            let link = dom::first(element, css)?;
            absolute(link.attr(attr.unwrap_or("href"))?, page)
        });
        let own_anchor = dom::element_id(element)
            .and_then(|id| absolute(&format!("#{id}"), page).or_else(|| Some(format!("#{id}"))))
            .map(|id| sanitize::clean_line(&id));
        let id = url
            .clone()
            .filter(|u| !ids::is_page_url(u, page))
            .or(own_anchor)
            .unwrap_or_else(|| {
                ids::derived(
                    page,
                    raw_time.as_deref().unwrap_or("").trim(),
                    &headline,
                    &body_text,
                )
            });
        items.push(Item {
            id: EntryId(id),
            published,
            updated: None,
            title: headline,
            author,
            url,
            text: body_text,
            html,
            flags: Default::default(),
        });
    }
    if items.is_empty() {
        return Err(ParseError::NoEntries {
            looked_for: sanitize::clean_line(&format!(
                "elements matching the entry selector `{}`",
                selectors.entry
            )),
        });
    }
    if clocks.iter().any(Option::is_some) {
        let zone = zone.unwrap_or_else(|| input.options.timezone.clone());
        let page_date = dom::page_date(&doc);
        let anchor = input
            .options
            .date
            .or_else(|| page_date.map(|t| t.to_zoned(zone.clone()).date()));
        let stamps: Vec<Option<Stamp>> = clocks
            .iter()
            .map(|c| {
                c.as_ref().map(|c| Stamp {
                    clock: c.clone(),
                    date: None,
                })
            })
            .collect();
        // An explicit `--date` is believed; otherwise no time lies in the future.
        let (dated, _) = clock::anchor(
            &stamps,
            &Anchoring {
                order,
                date: anchor,
                zone: &zone,
                now: input.options.date.is_none().then_some(input.now),
            },
        );
        for (item, time) in items.iter_mut().zip(dated) {
            if item.published.is_none() {
                item.published = time;
            }
        }
    }
    ids::dedupe(&mut items, page);
    Ok(Document {
        title,
        items,
        ..Document::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Selectors;
    use crate::parse::ParseOptions;
    use jiff::Timestamp;

    /// The markup the demo serves at `/<slug>/live` (src/demo/render.rs `html_page`).
    const DEMO_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Launch day &amp; more</title></head>
<body><header class="masthead">The Liveblog Demo Gazette</header><main><h1>Launch day</h1>
<article class="post" id="update-2">
  <time datetime="2024-05-01T14:05:00+02:00">14:05</time>
  <h2>Engines &ldquo;go&rdquo;</h2>
  <p class="byline">Jane Doe</p>
  <div class="post-body">
<p>First <strong>paragraph</strong>.</p><p>Second. <a href="/launch/pic">pic</a></p>
<p><strong>Update:</strong> more</p>
  </div>
</article>
<article class="post" id="update-1">
  <time datetime="2024-05-01T13:52:00+02:00">13:52</time>
  <p class="byline">John Roe</p>
  <div class="post-body">
<p>No headline here.</p>
  </div>
</article>
</main></body></html>"#;

    fn options(selectors: Selectors) -> ParseOptions {
        ParseOptions {
            selectors: Some(selectors),
            ..ParseOptions::default()
        }
    }

    fn run(page: &str, options: &ParseOptions) -> Result<Document, ParseError> {
        parse(&Input {
            bytes: page.as_bytes(),
            content_type: Some("text/html"),
            base_url: Some("http://127.0.0.1:8080/launch/live"),
            now: Timestamp::UNIX_EPOCH,
            options,
        })
    }

    fn demo_selectors() -> Selectors {
        Selectors {
            entry: "article.post".into(),
            time: Some("time@datetime".into()),
            title: Some("h2".into()),
            author: Some(".byline".into()),
            body: Some(".post-body".into()),
            link: None,
            ..Selectors::default()
        }
    }

    #[test]
    fn demo_page() {
        let doc = run(DEMO_PAGE, &options(demo_selectors())).unwrap_or_default();
        assert_eq!(doc.title.as_deref(), Some("Launch day & more"));
        assert_eq!(doc.items.len(), 2);
        let first = &doc.items[0];
        assert_eq!(first.title, "Engines “go”");
        assert_eq!(first.author.as_deref(), Some("Jane Doe"));
        assert_eq!(
            first.published.map(|t| t.to_string()).as_deref(),
            Some("2024-05-01T12:05:00Z")
        );
        assert_eq!(
            first.text,
            "First paragraph.\n\nSecond. pic\n\nUpdate: more"
        );
        assert!(
            first
                .html
                .as_deref()
                .is_some_and(|h| h.contains("<strong>"))
        );
        // No link selector: the element's own id makes the id.
        assert_eq!(first.id.0, "http://127.0.0.1:8080/launch/live#update-2");
        assert_eq!(doc.items[1].title, "");
        assert_eq!(doc.items[1].text, "No headline here.");
    }

    #[test]
    fn links_clock_times_and_defaults() {
        let page = r#"<div class="e"><span class="t">23:55</span><a href="/p/2">Two</a><p>b</p></div>
            <div class="e"><span class="t">Updated at 9.05pm</span><a href="p/1">One</a><p>a</p></div>
            <div class="e"><span class="t">00:10</span><a href="https://x.org/0">Zero</a></div>"#;
        let mut opts = options(Selectors {
            entry: "div.e".into(),
            time: Some(".t".into()),
            title: Some("a".into()),
            link: Some("a@href".into()),
            ..Selectors::default()
        });
        opts.date = jiff::civil::Date::new(2024, 3, 2).ok();
        let doc = run(page, &opts).unwrap_or_default();
        let got: Vec<(String, String, String)> = doc
            .items
            .iter()
            .map(|i| {
                (
                    i.published.map(|t| t.to_string()).unwrap_or_default(),
                    i.url.clone().unwrap_or_default(),
                    i.id.0.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "2024-03-02T23:55:00Z".to_string(),
                    "http://127.0.0.1:8080/p/2".to_string(),
                    "http://127.0.0.1:8080/p/2".to_string()
                ),
                (
                    "2024-03-02T21:05:00Z".to_string(),
                    "http://127.0.0.1:8080/launch/p/1".to_string(),
                    "http://127.0.0.1:8080/launch/p/1".to_string()
                ),
                (
                    "2024-03-02T00:10:00Z".to_string(),
                    "https://x.org/0".to_string(),
                    "https://x.org/0".to_string()
                ),
            ]
        );
        // Body without a body selector: the entry minus its time and headline.
        assert_eq!(doc.items[0].text, "b");
        // Clock times in the configured zone; the day from `now` without `--date`.
        let mut opts = options(Selectors {
            entry: "div.e".into(),
            time: Some(".t".into()),
            ..Selectors::default()
        });
        opts.timezone = jiff::tz::TimeZone::fixed(jiff::tz::offset(2));
        let doc = run(page, &opts).unwrap_or_default();
        // (23:55 at +02:00 on 1 January 1970 would be after "now", the epoch: the list
        // is a day earlier.)
        assert_eq!(
            doc.items[0].published.map(|t| t.to_string()).as_deref(),
            Some("1969-12-31T21:55:00Z")
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let none = ParseOptions::default();
        assert!(
            matches!(run(DEMO_PAGE, &none), Err(ParseError::Invalid { reason, .. }) if reason.contains("selectors"))
        );
        let bad = options(Selectors {
            entry: "article[".into(),
            ..Selectors::default()
        });
        assert!(
            matches!(run(DEMO_PAGE, &bad), Err(ParseError::Invalid { reason, .. }) if reason.contains("entry selector"))
        );
        let bad_time = options(Selectors {
            entry: "article".into(),
            time: Some("::nope@x".into()),
            ..Selectors::default()
        });
        assert!(matches!(
            run(DEMO_PAGE, &bad_time),
            Err(ParseError::Invalid { .. })
        ));
        let missing = options(Selectors {
            entry: "li.entry".into(),
            ..Selectors::default()
        });
        match run(DEMO_PAGE, &missing) {
            Err(e @ ParseError::NoEntries { .. }) => {
                assert!(e.to_string().contains("li.entry"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }
}
