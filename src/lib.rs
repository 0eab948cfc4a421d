//! liveblog: a terminal reader for live blogs and news feeds.
//!
//! One-way flow: `config` → `poller` (`fetch` + `parse`) → `store` → `app` → `ui`.
//! `main.rs` only calls [`cli::main`].
#![forbid(unsafe_code)]

pub mod admin;
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod fetch;
pub mod httpd;
pub mod ingest;
pub mod keys;
pub mod logging;
pub mod model;
pub mod opml;
pub mod output;
pub mod parse;
pub mod poller;
pub mod query;
pub mod reader;
pub mod sanitize;
pub mod schedule;
pub mod screen;
pub mod store;
pub mod tui;
pub mod ui;
