//! Subscriptions in and out: OPML (what newsboat, newsraft and web readers export) and
//! newsboat's `urls` file. Pure functions of text; the CLI does the file work.

use std::fmt::Write as _;

use crate::sanitize::escape_xml;

/// One subscription found in an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The feed's title, if the file gives one.
    pub title: Option<String>,
    /// The feed's URL.
    pub url: String,
    /// Folders / tags it sits in, outermost first.
    pub categories: Vec<String>,
}

/// Why an import file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

/// Reads OPML (nested outlines; `xmlUrl` marks a feed; parents and the `category`
/// attribute give categories) or, when the text is not XML, a newsboat `urls` file.
pub fn import(text: &str) -> Result<Vec<Subscription>, ImportError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        import_opml(trimmed)
    } else {
        Ok(import_newsboat_urls(trimmed))
    }
}

fn import_opml(text: &str) -> Result<Vec<Subscription>, ImportError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options)
        .map_err(|err| ImportError(format!("not valid OPML: {err}")))?;
    let root = document.root_element();
    if !root.has_tag_name("opml") {
        return Err(ImportError(format!(
            "not OPML: the root element is <{}>",
            root.tag_name().name()
        )));
    }
    let mut found = Vec::new();
    if let Some(body) = root.children().find(|node| node.has_tag_name("body")) {
        walk(body, &mut Vec::new(), &mut found);
    }
    Ok(found)
}

fn walk(node: roxmltree::Node<'_, '_>, path: &mut Vec<String>, found: &mut Vec<Subscription>) {
    for outline in node
        .children()
        .filter(|child| child.has_tag_name("outline"))
    {
        let title = outline
            .attribute("title")
            .or_else(|| outline.attribute("text"))
            .map(crate::sanitize::clean_line)
            .filter(|title| !title.is_empty());
        match outline
            .attribute("xmlUrl")
            .or_else(|| outline.attribute("xmlurl"))
        {
            Some(url) if !url.trim().is_empty() => {
                let mut categories = path.clone();
                if let Some(category) = outline.attribute("category") {
                    categories.extend(
                        category
                            .split([',', '/'])
                            .map(str::trim)
                            .filter(|c| !c.is_empty())
                            .map(str::to_string),
                    );
                }
                found.push(Subscription {
                    title,
                    url: url.trim().to_string(),
                    categories,
                });
            }
            _ => {
                path.push(title.unwrap_or_default());
                walk(outline, path, found);
                path.pop();
            }
        }
    }
}

/// newsboat's `urls`: `URL "tag" "~Custom title" ...`, `#` comments; query feeds
/// (`query:`), filters (`filter:`) and commands (`exec:`) are skipped.
fn import_newsboat_urls(text: &str) -> Vec<Subscription> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = split_quoted(line).into_iter();
        let Some(url) = words.next() else { continue };
        if !(url.starts_with("http://")
            || url.starts_with("https://")
            || url.starts_with("file://"))
        {
            continue;
        }
        let mut title = None;
        let mut categories = Vec::new();
        for word in words {
            match word.strip_prefix('~') {
                Some(custom) => title = Some(custom.to_string()),
                None if word.starts_with('!') => {} // "!" hides a feed in newsboat; keep it
                None => categories.push(word),
            }
        }
        found.push(Subscription {
            title,
            url,
            categories,
        });
    }
    found
}

fn split_quoted(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Why an imported subscription is not followed, if it is not: imported sources are
/// web addresses; a local file (a `file://` URL or a path) only when `allow_local`,
/// since the next refresh would copy it into the cache; other schemes never.
pub fn refusal(url: &str, allow_local: bool) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        // The config's own check: what it would refuse is skipped here, not written.
        return crate::config::web_url_problem(url)
            .map(|problem| format!("not a valid web address ({problem})"));
    }
    if let Some(full) = crate::config::missing_scheme(url) {
        return Some(format!("no scheme (did you mean {full}?)"));
    }
    let local = lower.starts_with("file:") || url::Url::parse(url).is_err();
    if !local {
        let scheme = lower.split(':').next().unwrap_or_default();
        return Some(format!(
            "`{}:` is not a scheme liveblog follows (http, https)",
            crate::sanitize::clean_line(scheme)
        ));
    }
    (!allow_local).then(|| {
        "a local file, not a web address (pass --allow-local to import local files)".to_string()
    })
}

/// One source to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline<'a> {
    /// Display name.
    pub title: &'a str,
    /// Feed URL.
    pub url: &'a str,
    /// Our format name, kept as a `type` hint.
    pub format: &'a str,
}

/// OPML 2.0 listing `outlines`, as other readers import it.
pub fn export(outlines: &[Outline<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>liveblog subscriptions</title>\n  </head>\n  <body>\n",
    );
    for outline in outlines {
        let kind = if outline.format == "atom" {
            "atom"
        } else {
            "rss"
        };
        let _ = writeln!(
            out,
            "    <outline type=\"{kind}\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{url}\"/>",
            title = escape_xml(outline.title),
            url = escape_xml(outline.url),
        );
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_opml_with_categories() {
        let opml = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>x</title></head><body>
  <outline text="News">
    <outline text="World" title="World">
      <outline type="rss" text="BBC &amp; co" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
    </outline>
    <outline type="rss" title="Guardian" xmlUrl="https://www.theguardian.com/world/rss" category="live,uk"/>
  </outline>
  <outline type="rss" text="Top" xmlUrl=" https://example.org/feed "/>
</body></opml>"#;
        let subs = import(opml).expect("opml");
        assert_eq!(subs.len(), 3);
        assert_eq!(subs[0].title.as_deref(), Some("BBC & co"));
        assert_eq!(subs[0].categories, ["News", "World"]);
        assert_eq!(subs[1].categories, ["News", "live", "uk"]);
        assert_eq!(subs[2].url, "https://example.org/feed");
    }

    #[test]
    fn newsboat_urls_file() {
        let urls = "# my feeds\nhttps://a.example/rss \"news\" \"~A news\"\n\n\"query:unread:unread = \\\"yes\\\"\"\nhttps://b.example/atom tech\nexec:~/bin/feed\n";
        let subs = import(urls).expect("urls");
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].title.as_deref(), Some("A news"));
        assert_eq!(subs[0].categories, ["news"]);
        assert_eq!(subs[1].url, "https://b.example/atom");
    }

    #[test]
    fn export_round_trips() {
        let text = export(&[Outline {
            title: "A & <B>",
            url: "https://x.example/?a=1&b=2",
            format: "rss",
        }]);
        let subs = import(&text).expect("own export");
        assert_eq!(subs[0].title.as_deref(), Some("A & <B>"));
        assert_eq!(subs[0].url, "https://x.example/?a=1&b=2");
    }

    #[test]
    fn only_web_addresses_unless_local_files_are_allowed() {
        for web in ["https://example.org/feed", "HTTP://example.org/rss?a=1"] {
            assert_eq!(refusal(web, false), None, "{web}");
        }
        for local in [
            "file:///etc/passwd",
            "FILE:///etc/shadow",
            "/etc/passwd",
            "feeds/local.xml",
        ] {
            let why = refusal(local, false).unwrap_or_default();
            assert!(why.contains("local file"), "{local}: {why}");
            assert_eq!(refusal(local, true), None, "{local}");
        }
        for other in [
            "javascript:alert(1)",
            "ftp://example.org/feed",
            "data:text/xml,<rss/>",
            "https://",
            "example.org/feed",
        ] {
            assert!(refusal(other, true).is_some(), "{other}");
        }
    }

    #[test]
    fn broken_opml_is_an_error() {
        assert!(import("<opml><body><outline").is_err());
        assert!(import("<rss></rss>").is_err());
    }
}
