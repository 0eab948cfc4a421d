//! Stable entry ids.
//!
//! An id must survive re-fetches and small edits of an entry's body, and must never be
//! the bare page URL (every update of a live blog shares one page). Hashes use FNV-1a
//! 64, written here so they never change between Rust versions or runs (std's hasher is
//! randomized).

use std::collections::HashMap;

use crate::model::{EntryId, Item};

/// FNV-1a, 64-bit.
pub fn fnv1a64(parts: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            // A separator that cannot occur in text, so ("ab","c") != ("a","bc").
            hash ^= 0x1f;
            hash = hash.wrapping_mul(PRIME);
        }
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// The first `n` characters of `s`.
pub fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((index, _)) => &s[..index],
        None => s,
    }
}

/// `page#h-<16 hex>` from the entry's date, headline and the first 200 characters of
/// its body; `page` is the page URL (or `entry` when there is none).
pub fn derived(page: Option<&str>, date: &str, headline: &str, body: &str) -> String {
    let hash = fnv1a64(&[date, headline.trim(), prefix(body.trim(), 200)]);
    let page = page.map(strip_fragment).unwrap_or("entry");
    format!("{page}#h-{hash:016x}")
}

/// The URL without its `#fragment`.
pub fn strip_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(base, _)| base)
}

/// True when `candidate` names the page itself rather than one entry on it.
pub fn is_page_url(candidate: &str, page: Option<&str>) -> bool {
    let Some(page) = page else { return false };
    let norm = |s: &str| strip_fragment(s.trim()).trim_end_matches('/').to_string();
    !candidate.contains('#') && norm(candidate) == norm(page)
}

/// Gives every item whose id collides with another's a derived id instead (all of
/// them, not just the later ones, so the result does not depend on order), then
/// suffixes any id that still collides with `~2`, `~3`, ... in document order.
pub fn dedupe(items: &mut [Item], page: Option<&str>) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for item in items.iter() {
        *counts.entry(item.id.0.clone()).or_default() += 1;
    }
    for item in items.iter_mut() {
        if counts.get(&item.id.0).copied().unwrap_or(0) > 1 {
            let date = item
                .published
                .or(item.updated)
                .map(|t| t.to_string())
                .unwrap_or_default();
            let base = page.or(item.url.as_deref()).or(Some(item.id.0.as_str()));
            item.id = EntryId(derived(base, &date, &item.title, &item.text));
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for item in items.iter_mut() {
        let n = seen.entry(item.id.0.clone()).or_default();
        *n += 1;
        if *n > 1 {
            item.id = EntryId(format!("{}~{}", item.id.0, n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_fixed() {
        // Reference values of FNV-1a 64.
        assert_eq!(fnv1a64(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a64(&["ab", "c"]), fnv1a64(&["a", "bc"]));
    }

    #[test]
    fn derived_ids_ignore_fragment_and_late_body_edits() {
        let body = "x".repeat(300);
        let mut edited = body.clone();
        edited.push_str(" more");
        let a = derived(Some("https://e.org/live#top"), "2024", "Head", &body);
        let b = derived(Some("https://e.org/live"), "2024", "Head", &edited);
        assert_eq!(a, b);
        assert!(a.starts_with("https://e.org/live#h-"));
    }

    #[test]
    fn page_url_detection() {
        assert!(is_page_url(
            "https://e.org/live/",
            Some("https://e.org/live")
        ));
        assert!(!is_page_url(
            "https://e.org/live#p1",
            Some("https://e.org/live")
        ));
        assert!(!is_page_url("https://e.org/live", None));
    }
}
