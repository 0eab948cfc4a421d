//! `opml import` follows web addresses only: an outline naming a local file (a
//! `file://` URL or a bare path) is skipped and named on stderr, unless the user passes
//! `--allow-local`; the summary and the exit code say that some were skipped.

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const OPML: &str = r#"<?xml version="1.0"?><opml version="2.0"><body>
  <outline type="rss" text="Wire" xmlUrl="https://wire.example/rss"/>
  <outline type="rss" text="Passwords" xmlUrl="file:///etc/passwd"/>
  <outline type="rss" text="Bare &#x202e;path" xmlUrl="/etc/passwd"/>
</body></opml>"#;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn import(dir: &TempDir, extra: &[&str]) -> Run {
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, OPML).expect("write opml");
    let output = Command::cargo_bin("liveblog")
        .expect("binary built")
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .args(["opml", "import"])
        .args(extra)
        .arg(&opml)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run liveblog");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The `url = …` values of the config's sources, in order.
fn source_urls(config: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(config).unwrap_or_default();
    let value: toml::Value = toml::from_str(&text).expect("config is TOML");
    value
        .get("source")
        .and_then(toml::Value::as_array)
        .map(|sources| {
            sources
                .iter()
                .filter_map(|source| source.get("url")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn local_files_are_skipped_and_named_unless_allowed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = import(&dir, &[]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        source_urls(&dir.path().join("config.toml")),
        ["https://wire.example/rss"]
    );
    assert!(
        run.stdout.contains("imported 1 source") && run.stdout.contains("2 skipped"),
        "{}",
        run.stdout
    );
    let skipped: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(skipped.len(), 2, "{}", run.stderr);
    assert!(
        skipped[0].contains("\"Passwords\"")
            && skipped[0].contains("file:///etc/passwd")
            && skipped[0].contains("local file")
            && skipped[0].contains("--allow-local"),
        "{}",
        skipped[0]
    );
    assert!(
        skipped[1].contains("/etc/passwd") && skipped[1].contains("local file"),
        "{}",
        skipped[1]
    );
    // The file's text reaches the terminal cleaned.
    assert!(!run.stderr.contains('\u{202e}'), "{:?}", run.stderr);

    // Asked for, the local files are imported too (the web one is already there).
    let run = import(&dir, &["--allow-local"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(
        run.stdout.contains("imported 2 sources") && run.stdout.contains("1 already there"),
        "{}",
        run.stdout
    );
    assert_eq!(
        source_urls(&dir.path().join("config.toml")),
        [
            "https://wire.example/rss",
            "file:///etc/passwd",
            "/etc/passwd"
        ]
    );
}

#[test]
fn with_the_flag_every_outline_is_imported_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = import(&dir, &["--allow-local"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("imported 3 sources"), "{}", run.stdout);
    assert_eq!(
        source_urls(&dir.path().join("config.toml")),
        [
            "https://wire.example/rss",
            "file:///etc/passwd",
            "/etc/passwd"
        ]
    );
}
