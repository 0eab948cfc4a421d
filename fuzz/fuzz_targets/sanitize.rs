//! `sanitize::clean` / `clean_line` on arbitrary text: the output never contains ESC,
//! BEL or a C1 control (U+0080..U+009F), so nothing in an entry can drive the terminal;
//! `clean_line` output is one line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use liveblog::sanitize::{clean, clean_line};

fn forbidden(c: char) -> bool {
    matches!(c, '\u{1b}' | '\u{7}' | '\u{80}'..='\u{9f}')
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let cleaned = clean(&text);
    assert!(!cleaned.chars().any(forbidden), "clean left {cleaned:?}");
    assert!(
        !cleaned.chars().any(|c| c.is_control() && c != '\n'),
        "clean left a control char in {cleaned:?}"
    );
    let line = clean_line(&text);
    assert!(!line.chars().any(forbidden), "clean_line left {line:?}");
    assert!(
        !line.contains('\n'),
        "clean_line left a newline in {line:?}"
    );
});
