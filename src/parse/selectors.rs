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

use scraper::Html;

use super::feed::absolute;
use super::{Input, ParseError, dates, dom, ids, text};
use crate::model::{Document, EntryId, Format, Item};
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

    let page_text = dom::decode_html(input);
    let doc = Html::parse_document(&page_text);
    let page = input.base_url;
    let title = dom::selector("title")
        .and_then(|s| doc.select(&s).next().map(dom::text_of))
        .map(|t| text::line(&t))
        .filter(|t| !t.is_empty());

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
                .then(|| raw_time.as_deref().and_then(dom::clock))
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
                let html = dom::body_html(element, &headline);
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
        let anchor = dom::anchor_date(input, dom::page_date(&doc));
        let dated = dom::date_clocks(&clocks, anchor, &input.options.timezone);
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
