//! Salvaging truncated documents (a partial download, a server that died mid-page).
//!
//! Both repairs cut after the last complete entry and close what is still open, so a
//! truncated feed yields the entries it fully contains instead of nothing.

/// A truncated JSON Feed: keeps the complete elements of arrays directly inside the
/// top-level object (so `items[..]`) and closes the array and the object.
/// `None` when there is nothing to salvage.
pub fn truncated_json(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut stack: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut cut = None;
    for (pos, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => stack.push(b),
            b'}' | b']' => {
                stack.pop();
                if b == b'}' && stack == b"{[" {
                    cut = Some(pos + 1);
                }
            }
            _ => {}
        }
    }
    let cut = cut?;
    let mut out = bytes[..cut].to_vec();
    out.extend_from_slice(b"]}");
    // The cut may have lost `version` (often the last key); the caller asked for a
    // JSON Feed, so say so.
    let mut value: serde_json::Value = serde_json::from_slice(&out).ok()?;
    let object = value.as_object_mut()?;
    if !object.contains_key("version") {
        object.insert(
            "version".to_string(),
            serde_json::Value::String("https://jsonfeed.org/version/1".to_string()),
        );
    }
    serde_json::to_vec(&value).ok()
}

/// feed-rs only reads `<rss>` with `version` 2.0, 0.91 or 0.92 (or empty); real feeds
/// omit it or say 0.90/0.93/2.01. Returns the document with the root's version set to
/// 2.0 (a superset), or `None` when the root is not `<rss`.
pub fn rss_version(bytes: &[u8]) -> Option<Vec<u8>> {
    let head = &bytes[..bytes.len().min(8192)];
    let mut pos = 0;
    let start = loop {
        let lt = find_from(head, pos, b"<")?;
        let rest = &head[lt..];
        if rest.starts_with(b"<!--") {
            pos = find_from(head, lt, b"-->")? + 3;
        } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            pos = find_from(head, lt, b">")? + 1;
        } else if rest.starts_with(b"<rss")
            && rest
                .get(4)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'>')
        {
            break lt;
        } else {
            return None;
        }
    };
    let end = find_from(head, start, b">")?;
    let tag = String::from_utf8_lossy(&head[start..end]).into_owned();
    let mut new_tag = String::new();
    let mut rest = tag.as_str();
    // Drop an existing version attribute.
    if let Some(v) = rest.find("version") {
        let after = &rest[v + "version".len()..];
        let after_eq = after.trim_start().strip_prefix('=')?.trim_start();
        let quote = after_eq.chars().next()?;
        let value_end = after_eq[1..].find(quote)? + 2;
        new_tag.push_str(&rest[..v]);
        rest = &after_eq[value_end..];
    }
    new_tag.push_str(rest);
    new_tag.push_str(" version=\"2.0\"");
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(new_tag.as_bytes());
    if find_from(bytes, end, b"<channel").is_none() && !tag.ends_with('/') {
        // An empty `<rss></rss>` is an empty feed, not an error.
        out.extend_from_slice(b"><channel></channel");
    }
    out.extend_from_slice(&bytes[end..]);
    Some(out)
}

/// A truncated XML feed: cuts after the last `</item>` or `</entry>` and closes the
/// elements still open there. `None` when there is no complete entry.
pub fn truncated_xml(bytes: &[u8]) -> Option<Vec<u8>> {
    let cut = [&b"</item>"[..], b"</entry>"]
        .iter()
        .filter_map(|needle| rfind(bytes, needle).map(|p| p + needle.len()))
        .max()?;
    let prefix = &bytes[..cut];
    let open = open_elements(prefix)?;
    let mut out = prefix.to_vec();
    for name in open.iter().rev() {
        out.extend_from_slice(b"</");
        out.extend_from_slice(name);
        out.push(b'>');
    }
    Some(out)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn find_from(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The names of the elements open at the end of `xml`, outermost first.
fn open_elements(xml: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut i = 0;
    while let Some(lt) = find_from(xml, i, b"<") {
        let rest = &xml[lt..];
        if rest.starts_with(b"<!--") {
            i = find_from(xml, lt, b"-->")? + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            i = find_from(xml, lt, b"]]>")? + 3;
        } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            i = find_from(xml, lt, b">")? + 1;
        } else {
            let gt = find_from(xml, lt, b">")?;
            let tag = &xml[lt + 1..gt];
            let closing = tag.first() == Some(&b'/');
            let self_closing = tag.last() == Some(&b'/');
            let name: Vec<u8> = tag
                .iter()
                .skip(usize::from(closing))
                .take_while(|c| !c.is_ascii_whitespace() && **c != b'/' && **c != b'>')
                .copied()
                .collect();
            if closing {
                if let Some(pos) = stack.iter().rposition(|open| *open == name) {
                    stack.truncate(pos);
                }
            } else if !self_closing && !name.is_empty() {
                stack.push(name);
            }
            i = gt + 1;
        }
    }
    Some(stack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_complete_items() {
        let cut =
            br#"{"version":"x","items":[{"id":"1","t":"a}"},{"id":"2"},{"id":"3","t":"unterm"#;
        let fixed = truncated_json(cut).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_slice(&fixed).unwrap_or_default();
        assert_eq!(value["items"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["items"][0]["t"], "a}");
        assert_eq!(truncated_json(b"{\"items\":[{\"a"), None);
    }

    #[test]
    fn rss_versions() {
        let fixed = rss_version(b"<!-- c --><rss>\n</rss>").unwrap_or_default();
        assert_eq!(
            fixed,
            b"<!-- c --><rss version=\"2.0\"><channel></channel>\n</rss>"
        );
        let fixed = rss_version(b"<?xml version='1.0'?><rss version='0.93' a='b'><channel>")
            .unwrap_or_default();
        assert_eq!(
            fixed,
            b"<?xml version='1.0'?><rss  a='b' version=\"2.0\"><channel>"
        );
        assert_eq!(rss_version(b"<feed>"), None);
    }

    #[test]
    fn xml_closes_open_elements() {
        let cut = b"<?xml version='1.0'?><rss><channel><title>t</title><!-- <x> --><item><a/><b><![CDATA[<i>]]></b></item><item><title>tr";
        let fixed = truncated_xml(cut).unwrap_or_default();
        assert!(fixed.ends_with(b"</b></item></channel></rss>"));
        assert_eq!(truncated_xml(b"<rss><channel><title>"), None);
    }
}
