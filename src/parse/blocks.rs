//! Live-blog entries from JSON-LD, completed from the page's own HTML blocks.
//!
//! JSON-LD is often thinner than the page: the Guardian copies the article's date and
//! headline into every update (the real ones are in `article[id^="block-"]` with
//! `time[datetime]` and an `h2`), WordPress' liveblog plugin leaves `articleBody`
//! empty, and `articleBody` is plain text where the page has HTML. An update is matched
//! to its element by id: a bare block id (`646219928f08…` ↔ `#block-646219928f08…`),
//! or its URL's fragment (`#751105` ↔ `id="751105"`, `#liveblogPost1288914` ↔
//! `id="post-1288914"`, `#liveblog-entry-12` ↔ `id="liveblog-entry-12"`).

use std::collections::HashMap;

use scraper::{ElementRef, Html};

use super::feed::absolute;
use super::{dates, dom, text};
use crate::model::Item;
use crate::sanitize;

pub fn enrich(items: &mut [Item], doc: &Html, page: Option<&str>) {
    let Some(with_id) = dom::selector("[id]") else {
        return;
    };
    let mut by_id: HashMap<&str, ElementRef<'_>> = HashMap::new();
    for element in doc.select(&with_id) {
        if let Some(id) = dom::element_id(element) {
            by_id.entry(id).or_insert(element);
        }
    }
    if by_id.is_empty() {
        return;
    }
    let same = |times: Vec<Option<jiff::Timestamp>>| {
        times.len() >= 2 && times[0].is_some() && times.iter().all(|t| *t == times[0])
    };
    // Every update carrying one and the same time: copied from the article.
    let copied_published = same(items.iter().map(|i| i.published).collect());
    let copied_updated = same(items.iter().map(|i| i.updated).collect());
    let time_sel = dom::selector("time[datetime]");
    let heading_sel = dom::selector("h2, h3");
    for item in items.iter_mut() {
        let Some((key, element)) = keys(item)
            .into_iter()
            .find_map(|k| by_id.get(k.as_str()).map(|e| (k, *e)))
        else {
            continue;
        };
        if copied_published || item.published.is_none() {
            let own = time_sel
                .as_ref()
                .and_then(|s| element.select(s).next())
                .and_then(|t| t.value().attr("datetime"))
                .and_then(dates::parse);
            if own.is_some() {
                item.published = own;
                if copied_updated {
                    item.updated = None;
                }
            }
        }
        if item.title.is_empty()
            && let Some(heading) = heading_sel.as_ref().and_then(|s| element.select(s).next())
        {
            item.title = text::line(&heading.inner_html());
        }
        if item.url.is_none() {
            let fragment = format!("#{key}");
            item.url = dom::selector("a[href]")
                .and_then(|s| {
                    element
                        .select(&s)
                        .filter_map(|a| a.value().attr("href"))
                        .find(|href| href.ends_with(&fragment))
                        .and_then(|href| absolute(href, page))
                })
                .or_else(|| absolute(&fragment, page));
        }
        if item.html.is_none()
            && let Some(html) = dom::body_html(element, &item.title)
        {
            let dom_text = text::html_to_text(&html);
            if item.text.is_empty() || (!item.text.contains('\n') && dom_text.contains('\n')) {
                item.text = dom_text;
            }
            item.html = Some(sanitize::clean(&html));
        }
    }
}

/// The element ids an update may have on the page, most likely first.
fn keys(item: &Item) -> Vec<String> {
    let mut bases: Vec<&str> = Vec::new();
    let id = item.id.0.as_str();
    if !id.contains(['/', ':', '#']) {
        bases.push(id);
    }
    for s in [Some(id), item.url.as_deref()].into_iter().flatten() {
        if let Some((_, fragment)) = s.split_once('#')
            && !fragment.is_empty()
            && !fragment.starts_with("h-")
        {
            bases.push(fragment);
        }
    }
    let mut out = Vec::new();
    for base in bases {
        let digits: String = base
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut stems = vec![base.to_string()];
        if digits.len() >= 4 && digits != base {
            stems.push(digits);
        }
        for stem in stems {
            for prefix in [
                "",
                "block-",
                "post-",
                "liveblog-entry-",
                "entry-",
                "update-",
            ] {
                let key = format!("{prefix}{stem}");
                if !out.contains(&key) {
                    out.push(key);
                }
            }
        }
    }
    out
}
