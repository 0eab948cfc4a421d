//! What the word index holds per entry of real text (issue 17), counted by a global
//! allocator that tracks the bytes live (this test crate only: the library forbids
//! `unsafe`). The shared fixtures' entries are indexed, once and repeated under new slots
//! (a long history of the same kind of text).
//!
//! Most tokens of real text are held by one or a few entries: a token of up to 24 bytes
//! lives in its dictionary key, and up to 16 slots in a plain array (a roaring bitmap
//! costs about 100 bytes however few slots it holds).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;
use liveblog::model::{Entry, SourceId};
use liveblog::parse::{self, DEFAULT_OPTIONS, Input};
use liveblog::query::{Prepared, WordIndex};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to `System` unchanged; the counter only observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on as it is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract is passed on as it is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e != "md") {
            out.push(path);
        }
    }
}

/// Every entry the shared fixtures hold, parsed as `auto` does.
fn fixture_entries() -> Vec<Entry> {
    let mut paths = Vec::new();
    files(&fixtures_dir(), &mut paths);
    paths.sort();
    let now = Timestamp::from_second(1_760_000_000).expect("time");
    let mut out = Vec::new();
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let input = Input {
            bytes: &bytes,
            content_type: None,
            base_url: Some("https://example.org/live"),
            now,
            options: &DEFAULT_OPTIONS,
        };
        let Ok(doc) = parse::parse(&input, parse::detect(&input)) else {
            continue;
        };
        let source = SourceId(path.display().to_string());
        out.extend(doc.items.into_iter().map(|item| Entry {
            source: source.clone(),
            first_seen: item.published.unwrap_or(now),
            item,
            edited: false,
            previous_text: None,
            removed: false,
            read: false,
        }));
    }
    out
}

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
