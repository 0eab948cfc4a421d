//! `parse(.., Format::Html)` without selectors (the DOM live-blog reader alone) and
//! `Format::Auto` on arbitrary bytes: never panics, output is clean.

#![no_main]

use libfuzzer_sys::fuzz_target;
use liveblog::model::Format;
use liveblog::parse::ParseOptions;

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    let options = ParseOptions::default();
    common::run(bytes, Format::Html, &options);
    common::run(bytes, Format::Auto, &options);
});
