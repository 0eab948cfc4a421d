//! schema.org `LiveBlogPosting` as microdata (`itemscope itemtype=".../LiveBlogPosting"`).
//!
//! Entries are the `itemprop="liveBlogUpdate"` items inside it (NDTV), with their own
//! `datePublished`, `dateModified`, `headline`, `articleBody`, `author`, `url` itemprops
//! (`<meta content>`, `<time datetime>`, `<a href>` or text). A container without any
//! `liveBlogUpdate` (WP SportoweFakty) has its entries as child elements with an `id`:
//! their time is the first `<time>` (a `datetime`, or a bare clock dated from the page,
//! rolling back a day when the clock jumps up going down the list); an entry without
//! one takes its older neighbour's.

use scraper::{ElementRef, Html};

use super::feed::absolute;
use super::input::Input;
use super::{dates, dom, ids, text};
use crate::model::{Document, EntryId, Item};
use crate::sanitize;

/// What the microdata search found, for the error message when there are no entries.
pub struct Miss {
    /// How many `LiveBlogPosting` items the page has.
    pub blogs: usize,
}

pub fn parse(
    input: &Input<'_>,
    doc: &Html,
    page_date: Option<jiff::Timestamp>,
) -> Result<Document, Miss> {
    let Some(scoped) = dom::selector("[itemscope][itemtype]") else {
        return Err(Miss { blogs: 0 });
    };
    let blogs: Vec<ElementRef<'_>> = doc
        .select(&scoped)
        .filter(|e| has_type(*e, "LiveBlogPosting"))
        .collect();
    let mut items: Vec<Item> = Vec::new();
    let mut title = None;
    for blog in &blogs {
        let blog_props = props(*blog);
        let page_url = prop(&blog_props, "url")
            .and_then(|u| absolute(&u, input.base_url))
            .or_else(|| input.base_url.map(str::to_string));
        let page = page_url.as_deref();
        if title.is_none() {
            title = prop(&blog_props, "headline")
                .or_else(|| prop(&blog_props, "name"))
                .map(|t| text::line(&t))
                .filter(|t| !t.is_empty());
        }
        let updates: Vec<ElementRef<'_>> = blog_props
            .iter()
            .filter(|(name, e)| name == "liveBlogUpdate" && e.value().attr("itemscope").is_some())
            .map(|(_, e)| *e)
            .collect();
        if updates.is_empty() {
            let blog_date = prop(&blog_props, "datePublished")
                .or_else(|| prop(&blog_props, "coverageStartTime"))
                .and_then(|d| dates::parse(&d))
                .or(page_date);
            items.extend(plain_entries(input, *blog, page, blog_date));
        } else {
            items.extend(updates.into_iter().map(|u| update(u, page)));
        }
    }
    if title.is_none() {
        title = dom::selector("meta[property=\"og:title\"]")
            .and_then(|s| {
                doc.select(&s)
                    .find_map(|m| m.attr("content").map(str::to_string))
            })
            .or_else(|| {
                dom::selector("title").and_then(|s| doc.select(&s).next().map(dom::text_of))
            })
            .map(|t| text::line(&t))
            .filter(|t| !t.is_empty());
    }
    items.retain(|i| !i.text.is_empty() || !i.title.is_empty());
    if items.is_empty() {
        return Err(Miss { blogs: blogs.len() });
    }
    ids::dedupe(&mut items, input.base_url);
    Ok(Document {
        title,
        items,
        ..Document::default()
    })
}

fn has_type(element: ElementRef<'_>, wanted: &str) -> bool {
    element.value().attr("itemtype").is_some_and(|types| {
        types
            .split_whitespace()
            .any(|t| t.rsplit(['/', '#', ':']).next() == Some(wanted))
    })
}

/// The item's own properties: descendants with `itemprop` whose nearest `itemscope`
/// ancestor is the item (not a nested item), in document order.
fn props(item: ElementRef<'_>) -> Vec<(String, ElementRef<'_>)> {
    let mut out = Vec::new();
    for element in item.descendent_elements().skip(1) {
        let Some(names) = element.value().attr("itemprop") else {
            continue;
        };
        let owner = element
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().attr("itemscope").is_some());
        if owner.map(|o| o.id()) != Some(item.id()) {
            continue;
        }
        for name in names.split_whitespace() {
            out.push((name.to_string(), element));
        }
    }
    out
}

/// A property's value: `content`, `datetime`, `href`/`src`, else the text.
fn value(element: ElementRef<'_>) -> String {
    let e = element.value();
    let attr = match e.name() {
        "meta" => e.attr("content"),
        "time" => e.attr("datetime"),
        "a" | "link" | "area" => e.attr("href"),
        "img" | "audio" | "video" | "source" | "iframe" => e.attr("src"),
        "data" | "meter" => e.attr("value"),
        _ => e.attr("content"),
    };
    attr.map(str::to_string)
        .unwrap_or_else(|| dom::text_of(element))
}

fn prop(props: &[(String, ElementRef<'_>)], name: &str) -> Option<String> {
    props
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, e)| value(*e))
        .find(|v| !v.trim().is_empty())
}

fn update(element: ElementRef<'_>, page: Option<&str>) -> Item {
    let own = props(element);
    let published_raw = prop(&own, "datePublished").unwrap_or_default();
    let published = dates::parse(&published_raw);
    let updated = prop(&own, "dateModified").and_then(|d| dates::parse(&d));
    let title = prop(&own, "headline")
        .or_else(|| prop(&own, "name"))
        .map(|t| text::line(&t))
        .unwrap_or_default();
    let mut names: Vec<String> = own
        .iter()
        .filter(|(n, _)| n == "author")
        .map(|(_, e)| {
            if e.value().attr("itemscope").is_some() {
                prop(&props(*e), "name").unwrap_or_default()
            } else {
                value(*e)
            }
        })
        .map(|n| text::line(&n))
        .filter(|n| !n.is_empty())
        .collect();
    names.dedup();
    let author = (!names.is_empty()).then(|| names.join(", "));
    // The body: an element's HTML, or a `<meta content>`'s text.
    let body_element = own
        .iter()
        .find(|(n, _)| n == "articleBody" || n == "text")
        .map(|(_, e)| *e);
    let (text, html) = match body_element {
        Some(e) if e.value().name() != "meta" => {
            let html = e.inner_html();
            (text::html_to_text(&html), Some(sanitize::clean(&html)))
        }
        Some(e) => {
            let body = value(e);
            let html = text::looks_like_html(&body).then(|| sanitize::clean(&body));
            (text::body_to_text(&body), html)
        }
        None => (String::new(), None),
    };
    // A `<meta content>` body is plain text: the HTML is the item's visible body.
    let (text, html) = match html {
        Some(html) => (text, Some(html)),
        None => match dom::body_html(element, &title) {
            Some(dom_html) => {
                let dom_text = text::html_to_text(&dom_html);
                let text = if text.is_empty() || (!text.contains('\n') && dom_text.contains('\n')) {
                    dom_text
                } else {
                    text
                };
                (text, Some(sanitize::clean(&dom_html)))
            }
            None => (text, None),
        },
    };
    let url = prop(&own, "url").and_then(|u| absolute(&u, page));
    let id = url
        .clone()
        .filter(|u| !ids::is_page_url(u, page))
        .or_else(|| {
            dom::element_id(element).map(|id| {
                sanitize::clean_line(&format!(
                    "{}#{id}",
                    page.map(ids::strip_fragment).unwrap_or("")
                ))
            })
        })
        .unwrap_or_else(|| ids::derived(page, published_raw.trim(), &title, &text));
    Item {
        id: EntryId(id),
        published,
        updated,
        title,
        author,
        url,
        text,
        html,
        flags: Default::default(),
    }
}

/// Child elements with an `id` and some text.
fn with_id<'a>(parent: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    parent
        .child_elements()
        .filter(|c| dom::element_id(*c).is_some() && !dom::text_of(*c).trim().is_empty())
        .collect()
}

/// Entries of a `LiveBlogPosting` without `liveBlogUpdate` items: its child elements
/// with an `id` (looked for one level further down when the container wraps them).
fn plain_entries(
    input: &Input<'_>,
    blog: ElementRef<'_>,
    page: Option<&str>,
    blog_date: Option<jiff::Timestamp>,
) -> Vec<Item> {
    let mut entries = with_id(blog);
    if entries.len() < 2 {
        // One wrapper between the container and the entries.
        if let Some(wrapper) = blog.child_elements().max_by_key(|c| with_id(*c).len()) {
            let inner = with_id(wrapper);
            if inner.len() > entries.len() {
                entries = inner;
            }
        }
    }
    let time_sel = dom::selector("time");
    let title_sel = dom::selector(
        "h1, h2, h3, h4, [class*=\"title\"], [class*=\"headline\"], [itemprop=\"headline\"]",
    );
    let mut full = Vec::new();
    let mut clocks = Vec::new();
    let mut items = Vec::new();
    for entry in entries {
        let time = time_sel.as_ref().and_then(|s| entry.select(s).next());
        let raw = time
            .map(|t| {
                t.value()
                    .attr("datetime")
                    .map_or_else(|| dom::text_of(t), str::to_string)
            })
            .unwrap_or_default();
        let parsed = dates::parse(&raw);
        full.push(parsed);
        clocks.push(parsed.is_none().then(|| dom::clock(&raw)).flatten());
        let title = title_sel
            .as_ref()
            .and_then(|s| entry.select(s).next())
            .map(|t| text::line(&dom::text_of(t)))
            .unwrap_or_default();
        let html = dom::body_html(entry, &title);
        let text = html.as_deref().map(text::html_to_text).unwrap_or_default();
        let id = dom::element_id(entry).map_or_else(
            || ids::derived(page, raw.trim(), &title, &text),
            |id| {
                sanitize::clean_line(&format!(
                    "{}#{id}",
                    page.map(ids::strip_fragment).unwrap_or("")
                ))
            },
        );
        items.push(Item {
            id: EntryId(id),
            published: None,
            updated: None,
            title,
            author: None,
            url: None,
            text,
            html: html.map(|h| sanitize::clean(&h)),
            flags: Default::default(),
        });
    }
    let anchor = dom::anchor_date(input, blog_date);
    let mut times = dom::date_clocks(&clocks, anchor, &input.options.timezone);
    for (time, exact) in times.iter_mut().zip(&full) {
        if exact.is_some() {
            *time = *exact;
        }
    }
    dom::fill_gaps(&mut times);
    for (item, time) in items.iter_mut().zip(times) {
        item.published = time;
    }
    items
}
