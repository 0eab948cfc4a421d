//! Following a page in one step, through the binary (DESIGN.md "Following a page in
//! one step"): `add` on pages served on 127.0.0.1 — a live page with JSON-LD, a home
//! page with only a feed link, a live page that also links a site-wide feed, a page
//! linking a feed about itself and a site-wide one, a dead URL, a feed URL — and
//! `remove`, `config init`, with the user's comments kept byte for byte outside the
//! table that changed.

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use liveblog::demo::httpd::{Resource, Server, Site};
use tempfile::TempDir;

const USER_CONFIG: &str = "# My sources — kept by hand, please.\n\
[general]\n\
interval = \"90s\"    # slow link\n\
\n\
# The war, first.\n\
[[source]]\n\
name   = \"Kyiv\"        # odd spacing on purpose\n\
url    = \"https://example.invalid/kyiv\"\n\
\n\
[filters]\n\
# my saved query\n\
breaking = 'ceasefire'\n";

fn live_page(title: &str, feed_links: &str) -> String {
    let updates: Vec<String> = (0..3)
        .map(|n| {
            format!(
                r#"{{"@type":"BlogPosting","@id":"u{n}","headline":"Update {n}","articleBody":"Body of update {n}.","datePublished":"2026-11-30T1{n}:00:00Z"}}"#
            )
        })
        .collect();
    format!(
        "<html><head><title>{title} | Example News</title>{feed_links}\
         <script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\
         \"@type\":\"LiveBlogPosting\",\"headline\":\"{title}\",\"liveBlogUpdate\":[{}]}}</script>\
         </head><body><h1>{title}</h1></body></html>",
        updates.join(",")
    )
}

fn rss(title: &str, items: usize) -> String {
    let items: String = (0..items)
        .map(|n| {
            format!(
                "<item><title>{title} item {n}</title><guid>{title}-{n}</guid>\
                 <pubDate>Mon, 30 Nov 2026 1{n}:00:00 GMT</pubDate><description>Text {n}</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>{items}</channel></rss>"
    )
}

fn link(href: &str) -> String {
    format!("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"{href}\">")
}

/// A loopback server on its own runtime, serving the test pages.
struct Pages {
    server: Server,
    _runtime: tokio::runtime::Runtime,
}

impl Pages {
    fn start() -> Pages {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let site = Site::new();
        let html = "text/html; charset=utf-8";
        let feed = "application/rss+xml";
        site.set(
            "/live/storm",
            Resource::ok(
                html,
                live_page("Storm Mireille live: the eye passes over", &link("/rss")),
            ),
        );
        site.set("/rss", Resource::ok(feed, rss("Example News", 4)));
        site.set(
            "/",
            Resource::ok(
                html,
                format!("<html><head><title>Example News</title>{}</head><body><p>Home</p></body></html>", link("/rss")),
            ),
        );
        site.set(
            "/world/election",
            Resource::ok(
                html,
                format!(
                    "<html><head><title>Election | Example News</title>{}{}</head><body><p>An article.</p></body></html>",
                    link("/rss"),
                    link("/world/election/rss")
                ),
            ),
        );
        site.set(
            "/world/election/rss",
            Resource::ok(feed, rss("Election night", 3)),
        );
        site.set("/feed.xml", Resource::ok(feed, rss("Wire", 2)));
        site.set(
            "/empty",
            Resource::ok(
                html,
                "<html><head><title>Nothing</title></head><body><p>Hi</p></body></html>",
            ),
        );
        let server = runtime.block_on(Server::start(site)).expect("server");
        Pages {
            server,
            _runtime: runtime,
        }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }
}

struct Sandbox {
    dir: TempDir,
    config: PathBuf,
}

impl Sandbox {
    fn new(config: Option<&str>) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        if let Some(text) = config {
            std::fs::write(&path, text).expect("write config");
        }
        Sandbox { dir, config: path }
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("liveblog").expect("binary");
        let home = self.dir.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("XDG_DATA_HOME", home.join("xdg-data"))
            .arg("--config")
            .arg(&self.config)
            .arg("--cache")
            .arg(home.join("cache.db"))
            .timeout(Duration::from_secs(30));
        cmd
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.config).unwrap_or_default()
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(mut cmd: Command) -> Run {
    let output = cmd.output().expect("runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn add(sandbox: &Sandbox, args: &[&str]) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.arg("add").args(args);
    run(cmd)
}

fn remove(sandbox: &Sandbox, source: &str) -> Run {
    let mut cmd = sandbox.cmd();
    cmd.arg("remove").arg(source);
    run(cmd)
}

/// The `[[source]]` tables of a config, as (name, url).
fn sources(text: &str) -> Vec<(String, String)> {
    let config = liveblog::config::Config::parse(text, "test").expect("valid config");
    config
        .sources
        .iter()
        .map(|source| (source.id.0.clone(), source.url.clone()))
        .collect()
}

#[test]
fn a_live_page_is_followed_by_its_own_entries_and_named_from_its_title() {
    let pages = Pages::start();
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let url = pages.url("/live/storm");
    let out = add(&sandbox, &[&url]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("live entries in the page"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("3 entries"), "{}", out.stdout);
    assert!(out.stdout.contains("newest: 2026-11-30"), "{}", out.stdout);
    assert!(out.stdout.contains("Update 2"), "{}", out.stdout);
    assert!(
        out.stdout.contains("added \"Storm Mireille\""),
        "{}",
        out.stdout
    );
    let text = sandbox.text();
    assert_eq!(
        sources(&text),
        vec![
            (
                "Kyiv".to_string(),
                "https://example.invalid/kyiv".to_string()
            ),
            ("Storm Mireille".to_string(), url.clone()),
        ]
    );
    // The user's file, byte for byte, around the new table.
    let added = format!("\n[[source]]\nname = \"Storm Mireille\"\nurl = \"{url}\"\n");
    assert_eq!(text.replacen(&added, "", 1), USER_CONFIG, "{text}");

    // Already followed: said, and nothing changes.
    let again = add(&sandbox, &[&url]);
    assert_eq!(again.code, 0);
    assert!(
        again.stdout.contains("already following"),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.text(), text);

    // remove gives the file back exactly.
    let removed = remove(&sandbox, "Storm Mireille");
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    assert_eq!(sandbox.text(), USER_CONFIG);
}

#[test]
fn a_home_page_with_only_a_feed_link_is_followed_through_the_feed() {
    let pages = Pages::start();
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let out = add(&sandbox, &[&pages.url("/")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("no live entries in the page"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("a feed named by"), "{}", out.stdout);
    assert!(
        out.stdout.contains("read as rss (4 entries)"),
        "{}",
        out.stdout
    );
    assert_eq!(
        sources(&sandbox.text()).last(),
        Some(&("Example News".to_string(), pages.url("/rss")))
    );
}

#[test]
fn a_live_page_that_links_a_site_wide_feed_is_followed_by_its_entries() {
    let pages = Pages::start();
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    add(&sandbox, &[&pages.url("/live/storm")]);
    let followed = sources(&sandbox.text());
    assert_eq!(
        followed.last().map(|s| s.1.as_str()),
        Some(pages.url("/live/storm").as_str())
    );
    assert!(!followed.iter().any(|(_, url)| url.ends_with("/rss")));
}

#[test]
fn a_feed_about_the_page_wins_over_the_site_wide_one() {
    let pages = Pages::start();
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let out = add(&sandbox, &[&pages.url("/world/election")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        sources(&sandbox.text()).last(),
        Some(&(
            "Election night".to_string(),
            pages.url("/world/election/rss")
        ))
    );
}

#[test]
fn a_feed_url_is_followed_as_a_feed_with_the_flags_given() {
    let pages = Pages::start();
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let out = add(
        &sandbox,
        &[
            &pages.url("/feed.xml"),
            "--name",
            "My wire",
            "--interval",
            "30s",
            "--format",
            "rss",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("a feed, read as rss (2 entries)"),
        "{}",
        out.stdout
    );
    let text = sandbox.text();
    assert!(
        text.contains(&format!(
            "[[source]]\nname = \"My wire\"\nurl = \"{}\"\nformat = \"rss\"\ninterval = \"30s\"\n",
            pages.url("/feed.xml")
        )),
        "{text}"
    );
    // A name that is taken is refused, the file untouched.
    let taken = add(&sandbox, &[&pages.url("/rss"), "--name", "kyiv"]);
    assert_eq!(taken.code, 2, "{}", taken.stderr);
    assert_eq!(sandbox.text(), text);
}

#[test]
fn nothing_to_follow_exits_1_and_leaves_the_config_byte_for_byte() {
    let pages = Pages::start();
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    for (path, says) in [("/gone", "404"), ("/empty", "names no feed")] {
        let out = add(&sandbox, &[&pages.url(path)]);
        assert_eq!(out.code, 1, "{path}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("nothing to follow at"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(says), "{path}: {}", out.stderr);
        assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
        assert_eq!(sandbox.text(), USER_CONFIG);
    }
    // A dead port.
    let dead = add(&sandbox, &["http://127.0.0.1:9/live"]);
    assert_eq!(dead.code, 1);
    assert_eq!(sandbox.text(), USER_CONFIG);
}

#[test]
fn without_a_config_add_creates_one_from_the_commented_example() {
    let pages = Pages::start();
    let sandbox = Sandbox::new(None);
    let out = add(&sandbox, &[&pages.url("/live/storm")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("created from the commented example"),
        "{}",
        out.stdout
    );
    let text = sandbox.text();
    assert!(text.starts_with("# liveblog configuration"), "{text}");
    // It follows what was added, and none of the example's sample feeds (they stay in
    // the file, commented out).
    let names: Vec<String> = sources(&text).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["Storm Mireille"], "{text}");
    assert!(text.contains("# name = \"BBC World\""), "{text}");
}

#[test]
fn a_url_without_a_scheme_means_https() {
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let out = add(&sandbox, &["127.0.0.1:9/live"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("https://127.0.0.1:9/live"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("tried as https://; write http://"),
        "says the scheme was guessed: {}",
        out.stderr
    );
    assert_eq!(sandbox.text(), USER_CONFIG);

    // Not an address at all, or a path to no file: said so, nothing fetched.
    let out = add(&sandbox, &["not a url"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("not a web address"), "{}", out.stderr);
    let out = add(&sandbox, &["/no/such/page.html"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("/no/such/page.html") && !out.stderr.contains("https:///"),
        "a path stays a path: {}",
        out.stderr
    );
    let out = add(&sandbox, &["~/no-such-page.html"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("no-such-page.html") && !out.stderr.contains("tried as https"),
        "a path under home is no guessed https address: {}",
        out.stderr
    );
    assert_eq!(sandbox.text(), USER_CONFIG);
}

#[test]
fn remove_takes_a_name_or_a_url_and_says_when_there_is_none() {
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let out = remove(&sandbox, "Nope");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no source is named or has the URL `Nope`"),
        "{}",
        out.stderr
    );
    assert_eq!(sandbox.text(), USER_CONFIG);

    let out = remove(&sandbox, "example.invalid/kyiv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = sandbox.text();
    assert!(sources(&text).is_empty());
    assert!(
        text.starts_with(
            "# My sources — kept by hand, please.\n[general]\ninterval = \"90s\"    # slow link\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("[filters]\n# my saved query\nbreaking = 'ceasefire'\n"),
        "{text}"
    );
}

#[test]
fn config_init_writes_the_example_once() {
    let sandbox = Sandbox::new(None);
    let mut cmd = sandbox.cmd();
    cmd.args(["config", "init"]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&sandbox.config.display().to_string()));
    assert_eq!(sandbox.text(), include_str!("../config.example.toml"));
    let mut again = sandbox.cmd();
    again.args(["config", "init"]);
    let out = run(again);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("not overwritten"), "{}", out.stderr);
}

#[test]
fn a_word_that_is_neither_a_command_nor_a_url_is_bad_usage() {
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let mut cmd = sandbox.cmd();
    cmd.arg("lsit");
    let out = run(cmd);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`lsit` is not a command"),
        "{}",
        out.stderr
    );
}

#[test]
fn opml_import_names_sources_the_same_way_and_never_imports_a_url_twice() {
    let sandbox = Sandbox::new(Some(USER_CONFIG));
    let opml = sandbox.dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><body>
        <outline type="rss" text="Storm LIVE: the latest | Example News" xmlUrl="https://example.org/storm/rss"/>
        <outline text="Again"><outline type="rss" text="Storm copy" xmlUrl="https://example.org/storm/rss/"/></outline>
        <outline type="rss" xmlUrl="https://www.example.org/world/rss"/>
        <outline type="rss" text="Kyiv" xmlUrl="https://example.org/other"/></body></opml>"#,
    )
    .expect("write");
    let mut cmd = sandbox.cmd();
    cmd.args(["opml", "import"]).arg(&opml);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("imported 3 sources"), "{}", out.stdout);
    let text = sandbox.text();
    assert_eq!(
        sources(&text),
        vec![
            (
                "Kyiv".to_string(),
                "https://example.invalid/kyiv".to_string()
            ),
            (
                "Storm".to_string(),
                "https://example.org/storm/rss".to_string()
            ),
            (
                "example.org/world".to_string(),
                "https://www.example.org/world/rss".to_string()
            ),
            (
                "Kyiv (2)".to_string(),
                "https://example.org/other".to_string()
            ),
        ]
    );
    assert!(
        text.starts_with(USER_CONFIG.split("[filters]").next().unwrap_or("")),
        "{text}"
    );
}

/// A source taken out of the config: its cached entries leave the reader's list (and
/// the cache's search from it), stay in the cache for `list`, and come back with it.
#[test]
fn entries_of_sources_no_longer_configured_leave_the_list_and_come_back() {
    use liveblog::model::{EntryId, Item, SourceId};
    use liveblog::store::Store;
    let sandbox = Sandbox::new(None);
    let cache = sandbox.dir.path().join("cache.db");
    {
        let mut store = Store::open(&cache).expect("cache");
        for (source, count) in [("Kept", 3), ("Gone", 2)] {
            let items: Vec<Item> = (0..count)
                .map(|n| Item {
                    id: EntryId(format!("{source}-{n}")),
                    published: Some(jiff::Timestamp::from_second(1_800_000_000 + n).expect("time")),
                    updated: None,
                    title: format!("{source} entry {n}"),
                    author: None,
                    url: None,
                    text: format!("A storm report {n}."),
                    html: None,
                    flags: Default::default(),
                })
                .collect();
            store
                .apply(
                    &SourceId(source.to_string()),
                    &items,
                    jiff::Timestamp::now(),
                )
                .expect("stored");
        }
    }
    let config = |names: &[&str]| {
        let text: String = names
            .iter()
            .map(|name| {
                format!("[[source]]\nname = \"{name}\"\nurl = \"https://example.invalid/{name}\"\n")
            })
            .collect();
        liveblog::config::Config::parse(&text, "test").expect("config")
    };
    let shown = |names: &[&str]| {
        let app = liveblog::reader::open(&config(names), &cache)
            .expect("opens")
            .app;
        let mut sources: Vec<String> = app.rows.iter().map(|row| row.source.to_string()).collect();
        sources.sort();
        sources.dedup();
        (app.rows.len(), sources)
    };
    assert_eq!(
        shown(&["Kept", "Gone"]),
        (5, vec!["Gone".to_string(), "Kept".to_string()])
    );
    assert_eq!(shown(&["Kept"]), (3, vec!["Kept".to_string()]));
    // Still in the cache, and searchable.
    let store = Store::open(&cache).expect("cache");
    assert_eq!(store.entries(None).expect("entries").len(), 5);
    let mut searchable = Store::open(&cache).expect("cache");
    let query = liveblog::query::Query::parse("source:gone storm").expect("query");
    assert_eq!(
        searchable
            .query(&query, jiff::Timestamp::now(), None)
            .expect("search")
            .len(),
        2
    );
    // Added again, they are back.
    assert_eq!(shown(&["Gone", "Kept"]).0, 5);
}
