//! A held entry comes back from its compact row exactly as it went in (issue 17): a
//! title of only spaces stays spaces (its headline is the body's first words), and an
//! empty author or URL stays `Some("")`, not `None`.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use liveblog::model::{Entry, EntryId, Flags, Item, SourceId};
use liveblog::reader::app::App;
use liveblog::store::SourceState;

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("time")
}

fn entry(id: &str, title: &str, author: Option<&str>, url: Option<&str>) -> Entry {
    Entry::new(
        SourceId("Guardian".to_string()),
        Item {
            id: EntryId(id.to_string()),
            published: Some(now()),
            updated: None,
            title: title.to_string(),
            author: author.map(str::to_string),
            url: url.map(str::to_string),
            text: "Troops crossed the border before dawn, officials said.".to_string(),
            html: None,
            flags: Flags::default(),
        },
        now(),
    )
}

#[test]
fn held_entries_round_trip_titles_authors_and_urls_exactly() {
    let entries = vec![
        entry("spaces", "   ", Some(""), Some("")),
        entry("tab", " \t ", None, Some("https://example.org/tab")),
        entry("empty", "", Some("Jane Dalton"), None),
        entry("titled", "  Storm  ", Some(""), None),
        entry("plain", "Storm", None, Some("")),
    ];
    let sources = vec![(SourceId("Guardian".to_string()), SourceState::default())];
    let app = App::new(sources, entries.clone(), TimeZone::UTC, now());
    for want in &entries {
        let key = (want.source.clone(), want.item.id.clone());
        assert_eq!(app.find(&key).as_ref(), Some(want), "{}", want.item.id);
    }
    // What the views show is unchanged: the body's first words stand in for a blank
    // title, and an empty author or link is not shown.
    let key = (
        SourceId("Guardian".to_string()),
        EntryId("spaces".to_string()),
    );
    let row = app.find_row(&key).expect("row");
    assert_eq!(
        row.display_title(),
        "Troops crossed the border before dawn, officials said."
    );
    assert_eq!((row.author(), row.url()), (None, None));
}
