//! Several real processes on one cache (issue 15): a reader shows what a `refresh` in
//! another shell stored, readers and a `tail` share their polls of a source (and so
//! does `refresh`), one killed mid-poll stops no other, opening an entry marks it read
//! in every reader, `tail` prints what any process stored, and a cache that is not
//! liveblog's is refused with one line and left untouched.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use liveblog::demo::httpd::{Resource, Server, Site};

#[path = "common/tmux.rs"]
mod session;

use session::{Tmux, tmux_available};

fn liveblog(dir: &Path, config: &Path, cache: &Path) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("liveblog"));
    command
        .arg("--config")
        .arg(config)
        .arg("--cache")
        .arg(cache)
        .env("XDG_STATE_HOME", dir)
        .env("NO_COLOR", "1");
    command
}

fn rss(titles: &[&str]) -> String {
    let items: String = titles
        .iter()
        .enumerate()
        .map(|(n, title)| {
            format!(
                "<item><guid>e{n}</guid><title>{title}</title>\
                 <pubDate>Wed, 02 Dec 2026 {:02}:00:00 GMT</pubDate>\
                 <description>Body {n}</description></item>",
                n % 24
            )
        })
        .collect();
    format!("<rss version=\"2.0\"><channel><title>Blog</title>{items}</channel></rss>")
}

fn write_config(dir: &Path, url: &str, interval: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!("[[source]]\nname = \"blog\"\nurl = \"{url}\"\ninterval = \"{interval}\"\n"),
    )
    .expect("write config");
    path
}

fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn a_reader_shows_what_a_refresh_in_another_process_stored() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.xml");
    std::fs::write(&feed, rss(&["First report from the scene"])).expect("feed");
    // The reader itself would not poll again for an hour.
    let config = write_config(dir.path(), &feed.display().to_string(), "1h");
    let cache = dir.path().join("cache.db");
    let binary = assert_cmd::cargo::cargo_bin("liveblog");
    let command = format!(
        "XDG_STATE_HOME={} NO_COLOR=1 {} --config {} --cache {}",
        shell_quote(dir.path()),
        shell_quote(&binary),
        shell_quote(&config),
        shell_quote(&cache)
    );
    let tmux = Tmux::start("fresh", 120, 40, &command);
    tmux.wait_until("First report from the scene", Duration::from_secs(20))
        .expect("the reader shows its first poll");

    std::fs::write(
        &feed,
        rss(&[
            "First report from the scene",
            "Second report stored by cron",
        ]),
    )
    .expect("feed");
    // A plain refresh polls even though the reader polled it within its interval.
    let refreshed = liveblog(dir.path(), &config, &cache)
        .arg("refresh")
        .output()
        .expect("refresh");
    assert!(
        refreshed.status.success(),
        "{}",
        String::from_utf8_lossy(&refreshed.stderr)
    );
    let started = Instant::now();
    let screen = tmux
        .wait_until("Second report stored by cron", Duration::from_secs(5))
        .unwrap_or_else(|screen| {
            panic!("the reader did not show what refresh stored within 5 s:\n{screen}")
        });
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(screen.contains("First report from the scene"), "{screen}");
}

fn spawn_quiet(mut command: Command) -> Child {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

/// A loopback server with one feed, and a directory with a config polling it every
/// 2 s (`config.toml`; the cache is to be `cache.db`). The runtime and server must live
/// as long as the test uses them.
fn serve_feed() -> (tokio::runtime::Runtime, Server, Site, tempfile::TempDir) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let site = Site::new();
    site.set(
        "/feed.xml",
        Resource::ok("application/rss+xml", rss(&["A report"])),
    );
    let server = runtime
        .block_on(Server::start(site.clone()))
        .expect("server");
    write_config(dir.path(), &server.url("/feed.xml"), "2s");
    (runtime, server, site, dir)
}

/// A reader of `config` and `cache` in a tmux server of its own (`exec`: the pane's
/// process is liveblog itself).
fn reader_in_tmux(name: &str, dir: &Path, config: &Path, cache: &Path) -> Tmux {
    let binary = assert_cmd::cargo::cargo_bin("liveblog");
    let command = format!(
        "XDG_STATE_HOME={} NO_COLOR=1 exec {} --config {} --cache {}",
        shell_quote(dir),
        shell_quote(&binary),
        shell_quote(config),
        shell_quote(cache)
    );
    Tmux::start(name, 100, 20, &command)
}

/// Requests the server got for the feed while `readers` readers (in tmux) and `tails`
/// tails ran on one cache for `span`.
fn fetches_with(readers: usize, tails: usize, span: Duration) -> usize {
    let (_runtime, _server, site, dir) = serve_feed();
    let (config, cache) = (dir.path().join("config.toml"), dir.path().join("cache.db"));
    let sessions: Vec<Tmux> = (0..readers)
        .map(|n| reader_in_tmux(&format!("share{n}"), dir.path(), &config, &cache))
        .collect();
    let mut children: Vec<Child> = (0..tails)
        .map(|_| {
            let mut command = liveblog(dir.path(), &config, &cache);
            command.arg("tail");
            spawn_quiet(command)
        })
        .collect();
    std::thread::sleep(span);
    for child in &mut children {
        let _ = child.kill();
        let _ = child.wait();
    }
    drop(sessions);
    site.requests("/feed.xml")
}

#[test]
fn two_readers_and_a_tail_share_their_polls() {
    if !tmux_available() {
        return;
    }
    let span = Duration::from_secs(20);
    let alone = fetches_with(0, 1, span);
    let together = fetches_with(2, 1, span);
    assert!(
        alone >= 5,
        "one process polled a 2 s source only {alone} times"
    );
    assert!(
        (together as f64) <= alone as f64 * 1.5,
        "two readers and a tail fetched {together} times where one tail fetched {alone}"
    );
}

#[test]
fn a_reader_killed_mid_poll_does_not_stop_the_others() {
    if !tmux_available() {
        return;
    }
    let (_runtime, _server, site, dir) = serve_feed();
    let (config, cache) = (dir.path().join("config.toml"), dir.path().join("cache.db"));
    // The reader claims the poll and hangs in a slow response; kill -9 it then.
    site.set_delay("/feed.xml", Duration::from_secs(30));
    let reader = reader_in_tmux("killed", dir.path(), &config, &cache);
    let started = Instant::now();
    while site.requests("/feed.xml") == 0 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(site.requests("/feed.xml"), 1, "the reader polled");
    std::thread::sleep(Duration::from_millis(500));
    let pid = reader.run(&["list-panes", "-t", "t", "-F", "#{pane_pid}"]);
    let killed = Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .expect("kill");
    assert!(killed.success(), "kill -9 {pid}");
    site.set_delay("/feed.xml", Duration::ZERO);
    let before = site.requests("/feed.xml");
    let mut tail = spawn_quiet({
        let mut command = liveblog(dir.path(), &config, &cache);
        command.arg("tail");
        command
    });
    let started = Instant::now();
    while site.requests("/feed.xml") < before + 2 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = tail.kill();
    let _ = tail.wait();
    drop(reader);
    assert!(
        site.requests("/feed.xml") >= before + 2,
        "after a reader died mid-poll, a tail polled {} times in 30 s",
        site.requests("/feed.xml") - before
    );
}

#[test]
fn opening_an_entry_in_one_reader_marks_it_read_in_the_other() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.xml");
    std::fs::write(&feed, rss(&["Only report so far"])).expect("feed");
    let config = write_config(dir.path(), &feed.display().to_string(), "1h");
    let cache = dir.path().join("cache.db");
    let refreshed = liveblog(dir.path(), &config, &cache)
        .arg("refresh")
        .output()
        .expect("refresh");
    assert!(refreshed.status.success());
    let unread_row = |screen: &str| {
        screen
            .lines()
            .find(|line| line.contains("Only report so far"))
            .is_some_and(|line| line.trim_start().starts_with('\u{2022}'))
    };
    let first = reader_in_tmux("opener", dir.path(), &config, &cache);
    let second = reader_in_tmux("watcher", dir.path(), &config, &cache);
    for reader in [&first, &second] {
        let screen = reader.wait_for("the reader", "Only report so far");
        assert!(unread_row(&screen), "unread at first:\n{screen}");
    }
    first.keys(&["Enter"]);
    first.wait_for("the entry opened", "Body 0");
    let started = Instant::now();
    let mut screen = second.screen();
    while unread_row(&screen) && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
        screen = second.screen();
    }
    assert!(
        !unread_row(&screen),
        "the other reader still shows it unread after 5 s:\n{screen}"
    );
}

/// The lines `child`'s stdout printed so far, read on a thread of its own.
fn collect_stdout(child: &mut Child) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use std::io::BufRead;
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let stdout = child.stdout.take().expect("piped stdout");
    let sink = std::sync::Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            sink.lock().expect("lines").push(line);
        }
    });
    lines
}

/// `--json` lines' ids, in order.
fn ids(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|value| value["id"].as_str().map(str::to_string))
        .collect()
}

fn wait_for_ids(lines: &std::sync::Mutex<Vec<String>>, count: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let seen = ids(&lines.lock().expect("lines"));
        if seen.len() >= count || started.elapsed() > Duration::from_secs(10) {
            return seen;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_tail_prints_what_another_process_stored_once_and_an_edit_again() {
    let (_runtime, server, site, dir) = serve_feed();
    let cache = dir.path().join("cache.db");
    // The tail itself polls once, then not for an hour.
    let config = write_config(dir.path(), &server.url("/feed.xml"), "1h");
    let mut tail = liveblog(dir.path(), &config, &cache)
        .args(["tail", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tail");
    let lines = collect_stdout(&mut tail);
    assert_eq!(wait_for_ids(&lines, 1), ["e0"], "the tail's own first poll");

    let refresh = |expect: &str| {
        let out = liveblog(dir.path(), &config, &cache)
            .arg("refresh")
            .output()
            .expect("refresh");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains(expect), "{stdout}");
    };
    site.set(
        "/feed.xml",
        Resource::ok(
            "application/rss+xml",
            rss(&["A report", "Second report", "Third report"]),
        ),
    );
    refresh("2 new");
    assert_eq!(wait_for_ids(&lines, 3), ["e0", "e1", "e2"]);
    // Nothing new: nothing printed. Then an edit: printed again.
    refresh("blog: ");
    site.set(
        "/feed.xml",
        Resource::ok(
            "application/rss+xml",
            rss(&["A report", "Second report, corrected", "Third report"]),
        ),
    );
    refresh("0 new, 1 updated");
    let seen = wait_for_ids(&lines, 4);
    std::thread::sleep(Duration::from_millis(1_000));
    let _ = tail.kill();
    let _ = tail.wait();
    let seen_at_end = ids(&lines.lock().expect("lines"));
    assert_eq!(seen, ["e0", "e1", "e2", "e1"], "{seen_at_end:?}");
    assert_eq!(seen_at_end, seen, "printed more than once");
}

#[test]
fn refresh_due_leaves_a_source_another_process_polled_within_its_interval() {
    let (_runtime, server, site, dir) = serve_feed();
    let cache = dir.path().join("cache.db");
    let config = write_config(dir.path(), &server.url("/feed.xml"), "1h");
    let refresh = |args: &[&str]| {
        let out = liveblog(dir.path(), &config, &cache)
            .arg("refresh")
            .args(args)
            .output()
            .expect("refresh");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert_eq!(stdout.lines().count(), 1, "{stdout}");
        stdout
    };
    assert!(refresh(&["--due"]).contains("1 new"));
    assert_eq!(site.requests("/feed.xml"), 1);
    let second = refresh(&["--due"]);
    assert!(
        second.starts_with("blog: fresh: polled ") && second.contains("by another process"),
        "{second}"
    );
    assert_eq!(site.requests("/feed.xml"), 1, "fetched within its interval");
    // Without --due, refresh polls every source, as its contract says.
    let plain = refresh(&[]);
    assert!(
        plain.contains("not modified") || plain.contains("0 new"),
        "{plain}"
    );
    assert_eq!(site.requests("/feed.xml"), 2, "refresh polls");
    // --force is the default, still accepted.
    let forced = refresh(&["--force"]);
    assert!(
        forced.contains("not modified") || forced.contains("0 new"),
        "{forced}"
    );
    assert_eq!(site.requests("/feed.xml"), 3, "--force polls");

    // A process fetching it now (a slow response): another refresh leaves it to that
    // one, even with --force, and counts it a success.
    site.set_delay("/feed.xml", Duration::from_secs(4));
    let slow = spawn_quiet({
        let mut command = liveblog(dir.path(), &config, &cache);
        command.args(["refresh", "--force"]);
        command
    });
    let started = Instant::now();
    while site.requests("/feed.xml") < 4 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let during = refresh(&["--force"]);
    assert!(
        during.contains("fresh: another process is fetching it now"),
        "{during}"
    );
    assert_eq!(site.requests("/feed.xml"), 4, "one fetch at a time");
    let status = slow.wait_with_output().expect("slow refresh").status;
    assert!(status.success());
}
#[test]
fn a_process_killed_mid_poll_does_not_stop_the_others() {
    let (_runtime, _server, site, dir) = serve_feed();
    let (config, cache) = (dir.path().join("config.toml"), dir.path().join("cache.db"));
    // The first process claims the poll and hangs in a slow response; kill it then.
    site.set_delay("/feed.xml", Duration::from_secs(30));
    let mut first = spawn_quiet({
        let mut command = liveblog(dir.path(), &config, &cache);
        command.arg("tail");
        command
    });
    let started = Instant::now();
    while site.requests("/feed.xml") == 0 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    first.kill().expect("kill -9");
    let _ = first.wait();
    site.set_delay("/feed.xml", Duration::ZERO);
    let before = site.requests("/feed.xml");
    let mut second = spawn_quiet({
        let mut command = liveblog(dir.path(), &config, &cache);
        command.arg("tail");
        command
    });
    // The dead process's claim runs out (15 s at most); then the second polls.
    let started = Instant::now();
    while site.requests("/feed.xml") < before + 2 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = second.kill();
    let _ = second.wait();
    assert!(
        site.requests("/feed.xml") >= before + 2,
        "after a process died mid-poll, the other polled {} times in 30 s",
        site.requests("/feed.xml") - before
    );
}

/// `list` on `cache`: (exit code, stderr).
fn list_on(cache: &Path) -> (i32, String) {
    let dir = cache.parent().expect("dir");
    let config = write_config(dir, "https://example.invalid/feed.xml", "1h");
    let output = liveblog(dir, &config, cache)
        .arg("list")
        .output()
        .expect("list");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_refused_untouched(cache: &Path, says: &str) {
    let before = std::fs::read(cache).expect("read");
    let (code, stderr) = list_on(cache);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(&cache.display().to_string()), "{stderr}");
    assert!(stderr.contains(says), "{stderr}");
    assert!(
        std::fs::read(cache).expect("read") == before,
        "the file changed"
    );
    let mut wal = cache.as_os_str().to_owned();
    wal.push("-wal");
    assert!(
        !PathBuf::from(wal).exists(),
        "a WAL file was made beside it"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache.db");
    std::fs::write(&cache, "these are my notes, not a database\n".repeat(200)).expect("write");
    assert_refused_untouched(&cache, "not an SQLite database");
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache.db");
    {
        let conn = rusqlite::Connection::open(&cache).expect("open");
        conn.execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT);")
            .expect("create");
    }
    assert_refused_untouched(&cache, "another program's SQLite database");
}

#[test]
fn a_cache_from_a_newer_liveblog_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache.db");
    let (code, stderr) = list_on(&cache);
    assert_eq!(code, 0, "{stderr}");
    {
        let conn = rusqlite::Connection::open(&cache).expect("open");
        conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;")
            .expect("bump");
    }
    assert_refused_untouched(&cache, "newer liveblog");
}

#[test]
fn a_cache_this_user_may_only_read_is_listed_and_refresh_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.xml");
    std::fs::write(&feed, rss(&["Stored by the group's cron"])).expect("feed");
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).expect("dir");
    let cache = shared.join("cache.db");
    let config = write_config(dir.path(), &feed.display().to_string(), "1h");
    let refreshed = liveblog(dir.path(), &config, &cache)
        .arg("refresh")
        .output()
        .expect("refresh");
    assert!(refreshed.status.success());
    // Checkpoint the WAL into the file, as the last writer closing does.
    drop(rusqlite::Connection::open(&cache).expect("open"));
    use std::os::unix::fs::PermissionsExt;
    let read_only = std::fs::Permissions::from_mode(0o555);
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::fs::set_permissions(&shared, read_only).expect("chmod");
    // Root may write anything: then there is nothing to test.
    let root = std::fs::OpenOptions::new()
        .append(true)
        .open(&cache)
        .is_ok();
    if !root {
        let listed = liveblog(dir.path(), &config, &cache)
            .arg("list")
            .output()
            .expect("list");
        let stderr = String::from_utf8_lossy(&listed.stderr);
        assert!(listed.status.success(), "{stderr}");
        assert!(
            String::from_utf8_lossy(&listed.stdout).contains("Stored by the group's cron"),
            "{stderr}"
        );
        let refreshed = liveblog(dir.path(), &config, &cache)
            .arg("refresh")
            .output()
            .expect("refresh");
        let stderr = String::from_utf8_lossy(&refreshed.stderr);
        assert_eq!(refreshed.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("cannot write it"), "{stderr}");
    }
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
