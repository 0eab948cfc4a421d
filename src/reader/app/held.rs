//! Rows joining and leaving the app: a joining row's body goes into the body store and
//! its folded text into the word index (then it is dropped); a leaving row's body is
//! let go of and its words taken out of the index. Also what reads a held row's body
//! back.

use std::sync::Arc;

use super::bodies::Body;
use super::row::Row;
use super::state::App;
use crate::model::Entry;
use crate::query::Prepared;

impl App {
    /// Makes `row` held: gives it the next slot, indexes its folded text, stores its
    /// body and shares its source's name. A row already held is left as it is.
    pub(super) fn admit(&mut self, row: &mut Row) {
        let Some(arriving) = row.arriving.take() else {
            return;
        };
        row.source = self.intern(&row.source);
        // Made again here: a row made on the cache worker's thread has its strings in
        // that thread's allocator arena, among the bodies and folded texts it let go
        // of, which the arena could then never give back.
        row.compact_strings();
        row.slot = self.next_slot;
        self.next_slot = self.next_slot.wrapping_add(1);
        self.index.insert(row.slot, &arriving.prepared);
        row.body = self.bodies.push(&arriving.body);
    }

    /// Makes every row of `rows` held (see [`App::admit`]).
    pub(super) fn admit_all<'a>(&mut self, rows: impl IntoIterator<Item = &'a mut Row>) {
        for row in rows {
            self.admit(row);
        }
    }

    /// Lets go of a row no longer held: its words leave the index, its body the store
    /// (rewritten once half of it is dead).
    pub(super) fn release(&mut self, row: &Row) {
        if row.arriving.is_some() {
            return; // never held
        }
        let prepared = self.prepared_of(row);
        self.index.remove(row.slot, &prepared);
        self.bodies.free(row.body);
        self.ready.forget(row.slot);
    }

    /// Lets go of every row of `rows` (see [`App::release`]). (The store is rewritten
    /// at the end of the update, once every row held is back in `rows`.)
    pub(super) fn release_all<'a>(&mut self, rows: impl IntoIterator<Item = &'a Row>) {
        for row in rows {
            self.release(row);
        }
    }

    /// Rewrites the body store without its dead bytes once they are more than half.
    /// Every row held must be in `rows` (the others' bodies would be lost).
    pub(super) fn compact_bodies(&mut self) {
        if !self.bodies.wasteful() {
            return;
        }
        let refs: Vec<_> = self.rows.iter().map(|row| row.body).collect();
        let (store, moved) = self.bodies.compacted(&refs);
        for (row, at) in self.rows.iter_mut().zip(moved) {
            row.body = at;
        }
        self.bodies = store;
        // Its bodies are now elsewhere in the store.
        self.folded_bodies.clear();
    }

    /// The shared copy of a source's name (one per source, however many rows).
    fn intern(&mut self, name: &Arc<str>) -> Arc<str> {
        if let Some(held) = self.names.iter().find(|held| ***held == **name) {
            return Arc::clone(held);
        }
        self.names.push(Arc::clone(name));
        Arc::clone(name)
    }

    /// The body of `row` (held or arriving).
    pub fn body(&self, row: &Row) -> Body {
        match &row.arriving {
            Some(arriving) => arriving.body.clone(),
            None => self.bodies.get(row.body),
        }
    }

    /// Runs `read` on `row`'s body text, borrowed: from the body store, or from the row
    /// while it is on its way (what [`App::body`] gives, without the copy).
    pub(super) fn with_body_text<T>(&self, row: &Row, read: impl FnOnce(&str) -> T) -> T {
        match &row.arriving {
            Some(arriving) => read(&arriving.body.text),
            None => self.bodies.with_text(row.body, read),
        }
    }

    /// The entry `row` holds, body included (less the HTML).
    pub fn entry_of(&self, row: &Row) -> Entry {
        row.entry(self.body(row))
    }

    /// The folded text of `row`, as the index was given it.
    pub fn prepared_of(&self, row: &Row) -> Prepared {
        match &row.arriving {
            Some(arriving) => arriving.prepared.clone(),
            None => Prepared::new(&self.entry_of(row)),
        }
    }

    /// Bytes the held rows take: the rows themselves, their strings, the bodies, the
    /// word index and the filters kept ready (not the list's indexes or the
    /// groups).
    pub fn held_bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<Row>()
            + self.rows.iter().map(Row::heap_bytes).sum::<usize>()
            + self.bodies.heap_bytes()
            + self.index.heap_bytes()
            + self.ready.heap_bytes()
    }
}
