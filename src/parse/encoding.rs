//! Character encodings of XML feeds, before feed-rs sees them.
//!
//! feed-rs (through quick-xml + encoding_rs) honours an `encoding="..."` declaration
//! (ISO-8859-1, windows-1252, GB2312, ISO-8859-7 ... all work), but fails on:
//! - UTF-16 (with or without BOM): transcoded here with encoding_rs;
//! - undeclared non-UTF-8 bytes (a Latin-1 feed with no prolog, a KOI8-R one):
//!   guessed here between windows-1252, KOI8-R and windows-1251 (see [`guess_single_byte`]);
//! - a declared single-byte encoding (ISO-8859-x, windows-125x, KOI8-R/U ...):
//!   transcoded here with encoding_rs (`Encoding::for_label`), so feed-rs only sees UTF-8;
//! - anything before the XML declaration (a newline, a comment): dropped here.
//!
//! Whenever the bytes are transcoded, the declaration's encoding is rewritten to UTF-8.

use std::borrow::Cow;

use encoding_rs::{Encoding, KOI8_R, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1251, WINDOWS_1252};

/// Bytes ready for feed-rs: leading junk removed, UTF-8 unless a declaration that
/// feed-rs understands says otherwise.
pub fn prepare_xml(bytes: &[u8]) -> Cow<'_, [u8]> {
    if let Some(text) = decode_utf16(bytes) {
        let text = text.trim_start_matches('\u{feff}');
        let start = text.find("<?xml").filter(|p| *p < 4096).unwrap_or(0);
        return Cow::Owned(declare_utf8(text[start..].trim_start()).into_bytes());
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let bytes = strip_leading(bytes);
    let declared = declared_encoding(bytes);
    let declared_utf8 = declared
        .as_deref()
        .is_none_or(|e| e.eq_ignore_ascii_case("utf-8") || e.eq_ignore_ascii_case("utf8"));
    if !declared_utf8
        && let Some(encoding) = declared
            .as_deref()
            .and_then(|label| Encoding::for_label(label.as_bytes()))
        // UTF-16 labels on bytes that are not UTF-16 (handled above) are lies: keep
        // the bytes as they are.
        && encoding != UTF_16LE
        && encoding != UTF_16BE
        && encoding != UTF_8
    {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Cow::Owned(declare_utf8(&text).into_bytes());
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Cow::Borrowed(bytes),
        Err(_) if !declared_utf8 => Cow::Borrowed(bytes),
        Err(_) if declared.is_some() => {
            // Declared UTF-8 but is not: keep what decodes.
            Cow::Owned(String::from_utf8_lossy(bytes).into_owned().into_bytes())
        }
        Err(_) => Cow::Owned(declare_utf8(&guess_single_byte(bytes)).into_bytes()),
    }
}

/// Drops whitespace (and anything else, such as a comment) before `<?xml`; otherwise
/// drops leading whitespace only.
fn strip_leading(bytes: &[u8]) -> &[u8] {
    let head = &bytes[..bytes.len().min(4096)];
    if let Some(pos) = find(head, b"<?xml") {
        return &bytes[pos..];
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The `encoding` pseudo-attribute of the XML declaration, if any.
pub fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = find(&bytes[..bytes.len().min(1024)], b"<?xml")?;
    let rest = &bytes[start..bytes.len().min(start + 512)];
    let end = find(rest, b"?>")?;
    let decl = String::from_utf8_lossy(&rest[..end]);
    let pos = decl.find("encoding")?;
    let after = decl[pos + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = after[1..].split(quote).next()?;
    Some(value.trim().to_string())
}

/// Replaces the declared encoding (if any) with UTF-8.
fn declare_utf8(text: &str) -> String {
    let Some(start) = text.find("<?xml") else {
        return text.to_string();
    };
    let Some(end) = text[start..].find("?>").map(|e| start + e) else {
        return text.to_string();
    };
    let decl = &text[start..end];
    match decl.find("encoding") {
        Some(pos) => {
            let mut out = String::with_capacity(text.len());
            out.push_str(&text[..start + pos]);
            out.push_str("encoding=\"utf-8\"");
            let after = &decl[pos..];
            // Skip `encoding = "..."` in the original.
            let mut quotes = 0;
            let mut skip = after.len();
            for (i, c) in after.char_indices() {
                if c == '"' || c == '\'' {
                    quotes += 1;
                    if quotes == 2 {
                        skip = i + 1;
                        break;
                    }
                }
            }
            out.push_str(&after[skip..]);
            out.push_str(&text[end..]);
            out
        }
        None => text.to_string(),
    }
}

/// UTF-16 (LE/BE, BOM or an unmarked `<` as the first code unit) to a String.
pub fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (little, body) = match bytes {
        [0xff, 0xfe, rest @ ..] => (true, rest),
        [0xfe, 0xff, rest @ ..] => (false, rest),
        [b'<', 0, b'?' | b'r' | b'f' | b'R', 0, ..] => (true, bytes),
        [0, b'<', 0, b'?' | b'r' | b'f' | b'R', ..] => (false, bytes),
        _ => return None,
    };
    let encoding = if little { UTF_16LE } else { UTF_16BE };
    Some(encoding.decode_without_bom_handling(body).0.into_owned())
}

/// Decodes undeclared, non-UTF-8 bytes. Latin-script text has few high bytes and
/// rarely four in a row; Cyrillic text in a single-byte code page is made of runs of
/// them. Among Cyrillic code pages, running text is mostly lowercase, which KOI8-R
/// puts at 0xC0-0xDF and windows-1251 at 0xE0-0xFF.
pub fn guess_single_byte(bytes: &[u8]) -> String {
    let high = bytes.iter().filter(|b| **b >= 0x80).count();
    let mut in_runs = 0usize;
    let mut run = 0usize;
    for b in bytes.iter().chain(std::iter::once(&b' ')) {
        if *b >= 0x80 {
            run += 1;
        } else {
            if run >= 4 {
                in_runs += run;
            }
            run = 0;
        }
    }
    let table = if high > 0 && in_runs * 2 > high {
        let koi_lower = bytes.iter().filter(|b| (0xc0..=0xdf).contains(*b)).count();
        let cp1251_lower = bytes.iter().filter(|b| **b >= 0xe0).count();
        if koi_lower >= cp1251_lower {
            KOI8_R
        } else {
            WINDOWS_1251
        }
    } else {
        WINDOWS_1252
    };
    table.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_single_byte_encodings_are_transcoded() {
        let koi = b"<?xml version='1.0' encoding='koi8-r'?><rss><channel><title>\xf0\xd2\xc9\xd7\xc5\xd4</title></channel></rss>";
        let out = String::from_utf8(prepare_xml(koi).into_owned()).unwrap_or_default();
        assert!(out.contains("encoding=\"utf-8\""), "{out}");
        assert!(out.contains("<title>Привет</title>"), "{out}");
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>caf\xe9 \x80</rss>";
        let out = String::from_utf8(prepare_xml(latin).into_owned()).unwrap_or_default();
        assert!(out.ends_with("<rss>café €</rss>"), "{out}");
        let greek = b"<?xml version='1.0' encoding='iso-8859-7'?><rss>\xe1</rss>";
        let out = String::from_utf8(prepare_xml(greek).into_owned()).unwrap_or_default();
        assert!(out.ends_with("<rss>α</rss>"), "{out}");
        let cp1251 = b"<?xml version='1.0' encoding='windows-1251'?><rss>\xcf\xf0\xe8</rss>";
        let out = String::from_utf8(prepare_xml(cp1251).into_owned()).unwrap_or_default();
        assert!(out.ends_with("<rss>При</rss>"), "{out}");
    }

    #[test]
    fn guesses() {
        assert_eq!(guess_single_byte(b"caf\xe9 na\xefve"), "café naïve");
        // "Привет мир" in KOI8-R and in windows-1251.
        assert_eq!(
            guess_single_byte(b"\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2"),
            "Привет мир"
        );
        assert_eq!(
            guess_single_byte(b"\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0"),
            "Привет мир"
        );
    }

    #[test]
    fn declarations() {
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding = 'ISO-8859-1'?><rss/>").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(
            declare_utf8("<?xml version=\"1.0\" encoding=\"utf-16\"?><rss/>"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss/>"
        );
        let utf16: Vec<u8> = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-16\"?><rss/>"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(
            &*prepare_xml(&utf16),
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss/>"
        );
        assert_eq!(&*prepare_xml(b"\n\n<rss/>"), b"<rss/>");
        assert_eq!(
            &*prepare_xml(b"<!-- c -->\n<?xml version='1.0'?><rss/>"),
            b"<?xml version='1.0'?><rss/>"
        );
    }
}
