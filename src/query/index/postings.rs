//! One field's dictionary: each token, in order, with the slots of the entries that
//! hold it, so that a prefix is a range of the dictionary.

use std::collections::BTreeMap;
use std::ops::Bound;

use roaring::{MultiOps, RoaringBitmap};

/// Tokens (ordered) and the slots holding each, as compressed bitmaps.
#[derive(Debug, Default, Clone)]
pub(super) struct Postings {
    by_token: BTreeMap<Box<str>, RoaringBitmap>,
}

impl Postings {
    /// Notes that the entry under `slot` holds `token`.
    pub(super) fn add(&mut self, token: &str, slot: u32) {
        match self.by_token.get_mut(token) {
            Some(slots) => {
                slots.insert(slot);
            }
            None => {
                let mut slots = RoaringBitmap::new();
                slots.insert(slot);
                self.by_token.insert(token.into(), slots);
            }
        }
    }

    /// Forgets that the entry under `slot` holds `token`; a token no entry holds any
    /// more leaves the dictionary.
    pub(super) fn remove(&mut self, token: &str, slot: u32) {
        if let Some(slots) = self.by_token.get_mut(token) {
            slots.remove(slot);
            if slots.is_empty() {
                self.by_token.remove(token);
            }
        }
    }

    /// The slots holding exactly `token` (none: empty).
    pub(super) fn whole(&self, token: &str) -> RoaringBitmap {
        self.by_token.get(token).cloned().unwrap_or_default()
    }

    /// The slots holding a token that starts with `prefix`.
    pub(super) fn starting_with(&self, prefix: &str) -> RoaringBitmap {
        self.by_token
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(token, _)| token.starts_with(prefix))
            .map(|(_, slots)| slots)
            .union()
    }

    /// How many different tokens the dictionary holds.
    pub(super) fn len(&self) -> usize {
        self.by_token.len()
    }

    /// Bytes held on the heap, approximately: the tree's nodes, the tokens and the
    /// bitmaps.
    pub(super) fn heap_bytes(&self) -> usize {
        // A B-tree leaf holds up to 11 pairs and is about two thirds full on average.
        let per_pair = (size_of::<Box<str>>() + size_of::<RoaringBitmap>()) * 3 / 2;
        self.by_token
            .iter()
            .map(|(token, slots)| per_pair + token.len() + bitmap_heap_bytes(slots))
            .sum()
    }
}

/// Bytes a bitmap holds on the heap, approximately: its containers (a 2-byte key and a
/// store, 32 bytes each) and what each store holds.
pub(super) fn bitmap_heap_bytes(slots: &RoaringBitmap) -> usize {
    let stats = slots.statistics();
    // `statistics` counts a bitset's capacity in bits and an array's at 4 bytes a value
    // (they are `u16`s): the bytes are 8 KiB a bitset and half the array figure.
    let stores = 8192 * u64::from(stats.n_bitset_containers)
        + stats.n_bytes_run_containers
        + stats.n_bytes_array_containers / 2;
    usize::try_from(stores).unwrap_or(usize::MAX) + 32 * stats.n_containers as usize
}
