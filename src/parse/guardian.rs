//! The Guardian: the Content API (`response.content.blocks.body`, or a bare Content
//! object) and the frontend's page JSON (`blocks[*]` with `elements`, as served at
//! `<liveblog url>.json`).
//!
//! Each block becomes an entry with id = the block id, permalink
//! `webUrl?page=with:block-<id>#block-<id>`, body from `bodyHtml` (API) or the
//! concatenated HTML of the text elements (page JSON), authors from `contributors`.

use serde_json::{Map, Value};

use super::input::{Input, ParseError};
use super::{dates, text};
use crate::model::{Document, EntryId, Format, Item};
use crate::sanitize;

pub fn parse(input: &Input<'_>) -> Result<Document, ParseError> {
    let bytes = input
        .bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(input.bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|e| ParseError::Invalid {
        format: Format::Guardian,
        reason: sanitize::clean_line(&e.to_string()),
    })?;
    let content = value
        .pointer("/response/content")
        .and_then(Value::as_object)
        .or_else(|| value.as_object())
        .ok_or_else(no_entries)?;
    let web_url = str_of(content, "webUrl")
        .or_else(|| str_of(content, "webURL"))
        .or(input.base_url);
    let title = str_of(content, "webTitle")
        .or_else(|| str_of(content, "headline"))
        .map(text::line)
        .filter(|t| !t.is_empty());
    let blocks: Vec<&Map<String, Value>> = match content.get("blocks") {
        // Content API: `blocks.body`.
        Some(Value::Object(blocks)) => blocks
            .get("body")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_object).collect())
            .unwrap_or_default(),
        // Page JSON: `blocks` is the list.
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    let mut items: Vec<Item> = blocks
        .into_iter()
        .filter_map(|b| item(b, web_url))
        .collect();
    if items.is_empty() {
        return Err(no_entries());
    }
    super::ids::dedupe(&mut items, web_url);
    Ok(Document {
        title,
        items,
        ..Document::default()
    })
}

fn no_entries() -> ParseError {
    ParseError::NoEntries {
        looked_for: "Guardian blocks (response.content.blocks.body[] or blocks[])".to_string(),
    }
}

fn str_of<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// A date given as an ISO string or as epoch milliseconds.
fn date_of(object: &Map<String, Value>, keys: &[&str]) -> Option<jiff::Timestamp> {
    keys.iter().find_map(|k| match object.get(*k)? {
        Value::String(s) => dates::parse(s),
        Value::Number(n) => jiff::Timestamp::from_millisecond(n.as_i64()?).ok(),
        _ => None,
    })
}

/// The HTML of one page-JSON element: text blocks as they are, pictures as their
/// caption (or alt text) in brackets; other embeds are skipped.
fn element_html(element: &Map<String, Value>) -> Option<String> {
    let kind = str_of(element, "_type")?;
    if kind.ends_with("TextBlockElement") {
        return str_of(element, "html").map(str::to_string);
    }
    if kind.ends_with("ImageBlockElement") {
        let data = element.get("data").and_then(Value::as_object)?;
        let words = str_of(data, "caption").or_else(|| str_of(data, "alt"))?;
        let escaped = words
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        return Some(format!("<p>[{escaped}]</p>"));
    }
    None
}

fn item(block: &Map<String, Value>, web_url: Option<&str>) -> Option<Item> {
    let id = sanitize::clean_line(str_of(block, "id")?);
    if id.is_empty() {
        return None;
    }
    let published = date_of(
        block,
        &[
            "firstPublishedDate",
            "blockFirstPublished",
            "publishedDate",
            "createdDate",
            "blockCreatedOn",
        ],
    );
    let updated = date_of(
        block,
        &["lastModifiedDate", "blockLastUpdated", "publishedDate"],
    );
    let title = str_of(block, "title")
        .or_else(|| {
            block
                .get("attributes")
                .and_then(Value::as_object)
                .and_then(|a| str_of(a, "title"))
        })
        .map(text::line)
        .unwrap_or_default();
    let html = match str_of(block, "bodyHtml") {
        Some(html) => html.to_string(),
        None => block
            .get("elements")
            .and_then(Value::as_array)
            .map(|elements| {
                elements
                    .iter()
                    .filter_map(Value::as_object)
                    .filter_map(element_html)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
    };
    let text = if html.trim().is_empty() {
        str_of(block, "bodyTextSummary")
            .map(text::body_to_text)
            .unwrap_or_default()
    } else {
        text::html_to_text(&html)
    };
    let mut names: Vec<String> = Vec::new();
    for contributor in block
        .get("contributors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = match contributor {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o) => str_of(o, "name").or_else(|| str_of(o, "webTitle")),
            _ => None,
        };
        if let Some(name) = name
            .map(text::line)
            .filter(|n| !n.is_empty() && !names.contains(n))
        {
            names.push(name);
        }
    }
    if names.is_empty()
        && let Some(created_by) = block.get("createdBy").and_then(Value::as_object)
    {
        let full = [
            str_of(created_by, "firstName"),
            str_of(created_by, "lastName"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let full = text::line(&full);
        if !full.is_empty() {
            names.push(full);
        }
    }
    let attributes = block.get("attributes").and_then(Value::as_object);
    let flag = |name: &str| {
        attributes
            .and_then(|attributes| attributes.get(name))
            .is_some_and(|value| value.as_bool() == Some(true) || value.as_str() == Some("true"))
    };
    let flags = crate::model::Flags {
        pinned: flag("pinned"),
        key_event: flag("keyEvent"),
        summary: flag("summary"),
    };
    let url = web_url.and_then(|page| {
        let page = super::ids::strip_fragment(page);
        let page = page.split_once('?').map_or(page, |(p, _)| p);
        super::feed::absolute(&format!("{page}?page=with:block-{id}#block-{id}"), None)
    });
    Some(Item {
        id: EntryId(id),
        published,
        updated,
        title,
        author: (!names.is_empty()).then(|| names.join(", ")),
        url,
        text,
        html: (!html.trim().is_empty()).then(|| sanitize::clean(&html)),
        flags,
    })
}
