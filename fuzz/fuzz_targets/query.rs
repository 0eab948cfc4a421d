//! `Query::parse` on arbitrary text, then `matches` against an entry built from the
//! rest of the input: never panics (hostile nesting, `since:` overflow, odd Unicode).
//!
//! Input layout: the query, then optionally `\0` and the entry's fields separated by
//! `\0`: title, author, text, source, url.

#![no_main]

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use liveblog::model::{Entry, EntryId, Item, SourceId};
use liveblog::query::Query;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let mut parts = text.split('\0');
    let query_text = parts.next().unwrap_or("");
    let Ok(query) = Query::parse(query_text) else {
        return;
    };
    let _ = query.highlight_terms();
    let mut field = || parts.next().unwrap_or("").to_string();
    let (title, author, body, source, url) = (field(), field(), field(), field(), field());
    let now = Timestamp::from_second(1_700_000_000).unwrap();
    let entry = Entry {
        source: SourceId(source),
        item: Item {
            id: EntryId("fuzz".to_string()),
            published: Some(Timestamp::from_second(1_699_990_000).unwrap()),
            updated: None,
            title,
            author: Some(author),
            url: Some(url),
            text: body,
            html: None,
            flags: Default::default(),
        },
        first_seen: now,
        edited: false,
        previous_text: None,
        removed: false,
        read: false,
    };
    let _ = query.matches(&entry, now);
    // At the ends of time too: `since:` arithmetic must not overflow.
    let _ = query.matches(&entry, Timestamp::MIN);
    let _ = query.matches(&entry, Timestamp::MAX);
    let undated = Entry {
        item: Item {
            published: None,
            ..entry.item.clone()
        },
        first_seen: Timestamp::MIN,
        ..entry
    };
    let _ = query.matches(&undated, now);
});
