//! Inputs with no natural bound meet a bound that says what it is (issue 16, item 15):
//! a config file that never ends, and queries of thousands of terms.

use std::process::Command;

use jiff::Timestamp;
use liveblog::config::{Config, MAX_CONFIG_SIZE};
use liveblog::model::{EntryId, Item, SourceId};
use liveblog::query::Query;
use liveblog::store::Store;

#[test]
fn an_endless_config_is_refused_naming_the_file() {
    let error =
        Config::load(Some(std::path::Path::new("/dev/zero"))).expect_err("/dev/zero is no config");
    let text = error.to_string();
    assert!(text.starts_with("/dev/zero: "), "{text}");
    assert!(text.contains("larger than 1 MB"), "{text}");
}

#[test]
fn a_config_just_over_the_cap_is_refused_and_one_under_it_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    let comment = |len: u64| {
        let mut text = "#".repeat(usize::try_from(len).expect("fits") - 1);
        text.push('\n');
        text
    };
    std::fs::write(&path, comment(MAX_CONFIG_SIZE + 1)).expect("write");
    let error = Config::load(Some(&path)).expect_err("over the cap");
    assert!(error.to_string().contains("larger than 1 MB"), "{error}");
    std::fs::write(&path, comment(MAX_CONFIG_SIZE)).expect("write");
    Config::load(Some(&path)).expect("a config of exactly the cap is read");
}

#[test]
fn the_binary_exits_2_on_an_endless_config() {
    let output = Command::new(env!("CARGO_BIN_EXE_liveblog"))
        .args(["--config", "/dev/zero", "sources"])
        .env("XDG_STATE_HOME", std::env::temp_dir())
        .output()
        .expect("run liveblog");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("/dev/zero") && stderr.contains("larger than"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

fn store_with(titles: &[&str]) -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let items: Vec<Item> = titles
        .iter()
        .enumerate()
        .map(|(n, title)| Item {
            id: EntryId(format!("e{n}")),
            published: Timestamp::from_second(1_700_000_000 + n as i64).ok(),
            updated: None,
            title: (*title).to_string(),
            author: None,
            url: None,
            text: format!("Body {n}."),
            html: None,
            flags: Default::default(),
        })
        .collect();
    store
        .apply(&SourceId("live".to_string()), &items, Timestamp::now())
        .expect("apply");
    store.catch_up_index(None).expect("index");
    store
}

/// Thousands of terms under AND and under OR give the same answer in SQL as in memory.
#[test]
fn queries_of_thousands_of_terms_work_in_sql() {
    let mut store = store_with(&["ceasefire talks resume", "drone strike"]);
    let and = vec!["ceasefire"; 3000].join(" ");
    let or = (0..3000)
        .map(|n| format!("nomatch{n}"))
        .chain(["drone".to_string()])
        .collect::<Vec<_>>()
        .join(" OR ");
    let not = (0..3000)
        .map(|n| format!("-nomatch{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    for (text, expected) in [(and, vec!["e0"]), (or, vec!["e1"]), (not, vec!["e1", "e0"])] {
        let query = Query::parse(&text).expect("parses");
        let found: Vec<String> = store
            .query(&query, Timestamp::now(), None)
            .unwrap_or_else(|err| panic!("{} terms: {err}", text.split(' ').count()))
            .into_iter()
            .map(|entry| entry.item.id.0)
            .collect();
        assert_eq!(found, expected);
    }
}
