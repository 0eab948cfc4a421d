//! The real binary driven by keys in tmux, as a user would: the demo shows entries,
//! filtering and the sources panel work, and quitting leaves the terminal clean.

use std::process::Command;
use std::time::{Duration, Instant};

#[path = "common/tmux.rs"]
mod session;

use session::{Tmux, tmux_available};

#[test]
fn demo_in_tmux_at_80x24_and_120x40() {
    if !tmux_available() {
        return;
    }
    for (width, height) in [(80, 24), (120, 40)] {
        let dir = tempfile::tempdir().expect("tempdir");
        let binary = assert_cmd::cargo::cargo_bin("liveblog");
        // The pane's shell prints a marker once the reader has exited, so we can see
        // what is left on the terminal afterwards.
        let command = format!(
            "XDG_STATE_HOME={} {} --demo; stty -a | grep -o ' echo ' ; echo READER-EXITED-$?; sleep 60",
            dir.path().display(),
            binary.display()
        );
        let tmux = Tmux::start(&width.to_string(), width, height, &command);
        // The demo's live blogs arrive as each is polled, and the status line is
        // written after the rows: a capture can fall between any of them.
        tmux.wait_for_all("entries", &["Hurricane Mirei", "Aurora-3", " entries"]);

        tmux.keys(&["/", "g", "o", "a", "l"]);
        let screen = tmux.wait_for("filter", "/goal");
        assert!(
            screen.contains("GOAL"),
            "the filter finds the goals:\n{screen}"
        );
        assert!(screen.contains("hidden"), "{screen}");
        tmux.keys(&["Escape"]);
        let screen = tmux.wait_for("filter cleared", " entries");
        assert!(!screen.contains("/goal"), "{screen}");

        tmux.keys(&["s"]);
        tmux.wait_for("sources panel", "Sources");
        tmux.keys(&["j", "Space"]);
        let screen = tmux.wait_for("source hidden", "[ ]");
        assert!(screen.contains("[x]"), "{screen}");
        tmux.keys(&["Escape", "?"]);
        tmux.wait_for("help", "Keys");
        tmux.keys(&["Escape", "Enter"]);
        tmux.keys(&["Escape", "q"]);

        // The reader exits, the alternate screen is gone and echo is back on.
        let screen = tmux.wait_for("exit", "READER-EXITED-0");
        assert!(
            screen.lines().any(|line| line.trim() == "echo"),
            "terminal left without echo:\n{screen}"
        );
        assert!(
            !screen.contains(" entries ·"),
            "the reader's screen is still shown:\n{screen}"
        );
    }
}

#[test]
fn quitting_with_a_request_in_flight_takes_under_a_second() {
    if !tmux_available() {
        return;
    }
    // A server that accepts and never answers: the poll hangs for the whole timeout.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(16) {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[general]\ntimeout = \"60s\"\n[[source]]\nname = \"hang\"\nurl = \"http://127.0.0.1:{port}/feed\"\n"),
    )
    .expect("config");
    let command = format!(
        "XDG_STATE_HOME={dir} {binary} --config {config} --cache {dir}/c.db; echo READER-EXITED-$?; sleep 60",
        dir = dir.path().display(),
        binary = assert_cmd::cargo::cargo_bin("liveblog").display(),
        config = config.display(),
    );
    let tmux = Tmux::start("quit", 80, 24, &command);
    tmux.wait_for("reader up", "? help");
    std::thread::sleep(Duration::from_millis(500)); // the poll is now hanging
    let started = Instant::now();
    tmux.keys(&["q"]);
    tmux.wait_for("exit", "READER-EXITED-0");
    // `keys` waits 150 ms after sending; the screen is read every 100 ms.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
}

/// Over a cache longer than the window, `Enter` on a filter finds the older matches the
/// reader does not hold; typing over a full window shows the newest matches at once.
#[test]
fn enter_on_a_filter_finds_older_matches_in_the_cache() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // 3,000 items, one in ten about a "comet"; the reader holds the newest 1,000.
    let mut feed = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Long history</title><link>http://127.0.0.1/</link><description>d</description>\n",
    );
    for n in 0..3_000 {
        let minutes = 3_000 - n;
        let topic = if n % 10 == 0 { "comet" } else { "weather" };
        feed.push_str(&format!(
            "<item><guid isPermaLink=\"false\">item-{n}</guid><title>Update {n} on the {topic}</title>\
             <description>Body {n}.</description><pubDate>{}</pubDate></item>\n",
            jiff::Timestamp::from_second(1_800_000_000 - minutes * 60)
                .expect("time")
                .strftime("%a, %d %b %Y %H:%M:%S +0000")
        ));
    }
    feed.push_str("</channel></rss>\n");
    let feed_path = dir.path().join("long.xml");
    std::fs::write(&feed_path, feed).expect("feed");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[general]\nwindow = 1000\ninterval = \"1h\"\ntimezone = \"UTC\"\n\
             [[source]]\nname = \"long\"\nurl = \"{}\"\n",
            feed_path.display()
        ),
    )
    .expect("config");
    let cache = dir.path().join("cache.db");
    let binary = assert_cmd::cargo::cargo_bin("liveblog");
    let refresh = Command::new(&binary)
        .args(["--config", &config.to_string_lossy()])
        .args(["--cache", &cache.to_string_lossy(), "refresh"])
        .output()
        .expect("refresh");
    assert!(refresh.status.success(), "{refresh:?}");

    let command = format!(
        "{} --config {} --cache {}; sleep 60",
        binary.display(),
        config.display(),
        cache.display()
    );
    let tmux = Tmux::start("window", 120, 30, &command);
    tmux.wait_for("the window", "1000 entries");
    tmux.keys(&["/", "c", "o", "m", "e", "t"]);
    let screen = tmux.wait_for("the filter", "100 entries · 900 hidden");
    assert!(screen.contains("Update 2990 on the comet"), "{screen}");
    tmux.keys(&["Enter"]);
    // The 200 older comets (items 0 to 1990) come from the cache.
    let screen = tmux.wait_for("the older matches", "+200 older matches from the cache");
    assert!(screen.contains("300 entries"), "{screen}");
    tmux.keys(&["G"]);
    tmux.wait_for("the oldest match", "Update 0 on the comet");
    tmux.keys(&["q"]);
}

/// The first run with no config, at 80x24 and 120x40: the screen says it shows the
/// built-in sources, where the config would be, and `a`; then `a` and a pasted URL
/// follow a live page (served on 127.0.0.1) and write the config, and `d` `y` in the
/// sources panel take it out again.
#[test]
fn following_a_page_from_the_reader_at_80x24_and_120x40() {
    if !tmux_available() {
        return;
    }
    let (_runtime, server) = live_page_server();
    let url = server.url("/live/storm");
    for (width, height) in [(80u16, 24u16), (120, 40)] {
        let home = tempfile::tempdir().expect("home");
        let config = home.path().join("xdg-config/liveblog/config.toml");
        let command = format!(
            "HOME={home} XDG_CONFIG_HOME={home}/xdg-config XDG_DATA_HOME={home}/xdg-data \
             XDG_STATE_HOME={home}/xdg-state {binary}; echo READER-EXITED-$?; sleep 60",
            home = home.path().display(),
            binary = assert_cmd::cargo::cargo_bin("liveblog").display(),
        );
        let tmux = Tmux::start(&format!("follow{width}"), width, height, &command);
        let screen = tmux.wait_for("the first screen", "Showing the built-in sources");
        // The keys and the config's path, wrapped or not.
        let joined: String = screen.split_whitespace().collect();
        assert!(joined.contains("a:followapage"), "{screen}");
        assert!(
            joined.contains("xdg-config/liveblog/config.toml"),
            "{screen}"
        );
        assert!(!config.exists());

        tmux.keys(&["a"]);
        tmux.wait_for("the question", "follow which page?");
        tmux.run(&["send-keys", "-t", "t", "-l", &url]);
        tmux.keys(&["Enter"]);
        let screen = tmux.wait_for("the page's entries", "Eye wall update 2");
        assert!(screen.contains("added Storm Mireille"), "{screen}");
        let text = std::fs::read_to_string(&config).expect("the config was written");
        assert!(text.contains(&url), "{text}");
        assert!(text.starts_with("# liveblog configuration"), "{text}");
        // The first run's advice is gone once a page is followed.
        assert!(!tmux.screen().contains("Showing the built-in sources"));

        tmux.keys(&["s", "G", "d"]);
        tmux.wait_for("the confirmation", "from the config? y/n");
        tmux.keys(&["y"]);
        tmux.wait_for("removed", "removed Storm Mireille");
        let text = std::fs::read_to_string(&config).expect("config");
        assert!(!text.contains(&url), "{text}");
        tmux.keys(&["Escape"]);
        let screen = tmux.wait_for("the list", " entries");
        assert!(
            !screen.contains("Eye wall update"),
            "its entries left the list:\n{screen}"
        );
        tmux.keys(&["q"]);
        tmux.wait_for("exit", "READER-EXITED-0");
    }
}

/// A loopback server with one JSON-LD live page, `/live/storm` (three updates); the
/// runtime must outlive the server.
fn live_page_server() -> (tokio::runtime::Runtime, liveblog::demo::httpd::Server) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let site = liveblog::demo::httpd::Site::new();
    let updates: Vec<String> = (0..3)
        .map(|n| {
            format!(
                r#"{{"@type":"BlogPosting","@id":"u{n}","headline":"Eye wall update {n}","articleBody":"Body {n}.","datePublished":"2026-11-30T1{n}:00:00Z"}}"#
            )
        })
        .collect();
    let page = format!(
        "<html><head><title>Storm Mireille live: landfall | Example</title>\
         <script type=\"application/ld+json\">{{\"@type\":\"LiveBlogPosting\",\"liveBlogUpdate\":[{}]}}</script></head></html>",
        updates.join(",")
    );
    site.set(
        "/live/storm",
        liveblog::demo::httpd::Resource::ok("text/html", page),
    );
    let server = runtime
        .block_on(liveblog::demo::httpd::Server::start(site))
        .expect("server");
    (runtime, server)
}

/// `liveblog URL`: the reader on that page at once, the config untouched.
#[test]
fn the_reader_follows_a_url_given_on_the_command_line() {
    if !tmux_available() {
        return;
    }
    let (_runtime, server) = live_page_server();
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    let text = "# mine\n[[source]]\nname = \"Other\"\nurl = \"https://example.invalid/x\"\n";
    std::fs::write(&config, text).expect("config");
    let command = format!(
        "XDG_STATE_HOME={dir} {binary} --config {config} --cache {dir}/c.db {url}; echo READER-EXITED-$?; sleep 60",
        dir = dir.path().display(),
        binary = assert_cmd::cargo::cargo_bin("liveblog").display(),
        config = config.display(),
        url = server.url("/live/storm"),
    );
    let tmux = Tmux::start("url", 80, 24, &command);
    let screen = tmux.wait_for("the page's entries", "Eye wall update 2");
    assert!(screen.contains("Storm Mireille"), "{screen}");
    assert!(screen.contains("3 entries"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("exit", "READER-EXITED-0");
    assert_eq!(std::fs::read_to_string(&config).expect("config"), text);
}

/// `o` tries each `$BROWSER` command in turn (colon-separated, `%s` for the URL), with
/// the terminal handed over, and the reader comes back.
#[test]
fn o_tries_each_browser_command_in_turn() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let opened = dir.path().join("opened.txt");
    // The second command of the list records what it was given.
    let fake = dir.path().join("fake-browser");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nprintf '%s|%s' \"$1\" \"$2\" > {}\n",
            opened.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let command = format!(
        "XDG_STATE_HOME={dir} BROWSER='liveblog-no-such-browser --new:{fake} --tab %s' {binary} --demo; echo READER-EXITED-$?; sleep 60",
        dir = dir.path().display(),
        fake = fake.display(),
        binary = assert_cmd::cargo::cargo_bin("liveblog").display(),
    );
    let tmux = Tmux::start("browser", 100, 30, &command);
    tmux.wait_for("entries", "Hurricane Mirei");
    tmux.keys(&["o"]);
    tmux.wait_for("back in the reader", "opened with");
    let args = std::fs::read_to_string(&opened).expect("the second command ran");
    assert!(args.starts_with("--tab|http://127.0.0.1:"), "{args}");
    tmux.keys(&["q"]);
    tmux.wait_for("exit", "READER-EXITED-0");
}
