//! The reader runs on few threads (issue 17): glibc gives each thread that allocates an
//! arena of its own, which keeps what it once held, so every thread the reader does not
//! need is memory it holds for nothing. The UI runs on the main thread and the cache on
//! its worker; the async runtime only moves fetches along, on one worker thread.

use std::time::Duration;

#[path = "common/tmux.rs"]
mod session;

use session::{Tmux, tmux_available};

/// The names of the threads of process `pid`.
fn thread_names(pid: &str) -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect()
}

#[test]
fn the_reader_runs_one_runtime_worker() {
    if !tmux_available() || !std::path::Path::new("/proc/self/task").exists() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[general]\ninterval = \"1h\"\n[[source]]\nname = \"gone\"\nurl = \"{}/missing.xml\"\nformat = \"rss\"\n",
            dir.path().display()
        ),
    )
    .expect("config");
    // exec: the pane's process is the reader itself.
    let command = format!(
        "XDG_STATE_HOME={dir} exec {binary} --config {config} --cache {dir}/c.db",
        dir = dir.path().display(),
        binary = assert_cmd::cargo::cargo_bin("liveblog").display(),
        config = config.display(),
    );
    let tmux = Tmux::start("threads", 80, 24, &command);
    tmux.wait_for("its poll done", "gone failed");
    let pid = tmux.run(&["list-panes", "-t", "t", "-F", "#{pane_pid}"]);
    let pid = pid.trim();
    // Settled: the blocking threads of its one poll (of a missing file) idle for long
    // enough to have ended (they end after a second idle).
    std::thread::sleep(Duration::from_secs(3));
    let names = thread_names(pid);
    // And one allocator arena for them all: the reader started itself again with the
    // bound glibc reads as a program starts.
    let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("environ");
    let tunables = environ
        .split(|&byte| byte == 0)
        .find_map(|pair| pair.strip_prefix(b"GLIBC_TUNABLES="));
    if cfg!(target_env = "gnu") {
        assert_eq!(
            tunables.map(String::from_utf8_lossy).as_deref(),
            Some("glibc.malloc.arena_max=1")
        );
    }
    // Main (the UI), the cache's worker, the terminal's input, one runtime worker.
    assert!(names.len() <= 4, "{} threads: {names:?}", names.len());
    tmux.keys(&["q"]);
}
