//! Crash safety: `refresh` killed with SIGKILL at many moments leaves a cache that opens,
//! lists without duplicates, never loses what was committed, and refreshes again.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rusqlite::Connection;

const SOURCES: usize = 5;
const ITEMS: usize = 1500;

fn write_feeds(dir: &Path) -> std::path::PathBuf {
    let mut config = String::from("[general]\ntimeout = \"10s\"\n");
    for source in 0..SOURCES {
        let items: String = (0..ITEMS)
            .map(|n| {
                format!(
                    "<item><guid>s{source}-{n}</guid><title>Update {n} from blog {source}</title>\
                     <pubDate>Sat, 21 Nov 2026 {:02}:{:02}:{:02} GMT</pubDate>\
                     <description>&lt;p&gt;{}&lt;/p&gt;</description></item>",
                    n / 3600 % 24,
                    n / 60 % 60,
                    n % 60,
                    "Body text of a busy live blog. ".repeat(8)
                )
            })
            .collect();
        let feed = dir.join(format!("blog{source}.xml"));
        std::fs::write(
            &feed,
            format!(
                "<rss version=\"2.0\"><channel><title>Blog {source}</title>{items}</channel></rss>"
            ),
        )
        .expect("write feed");
        config.push_str(&format!(
            "[[source]]\nname = \"blog {source}\"\nurl = \"{}\"\n",
            feed.display()
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, config).expect("write config");
    path
}

fn liveblog(dir: &Path, config: &Path, cache: &Path) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("liveblog"));
    command
        .arg("--config")
        .arg(config)
        .arg("--cache")
        .arg(cache)
        .env("XDG_STATE_HOME", dir);
    command
}

/// (entries, distinct keys) as `list --json` reports them.
fn listed(dir: &Path, config: &Path, cache: &Path) -> (usize, usize) {
    let output = liveblog(dir, config, cache)
        .args(["list", "--json"])
        .output()
        .expect("list");
    assert!(
        output.status.success(),
        "list failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut keys = HashSet::new();
    let mut count = 0;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("json line");
        keys.insert(format!("{}/{}", value["source"], value["id"]));
        count += 1;
    }
    (count, keys.len())
}

fn integrity(cache: &Path) -> String {
    let connection = Connection::open(cache).expect("open cache");
    connection
        .query_row("PRAGMA integrity_check", [], |row| row.get::<_, String>(0))
        .expect("integrity_check")
}

#[test]
fn sigkill_during_refresh_loses_nothing_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_feeds(dir.path());
    let cache = dir.path().join("cache.db");
    let mut committed = 0;
    // Kill points spread over a refresh's life: opening, parsing, writing, committing.
    for (round, delay_ms) in [5u64, 20, 40, 60, 90, 120, 160, 220, 300, 400]
        .into_iter()
        .enumerate()
    {
        // Entries edited each round, so every refresh has writing to do.
        if round % 3 == 2 {
            for source in 0..SOURCES {
                let feed = dir.path().join(format!("blog{source}.xml"));
                let text = std::fs::read_to_string(&feed).expect("read");
                std::fs::write(
                    &feed,
                    text.replace("Body text", &format!("Edited {round} body text")),
                )
                .expect("write");
            }
        }
        let mut child = liveblog(dir.path(), &config, &cache)
            .arg("refresh")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL; it may already have finished.
        let _ = child.wait();

        assert_eq!(integrity(&cache), "ok", "round {round}: cache corrupt");
        let (count, distinct) = listed(dir.path(), &config, &cache);
        assert_eq!(count, distinct, "round {round}: duplicates after a kill");
        assert!(
            count >= committed,
            "round {round}: {committed} entries before, {count} after"
        );
        // A source's entries arrive in one transaction: all of them or none.
        assert_eq!(
            count % ITEMS,
            0,
            "round {round}: a half-stored poll ({count} entries)"
        );
        committed = count;
    }
    // And it still works.
    let status = liveblog(dir.path(), &config, &cache)
        .arg("refresh")
        .status()
        .expect("refresh");
    assert!(status.success());
    let (count, distinct) = listed(dir.path(), &config, &cache);
    assert_eq!((count, distinct), (SOURCES * ITEMS, SOURCES * ITEMS));
    assert_eq!(integrity(&cache), "ok");
}

#[test]
fn two_processes_refreshing_one_cache_both_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_feeds(dir.path());
    let cache = dir.path().join("cache.db");
    let children: Vec<_> = (0..2)
        .map(|_| {
            liveblog(dir.path(), &config, &cache)
                .arg("refresh")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (count, distinct) = listed(dir.path(), &config, &cache);
    assert_eq!((count, distinct), (SOURCES * ITEMS, SOURCES * ITEMS));
}
