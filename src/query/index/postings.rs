//! One field's dictionary: each token, in order, with the slots of the entries that
//! hold it, so that a prefix is a range of the dictionary.

use std::collections::BTreeMap;
use std::ops::Bound;

use roaring::{MultiOps, RoaringBitmap};

/// Tokens (ordered) and the slots holding each.
#[derive(Debug, Default, Clone)]
pub(super) struct Postings {
    by_token: BTreeMap<Box<str>, Slots>,
}

/// The slots holding a token. Most tokens of real text are held by one entry (names,
/// numbers, typos): those keep the slot alone, without a bitmap's allocations.
#[derive(Debug, Clone)]
enum Slots {
    One(u32),
    Many(RoaringBitmap),
}

impl Postings {
    /// Notes that the entry under `slot` holds `token` (again: no change).
    pub(super) fn add(&mut self, token: &str, slot: u32) {
        match self.by_token.get_mut(token) {
            Some(Slots::Many(slots)) => {
                slots.insert(slot);
            }
            Some(slots @ Slots::One(_)) => {
                if let Slots::One(one) = *slots
                    && one != slot
                {
                    let mut many = RoaringBitmap::new();
                    many.insert(one);
                    many.insert(slot);
                    *slots = Slots::Many(many);
                }
            }
            None => {
                self.by_token.insert(token.into(), Slots::One(slot));
            }
        }
    }

    /// Forgets that the entry under `slot` holds `token` (if it did); a token no entry
    /// holds any more leaves the dictionary.
    pub(super) fn remove(&mut self, token: &str, slot: u32) {
        let emptied = match self.by_token.get_mut(token) {
            None => false,
            Some(Slots::One(one)) => *one == slot,
            Some(slots @ Slots::Many(_)) => {
                if let Slots::Many(many) = slots {
                    many.remove(slot);
                    if many.len() == 1
                        && let Some(last) = many.min()
                    {
                        *slots = Slots::One(last);
                    }
                }
                matches!(slots, Slots::Many(many) if many.is_empty())
            }
        };
        if emptied {
            self.by_token.remove(token);
        }
    }

    /// The slots holding exactly `token` (none: empty).
    pub(super) fn whole(&self, token: &str) -> RoaringBitmap {
        match self.by_token.get(token) {
            None => RoaringBitmap::new(),
            Some(Slots::One(one)) => RoaringBitmap::from_iter([*one]),
            Some(Slots::Many(many)) => many.clone(),
        }
    }

    /// The slots holding a token that starts with `prefix`.
    pub(super) fn starting_with(&self, prefix: &str) -> RoaringBitmap {
        let mut ones = Vec::new();
        let mut union = self
            .by_token
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(token, _)| token.starts_with(prefix))
            .filter_map(|(_, slots)| match slots {
                Slots::One(one) => {
                    ones.push(*one);
                    None
                }
                Slots::Many(many) => Some(many),
            })
            .union();
        union.extend(ones);
        union
    }

    /// How many different tokens the dictionary holds.
    pub(super) fn len(&self) -> usize {
        self.by_token.len()
    }

    /// Bytes held on the heap, approximately: the tree's nodes, the tokens and the
    /// bitmaps.
    pub(super) fn heap_bytes(&self) -> usize {
        // A B-tree leaf holds up to 11 pairs and is about two thirds full on average.
        let per_pair = (size_of::<Box<str>>() + size_of::<Slots>()) * 3 / 2;
        self.by_token
            .iter()
            .map(|(token, slots)| {
                per_pair
                    + allocation(token.len())
                    + match slots {
                        Slots::One(_) => 0,
                        Slots::Many(many) => bitmap_heap_bytes(many),
                    }
            })
            .sum()
    }
}

/// What an allocation of `bytes` costs the allocator: glibc's 16-byte granules with an
/// 8-byte header, at least 32 bytes.
fn allocation(bytes: usize) -> usize {
    (bytes + 8).next_multiple_of(16).max(32)
}

/// Bytes a bitmap holds on the heap, approximately: its containers (a 2-byte key and a
/// store, 32 bytes each, at least 4 of them allocated) and what each store holds.
pub(super) fn bitmap_heap_bytes(slots: &RoaringBitmap) -> usize {
    let stats = slots.statistics();
    // `statistics` counts a bitset's capacity in bits and an array's at 4 bytes a value
    // (they are `u16`s): the bytes are 8 KiB a bitset and half the array figure.
    let stores = 8192 * u64::from(stats.n_bitset_containers)
        + stats.n_bytes_run_containers
        + stats.n_bytes_array_containers / 2;
    let containers = allocation(32 * (stats.n_containers as usize).max(4));
    // Each store is an allocation of its own.
    usize::try_from(stores).unwrap_or(usize::MAX) + containers + 16 * stats.n_containers as usize
}
