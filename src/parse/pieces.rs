//! A large XML feed cut into small feeds at its entries' boundaries.
//!
//! feed-rs keeps every byte it has read in one event buffer until the document ends
//! (it never clears it) and builds the model of every entry before handing any back,
//! so a 28 MB feed costs about three times its size while it is read. Cut into pieces
//! that each carry the document's head (declaration, root, channel and its header) and
//! tail, a few hundred entries at a time, it costs one piece at a time.

use std::ops::Range;

use quick_xml::Reader;
use quick_xml::events::Event;

/// Where a feed's entries are, and how they group into pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pieces {
    /// Everything before the first entry: the root and the channel open.
    head: Range<usize>,
    /// Everything after the last entry: the channel and the root closed.
    tail: Range<usize>,
    /// Each piece's middle: whole entries (and whatever lies between them).
    middles: Vec<Range<usize>>,
    /// How many entries the document holds.
    entries: usize,
}

impl Pieces {
    /// How many pieces.
    pub fn len(&self) -> usize {
        self.middles.len()
    }

    /// How many entries in all.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Writes piece `index` of `bytes` (head, its entries, tail) into `out`, replacing
    /// what it held (one buffer serves every piece).
    pub fn write(&self, bytes: &[u8], index: usize, out: &mut Vec<u8>) {
        out.clear();
        let Some(middle) = self.middles.get(index) else {
            return;
        };
        for range in [&self.head, middle, &self.tail] {
            out.extend_from_slice(&bytes[range.clone()]);
        }
    }
}

/// Cuts an RSS (0.9x, 1.0, 2.0) or Atom document into pieces of about `piece_bytes`
/// of entries each (at least one entry). `None` when it is not one of those, is not
/// well formed (the caller reads it whole, and repairs it if it must), or has no
/// entries.
pub fn split(bytes: &[u8], piece_bytes: usize) -> Option<Pieces> {
    let entries = entry_ranges(bytes)?;
    let first = entries.first()?.start;
    let last = entries.last()?.end;
    let mut middles = Vec::new();
    let mut start = first;
    for (index, entry) in entries.iter().enumerate() {
        let next = entries.get(index + 1).map(|next| next.start);
        match next {
            // Cut before the next entry once this piece is big enough.
            Some(next) if next - start >= piece_bytes => {
                middles.push(start..next);
                start = next;
            }
            Some(_) => {}
            None => middles.push(start..entry.end),
        }
    }
    Some(Pieces {
        head: 0..first,
        tail: last..bytes.len(),
        middles,
        entries: entries.len(),
    })
}

/// The byte ranges of the feed's entries: `<item>` under the root or the RSS
/// `<channel>`, `<entry>` under an Atom `<feed>`. `None` unless the whole document
/// reads as well-formed XML with such a root.
fn entry_ranges(bytes: &[u8]) -> Option<Vec<Range<usize>>> {
    let mut reader = Reader::from_reader(bytes);
    // Local names (without prefixes) of the open elements, outermost first.
    let mut open: Vec<String> = Vec::new();
    let mut entries = Vec::new();
    let mut entry_start = None;
    loop {
        let start = usize::try_from(reader.buffer_position()).ok()?;
        let event = reader.read_event().ok()?;
        let end = usize::try_from(reader.buffer_position()).ok()?;
        match event {
            Event::Start(element) => {
                let name = element.local_name().as_ref().to_ascii_lowercase();
                if open.is_empty() && !matches!(name.as_str(), "rss" | "rdf" | "feed") {
                    return None;
                }
                if entry_start.is_none() && is_entry(&open, &name) {
                    entry_start = Some((start, open.len()));
                }
                open.push(name);
            }
            Event::Empty(element) => {
                let name = element.local_name().as_ref().to_ascii_lowercase();
                if open.is_empty() {
                    return None;
                }
                if entry_start.is_none() && is_entry(&open, &name) {
                    entries.push(start..end);
                }
            }
            Event::End(_) => {
                open.pop()?;
                if let Some((entry, depth)) = entry_start
                    && open.len() == depth
                {
                    entries.push(entry..end);
                    entry_start = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // A document cut short is the repair's to read, whole.
    (open.is_empty() && entry_start.is_none()).then_some(entries)
}

/// Whether an element named `name` opened inside `open` is one of the feed's entries.
fn is_entry(open: &[String], name: &str) -> bool {
    let under_root = open.len() == 1;
    let under_channel = open.len() == 2 && open[1] == "channel";
    match name {
        "item" => under_root || under_channel,
        "entry" => under_root && open[0] == "feed",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces_of(doc: &str, piece_bytes: usize) -> Vec<String> {
        let Some(pieces) = split(doc.as_bytes(), piece_bytes) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        (0..pieces.len())
            .map(|index| {
                pieces.write(doc.as_bytes(), index, &mut out);
                String::from_utf8_lossy(&out).into_owned()
            })
            .collect()
    }

    #[test]
    fn an_rss_feed_is_cut_between_items_each_piece_whole() {
        let doc = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
                   <item><title>a</title></item>\n<item><title>b</title></item>\n\
                   <item/><ttl>5</ttl></channel></rss>\n";
        let pieces = pieces_of(doc, 1);
        assert_eq!(
            pieces,
            [
                "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
                 <item><title>a</title></item>\n<ttl>5</ttl></channel></rss>\n",
                "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
                 <item><title>b</title></item>\n<ttl>5</ttl></channel></rss>\n",
                "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
                 <item/><ttl>5</ttl></channel></rss>\n",
            ]
        );
        // A big piece size keeps them together.
        assert_eq!(pieces_of(doc, 1 << 20), [doc.to_string()]);
    }

    #[test]
    fn atom_and_rss1_entries_are_found_under_the_root() {
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>\
                    <entry><id>1</id></entry><entry><id>2</id></entry></feed>";
        assert_eq!(pieces_of(atom, 1).len(), 2);
        let rdf = "<rdf:RDF xmlns:rdf=\"r\"><channel><title>T</title></channel>\
                   <item><title>a</title></item><item><title>b</title></item></rdf:RDF>";
        assert_eq!(pieces_of(rdf, 1).len(), 2);
    }

    #[test]
    fn items_in_markup_or_deeper_are_not_entries() {
        // An <item> in a CDATA body or nested in an entry is the entry's content.
        let doc = "<rss><channel><item><description><![CDATA[<item>x</item>]]></description>\
                   <media:group><item/></media:group></item></channel></rss>";
        let pieces = split(doc.as_bytes(), 1);
        assert_eq!(pieces.map(|p| p.entries()), Some(1));
    }

    #[test]
    fn documents_cut_short_or_not_feeds_are_read_whole() {
        assert_eq!(
            split(b"<rss><channel><item><title>a</title></item>", 1),
            None
        );
        assert_eq!(split(b"<html><item/></html>", 1), None);
        assert_eq!(
            split(b"<rss><channel><title>none</title></channel></rss>", 1),
            None
        );
        assert_eq!(split(b"<rss><channel><item></channel></rss>", 1), None);
    }
}
