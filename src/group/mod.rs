//! One event, many sources: deciding that two reports from different sources tell the
//! same thing, and grouping a list of reports by event.
//!
//! Two reports are of one event when they are from different sources, published
//! within [`WINDOW`] of each other, and their headlines and first paragraphs share
//! enough of what identifies an event: its numbers (a different count is a different
//! event, so numbers that disagree keep reports apart) and its content words, stopwords
//! out and stems compared, so that paraphrase, word order, quotes and house styles do
//! not matter. Shared topic words alone ("Ukraine", "ceasefire") are not enough: a
//! match needs several shared words that make up most of the shorter report.
//!
//! Finding candidates among tens of thousands must be cheap, so every report carries a
//! [`Sketch`] (a MinHash of its token set and its first numbers, 74 bytes); only the
//! few candidates whose sketches agree are checked exactly, on the folded text the
//! caller already holds. Nothing here knows a publisher.

mod features;
mod sketch;

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

pub use features::{Token, stem, token_set};
pub use sketch::Sketch;

/// How far apart in time two reports of one event may be published.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(3);

/// Sketches less alike than this are not looked at more closely. Low on purpose:
/// the sketch only has to keep every likely match (recall); the exact check decides.
const SKETCH_FLOOR: f32 = 0.09;

/// A report as grouping sees it: borrowed from what the caller holds.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// Which source it is from (two reports of one source never group).
    pub source: &'a str,
    /// When it was published (its sort time).
    pub time: Timestamp,
    /// Its folded headline.
    pub title: &'a str,
    /// Its folded body.
    pub body: &'a str,
    /// Its sketch ([`Sketch::of`] the same title and body).
    pub sketch: &'a Sketch,
}

/// At most this many of the likeliest candidates are checked exactly for one report
/// (the exact test folds and stems both texts: the costly part). Among more candidates
/// than this, the sketch's estimate picks which: the exact test still decides.
const EXACT_CHECKS: usize = 8;

/// Whether the two are close enough in time and sketch to be checked exactly: the
/// cheap test run against every report in the window.
pub fn candidates(a: &Report<'_>, b: &Report<'_>) -> bool {
    estimate(a, b).is_some()
}

/// How alike the sketches say two reports are (the estimated Jaccard index, plus a
/// tenth per shared number, as [`same_tokens`] scores), when they are candidates.
fn estimate(a: &Report<'_>, b: &Report<'_>) -> Option<f32> {
    if a.source == b.source || a.time.duration_since(b.time).abs() > WINDOW {
        return None;
    }
    let similarity = a.sketch.similarity(b.sketch);
    if similarity < SKETCH_FLOOR || a.sketch.numbers_disagree(b.sketch) {
        return None;
    }
    Some(similarity + 0.1 * a.sketch.shared_numbers(b.sketch) as f32)
}

/// How alike two reports are, when they tell the same event (`None` when not): the
/// exact test, on their token sets. Higher is closer.
pub fn same_event(a: &Report<'_>, b: &Report<'_>) -> Option<f32> {
    if !candidates(a, b) {
        return None;
    }
    same_tokens(&token_set(a.title, a.body), &token_set(b.title, b.body))
}

/// The decision on two token sets (sorted, distinct).
pub fn same_tokens(a: &[Token], b: &[Token]) -> Option<f32> {
    let numbers = |set: &[Token]| set.iter().filter(|t| matches!(t, Token::Number(_))).count();
    let (numbers_a, numbers_b) = (numbers(a), numbers(b));
    let mut shared_words = 0usize;
    let mut shared_numbers = 0usize;
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                match a[i] {
                    Token::Word(_) => shared_words += 1,
                    Token::Number(_) => shared_numbers += 1,
                }
                i += 1;
                j += 1;
            }
        }
    }
    if numbers_a > 0 && numbers_b > 0 && shared_numbers == 0 {
        return None; // different counts: different events
    }
    let shared = shared_words + shared_numbers;
    let smaller = a.len().min(b.len()).max(1);
    let union = a.len() + b.len() - shared;
    let overlap = shared as f32 / smaller as f32;
    let jaccard = shared as f32 / union.max(1) as f32;
    let enough = if shared_numbers > 0 {
        // A shared count is strong evidence; a few words must agree on what it counts.
        shared_words >= 2 && overlap >= 0.3
    } else {
        shared_words >= 4 && overlap >= 0.45 && jaccard >= 0.25
    };
    enough.then_some(jaccard + 0.1 * shared_numbers as f32)
}

/// Groups `reports` (in any order) by event: for each report, the index of the first
/// report (the earliest published) of its group, or `None` when it is alone. A group
/// holds at most one report of each source.
///
/// Reports are taken oldest first; each joins the group of the most alike earlier
/// report within [`WINDOW`] that has no report of its source yet.
pub fn group_reports(reports: &[Report<'_>]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&index| reports[index].time);
    let mut lead_of: Vec<Option<usize>> = vec![None; reports.len()];
    let mut sources_of: HashMap<usize, Vec<&str>> = HashMap::new();
    for (position, &index) in order.iter().enumerate() {
        let report = &reports[index];
        let earlier = order[..position]
            .iter()
            .rev()
            .take_while(|&&other| report.time.duration_since(reports[other].time) <= WINDOW)
            .copied();
        let best = best_match(
            report,
            earlier.map(|other| (other, reports[other])),
            |other| {
                let lead = lead_of[other].unwrap_or(other);
                sources_of
                    .get(&lead)
                    .is_none_or(|sources| !sources.contains(&report.source))
            },
        );
        if let Some(other) = best {
            let lead = lead_of[other].unwrap_or(other);
            lead_of[other] = Some(lead);
            lead_of[index] = Some(lead);
            let sources = sources_of
                .entry(lead)
                .or_insert_with(|| vec![reports[lead].source]);
            sources.push(report.source);
        }
    }
    lead_of
}

/// The most alike of `candidates` (`(key, report)`) that tells the same event as
/// `report` and that `allowed` lets it join; its key. Every candidate's sketch is
/// compared; the [`EXACT_CHECKS`] likeliest are checked exactly.
pub fn best_match<'a, K: Copy>(
    report: &Report<'_>,
    candidates: impl Iterator<Item = (K, Report<'a>)>,
    allowed: impl Fn(K) -> bool,
) -> Option<K> {
    let likeliest = likeliest(report, candidates, allowed);
    best_of(report, likeliest.into_iter())
}

/// The [`EXACT_CHECKS`] candidates (`(key, report)`) whose sketches are most like
/// `report`'s, among those `allowed` lets it join, most alike first: what
/// [`best_of`] then checks exactly. Reads only the sketches, times and sources, so a
/// holder that keeps texts elsewhere reads back only these.
pub fn likeliest<'a, K: Copy>(
    report: &Report<'_>,
    candidates: impl Iterator<Item = (K, Report<'a>)>,
    allowed: impl Fn(K) -> bool,
) -> Vec<(K, Report<'a>)> {
    // The likeliest so far, most alike first.
    let mut likeliest: Vec<(f32, K, Report<'a>)> = Vec::with_capacity(EXACT_CHECKS + 1);
    for (key, other) in candidates {
        let Some(estimate) = estimate(report, &other) else {
            continue;
        };
        let full = likeliest.len() == EXACT_CHECKS;
        if full
            && likeliest
                .last()
                .is_some_and(|(least, _, _)| estimate <= *least)
        {
            continue;
        }
        if !allowed(key) {
            continue;
        }
        let at = likeliest.partition_point(|(more, _, _)| *more >= estimate);
        likeliest.insert(at, (estimate, key, other));
        likeliest.truncate(EXACT_CHECKS);
    }
    likeliest
        .into_iter()
        .map(|(_, key, other)| (key, other))
        .collect()
}

/// Of `checked` (as [`likeliest`] gives them, now with their texts), the one that
/// tells the same event as `report` and is most alike by the exact test; its key.
pub fn best_of<'a, K: Copy>(
    report: &Report<'_>,
    checked: impl Iterator<Item = (K, Report<'a>)>,
) -> Option<K> {
    let mut checked = checked.peekable();
    checked.peek()?;
    let mine = token_set(report.title, report.body);
    let mut best: Option<(K, f32)> = None;
    for (key, other) in checked {
        let Some(score) = same_tokens(&mine, &token_set(other.title, other.body)) else {
            continue;
        };
        if best.is_none_or(|(_, best)| score > best) {
            best = Some((key, score));
        }
    }
    best.map(|(key, _)| key)
}

/// The numbers `text` (folded) gives, hashed, in the order written (clock times and
/// years are not numbers: see [`Token::Number`]).
pub fn numbers_of(text: &str) -> Vec<u64> {
    features::tokens([text])
        .into_iter()
        .filter_map(|token| match token {
            Token::Number(hash) => Some(hash),
            Token::Word(_) => None,
        })
        .collect()
}

/// The id `--json` prints for a group: from its first report's source and entry id,
/// so every report of the group prints the same one, run after run.
pub fn group_id(source: &str, entry_id: &str) -> String {
    let mut key = String::with_capacity(source.len() + entry_id.len() + 1);
    key.push_str(source);
    key.push('\n');
    key.push_str(entry_id);
    format!("{:016x}", features::token_hash(&key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::fold;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minutes * 60).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    struct Owned {
        source: String,
        time: Timestamp,
        title: String,
        body: String,
        sketch: Sketch,
    }

    fn owned(source: &str, minutes: i64, title: &str, body: &str) -> Owned {
        let (title, body) = (fold(title), fold(body));
        Owned {
            source: source.to_string(),
            time: at(minutes),
            sketch: Sketch::of(&title, &body),
            title,
            body,
        }
    }

    fn report(owned: &Owned) -> Report<'_> {
        Report {
            source: &owned.source,
            time: owned.time,
            title: &owned.title,
            body: &owned.body,
            sketch: &owned.sketch,
        }
    }

    #[test]
    fn paraphrases_from_two_sources_are_one_event() {
        let a = owned(
            "wire",
            0,
            "Russia launches 174 drones overnight, Ukraine says 90 shot down",
            "Ukraine's air force said on Tuesday that Russia had launched 174 drones.",
        );
        let b = owned(
            "paper",
            40,
            "Ukrainian air defences down 90 of 174 Russian drones",
            "The air force said 174 drones were launched overnight and 90 were shot down.",
        );
        assert!(same_event(&report(&a), &report(&b)).is_some());
    }

    #[test]
    fn one_source_never_groups_with_itself() {
        let a = owned("wire", 0, "Russia launches 174 drones", "90 shot down");
        let b = owned("wire", 5, "Russia launches 174 drones", "90 shot down");
        assert!(same_event(&report(&a), &report(&b)).is_none());
        let c = owned("paper", 10, "Russia launches 174 drones", "90 shot down");
        let reports = [report(&a), report(&b), report(&c)];
        let groups = group_reports(&reports);
        // `c` joins one of them; the two of `wire` never share a group.
        assert!(groups[0].is_none() || groups[1].is_none() || groups[0] != groups[1]);
        assert!(groups[2].is_some());
    }

    #[test]
    fn far_apart_in_time_is_not_one_event() {
        let a = owned("wire", 0, "Russia launches 174 drones", "90 shot down");
        let b = owned(
            "paper",
            60 * 5,
            "Russia launches 174 drones",
            "90 shot down",
        );
        assert!(same_event(&report(&a), &report(&b)).is_none());
    }

    #[test]
    fn topic_words_alone_do_not_make_an_event() {
        let a = owned(
            "wire",
            0,
            "Ukraine ceasefire talks resume in Geneva",
            "Delegations met behind closed doors.",
        );
        let b = owned(
            "paper",
            30,
            "Ukraine ceasefire: what we know so far",
            "A look at the state of the war and the prospects for a truce.",
        );
        assert!(same_event(&report(&a), &report(&b)).is_none());
    }

    #[test]
    fn different_counts_are_different_events() {
        let a = owned(
            "wire",
            0,
            "Strike on Kharkiv kills 12",
            "Officials said 12 people died.",
        );
        let b = owned(
            "paper",
            20,
            "Strike on Kharkiv kills 3",
            "Officials said 3 people died.",
        );
        assert!(same_event(&report(&a), &report(&b)).is_none());
    }

    #[test]
    fn the_group_id_is_stable_and_depends_on_the_first_report() {
        assert_eq!(group_id("wire", "a1"), group_id("wire", "a1"));
        assert_ne!(group_id("wire", "a1"), group_id("wire", "a2"));
        assert_eq!(group_id("wire", "a1").len(), 16);
    }
}
