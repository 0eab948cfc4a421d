//! What parsing a large feed holds at its peak, counted by a global allocator that
//! tracks the bytes live (this test crate only: the library forbids `unsafe`).
//!
//! The feed is like `bench/feeds.py`'s (RSS 2.0, ≈ 1.4 KB per item, HTML bodies). Its
//! bytes are allocated before counting starts; what the parse holds on top of them,
//! at its peak, is bounded against the document's size. Before large feeds were read
//! in pieces, feed-rs's event buffer (every byte read, never cleared) and its model of
//! every entry came on top of the items: 16 MB more for a 12 MB feed, and growing with it.

use std::sync::Mutex;
use std::sync::atomic::Ordering;

use liveblog::model::Format;
use liveblog::parse::{DEFAULT_OPTIONS, Input, parse};

#[path = "common/counting.rs"]
mod counting;

use counting::{LIVE, PEAK};

/// One measurement at a time (the counters are global).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What `work` held at its peak beyond what was live when it started, in bytes.
fn peak_held<T>(work: impl FnOnce() -> T) -> (usize, T) {
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = work();
    (PEAK.load(Ordering::Relaxed) - before, out)
}

const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "government",
    "police",
    "officials",
    "report",
    "city",
    "election",
    "vote",
    "talks",
    "ceasefire",
    "council",
    "court",
    "crisis",
    "market",
    "energy",
    "storm",
    "troops",
    "border",
    "aid",
    "kyiv",
    "gaza",
    "london",
    "summit",
    "deal",
    "peace",
    "statement",
    "confirmed",
    "latest",
    "announced",
    "expected",
];

/// An RSS 2.0 feed of `items` items like `bench/feeds.py`'s (escaped HTML bodies).
fn feed(items: usize) -> Vec<u8> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut word = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        WORDS[(state % WORDS.len() as u64) as usize]
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>Big</title>\n\
         <link>https://example.org/</link>\n<description>A large feed</description>\n",
    );
    for i in 0..items {
        let title: Vec<&str> = (0..10).map(|_| word()).collect();
        let mut body = String::new();
        for _ in 0..4 {
            body.push_str("&lt;p&gt;");
            for _ in 0..3 {
                let sentence: Vec<&str> = (0..14).map(|_| word()).collect();
                body.push_str(&sentence.join(" "));
                body.push_str(". ");
            }
            body.push_str("&lt;/p&gt;");
        }
        out.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>https://example.org/story-{i}.html</link>\n\
             <guid isPermaLink=\"false\">big-{i}</guid>\n\
             <pubDate>Mon, 06 Oct 2025 {:02}:{:02}:00 GMT</pubDate>\n\
             <dc:creator>Helen Sullivan</dc:creator>\n<description>{body}</description>\n</item>\n",
            title.join(" "),
            (i / 60) % 24,
            i % 60,
        ));
    }
    out.push_str("</channel>\n</rss>\n");
    out.into_bytes()
}

#[test]
fn parsing_a_large_feed_holds_little_more_than_its_entries() {
    let bytes = feed(8_000);
    assert!(bytes.len() > 10 << 20, "{} bytes", bytes.len());
    let input = Input {
        bytes: &bytes,
        content_type: Some("application/rss+xml"),
        base_url: Some("https://example.org/feed.xml"),
        now: jiff::Timestamp::UNIX_EPOCH,
        options: &DEFAULT_OPTIONS,
    };
    let (peak, parsed) = peak_held(|| parse(&input, Format::Rss));
    let document = parsed.expect("the feed parses");
    assert_eq!(document.items.len(), 8_000);
    // What the document itself holds (its items and their strings), which any
    // reading must build.
    let kept: usize = document.items.capacity() * std::mem::size_of_val(&document.items[0])
        + document
            .items
            .iter()
            .map(|item| {
                item.id.0.capacity()
                    + item.title.capacity()
                    + item.author.as_ref().map_or(0, String::capacity)
                    + item.url.as_ref().map_or(0, String::capacity)
                    + item.text.capacity()
                    + item.html.as_ref().map_or(0, String::capacity)
            })
            .sum::<usize>();
    let mb = |bytes: usize| bytes as f64 / (1 << 20) as f64;
    eprintln!(
        "document {:.1} MB, items' strings {:.1} MB, parse peak {:.1} MB",
        mb(bytes.len()),
        mb(kept),
        mb(peak)
    );
    // Reading in pieces holds one piece (≈ 1 MB, its feed-rs buffer and model) on top
    // of the items being made: 26.5 MB for 21.2 MB of items. Read whole, 41.5 MB.
    assert!(
        peak < kept + (10 << 20),
        "the parse held {:.1} MB at its peak for {:.1} MB of items",
        mb(peak),
        mb(kept)
    );
}
