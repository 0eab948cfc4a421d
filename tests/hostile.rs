//! The hostile-server suite (issue 4, item 7): every way a server can fail, on
//! 127.0.0.1, through `poll_once`, all of them at once, and through `liveblog refresh`
//! — each failure one clear line in bounded time and memory, no panic, the good source
//! unaffected. Then the schedule on tokio's paused clock.

#[path = "hostile/server.rs"]
mod server;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use liveblog::config::{Config, SourceConfig};
use liveblog::model::Format;
use liveblog::sources::fetch::{Fetcher, Validators};
use liveblog::sources::poller::{Poll, PollOutcome, poll_once};
use server::{Behaviour, Hostile, closed_port_url};

/// The per-request timeout every case runs with.
const TIMEOUT: Duration = Duration::from_secs(2);
/// How long a single failing poll may take at most.
const BOUND: Duration = Duration::from_secs(4);
/// The body cap for the cap tests.
const SMALL_CAP: usize = 1024 * 1024;

const RSS: &str = "application/rss+xml";

/// A source as the config gives it (built through the config parser, so the suite
/// does not depend on `SourceConfig`'s exact fields, which other work extends).
fn source(name: &str, url: &str) -> SourceConfig {
    let text = format!(
        "[general]\ntimezone = \"UTC\"\n\n[[source]]\nname = {}\nurl = {}\n",
        toml_string(name),
        toml_string(url)
    );
    let config = Config::parse(&text, "<hostile>").expect("test config parses");
    let source = config.sources.into_iter().next().expect("one source");
    assert_eq!(source.format, Format::Auto);
    assert_eq!(source.interval, Duration::from_secs(60));
    source
}

fn fetcher() -> Fetcher {
    Fetcher::new(TIMEOUT).expect("fetcher")
}

/// A valid RSS 2.0 feed with three items.
fn good_feed() -> String {
    let mut items = String::new();
    for (n, title) in [
        "Ceasefire talks resume",
        "Drone strike reported",
        "Markets open lower",
    ]
    .iter()
    .enumerate()
    {
        items.push_str(&format!(
            "<item><guid>good-{n}</guid><title>{title}</title><link>https://example.org/live#{n}</link>\
             <description>Entry {n} body.</description><pubDate>Wed, 01 May 2024 1{n}:05:00 GMT</pubDate></item>"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Good</title>\
         <link>https://example.org/live</link><description>A good feed</description>{items}</channel></rss>"
    )
}
const GOOD_ITEMS: usize = 3;

/// One hostile case: a name, what the server does (or `None`: a closed port), the
/// words one of which the error must contain, and whether it runs with the small cap.
struct Case {
    name: &'static str,
    behaviour: Option<Behaviour>,
    expect: &'static [&'static str],
}

fn nested_json() -> Vec<u8> {
    let depth = 100_000;
    let mut body = vec![b'['; depth];
    body.extend(std::iter::repeat_n(b']', depth));
    body
}

fn nested_html() -> Vec<u8> {
    let depth = 100_000;
    let mut body = b"<!DOCTYPE html><html><head><title>deep</title></head><body>".to_vec();
    body.extend(b"<div>".repeat(depth));
    body.extend(b"so deep");
    body.extend(b"</div>".repeat(depth));
    body.extend(b"</body></html>");
    body
}

fn invalid_utf8_feed() -> Vec<u8> {
    // Declared UTF-8, but the markup itself is cut by bytes that are not UTF-8 at all:
    // a lone continuation byte and an overlong sequence inside element names.
    let mut body = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><chan\x80nel><ti\xc0\xaftle>"
        .to_vec();
    body.extend(b"\xff\xfe\xfd</title><item\xf8><title>x</title></item></channel></rss>");
    body
}

fn garbage() -> Vec<u8> {
    // Deterministic noise (an LCG), with NULs and control bytes, no structure.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..20_000)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 56) as u8
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let html_page = "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>\
                     <body><h1>Service Unavailable</h1><p>The server is temporarily busy.</p></body></html>";
    vec![
        Case {
            name: "not-found",
            behaviour: Some(Behaviour::status("404 Not Found", vec![])),
            expect: &["404"],
        },
        Case {
            name: "server-error",
            behaviour: Some(Behaviour::status("500 Internal Server Error", vec![])),
            expect: &["500"],
        },
        Case {
            name: "rate-limited",
            behaviour: Some(Behaviour::status(
                "429 Too Many Requests",
                vec![("Retry-After", "120".to_string())],
            )),
            expect: &["429"],
        },
        Case {
            name: "hang",
            behaviour: Some(Behaviour::Hang),
            expect: &["timed out"],
        },
        Case {
            name: "drip",
            behaviour: Some(Behaviour::Drip {
                len: 100,
                every: Duration::from_millis(200),
            }),
            expect: &["timed out"],
        },
        Case {
            name: "drip-headers",
            behaviour: Some(Behaviour::DripHeaders {
                every: Duration::from_millis(100),
            }),
            expect: &["timed out"],
        },
        Case {
            name: "huge",
            behaviour: Some(Behaviour::Huge {
                len: 400 * 1024 * 1024,
                content_length: true,
            }),
            expect: &["larger than"],
        },
        Case {
            name: "huge-chunked",
            behaviour: Some(Behaviour::Huge {
                len: 400 * 1024 * 1024,
                content_length: false,
            }),
            expect: &["larger than"],
        },
        Case {
            name: "gzip-bomb",
            behaviour: Some(Behaviour::GzipBomb),
            expect: &["larger than"],
        },
        Case {
            name: "redirect-loop",
            behaviour: Some(Behaviour::RedirectLoop),
            expect: &["redirect"],
        },
        Case {
            name: "truncated",
            behaviour: Some(Behaviour::Truncated {
                claimed: 100_000,
                body: good_feed().as_bytes()[..200].to_vec(),
            }),
            expect: &["truncated", "incomplete", "closed", "end of file", "before"],
        },
        Case {
            name: "invalid-utf8",
            behaviour: Some(Behaviour::ok(RSS, invalid_utf8_feed())),
            expect: &["not valid", "utf-8", "utf8", "no entries"],
        },
        Case {
            name: "html-error-page",
            behaviour: Some(Behaviour::ok(RSS, html_page)),
            expect: &["not valid", "no entries", "html"],
        },
        Case {
            name: "garbage",
            behaviour: Some(Behaviour::ok(RSS, garbage())),
            expect: &[
                "not valid",
                "no entries",
                "not a",
                "unrecognised",
                "unrecognized",
            ],
        },
        Case {
            name: "nested-json",
            behaviour: Some(Behaviour::ok("application/json", nested_json())),
            expect: &["not valid", "recursion", "too deep", "nest"],
        },
        Case {
            name: "nested-html",
            behaviour: Some(Behaviour::ok("text/html", nested_html())),
            expect: &["no entries", "not valid"],
        },
        Case {
            name: "closed-port",
            behaviour: None,
            expect: &["cannot connect"],
        },
    ]
}

/// Starts the case's server (if any) and returns the source pointing at it.
async fn start(case: &Case) -> (Option<Hostile>, SourceConfig) {
    match &case.behaviour {
        Some(behaviour) => {
            let server = Hostile::start(behaviour.clone()).await;
            let source = source(case.name, &server.url("/feed.xml"));
            (Some(server), source)
        }
        None => (None, source(case.name, &closed_port_url())),
    }
}

/// Runs `future` on a fresh runtime for at most `limit`, then drops the runtime without
/// waiting for its blocking pool: a parse that never ends fails the test instead of
/// hanging it.
fn bounded<F: std::future::Future>(future: F) -> F::Output {
    let limit = 2 * TIMEOUT + Duration::from_secs(6);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime.block_on(async { tokio::time::timeout(limit, future).await });
    runtime.shutdown_background();
    result.unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

/// The poll failed with one line that says why (one of `expect`, case-insensitive).
fn assert_failed(poll: &Poll, expect: &[&str]) -> String {
    let PollOutcome::Failed(error) = &poll.outcome else {
        panic!(
            "{}: expected a failure, got {:?}",
            poll.source, poll.outcome
        );
    };
    assert!(!error.trim().is_empty(), "{}: empty error", poll.source);
    assert!(
        !error.contains('\n') && !error.contains('\r'),
        "{}: error is not one line: {error:?}",
        poll.source
    );
    assert!(
        error.len() < 300,
        "{}: error too long: {error:?}",
        poll.source
    );
    let lower = error.to_lowercase();
    assert!(
        expect.iter().any(|word| lower.contains(word)),
        "{}: error {error:?} does not say any of {expect:?}",
        poll.source
    );
    error.clone()
}

/// Runs one case alone: fails clearly, within the bound.
async fn run_case(name: &str) -> Poll {
    run_case_with(name, fetcher()).await
}

async fn run_case_with(name: &str, fetcher: Fetcher) -> Poll {
    let case = cases()
        .into_iter()
        .find(|case| case.name == name)
        .expect("case");
    let (_server, source) = start(&case).await;
    let started = Instant::now();
    let poll = poll_once(&fetcher, &source, &Validators::default()).await;
    let elapsed = started.elapsed();
    let error = assert_failed(&poll, case.expect);
    assert!(elapsed < BOUND, "{name}: took {elapsed:?} ({error})");
    eprintln!("{name}: {elapsed:?}: {error}");
    poll
}

#[test]
fn status_404() {
    bounded(async {
        run_case("not-found").await;
    });
}

#[test]
fn status_500() {
    bounded(async {
        run_case("server-error").await;
    });
}

#[test]
fn status_429_with_retry_after() {
    bounded(async {
        let poll = run_case("rate-limited").await;
        let PollOutcome::Failed(error) = &poll.outcome else {
            unreachable!()
        };
        assert!(error.contains("120"), "the wait is named: {error}");
        assert_eq!(poll.hints.retry_after, Some(Duration::from_secs(120)));
        // Retry-After is a lower bound for the next poll, above the first backoff step.
        let mut schedule = liveblog::sources::schedule::Schedule::new(Duration::from_secs(10));
        assert_eq!(
            schedule.next_delay(false, &poll.hints, 0.0),
            Duration::from_secs(120)
        );
    });
}

#[test]
fn hang_past_the_timeout() {
    bounded(async {
        run_case("hang").await;
    });
}

#[test]
fn body_dripping_a_byte_at_a_time() {
    bounded(async {
        run_case("drip").await;
    });
}

#[test]
fn headers_dripping_a_byte_at_a_time() {
    bounded(async {
        run_case("drip-headers").await;
    });
}

#[test]
fn body_of_400_mb_with_content_length() {
    bounded(async {
        run_case("huge").await;
    });
}

#[test]
fn body_of_400_mb_chunked_stops_at_the_cap() {
    bounded(async {
        let poll = run_case_with("huge-chunked", fetcher().with_max_body(SMALL_CAP)).await;
        let PollOutcome::Failed(error) = &poll.outcome else {
            unreachable!()
        };
        assert!(error.contains(&SMALL_CAP.to_string()), "{error}");
    });
}

#[test]
fn gzip_bomb_stops_at_the_cap() {
    bounded(async {
        assert!(server::gzip_bomb().len() < 500_000);
        let poll = run_case_with("gzip-bomb", fetcher().with_max_body(SMALL_CAP)).await;
        let PollOutcome::Failed(error) = &poll.outcome else {
            unreachable!()
        };
        assert!(error.contains(&SMALL_CAP.to_string()), "{error}");
    });
}

#[test]
fn gzip_bomb_stops_at_the_default_cap() {
    bounded(async {
        run_case("gzip-bomb").await;
    });
}

#[test]
fn gzip_bomb_is_a_valid_gzip_stream() {
    bounded(async {
        // The bomb is real: a body under the cap that inflates to it is read whole (so
        // the cap test above fails for the right reason, not for a broken stream).
        let server = Hostile::start(Behaviour::GzipBomb).await;
        let fetcher = Fetcher::new(Duration::from_secs(20))
            .expect("fetcher")
            .with_max_body(server::BOMB_SIZE as usize);
        let fetched = fetcher
            .fetch(&server.url("/bomb"), &Validators::default())
            .await
            .expect("the bomb inflates under a cap that fits it");
        let liveblog::sources::fetch::Fetched::Body(body) = fetched else {
            panic!("not a body")
        };
        assert_eq!(body.bytes.len() as u64, server::BOMB_SIZE);
        assert!(body.bytes.iter().all(|&byte| byte == 0));
    });
}

#[test]
fn redirect_loop() {
    bounded(async {
        run_case("redirect-loop").await;
    });
}

#[test]
fn truncated_body() {
    bounded(async {
        run_case("truncated").await;
    });
}

#[test]
fn invalid_utf8_feed_fails() {
    bounded(async {
        run_case("invalid-utf8").await;
    });
}

#[test]
fn invalid_utf8_in_text_is_replaced_not_fatal() {
    bounded(async {
        // Stray non-UTF-8 bytes inside a well-formed feed's text are a nuisance, not a
        // failure: the entries still come through, cleaned.
        let feed = good_feed().replace("Entry 1 body.", "Entry 1 \u{1}body.");
        let mut bytes = feed.into_bytes();
        let at = bytes.iter().position(|&b| b == 1).expect("marker");
        bytes.splice(at..at + 1, *b"\xff\xc0\x80");
        let server = Hostile::start(Behaviour::ok(RSS, bytes)).await;
        let poll = poll_once(
            &fetcher(),
            &source("stray", &server.url("/")),
            &Validators::default(),
        )
        .await;
        let PollOutcome::Parsed { document, .. } = &poll.outcome else {
            panic!("expected entries, got {:?}", poll.outcome)
        };
        assert_eq!(document.items.len(), GOOD_ITEMS);
    });
}

#[test]
fn html_error_page_served_as_rss() {
    bounded(async {
        run_case("html-error-page").await;
    });
}

#[test]
fn garbage_bytes() {
    bounded(async {
        run_case("garbage").await;
    });
}

#[test]
fn deeply_nested_json() {
    bounded(async {
        run_case("nested-json").await;
    });
}

#[test]
fn deeply_nested_html() {
    bounded(async {
        run_case("nested-html").await;
    });
}

#[test]
fn closed_port() {
    bounded(async {
        run_case("closed-port").await;
    });
}

#[test]
fn deeply_nested_html_inside_a_feed_entry() {
    bounded(async {
        // 100k nested <div>s in an entry's (escaped) description: the feed still parses.
        let deep = String::from_utf8(nested_html()).expect("ascii");
        let escaped = deep
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let feed = good_feed().replace("Entry 0 body.", &escaped);
        let server = Hostile::start(Behaviour::ok(RSS, feed)).await;
        let started = Instant::now();
        let poll = poll_once(
            &fetcher(),
            &source("deep-entry", &server.url("/")),
            &Validators::default(),
        )
        .await;
        assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
        let PollOutcome::Parsed { document, .. } = &poll.outcome else {
            panic!("expected entries, got {:?}", poll.outcome)
        };
        assert_eq!(document.items.len(), GOOD_ITEMS);
    });
}

#[test]
fn good_source_alone_succeeds() {
    bounded(async {
        let server = Hostile::start(Behaviour::ok(RSS, good_feed())).await;
        let poll = poll_once(
            &fetcher(),
            &source("good", &server.url("/feed.xml")),
            &Validators::default(),
        )
        .await;
        let PollOutcome::Parsed { document, .. } = &poll.outcome else {
            panic!("expected entries, got {:?}", poll.outcome)
        };
        assert_eq!(document.items.len(), GOOD_ITEMS);
    });
}

/// Every hostile source and one good one, polled concurrently through one fetcher:
/// the good one succeeds, each other fails for its own reason, all in about the timeout.
async fn all_at_once() {
    let good = Hostile::start(Behaviour::ok(RSS, good_feed())).await;
    let cases = cases();
    let mut servers = Vec::new();
    let mut sources = vec![source("good", &good.url("/feed.xml"))];
    for case in &cases {
        let (server, source) = start(case).await;
        servers.push(server);
        sources.push(source);
    }
    let fetcher = fetcher();
    let started = Instant::now();
    let tasks: Vec<_> = sources
        .iter()
        .cloned()
        .map(|source| {
            let fetcher = fetcher.clone();
            tokio::spawn(async move {
                let poll = poll_once(&fetcher, &source, &Validators::default()).await;
                (poll, Instant::now())
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("no poll panics"));
    }
    let elapsed = started.elapsed();
    let (good_poll, good_done) = &results[0];
    let PollOutcome::Parsed { document, .. } = &good_poll.outcome else {
        panic!("the good source failed: {:?}", good_poll.outcome)
    };
    assert_eq!(document.items.len(), GOOD_ITEMS);
    // The good source is not held up by the hanging ones.
    let good_took = good_done.duration_since(started);
    assert!(
        good_took < Duration::from_secs(1),
        "good source took {good_took:?}"
    );
    for ((poll, done), case) in results[1..].iter().zip(&cases) {
        assert_eq!(poll.source.0, case.name);
        let error = assert_failed(poll, case.expect);
        let took = done.duration_since(started);
        assert!(took < BOUND, "{}: took {took:?}", case.name);
        eprintln!("{}: {took:?}: {error}", case.name);
    }
    assert!(
        elapsed < 2 * TIMEOUT + Duration::from_secs(2),
        "took {elapsed:?}"
    );
    eprintln!("all at once ({} sources): {elapsed:?}", sources.len());
}

#[test]
fn all_at_once_the_good_source_is_unaffected() {
    bounded(all_at_once());
}

// ---------------------------------------------------------------------------------
// The binary: `liveblog refresh` over a config mixing the good source with all the
// hostile ones.

fn toml_string(value: &str) -> String {
    serde_json::to_string(value).expect("json string is a toml basic string")
}

/// Peak resident memory (kB) of `pid` so far, from `/proc/<pid>/status`.
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    peak_kb: u64,
}

/// Runs the binary, polling its peak RSS (VmHWM) while it runs.
fn run_liveblog(args: &[&std::ffi::OsStr]) -> Run {
    use std::io::Read;
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_liveblog"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn liveblog");
    let pid = child.id();
    // Drain the pipes on threads so a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("liveblog {args:?} did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
        elapsed: started.elapsed(),
        peak_kb,
    }
}

/// `liveblog refresh`, twice, over the good source and the hostile ones; then `list`.
fn refresh_binary() {
    // The servers run on their own runtime's worker threads while the binary runs.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let cases = cases();
    let (good, servers, sources) = runtime.block_on(async {
        let good = Hostile::start(Behaviour::ok(RSS, good_feed())).await;
        let mut servers = Vec::new();
        let mut sources = Vec::new();
        for case in &cases {
            let (server, source) = start(case).await;
            servers.push(server);
            sources.push(source);
        }
        (good, servers, sources)
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    let cache = dir.path().join("cache.db");
    let mut text = String::from("[general]\ntimeout = \"2s\"\ntimezone = \"UTC\"\n\n");
    text.push_str(&format!(
        "[[source]]\nname = \"good\"\nurl = {}\n\n",
        toml_string(&good.url("/feed.xml"))
    ));
    for source in &sources {
        text.push_str(&format!(
            "[[source]]\nname = {}\nurl = {}\n\n",
            toml_string(&source.id.0),
            toml_string(&source.url)
        ));
    }
    std::fs::write(&config, &text).expect("write config");
    let global = |command: &'static str| -> Vec<&std::ffi::OsStr> {
        vec![
            "--config".as_ref(),
            config.as_os_str(),
            "--cache".as_ref(),
            cache.as_os_str(),
            command.as_ref(),
        ]
    };

    for round in 1..=2 {
        let run = run_liveblog(&global("refresh"));
        eprintln!(
            "refresh round {round}: exit {:?} in {:?}, peak RSS {} kB\nstdout:\n{}stderr:\n{}",
            run.code, run.elapsed, run.peak_kb, run.stdout, run.stderr
        );
        assert_eq!(run.code, Some(1), "a failing source makes refresh exit 1");
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            1 + cases.len(),
            "one line per source:\n{}",
            run.stdout
        );
        let good_line = lines
            .iter()
            .find(|line| line.starts_with("good:"))
            .expect("a line for the good source");
        if round == 1 {
            assert_eq!(*good_line, format!("good: {GOOD_ITEMS} new, 0 updated"));
        } else {
            assert!(
                *good_line == "good: 0 new, 0 updated" || *good_line == "good: not modified",
                "the second run adds nothing: {good_line}"
            );
        }
        for case in &cases {
            let prefix = format!("{}: ", case.name);
            let line = lines
                .iter()
                .find(|line| line.starts_with(&prefix))
                .unwrap_or_else(|| panic!("no line for {}:\n{}", case.name, run.stdout));
            let lower = line.to_lowercase();
            assert!(lower.contains("error"), "{line}");
            assert!(
                case.expect.iter().any(|word| lower.contains(word)),
                "{line} does not say any of {:?}",
                case.expect
            );
        }
        assert!(
            run.elapsed < 2 * TIMEOUT + Duration::from_secs(2),
            "refresh took {:?}",
            run.elapsed
        );
        assert!(run.peak_kb > 0, "VmHWM was read");
        assert!(run.peak_kb < 100 * 1024, "peak RSS {} kB", run.peak_kb);
    }

    // The good source's entries are cached exactly once after both runs, and nothing
    // from a failing source.
    let mut list_args = global("list");
    list_args.push("--json".as_ref());
    let list = run_liveblog(&list_args);
    assert_eq!(list.code, Some(0), "list: {}", list.stderr);
    let entries: Vec<serde_json::Value> = list
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let good_ids: Vec<&str> = entries
        .iter()
        .filter(|entry| entry["source"] == "good")
        .map(|entry| entry["id"].as_str().expect("id is a string"))
        .collect();
    assert_eq!(good_ids.len(), GOOD_ITEMS, "{}", list.stdout);
    let distinct: HashSet<&str> = good_ids.iter().copied().collect();
    assert_eq!(distinct.len(), GOOD_ITEMS, "ids are distinct: {good_ids:?}");
    assert_eq!(
        entries.len(),
        GOOD_ITEMS,
        "nothing from a failing source is cached"
    );
    drop((good, servers));
    runtime.shutdown_timeout(Duration::from_millis(100));
}

#[test]
fn refresh_binary_over_hostile_config() {
    refresh_binary();
}

// ---------------------------------------------------------------------------------
// The schedule on tokio's paused clock: no real sleeping.

// Needs tokio's `test-util` feature (a dev-dependency in Cargo.toml).
#[path = "hostile/paused_clock.rs"]
mod paused_clock;
