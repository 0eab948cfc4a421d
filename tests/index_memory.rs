//! What the word index holds per entry of real text (issue 17), counted by a global
//! allocator that tracks the bytes live (this test crate only: the library forbids
//! `unsafe`). The shared fixtures' entries are indexed, once and repeated under new slots
//! (a long history of the same kind of text).
//!
//! Most tokens of real text are held by one or a few entries: a token of up to 24 bytes
//! lives in its dictionary key, and up to 16 slots in a plain array (a roaring bitmap
//! costs about 100 bytes however few slots it holds).

use std::sync::atomic::Ordering;

use liveblog::query::{Prepared, WordIndex};

#[path = "common/counting.rs"]
mod counting;

/// The benches' data helpers: the fixtures' entries, parsed as the index bench reads them.
#[path = "../benches/common/mod.rs"]
mod bench_data;

use bench_data::{fixture_entries, fixtures_dir};
use counting::LIVE;

/// Bytes live after `prepared` is indexed `copies` times (under new slots each time),
/// over what was live before, per entry indexed.
fn index_bytes_per_entry(prepared: &[Prepared], copies: usize) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    let mut index = WordIndex::new();
    let mut slot = 0u32;
    for _ in 0..copies {
        for entry in prepared {
            index.insert(slot, entry);
            slot += 1;
        }
    }
    let held = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    drop(index);
    held / slot.max(1) as usize
}

#[test]
fn the_word_index_of_real_text_keeps_no_allocation_per_rare_token() {
    let entries = fixture_entries();
    if entries.len() < 500 {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no fixtures under {} (CI=true)",
            fixtures_dir().display()
        );
        eprintln!(
            "note: no fixtures under {}; skipped",
            fixtures_dir().display()
        );
        return;
    }
    let prepared: Vec<Prepared> = entries.iter().map(Prepared::new).collect();
    let text: usize = prepared.iter().map(|p| p.joined().len()).sum::<usize>() / prepared.len();
    let once = index_bytes_per_entry(&prepared, 1);
    let ten = index_bytes_per_entry(&prepared, 10);
    println!(
        "{} fixture entries, {text} B of folded text an entry: index {once} B an entry, \
         {ten} B an entry repeated ten times",
        entries.len()
    );
    // 2,683 and 659 B with a `Box<str>` per token and a bitmap per token held twice or
    // more; 1,754 and 531 B with tokens in their keys and a few slots in an array.
    assert!(once <= 2_000, "{once} B an entry");
    assert!(ten <= 600, "{ten} B an entry, ten times over");
}
