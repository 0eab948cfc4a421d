//! `liveblog config check` reports every error of a config in one run, each with its
//! file, line and key; every other command still refuses the config on its first error.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn liveblog(state: &Path) -> Command {
    let mut command = Command::cargo_bin("liveblog").expect("binary");
    // Never touch the user's files.
    command
        .env("XDG_CONFIG_HOME", state.join("config"))
        .env("XDG_STATE_HOME", state.join("state"));
    command
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/configs/check")
        .join(name)
}

/// Runs `config check FILE`: exit code, stdout, stderr lines.
fn check(file: &Path) -> (Option<i32>, String, Vec<String>) {
    let state = tempfile::tempdir().expect("tempdir");
    let output = liveblog(state.path())
        .args(["config", "check"])
        .arg(file)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr.lines().map(str::to_string).collect(),
    )
}

/// Asserts each stderr line is `liveblog: config FILE, line N, key `K`: …`, in order.
fn assert_errors(file: &Path, lines: &[String], expected: &[(usize, &str)]) {
    let found: Vec<(usize, String)> = lines
        .iter()
        .map(|line| {
            let prefix = format!("liveblog: config {}, line ", file.display());
            let rest = line
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{line:?} does not start with {prefix:?}"));
            let (number, rest) = rest.split_once(", key `").expect("names the key");
            let (key, message) = rest.split_once("`: ").expect("then the message");
            assert!(!message.trim().is_empty(), "{line}: says what to write");
            (number.parse().expect("a line number"), key.to_string())
        })
        .collect();
    let expected: Vec<(usize, String)> = expected
        .iter()
        .map(|(line, key)| (*line, key.to_string()))
        .collect();
    assert_eq!(found, expected, "{lines:#?}");
}

#[test]
fn six_mistakes_are_reported_in_one_run_in_file_order() {
    let file = fixture("six-mistakes.toml");
    let (code, stdout, stderr) = check(&file);
    assert_eq!(code, Some(2), "{stderr:#?}");
    assert_eq!(stdout, "", "errors go to stderr only");
    assert_errors(
        &file,
        &stderr,
        &[
            (3, "colour"),
            (4, "interval"),
            (5, "theme"),
            (9, "url"),
            (10, "uri"),
            (11, "format"),
        ],
    );
    // The wording of each error is the one a single mistake gets.
    assert!(stderr[0].contains("unknown field `colour`, expected one of `interval`"));
    assert!(stderr[1].contains("invalid duration `5`"));
    assert!(stderr[2].contains("use dark, light or mono"));
    assert!(
        stderr[3].contains("\"https://example.org/live\""),
        "a bare host suggests https://: {}",
        stderr[3]
    );
    assert!(stderr[4].contains("unknown field `uri`"));
    assert!(stderr[5].contains("unknown format `pdf`"));
}

#[test]
fn every_kind_of_mistake_is_reported_with_its_line_and_key() {
    let file = fixture("every-kind.toml");
    let (code, _, stderr) = check(&file);
    assert_eq!(code, Some(2), "{stderr:#?}");
    assert_errors(
        &file,
        &stderr,
        &[
            (2, "unknown_table"),
            (4, "timeout"),
            (5, "max_body"),
            (6, "max_connections"),
            (7, "max_per_host"),
            (8, "max_age"),
            (9, "max_entries"),
            (10, "timezone"),
            (11, "window"),
            (15, "url"),
            (16, "interval"),
            (17, "max_age"),
            (18, "max_entries"),
            (20, "summary"),
            (20, "selectors"),
            (23, "name"),
            (27, "breaking"),
            (30, "query"),
            (31, "sound"),
            (34, "explode"),
            (35, "quit"),
        ],
    );
}

#[test]
fn other_commands_still_stop_at_the_first_error() {
    let file = fixture("six-mistakes.toml");
    let state = tempfile::tempdir().expect("tempdir");
    let output = liveblog(state.path())
        .arg("--config")
        .arg(&file)
        .arg("sources")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{}, line 3, key `colour`", file.display())),
        "{stderr}"
    );
}

#[test]
fn a_valid_file_is_ok_with_its_source_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("one.toml");
    std::fs::write(
        &file,
        "[[source]]\nname = \"a\"\nurl = \"https://a.example/live\"\n",
    )
    .expect("write");
    let (code, stdout, stderr) = check(&file);
    assert_eq!(code, Some(0), "{stderr:#?}");
    assert_eq!(stdout, format!("{}: ok (1 source)\n", file.display()));
    assert!(stderr.is_empty(), "{stderr:#?}");
}

#[test]
fn a_bare_path_to_an_existing_file_is_not_a_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A file whose name reads like a host: it exists, so it is read as a file.
    let feed = dir.path().join("example.org");
    std::fs::write(&feed, "<rss/>").expect("write");
    let file = dir.path().join("c.toml");
    std::fs::write(
        &file,
        format!(
            "[[source]]\nname = \"a\"\nurl = \"{}\"\n[[source]]\nname = \"b\"\nurl = \"notes/live.txt\"\n",
            feed.display()
        ),
    )
    .expect("write");
    let (code, stdout, stderr) = check(&file);
    assert_eq!(code, Some(0), "{stderr:#?}");
    assert!(stdout.ends_with(": ok (2 sources)\n"), "{stdout}");
}

#[test]
fn a_file_that_is_not_toml_gives_one_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "[general\ncolour = 1\ninterval = \"5\"\n").expect("write");
    let (code, _, stderr) = check(&file);
    assert_eq!(code, Some(2));
    assert_eq!(stderr.len(), 1, "{stderr:#?}");
    assert!(stderr[0].contains(", line 1"), "{stderr:#?}");
}

#[test]
fn the_library_check_lists_all_and_parse_returns_the_first() {
    let text = std::fs::read_to_string(fixture("six-mistakes.toml")).expect("read");
    let errors = liveblog::config::Config::check(&text, "six.toml").expect_err("six errors");
    assert_eq!(errors.len(), 6, "{errors:#?}");
    let first = liveblog::config::Config::parse(&text, "six.toml").expect_err("invalid");
    assert_eq!(first, errors[0]);
    assert_eq!(
        (first.line, first.key.as_deref()),
        (Some(3), Some("colour"))
    );
}

#[test]
fn values_of_the_wrong_type_do_not_hide_the_rest() {
    let file = fixture("wrong-types.toml");
    let (code, _, stderr) = check(&file);
    assert_eq!(code, Some(2), "{stderr:#?}");
    assert_errors(
        &file,
        &stderr,
        &[
            (3, "interval"),
            (4, "theme"),
            (7, "name"),
            (8, "url"),
            (9, "max_entries"),
            (10, "format"),
            (12, "url"),
            (16, "quit"),
            (19, "query"),
        ],
    );
    assert!(stderr[0].contains("invalid type: integer `5`, expected a string"));
    assert!(stderr[6].contains("missing field `url`"), "{}", stderr[6]);
    assert!(stderr[7].contains("a list of keys"), "{}", stderr[7]);
}
