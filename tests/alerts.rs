//! No alert storms: a source's first poll (and any poll with more matches than
//! `ALERTS_PER_POLL`) raises one summary alert instead of one per entry; the alert
//! command runs one at a time from a bounded queue; a command that cannot start is a
//! notice, never a panic. Checked on the app, on the command runner with a fake
//! command that logs each run, and on the real reader in tmux over a loopback feed of
//! 1,000 matching entries.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

use common::reader::{plain_entry, polled};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, SourceId};
use liveblog::query::Query;
use liveblog::reader::alerts::{AlertCommand, QUEUED};
use liveblog::reader::app::{ALERTS_PER_POLL, Action, App, Effect, update};

#[path = "common/tmux.rs"]
mod session;

use session::{Tmux, tmux_available};

const BASE: i64 = 1_800_000_000;

fn entry(source: &str, number: i64) -> Entry {
    plain_entry(
        source,
        &format!("{source}-{number}"),
        Timestamp::from_second(BASE + number * 60).expect("time"),
        &format!("Ceasefire update {number}"),
        "Talks go on.",
    )
}

/// A poll of `source` bringing entries `numbers` (all new).
fn poll(source: &str, numbers: std::ops::Range<i64>) -> Action {
    let new = numbers.rev().map(|n| entry(source, n)).collect();
    polled(source, new, Vec::new())
}

fn alerts(effects: &[Effect]) -> Vec<&Entry> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Alert(entry) => Some(&**entry),
            _ => None,
        })
        .collect()
}

#[test]
fn a_first_poll_of_a_thousand_matches_raises_one_summary_and_highlights_all() {
    let sources = ["old", "new"]
        .iter()
        .map(|name| (SourceId(name.to_string()), Default::default()))
        .collect();
    let mut app = App::new(
        sources,
        (0..10).rev().map(|n| entry("old", n)).collect(),
        TimeZone::UTC,
        Timestamp::from_second(BASE + 5_000 * 60).expect("time"),
    );
    app.alert_query = Some(Query::parse("ceasefire").expect("parses"));

    // "new" has nothing cached: its first poll brings 1,000 matches.
    let effects = update(&mut app, poll("new", 0..1_000));
    let raised = alerts(&effects);
    assert_eq!(raised.len(), 1, "one summary, not 1,000 alerts");
    assert!(
        raised[0]
            .item
            .title
            .contains("1000 entries match the alert")
            && raised[0].item.title.contains("first poll of new"),
        "{:?}",
        raised[0].item.title
    );
    assert!(raised[0].item.text.contains("Ceasefire update 999"));
    assert!(raised[0].item.text.contains("… and 990 more"));
    assert_eq!(app.alerted.len(), 1_000, "every match is highlighted");

    // A known source's news alerts one by one, oldest first…
    let effects = update(&mut app, poll("old", 10..12));
    let titles: Vec<&str> = alerts(&effects)
        .iter()
        .map(|entry| entry.item.title.as_str())
        .collect();
    assert_eq!(titles, ["Ceasefire update 10", "Ceasefire update 11"]);

    // …unless one poll brings more than a burst's worth (ids that change every poll).
    let burst = ALERTS_PER_POLL as i64 + 1;
    let effects = update(&mut app, poll("old", 100..100 + burst));
    let raised = alerts(&effects);
    assert_eq!(raised.len(), 1);
    assert!(
        raised[0]
            .item
            .title
            .contains(&format!("{burst} entries match the alert in one poll")),
        "{:?}",
        raised[0].item.title
    );
    assert_eq!(app.alerted.len(), 1_002 + burst as usize);
}

/// A shell command (for `sh -c`) that logs its stdin to `dir/runs` (one JSON line per
/// run) and notes in `dir/overlaps` a run that started while another was running.
fn logging_command(dir: &Path, pause: &str) -> String {
    let d = dir.display();
    format!(
        "mkdir {d}/running 2>/dev/null || echo overlap >> {d}/overlaps; \
         cat >> {d}/runs; sleep {pause}; rmdir {d}/running"
    )
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

/// The count of lines in `path` once it has not changed for a second (at most 60 s).
fn settled_lines(path: &Path) -> usize {
    let started = Instant::now();
    let mut last = (lines(path), Instant::now());
    while started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
        let now = lines(path);
        if now != last.0 {
            last = (now, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(1) && now > 0 {
            break;
        }
    }
    lines(path)
}

#[test]
fn a_thousand_alerts_run_the_command_a_bounded_number_of_times_one_at_a_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let notices: Arc<Mutex<Vec<String>>> = Arc::default();
    let heard = Arc::clone(&notices);
    let mut command = AlertCommand::new(
        &logging_command(dir.path(), "0.02"),
        Arc::new(move |notice| heard.lock().expect("notices").push(notice)),
    );
    for n in 0..1_000 {
        command.run(&entry("wire", n));
    }
    let runs = settled_lines(&dir.path().join("runs"));
    assert!(
        (1..=2 * QUEUED).contains(&runs),
        "{runs} runs for 1,000 alerts"
    );
    assert!(
        !dir.path().join("overlaps").exists(),
        "two runs at once: {}",
        std::fs::read_to_string(dir.path().join("overlaps")).unwrap_or_default()
    );
    // The command got the entries as `--json` lines, in order.
    let text = std::fs::read_to_string(dir.path().join("runs")).expect("runs");
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().unwrap_or_default()).expect("json");
    assert_eq!(first["id"], "wire-0");
    // The user hears that alerts were dropped, not of each one dropped: once, or once
    // more each time the command took one from the queue while the 1,000 were still
    // coming (a loaded machine sends them slower than the command runs).
    let notices = notices.lock().expect("notices");
    let busy = notices
        .iter()
        .filter(|notice| notice.contains("busy"))
        .count();
    assert!((1..=runs).contains(&busy), "{busy} notices: {notices:?}");
}

/// A feed of `count` items about a ceasefire, ids starting with `prefix`.
fn feed(prefix: &str, count: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Talks live</title><link>http://127.0.0.1/</link><description>d</description>\n",
    );
    for n in 0..count {
        let time = Timestamp::from_second(BASE - (n as i64) * 60)
            .expect("time")
            .strftime("%a, %d %b %Y %H:%M:%S +0000");
        out.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{prefix}-{n}</guid>\
             <title>Ceasefire talks, update {prefix}{n}</title>\
             <description>Body {n}.</description><pubDate>{time}</pubDate></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// Serves `body` (as it is at each request) on 127.0.0.1, for at most 64 requests.
fn serve(body: Arc<Mutex<String>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let body = body.lock().expect("body").clone();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/live.xml")
}

/// The reader in tmux on `url` with `[alerts] command`, its environment prefixed by
/// `env`; the pane says how the reader exited.
fn reader(dir: &Path, name: &str, url: &str, command: &str, env: &str) -> Tmux {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[general]\ninterval = \"1h\"\ntimezone = \"UTC\"\n\
             [[source]]\nname = \"talks\"\nurl = \"{url}\"\n\
             [alerts]\nquery = \"ceasefire\"\ncommand = '''{command}'''\n"
        ),
    )
    .expect("config");
    let line = format!(
        "{env} XDG_STATE_HOME={dir} {binary} --config {config} --cache {dir}/cache.db; \
         echo READER-EXITED-$?; sleep 60",
        dir = dir.display(),
        binary = assert_cmd::cargo::cargo_bin("liveblog").display(),
        config = config.display(),
    );
    Tmux::start(name, 100, 30, &line)
}

#[test]
fn the_reader_on_a_thousand_matching_entries_runs_the_command_once() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let body = Arc::new(Mutex::new(feed("a", 1_000)));
    let url = serve(Arc::clone(&body));
    let tmux = reader(
        dir.path(),
        "alerts-once",
        &url,
        &logging_command(dir.path(), "0"),
        "",
    );
    tmux.wait_for("the first poll", "1000 entries");
    let runs = dir.path().join("runs");
    assert_eq!(settled_lines(&runs), 1, "one summary for the first poll");
    let text = std::fs::read_to_string(&runs).expect("runs");
    assert!(text.contains("1000 entries match the alert"), "{text}");

    // Every id changes (a feed that renumbers its entries): 1,000 new matches again.
    *body.lock().expect("body") = feed("b", 1_000);
    tmux.keys(&["r"]);
    tmux.wait_for("the second poll", "2000 entries");
    assert_eq!(settled_lines(&runs), 2, "one summary for the burst");

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("exit", "READER-EXITED-");
    assert!(screen.contains("READER-EXITED-0"), "{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
}

/// With no `sh` to be found, every run fails to start: the reader says so in the status
/// bar and goes on. (Tests may run as root, where a process limit does not apply, so
/// the failed start is made by the `PATH`.)
#[test]
fn an_alert_command_that_cannot_start_is_a_notice_not_a_panic() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = serve(Arc::new(Mutex::new(feed("a", 1_000))));
    let tmux = reader(dir.path(), "alerts-nosh", &url, "true", "PATH=/nonexistent");
    let screen = tmux.wait_for("the notice", "alert command: cannot start sh");
    assert!(screen.contains("1000 entries"), "{screen}");
    tmux.keys(&["j", "k"]);
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("exit", "READER-EXITED-");
    assert!(screen.contains("READER-EXITED-0"), "{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
}

/// The reader runs with one malloc arena (it restarts itself with `GLIBC_TUNABLES`
/// bounding them); the alert command it starts gets the environment the user gave
/// the reader instead: their own `GLIBC_TUNABLES`, and no note of the restart.
#[test]
fn the_alert_command_gets_the_users_environment_not_the_readers_arena_bound() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = serve(Arc::new(Mutex::new(feed("a", 3))));
    let env_file = dir.path().join("env");
    let tmux = reader(
        dir.path(),
        "alerts-env",
        &url,
        &format!("env > {}.part; mv {0}.part {0}", env_file.display()),
        "GLIBC_TUNABLES=glibc.malloc.tcache_count=0",
    );
    tmux.wait_for("the first poll", "3 entries");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !env_file.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let env = std::fs::read_to_string(&env_file).expect("the command's environment");
    let tunables: Vec<&str> = env
        .lines()
        .filter(|line| line.contains("GLIBC_TUNABLES"))
        .collect();
    assert_eq!(
        tunables,
        ["GLIBC_TUNABLES=glibc.malloc.tcache_count=0"],
        "{env}"
    );
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("exit", "READER-EXITED-");
    assert!(screen.contains("READER-EXITED-0"), "{screen}");
}
