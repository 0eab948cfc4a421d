//! `m` (mark all read) over a full window of 50,000 entries, in the real reader in tmux
//! (issue 16, item 7): the list shows every entry read, the reader answers the next keys
//! at once, and the cache holds the marks once it quits. (A lookup per entry made this
//! quadratic: over 9 s of a frozen screen at 50,000 entries, far past the generous
//! liveness bound here.)

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use liveblog::model::{EntryId, Item, SourceId};
use liveblog::store::Store;

#[path = "common/tmux.rs"]
mod session;

use session::{Tmux, tmux_available};

/// Entries in the cache: a full default window.
const ENTRIES: usize = 50_000;

/// How long the reader may take to answer a key: liveness, not speed.
const ANSWERS_WITHIN: Duration = Duration::from_secs(10);

fn item(number: usize, oldest: Timestamp) -> Item {
    let minutes = i64::try_from(number).expect("a small number");
    Item {
        id: EntryId(format!("e{number}")),
        published: Some(oldest + jiff::SignedDuration::from_mins(minutes)),
        updated: None,
        title: format!("Report number {number}"),
        author: None,
        url: None,
        text: format!("Body of report {number}."),
        html: None,
        flags: Default::default(),
    }
}

fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn marking_a_full_window_read_keeps_the_reader_answering() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache.db");
    let source = SourceId("blog".to_string());
    let now = Timestamp::now();
    let oldest = now - jiff::SignedDuration::from_mins(i64::try_from(ENTRIES).expect("small"));
    let items: Vec<Item> = (0..ENTRIES).rev().map(|n| item(n, oldest)).collect();
    {
        let mut store = Store::open(&cache).expect("cache");
        store
            .apply(&source, &items, now)
            .expect("store the entries");
    }
    // The source itself lists only the newest entry, and is not polled again for an hour.
    let feed = dir.path().join("feed.xml");
    let newest = &items[0];
    std::fs::write(
        &feed,
        format!(
            "<rss version=\"2.0\"><channel><title>Blog</title><item><guid>{}</guid>\
             <title>{}</title><pubDate>{}</pubDate><description>{}</description></item>\
             </channel></rss>",
            newest.id.0,
            newest.title,
            newest
                .published
                .expect("dated")
                .strftime("%a, %d %b %Y %H:%M:%S GMT"),
            newest.text
        ),
    )
    .expect("feed");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nname = \"blog\"\nurl = \"{}\"\ninterval = \"1h\"\n",
            feed.display()
        ),
    )
    .expect("config");
    let command = format!(
        "XDG_STATE_HOME={} NO_COLOR=1 {} --config {} --cache {}",
        shell_quote(dir.path()),
        shell_quote(&assert_cmd::cargo::cargo_bin("liveblog")),
        shell_quote(&config),
        shell_quote(&cache)
    );
    let tmux = Tmux::start("markall", 120, 40, &command);
    // The whole window has loaded (the cache worker sends it after the first frame).
    tmux.wait_until(&format!("{ENTRIES} entries"), Duration::from_secs(120))
        .unwrap_or_else(|screen| panic!("the window did not load:\n{screen}"));
    assert!(tmux.screen().contains('•'), "unread entries are marked");

    tmux.keys(&["m"]);
    let screen = tmux
        .wait_until(&format!("marked {ENTRIES} read"), ANSWERS_WITHIN)
        .unwrap_or_else(|screen| panic!("m did not answer within {ANSWERS_WITHIN:?}:\n{screen}"));
    assert!(
        !screen.contains('•'),
        "every entry shown is read:\n{screen}"
    );

    // The next keys are answered: the oldest entry, read too.
    tmux.keys(&["G"]);
    let screen = tmux
        .wait_until("Report number 0 ", ANSWERS_WITHIN)
        .unwrap_or_else(|screen| panic!("G did not answer within {ANSWERS_WITHIN:?}:\n{screen}"));
    assert!(
        !screen.contains('•'),
        "the oldest entries are read:\n{screen}"
    );

    // The marks reach the cache (one transaction, written before the reader exits).
    tmux.keys(&["q"]);
    let store = Store::open(&cache).expect("cache");
    let started = Instant::now();
    loop {
        let entries = store.entries(None).expect("entries");
        assert_eq!(entries.len(), ENTRIES);
        let unread = entries.iter().filter(|entry| !entry.read).count();
        if unread == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{unread} entries still unread in the cache"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
