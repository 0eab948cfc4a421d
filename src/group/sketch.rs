//! The fixed-size summary every report carries: a MinHash of its token set (to find
//! likely matches among tens of thousands quickly) and the numbers it gives (a
//! different count is a different event).

use super::features::{Token, token_set};

/// MinHash slots. 32 slots of 16 bits estimate a Jaccard index to about ±0.09, which is
/// plenty for a first cut: every candidate that passes is checked exactly.
pub const SLOTS: usize = 32;

/// Numbers a sketch remembers (the first ones: the headline's come first).
pub const NUMBERS: usize = 4;

/// A report's sketch: 74 bytes, computed once when the report arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sketch {
    /// Per slot, the least 16-bit hash of any token under that slot's hash function
    /// (`u16::MAX` in every slot when there are no tokens).
    mins: [u16; SLOTS],
    /// The first numbers, hashed to 16 bits (never 0); 0 marks an empty place.
    numbers: [u16; NUMBERS],
    /// How many distinct tokens the report has (at most 255).
    tokens: u8,
}

impl Default for Sketch {
    fn default() -> Sketch {
        Sketch {
            mins: [u16::MAX; SLOTS],
            numbers: [0; NUMBERS],
            tokens: 0,
        }
    }
}

/// SplitMix64's finaliser: a different, well-mixed hash per slot from one token hash.
fn mix(mut value: u64) -> u64 {
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// The 16-bit form of a number's hash (never 0, which marks an empty place).
fn short(hash: u64) -> u16 {
    ((hash >> 48) as u16).max(1)
}

impl Sketch {
    /// The sketch of a report from its folded headline and body.
    pub fn of(title: &str, body: &str) -> Sketch {
        Sketch::of_tokens(&token_set(title, body), &numbers_in_order(title, body))
    }

    /// The sketch of a token set, with `numbers` (hashes) in the order written.
    fn of_tokens(set: &[Token], numbers: &[u64]) -> Sketch {
        let mut sketch = Sketch {
            tokens: u8::try_from(set.len()).unwrap_or(u8::MAX),
            ..Sketch::default()
        };
        for token in set {
            let hash = match token {
                Token::Word(hash) => *hash,
                // A number and a word that hash alike stay apart.
                Token::Number(hash) => !*hash,
            };
            for (slot, min) in sketch.mins.iter_mut().enumerate() {
                let value =
                    (mix(hash ^ (slot as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 48) as u16;
                *min = (*min).min(value);
            }
        }
        let mut places = sketch.numbers.iter_mut();
        let mut seen: Vec<u16> = Vec::new();
        for &number in numbers {
            let number = short(number);
            if seen.contains(&number) {
                continue;
            }
            seen.push(number);
            match places.next() {
                Some(place) => *place = number,
                None => break,
            }
        }
        sketch
    }

    /// How many distinct tokens the report has (capped at 255).
    pub fn tokens(&self) -> usize {
        usize::from(self.tokens)
    }

    /// The estimated Jaccard index of the two token sets, from 0 to 1.
    pub fn similarity(&self, other: &Sketch) -> f32 {
        if self.tokens == 0 || other.tokens == 0 {
            return 0.0;
        }
        let equal = self
            .mins
            .iter()
            .zip(&other.mins)
            .filter(|(a, b)| a == b)
            .count();
        equal as f32 / SLOTS as f32
    }

    /// The numbers remembered (hashed), in the order written.
    pub fn numbers(&self) -> impl Iterator<Item = u16> + '_ {
        self.numbers.iter().copied().filter(|&number| number != 0)
    }

    /// Both give numbers and none of them agree: different counts, different events.
    pub fn numbers_disagree(&self, other: &Sketch) -> bool {
        // Places fill from the first: an empty first place means no numbers.
        self.numbers[0] != 0 && other.numbers[0] != 0 && self.shared_numbers(other) == 0
    }

    /// How many of the numbers remembered the two share (plain loops over the fixed
    /// places: this runs against every report in the window).
    pub fn shared_numbers(&self, other: &Sketch) -> usize {
        let mut shared = 0;
        for &mine in &self.numbers {
            if mine == 0 {
                break;
            }
            for &theirs in &other.numbers {
                if theirs == 0 {
                    break;
                }
                if mine == theirs {
                    shared += 1;
                    break;
                }
            }
        }
        shared
    }

    /// Whether this report gives a number none of `earlier` gave: it adds to the story.
    pub fn adds_numbers_to<'a>(&self, mut earlier: impl Iterator<Item = &'a Sketch>) -> bool {
        let mut known: Vec<u16> = Vec::new();
        for sketch in &mut earlier {
            known.extend(sketch.numbers());
        }
        self.numbers().any(|number| !known.contains(&number))
    }
}

/// The report's numbers (hashed) in the order written, headline first.
fn numbers_in_order(title: &str, body: &str) -> Vec<u64> {
    super::features::tokens(super::features::salient_text(title, body))
        .into_iter()
        .filter_map(|token| match token {
            Token::Number(hash) => Some(hash),
            Token::Word(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_equal_sketches_and_unrelated_ones_differ() {
        let a = Sketch::of("russia launches 174 drones", "air force says 90 shot down");
        let b = Sketch::of("russia launches 174 drones", "air force says 90 shot down");
        let c = Sketch::of(
            "football cup final tonight",
            "the home side won on penalties",
        );
        assert_eq!(a, b);
        assert_eq!(a.similarity(&b), 1.0);
        assert!(a.similarity(&c) < 0.2, "{}", a.similarity(&c));
        assert_eq!(a.numbers().count(), 2);
    }

    #[test]
    fn the_estimate_follows_the_jaccard_index() {
        // 20 shared words out of 30 distinct: Jaccard 2/3.
        let shared: Vec<String> = (0..20).map(|n| format!("s{n:03}a")).collect();
        let a = format!(
            "{} {}",
            shared.join(" "),
            (0..5)
                .map(|n| format!("l{n:03}a"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let b = format!(
            "{} {}",
            shared.join(" "),
            (0..5)
                .map(|n| format!("r{n:03}a"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let estimate = Sketch::of(&a, "").similarity(&Sketch::of(&b, ""));
        assert!((0.35..=0.95).contains(&estimate), "{estimate}");
    }

    #[test]
    fn numbers_disagree_only_when_both_give_some_and_none_match() {
        let a = Sketch::of("12 killed in strike", "");
        let b = Sketch::of("strike kills 12", "");
        let c = Sketch::of("strike kills 30", "");
        let d = Sketch::of("strike kills many", "");
        assert!(!a.numbers_disagree(&b));
        assert!(a.numbers_disagree(&c));
        assert!(!a.numbers_disagree(&d));
        assert!(c.adds_numbers_to([&a].into_iter()));
        assert!(!b.adds_numbers_to([&a].into_iter()));
    }

    #[test]
    fn an_empty_report_resembles_nothing() {
        let empty = Sketch::of("", "");
        assert_eq!(empty.similarity(&empty), 0.0);
        assert_eq!(empty.tokens(), 0);
    }

    #[test]
    fn the_sketch_is_small() {
        assert!(std::mem::size_of::<Sketch>() <= 80);
    }
}
