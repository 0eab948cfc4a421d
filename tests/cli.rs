//! The `liveblog` binary against DESIGN.md's "Command-line contract": `dump`,
//! `refresh`, `list`, `sources`, `tail`, exit codes, `--json`, config errors, and
//! hostile entries. Servers run on 127.0.0.1 inside the test; config and cache always
//! live in a temp dir.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{RssItem, fixtures, is_hostile, rss};
use liveblog::demo::httpd::{Resource, Server, Site};
use serde_json::Value;
use tempfile::TempDir;

const KEYS: [&str; 8] = [
    "source",
    "id",
    "published",
    "updated",
    "title",
    "author",
    "url",
    "text",
];

const RSS_TYPE: &str = "application/rss+xml";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A temp dir holding the config and the cache; nothing of the user's is touched.
struct Sandbox {
    dir: TempDir,
    config: PathBuf,
    cache: PathBuf,
}

impl Sandbox {
    fn new(config: &str) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, config).expect("write config");
        let cache = dir.path().join("cache.db");
        Sandbox {
            dir,
            config: config_path,
            cache,
        }
    }

    fn write_config(&self, config: &str) {
        std::fs::write(&self.config, config).expect("write config");
    }

    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// `liveblog --config C --cache K` with HOME and XDG dirs inside the sandbox.
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("liveblog").expect("binary built");
        self.isolate_assert(&mut cmd);
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--cache")
            .arg(&self.cache)
            .timeout(Duration::from_secs(20));
        cmd
    }

    fn isolate_assert(&self, cmd: &mut Command) {
        let home = self.dir.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("XDG_DATA_HOME", home.join("xdg-data"))
            .env("XDG_CACHE_HOME", home.join("xdg-cache"))
            .env_remove("BROWSER");
    }

    /// The same command line for `std::process::Command` (for `tail`).
    fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("liveblog"));
        let home = self.dir.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("XDG_DATA_HOME", home.join("xdg-data"))
            .env("XDG_CACHE_HOME", home.join("xdg-cache"))
            .arg("--config")
            .arg(&self.config)
            .arg("--cache")
            .arg(&self.cache);
        cmd
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Output {
    let output = cmd.output().expect("run liveblog");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .collect()
}

/// A loopback server on its own runtime; dropped before the runtime.
struct Loopback {
    server: Server,
    _runtime: tokio::runtime::Runtime,
}

impl Loopback {
    fn start(resources: Vec<(&str, Resource)>) -> Loopback {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let site = Site::new();
        for (path, resource) in resources {
            site.set(path, resource);
        }
        let server = runtime.block_on(Server::start(site)).expect("server");
        Loopback {
            server,
            _runtime: runtime,
        }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    fn site(&self) -> &Site {
        self.server.site()
    }
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn config_for(sources: &[(&str, &str)]) -> String {
    let mut text =
        String::from("[general]\ninterval = \"1s\"\ntimeout = \"5s\"\ntimezone = \"UTC\"\n");
    for (name, url) in sources {
        text.push_str(&format!(
            "\n[[source]]\nname = \"{name}\"\nurl = \"{url}\"\n"
        ));
    }
    text
}

/// Three items, oldest first in the document (the commands must sort them).
fn feed_v1() -> String {
    rss(&[
        RssItem {
            guid: "m1",
            title: "Markets open lower",
            description: "Stocks fell in early trading.",
            pub_date: "Wed, 01 May 2024 12:00:00 GMT",
        },
        RssItem {
            guid: "d1",
            title: "Drone strike reported",
            description: "Officials said two people were hurt.",
            pub_date: "Wed, 01 May 2024 13:30:00 GMT",
        },
        RssItem {
            guid: "c1",
            title: "Ceasefire talks resume",
            description: "Negotiators met in Cairo.",
            pub_date: "Wed, 01 May 2024 14:05:00 GMT",
        },
    ])
}

/// `feed_v1` with `d1` edited and a newer `n1` added.
fn feed_v2() -> String {
    rss(&[
        RssItem {
            guid: "m1",
            title: "Markets open lower",
            description: "Stocks fell in early trading.",
            pub_date: "Wed, 01 May 2024 12:00:00 GMT",
        },
        RssItem {
            guid: "d1",
            title: "Drone strike reported",
            description: "Officials now say three people were hurt.",
            pub_date: "Wed, 01 May 2024 13:30:00 GMT",
        },
        RssItem {
            guid: "c1",
            title: "Ceasefire talks resume",
            description: "Negotiators met in Cairo.",
            pub_date: "Wed, 01 May 2024 14:05:00 GMT",
        },
        RssItem {
            guid: "n1",
            title: "Statement expected shortly",
            description: "A spokesman will speak at four.",
            pub_date: "Wed, 01 May 2024 15:00:00 GMT",
        },
    ])
}

/// Parses `--json` output, checking the exact key set and value types of each line.
fn json_lines(stdout: &str) -> Vec<serde_json::Map<String, Value>> {
    lines(stdout)
        .into_iter()
        .map(|line| {
            let value: Value =
                serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
            let Value::Object(object) = value else {
                panic!("not an object: {line}");
            };
            // `list` and `tail` add `group` (an id or null); `dump` does not.
            let mut keys: Vec<&str> = object
                .keys()
                .map(String::as_str)
                .filter(|key| *key != "group")
                .collect();
            keys.sort_unstable();
            if let Some(group) = object.get("group") {
                assert!(
                    group.is_null() || group.as_str().is_some_and(|id| id.len() == 16),
                    "group is an id or null: {line}"
                );
            }
            let mut expected = KEYS.to_vec();
            expected.sort_unstable();
            assert_eq!(keys, expected, "exactly the contract's keys: {line}");
            for key in ["source", "id", "title", "author", "text"] {
                assert!(object[key].is_string(), "{key} is a string: {line}");
            }
            assert!(
                !object["id"].as_str().unwrap().is_empty(),
                "id present: {line}"
            );
            for key in ["published", "updated"] {
                match &object[key] {
                    Value::Null => {}
                    Value::String(time) => assert_rfc3339_with_offset(time),
                    other => panic!("{key} must be a string or null, got {other}"),
                }
            }
            assert!(
                object["url"].is_string() || object["url"].is_null(),
                "url is a string or null: {line}"
            );
            object
        })
        .collect()
}

fn assert_rfc3339_with_offset(time: &str) {
    let parsed: Result<jiff::Timestamp, _> = time.parse();
    assert!(parsed.is_ok(), "RFC 3339: {time:?}");
    let bytes = time.as_bytes();
    assert!(
        time.len() >= 20 && bytes[10] == b'T',
        "date T time: {time:?}"
    );
    let offset_ok = time.ends_with('Z') || {
        let tail = &time[time.len() - 6..];
        let t = tail.as_bytes();
        (t[0] == b'+' || t[0] == b'-')
            && t[1].is_ascii_digit()
            && t[2].is_ascii_digit()
            && t[3] == b':'
            && t[4].is_ascii_digit()
            && t[5].is_ascii_digit()
    };
    assert!(offset_ok, "explicit offset: {time:?}");
}

fn sort_time(object: &serde_json::Map<String, Value>) -> Option<jiff::Timestamp> {
    object["published"]
        .as_str()
        .or(object["updated"].as_str())
        .map(|time| time.parse().expect("timestamp"))
}

fn assert_newest_first(objects: &[serde_json::Map<String, Value>]) {
    let times: Vec<Option<jiff::Timestamp>> = objects.iter().map(sort_time).collect();
    for pair in times.windows(2) {
        match pair {
            [Some(a), Some(b)] => assert!(a >= b, "newest first: {a} before {b}"),
            [None, Some(b)] => panic!("an undated entry before a dated one ({b})"),
            _ => {}
        }
    }
}

fn titles(objects: &[serde_json::Map<String, Value>]) -> Vec<String> {
    objects
        .iter()
        .map(|object| object["title"].as_str().unwrap().to_string())
        .collect()
}

fn assert_no_hostile(what: &str, text: &str) {
    for (index, c) in text.char_indices() {
        assert!(
            !is_hostile(c),
            "{what}: {c:?} at byte {index} in output:\n{}",
            text.escape_debug()
        );
    }
    assert!(!text.as_bytes().contains(&0x1b), "{what}: ESC byte");
    assert!(!text.as_bytes().contains(&0x07), "{what}: BEL byte");
}

// ---------------------------------------------------------------------------
// dump
// ---------------------------------------------------------------------------

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn dump_json_of_fixtures_has_exactly_the_contract_keys_newest_first() {
    let Some(dir) = fixtures() else { return };
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\n");
    let feeds = dir.join("feeds");
    type Counter = fn(&str) -> usize;
    let cases: [(&str, Counter); 3] = [
        ("rsparser__DaringFireball.json", |text| {
            let feed: Value = serde_json::from_str(text).expect("fixture is JSON");
            feed["items"].as_array().expect("items").len()
        }),
        ("rssparser__guardian.rss", |text| {
            text.matches("<item>").count()
        }),
        ("rsparser__russcox.atom", |text| {
            text.matches("<entry>").count()
        }),
    ];
    for (name, count) in cases {
        let path = feeds.join(name);
        let text = std::fs::read_to_string(&path).expect("read fixture");
        let expected = count(&text);
        assert!(expected > 2, "{name}: fixture has entries");
        let out = run(sandbox.cmd().arg("dump").arg(&path).arg("--json"));
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let objects = json_lines(&out.stdout);
        assert_eq!(objects.len(), expected, "{name}: one line per entry");
        assert_newest_first(&objects);
        for object in &objects {
            assert_eq!(object["source"], path.display().to_string(), "{name}");
            assert!(
                object["published"].is_string() || object["updated"].is_string(),
                "{name}: these fixtures date every entry"
            );
        }
        let ids: std::collections::HashSet<&str> =
            objects.iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), objects.len(), "{name}: ids are unique");
        assert_no_hostile(name, &out.stdout);
    }
}

#[test]
#[cfg_attr(
    not(fixtures),
    ignore = "needs ../shared/fixtures beside the repository"
)]
fn dump_text_of_a_fixture_prints_every_entry() {
    let Some(dir) = fixtures() else { return };
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\n");
    let path = dir.join("feeds/rsparser__DaringFireball.json");
    let out = run(sandbox.cmd().arg("dump").arg(&path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("The Talk Show"), "{}", out.stdout);
    assert_no_hostile("dump text", &out.stdout);
}

#[test]
fn dump_dash_reads_stdin() {
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\n");
    let out = run(sandbox
        .cmd()
        .args(["dump", "-", "--json"])
        .write_stdin(feed_v1()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let objects = json_lines(&out.stdout);
    assert_eq!(
        titles(&objects),
        [
            "Ceasefire talks resume",
            "Drone strike reported",
            "Markets open lower"
        ]
    );
    assert_eq!(objects[0]["published"], "2024-05-01T14:05:00+00:00");
    assert_eq!(objects[0]["id"], "c1");
    assert_eq!(objects[0]["text"], "Negotiators met in Cairo.");
    // An explicit format works on stdin too.
    let out = run(sandbox
        .cmd()
        .args(["dump", "-", "--format", "rss", "--json"])
        .write_stdin(feed_v1()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json_lines(&out.stdout).len(), 3);
}

#[test]
fn dump_of_a_missing_file_exits_1_with_one_line_naming_it() {
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\n");
    let missing = sandbox.dir.path().join("no-such-feed.xml");
    let out = run(sandbox.cmd().arg("dump").arg(&missing));
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let err = lines(&out.stderr);
    assert_eq!(err.len(), 1, "one line: {:?}", out.stderr);
    assert!(
        err[0].contains(&missing.display().to_string()),
        "names the source: {}",
        err[0]
    );
}

#[test]
fn dump_of_an_unreachable_url_exits_1_naming_it() {
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\ntimeout = \"5s\"\n");
    let url = format!("http://127.0.0.1:{}/feed.xml", closed_port());
    let out = run(sandbox.cmd().arg("dump").arg(&url));
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    let err = lines(&out.stderr);
    assert_eq!(err.len(), 1, "one line: {:?}", out.stderr);
    assert!(err[0].contains(&url), "names the source: {}", err[0]);
}

#[test]
fn dump_with_an_unknown_format_exits_2() {
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\n");
    let path = sandbox.file("x", feed_v1().as_bytes());
    let out = run(sandbox
        .cmd()
        .args(["dump", "--format", "nonsense"])
        .arg(&path));
    assert_eq!(out.code, 2, "stderr: {}", out.stderr);
    assert!(out.stderr.contains("nonsense"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_usage_exits_2() {
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\n");
    assert_eq!(run(sandbox.cmd().arg("no-such-command")).code, 2);
    assert_eq!(run(sandbox.cmd().arg("dump")).code, 2, "SOURCE is required");
    assert_eq!(run(sandbox.cmd().args(["list", "--limit", "many"])).code, 2);
    // A log filter that does not parse is said, not a log silently turned off.
    let out = run(sandbox.cmd().args(["--log-level", "bogus=[", "list"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not a log level or filter"),
        "{}",
        out.stderr
    );
    assert_eq!(
        run(sandbox
            .cmd()
            .args(["--log-level", "liveblog=trace", "list"]))
        .code,
        0
    );
}

// ---------------------------------------------------------------------------
// Config errors
// ---------------------------------------------------------------------------

#[test]
fn an_invalid_config_exits_2_naming_file_line_and_key() {
    let cases = [
        (
            "[general]\ntimezone = \"UTC\"\ncolour = \"red\"\n",
            3,
            "colour",
        ),
        ("[general]\ninterval = \"soon\"\n", 2, "interval"),
        (
            "[general]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"x\"\nurl = \"http://127.0.0.1:9/\"\ninterval = \"5 parsecs\"\n",
            7,
            "interval",
        ),
        (
            "[general]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"x\"\nurl = \"http://127.0.0.1:9/\"\nformt = \"rss\"\n",
            7,
            "formt",
        ),
    ];
    for (text, line, key) in cases {
        let sandbox = Sandbox::new(text);
        let file = sandbox.config.display().to_string();
        let commands: [&[&str]; 5] = [
            &["refresh"],
            &["list"],
            &["sources"],
            &["tail"],
            &["dump", "-"],
        ];
        for args in commands {
            let out = run(sandbox.cmd().args(args).write_stdin(""));
            assert_eq!(out.code, 2, "{args:?} with {text:?}: {}", out.stderr);
            let err = &out.stderr;
            assert!(err.contains(&file), "{args:?}: names the file: {err}");
            assert!(
                err.contains(&format!("line {line}")),
                "{args:?}: names line {line}: {err}"
            );
            assert!(err.contains(key), "{args:?}: names the key {key}: {err}");
            assert_eq!(lines(err).len(), 1, "one line: {err:?}");
            assert!(out.stdout.is_empty(), "{}", out.stdout);
        }
        assert!(!sandbox.cache.exists(), "a bad config touches no cache");
    }
}

// ---------------------------------------------------------------------------
// refresh, list, sources
// ---------------------------------------------------------------------------

#[test]
fn refresh_prints_one_line_per_source_and_a_second_refresh_has_nothing_new() {
    let server = Loopback::start(vec![
        ("/feed.xml", Resource::ok(RSS_TYPE, feed_v1())),
        (
            "/other.xml",
            Resource::ok(
                RSS_TYPE,
                rss(&[RssItem {
                    guid: "o1",
                    title: "Other news",
                    description: "Elsewhere.",
                    pub_date: "Wed, 01 May 2024 11:00:00 GMT",
                }]),
            ),
        ),
    ]);
    let sandbox = Sandbox::new(&config_for(&[
        ("good", &server.url("/feed.xml")),
        ("other", &server.url("/other.xml")),
    ]));
    let out = run(sandbox.cmd().arg("refresh"));
    assert_eq!(
        out.code, 0,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    let first = lines(&out.stdout);
    assert_eq!(first.len(), 2, "one line per source: {:?}", out.stdout);
    let good = first
        .iter()
        .find(|l| l.contains("good"))
        .expect("good line");
    assert!(
        good.contains("3 new") && good.contains("0 updated"),
        "{good}"
    );
    let other = first.iter().find(|l| l.contains("other")).expect("other");
    assert!(other.contains("1 new"), "{other}");

    let out = run(sandbox.cmd().arg("refresh"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let second = lines(&out.stdout);
    assert_eq!(second.len(), 2, "{:?}", out.stdout);
    for line in second {
        assert!(
            line.contains("not modified") || line.contains("0 new"),
            "nothing new: {line}"
        );
        assert!(!line.contains("1 new") && !line.contains("3 new"), "{line}");
    }
    assert_eq!(
        server.site().not_modified("/feed.xml"),
        1,
        "a conditional GET"
    );
    let headers = server.site().last_request_headers("/feed.xml").unwrap();
    assert!(
        headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("if-none-match")),
        "{headers:?}"
    );

    // An edit and a new item: reported as such.
    server
        .site()
        .set("/feed.xml", Resource::ok(RSS_TYPE, feed_v2()));
    let out = run(sandbox.cmd().arg("refresh"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let good = lines(&out.stdout)
        .into_iter()
        .find(|l| l.contains("good"))
        .expect("good line")
        .to_string();
    assert!(
        good.contains("1 new") && good.contains("1 updated"),
        "{good}"
    );
}

#[test]
fn refresh_with_an_unreachable_source_exits_1_and_keeps_the_good_one() {
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    let dead = format!("http://127.0.0.1:{}/feed.xml", closed_port());
    let sandbox = Sandbox::new(&config_for(&[
        ("good", &server.url("/feed.xml")),
        ("dead", &dead),
    ]));
    let out = run(sandbox.cmd().arg("refresh"));
    assert_eq!(
        out.code, 1,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    let all = format!("{}{}", out.stdout, out.stderr);
    let dead_line = lines(&all)
        .into_iter()
        .find(|line| line.contains("dead"))
        .unwrap_or_else(|| panic!("the failing source is named: {all}"));
    assert!(
        dead_line.to_lowercase().contains("error") || dead_line.contains("connect"),
        "{dead_line}"
    );
    let good = lines(&out.stdout)
        .into_iter()
        .find(|line| line.contains("good"))
        .expect("good line");
    assert!(good.contains("3 new"), "{good}");

    let out = run(sandbox.cmd().args(["list", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let objects = json_lines(&out.stdout);
    assert_eq!(objects.len(), 3, "the good source is cached");
    assert!(objects.iter().all(|object| object["source"] == "good"));

    let out = run(sandbox.cmd().arg("sources"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 2, "{:?}", out.stdout);
    let good = rows.iter().find(|r| r.starts_with("good")).expect("good");
    assert!(good.contains("ok"), "{good}");
    assert!(good.contains(&server.url("/feed.xml")), "{good}");
    let dead_row = rows.iter().find(|r| r.starts_with("dead")).expect("dead");
    assert!(dead_row.contains("failing"), "{dead_row}");
}

#[test]
fn list_prints_cached_entries_newest_first_with_limit_and_filter() {
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    let sandbox = Sandbox::new(&config_for(&[("good", &server.url("/feed.xml"))]));
    assert_eq!(run(sandbox.cmd().arg("refresh")).code, 0);

    let out = run(sandbox.cmd().args(["list", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = json_lines(&out.stdout);
    assert_eq!(
        titles(&all),
        [
            "Ceasefire talks resume",
            "Drone strike reported",
            "Markets open lower"
        ]
    );
    assert_newest_first(&all);
    assert_eq!(all[0]["source"], "good");
    assert_eq!(all[0]["url"], "http://127.0.0.1/live#c1");

    let out = run(sandbox.cmd().args(["list", "--json", "--limit", "2"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let two = json_lines(&out.stdout);
    assert_eq!(
        titles(&two),
        ["Ceasefire talks resume", "Drone strike reported"]
    );

    let out = run(sandbox.cmd().args(["list", "--json", "--filter", "cairo"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(titles(&json_lines(&out.stdout)), ["Ceasefire talks resume"]);

    let out = run(sandbox
        .cmd()
        .args(["list", "--json", "--filter", "strike OR markets -drone"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(titles(&json_lines(&out.stdout)), ["Markets open lower"]);

    // A query that starts with `-` is the query, not an option; one that starts with
    // `--` is the next option, and the query is missing.
    let out = run(sandbox.cmd().args(["list", "--json", "--filter", "-drone"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        titles(&json_lines(&out.stdout)),
        ["Ceasefire talks resume", "Markets open lower"]
    );
    let out = run(sandbox.cmd().args(["list", "--filter", "--json"]));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("a query is missing"), "{}", out.stderr);

    // Text output filters too.
    let out = run(sandbox.cmd().args(["list", "--filter", "drone"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Drone strike reported"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Ceasefire"), "{}", out.stdout);
    assert!(!out.stdout.contains("Markets"), "{}", out.stdout);
    assert!(out.stdout.contains("good"), "{}", out.stdout);

    // No match is not an error.
    let out = run(sandbox.cmd().args(["list", "--filter", "zzzz"]));
    assert_eq!(out.code, 0);
    assert!(out.stdout.trim().is_empty(), "{}", out.stdout);
}

/// `list` and `sources` only read: with no cache yet they say so and make no file.
#[test]
fn reading_commands_make_no_cache() {
    let sandbox = Sandbox::new(&config_for(&[("good", "http://127.0.0.1:9/feed.xml")]));
    let out = run(sandbox.cmd().arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("no entries in the cache"),
        "{}",
        out.stderr
    );
    let out = run(sandbox.cmd().arg("sources"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("never polled"), "{}", out.stdout);
    assert!(
        !sandbox.cache.exists(),
        "no cache made by commands that only read"
    );
}

/// Two sources reporting the same event in their own words, and one more report each.
fn same_event_feeds() -> (String, String) {
    let wire = rss(&[
        RssItem {
            guid: "w1",
            title: "Russia launches 174 drones overnight, Ukraine says 90 shot down",
            description: "Ukraine's air force said Russia launched 174 drones; 90 were downed.",
            pub_date: "Wed, 01 May 2024 06:10:00 GMT",
        },
        RssItem {
            guid: "w2",
            title: "Central bank holds rates at 4.5%",
            description: "The board voted to keep its key rate unchanged.",
            pub_date: "Wed, 01 May 2024 09:00:00 GMT",
        },
    ]);
    let paper = rss(&[
        RssItem {
            guid: "p1",
            title: "Ukrainian air defences down 90 of 174 Russian drones",
            description: "The air force said 174 drones were launched overnight and 90 were shot down.",
            pub_date: "Wed, 01 May 2024 06:45:00 GMT",
        },
        RssItem {
            guid: "p2",
            title: "Storm Mireille makes landfall near Port Ebene",
            description: "The eye crossed the coast with winds of 190km/h.",
            pub_date: "Wed, 01 May 2024 08:00:00 GMT",
        },
    ]);
    (wire, paper)
}

#[test]
fn list_json_gives_one_events_reports_one_group_id_and_others_null() {
    let (wire, paper) = same_event_feeds();
    let server = Loopback::start(vec![
        ("/wire.xml", Resource::ok(RSS_TYPE, wire)),
        ("/paper.xml", Resource::ok(RSS_TYPE, paper)),
    ]);
    let sandbox = Sandbox::new(&config_for(&[
        ("wire", &server.url("/wire.xml")),
        ("paper", &server.url("/paper.xml")),
    ]));
    assert_eq!(run(sandbox.cmd().arg("refresh")).code, 0);
    let out = run(sandbox.cmd().args(["list", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = json_lines(&out.stdout);
    assert_eq!(all.len(), 4);
    let group_of = |objects: &[serde_json::Map<String, Value>], id: &str| {
        let object = objects
            .iter()
            .find(|object| object["id"] == id)
            .unwrap_or_else(|| panic!("{id} listed: {objects:?}"));
        object
            .get("group")
            .unwrap_or_else(|| panic!("list --json has a group key: {object:?}"))
            .clone()
    };
    let group = group_of(&all, "w1");
    assert!(group.is_string(), "{group}");
    assert_eq!(group_of(&all, "p1"), group, "one event, one id");
    assert!(group_of(&all, "w2").is_null());
    assert!(group_of(&all, "p2").is_null());
    // The id does not depend on what else is printed: a filter that leaves out the
    // first report, or a limit, gives the later one the same id.
    let out = run(sandbox
        .cmd()
        .args(["list", "--json", "--filter", "source:paper"]));
    assert_eq!(group_of(&json_lines(&out.stdout), "p1"), group);
    let out = run(sandbox.cmd().args(["list", "--json", "--limit", "3"]));
    assert_eq!(group_of(&json_lines(&out.stdout), "p1"), group);
    // `dump` prints the contract's keys only.
    let out = run(sandbox
        .cmd()
        .args(["dump", &server.url("/wire.xml"), "--json"]));
    assert!(
        json_lines(&out.stdout)
            .iter()
            .all(|o| !o.contains_key("group"))
    );
}

#[test]
fn a_bad_filter_exits_2() {
    let sandbox = Sandbox::new(&config_for(&[]));
    for filter in ["\"unclosed", "(a", "a OR", "since:soon"] {
        let out = run(sandbox.cmd().args(["list", "--filter", filter]));
        assert_eq!(out.code, 2, "{filter}: {}", out.stderr);
        assert_eq!(lines(&out.stderr).len(), 1, "{:?}", out.stderr);
        assert!(out.stderr.contains("filter"), "{}", out.stderr);
    }
    let out = run(sandbox.cmd().args(["tail", "--filter", "\"unclosed"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn sources_lists_each_source_with_its_status() {
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    let sandbox = Sandbox::new(&config_for(&[("good", &server.url("/feed.xml"))]));
    let out = run(sandbox.cmd().arg("sources"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 1, "{:?}", out.stdout);
    assert!(
        rows[0].contains("good") && rows[0].contains("never polled"),
        "{}",
        rows[0]
    );

    assert_eq!(run(sandbox.cmd().arg("refresh")).code, 0);
    // A source added to the config after the refresh has not been polled yet.
    let dead = format!("http://127.0.0.1:{}/x.xml", closed_port());
    sandbox.write_config(&config_for(&[
        ("good", &server.url("/feed.xml")),
        ("later", &dead),
    ]));
    let out = run(sandbox.cmd().arg("sources"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 2, "{:?}", out.stdout);
    assert!(
        rows[0].starts_with("good") && rows[0].contains("ok"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with("later") && rows[1].contains("never polled"),
        "{}",
        rows[1]
    );
    assert!(rows[1].contains(&dead), "{}", rows[1]);

    // An empty config says so and succeeds.
    sandbox.write_config(&config_for(&[]));
    let out = run(sandbox.cmd().arg("sources"));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("no sources"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------
// tail
// ---------------------------------------------------------------------------

/// A running `tail` whose stdout lines arrive on a channel; killed on drop.
struct Tail {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Tail {
    fn spawn(sandbox: &Sandbox, args: &[&str]) -> Tail {
        let mut child = sandbox
            .std_cmd()
            .arg("tail")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn tail");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Tail { child, lines: rx }
    }

    /// Up to `n` lines, waiting at most until `deadline`.
    fn take(&self, n: usize, deadline: Instant) -> Vec<String> {
        let mut out = Vec::new();
        while out.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => out.push(line),
                Err(_) => break,
            }
        }
        out
    }
}

impl Drop for Tail {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(what: &str, deadline: Instant, mut done: impl FnMut() -> bool) {
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn tail_json_prints_the_first_poll_then_new_and_edited_entries() {
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    let sandbox = Sandbox::new(&config_for(&[("good", &server.url("/feed.xml"))]));
    let tail = Tail::spawn(&sandbox, &["--json"]);
    let first = tail.take(3, Instant::now() + Duration::from_secs(10));
    assert_eq!(first.len(), 3, "the first poll's entries: {first:?}");
    let objects = json_lines(&first.join("\n"));
    let mut got = titles(&objects);
    got.sort();
    assert_eq!(
        got,
        [
            "Ceasefire talks resume",
            "Drone strike reported",
            "Markets open lower"
        ]
    );
    assert!(objects.iter().all(|object| object["source"] == "good"));

    // The next polls (1 s apart) bring one edit and one new entry, each printed once.
    server
        .site()
        .set("/feed.xml", Resource::ok(RSS_TYPE, feed_v2()));
    let requests = server.site().requests("/feed.xml");
    let more = tail.take(2, Instant::now() + Duration::from_secs(10));
    assert_eq!(more.len(), 2, "the edit and the new entry: {more:?}");
    let objects = json_lines(&more.join("\n"));
    let edited = objects
        .iter()
        .find(|object| object["id"] == "d1")
        .expect("the edited entry again");
    assert_eq!(edited["text"], "Officials now say three people were hurt.");
    assert!(objects.iter().any(|object| object["id"] == "n1"));

    // A later, unchanged poll prints nothing more.
    wait_for(
        "another poll",
        Instant::now() + Duration::from_secs(10),
        || server.site().requests("/feed.xml") >= requests + 2,
    );
    let extra = tail.take(1, Instant::now() + Duration::from_millis(300));
    assert!(extra.is_empty(), "nothing printed twice: {extra:?}");
}

#[test]
fn tail_json_gives_a_later_report_of_an_event_the_group_id_of_the_first() {
    let (wire, paper) = same_event_feeds();
    let server = Loopback::start(vec![
        ("/wire.xml", Resource::ok(RSS_TYPE, wire)),
        ("/paper.xml", Resource::ok(RSS_TYPE, paper)),
    ]);
    let sandbox = Sandbox::new(&config_for(&[
        ("wire", &server.url("/wire.xml")),
        ("paper", &server.url("/paper.xml")),
    ]));
    let tail = Tail::spawn(&sandbox, &["--json"]);
    let printed = tail.take(4, Instant::now() + Duration::from_secs(10));
    assert_eq!(printed.len(), 4, "{printed:?}");
    let objects = json_lines(&printed.join("\n"));
    let group = |id: &str| {
        objects
            .iter()
            .find(|object| object["id"] == id)
            .and_then(|object| object.get("group"))
            .unwrap_or_else(|| panic!("{id} printed with a group key: {objects:?}"))
            .clone()
    };
    // The report printed first had no other yet; the second carries the group's id.
    let (first, second) = if objects.iter().position(|o| o["id"] == "w1")
        < objects.iter().position(|o| o["id"] == "p1")
    {
        ("w1", "p1")
    } else {
        ("p1", "w1")
    };
    assert!(group(first).is_null(), "{objects:?}");
    assert!(group(second).is_string(), "{objects:?}");
    assert!(
        group("w2").is_null() && group("p2").is_null(),
        "{objects:?}"
    );
}

#[test]
fn tail_with_a_filter_prints_only_matching_entries() {
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    let sandbox = Sandbox::new(&config_for(&[("good", &server.url("/feed.xml"))]));
    let tail = Tail::spawn(&sandbox, &["--json", "--filter", "cairo"]);
    let first = tail.take(1, Instant::now() + Duration::from_secs(10));
    assert_eq!(
        titles(&json_lines(&first.join("\n"))),
        ["Ceasefire talks resume"]
    );
    let extra = tail.take(1, Instant::now() + Duration::from_millis(300));
    assert!(extra.is_empty(), "{extra:?}");
}

// ---------------------------------------------------------------------------
// Hostile entries
// ---------------------------------------------------------------------------

/// RSS with control characters where XML allows them (C1 and bidi as character
/// references) and ESC/BEL smuggled in as HTML character references in the
/// description (escaped once for XML, decoded again as HTML).
fn hostile_rss() -> String {
    rss(&[
        RssItem {
            guid: "h1",
            title: "Copy &#x9b;2J &#x202e;evil&#x202c; &#x85; title",
            description: "&amp;#x1b;]52;c;aGk=&amp;#x7; &amp;#x1b;[31mred&amp;#x1b;[0m \
                          &#x9b;31m &#x9d;0;t&#x9c; body",
            pub_date: "Wed, 01 May 2024 14:00:00 GMT",
        },
        RssItem {
            guid: "h2",
            title: "Raw &#x1b;]52;c;aGk=&#x7; and &#x1b;[31m refs",
            description: "<![CDATA[<p>para \u{1b}[2J \u{7} \u{9b}1m</p>]]>",
            pub_date: "Wed, 01 May 2024 13:00:00 GMT",
        },
    ])
}

/// A JSON Feed whose strings carry raw ESC, BEL, C1 and bidi characters.
fn hostile_json_feed() -> String {
    r#"{"version":"https://jsonfeed.org/version/1.1","title":"hostile",
"items":[{"id":"j1","url":"https://example.org/\u001b[31m",
"title":"Title \u001b]52;c;aGk=\u0007 \u001b[31mred\u001b[0m \u009b2J \u0007 \u202eevil",
"content_text":"Body \u001b]52;c;aGk=\u0007\n\u001b[2J \u0085 \u009d0;t\u0007 \u202e",
"authors":[{"name":"Eve \u001b[1mBold\u001b[0m"}],
"date_published":"2024-05-01T12:00:00Z"}]}"#
        .to_string()
}

#[test]
fn hostile_entries_never_reach_dump_or_list_output_as_control_characters() {
    let server = Loopback::start(vec![
        ("/hostile.xml", Resource::ok(RSS_TYPE, hostile_rss())),
        (
            "/hostile.json",
            Resource::ok("application/feed+json", hostile_json_feed()),
        ),
    ]);
    let sandbox = Sandbox::new(&config_for(&[
        ("rss", &server.url("/hostile.xml")),
        ("json", &server.url("/hostile.json")),
    ]));
    let rss_file = sandbox.file("hostile.xml", hostile_rss().as_bytes());
    let json_file = sandbox.file("hostile.json", hostile_json_feed().as_bytes());
    let sources: [&dyn AsRef<std::ffi::OsStr>; 4] = [
        &rss_file,
        &json_file,
        &server.url("/hostile.xml"),
        &server.url("/hostile.json"),
    ];
    for source in sources {
        let name = Path::new(source.as_ref()).display().to_string();
        for json in [false, true] {
            let mut cmd = sandbox.cmd();
            cmd.arg("dump").arg(source);
            if json {
                cmd.arg("--json");
            }
            let out = run(&mut cmd);
            assert_eq!(out.code, 0, "{name}: {}", out.stderr);
            assert!(!out.stdout.trim().is_empty(), "{name}: entries printed");
            assert_no_hostile(&format!("dump {name} json={json}"), &out.stdout);
            if json {
                for object in json_lines(&out.stdout) {
                    for value in object.values() {
                        if let Some(text) = value.as_str() {
                            assert_no_hostile(&format!("dump {name} field"), text);
                        }
                    }
                }
            }
        }
    }

    let out = run(sandbox.cmd().arg("refresh"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_no_hostile("refresh", &out.stdout);
    let out = run(sandbox.cmd().arg("list"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("evil"), "{}", out.stdout);
    assert_no_hostile("list", &out.stdout);
    let out = run(sandbox.cmd().args(["list", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let objects = json_lines(&out.stdout);
    assert_eq!(objects.len(), 3);
    assert_no_hostile("list --json", &out.stdout);
    for object in objects {
        for value in object.values() {
            if let Some(text) = value.as_str() {
                assert_no_hostile("list --json field", text);
            }
        }
    }
    let out = run(sandbox.cmd().arg("sources"));
    assert_no_hostile("sources", &out.stdout);
}

#[test]
fn hostile_source_names_and_errors_are_cleaned() {
    let dead = format!("http://127.0.0.1:{}/x", closed_port());
    // TOML escapes put raw ESC/BEL into the name.
    let config = format!(
        "[general]\ntimeout = \"5s\"\ntimezone = \"UTC\"\n\n[[source]]\n\
         name = \"evil\\u001b]52;c;aGk=\\u0007\\u001b[31m\"\nurl = \"{dead}\"\n"
    );
    let sandbox = Sandbox::new(&config);
    let out = run(sandbox.cmd().arg("refresh"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("evil") || out.stderr.contains("evil"));
    assert_no_hostile("refresh stdout", &out.stdout);
    assert_no_hostile("refresh stderr", &out.stderr);
    let out = run(sandbox.cmd().arg("sources"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("evil"), "{}", out.stdout);
    assert_no_hostile("sources", &out.stdout);
}

#[test]
fn tail_on_a_filled_cache_prints_only_what_is_new_and_stops_on_sigterm() {
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    let sandbox = Sandbox::new(&config_for(&[("good", &server.url("/feed.xml"))]));
    assert_eq!(run(sandbox.cmd().arg("refresh")).code, 0);
    let requests = server.site().requests("/feed.xml");
    let mut tail = Tail::spawn(&sandbox, &["--json"]);
    wait_for(
        "tail's first poll",
        Instant::now() + Duration::from_secs(10),
        || server.site().requests("/feed.xml") > requests,
    );
    let nothing = tail.take(1, Instant::now() + Duration::from_millis(300));
    assert!(
        nothing.is_empty(),
        "cached entries are not new: {nothing:?}"
    );

    server
        .site()
        .set("/feed.xml", Resource::ok(RSS_TYPE, feed_v2()));
    let more = tail.take(2, Instant::now() + Duration::from_secs(10));
    let mut got: Vec<String> = json_lines(&more.join("\n"))
        .iter()
        .map(|object| object["id"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, ["d1", "n1"]);

    // SIGTERM (to the process we started, by its id) ends it cleanly.
    let pid = tail.child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = tail.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "tail did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn concurrent_refreshes_share_one_cache() {
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    let sandbox = Sandbox::new(&config_for(&[("good", &server.url("/feed.xml"))]));
    let children: Vec<_> = (0..4)
        .map(|_| {
            sandbox
                .std_cmd()
                .arg("refresh")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn refresh")
        })
        .collect();
    let mut new_total = 0;
    for child in children {
        let output = child.wait_with_output().expect("refresh output");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
        let line = lines(&stdout)
            .into_iter()
            .find(|line| line.contains("good"))
            .unwrap_or_else(|| panic!("a line for good: {stdout}"))
            .to_string();
        if let Some((_, rest)) = line.split_once(": ")
            && let Some(count) = rest
                .split(" new")
                .next()
                .and_then(|n| n.parse::<usize>().ok())
        {
            new_total += count;
        }
    }
    assert_eq!(new_total, 3, "each entry is new exactly once");
    let out = run(sandbox.cmd().args(["list", "--json"]));
    assert_eq!(json_lines(&out.stdout).len(), 3);
}

#[test]
fn dump_of_an_http_error_exits_1_naming_the_url() {
    let server = Loopback::start(vec![(
        "/broken.xml",
        Resource::text(500, "Internal Server Error\n"),
    )]);
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\ntimeout = \"5s\"\n");
    for path in ["/broken.xml", "/missing.xml"] {
        let url = server.url(path);
        let out = run(sandbox.cmd().arg("dump").arg(&url));
        assert_eq!(out.code, 1, "{url}: {}", out.stderr);
        let err = lines(&out.stderr);
        assert_eq!(err.len(), 1, "{:?}", out.stderr);
        assert!(err[0].contains(&url), "{}", err[0]);
        assert!(
            err[0].contains("500") || err[0].contains("404"),
            "{}",
            err[0]
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn list_on_an_empty_cache_and_with_limit_0_prints_nothing() {
    let sandbox = Sandbox::new(&config_for(&[]));
    let out = run(sandbox.cmd().args(["list", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let server = Loopback::start(vec![("/feed.xml", Resource::ok(RSS_TYPE, feed_v1()))]);
    sandbox.write_config(&config_for(&[("good", &server.url("/feed.xml"))]));
    assert_eq!(run(sandbox.cmd().arg("refresh")).code, 0);
    let out = run(sandbox.cmd().args(["list", "--json", "--limit", "0"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn a_closed_stdout_ends_dump_quietly_with_exit_0() {
    let sandbox = Sandbox::new("[general]\ntimezone = \"UTC\"\n");
    let body = "Lorem ipsum dolor sit amet. ".repeat(40);
    let dates: Vec<String> = (0..2000)
        .map(|i| format!("Wed, 01 May 2024 {:02}:{:02}:00 GMT", i / 60 % 24, i % 60))
        .collect();
    let guids: Vec<String> = (0..2000).map(|i| format!("g{i}")).collect();
    let items: Vec<RssItem<'_>> = (0..2000)
        .map(|i| RssItem {
            guid: &guids[i],
            title: "Big feed entry",
            description: &body,
            pub_date: &dates[i],
        })
        .collect();
    let path = sandbox.file("big.xml", rss(&items).as_bytes());
    let mut child = sandbox
        .std_cmd()
        .arg("dump")
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dump");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("first line");
    assert!(first.contains("Big feed entry"), "{first}");
    drop(reader); // like `| head -1`
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn empty_results_say_so_and_sources_line_up_in_columns() {
    let sandbox = Sandbox::new(&config_for(&[]));
    let out = run(sandbox.cmd().arg("refresh"));
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("no sources configured (liveblog add URL"),
        "{}",
        out.stdout
    );
    let out = run(sandbox.cmd().args(["list", "--json"]));
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.is_empty(),
        "stdout stays a clean list: {}",
        out.stdout
    );
    assert!(
        out.stderr.contains("no entries in the cache"),
        "{}",
        out.stderr
    );
    let out = run(sandbox.cmd().args(["list", "--filter", "storm"]));
    assert!(
        out.stderr.contains("no entries match the filter"),
        "{}",
        out.stderr
    );

    let sandbox = Sandbox::new(&config_for(&[
        ("a", "https://example.invalid/a.xml"),
        ("a much longer name", "https://example.invalid/feeds/b.xml"),
    ]));
    let out = run(sandbox.cmd().arg("sources"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 2, "{}", out.stdout);
    let column = |row: &str, what: &str| row.find(what).expect("column");
    assert_eq!(
        column(rows[0], "https://"),
        column(rows[1], "https://"),
        "{}",
        out.stdout
    );
    assert_eq!(
        column(rows[0], "every"),
        column(rows[1], "every"),
        "{}",
        out.stdout
    );
}
