//! The demo's release schedule: a pure state machine driven by explicit "now"s,
//! so tests can run it without sleeping.
//!
//! On creation about two thirds of each blog's entries are released, back-dated a
//! few minutes apart and ending shortly before "now". Each [`Timeline::tick`] then
//! releases the next entry of the next blog in rotation, except every
//! [`EDIT_EVERY`]th tick, which edits an already released entry instead (its
//! `updated` becomes now and its body gains an "Update:" paragraph). Once every
//! blog has run out of entries the timeline is [done](Timeline::is_done).

use jiff::{SignedDuration, Timestamp};

use super::data::{Blog, EntrySpec};

/// Every this many ticks, an edit instead of a new entry.
pub const EDIT_EVERY: u64 = 5;

/// The "Update:" text used when an entry without its own is edited (or edited again).
const GENERIC_UPDATE: &str = "This post has been updated with the latest information.";

/// An entry that has been published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Released {
    /// Index into the blog's entries (also the entry's stable number).
    pub index: usize,
    pub published: Timestamp,
    pub updated: Timestamp,
    /// The HTML of each "Update:" paragraph added by edits, oldest first.
    pub updates: Vec<String>,
}

/// One blog and what of it has been published, in release order (oldest first).
#[derive(Debug, Clone)]
pub(crate) struct BlogState {
    pub blog: Blog,
    pub released: Vec<Released>,
}

impl BlogState {
    pub fn exhausted(&self) -> bool {
        self.released.len() >= self.blog.entries.len()
    }

    pub fn spec(&self, released: &Released) -> Option<&EntrySpec> {
        self.blog.entries.get(released.index)
    }
}

/// What one tick did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// Blog `blog` published its entry number `entry`.
    Released { blog: usize, entry: usize },
    /// Blog `blog` edited its entry number `entry`.
    Edited { blog: usize, entry: usize },
}

impl Change {
    pub fn blog(self) -> usize {
        match self {
            Change::Released { blog, .. } | Change::Edited { blog, .. } => blog,
        }
    }
}

/// The schedule of every blog.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    pub blogs: Vec<BlogState>,
    ticks: u64,
    next: usize,
}

/// How many entries are out at the start: about two thirds, at least one.
pub(crate) fn initial_count(total: usize) -> usize {
    if total == 0 {
        0
    } else {
        ((total * 2).div_ceil(3)).clamp(1, total)
    }
}

/// The gap in minutes before entry `i` of blog `b` in the back-dated history: 2–7.
fn gap_minutes(blog: usize, i: usize) -> i64 {
    let mixed = (i * 7 + blog * 3 + (i * i) % 5) % 6;
    2 + mixed as i64
}

impl Timeline {
    /// Releases the initial entries of every blog, back-dated to end near `now`.
    pub fn new(blogs: Vec<Blog>, now: Timestamp) -> Timeline {
        let blogs = blogs
            .into_iter()
            .enumerate()
            .map(|(b, blog)| {
                let count = initial_count(blog.entries.len());
                // The newest initial entry is 1–3 minutes old; older ones step back.
                let mut at = now - SignedDuration::from_mins(1 + (b as i64 % 3));
                let mut released: Vec<Released> = (0..count)
                    .rev()
                    .map(|index| {
                        let published = at;
                        at -= SignedDuration::from_mins(gap_minutes(b, index));
                        Released {
                            index,
                            published,
                            updated: published,
                            updates: Vec::new(),
                        }
                    })
                    .collect();
                released.reverse();
                BlogState { blog, released }
            })
            .collect();
        Timeline {
            blogs,
            ticks: 0,
            next: 0,
        }
    }

    /// Every blog has published all its entries: further ticks do nothing.
    pub fn is_done(&self) -> bool {
        self.blogs.iter().all(BlogState::exhausted)
    }

    /// Advances the schedule by one tick at time `now`; returns what changed.
    pub fn tick(&mut self, now: Timestamp) -> Option<Change> {
        if self.is_done() || self.blogs.is_empty() {
            return None;
        }
        self.ticks += 1;
        let n = self.blogs.len();
        if self.ticks.is_multiple_of(EDIT_EVERY) {
            let blog = (0..n)
                .map(|k| (self.next + k) % n)
                .find(|&b| !self.blogs[b].released.is_empty())?;
            self.next = (blog + 1) % n;
            let entry = self.edit(blog, now)?;
            return Some(Change::Edited { blog, entry });
        }
        let blog = (0..n)
            .map(|k| (self.next + k) % n)
            .find(|&b| !self.blogs[b].exhausted())?;
        self.next = (blog + 1) % n;
        let state = &mut self.blogs[blog];
        let index = state.released.len();
        state.released.push(Released {
            index,
            published: now,
            updated: now,
            updates: Vec::new(),
        });
        Some(Change::Released { blog, entry: index })
    }

    /// Edits a recent entry of `blog`: the newest not yet edited among the last
    /// few (skipping the very newest when possible), else the newest.
    fn edit(&mut self, blog: usize, now: Timestamp) -> Option<usize> {
        let state = &mut self.blogs[blog];
        let len = state.released.len();
        let position = (1..len.min(6))
            .map(|back| len - 1 - back)
            .find(|&p| state.released[p].updates.is_empty())
            .unwrap_or(len.checked_sub(1)?);
        let spec_update = state
            .blog
            .entries
            .get(state.released[position].index)
            .and_then(|spec| spec.update.clone());
        let released = &mut state.released[position];
        let text = match spec_update {
            Some(text) if released.updates.is_empty() => text,
            _ => GENERIC_UPDATE.to_string(),
        };
        released.updates.push(text);
        released.updated = now;
        Some(released.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::data::load;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_750_000_000 + seconds).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn starts_with_two_thirds_back_dated_and_ending_near_now() {
        let blogs = load().expect("assets load");
        let totals: Vec<usize> = blogs.iter().map(|b| b.entries.len()).collect();
        let now = at(0);
        let timeline = Timeline::new(blogs, now);
        for (state, total) in timeline.blogs.iter().zip(totals) {
            assert_eq!(state.released.len(), initial_count(total));
            assert!(state.released.len() * 3 >= total * 2);
            assert!(state.released.len() < total, "something left to release");
            // Entries 0..k in order, strictly ascending times, a few minutes apart.
            for (i, pair) in state.released.windows(2).enumerate() {
                assert_eq!(pair[0].index, i);
                let gap = pair[1].published.as_second() - pair[0].published.as_second();
                assert!((120..=420).contains(&gap), "gap {gap}");
            }
            let newest = state.released.last().expect("some released");
            let age = now.as_second() - newest.published.as_second();
            assert!((60..=180).contains(&age), "newest is {age}s old");
            assert!(state.released.iter().all(|r| r.updated == r.published));
        }
    }

    #[test]
    fn ticks_release_in_rotation_and_every_fifth_edits() {
        let blogs = load().expect("assets load");
        let n = blogs.len();
        let mut timeline = Timeline::new(blogs, at(0));
        let before: Vec<usize> = timeline.blogs.iter().map(|b| b.released.len()).collect();

        let changes: Vec<Change> = (1..=10)
            .map(|t| timeline.tick(at(t * 4)).expect("a change"))
            .collect();
        assert_eq!(
            changes[0],
            Change::Released {
                blog: 0,
                entry: before[0]
            }
        );
        assert_eq!(
            changes[1],
            Change::Released {
                blog: 1,
                entry: before[1]
            }
        );
        assert_eq!(
            changes[2],
            Change::Released {
                blog: 2,
                entry: before[2]
            }
        );
        assert_eq!(
            changes[3],
            Change::Released {
                blog: 3 % n,
                entry: before[3 % n]
            }
        );
        let Change::Edited { blog, entry } = changes[4] else {
            panic!("tick 5 edits: {:?}", changes[4]);
        };
        assert!(matches!(changes[9], Change::Edited { .. }));
        assert!(
            changes
                .iter()
                .enumerate()
                .all(|(i, c)| matches!(c, Change::Edited { .. }) == ((i + 1) % 5 == 0))
        );

        // The edited entry keeps its number and publication time, gains an update.
        let state = &timeline.blogs[blog];
        let edited = state
            .released
            .iter()
            .find(|r| r.index == entry)
            .expect("edited entry is released");
        assert_eq!(edited.updated, at(20));
        assert!(edited.published < edited.updated);
        assert_eq!(edited.updates.len(), 1);

        // A newly released entry is timestamped "now".
        let first_new = &timeline.blogs[0].released[before[0]];
        assert_eq!(first_new.published, at(4));
        assert_eq!(first_new.updated, at(4));
    }

    #[test]
    fn runs_out_and_stops() {
        let blogs = load().expect("assets load");
        let total: usize = blogs.iter().map(|b| b.entries.len()).sum();
        let mut timeline = Timeline::new(blogs, at(0));
        let mut ticks = 0;
        while timeline.tick(at(ticks * 4 + 4)).is_some() {
            ticks += 1;
            assert!(ticks < 1000, "the timeline ends");
        }
        assert!(timeline.is_done());
        for state in &timeline.blogs {
            assert_eq!(state.released.len(), state.blog.entries.len());
            let indices: Vec<usize> = state.released.iter().map(|r| r.index).collect();
            assert_eq!(indices, (0..state.blog.entries.len()).collect::<Vec<_>>());
        }
        assert!(timeline.tick(at(100_000)).is_none());
        // A third of the entries were released by ticks, plus the edits in between.
        let initial: usize = timeline
            .blogs
            .iter()
            .map(|s| initial_count(s.blog.entries.len()))
            .sum();
        assert!(ticks as usize > total - initial);
    }

    #[test]
    fn an_edit_prefers_an_entry_not_yet_edited() {
        let blogs = load().expect("assets load");
        let mut timeline = Timeline::new(blogs, at(0));
        let mut edited = Vec::new();
        for t in 1..=40 {
            if let Some(Change::Edited { blog, entry }) = timeline.tick(at(t * 4)) {
                edited.push((blog, entry));
            }
        }
        let mut unique = edited.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            edited.len(),
            "no entry edited twice: {edited:?}"
        );
    }
}
