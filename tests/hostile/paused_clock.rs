//! The schedule on tokio's paused clock (`start_paused`): backoff, reset, Retry-After,
//! max-age, Expires and RSS `<ttl>` as lower bounds, and a `Poller` over a `file://`
//! source. No real sleeping: the clock is advanced by `tokio::time::advance` or by
//! auto-advance while every task waits on a timer.

use std::time::Duration;

use liveblog::sources::fetch::{Fetcher, Validators, hints};
use liveblog::sources::poller::{Poll, Poller};
use liveblog::sources::schedule::{Hints, MAX_BACKOFF, Schedule};
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::mpsc;
use tokio::time::Instant;

const INTERVAL: Duration = Duration::from_secs(60);

/// Drives a schedule the way the poller does (sleep the delay, poll, repeat) on
/// the paused clock, returning when each poll happened.
async fn drive(schedule: &mut Schedule, outcomes: &[(bool, Hints)]) -> Vec<Duration> {
    let start = Instant::now();
    let mut at = Vec::new();
    for (succeeded, hints) in outcomes {
        let delay = schedule.next_delay(*succeeded, hints, 0.0);
        tokio::time::sleep(delay).await;
        at.push(start.elapsed());
    }
    at
}

#[tokio::test(start_paused = true)]
async fn backoff_doubles_and_success_resets_it() {
    let mut schedule = Schedule::new(INTERVAL);
    let none = Hints::default();
    let at = drive(
        &mut schedule,
        &[
            (false, none),
            (false, none),
            (false, none),
            (true, none),
            (false, none),
        ],
    )
    .await;
    let m = |minutes: u64| Duration::from_secs(60 * minutes);
    // Waits 2, 4, 8 minutes, then back to 1, then 2 again.
    assert_eq!(at, vec![m(2), m(6), m(14), m(15), m(17)]);
    assert_eq!(schedule.failures, 1);
    // Capped.
    for _ in 0..30 {
        schedule.next_delay(false, &none, 0.0);
    }
    assert_eq!(schedule.next_delay(false, &none, 0.0), MAX_BACKOFF);
    assert_eq!(schedule.next_delay(true, &none, 0.0), INTERVAL);
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).expect("header value"));
    }
    map
}

#[tokio::test(start_paused = true)]
async fn retry_after_and_max_age_are_lower_bounds() {
    let retry = hints(&headers(&[("retry-after", "900")]));
    assert_eq!(retry.retry_after, Some(Duration::from_secs(900)));
    let fresh = hints(&headers(&[("cache-control", "public, max-age=300")]));
    assert_eq!(fresh.fresh_for, Some(Duration::from_secs(300)));
    let expires = hints(&headers(&[
        ("date", "Wed, 01 May 2024 12:00:00 GMT"),
        ("expires", "Wed, 01 May 2024 12:10:00 GMT"),
    ]));
    assert_eq!(expires.fresh_for, Some(Duration::from_secs(600)));
    let short = hints(&headers(&[("cache-control", "max-age=5")]));
    let hostile = hints(&headers(&[("retry-after", "99999999999")]));
    assert_eq!(
        hostile.retry_after,
        Some(Duration::from_secs(86_400)),
        "capped at a day"
    );

    let mut schedule = Schedule::new(INTERVAL);
    let at = drive(
        &mut schedule,
        &[
            (false, retry),
            (true, fresh),
            (true, expires),
            (true, short),
        ],
    )
    .await;
    let s = Duration::from_secs;
    // 429 + Retry-After 900 s beats the 2-minute backoff; max-age 300 s and
    // Expires 600 s beat the 60 s interval; max-age 5 s does not shorten it.
    assert_eq!(at, vec![s(900), s(1200), s(1800), s(1860)]);
}

fn feed(ttl_minutes: Option<u32>) -> String {
    let ttl = ttl_minutes
        .map(|m| format!("<ttl>{m}</ttl>"))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>{ttl}\
         <item><guid>a</guid><title>A</title><pubDate>Wed, 01 May 2024 12:00:00 GMT</pubDate></item>\
         </channel></rss>"
    )
}

/// A `Poller` over one `file://` source with `interval`.
fn spawn(path: &std::path::Path, interval: Duration) -> (Poller, mpsc::Receiver<Poll>) {
    let url = url::Url::from_file_path(path)
        .expect("file url")
        .to_string();
    let mut source = super::source("file", &url);
    source.interval = interval;
    let (tx, rx) = mpsc::channel(16);
    let fetcher = Fetcher::new(super::TIMEOUT).expect("fetcher");
    (
        Poller::spawn(fetcher, vec![(source, Validators::default())], tx, None),
        rx,
    )
}

/// Receives the next poll; the paused clock auto-advances to the poller's timer
/// (it does not advance while the file read runs on the blocking pool).
async fn next(rx: &mut mpsc::Receiver<Poll>, start: Instant) -> (Poll, Duration) {
    let poll = rx.recv().await.expect("a poll");
    (poll, start.elapsed())
}

/// `wait` is `expected` plus the jitter (at most a tenth).
fn assert_wait(wait: Duration, expected: Duration) {
    assert!(
        wait >= expected && wait <= expected + expected / 10,
        "waited {wait:?}, expected {expected:?} (+ up to 10%)"
    );
}

#[tokio::test(start_paused = true)]
async fn poller_polls_at_the_interval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, feed(None)).expect("write feed");
    let start = Instant::now();
    let (_poller, mut rx) = spawn(&path, INTERVAL);
    let (first, at) = next(&mut rx, start).await;
    assert!(first.succeeded(), "{:?}", first.outcome);
    assert_eq!(at, Duration::ZERO, "the first poll is immediate");
    let mut last = at;
    for _ in 0..3 {
        // Just short of the interval, nothing has been polled.
        tokio::time::advance(INTERVAL - Duration::from_secs(1)).await;
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert!(rx.try_recv().is_err(), "polled before the interval");
        let (poll, at) = next(&mut rx, start).await;
        assert!(poll.succeeded(), "{:?}", poll.outcome);
        assert_wait(at - last, INTERVAL);
        last = at;
    }
}

#[tokio::test(start_paused = true)]
async fn poller_backs_off_then_resets_and_honours_ttl() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.xml");
    let interval = Duration::from_secs(10);
    let start = Instant::now();
    let (_poller, mut rx) = spawn(&path, interval);
    // The file is missing: each failure doubles the wait.
    let mut last = Duration::ZERO;
    for (n, expected) in [(0u32, None), (1, Some(2)), (2, Some(4))] {
        let (poll, at) = next(&mut rx, start).await;
        assert!(!poll.succeeded(), "poll {n} should fail");
        if let Some(factor) = expected {
            assert_wait(at - last, interval * factor);
        }
        last = at;
    }
    // The file appears (with an RSS <ttl> of 1 minute): the failure before it
    // still waits 8×, the success after it resets to the interval, raised to the ttl.
    std::fs::write(&path, feed(Some(1))).expect("write feed");
    let (poll, at) = next(&mut rx, start).await;
    assert!(poll.succeeded(), "{:?}", poll.outcome);
    assert_wait(at - last, interval * 8);
    last = at;
    let (poll, at) = next(&mut rx, start).await;
    assert!(poll.succeeded(), "{:?}", poll.outcome);
    assert_wait(at - last, Duration::from_secs(60));
    last = at;
    // No ttl any more: back to the plain interval.
    std::fs::write(&path, feed(None)).expect("write feed");
    let (poll, at) = next(&mut rx, start).await;
    assert!(poll.succeeded(), "{:?}", poll.outcome);
    assert_wait(at - last, Duration::from_secs(60));
    last = at;
    let (_, at) = next(&mut rx, start).await;
    assert_wait(at - last, interval);
}
