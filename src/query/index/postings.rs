//! One field's dictionary: each token, in order, with the slots of the entries that
//! hold it, so that a prefix is a range of the dictionary.

use std::collections::BTreeMap;
use std::ops::Bound;

use compact_str::CompactString;
use roaring::{MultiOps, RoaringBitmap};

/// Tokens (ordered) and the slots holding each. A token of up to 24 bytes (nearly all of
/// them) is held inside its key, without an allocation of its own.
#[derive(Debug, Default, Clone)]
pub(super) struct Postings {
    by_token: BTreeMap<CompactString, Slots>,
}

/// Slots a token may list in a plain sorted array before it takes a bitmap: a roaring
/// bitmap costs about 100 bytes however few it holds, an array 4 a slot.
const FEW: usize = 16;

/// The slots holding a token. Most tokens of real text are held by one entry (names,
/// numbers, typos), and most others by a few: those keep their slots without a
/// bitmap's allocations (issue 17: on the fixtures the bitmaps of tokens held by two
/// or three entries were most of the index).
#[derive(Debug, Clone)]
enum Slots {
    One(u32),
    /// 2 to [`FEW`] slots, ascending.
    Few(Box<[u32]>),
    Many(Box<RoaringBitmap>),
}

impl Slots {
    /// `slots` with `slot` added (unchanged if it held it).
    fn with(self, slot: u32) -> Slots {
        match self {
            Slots::One(one) if one == slot => Slots::One(one),
            Slots::One(one) => Slots::Few(if one < slot {
                Box::new([one, slot])
            } else {
                Box::new([slot, one])
            }),
            Slots::Few(few) => match few.binary_search(&slot) {
                Ok(_) => Slots::Few(few),
                Err(at) if few.len() < FEW => {
                    let mut grown = Vec::with_capacity(few.len() + 1);
                    grown.extend_from_slice(few.get(..at).unwrap_or(&[]));
                    grown.push(slot);
                    grown.extend_from_slice(few.get(at..).unwrap_or(&[]));
                    Slots::Few(grown.into_boxed_slice())
                }
                Err(_) => {
                    let mut many: RoaringBitmap = few.iter().copied().collect();
                    many.insert(slot);
                    Slots::Many(Box::new(many))
                }
            },
            Slots::Many(mut many) => {
                many.insert(slot);
                Slots::Many(many)
            }
        }
    }

    /// `slots` without `slot`; `None` when none is left.
    fn without(self, slot: u32) -> Option<Slots> {
        match self {
            Slots::One(one) if one == slot => None,
            Slots::One(one) => Some(Slots::One(one)),
            Slots::Few(few) => {
                let kept: Vec<u32> = few.iter().copied().filter(|&s| s != slot).collect();
                Some(match kept.as_slice() {
                    [] => return None,
                    [one] => Slots::One(*one),
                    _ if kept.len() == few.len() => Slots::Few(few),
                    _ => Slots::Few(kept.into_boxed_slice()),
                })
            }
            Slots::Many(mut many) => {
                many.remove(slot);
                Some(if many.len() as usize > FEW {
                    Slots::Many(many)
                } else {
                    // Back to an array (at FEW, not above: a token going back and
                    // forth at the border costs no bitmap each time).
                    let kept: Vec<u32> = many.iter().collect();
                    match kept.as_slice() {
                        [] => return None,
                        [one] => Slots::One(*one),
                        _ => Slots::Few(kept.into_boxed_slice()),
                    }
                })
            }
        }
    }
}

impl Postings {
    /// Notes that the entry under `slot` holds `token` (again: no change).
    pub(super) fn add(&mut self, token: &str, slot: u32) {
        match self.by_token.get_mut(token) {
            Some(slots) => {
                let taken = std::mem::replace(slots, Slots::One(slot));
                *slots = taken.with(slot);
            }
            None => {
                self.by_token
                    .insert(CompactString::new(token), Slots::One(slot));
            }
        }
    }

    /// Forgets that the entry under `slot` holds `token` (if it did); a token no entry
    /// holds any more leaves the dictionary.
    pub(super) fn remove(&mut self, token: &str, slot: u32) {
        let Some(slots) = self.by_token.get_mut(token) else {
            return;
        };
        let taken = std::mem::replace(slots, Slots::One(slot));
        match taken.without(slot) {
            Some(left) => *slots = left,
            None => {
                self.by_token.remove(token);
            }
        }
    }

    /// The slots holding exactly `token` (none: empty).
    pub(super) fn whole(&self, token: &str) -> RoaringBitmap {
        match self.by_token.get(token) {
            None => RoaringBitmap::new(),
            Some(Slots::One(one)) => RoaringBitmap::from_iter([*one]),
            Some(Slots::Few(few)) => few.iter().copied().collect(),
            Some(Slots::Many(many)) => (**many).clone(),
        }
    }

    /// The slots holding a token that starts with `prefix`.
    pub(super) fn starting_with(&self, prefix: &str) -> RoaringBitmap {
        let mut loose = Vec::new();
        let mut union = self
            .by_token
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(token, _)| token.starts_with(prefix))
            .filter_map(|(_, slots)| match slots {
                Slots::One(one) => {
                    loose.push(*one);
                    None
                }
                Slots::Few(few) => {
                    loose.extend_from_slice(few);
                    None
                }
                Slots::Many(many) => Some(&**many),
            })
            .union();
        union.extend(loose);
        union
    }

    /// How many different tokens the dictionary holds.
    pub(super) fn len(&self) -> usize {
        self.by_token.len()
    }

    /// Bytes held on the heap, approximately: the tree's nodes, the tokens longer than
    /// a key holds and the slots' arrays and bitmaps.
    pub(super) fn heap_bytes(&self) -> usize {
        // A B-tree leaf holds up to 11 pairs and is about two thirds full on average.
        let per_pair = (size_of::<CompactString>() + size_of::<Slots>()) * 3 / 2;
        self.by_token
            .iter()
            .map(|(token, slots)| {
                per_pair
                    + if token.is_heap_allocated() {
                        allocation(token.len())
                    } else {
                        0
                    }
                    + match slots {
                        Slots::One(_) => 0,
                        Slots::Few(few) => allocation(4 * few.len()),
                        Slots::Many(many) => {
                            allocation(size_of::<RoaringBitmap>()) + bitmap_heap_bytes(many)
                        }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Through one slot, a few and many, and back down, in a mixed order: `whole` and
    /// `starting_with` list exactly the slots added and not removed.
    #[test]
    fn slots_stay_exact_through_one_few_and_many() {
        let mut postings = Postings::default();
        let mut want = BTreeSet::new();
        let order: Vec<u32> = (0..40u32).map(|n| (n * 17) % 40).collect();
        let check = |postings: &Postings, want: &BTreeSet<u32>| {
            let got: Vec<u32> = postings.whole("storm").iter().collect();
            assert_eq!(got, want.iter().copied().collect::<Vec<_>>());
            let got: Vec<u32> = postings.starting_with("sto").iter().collect();
            assert_eq!(got, want.iter().copied().collect::<Vec<_>>());
        };
        for &slot in &order {
            postings.add("storm", slot);
            postings.add("storm", slot);
            want.insert(slot);
            check(&postings, &want);
        }
        for &slot in order.iter().rev().step_by(3).chain(order.iter()) {
            postings.remove("storm", slot);
            want.remove(&slot);
            check(&postings, &want);
        }
        assert_eq!(postings.len(), 0, "an emptied token leaves the dictionary");
        postings.remove("storm", 3);
        assert_eq!(postings.len(), 0);
    }
}
