//! `parse(.., Format::Text)` on arbitrary bytes: never panics, output is clean. Run with
//! the default options (UTC, no anchor date) and with a zone that has DST changes and
//! an anchor date on a DST change, where clock times can be skipped or repeated.

#![no_main]

use jiff::civil::date;
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;
use liveblog::model::Format;
use liveblog::parse::{DEFAULT_OPTIONS, ParseOptions};

#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    common::run(bytes, Format::Text, &DEFAULT_OPTIONS);
    let london = ParseOptions {
        selectors: None,
        timezone: TimeZone::get("Europe/London")
            .unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(1))),
        date: Some(date(2024, 3, 31)),
    };
    common::run(bytes, Format::Text, &london);
});
