//! The reader loads its window in one pass down the cache (`Store::each_entry_among`,
//! issue 17): the same entries, in the same order, as the chunked `entries_among`, and it
//! stops when asked to.

use std::ops::ControlFlow;

use jiff::Timestamp;
use liveblog::model::{Entry, EntryId, Item, SourceId};
use liveblog::store::Store;

fn ts(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + seconds).expect("time")
}

fn item(id: String, published: Option<i64>) -> Item {
    Item {
        id: EntryId(id.clone()),
        published: published.map(ts),
        updated: None,
        title: format!("Update {id}"),
        author: None,
        url: None,
        text: format!("Body of {id}."),
        html: None,
        flags: Default::default(),
    }
}

fn keys(entries: &[Entry]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|e| (e.source.0.clone(), e.item.id.0.clone()))
        .collect()
}

#[test]
fn one_pass_gives_the_chunks_entries_in_their_order() {
    let mut store = Store::open_in_memory().expect("store");
    let sources: Vec<SourceId> = ["a", "b", "c"].map(|s| SourceId(s.to_string())).into();
    for (n, source) in sources.iter().enumerate() {
        // Dated and undated items, with ties in time across the sources.
        let page: Vec<Item> = (0..40)
            .map(|i| {
                item(
                    format!("{source}-{i}"),
                    (i % 3 != 0).then_some(i as i64 / 2),
                )
            })
            .collect();
        store
            .apply(source, &page, ts(100 + n as i64))
            .expect("apply");
    }
    let shown = &sources[..2];
    for (skip, limit) in [
        (0, None),
        (0, Some(7)),
        (5, Some(30)),
        (70, None),
        (90, Some(5)),
    ] {
        let chunked = store
            .entries_among(Some(shown), skip, limit)
            .expect("chunk");
        let mut streamed = Vec::new();
        store
            .each_entry_among(Some(shown), skip, limit, |entry| {
                streamed.push(entry);
                ControlFlow::Continue(())
            })
            .expect("stream");
        assert_eq!(chunked, streamed, "skip {skip}, limit {limit:?}");
    }
    let all = store.entries_among(None, 0, None).expect("all");
    assert_eq!(all.len(), 120);
    let mut first = Vec::new();
    store
        .each_entry_among(None, 0, None, |entry| {
            first.push(entry);
            if first.len() == 10 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .expect("stream");
    assert_eq!(keys(&first), keys(&all[..10]));
}
