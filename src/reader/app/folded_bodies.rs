//! The folded bodies of the rows a filter pass kept by their text, so that typing on
//! (a phrase growing letter by letter: `"peace d` → `"peace deal"`) tests them again
//! without decompressing their blocks and folding them again.
//!
//! Bodies are kept compressed in blocks of about 58 ([`super::bodies`]), so a pass
//! that confirms even a few percent of the rows on their text decompresses nearly every
//! block. A pass that narrows tests only what the last one kept: those bodies, folded,
//! are here. What a pass found is merged in once its step is over (the threads of a
//! step only read this), and a query that does not narrow starts it afresh.
//!
//! Bounded: at most [`FoldedBodies::budget`] bytes (an eighth of the held bodies'
//! size, at least 8 MB: all a phrase's matches at 50,000 entries of the bench's text;
//! at most 64 MB); past it, rows are read from the store as before.

use std::collections::HashMap;

use super::bodies::BodyRef;

/// The least room kept for folded bodies, whatever the store holds.
const LEAST_BUDGET: usize = 8 << 20;

/// The most: a million held entries stay under 1 GB while a phrase is typed.
const MOST_BUDGET: usize = 64 << 20;

/// Folded bodies by where the body is in the store (see the module's doc).
#[derive(Debug, Default)]
pub struct FoldedBodies {
    /// The folded bodies back to back.
    text: String,
    /// Where each body's folded text is in `text`.
    at: HashMap<BodyRef, (u32, u32)>,
}

/// What the threads of one pass step found: folded bodies of kept rows not held yet.
#[derive(Debug, Default)]
pub struct FoundBodies {
    text: String,
    at: Vec<(BodyRef, u32, u32)>,
}

impl FoundBodies {
    /// Keeps the folded `text` of the body at `body`.
    pub fn push(&mut self, body: BodyRef, text: &str) {
        // Past 4 GB nothing is kept (the budget stops far short of it).
        if let (Ok(start), Ok(len)) = (u32::try_from(self.text.len()), u32::try_from(text.len())) {
            self.text.push_str(text);
            self.at.push((body, start, len));
        }
    }

    /// Bytes found so far.
    pub fn len(&self) -> usize {
        self.text.len()
    }
}

impl FoldedBodies {
    /// The most bytes kept when the held bodies take `store_bytes` uncompressed.
    pub fn budget(store_bytes: usize) -> usize {
        (store_bytes / 8).clamp(LEAST_BUDGET, MOST_BUDGET)
    }

    /// The folded text of the body at `body`, if held.
    pub fn get(&self, body: BodyRef) -> Option<&str> {
        let &(start, len) = self.at.get(&body)?;
        self.text.get(start as usize..start as usize + len as usize)
    }

    /// Bytes held.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Holds what a step found, as far as `budget` bytes allow.
    pub fn merge(&mut self, found: FoundBodies, budget: usize) {
        for (body, start, len) in found.at {
            let Some(text) = found.text.get(start as usize..(start + len) as usize) else {
                continue;
            };
            if self.text.len() + text.len() > budget {
                break;
            }
            let Ok(at) = u32::try_from(self.text.len()) else {
                break;
            };
            self.text.push_str(text);
            self.at.insert(body, (at, len));
        }
    }

    /// Lets go of everything (the memory too).
    pub fn clear(&mut self) {
        *self = FoldedBodies::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::app::{Body, BodyStore};

    fn refs(count: usize) -> Vec<BodyRef> {
        let mut store = BodyStore::new();
        (0..count)
            .map(|n| {
                store.push(&Body {
                    text: format!("body {n}"),
                    ..Body::default()
                })
            })
            .collect()
    }

    #[test]
    fn holds_what_steps_found_until_the_budget() {
        let refs = refs(3);
        let mut held = FoldedBodies::default();
        let mut found = FoundBodies::default();
        found.push(refs[0], "peace deal");
        found.push(refs[1], "a peace dealer");
        held.merge(found, 100);
        assert_eq!(held.get(refs[0]), Some("peace deal"));
        assert_eq!(held.get(refs[1]), Some("a peace dealer"));
        assert_eq!(held.get(refs[2]), None);
        let mut found = FoundBodies::default();
        found.push(refs[2], &"x".repeat(90));
        held.merge(found, 100);
        assert_eq!(held.get(refs[2]), None, "past the budget");
        held.clear();
        assert_eq!(held.len(), 0);
        assert_eq!(held.get(refs[0]), None);
    }
}
