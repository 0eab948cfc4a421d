//! liveblog: a terminal reader for live blogs and news feeds.
//!
//! One-way flow: `config` → `sources` (poll: fetch + `parse`) → `store` → `reader`
//! (`app` → `ui`). `main.rs` only calls [`cli::main`]. `ARCHITECTURE.md` is the map: each
//! folder is a layer, and a layer imports only the layers below it.
#![forbid(unsafe_code)]

// The bottom: plain data and the rules every layer shares.
pub mod keymap;
pub mod model;
pub mod output;
pub mod sanitize;

// Pure readers of text: documents into entries, queries into matchers.
pub mod parse;
pub mod query;

pub mod config;
// Reports of one event from several sources, grouped (from the folded text).
pub mod group;

// Fetching and polling the sources, then the cache they feed.
pub mod sources;
pub mod store;

// The programs: the reader (TUI), the demo's blogs, the command line.
pub mod cli;
pub mod demo;
pub mod reader;
