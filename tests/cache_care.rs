//! Caring for the cache file (issue 15, issue 16 item 14): a broken cache set aside only
//! when the user asks (`liveblog cache reset`), a full disk during a refresh, storage
//! errors reported for every source, and a search that indexes a long backlog without
//! holding the write lock all the while.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use liveblog::demo::httpd::{Resource, Server, Site};

fn liveblog(dir: &Path) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("liveblog"));
    command
        .env("XDG_STATE_HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env("NO_COLOR", "1");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn rss(items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(id, title)| {
            format!("<item><guid>{id}</guid><title>{title}</title><description>Body of {title}</description></item>")
        })
        .collect();
    format!("<rss version=\"2.0\"><channel><title>Blog</title>{items}</channel></rss>")
}

/// A config in `dir` following `sources` (name, URL), with `[general] cache` if given.
fn write_config(dir: &Path, sources: &[(&str, &str)], cache: Option<&Path>) -> PathBuf {
    let mut config = String::new();
    if let Some(cache) = cache {
        config.push_str(&format!(
            "[general]\ncache = {:?}\n",
            cache.display().to_string()
        ));
    }
    for (name, url) in sources {
        config.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{url}\"\ninterval = \"1h\"\n"
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, config).expect("write config");
    path
}

fn run(dir: &Path, config: &Path, args: &[&str]) -> Output {
    liveblog(dir)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run liveblog")
}

/// Makes `cache` a cache holding one entry, then breaks pages inside it (the header
/// and the schema stay, so it opens, then fails as SQLite reads on).
fn corrupt_cache(dir: &Path, cache: &Path) {
    let feed = dir.join("feed.xml");
    std::fs::write(&feed, rss(&[("a", "Kept in the broken cache")])).expect("feed");
    let config = write_config(dir, &[("blog", &feed.display().to_string())], None);
    let out = run(
        dir,
        &config,
        &["--cache", &cache.display().to_string(), "refresh"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Fold the WAL into the file, then overwrite pages 3 to 5.
    let conn = rusqlite::Connection::open(cache).expect("open");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    drop(conn);
    let mut bytes = std::fs::read(cache).expect("read");
    assert!(bytes.len() >= 5 * 4096, "a cache of {} bytes", bytes.len());
    bytes[2 * 4096..5 * 4096].fill(0xff);
    std::fs::write(cache, bytes).expect("write");
}

#[test]
fn a_corrupt_cache_is_set_aside_only_by_cache_reset_and_the_next_refresh_starts_fresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache.db");
    corrupt_cache(dir.path(), &cache);
    let broken = std::fs::read(&cache).expect("read");
    // The cache's path from the config, not --cache.
    let feed = dir.path().join("feed.xml");
    let config = write_config(
        dir.path(),
        &[("blog", &feed.display().to_string())],
        Some(&cache),
    );

    for args in [&["cache", "check"][..], &["list"]] {
        let out = run(dir.path(), &config, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("corrupt"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("liveblog cache reset"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains(&cache.display().to_string()),
            "{args:?}: {stderr}"
        );
        // Never set aside unasked; `cache check` only reads.
        assert!(cache.exists(), "{args:?} moved the broken cache");
        if args[0] == "cache" {
            assert!(
                std::fs::read(&cache).expect("read") == broken,
                "{args:?} changed the broken cache"
            );
        }
    }
    let broken = std::fs::read(&cache).expect("read");

    let out = run(dir.path(), &config, &["cache", "reset"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let aside: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("cache.db.broken-"))
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(stdout.contains(&aside[0].display().to_string()), "{stdout}");
    assert!(
        std::fs::read(&aside[0]).expect("read") == broken,
        "the cache set aside is the broken file, byte for byte"
    );
    assert!(!cache.exists());

    let out = run(dir.path(), &config, &["refresh"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(dir.path(), &config, &["cache", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("ok (1 entries"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn cache_reset_sets_aside_a_file_that_is_not_sqlite_with_its_wal_and_shm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("notes.db");
    let notes = "my notes, not a database\n".repeat(400);
    std::fs::write(&cache, &notes).expect("write");
    let wal = dir.path().join("notes.db-wal");
    std::fs::write(&wal, "wal").expect("write");
    let config = write_config(dir.path(), &[], None);
    let cache_arg = cache.display().to_string();

    let out = run(dir.path(), &config, &["--cache", &cache_arg, "list"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not an SQLite database"), "{stderr}");
    assert!(stderr.contains("liveblog cache reset"), "{stderr}");

    let out = run(
        dir.path(),
        &config,
        &["--cache", &cache_arg, "cache", "path"],
    );
    assert_eq!(text(&out.stdout).trim(), cache_arg);

    let out = run(
        dir.path(),
        &config,
        &["--cache", &cache_arg, "cache", "reset"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert_eq!(line.lines().count(), 1, "{line}");
    let aside = line
        .split_whitespace()
        .find(|word| word.contains(".broken-"))
        .expect("the new name");
    assert_eq!(std::fs::read_to_string(aside).expect("kept"), notes);
    assert_eq!(
        std::fs::read_to_string(format!("{aside}-wal")).expect("kept"),
        "wal"
    );
    assert!(!cache.exists() && !wal.exists());

    // Nothing left to set aside; a second reset says so and never renames anything else.
    let out = run(
        dir.path(),
        &config,
        &["--cache", &cache_arg, "cache", "reset"],
    );
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("nothing to set aside"));
}

/// A loopback server with these feeds.
fn serve(feeds: &[(&str, String)]) -> (tokio::runtime::Runtime, Server, Site) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let site = Site::new();
    for (path, body) in feeds {
        site.set(path, Resource::ok("application/rss+xml", body.clone()));
    }
    let server = runtime
        .block_on(Server::start(site.clone()))
        .expect("server");
    (runtime, server, site)
}

/// A tmpfs of `size` mounted at `dir` for as long as it lives (root only).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .ok()?;
        mounted
            .status
            .success()
            .then(|| SmallDisk(dir.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_during_a_refresh_names_the_cache_and_every_source_and_keeps_what_was_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(disk) = SmallDisk::mount(&dir.path().join("small"), "1m") else {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    };
    let big: Vec<(String, String)> = (0..40)
        .map(|n| {
            (
                format!("big{n}"),
                format!("Long report {n} {}", "word ".repeat(4_000)),
            )
        })
        .collect();
    let big: Vec<(&str, &str)> = big.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (_runtime, server, site) = serve(&[
        ("/one.xml", rss(&[("a", "Stored before the disk filled")])),
        ("/two.xml", rss(&[("b", "Also stored before")])),
    ]);
    let config = write_config(
        dir.path(),
        &[
            ("one", &server.url("/one.xml")),
            ("two", &server.url("/two.xml")),
        ],
        Some(&disk.0.join("cache.db")),
    );
    let out = run(dir.path(), &config, &["refresh"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    site.set("/one.xml", Resource::ok("application/rss+xml", rss(&big)));
    site.set("/two.xml", Resource::ok("application/rss+xml", rss(&big)));
    let out = run(dir.path(), &config, &["refresh"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("panick"),
        "{}",
        text(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one line per source: {stdout}");
    for (line, source) in lines.iter().zip(["one", "two"]) {
        assert!(line.starts_with(&format!("{source}: error: ")), "{line}");
        assert!(line.contains("disk full"), "{line}");
        assert!(line.contains("cache.db"), "{line}");
    }

    let out = run(dir.path(), &config, &["list"]);
    let listed = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(listed.contains("Stored before the disk filled"), "{listed}");
    assert!(listed.contains("Also stored before"), "{listed}");
}

#[test]
fn refresh_reports_a_storage_error_on_every_sources_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_runtime, server, _site) = serve(&[
        ("/one.xml", rss(&[("a", "First")])),
        ("/two.xml", rss(&[("b", "Second")])),
    ]);
    let cache = dir.path().join("cache.db");
    let config = write_config(
        dir.path(),
        &[
            ("one", &server.url("/one.xml")),
            ("two", &server.url("/two.xml")),
        ],
        Some(&cache),
    );
    // Make the cache (a first refresh: `list` only reads, and makes none), then hold
    // its write lock for longer than a refresh waits.
    let out = run(dir.path(), &config, &["refresh"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let conn = rusqlite::Connection::open(&cache).expect("open");
    conn.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let out = run(dir.path(), &config, &["refresh"]);
    conn.execute_batch("ROLLBACK").expect("unlock");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one line per source: {stdout}");
    for (line, source) in lines.iter().zip(["one", "two"]) {
        assert!(
            line.starts_with(&format!("{source}: error: cache ")),
            "{line}"
        );
        assert!(line.contains("locked by another process"), "{line}");
    }
}

#[test]
fn a_search_indexes_a_long_backlog_in_short_transactions() {
    use liveblog::model::{EntryId, Flags, Item, SourceId};
    use liveblog::query::Query;
    use liveblog::store::Store;

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("open");
    let items: Vec<Item> = (0..30_000)
        .map(|n| Item {
            id: EntryId(format!("e{n}")),
            published: None,
            updated: None,
            title: format!("Report {n}"),
            author: None,
            url: None,
            text: format!("Body of report {n} from the scene"),
            html: None,
            flags: Flags::default(),
        })
        .collect();
    store
        .apply(&SourceId("blog".into()), &items, jiff::Timestamp::now())
        .expect("apply");
    let backlog = store.index_backlog().expect("backlog");
    assert_eq!(backlog, 30_000);

    // Another process writes while the search catches the index up: it must get the
    // lock between the search's transactions, seeing part of the backlog taken in.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let done = std::sync::Arc::clone(&done);
        let path = path.clone();
        std::thread::spawn(move || {
            let conn = rusqlite::Connection::open(&path).expect("open");
            conn.busy_timeout(Duration::ZERO).expect("timeout");
            let mut seen = Vec::new();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if conn.execute_batch("BEGIN IMMEDIATE").is_ok() {
                    let pending: i64 = conn
                        .query_row("SELECT COUNT(*) FROM fts_pending", [], |row| row.get(0))
                        .expect("count");
                    conn.execute_batch("COMMIT").expect("commit");
                    seen.push(pending);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            seen
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    let found = store
        .query(
            &Query::parse("report").expect("query"),
            jiff::Timestamp::now(),
            Some(5),
        )
        .expect("search");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = writer.join().expect("writer");
    assert_eq!(found.len(), 5);
    assert_eq!(store.index_backlog().expect("backlog"), 0);
    assert!(
        seen.iter().any(|&pending| pending > 0 && pending < 30_000),
        "the other writer never got in while the search indexed (it saw {:?})",
        seen.iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
    );
}
