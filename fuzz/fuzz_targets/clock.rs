//! The clock/day/zone grammar (`liveblog::parse::clock`) on arbitrary text: never
//! panics, and anchoring what it reads never places a time after "now".

#![no_main]

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;
use liveblog::parse::clock::{self, Anchoring, Order, Stamp};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let reference = Date::new(2024, 7, 18).unwrap();
    let mut stamps = Vec::new();
    for line in text.lines().take(200) {
        let _ = clock::find_clock(line);
        let _ = clock::match_minute(line);
        let _ = clock::find_date(line);
        let _ = clock::updated_stamp(line, reference);
        let day = clock::day_heading(line, reference);
        stamps.push(clock::leading_clock(line).map(|lead| Stamp {
            clock: lead.clock,
            date: day,
        }));
    }
    let now = Timestamp::from_second(1_721_290_000).unwrap();
    for order in [None, Some(Order::NewestFirst), Some(Order::OldestFirst)] {
        let (times, _) = clock::anchor(
            &stamps,
            &Anchoring {
                order,
                date: Some(reference),
                zone: &TimeZone::UTC,
                now: Some(now),
            },
        );
        let limit = now.as_second() + clock::FUTURE_SLACK_SECONDS;
        assert!(times.iter().flatten().all(|t| t.as_second() <= limit));
    }
});
