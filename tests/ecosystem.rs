//! Issue 8: config folders, `config path/check`, OPML, completions, man, version,
//! and `tail` in a pipe.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn liveblog() -> Command {
    let mut command = Command::cargo_bin("liveblog").expect("binary");
    // Never touch the user's files.
    command
        .env("XDG_CONFIG_HOME", "/nonexistent-liveblog-test")
        .env("XDG_STATE_HOME", std::env::temp_dir());
    command
}

fn configs(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/configs")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("config folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no configs in {}", dir.display());
    files
}

#[test]
fn valid_configs_check_ok() {
    for file in configs("valid")
        .into_iter()
        .chain([Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")])
    {
        let output = liveblog()
            .args(["config", "check"])
            .arg(&file)
            .output()
            .expect("run");
        assert!(
            output.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            String::from_utf8_lossy(&output.stdout).contains(": ok ("),
            "{}",
            file.display()
        );
    }
}

#[test]
fn invalid_configs_name_file_line_and_key() {
    for file in configs("invalid") {
        let text = std::fs::read_to_string(&file).expect("read");
        let expect = text
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("# expect: "))
            .expect("expect header");
        let output = liveblog()
            .args(["config", "check"])
            .arg(&file)
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "{}", file.display());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "{}: one line: {stderr}",
            file.display()
        );
        assert!(
            stderr.contains(&file.display().to_string()),
            "{}: names the file: {stderr}",
            file.display()
        );
        for part in expect.split(", ") {
            let wanted = match part.strip_prefix("key ") {
                Some(key) => format!("key `{key}`"),
                None => part.to_string(),
            };
            assert!(
                stderr.contains(&wanted),
                "{}: wanted {wanted:?} in {stderr}",
                file.display()
            );
        }
        // Every other command refuses the same config the same way.
        let output = liveblog()
            .arg("--config")
            .arg(&file)
            .arg("sources")
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "{}", file.display());
    }
}

#[test]
fn config_path_names_config_cache_and_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("c.db");
    let output = liveblog()
        .arg("--cache")
        .arg(&cache)
        .args(["config", "path"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.lines().any(|line| line.starts_with("config\t")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("cache\t{}", cache.display())),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|line| line.starts_with("log\t")),
        "{stdout}"
    );
}

#[test]
fn opml_import_then_export_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    let opml = dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><body>
        <outline text="World"><outline type="rss" text="Wire &amp; Co" xmlUrl="https://wire.example/rss"/></outline>
        <outline type="rss" title="Atom one" xmlUrl="https://atom.example/feed"/></body></opml>"#,
    )
    .expect("write");
    liveblog()
        .arg("--config")
        .arg(&config)
        .args(["opml", "import"])
        .arg(&opml)
        .assert()
        .success();
    // Importing again adds nothing; a newsboat urls file adds the new one.
    liveblog()
        .arg("--config")
        .arg(&config)
        .args(["opml", "import"])
        .arg(&opml)
        .assert()
        .success();
    let urls = dir.path().join("urls");
    std::fs::write(
        &urls,
        "https://wire.example/rss\nhttps://third.example/rss \"news\" \"~Third\"\n",
    )
    .expect("write");
    liveblog()
        .arg("--config")
        .arg(&config)
        .args(["opml", "import"])
        .arg(&urls)
        .assert()
        .success();
    liveblog()
        .args(["config", "check"])
        .arg(&config)
        .assert()
        .success();
    let output = liveblog()
        .arg("--config")
        .arg(&config)
        .args(["opml", "export"])
        .output()
        .expect("run");
    let exported = String::from_utf8_lossy(&output.stdout);
    assert_eq!(exported.matches("<outline ").count(), 3, "{exported}");
    assert!(
        exported.contains("Wire &amp; Co") && exported.contains("https://third.example/rss"),
        "{exported}"
    );
}

#[test]
fn opml_import_of_garbage_fails_without_touching_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[general]\ninterval = \"5m\"\n").expect("write");
    let bad = dir.path().join("bad.opml");
    std::fs::write(&bad, "<opml><body><outline").expect("write");
    liveblog()
        .arg("--config")
        .arg(&config)
        .args(["opml", "import"])
        .arg(&bad)
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(&config).expect("read"),
        "[general]\ninterval = \"5m\"\n"
    );
}

#[test]
fn completions_man_and_version() {
    for shell in ["bash", "zsh", "fish"] {
        let output = liveblog()
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(output.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("liveblog"),
            "{shell}"
        );
    }
    let output = liveblog().arg("man").output().expect("run");
    let man = String::from_utf8_lossy(&output.stdout);
    assert!(
        man.contains(".TH liveblog") && man.contains("dump"),
        "{man}"
    );
    // A real page: the keys from the key map, the files, the environment, exit codes,
    // examples; no pages that do not exist.
    for section in [
        ".SH COMMANDS",
        ".SH KEYS",
        ".SH FILES",
        ".SH ENVIRONMENT",
        ".SH EXIT STATUS",
        ".SH EXAMPLES",
    ] {
        assert!(man.contains(section), "{section}: {man}");
    }
    for word in [
        "add_source",
        "remove_source",
        "BROWSER",
        "NO_COLOR",
        "liveblog add",
    ] {
        assert!(man.contains(word), "{word}: {man}");
    }
    assert!(!man.contains("liveblog-dump(1)"), "{man}");
    let output = liveblog().arg("--version").output().expect("run");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("liveblog {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn tail_into_a_closed_pipe_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.xml");
    let items: String = (0..20)
        .map(|n| format!("<item><guid>g{n}</guid><title>Item {n}</title><pubDate>Sat, 21 Nov 2026 10:{n:02}:00 GMT</pubDate></item>"))
        .collect();
    std::fs::write(
        &feed,
        format!("<rss version=\"2.0\"><channel><title>t</title>{items}</channel></rss>"),
    )
    .expect("write");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nname = \"file\"\nurl = \"{}\"\n",
            feed.display()
        ),
    )
    .expect("write");
    // `liveblog tail | head -3`: head closes the pipe after three lines.
    let mut tail = StdCommand::new(assert_cmd::cargo::cargo_bin("liveblog"))
        .arg("--config")
        .arg(&config)
        .arg("--cache")
        .arg(dir.path().join("c.db"))
        .args(["tail", "--json"])
        .env("XDG_STATE_HOME", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = tail.stdout.take().expect("stdout");
    let head = StdCommand::new("head")
        .arg("-3")
        .stdin(stdout)
        .output()
        .expect("head");
    assert_eq!(String::from_utf8_lossy(&head.stdout).lines().count(), 3);
    let started = Instant::now();
    loop {
        if let Some(status) = tail.try_wait().expect("wait") {
            assert!(status.success(), "tail exit {status:?}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "tail did not exit after the pipe closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut tail.stderr.take().expect("stderr"), &mut stderr)
        .expect("read");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn tail_since_prints_cached_entries_first_and_source_filters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.xml");
    let now = jiff::Timestamp::now();
    let recent = (now - jiff::SignedDuration::from_mins(10))
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    std::fs::write(&feed, format!("<rss version=\"2.0\"><channel><title>t</title><item><guid>r</guid><title>Recent</title><pubDate>{recent}</pubDate></item></channel></rss>")).expect("write");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nname = \"file\"\nurl = \"{}\"\n",
            feed.display()
        ),
    )
    .expect("write");
    let cache = dir.path().join("c.db");
    liveblog()
        .arg("--config")
        .arg(&config)
        .arg("--cache")
        .arg(&cache)
        .arg("refresh")
        .assert()
        .success();
    liveblog()
        .arg("--config")
        .arg(&config)
        .args(["tail", "--source", "nope"])
        .assert()
        .code(2);
    // The cache already has the entry: tail prints it first because of --since, then
    // nothing new arrives; stop it after the first line.
    let mut tail = StdCommand::new(assert_cmd::cargo::cargo_bin("liveblog"))
        .arg("--config")
        .arg(&config)
        .arg("--cache")
        .arg(&cache)
        .args(["tail", "--json", "--since", "1h", "--source", "file"])
        .env("XDG_STATE_HOME", dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = tail.stdout.take().expect("stdout");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let first = lines.next().expect("a line").expect("read");
    assert!(first.contains("\"title\":\"Recent\""), "{first}");
    tail.kill().expect("kill");
    let _ = tail.wait();
}

#[test]
fn the_reader_without_a_terminal_says_so_and_points_to_the_headless_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = liveblog()
        .arg("--cache")
        .arg(dir.path().join("cache.db"))
        .write_stdin("")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the reader needs a terminal"), "{stderr}");
    assert!(stderr.contains("liveblog dump"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
