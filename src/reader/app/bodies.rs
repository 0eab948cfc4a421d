//! The bodies of the held entries (text, the text before an edit, the body's links),
//! kept compressed in blocks instead of one `String` each: a row holds where its body
//! is ([`BodyRef`]), and opening an entry reads it back.
//!
//! Bodies are appended to an open block; once it passes [`BLOCK`] bytes it is
//! compressed (zstd, level [`LEVEL`]) and a new one opens. Blocks of tens of KB compress
//! well (zstd at level 1: 3.3x on `bench/feeds.py` text, 2.5x on the fixtures' entries;
//! LZ4 gave 2.2x and 1.8x: see the README's "Memory of the reader"), and the
//! last block read stays decompressed, so scrolling, the next entry and the previous
//! one do not decompress again. A body let go of (an edit, an entry leaving the window)
//! leaves dead bytes behind; the app rewrites the store when they pass half of it (see
//! [`BodyStore::wasteful`]).
//!
//! The store is plain data owned by the app: reading it takes `&self` (the cache of
//! the last block is behind a mutex, so filter threads may read it too).
//!
//! Each thread keeps one zstd context to compress and one to decompress with: making
//! a context for each block took a tenth of a phrase's filter pass.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, PoisonError};

/// Bytes of encoded bodies gathered before a block is compressed.
pub const BLOCK: usize = 64 * 1024;

/// zstd's level: its fastest but one, about as small as the default (3) on news text.
pub const LEVEL: i32 = 1;

/// Decompressed blocks kept (at least one per filter thread).
const CACHED_BLOCKS: usize = 4;

/// How a sealed block is stored (its first byte, after the length).
const RAW: u8 = 0;
const ZSTD: u8 = 1;

/// What a row's body holds: everything of an entry the list does not draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// The body as plain text.
    pub text: String,
    /// The text before the source's last change to it, when it changed.
    pub previous_text: Option<String>,
    /// The body's links, `(text, URL)`.
    pub links: Vec<(String, String)>,
}

/// Where a body is in a [`BodyStore`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct BodyRef {
    /// The block it is in.
    block: u32,
    /// Where it starts in the block, uncompressed.
    offset: u32,
    /// Its encoded length.
    len: u32,
}

/// Bodies in compressed blocks (see the module's doc).
#[derive(Debug, Default)]
pub struct BodyStore {
    /// The full blocks: the uncompressed length (4 bytes), how they are stored
    /// ([`ZSTD`], or [`RAW`] should compressing ever fail), the bytes.
    sealed: Vec<Box<[u8]>>,
    /// The block being filled (its number is `sealed.len()`), uncompressed.
    open: Vec<u8>,
    /// Encoded bytes of the bodies still referred to.
    live: usize,
    /// Encoded bytes of bodies let go of.
    dead: usize,
    /// The last sealed blocks read, decompressed, most recent first (a few: the filter
    /// pass reads on every core, each through its own part of the list).
    last: Mutex<Vec<(u32, Arc<Vec<u8>>)>>,
}

thread_local! {
    /// This thread's compression context (made on first use).
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    /// This thread's decompression context (made on first use).
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// `block` compressed with this thread's context (`None` if zstd fails).
fn compress(block: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with_borrow_mut(|kept| {
        if kept.is_none() {
            *kept = zstd::bulk::Compressor::new(LEVEL).ok();
        }
        kept.as_mut()?.compress(block).ok()
    })
}

/// `compressed` decompressed with this thread's context, if it holds `len` bytes.
fn decompress(compressed: &[u8], len: usize) -> Option<Vec<u8>> {
    DECOMPRESSOR.with_borrow_mut(|kept| {
        if kept.is_none() {
            *kept = zstd::bulk::Decompressor::new().ok();
        }
        kept.as_mut()?.decompress(compressed, len).ok()
    })
}

impl BodyStore {
    /// An empty store.
    pub fn new() -> BodyStore {
        BodyStore::default()
    }

    /// Stores `body`; the reference reads it back.
    pub fn push(&mut self, body: &Body) -> BodyRef {
        let mut encoded = Vec::with_capacity(encoded_len(body));
        encode(body, &mut encoded);
        self.push_encoded(&encoded)
    }

    fn push_encoded(&mut self, encoded: &[u8]) -> BodyRef {
        if !self.open.is_empty() && self.open.len() + encoded.len() > BLOCK {
            self.seal();
        }
        let at = BodyRef {
            block: u32::try_from(self.sealed.len()).unwrap_or(u32::MAX),
            offset: u32::try_from(self.open.len()).unwrap_or(u32::MAX),
            len: u32::try_from(encoded.len()).unwrap_or(u32::MAX),
        };
        self.open.extend_from_slice(encoded);
        self.live += encoded.len();
        if self.open.len() >= BLOCK {
            self.seal();
        }
        at
    }

    /// Compresses the open block and opens a new one.
    fn seal(&mut self) {
        let mut sealed = Vec::with_capacity(self.open.len() / 2);
        sealed.extend_from_slice(
            &u32::try_from(self.open.len())
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        match compress(&self.open) {
            Some(compressed) => {
                sealed.push(ZSTD);
                sealed.extend_from_slice(&compressed);
            }
            None => {
                sealed.push(RAW);
                sealed.extend_from_slice(&self.open);
            }
        }
        self.sealed.push(sealed.into_boxed_slice());
        self.open = Vec::with_capacity(BLOCK);
    }

    /// The body at `at` (an empty one if `at` is not from this store).
    pub fn get(&self, at: BodyRef) -> Body {
        self.with_encoded(at, |bytes| decode(bytes).unwrap_or_default())
    }

    /// Runs `read` on the text of the body at `at` (its first part: the rest, its
    /// links and earlier text, is not decoded), borrowed from the decompressed block.
    /// Empty if `at` is not from this store.
    pub fn with_text<T>(&self, at: BodyRef, read: impl FnOnce(&str) -> T) -> T {
        self.with_encoded(at, |bytes| read(text_of(bytes).unwrap_or_default()))
    }

    /// Runs `read` on the encoded body at `at` (empty if there is none).
    fn with_encoded<T>(&self, at: BodyRef, read: impl FnOnce(&[u8]) -> T) -> T {
        let range = at.offset as usize..at.offset as usize + at.len as usize;
        if at.block as usize == self.sealed.len() {
            return read(self.open.get(range).unwrap_or_default());
        }
        match self.block(at.block) {
            Some(block) => read(block.get(range).unwrap_or_default()),
            None => read(&[]),
        }
    }

    /// Sealed block `number`, decompressed (from the cache when it was the last read).
    fn block(&self, number: u32) -> Option<Arc<Vec<u8>>> {
        {
            let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(at) = last.iter().position(|(cached, _)| *cached == number) {
                let hit = last.remove(at);
                let block = Arc::clone(&hit.1);
                last.insert(0, hit);
                return Some(block);
            }
        }
        let sealed = self.sealed.get(number as usize)?;
        let (len, rest) = sealed.split_first_chunk::<4>()?;
        let block = Arc::new(match rest.split_first()? {
            (&ZSTD, compressed) => decompress(compressed, u32::from_le_bytes(*len) as usize)?,
            (_, raw) => raw.to_vec(),
        });
        #[cfg(test)]
        work::decompressed();
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        last.truncate(CACHED_BLOCKS - 1);
        last.insert(0, (number, Arc::clone(&block)));
        Some(block)
    }

    /// Lets go of the body at `at` (its bytes are dead until the store is rewritten).
    pub fn free(&mut self, at: BodyRef) {
        let len = at.len as usize;
        self.live = self.live.saturating_sub(len);
        self.dead += len;
    }

    /// Whether dead bytes are more than half of the store (and worth a rewrite).
    pub fn wasteful(&self) -> bool {
        self.dead > self.live && self.dead > BLOCK
    }

    /// A store holding only the bodies at `refs`, and where each now is (in the same
    /// order). Each block is decompressed once, whatever the order of `refs`.
    pub fn compacted(&self, refs: &[BodyRef]) -> (BodyStore, Vec<BodyRef>) {
        let mut order: Vec<usize> = (0..refs.len()).collect();
        order.sort_by_key(|&position| (refs[position].block, refs[position].offset));
        let mut fresh = BodyStore::new();
        let mut moved = vec![BodyRef::default(); refs.len()];
        for position in order {
            let at = self.with_encoded(refs[position], |bytes| fresh.push_encoded(bytes));
            moved[position] = at;
        }
        (fresh, moved)
    }

    /// Bytes held on the heap (blocks and the open block's capacity).
    pub fn heap_bytes(&self) -> usize {
        self.sealed.iter().map(|block| block.len()).sum::<usize>()
            + self.sealed.capacity() * std::mem::size_of::<Box<[u8]>>()
            + self.open.capacity()
    }

    /// Encoded bytes of the bodies held, uncompressed.
    pub fn live_bytes(&self) -> usize {
        self.live
    }

    /// Encoded bytes of bodies let go of and not yet rewritten away.
    pub fn dead_bytes(&self) -> usize {
        self.dead
    }
}

fn encoded_len(body: &Body) -> usize {
    let strings = body.text.len()
        + body.previous_text.as_ref().map_or(0, String::len)
        + body
            .links
            .iter()
            .map(|(text, url)| text.len() + url.len())
            .sum::<usize>();
    strings + 4 * (3 + 2 * body.links.len())
}

/// The length of a string or a count, as stored.
fn put_len(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    // A string past 4 GB is cut (no held body comes near: `max_body` bounds them).
    let text = text
        .get(..text.len().min(u32::MAX as usize - 1))
        .unwrap_or("");
    put_len(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

/// No previous text (a length no string has).
const NONE: u32 = u32::MAX;

/// Text, previous text (or [`NONE`]), the number of links, each link's text and URL.
fn encode(body: &Body, out: &mut Vec<u8>) {
    put_str(out, &body.text);
    match &body.previous_text {
        Some(previous) => put_str(out, previous),
        None => out.extend_from_slice(&NONE.to_le_bytes()),
    }
    put_len(out, body.links.len());
    for (text, url) in &body.links {
        put_str(out, text);
        put_str(out, url);
    }
}

/// The text of an encoded body ([`encode`] puts it first).
fn text_of(bytes: &[u8]) -> Option<&str> {
    let (len, rest) = bytes.split_first_chunk::<4>()?;
    std::str::from_utf8(rest.get(..u32::from_le_bytes(*len) as usize)?).ok()
}

/// Reads what [`encode`] wrote (`None` if the bytes are not such a body).
fn decode(bytes: &[u8]) -> Option<Body> {
    fn take_len(rest: &mut &[u8]) -> Option<u32> {
        let (head, tail) = rest.split_first_chunk::<4>()?;
        *rest = tail;
        Some(u32::from_le_bytes(*head))
    }
    fn take_str(rest: &mut &[u8], len: u32) -> Option<String> {
        let (text, tail) = rest.split_at_checked(len as usize)?;
        *rest = tail;
        String::from_utf8(text.to_vec()).ok()
    }
    let mut rest = bytes;
    let text_len = take_len(&mut rest)?;
    let text = take_str(&mut rest, text_len)?;
    let previous_text = match take_len(&mut rest)? {
        NONE => None,
        len => Some(take_str(&mut rest, len)?),
    };
    let count = take_len(&mut rest)? as usize;
    // Each link takes at least 8 bytes: a count past that is not ours.
    let mut links = Vec::with_capacity(count.min(rest.len() / 8));
    for _ in 0..count {
        let len = take_len(&mut rest)?;
        let text = take_str(&mut rest, len)?;
        let len = take_len(&mut rest)?;
        let url = take_str(&mut rest, len)?;
        links.push((text, url));
    }
    Some(Body {
        text,
        previous_text,
        links,
    })
}

#[cfg(test)]
pub(super) mod work {
    //! How often blocks were decompressed, for tests that count work.

    use std::cell::Cell;

    thread_local! {
        static DECOMPRESSED: Cell<usize> = const { Cell::new(0) };
    }

    pub(super) fn decompressed() {
        DECOMPRESSED.with(|count| count.set(count.get() + 1));
    }

    /// Blocks decompressed in this thread so far.
    pub(in super::super) fn blocks_decompressed() -> usize {
        DECOMPRESSED.with(Cell::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(number: usize) -> Body {
        Body {
            text: format!("Paragraph {number} of the body. ").repeat(1 + number % 40),
            previous_text: number
                .is_multiple_of(3)
                .then(|| format!("Before the edit {number}.")),
            links: (0..number % 4)
                .map(|link| {
                    (
                        format!("link {link}"),
                        format!("https://e.org/{number}/{link}"),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn bodies_round_trip_through_open_and_sealed_blocks() {
        let mut store = BodyStore::new();
        let refs: Vec<BodyRef> = (0..3_000).map(|n| store.push(&body(n))).collect();
        assert!(
            store.sealed.len() > 3,
            "{} blocks sealed",
            store.sealed.len()
        );
        for (n, &at) in refs.iter().enumerate() {
            assert_eq!(store.get(at), body(n), "body {n}");
            assert_eq!(
                store.with_text(at, str::to_string),
                body(n).text,
                "text {n}"
            );
        }
        assert!(store.heap_bytes() < store.live_bytes(), "compressed");
    }

    #[test]
    fn a_body_larger_than_a_block_round_trips() {
        let mut store = BodyStore::new();
        let small = store.push(&body(1));
        let huge = Body {
            text: "x".repeat(5 * BLOCK),
            ..Body::default()
        };
        let at = store.push(&huge);
        let after = store.push(&body(2));
        assert_eq!(store.get(small), body(1));
        assert_eq!(store.get(at), huge);
        assert_eq!(store.get(after), body(2));
    }

    #[test]
    fn reading_the_same_block_again_does_not_decompress_it_again() {
        let mut store = BodyStore::new();
        let refs: Vec<BodyRef> = (0..2_000).map(|n| store.push(&body(n))).collect();
        let before = work::blocks_decompressed();
        // Neighbours: an entry, the next, the previous, scrolling through one.
        for _ in 0..10 {
            for &at in &refs[10..14] {
                store.get(at);
            }
        }
        assert_eq!(work::blocks_decompressed() - before, 1);
    }

    #[test]
    fn two_readers_in_different_blocks_do_not_evict_each_other() {
        let mut store = BodyStore::new();
        let refs: Vec<BodyRef> = (0..3_000).map(|n| store.push(&body(n))).collect();
        let (first, far) = (refs[0], refs[1_500]);
        assert_ne!(first.block, far.block);
        let before = work::blocks_decompressed();
        // Two filter threads, each through its own part of the list, turn about.
        for _ in 0..10 {
            store.get(first);
            store.get(far);
        }
        assert_eq!(work::blocks_decompressed() - before, 2);
    }

    #[test]
    fn compaction_keeps_the_live_bodies_and_drops_the_dead() {
        let mut store = BodyStore::new();
        let refs: Vec<BodyRef> = (0..3_000).map(|n| store.push(&body(n))).collect();
        let size = store.heap_bytes();
        let mut kept = Vec::new();
        for (n, &at) in refs.iter().enumerate() {
            if n % 4 == 0 {
                kept.push((n, at));
            } else {
                store.free(at);
            }
        }
        assert!(store.wasteful());
        let (fresh, moved) = store.compacted(&kept.iter().map(|&(_, at)| at).collect::<Vec<_>>());
        for ((n, _), at) in kept.iter().zip(moved) {
            assert_eq!(fresh.get(at), body(*n), "body {n}");
        }
        assert_eq!(fresh.dead_bytes(), 0);
        assert!(!fresh.wasteful());
        assert!(
            fresh.heap_bytes() < size,
            "{} of {size}",
            fresh.heap_bytes()
        );
        assert_eq!(fresh.live_bytes(), store.live_bytes());
    }

    #[test]
    fn garbage_references_read_as_empty_bodies() {
        let mut store = BodyStore::new();
        store.push(&body(7));
        let wild = BodyRef {
            block: 9,
            offset: 3,
            len: 100,
        };
        assert_eq!(store.get(wild), Body::default());
        assert_eq!(store.with_text(wild, str::len), 0);
        assert_eq!(text_of(&[9, 0, 0, 0, b'a']), None);
        assert_eq!(decode(&[1, 2, 3]), None);
        assert_eq!(decode(&[255, 255, 255, 255]), None);
    }
}
