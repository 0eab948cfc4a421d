//! Grouping one new report against a window of 50,000 held reports, all within the
//! time window (the worst case: in use, most are hours older and skipped by time), and
//! the sketch one report costs. `cargo bench --bench group`.

use std::hint::black_box;

use criterion::Criterion;
use jiff::{SignedDuration, Timestamp};
use liveblog::group::{Report, Sketch, best_match};
use liveblog::query::fold;

const WINDOW: usize = 50_000;

fn benches() {
    let start: Timestamp = "2026-11-21T12:00:00Z"
        .parse()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let places = [
        "kharkiv", "odesa", "kyiv", "lviv", "dnipro", "sumy", "poltava", "kherson",
    ];
    let held: Vec<(String, String, String, Timestamp)> = (0..WINDOW)
        .map(|n| {
            let place = places[n % places.len()];
            let title = fold(&format!("Drone attack on {place} injures {} people", n % 97));
            let body = fold(&format!(
                "Ukraine's air force said Russia launched {} drones at {place}; the mayor of {place} said report {n} was verified.",
                n % 300
            ));
            let time = start + SignedDuration::from_secs((n % 7_200) as i64);
            (format!("source{}", n % 40), title, body, time)
        })
        .collect();
    let sketches: Vec<Sketch> = held.iter().map(|(_, t, b, _)| Sketch::of(t, b)).collect();
    let title = fold("Russia launches 174 drones overnight, Ukraine says 90 shot down");
    let body = fold("The air force said 174 drones were launched and 90 shot down.");
    let sketch = Sketch::of(&title, &body);
    let new = Report {
        source: "new",
        time: start,
        title: &title,
        body: &body,
        sketch: &sketch,
    };
    let mut criterion = Criterion::default().configure_from_args();
    criterion.bench_function("group one report against 50,000", |b| {
        b.iter(|| {
            let candidates = held.iter().zip(&sketches).enumerate().map(
                |(i, ((source, t, body, time), sketch))| {
                    (
                        i,
                        Report {
                            source,
                            time: *time,
                            title: t,
                            body,
                            sketch,
                        },
                    )
                },
            );
            black_box(best_match(&new, candidates, |_| true))
        })
    });
}

/// The sketch every entry gets when it joins the reader (made on the cache worker's
/// thread for polled and backfilled entries, on the UI thread for the first screen).
fn sketch_bench() {
    let title = fold("Russia launches 174 drones overnight, Ukraine says 90 shot down");
    let body = fold(
        "Ukraine's air force said on Tuesday that Russia had launched 174 drones and 3 \
         missiles overnight, 90 of which were shot down over 11 regions.\nDebris fell on \
         homes in Kharkiv and Odesa, officials said; 3 people were hurt.",
    );
    let mut criterion = Criterion::default().configure_from_args();
    criterion.bench_function("sketch of one report", |b| {
        b.iter(|| black_box(Sketch::of(black_box(&title), black_box(&body))))
    });
}

fn main() {
    benches();
    sketch_bench();
    Criterion::default().configure_from_args().final_summary();
}
