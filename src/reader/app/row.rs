//! [`Row`]: one held entry in compact form, what the list draws and the app needs. The
//! body lives in the app's [`BodyStore`](super::bodies::BodyStore) and the folded text
//! only in its word index; a row made off the UI thread carries both along
//! ([`Arriving`]) until it joins the app.

use std::sync::Arc;

use jiff::Timestamp;

use super::bodies::{Body, BodyRef};
use super::group_table::GroupTag;
use crate::group::Sketch;
use crate::model::{Entry, EntryId, Flags, Item, SourceId};
use crate::query::Prepared;

/// One held entry (see the module's doc).
#[derive(Debug, Clone)]
pub struct Row {
    /// Its source's name (one allocation per source once held: the app interns it).
    pub source: Arc<str>,
    /// Its id, headline (or, when it has none, the body's first words), author,
    /// permalink and, when it has no headline, its title as published (empty or only
    /// spaces), one after another in one allocation (see [`Row::id`] and the rest).
    strings: Box<str>,
    /// Where the id, the headline, the author and the permalink end in `strings`.
    ends: [u32; 4],
    /// When it was published, if the source says.
    published: Time,
    /// When it was last edited, if the source says.
    updated: Time,
    /// When the cache first saw it.
    first_seen: Time,
    /// Where the list sorts it: its own time, but never later than when it was first
    /// seen (see [`Row::dated_ahead`]).
    pub sort_time: Timestamp,
    /// Where its body is in the app's store (once held).
    pub body: BodyRef,
    /// Its number in the app's word index (once held; ascending, never reused).
    pub slot: u32,
    /// Pinned, key event, summary.
    pub flags: Flags,
    /// The source changed it after it was first seen.
    pub edited: bool,
    /// The source no longer lists it.
    pub removed: bool,
    /// The user opened it.
    pub read: bool,
    /// It has no headline: `strings` holds the body's first words in its place.
    untitled: bool,
    /// It has an author (which may be empty: `Some("")` comes back as it went in).
    has_author: bool,
    /// It has a permalink (which may be empty, as the author).
    has_url: bool,
    /// Its headline and first paragraphs summed up for grouping (fixed size).
    pub sketch: Sketch,
    /// Its group of reports of one event, once compared with the others.
    pub group: GroupTag,
    /// Its body and folded text while it is on its way to the app (`None` once held).
    pub arriving: Option<Box<Arriving>>,
}

/// A timestamp, or none, in 12 bytes aligned to 4 (a `jiff::Timestamp` takes 16, an
/// `Option` of one 24): a row holds three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Time {
    /// Seconds since the epoch, low and high halves.
    seconds: [u32; 2],
    /// The fraction of a second in nanoseconds ([`NO_TIME`]: none).
    nanos: i32,
}

/// `Time::nanos` of no time (no timestamp has a fraction this negative).
const NO_TIME: i32 = i32::MIN;

impl Time {
    fn of(time: Option<Timestamp>) -> Time {
        match time {
            Some(time) => {
                let seconds = time.as_second() as u64;
                Time {
                    seconds: [seconds as u32, (seconds >> 32) as u32],
                    nanos: time.subsec_nanosecond(),
                }
            }
            None => Time {
                seconds: [0, 0],
                nanos: NO_TIME,
            },
        }
    }

    fn get(self) -> Option<Timestamp> {
        if self.nanos == NO_TIME {
            return None;
        }
        let seconds = (u64::from(self.seconds[1]) << 32 | u64::from(self.seconds[0])) as i64;
        // Made from a timestamp, so always one again.
        Timestamp::new(seconds, self.nanos).ok()
    }
}

/// What a row carries until it joins the app: its body (for the store) and its folded
/// text (for the index; dropped once indexed).
#[derive(Debug, Clone)]
pub struct Arriving {
    /// The body.
    pub body: Body,
    /// The entry folded for filtering.
    pub prepared: Prepared,
    /// A clone of its maker's counter, let go of as the row joins the app (see
    /// [`Row::count_until_held`]).
    pub counted: Option<Arc<()>>,
}

impl Row {
    /// Makes a row of an entry, with its sketch for grouping.
    pub fn new(entry: Entry) -> Row {
        let mut row = Row::unsketched(entry);
        if let Some(arriving) = &row.arriving {
            row.sketch = Sketch::of(arriving.prepared.title(), arriving.prepared.text());
        }
        row.group = GroupTag::Unchecked;
        row
    }

    /// Makes a row of an entry; its sketch is made when it is grouped (for the rows of
    /// the first frame, which the UI thread makes).
    pub fn unsketched(entry: Entry) -> Row {
        let prepared = Prepared::new(&entry);
        // A feed's date ten years ahead would hold the top of the list for ten years:
        // nothing sorts later than when it was first seen.
        let sort_time = entry.sort_time().min(entry.first_seen);
        let Entry {
            source,
            mut item,
            first_seen,
            edited,
            previous_text,
            removed,
            read,
        } = entry;
        // The detail view needs only the body's links; the HTML itself stays in the
        // cache, not in every held entry (it is the largest field).
        let links = item
            .html
            .as_deref()
            .map(|html| crate::parse::links(html, item.url.as_deref()))
            .unwrap_or_default();
        let untitled = item.title.trim().is_empty();
        // The title as published is kept only when the headline is not it: a title of
        // only spaces comes back as it was.
        let (headline, raw_title) = if untitled {
            (item.display_title(), std::mem::take(&mut item.title))
        } else {
            (std::mem::take(&mut item.title), String::new())
        };
        let (has_author, has_url) = (item.author.is_some(), item.url.is_some());
        let author = item.author.unwrap_or_default();
        let url = item.url.unwrap_or_default();
        let mut strings = String::with_capacity(
            item.id.0.len() + headline.len() + author.len() + url.len() + raw_title.len(),
        );
        let mut ends = [0; 4];
        for (end, part) in ends.iter_mut().zip([&item.id.0, &headline, &author, &url]) {
            strings.push_str(part);
            *end = u32::try_from(strings.len()).unwrap_or(u32::MAX);
        }
        strings.push_str(&raw_title);
        Row {
            source: Arc::from(source.0),
            strings: strings.into_boxed_str(),
            ends,
            published: Time::of(item.published),
            updated: Time::of(item.updated),
            first_seen: Time::of(Some(first_seen)),
            sort_time,
            body: BodyRef::default(),
            slot: 0,
            flags: item.flags,
            edited,
            removed,
            read,
            untitled,
            has_author,
            has_url,
            sketch: Sketch::default(),
            group: GroupTag::Unsketched,
            arriving: Some(Box::new(Arriving {
                body: Body {
                    text: item.text,
                    previous_text,
                    links,
                },
                prepared,
                counted: None,
            })),
        }
    }

    /// Counts this row in `counter` until it joins the app (or is dropped): a maker of
    /// rows reads `Arc::strong_count(counter) - 1` as how many of its rows are still on
    /// their way, and waits rather than running ahead of the app (rows on their way
    /// carry their bodies and folded text, the bulk of a load's memory). A held row is
    /// not counted.
    pub fn count_until_held(&mut self, counter: &Arc<()>) {
        if let Some(arriving) = &mut self.arriving {
            arriving.counted = Some(Arc::clone(counter));
        }
    }

    /// The entry again, given its body (what the cache holds, less the HTML).
    pub fn entry(&self, body: Body) -> Entry {
        Entry {
            source: SourceId(self.source.to_string()),
            item: Item {
                id: EntryId(self.id().to_string()),
                published: self.published(),
                updated: self.updated(),
                title: self.title().to_string(),
                author: self.given_author().map(str::to_string),
                url: self.given_url().map(str::to_string),
                text: body.text,
                html: None,
                flags: self.flags,
            },
            first_seen: self.first_seen(),
            edited: self.edited,
            previous_text: body.previous_text,
            removed: self.removed,
            read: self.read,
        }
    }

    /// Whether this is the entry `key` (an `EntryKey`).
    pub fn is(&self, key: &(SourceId, EntryId)) -> bool {
        *self.source == *key.0.0 && self.id() == key.1.0
    }

    /// Its key (an `EntryKey`).
    pub fn key(&self) -> (SourceId, EntryId) {
        (
            SourceId(self.source.to_string()),
            EntryId(self.id().to_string()),
        )
    }

    /// A part of `strings`: from the end of the one before to `end`.
    fn part(&self, start: usize, end: usize) -> &str {
        self.strings.get(start..end).unwrap_or("")
    }

    /// Its id within its source.
    pub fn id(&self) -> &str {
        self.part(0, self.ends[0] as usize)
    }

    /// Its headline as published (empty, or only spaces, when none).
    pub fn title(&self) -> &str {
        if self.untitled {
            self.part(self.ends[3] as usize, self.strings.len())
        } else {
            self.part(self.ends[0] as usize, self.ends[1] as usize)
        }
    }

    /// When it was published, if the source says.
    pub fn published(&self) -> Option<Timestamp> {
        self.published.get()
    }

    /// When it was last edited, if the source says.
    pub fn updated(&self) -> Option<Timestamp> {
        self.updated.get()
    }

    /// When the cache first saw it.
    pub fn first_seen(&self) -> Timestamp {
        self.first_seen.get().unwrap_or(self.sort_time)
    }

    /// The time it is shown by: published, else updated.
    pub fn time(&self) -> Option<Timestamp> {
        self.published().or(self.updated())
    }

    /// Its own sort time ([`Entry::sort_time`]): published, else updated, else first
    /// seen (what the cache orders by; the list uses [`Row::sort_time`]).
    pub fn own_sort_time(&self) -> Timestamp {
        self.time().unwrap_or(self.first_seen())
    }

    /// The headline, or the first words of the body when there is none
    /// ([`Item::display_title`]).
    pub fn display_title(&self) -> &str {
        self.part(self.ends[0] as usize, self.ends[1] as usize)
            .trim()
    }

    /// The author to show, if any (an empty one is none).
    pub fn author(&self) -> Option<&str> {
        self.given_author().filter(|author| !author.is_empty())
    }

    /// The permalink to show, if any (an empty one is none).
    pub fn url(&self) -> Option<&str> {
        self.given_url().filter(|url| !url.is_empty())
    }

    /// The author exactly as the source gave it (`Some("")` stays so).
    fn given_author(&self) -> Option<&str> {
        self.has_author
            .then(|| self.part(self.ends[1] as usize, self.ends[2] as usize))
    }

    /// The permalink exactly as the source gave it.
    pub(super) fn given_url(&self) -> Option<&str> {
        self.has_url
            .then(|| self.part(self.ends[2] as usize, self.ends[3] as usize))
    }

    /// Whether the entry says it is from later than when it was first seen (by more
    /// than a clock's slack): it sorts as first seen, and the views show its own date
    /// in full, with the year, so the odd date is plain to see.
    pub fn dated_ahead(&self) -> bool {
        self.time()
            .is_some_and(|time| time > self.sort_time + DATED_AHEAD_SLACK)
    }

    /// Allocates the row's strings again, on this thread.
    pub(super) fn compact_strings(&mut self) {
        self.strings = Box::from(&*self.strings);
    }

    /// Bytes this row holds on the heap once held (its strings; the source's name is
    /// shared).
    pub fn heap_bytes(&self) -> usize {
        self.strings.len()
    }
}

/// How far ahead of when it was first seen an entry may be dated before the views flag
/// it (a server's clock a few minutes fast is not worth a word).
const DATED_AHEAD_SLACK: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);
