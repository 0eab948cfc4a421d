//! The reader's state and `update(&mut App, Action)`: no terminal, no sockets.
//!
//! Input becomes [`Action`]s (see `reader::input`), data arrives as [`Action::Ingested`], and
//! [`update`] returns the [`Effect`]s the edge must carry out (poll now, mark read,
//! copy a link). Drawing (`ui`) only reads an `&App`.

mod alerts;
mod bodies;
mod detail;
mod filter;
mod folded_bodies;
mod group_table;
mod group_view;
mod groups;
mod held;
mod layout;
mod merge;
mod navigate;
mod open_phrase;
mod open_phrase_pass;
mod ready;
mod ready_pass;
mod refresh;
mod row;
mod row_test;
mod scan;
mod sources;
mod state;
pub mod text;
mod update;
mod window;
mod wrapped;

pub use alerts::{ALERTS_PER_POLL, summary};
pub use bodies::{BLOCK, Body, BodyRef, BodyStore};
pub use detail::{DetailCache, DetailLine, DetailPage, DetailRole, WrappedEntry, detail_text};
pub use group_table::{Group, GroupTag, Groups};
pub use layout::{Areas, layout};
pub use scan::Scan;
pub use state::*;
pub use update::update;

#[cfg(test)]
mod testing;
