//! Synthetic live-blog entries of realistic size, shared by the benches.
//!
//! Deterministic (a fixed-seed xorshift), so every run measures the same data. Sizes
//! follow the fixtures: a 40–110 character headline, an author on most entries, and a
//! body of 2–6 paragraphs (≈ 400–1,600 bytes), from one of 25 sources.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use liveblog::model::{Entry, EntryId, Item, SourceId};
use liveblog::parse::{self, DEFAULT_OPTIONS, Input};

/// News words; the filter benches type prefixes of `ceasefire` and of `kyiv`.
const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "on",
    "for",
    "with",
    "after",
    "minister",
    "said",
    "government",
    "police",
    "officials",
    "report",
    "city",
    "people",
    "election",
    "vote",
    "talks",
    "ceasefire",
    "centre",
    "central",
    "cease",
    "council",
    "court",
    "crisis",
    "market",
    "prices",
    "energy",
    "storm",
    "flood",
    "fire",
    "troops",
    "border",
    "aid",
    "kyiv",
    "kyoto",
    "gaza",
    "london",
    "washington",
    "brussels",
    "paris",
    "berlin",
    "delhi",
    "president",
    "prime",
    "leader",
    "opposition",
    "party",
    "budget",
    "tax",
    "health",
    "hospital",
    "school",
    "strike",
    "union",
    "workers",
    "rescue",
    "missing",
    "killed",
    "injured",
    "drone",
    "missile",
    "attack",
    "defence",
    "summit",
    "deal",
    "peace",
    "war",
    "statement",
    "spokesperson",
    "confirmed",
    "denied",
    "update",
    "latest",
    "live",
    "today",
    "yesterday",
    "morning",
    "evening",
    "night",
    "weekend",
    "announced",
    "expected",
    "could",
    "would",
    "has",
    "have",
    "been",
    "was",
    "were",
    "will",
    "not",
    "but",
    "also",
    "more",
    "than",
    "over",
    "under",
    "new",
    "first",
    "last",
    "year",
    "week",
    "day",
    "hours",
    "thousands",
    "millions",
    "billion",
    "percent",
    "rate",
    "bank",
    "inflation",
    "growth",
    "celebration",
    "cabinet",
    "campaign",
    "candidate",
    "capital",
    "coalition",
    "committee",
];

const AUTHORS: &[&str] = &[
    "Martin Belam",
    "Léonie Chao-Fong",
    "Tom Ambrose",
    "Helen Sullivan",
    "Jakub Krupa",
    "Rachel Hall",
    "Adam Fulton",
    "Sam Jones",
    "Maya Yang",
    "Ben Quinn",
];

/// Sources the entries come from.
pub const SOURCES: usize = 25;

/// The name of source `index`.
pub fn source_name(index: usize) -> String {
    const NAMES: &[&str] = &[
        "BBC World",
        "Guardian World",
        "Al Jazeera",
        "NPR News",
        "DW",
        "Reuters",
        "AP",
        "France 24",
        "Kyiv Independent",
        "Times of India",
    ];
    format!("{} {}", NAMES[index % NAMES.len()], index / NAMES.len() + 1)
}

/// A small deterministic PRNG (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn words(&mut self, out: &mut String, count: usize) {
        for i in 0..count {
            if i > 0 {
                out.push(' ');
            }
            let word = WORDS[self.below(WORDS.len())];
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push_str(word);
            }
        }
    }
}

/// The item number `n` (ids `n`, newest = highest `n`), published a minute apart.
pub fn item(rng: &mut Rng, n: usize) -> Item {
    let mut title = String::with_capacity(96);
    while title.len() < 40 + rng.below(70) {
        if !title.is_empty() {
            title.push(' ');
        }
        rng.words(&mut title, 3);
    }
    let mut text = String::with_capacity(1600);
    for p in 0..2 + rng.below(5) {
        if p > 0 {
            text.push_str("\n\n");
        }
        let sentences = 2 + rng.below(3);
        for s in 0..sentences {
            if s > 0 {
                text.push(' ');
            }
            let len = 8 + rng.below(14);
            rng.words(&mut text, len);
            text.push('.');
        }
    }
    let published = Timestamp::from_second(1_760_000_000 + 60 * n as i64).ok();
    Item {
        id: EntryId(format!(
            "https://example.org/live/{n}#block-{:016x}",
            rng.next()
        )),
        published,
        updated: None,
        title,
        author: (rng.below(5) != 0).then(|| AUTHORS[rng.below(AUTHORS.len())].to_string()),
        url: Some(format!("https://example.org/live/{n}")),
        text,
        html: None,
        flags: Default::default(),
    }
}

/// `count` cached entries from [`SOURCES`] sources, newest first.
pub fn entries(count: usize, seed: u64) -> Vec<Entry> {
    let mut rng = Rng::new(seed);
    let sources: Vec<SourceId> = (0..SOURCES).map(|i| SourceId(source_name(i))).collect();
    let mut out: Vec<Entry> = (0..count)
        .map(|n| {
            let item = item(&mut rng, n);
            let first_seen = item.published.unwrap_or(Timestamp::UNIX_EPOCH);
            Entry {
                source: sources[rng.below(SOURCES)].clone(),
                item,
                first_seen,
                edited: false,
                previous_text: None,
                removed: false,
                read: rng.below(3) == 0,
            }
        })
        .collect();
    out.reverse();
    out
}

/// p50, p99 and max of some durations, in milliseconds.
pub fn percentiles(samples: &mut [Duration]) -> (f64, f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[index].as_secs_f64() * 1e3
    };
    (at(0.50), at(0.99), at(1.0))
}

/// Runs `f` `runs` times (after one warm-up) and returns each run's time.
pub fn time_runs(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f();
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect()
}

/// This thread's time on a CPU so far (`/proc/thread-self/schedstat`, ns precision):
/// unlike wall time, not inflated when other processes share the cores.
pub fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// Like [`time_runs`], returning (wall, on-CPU) time of each run.
pub fn time_runs_cpu(runs: usize, mut f: impl FnMut()) -> (Vec<Duration>, Vec<Duration>) {
    f();
    (0..runs)
        .map(|_| {
            let cpu = thread_cpu();
            let started = Instant::now();
            f();
            let wall = started.elapsed();
            (wall, thread_cpu().saturating_sub(cpu))
        })
        .unzip()
}

/// The 1-minute load average, to print beside timings taken on a shared machine.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().next().unwrap_or("?").to_string())
        .unwrap_or_default()
}

/// The sizes `LIVEBLOG_BENCH_SIZES` asks for (`50000,1000000`), else `default`.
pub fn sizes(default: Vec<usize>) -> Vec<usize> {
    std::env::var("LIVEBLOG_BENCH_SIZES")
        .ok()
        .map(|sizes| {
            sizes
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or(default)
}

/// True when `cargo bench -- --quick`-style short runs were asked for (`LIVEBLOG_BENCH_QUICK=1`).
pub fn quick() -> bool {
    std::env::var_os("LIVEBLOG_BENCH_QUICK").is_some()
}

/// The shared fixtures: `$LIVEBLOG_FIXTURES`, or `../shared/fixtures` beside the repo.
pub fn fixtures_dir() -> PathBuf {
    std::env::var_os("LIVEBLOG_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"))
}

/// Every file under `dir` but the `.md` notes, into `out`.
pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e != "md") {
            out.push(path);
        }
    }
}

/// What is typed one key at a time: each prefix of `typed` that does not end in a space.
pub fn keystrokes(typed: &str) -> Vec<String> {
    typed
        .char_indices()
        .map(|(i, c)| typed[..i + c.len_utf8()].to_string())
        .filter(|prefix| !prefix.ends_with(' '))
        .collect()
}

/// Every entry the shared fixtures hold, parsed as `auto` does.
pub fn fixture_entries() -> Vec<Entry> {
    let mut paths = Vec::new();
    files(&fixtures_dir(), &mut paths);
    paths.sort();
    let now = Timestamp::from_second(1_760_000_000).expect("valid");
    let mut out = Vec::new();
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let input = Input {
            bytes: &bytes,
            content_type: None,
            base_url: Some("https://example.org/live"),
            now,
            options: &DEFAULT_OPTIONS,
        };
        let Ok(doc) = parse::parse(&input, parse::detect(&input)) else {
            continue;
        };
        let source = SourceId(
            path.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        );
        out.extend(doc.items.into_iter().map(|item| Entry {
            source: source.clone(),
            first_seen: item.published.unwrap_or(now),
            item,
            edited: false,
            previous_text: None,
            removed: false,
            read: false,
        }));
    }
    out
}
