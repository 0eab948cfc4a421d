//! Renderers: pure functions from a blog's released entries to the bytes served.
//! Every output lists entries newest first.

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Map, Value, json};

use super::timeline::BlogState;

/// One entry ready to render.
#[derive(Debug, Clone)]
pub(crate) struct View {
    /// The entry's stable number within its blog.
    pub number: usize,
    pub headline: Option<String>,
    pub author: String,
    /// The body HTML, "Update:" paragraphs included.
    pub html: String,
    pub published: Timestamp,
    pub updated: Timestamp,
    /// Key event, pinned, summary (as the Guardian marks blocks).
    pub flags: crate::model::Flags,
}

/// A blog's metadata and released entries (newest first), with the URLs it is served at.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub title: String,
    pub description: String,
    pub language: String,
    pub slug: String,
    pub time_zone: TimeZone,
    /// The human page, `http://127.0.0.1:PORT/<slug>/live`.
    pub page_url: String,
    /// The feed URL (equal to `page_url` for JSON-LD).
    pub feed_url: String,
    pub entries: Vec<View>,
}

impl Page {
    /// Builds the view of `state` served under `base` (`http://127.0.0.1:PORT`).
    pub fn new(state: &BlogState, base: &str, feed_path: &str) -> Page {
        let blog = &state.blog;
        let mut entries: Vec<View> = state
            .released
            .iter()
            .filter_map(|released| {
                let spec = state.spec(released)?;
                let mut html = spec.body.trim().to_string();
                for update in &released.updates {
                    html.push_str("\n<p><strong>Update:</strong> ");
                    html.push_str(update.trim());
                    html.push_str("</p>");
                }
                Some(View {
                    number: released.index + 1,
                    headline: spec.headline.clone().filter(|h| !h.trim().is_empty()),
                    author: spec.author.clone(),
                    html,
                    published: released.published,
                    updated: released.updated,
                    flags: crate::model::Flags {
                        pinned: spec.pinned,
                        key_event: spec.key_event,
                        summary: spec.summary,
                    },
                })
            })
            .collect();
        entries.sort_by(|a, b| b.published.cmp(&a.published).then(b.number.cmp(&a.number)));
        Page {
            title: blog.title.clone(),
            description: blog.description.clone(),
            language: blog.language.clone(),
            slug: blog.slug.clone(),
            time_zone: blog.time_zone().unwrap_or(TimeZone::UTC),
            page_url: format!("{base}/{}/live", blog.slug),
            feed_url: format!("{base}{feed_path}"),
            entries,
        }
    }

    fn fragment(view: &View) -> String {
        format!("update-{}", view.number)
    }

    fn entry_url(&self, view: &View) -> String {
        format!("{}#{}", self.page_url, Page::fragment(view))
    }

    /// RFC 3339 in the publisher's offset.
    fn rfc3339(&self, at: Timestamp) -> String {
        at.to_zoned(self.time_zone.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    /// RFC 822 / 2822 in the publisher's offset.
    fn rfc822(&self, at: Timestamp) -> String {
        jiff::fmt::rfc2822::to_string(&at.to_zoned(self.time_zone.clone()))
            .unwrap_or_else(|_| crate::demo::httpd::http_date(at))
    }

    /// The latest `updated` of any entry (the feed's own update time).
    fn updated(&self) -> Timestamp {
        self.entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

pub(crate) use crate::sanitize::escape_xml as escape;

/// Makes JSON safe inside an HTML `<script>` element.
pub(crate) fn script_safe_json(json: &str) -> String {
    json.replace("</", "<\\/").replace("<!--", "\\u003c!--")
}

/// RSS 2.0 with `guid`, RFC 822 `pubDate`, `dc:creator` and HTML `description`.
pub(crate) fn rss(page: &Page) -> Vec<u8> {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(
        "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n",
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&page.title));
    let _ = writeln!(out, "<link>{}</link>", escape(&page.page_url));
    let _ = writeln!(
        out,
        "<description>{}</description>",
        escape(&page.description)
    );
    let _ = writeln!(out, "<language>{}</language>", escape(&page.language));
    let _ = writeln!(
        out,
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        escape(&page.feed_url)
    );
    if !page.entries.is_empty() {
        let _ = writeln!(
            out,
            "<lastBuildDate>{}</lastBuildDate>",
            page.rfc822(page.updated())
        );
    }
    out.push_str("<ttl>1</ttl>\n");
    for view in &page.entries {
        out.push_str("<item>\n");
        if let Some(headline) = &view.headline {
            let _ = writeln!(out, "  <title>{}</title>", escape(headline));
        }
        let _ = writeln!(out, "  <link>{}</link>", escape(&page.entry_url(view)));
        let _ = writeln!(
            out,
            "  <guid isPermaLink=\"false\">liveblog-demo:{}:{}</guid>",
            escape(&page.slug),
            view.number
        );
        let _ = writeln!(out, "  <pubDate>{}</pubDate>", page.rfc822(view.published));
        let _ = writeln!(out, "  <dc:creator>{}</dc:creator>", escape(&view.author));
        let _ = writeln!(out, "  <description>{}</description>", escape(&view.html));
        out.push_str("</item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out.into_bytes()
}

/// Atom 1.0 with `published`, `updated`, `author` and `content type="html"`.
pub(crate) fn atom(page: &Page) -> Vec<u8> {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(&page.language)
    );
    let _ = writeln!(out, "<title type=\"text\">{}</title>", escape(&page.title));
    let _ = writeln!(
        out,
        "<subtitle type=\"text\">{}</subtitle>",
        escape(&page.description)
    );
    let _ = writeln!(
        out,
        "<id>tag:liveblog.invalid,2025:{}</id>",
        escape(&page.slug)
    );
    let _ = writeln!(
        out,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&page.feed_url)
    );
    let _ = writeln!(
        out,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&page.page_url)
    );
    let _ = writeln!(out, "<updated>{}</updated>", page.rfc3339(page.updated()));
    for view in &page.entries {
        out.push_str("<entry>\n");
        let _ = writeln!(
            out,
            "  <id>tag:liveblog.invalid,2025:{}:{}</id>",
            escape(&page.slug),
            view.number
        );
        let _ = writeln!(
            out,
            "  <title type=\"text\">{}</title>",
            escape(view.headline.as_deref().unwrap_or(""))
        );
        let _ = writeln!(
            out,
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&page.entry_url(view))
        );
        let _ = writeln!(
            out,
            "  <published>{}</published>",
            page.rfc3339(view.published)
        );
        let _ = writeln!(out, "  <updated>{}</updated>", page.rfc3339(view.updated));
        let _ = writeln!(
            out,
            "  <author><name>{}</name></author>",
            escape(&view.author)
        );
        let _ = writeln!(
            out,
            "  <content type=\"html\">{}</content>",
            escape(&view.html)
        );
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// JSON Feed 1.1.
pub(crate) fn json_feed(page: &Page) -> Vec<u8> {
    let items: Vec<Value> = page
        .entries
        .iter()
        .map(|view| {
            let mut item = Map::new();
            item.insert("id".into(), json!(format!("{}-{}", page.slug, view.number)));
            item.insert("url".into(), json!(page.entry_url(view)));
            if let Some(headline) = &view.headline {
                item.insert("title".into(), json!(headline));
            }
            item.insert("content_html".into(), json!(view.html));
            item.insert("date_published".into(), json!(page.rfc3339(view.published)));
            item.insert("date_modified".into(), json!(page.rfc3339(view.updated)));
            item.insert("authors".into(), json!([{ "name": view.author }]));
            Value::Object(item)
        })
        .collect();
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": page.title,
        "home_page_url": page.page_url,
        "feed_url": page.feed_url,
        "description": page.description,
        "language": page.language,
        "items": items,
    });
    let mut bytes = serde_json::to_vec_pretty(&feed).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A Guardian Content API answer for a live blog (`show-blocks=body`): each entry a
/// block with its key-event, pinned and summary marks.
pub(crate) fn guardian(page: &Page) -> Vec<u8> {
    let blocks: Vec<Value> = page
        .entries
        .iter()
        .map(|view| {
            let (first_name, last_name) = view
                .author
                .split_once(' ')
                .unwrap_or((view.author.as_str(), ""));
            json!({
                "id": format!("{}-{}", page.slug, view.number),
                "title": view.headline.clone().unwrap_or_default(),
                "bodyHtml": view.html,
                "firstPublishedDate": page.rfc3339(view.published),
                "publishedDate": page.rfc3339(view.published),
                "lastModifiedDate": page.rfc3339(view.updated),
                "createdBy": { "firstName": first_name, "lastName": last_name },
                "contributors": [],
                "attributes": {
                    "keyEvent": view.flags.key_event,
                    "pinned": view.flags.pinned,
                    "summary": view.flags.summary,
                },
            })
        })
        .collect();
    let answer = json!({
        "response": {
            "status": "ok",
            "userTier": "developer",
            "content": {
                "id": format!("demo/{}", page.slug),
                "type": "liveblog",
                "webTitle": page.title,
                "webUrl": page.page_url,
                "blocks": { "body": blocks },
            },
        },
    });
    let mut bytes = serde_json::to_vec_pretty(&answer).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The schema.org `LiveBlogPosting` object.
fn live_blog_posting(page: &Page) -> Value {
    let updates: Vec<Value> = page
        .entries
        .iter()
        .map(|view| {
            let url = page.entry_url(view);
            let mut item = Map::new();
            item.insert("@type".into(), json!("BlogPosting"));
            item.insert("@id".into(), json!(url));
            item.insert("url".into(), json!(url));
            if let Some(headline) = &view.headline {
                item.insert("headline".into(), json!(headline));
            }
            item.insert("datePublished".into(), json!(page.rfc3339(view.published)));
            item.insert("dateModified".into(), json!(page.rfc3339(view.updated)));
            item.insert(
                "author".into(),
                json!({ "@type": "Person", "name": view.author }),
            );
            item.insert("articleBody".into(), json!(view.html));
            Value::Object(item)
        })
        .collect();
    let mut posting = Map::new();
    posting.insert("@context".into(), json!("https://schema.org"));
    posting.insert("@type".into(), json!("LiveBlogPosting"));
    posting.insert("@id".into(), json!(page.page_url));
    posting.insert("url".into(), json!(page.page_url));
    posting.insert("headline".into(), json!(page.title));
    posting.insert("description".into(), json!(page.description));
    posting.insert("inLanguage".into(), json!(page.language));
    if let Some(oldest) = page.entries.iter().map(|e| e.published).min() {
        posting.insert("coverageStartTime".into(), json!(page.rfc3339(oldest)));
        posting.insert("datePublished".into(), json!(page.rfc3339(oldest)));
        posting.insert("dateModified".into(), json!(page.rfc3339(page.updated())));
    }
    posting.insert(
        "publisher".into(),
        json!({ "@type": "NewsMediaOrganization", "name": "The Liveblog Demo Gazette" }),
    );
    posting.insert("liveBlogUpdate".into(), Value::Array(updates));
    Value::Object(posting)
}

/// The human page: visible `<article class="post">` entries (with `time@datetime`,
/// `h2`, `.byline`, `.post-body`), plus the JSON-LD script when `with_json_ld`.
pub(crate) fn html_page(page: &Page, with_json_ld: bool) -> Vec<u8> {
    let mut out = String::with_capacity(8192);
    out.push_str("<!DOCTYPE html>\n");
    let _ = writeln!(out, "<html lang=\"{}\">", escape(&page.language));
    out.push_str("<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&page.title));
    let _ = writeln!(
        out,
        "<meta name=\"description\" content=\"{}\">",
        escape(&page.description)
    );
    let _ = writeln!(
        out,
        "<link rel=\"canonical\" href=\"{}\">",
        escape(&page.page_url)
    );
    if with_json_ld {
        let json = serde_json::to_string_pretty(&live_blog_posting(page)).unwrap_or_default();
        let _ = writeln!(
            out,
            "<script type=\"application/ld+json\">\n{}\n</script>",
            script_safe_json(&json)
        );
    }
    out.push_str(
        "</head>\n<body>\n<header class=\"masthead\">The Liveblog Demo Gazette</header>\n",
    );
    out.push_str("<main>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&page.title));
    let _ = writeln!(
        out,
        "<p class=\"standfirst\">{}</p>",
        escape(&page.description)
    );
    for view in &page.entries {
        let zoned = view.published.to_zoned(page.time_zone.clone());
        let _ = writeln!(
            out,
            "<article class=\"post\" id=\"{}\">",
            Page::fragment(view)
        );
        let _ = writeln!(
            out,
            "  <time datetime=\"{}\">{}</time>",
            page.rfc3339(view.published),
            zoned.strftime("%H:%M")
        );
        if let Some(headline) = &view.headline {
            let _ = writeln!(out, "  <h2>{}</h2>", escape(headline));
        }
        let _ = writeln!(out, "  <p class=\"byline\">{}</p>", escape(&view.author));
        let _ = writeln!(out, "  <div class=\"post-body\">\n{}\n  </div>", view.html);
        out.push_str("</article>\n");
    }
    out.push_str("</main>\n<footer>Fictional coverage for the liveblog demo.</footer>\n");
    out.push_str("</body>\n</html>\n");
    out.into_bytes()
}

/// The index page at `/`: links to every blog and feed.
pub(crate) fn index(links: &[(String, String)]) -> Vec<u8> {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>liveblog demo</title></head>\n<body>\n<h1>liveblog demo</h1>\n<ul>\n",
    );
    for (name, url) in links {
        let _ = writeln!(
            out,
            "<li><a href=\"{}\">{}</a></li>",
            escape(url),
            escape(name)
        );
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out.into_bytes()
}
