//! The built-in demo: fictional live coverage served on loopback, growing as you
//! watch, so `liveblog --demo` works with no network.
//!
//! [`Demo::start`] serves four live blogs from `assets/demo/` on a [`Server`]:
//!
//! | blog                 | source (format)                 | also served          |
//! |----------------------|---------------------------------|----------------------|
//! | storm (`storm`)      | `/storm/live` (JSON-LD page)    |                      |
//! | launch (`launch`)    | `/launch/atom.xml` (Atom)       | `/launch/live`       |
//! | election (`election`)| `/election/live.json` (Guardian Content API, with key events) | `/election/live` |
//! | cup final (`cup-final`) | `/cup-final/feed.json` (JSON Feed 1.1) | `/cup-final/live` |
//!
//! plus an index at `/`. The `/<slug>/live` pages are plain HTML with
//! `article.post`, `time@datetime`, `h2`, `.byline` and `.post-body`. The release
//! schedule is in `timeline`; a resource is replaced (with a new
//! ETag) only when its blog changed, so conditional GETs see 304s in between.

mod data;
pub mod httpd;
mod render;
mod timeline;

use std::time::Duration;

use jiff::Timestamp;
use tokio::task::JoinHandle;

use crate::demo::httpd::{Resource, Server, Site};
use crate::model::Format;

use self::render::Page;
use self::timeline::{BlogState, Timeline};

/// How often the demo publishes something new.
pub const TICK: Duration = Duration::from_secs(4);

/// How often the reader should poll a demo source.
pub const POLL_INTERVAL: Duration = Duration::from_secs(3);

/// One demo source, as the reader should configure it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSource {
    /// Display name (unique).
    pub name: String,
    /// `http://127.0.0.1:PORT/...`.
    pub url: String,
    /// The format served at `url`.
    pub format: Format,
    /// Poll interval.
    pub interval: Duration,
}

/// The running demo: the server and the release task; both stop on drop.
pub struct Demo {
    server: Server,
    task: JoinHandle<()>,
    sources: Vec<DemoSource>,
}

impl Demo {
    /// Starts the demo with the default tick ([`TICK`]). Needs a tokio runtime.
    pub async fn start() -> anyhow::Result<Demo> {
        Demo::start_with_tick(TICK).await
    }

    /// Starts the demo publishing every `tick` (tests use a short one).
    pub async fn start_with_tick(tick: Duration) -> anyhow::Result<Demo> {
        let blogs = data::load()?;
        let mut formats = Vec::with_capacity(blogs.len());
        for blog in &blogs {
            formats.push(blog.wire_format()?);
        }
        let server = Server::start(Site::default()).await?;
        let base = format!("http://{}", server.addr());
        let mut timeline = Timeline::new(blogs, Timestamp::now());

        let sources: Vec<DemoSource> = timeline
            .blogs
            .iter()
            .zip(&formats)
            .map(|(state, &format)| DemoSource {
                name: state.blog.name.clone(),
                url: server.url(&source_path(&state.blog.slug, format)),
                format,
                interval: POLL_INTERVAL,
            })
            .collect();

        let site = server.site().clone();
        let links: Vec<(String, String)> = sources
            .iter()
            .map(|s| (format!("{} ({})", s.name, s.format), s.url.clone()))
            .collect();
        site.set(
            "/",
            Resource::ok("text/html; charset=utf-8", render::index(&links)),
        );
        for (state, &format) in timeline.blogs.iter().zip(&formats) {
            publish(&site, &base, state, format);
        }

        let tick = tick.max(Duration::from_millis(1));
        let task = tokio::spawn(async move {
            let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + tick, tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                match timeline.tick(Timestamp::now()) {
                    Some(change) => {
                        let blog = change.blog();
                        if let (Some(state), Some(&format)) =
                            (timeline.blogs.get(blog), formats.get(blog))
                        {
                            publish(&site, &base, state, format);
                        }
                    }
                    None if timeline.is_done() => break,
                    None => {}
                }
            }
        });
        Ok(Demo {
            server,
            task,
            sources,
        })
    }

    /// The demo's sources, in a stable order.
    pub fn sources(&self) -> Vec<DemoSource> {
        self.sources.clone()
    }

    /// The server (its address, and its site's request counters).
    pub fn server(&self) -> &Server {
        &self.server
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The path a blog's source is served at.
fn source_path(slug: &str, format: Format) -> String {
    match format {
        Format::Atom => format!("/{slug}/atom.xml"),
        Format::Rss => format!("/{slug}/rss.xml"),
        Format::Jsonfeed => format!("/{slug}/feed.json"),
        Format::Guardian => format!("/{slug}/live.json"),
        _ => format!("/{slug}/live"),
    }
}

/// Every resource of one blog: `(path, content type, body)`.
fn render_blog(
    state: &BlogState,
    base: &str,
    format: Format,
) -> Vec<(String, &'static str, Vec<u8>)> {
    let slug = &state.blog.slug;
    let path = source_path(slug, format);
    let page = Page::new(state, base, &path);
    let live = format!("/{slug}/live");
    const HTML: &str = "text/html; charset=utf-8";
    match format {
        Format::Atom => vec![
            (
                path,
                "application/atom+xml; charset=utf-8",
                render::atom(&page),
            ),
            (live, HTML, render::html_page(&page, false)),
        ],
        Format::Rss => vec![
            (
                path,
                "application/rss+xml; charset=utf-8",
                render::rss(&page),
            ),
            (live, HTML, render::html_page(&page, false)),
        ],
        Format::Jsonfeed => vec![
            (
                path,
                "application/feed+json; charset=utf-8",
                render::json_feed(&page),
            ),
            (live, HTML, render::html_page(&page, false)),
        ],
        Format::Guardian => vec![
            (
                path,
                "application/json; charset=utf-8",
                render::guardian(&page),
            ),
            (live, HTML, render::html_page(&page, false)),
        ],
        _ => vec![(path, HTML, render::html_page(&page, true))],
    }
}

/// Replaces the blog's resources on `site` (new ETags, Last-Modified = now).
fn publish(site: &Site, base: &str, state: &BlogState, format: Format) {
    for (path, content_type, body) in render_blog(state, base, format) {
        site.set(&path, Resource::ok(content_type, body));
    }
}

#[cfg(test)]
mod tests {
    use super::data::{Blog, EntrySpec, load};
    use super::render::{Page, View, escape, script_safe_json};
    use super::timeline::Timeline;
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_750_000_000 + seconds).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    const BASE: &str = "http://127.0.0.1:8080";

    /// A blog whose text tries to break every format.
    fn nasty_blog(format: &str) -> Blog {
        Blog {
            name: "Nasty & <Co>".into(),
            title: "Ünïcode & <markup> \"live\"".into(),
            slug: "nasty".into(),
            format: format.into(),
            description: "Tom & Jerry's </script> <!-- test".into(),
            language: "en".into(),
            utc_offset: "+05:30".into(),
            entries: vec![
                EntrySpec {
                    headline: Some("Q&A: is 1 < 2? </script>".into()),
                    author: "Zoë Ångström".into(),
                    body: "<p>Fish &amp; chips</p><script>alert(1)</script>]]>".into(),
                    update: Some("It still is.".into()),
                    key_event: true,
                    pinned: false,
                    summary: false,
                },
                EntrySpec {
                    headline: None,
                    author: "O'Brien".into(),
                    body: "<p>Body only.</p>".into(),
                    update: None,
                    key_event: false,
                    pinned: true,
                    summary: false,
                },
            ],
        }
    }

    fn nasty_state(format: &str) -> BlogState {
        let mut timeline = Timeline::new(vec![nasty_blog(format)], at(0));
        let mut state = timeline.blogs.remove(0);
        assert_eq!(state.released.len(), 2, "both released at the start");
        // Edit the first entry as a tick would.
        state.released[0].updates.push("It still is.".into());
        state.released[0].updated = at(100);
        state
    }

    fn assert_xml_escaped(text: &str) {
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"));
        assert!(!text.contains("</script>"), "raw markup leaked: {text}");
        assert!(!text.contains("<p>"), "raw markup leaked: {text}");
        assert!(!text.contains("& "), "unescaped ampersand: {text}");
        assert!(text.contains("Q&amp;A: is 1 &lt; 2?"));
        assert!(text.contains("Fish &amp;amp; chips"));
    }

    fn parse_feed(bytes: &[u8]) -> feed_rs::model::Feed {
        feed_rs::parser::parse(bytes).expect("feed-rs parses it")
    }

    #[test]
    fn every_asset_loads_with_enough_entries() {
        let blogs = load().expect("assets load");
        assert_eq!(blogs.len(), 4);
        let mut formats = Vec::new();
        for blog in &blogs {
            let n = blog.entries.len();
            assert!((25..=40).contains(&n), "{}: {n} entries", blog.slug);
            let headless = blog.entries.iter().filter(|e| e.headline.is_none()).count();
            assert!(headless >= 1, "{}: one body-only update", blog.slug);
            assert!(blog.entries.iter().any(|e| e.body.contains("<a href=")));
            assert!(blog.entries.iter().any(|e| e.update.is_some()));
            assert!(
                blog.entries.iter().any(|e| !e.author.is_ascii()),
                "{}: a non-ASCII name",
                blog.slug
            );
            for entry in &blog.entries {
                let paragraphs = entry.body.matches("<p>").count();
                assert!(
                    (1..=4).contains(&paragraphs),
                    "{}: {}",
                    blog.slug,
                    entry.body
                );
                assert!(!entry.author.trim().is_empty());
            }
            formats.push(blog.wire_format().expect("format"));
        }
        assert!(
            blogs
                .iter()
                .any(|b| b.entries.iter().any(|e| e.body.contains("<ul>")))
        );
        assert_eq!(
            formats,
            [
                Format::Jsonld,
                Format::Atom,
                Format::Guardian,
                Format::Jsonfeed
            ]
        );
    }

    #[test]
    fn rss_is_well_formed_and_escaped() {
        let state = nasty_state("rss");
        let bytes = render::rss(&Page::new(&state, BASE, "/nasty/rss.xml"));
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        assert_xml_escaped(&text);
        assert!(text.contains("<rss version=\"2.0\""));
        assert!(text.contains("<guid isPermaLink=\"false\">liveblog-demo:nasty:1</guid>"));
        assert!(text.contains("<dc:creator>Zoë Ångström</dc:creator>"));
        assert!(text.contains("<dc:creator>O&#39;Brien</dc:creator>"));
        let feed = parse_feed(&bytes);
        assert_eq!(feed.entries.len(), 2);
        // Newest first: the second entry was released later.
        assert!(feed.entries[0].title.is_none());
        let first = &feed.entries[1];
        assert_eq!(
            first.title.as_ref().map(|t| t.content.as_str()),
            Some("Q&A: is 1 < 2? </script>")
        );
        assert!(first.published.is_some());
        let body = first
            .summary
            .as_ref()
            .map(|s| s.content.clone())
            .unwrap_or_default();
        assert!(
            body.contains("<strong>Update:</strong> It still is."),
            "{body}"
        );
        assert!(text.contains("+0530</pubDate>"));
    }

    #[test]
    fn atom_is_well_formed_and_escaped() {
        let state = nasty_state("atom");
        let bytes = render::atom(&Page::new(&state, BASE, "/nasty/atom.xml"));
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        assert_xml_escaped(&text);
        assert!(text.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        let feed = parse_feed(&bytes);
        assert_eq!(feed.entries.len(), 2);
        let first = &feed.entries[1];
        assert_eq!(first.id, "tag:liveblog.invalid,2025:nasty:1");
        assert_eq!(first.authors[0].name.as_deref(), Some("Zoë Ångström"));
        assert!(first.updated > first.published);
        assert_eq!(
            first.links[0].href,
            "http://127.0.0.1:8080/nasty/live#update-1"
        );
        let body = first
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        assert!(body.contains("Fish &amp; chips"), "{body}");
        assert!(text.contains("+05:30</published>"));
    }

    #[test]
    fn json_feed_is_valid_json_feed_1_1() {
        let state = nasty_state("jsonfeed");
        let bytes = render::json_feed(&Page::new(&state, BASE, "/nasty/feed.json"));
        let value: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(value["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(value["feed_url"], "http://127.0.0.1:8080/nasty/feed.json");
        let items = value["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        assert!(
            items[0].get("title").is_none(),
            "body-only entry has no title"
        );
        assert_eq!(items[1]["title"], "Q&A: is 1 < 2? </script>");
        assert_eq!(items[1]["id"], "nasty-1");
        assert_eq!(items[1]["authors"][0]["name"], "Zoë Ångström");
        assert!(items[1]["date_modified"].as_str() > items[1]["date_published"].as_str());
        let feed = parse_feed(&bytes);
        assert_eq!(feed.entries.len(), 2);
    }

    #[test]
    fn guardian_answer_reads_back_with_its_key_events_and_pins() {
        let state = nasty_state("guardian");
        let bytes = render::guardian(&Page::new(&state, BASE, "/nasty/live.json"));
        let options = crate::parse::ParseOptions::default();
        let input = crate::parse::Input {
            bytes: &bytes,
            content_type: Some("application/json"),
            base_url: Some("http://127.0.0.1:8080/nasty/live.json"),
            now: at(0),
            options: &options,
        };
        for format in [Format::Guardian, Format::Auto] {
            let document = crate::parse::parse(&input, format).expect("parses");
            assert_eq!(document.items.len(), 2);
            let first = &document.items[1];
            assert!(first.title.starts_with("Q&A: is 1 < 2?"), "{}", first.title);
            assert_eq!(first.author.as_deref(), Some("Zoë Ångström"));
            assert!(first.flags.key_event && !first.flags.pinned);
            assert!(first.text.contains("Fish & chips"), "{}", first.text);
            assert!(document.items[0].flags.pinned);
            assert!(first.updated > first.published);
        }
    }

    #[test]
    fn json_ld_page_is_well_formed_and_script_safe() {
        let state = nasty_state("jsonld");
        let page = Page::new(&state, BASE, "/nasty/live");
        let html = String::from_utf8(render::html_page(&page, true)).expect("utf-8");
        assert!(html.starts_with("<!DOCTYPE html>"));
        let start = html
            .find("<script type=\"application/ld+json\">")
            .expect("json-ld script")
            + "<script type=\"application/ld+json\">".len();
        let end = start + html[start..].find("</script>").expect("script end");
        let json = &html[start..end];
        assert!(!json.contains("</"), "script content must not close early");
        assert!(!json.contains("<!--"));
        let value: serde_json::Value = serde_json::from_str(json).expect("json");
        assert_eq!(value["@type"], "LiveBlogPosting");
        assert_eq!(value["headline"], "Ünïcode & <markup> \"live\"");
        let updates = value["liveBlogUpdate"].as_array().expect("updates");
        assert_eq!(updates.len(), 2);
        assert!(updates[0].get("headline").is_none());
        let first = &updates[1];
        assert_eq!(first["@type"], "BlogPosting");
        assert_eq!(first["@id"], "http://127.0.0.1:8080/nasty/live#update-1");
        assert_eq!(first["url"], first["@id"]);
        assert_eq!(first["headline"], "Q&A: is 1 < 2? </script>");
        assert_eq!(first["author"]["@type"], "Person");
        assert_eq!(first["author"]["name"], "Zoë Ångström");
        assert!(first["dateModified"].as_str() > first["datePublished"].as_str());
        let body = first["articleBody"].as_str().expect("body");
        assert!(body.contains("<script>alert(1)</script>"));
        assert!(body.contains("<strong>Update:</strong> It still is."));
        // The visible part escapes text too.
        assert!(html.contains("<h2>Q&amp;A: is 1 &lt; 2? &lt;/script&gt;</h2>"));
        assert!(html.contains("<article class=\"post\" id=\"update-1\">"));
    }

    #[test]
    fn escaping_helpers() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(
            script_safe_json(r#"{"a":"</script><!--"}"#),
            r#"{"a":"<\/script>\u003c!--"}"#
        );
    }

    #[test]
    fn real_blogs_render_newest_first_in_every_format() {
        let blogs = load().expect("assets load");
        let mut timeline = Timeline::new(blogs, at(0));
        for t in 1..=12 {
            timeline.tick(at(t * 4));
        }
        for state in &timeline.blogs {
            let format = state.blog.wire_format().expect("format");
            for (path, content_type, body) in render_blog(state, BASE, format) {
                assert!(path.starts_with('/'));
                assert!(content_type.contains("charset=utf-8"));
                if content_type.starts_with("text/html") {
                    let text = String::from_utf8(body).expect("utf-8");
                    let count = text.matches("<article class=\"post\"").count();
                    assert_eq!(count, state.released.len());
                    continue;
                }
                // Read back by the reader's own parsers, as the demo's reader does.
                let options = crate::parse::ParseOptions::default();
                let url = format!("{BASE}{path}");
                let input = crate::parse::Input {
                    bytes: &body,
                    content_type: Some(content_type),
                    base_url: Some(&url),
                    now: at(48),
                    options: &options,
                };
                let document = crate::parse::parse(&input, format).expect("parses");
                assert_eq!(document.items.len(), state.released.len(), "{path}");
                let times: Vec<_> = document.items.iter().map(|e| e.published).collect();
                assert!(
                    times.windows(2).all(|w| w[0] >= w[1]),
                    "{path}: newest first"
                );
                if format == Format::Guardian {
                    let flagged = |flag: fn(&crate::model::Flags) -> bool| {
                        document.items.iter().filter(|e| flag(&e.flags)).count()
                    };
                    assert!(flagged(|f| f.key_event) >= 2, "{path}: key events");
                    assert!(flagged(|f| f.pinned) == 1, "{path}: one pinned");
                }
            }
        }
    }

    #[test]
    fn a_view_appends_update_paragraphs() {
        let state = nasty_state("rss");
        let page = Page::new(&state, BASE, "/x");
        let views: Vec<&View> = page.entries.iter().filter(|v| v.number == 1).collect();
        assert_eq!(views.len(), 1);
        assert!(
            views[0]
                .html
                .ends_with("<p><strong>Update:</strong> It still is.</p>")
        );
    }

    #[tokio::test]
    async fn the_demo_serves_every_source_and_answers_304_until_it_changes() {
        let demo = Demo::start_with_tick(Duration::from_millis(150))
            .await
            .expect("demo starts");
        let sources = demo.sources();
        assert_eq!(sources.len(), 4);
        let client = reqwest::Client::new();
        let mut etags = Vec::new();
        for source in &sources {
            assert_eq!(source.interval, Duration::from_secs(3));
            assert!(source.url.starts_with("http://127.0.0.1:"));
            let response = client.get(&source.url).send().await.expect("get");
            assert_eq!(response.status().as_u16(), 200, "{}", source.url);
            let etag = response.headers()["etag"]
                .to_str()
                .expect("ascii")
                .to_string();
            let body = response.bytes().await.expect("body");
            if source.format == Format::Jsonld {
                assert!(body.starts_with(b"<!DOCTYPE html>"));
            } else if source.format == Format::Guardian {
                assert!(body.starts_with(b"{"));
            } else {
                assert!(!parse_feed(&body).entries.is_empty());
            }
            let again = client
                .get(&source.url)
                .header("If-None-Match", &etag)
                .send()
                .await
                .expect("conditional get");
            assert!(matches!(again.status().as_u16(), 200 | 304));
            etags.push(etag);
        }
        // Within a few ticks the first source gets a new entry and a new ETag.
        tokio::time::sleep(Duration::from_millis(700)).await;
        let response = client
            .get(&sources[0].url)
            .header("If-None-Match", &etags[0])
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 200);
        let index = client
            .get(demo.server().url("/"))
            .send()
            .await
            .expect("get");
        assert_eq!(index.status().as_u16(), 200);
    }
}

#[cfg(test)]
mod serving_tests {
    use super::*;

    #[tokio::test]
    async fn an_unchanged_source_answers_304() {
        let demo = Demo::start_with_tick(Duration::from_secs(3600))
            .await
            .expect("demo starts");
        let client = reqwest::Client::new();
        for source in demo.sources() {
            let first = client.get(&source.url).send().await.expect("get");
            assert_eq!(first.status().as_u16(), 200);
            let etag = first.headers()["etag"].to_str().expect("ascii").to_string();
            let second = client
                .get(&source.url)
                .header("If-None-Match", &etag)
                .send()
                .await
                .expect("get");
            assert_eq!(second.status().as_u16(), 304, "{}", source.url);
            let path = source
                .url
                .trim_start_matches(&demo.server().url(""))
                .to_string();
            assert_eq!(demo.server().site().not_modified(&path), 1, "{path}");
        }
        let names: Vec<String> = demo.sources().into_iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "Hurricane Mireille",
                "Aurora-3 launch",
                "Velmora election night",
                "Continental Cup final"
            ]
        );
    }
}
