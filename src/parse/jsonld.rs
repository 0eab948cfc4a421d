//! HTML pages carrying a schema.org `LiveBlogPosting` in JSON-LD.
//!
//! Every `<script type="application/ld+json">` is read (a broken one is skipped, after
//! one lenient retry that escapes raw control characters inside strings). A
//! `LiveBlogPosting` is found at the top level, in arrays, in `@graph` or nested in
//! another object (`mainEntity`); its `liveBlogUpdate` (a list or one object) gives the
//! entries, in document order.

use serde_json::{Map, Value};

use super::feed::absolute;
use scraper::Html;

use super::input::{Input, ParseError};
use super::{blocks, dates, dom, ids, live_html, microdata, text};
use crate::model::{Document, EntryId, Item};
use crate::sanitize;

/// How deep the search for a `LiveBlogPosting` descends into nested JSON.
const MAX_DEPTH: usize = 24;

pub fn parse(input: &Input<'_>) -> Result<Document, ParseError> {
    let html = dom::decode_html(input);
    let scripts = ld_json_scripts(&html);
    let mut blogs: Vec<&Map<String, Value>> = Vec::new();
    let mut types: Vec<String> = Vec::new();
    let values: Vec<Value> = scripts.iter().filter_map(|s| parse_json(s)).collect();
    for value in &values {
        find_blogs(value, 0, &mut blogs, &mut types);
    }
    let page = Html::parse_document(&html);
    if blogs.is_empty() {
        // No JSON-LD live blog: schema.org microdata, dated from the page (a JSON-LD
        // `SportsEvent.startDate` or `NewsArticle.datePublished`, else its metas).
        let page_date = values
            .iter()
            .find_map(|v| first_date(v, 0))
            .or_else(|| dom::page_date(&page));
        let miss = match microdata::parse(input, &page, page_date) {
            Ok(doc) => return Ok(doc),
            Err(miss) => miss,
        };
        types.sort();
        types.dedup();
        let seen = if types.is_empty() {
            "none".to_string()
        } else {
            types.join(", ")
        };
        return Err(ParseError::NoEntries {
            looked_for: sanitize::clean_line(&format!(
                "a schema.org LiveBlogPosting with entries, in JSON-LD ({} script(s), {} parsed; \
                 types seen: {seen}) or in microdata ({} LiveBlogPosting item(s), none with \
                 liveBlogUpdate entries)",
                scripts.len(),
                values.len(),
                miss.blogs
            )),
        });
    }

    let mut items: Vec<Item> = Vec::new();
    let mut title = None;
    for blog in &blogs {
        let page = blog_url(blog, input.base_url);
        let page = page.as_deref().or(input.base_url);
        if title.is_none() {
            title = str_field(blog, &["headline", "name"])
                .map(text::line)
                .filter(|t| !t.is_empty());
        }
        let blog_headline = str_field(blog, &["headline"]).map(text::line);
        for update in updates(blog) {
            let mut item = item(update, page, input.base_url);
            // Some publishers (the Guardian) repeat the blog's headline on every update:
            // that is no entry title, so the entry is shown by its first words instead.
            if blog_headline.as_deref() == Some(item.title.as_str()) {
                item.title.clear();
            }
            // The same blog described twice (two scripts) gives each entry once.
            if !items.contains(&item) {
                items.push(item);
            }
        }
    }
    if items.is_empty() {
        return Err(ParseError::NoEntries {
            looked_for: "liveBlogUpdate entries in the page's LiveBlogPosting (it has none)"
                .to_string(),
        });
    }
    blocks::enrich(&mut items, &page, input.base_url);
    let no_times = lacks_own_times(&items);
    // (The page is read a second time only when that can help: no own times, or a
    // body with no HTML and no paragraph breaks.)
    if (no_times
        || items
            .iter()
            .any(|i| i.html.is_none() && !i.text.contains('\n')))
        && let Ok(shown) = live_html::parse(input)
    {
        complete_from_dom(&mut items, &shown.items, no_times);
    }
    ids::dedupe(&mut items, input.base_url);
    Ok(Document {
        title,
        items,
        ..Document::default()
    })
}

/// True when the updates have no time of their own even after [`blocks::enrich`]: none
/// at all, or one shared by all (copied from the article).
fn lacks_own_times(items: &[Item]) -> bool {
    let first = items.first().map(|i| i.published);
    items.len() >= 2 && items.iter().all(|i| Some(i.published) == first)
}

/// Times (and missing titles and bodies) from the entries the page's HTML shows (the
/// DOM reader's): matched by headline, else by position when both list as many.
/// Without `times`, only bodies: an update without HTML takes its headline twin's
/// (the page's paragraphs, where JSON-LD's `articleBody` runs them together).
fn complete_from_dom(items: &mut [Item], shown: &[Item], times: bool) {
    let same_count = items.len() == shown.len();
    for (index, item) in items.iter_mut().enumerate() {
        let by_title = (!item.title.is_empty())
            .then(|| shown.iter().find(|s| s.title == item.title))
            .flatten();
        let by_place = || (times && same_count).then(|| shown.get(index)).flatten();
        let Some(twin) = by_title.or_else(by_place) else {
            continue;
        };
        if item.html.is_none()
            && twin.html.is_some()
            && ((item.text.is_empty() && twin.text.chars().count() > 40)
                || (!item.text.is_empty() && !item.text.contains('\n') && twin.text.contains('\n')))
        {
            item.text = twin.text.clone();
            item.html = twin.html.clone();
        }
        if !times {
            continue;
        }
        if twin.published.is_some() {
            item.published = twin.published;
            item.updated = None;
        }
        if item.title.is_empty() {
            item.title = twin.title.clone();
        }
        if item.author.is_none() {
            item.author = twin.author.clone();
        }
    }
}

/// The first `datePublished` / `startDate` / `dateCreated` of the top-level objects
/// (and `@graph` lists): the day a page's bare clock times are on.
fn first_date(value: &Value, depth: usize) -> Option<jiff::Timestamp> {
    match value {
        Value::Array(list) if depth < 3 => list.iter().find_map(|v| first_date(v, depth + 1)),
        Value::Object(object) => str_field(object, &["datePublished", "startDate", "dateCreated"])
            .and_then(dates::parse)
            .or_else(|| object.get("@graph").and_then(|g| first_date(g, depth + 1))),
        _ => None,
    }
}

/// The text of every `<script type="application/ld+json">`, in document order.
fn ld_json_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = lower[from..].find("<script") {
        let start = from + rel;
        let Some(tag_end) = lower[start..].find('>').map(|e| start + e) else {
            break;
        };
        let tag = &lower[start..tag_end];
        let Some(close) = lower[tag_end..].find("</script").map(|e| tag_end + e) else {
            break;
        };
        if tag.contains("application/ld+json") {
            let body = html[tag_end + 1..close].trim();
            let body = body
                .trim_start_matches("<!--")
                .trim_end_matches("-->")
                .trim()
                .trim_start_matches("//<![CDATA[")
                .trim_start_matches("<![CDATA[")
                .trim_end_matches("//]]>")
                .trim_end_matches("]]>")
                .trim();
            out.push(body);
        }
        from = close + "</script".len();
    }
    out
}

/// Parses one script; on failure retries with raw control characters in strings escaped
/// (publishers often put literal newlines in `articleBody`).
fn parse_json(script: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(script) {
        return Some(value);
    }
    let mut fixed = String::with_capacity(script.len() + 64);
    let mut in_string = false;
    let mut escaped = false;
    for c in script.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if c < ' ' {
                match c {
                    '\n' => fixed.push_str("\\n"),
                    '\r' => fixed.push_str("\\r"),
                    '\t' => fixed.push_str("\\t"),
                    _ => {}
                }
                continue;
            }
        } else if c == '"' {
            in_string = true;
        }
        fixed.push(c);
    }
    serde_json::from_str(&fixed).ok()
}

/// The `@type` values of an object (a string or a list), without a vocabulary prefix.
fn types_of(object: &Map<String, Value>) -> Vec<&str> {
    match object.get("@type") {
        Some(Value::String(t)) => vec![bare_type(t)],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(bare_type)
            .collect(),
        _ => Vec::new(),
    }
}

fn bare_type(t: &str) -> &str {
    t.rsplit(['/', ':', '#']).next().unwrap_or(t)
}

fn find_blogs<'a>(
    value: &'a Value,
    depth: usize,
    blogs: &mut Vec<&'a Map<String, Value>>,
    types: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Array(list) => {
            for v in list {
                find_blogs(v, depth + 1, blogs, types);
            }
        }
        Value::Object(object) => {
            let object_types = types_of(object);
            if object_types.contains(&"LiveBlogPosting") {
                blogs.push(object);
                return;
            }
            if depth <= 2 {
                types.extend(object_types.iter().map(|t| t.to_string()));
            }
            for v in object.values() {
                if matches!(v, Value::Array(_) | Value::Object(_)) {
                    find_blogs(v, depth + 1, blogs, types);
                }
            }
        }
        _ => {}
    }
}

fn updates(blog: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    match blog.get("liveBlogUpdate") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(one)) => vec![one],
        _ => Vec::new(),
    }
}

/// The first of `keys` holding a non-empty string (or a list of strings, joined).
fn str_field<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| match object.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
        Some(Value::Array(list)) => list
            .iter()
            .find_map(Value::as_str)
            .filter(|s| !s.trim().is_empty()),
        _ => None,
    })
}

/// The blog's own URL: `url`, else `mainEntityOfPage` (a string or `{ "@id" }`).
fn blog_url(blog: &Map<String, Value>, base: Option<&str>) -> Option<String> {
    let raw = str_field(blog, &["url"]).or_else(|| match blog.get("mainEntityOfPage") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Object(o)) => str_field(o, &["@id", "url"]),
        _ => None,
    })?;
    absolute(raw, base)
}

fn authors(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(name)) => vec![text::line(name)],
        Some(Value::Object(person)) => str_field(person, &["name"])
            .map(|n| vec![text::line(n)])
            .unwrap_or_default(),
        Some(Value::Array(list)) => list.iter().flat_map(|v| authors(Some(v))).collect(),
        _ => Vec::new(),
    }
}

fn item(update: &Map<String, Value>, page: Option<&str>, base: Option<&str>) -> Item {
    let published_raw = str_field(update, &["datePublished"]).unwrap_or("");
    let published = dates::parse(published_raw);
    let updated = str_field(update, &["dateModified"]).and_then(dates::parse);
    let title = str_field(update, &["headline", "name"])
        .map(text::line)
        .unwrap_or_default();
    let mut names = authors(update.get("author"));
    names.retain(|n| !n.is_empty());
    names.dedup();
    let author = (!names.is_empty()).then(|| names.join(", "));
    let body = str_field(update, &["articleBody", "text", "description"]).unwrap_or("");
    let text = text::body_to_text(body);
    let html = text::looks_like_html(body).then(|| sanitize::clean(body));
    let url = str_field(update, &["url"]).and_then(|u| absolute(u, page.or(base)));

    let raw_id = str_field(update, &["@id"]).map(sanitize::clean_line);
    let id = raw_id
        .filter(|id| !id.is_empty() && !ids::is_page_url(id, page) && !ids::is_page_url(id, base))
        .or_else(|| {
            url.clone()
                .filter(|u| !ids::is_page_url(u, page) && !ids::is_page_url(u, base))
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn input(html: &str) -> Input<'_> {
        Input {
            bytes: html.as_bytes(),
            content_type: Some("text/html"),
            base_url: Some("https://news.example/live/1"),
            now: Timestamp::UNIX_EPOCH,
            options: &crate::parse::DEFAULT_OPTIONS,
        }
    }

    #[test]
    fn graph_and_type_lists_and_broken_scripts() {
        let page = r##"<html><script type="application/ld+json">{ broken</script>
        <script type="application/ld+json">{"@graph":[{"@type":["WebPage"]},
          {"@type":["LiveBlogPosting","NewsArticle"],"headline":"Blog",
           "liveBlogUpdate":[
             {"@type":"BlogPosting","headline":"A &amp; B","datePublished":"2024-01-01T10:00:00Z",
              "articleBody":"line one
line two","author":"Jo","url":"https://news.example/live/1"},
             {"@type":"BlogPosting","headline":"C","datePublished":"2024-01-01T11:00:00Z",
              "articleBody":"<p>x</p>","author":[{"name":"A"},{"name":"B"}],"@id":"#p2"}]}]}
        </script></html>"##;
        let doc = parse(&input(page)).unwrap_or_default();
        assert_eq!(doc.title.as_deref(), Some("Blog"));
        assert_eq!(doc.items.len(), 2);
        let first = &doc.items[0];
        assert_eq!(first.title, "A & B");
        assert_eq!(first.text, "line one\nline two");
        assert_eq!(first.author.as_deref(), Some("Jo"));
        assert!(
            first.id.0.starts_with("https://news.example/live/1#h-"),
            "{}",
            first.id
        );
        assert_eq!(doc.items[1].id.0, "#p2");
        assert_eq!(doc.items[1].author.as_deref(), Some("A, B"));
        assert_eq!(doc.items[1].html.as_deref(), Some("<p>x</p>"));
    }

    #[test]
    fn updates_without_times_take_the_pages_clocks() {
        let updates: Vec<String> = ["Regierung tagt", "Erste Meldung", "Frühe Meldung"]
            .iter()
            .map(|h| format!(r#"{{"@type":"BlogPosting","headline":"{h}","articleBody":"Text."}}"#))
            .collect();
        let body = "Der Minister sagte am Vormittag, die Lage sei unter Kontrolle, mehr folgt.";
        let page = format!(
            r#"<html><head><meta property="article:modified_time" content="2024-07-18T11:10:00+02:00">
            <script type="application/ld+json">{{"@type":"LiveBlogPosting","headline":"Ticker","liveBlogUpdate":[{}]}}</script></head>
            <body><div><h3>11.04 Uhr: Regierung tagt</h3><p>{body}</p><h3>9.30 Uhr: Erste Meldung</h3><p>{body}</p>
            <h3>8.15 Uhr: Frühe Meldung</h3><p>{body}</p></div></body></html>"#,
            updates.join(",")
        );
        let mut html_input = input(&page);
        html_input.now = "2026-01-01T00:00:00Z"
            .parse()
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let doc = parse(&html_input).unwrap_or_default();
        let times: Vec<String> = doc
            .items
            .iter()
            .map(|i| i.published.map(|t| t.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            times,
            [
                "2024-07-18T09:04:00Z",
                "2024-07-18T07:30:00Z",
                "2024-07-18T06:15:00Z"
            ]
        );
    }

    #[test]
    fn no_blog_is_no_entries() {
        let page = r#"<script type="application/ld+json">{"@type":"NewsArticle"}</script>"#;
        match parse(&input(page)) {
            Err(ParseError::NoEntries { looked_for }) => {
                assert!(looked_for.contains("NewsArticle"))
            }
            other => panic!("{other:?}"),
        }
    }
}
