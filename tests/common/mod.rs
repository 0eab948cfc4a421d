//! Helpers shared by the integration tests (`tui`, `cli`, `poll_loopback`, the
//! reader's state tests).
#![allow(dead_code)]

pub mod reader;

use std::path::PathBuf;

use jiff::Timestamp;

/// The shared third-party fixtures, or `None` (with a note) when they are missing.
/// Under CI (`CI=true`) a missing directory is a failure, not a skip.
pub fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("fixture directory {} is missing (CI=true)", dir.display());
    }
    eprintln!(
        "note: fixture directory {} is missing; skipping this test",
        dir.display()
    );
    None
}

/// A timestamp from RFC 3339 text.
pub fn ts(text: &str) -> Timestamp {
    text.parse().expect("valid RFC 3339 timestamp")
}

/// One RSS `<item>`; the strings are inserted as given (escape them yourself).
pub struct RssItem<'a> {
    pub guid: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub pub_date: &'a str,
}

/// An RSS 2.0 document with `items` in the given order.
pub fn rss(items: &[RssItem<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Loopback live</title><link>http://127.0.0.1/</link>\
         <description>test feed</description>\n",
    );
    for item in items {
        out.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{}</guid><title>{}</title>\
             <link>http://127.0.0.1/live#{}</link><description>{}</description>\
             <pubDate>{}</pubDate></item>\n",
            item.guid, item.title, item.guid, item.description, item.pub_date
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// True for characters that must never reach a terminal: C0 (but `\n`), DEL, C1,
/// and bidi embeddings/overrides/isolates.
pub fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}
