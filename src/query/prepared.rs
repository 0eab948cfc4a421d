//! An entry folded once, so that a query tests it without allocating.

use std::ops::Range;

use jiff::Timestamp;

use super::fold::fold_into;
use crate::model::Entry;

/// An entry folded once for fast, allocation-free matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// Folded title, author, source name and text, in that order, joined by `\n`
    /// (which no query word contains, so a word never matches across two fields). A
    /// `String`, not a `Box<str>`: a filter pass folds row after row into one.
    pub(super) folded: String,
    /// Where the title, author and source name end in `folded`.
    pub(super) ends: [usize; 3],
    pub(super) time: Timestamp,
}

impl Prepared {
    /// Folds `entry`'s title, author, text and source name and notes its sort time.
    pub fn new(entry: &Entry) -> Prepared {
        let item = &entry.item;
        let author = item.author.as_deref().unwrap_or("");
        Prepared::of_fields(
            [&item.title, author, &entry.source.0, &item.text],
            entry.sort_time(),
        )
    }

    /// Folds an entry given as its title, author, source name and text (what
    /// [`Prepared::new`] reads of an [`Entry`]), with its sort time `time`.
    pub fn of_fields(fields: [&str; 4], time: Timestamp) -> Prepared {
        let mut prepared = Prepared {
            folded: String::with_capacity(
                fields.iter().map(|field| field.len()).sum::<usize>() + 3,
            ),
            ..Prepared::default()
        };
        prepared.fold_fields(fields, time);
        prepared
    }

    /// Makes this [`Prepared::of_fields`]`(fields, time)`, reusing its buffer.
    pub fn fold_fields(&mut self, fields: [&str; 4], time: Timestamp) {
        let [title, author, source, text] = fields;
        self.folded.clear();
        for (end, part) in self.ends.iter_mut().zip([title, author, source]) {
            fold_into(&mut self.folded, part);
            *end = self.folded.len();
            self.folded.push('\n');
        }
        fold_into(&mut self.folded, text);
        self.time = time;
    }

    /// Bytes its buffer holds room for.
    pub(super) fn capacity(&self) -> usize {
        self.folded.capacity()
    }

    fn part(&self, start: usize, end: usize) -> &str {
        self.folded.get(start..end).unwrap_or("")
    }

    /// The folded title.
    pub fn title(&self) -> &str {
        self.part(0, self.ends[0])
    }

    /// The folded author (empty when there is none).
    pub fn author(&self) -> &str {
        self.part(self.ends[0] + 1, self.ends[1])
    }

    /// The folded source name.
    pub fn source(&self) -> &str {
        self.part(self.ends[1] + 1, self.ends[2])
    }

    /// The folded body text.
    pub fn text(&self) -> &str {
        self.part(self.ends[2] + 1, self.folded.len())
    }

    /// The entry's sort time ([`Entry::sort_time`]).
    pub fn time(&self) -> Timestamp {
        self.time
    }

    /// Title, author, source name and text, folded and joined by `\n`: what the cache
    /// stores so that SQL filters see exactly what [`Query::matches_prepared`] sees.
    pub fn joined(&self) -> &str {
        &self.folded
    }

    /// Rebuilds a prepared entry from [`Prepared::joined`] and the sort time.
    pub fn from_joined(joined: &str, time: Timestamp) -> Prepared {
        Prepared {
            folded: joined.into(),
            ends: ends_of(joined),
            time,
        }
    }

    /// Where the source name lies in `folded`: what bare words and phrases skip.
    pub(super) fn source_range(&self) -> Range<usize> {
        source_range(&self.ends)
    }
}

/// Where the title, author and source name end in a [`Prepared::joined`] string.
pub(super) fn ends_of(joined: &str) -> [usize; 3] {
    let mut ends = [joined.len(); 3];
    for (end, (index, _)) in ends.iter_mut().zip(joined.match_indices('\n')) {
        *end = index;
    }
    ends
}

/// Where the source name lies, given [`ends_of`] the joined string.
pub(super) fn source_range(ends: &[usize; 3]) -> Range<usize> {
    ends[1] + 1..ends[2]
}
