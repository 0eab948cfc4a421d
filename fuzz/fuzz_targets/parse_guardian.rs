//! `parse(.., Format::Guardian)` on arbitrary bytes: never panics, output is clean.

#![no_main]

use libfuzzer_sys::fuzz_target;
use liveblog::model::Format;
use liveblog::parse::DEFAULT_OPTIONS;

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    common::run(bytes, Format::Guardian, &DEFAULT_OPTIONS);
});
