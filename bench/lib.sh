# Shared by the bench scripts that compare liveblog with newsboat (source it):
# tools, the liveblog binary, a work directory cleaned on exit, the generated feeds
# served on 127.0.0.1, and both readers' configs for them.
#
#   . "$(dirname "$0")/lib.sh"
#   lib_tools; lib_liveblog; lib_workdir; lib_serve FEEDS ITEMS
#   lib_liveblog_config FILE [EXTRA_GENERAL_LINES] ; lib_newsboat_urls FILE
#
# Sets ROOT, HERE, LIVEBLOG, WORK, BASE (http://127.0.0.1:PORT), FEED_COUNT.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/bench"

need() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
    if ! apt-get install -y "$@" >/dev/null 2>&1; then
        apt-get update >/dev/null && apt-get install -y "$@" >/dev/null
    fi
}

# newsboat, /usr/bin/time, python3, tmux, sqlite3 and bc, installed when missing.
lib_tools() {
    need newsboat || apt_install newsboat
    [ -x /usr/bin/time ] || apt_install time
    need python3 || apt_install python3
    need tmux || apt_install tmux
    need sqlite3 || apt_install sqlite3
    need bc || apt_install bc
}

# LIVEBLOG: LIVEBLOG_BIN if set, else target/release/liveblog, built first.
lib_liveblog() {
    if [ -z "${LIVEBLOG_BIN:-}" ]; then (cd "$ROOT" && cargo build --release --quiet --bin liveblog); fi
    LIVEBLOG=${LIVEBLOG_BIN:-"$ROOT/target/release/liveblog"}
}

# WORK: a fresh directory, removed on exit with the server and any tmux session the
# script registered in LIB_SESSIONS.
LIB_SERVER=""
LIB_SESSIONS=()
lib_workdir() {
    WORK=$(mktemp -d)
    trap lib_cleanup EXIT INT TERM
}
lib_cleanup() {
    local session
    for session in "${LIB_SESSIONS[@]}"; do tmux kill-session -t "$session" 2>/dev/null || true; done
    if [ -n "$LIB_SERVER" ]; then kill "$LIB_SERVER" 2>/dev/null || true; wait "$LIB_SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}

# lib_status_kb PID KEY: a figure of /proc/PID/status in KiB (nothing once PID is gone).
lib_status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# lib_reader SESSION CMD...: runs CMD (exec'd: the pane's process is the reader itself)
# in a detached tmux 120x40 named SESSION; sets LIB_PID.
lib_reader() {
    local session=$1; shift
    LIB_SESSIONS+=("$session")
    tmux new-session -d -s "$session" -x 120 -y 40 "exec $(printf '%q ' "$@")"
    LIB_PID=""
    for _ in $(seq 1 50); do
        LIB_PID=$(tmux list-panes -t "$session" -F '#{pane_pid}' 2>/dev/null | head -1)
        [ -n "$LIB_PID" ] && break; sleep 0.1
    done
}

# lib_settle SESSION NAME [DONE...]: waits until the reader's VmRSS has not grown and its
# screen has not changed (the status line counts what loads) for SETTLE seconds, and
# the command DONE (if given) succeeds; at most LOAD_TIMEOUT seconds. Sets LIB_WAITED;
# exits if the reader ends.
lib_settle() {
    local session=$1 name=$2; shift 2
    local rss last="" screen last_screen="" stable=0
    LIB_WAITED=0
    while :; do
        sleep 1; LIB_WAITED=$((LIB_WAITED + 1))
        rss=$(lib_status_kb "$LIB_PID" VmRSS)
        if [ -z "$rss" ]; then
            echo "  $name: exited before it settled:"; tmux capture-pane -p -t "$session" | tail -5; exit 1
        fi
        screen=$(tmux capture-pane -p -t "$session" | cksum)
        if [ -n "$last" ] && [ "$rss" -le "$last" ] && [ "$screen" = "$last_screen" ]; then
            stable=$((stable + 1))
        else
            stable=0
        fi
        if [ -z "$last" ] || [ "$rss" -gt "$last" ]; then last=$rss; fi
        last_screen=$screen
        if [ "$stable" -ge "$SETTLE" ] && { [ $# -eq 0 ] || "$@"; }; then break; fi
        if [ "$LIB_WAITED" -ge "$LOAD_TIMEOUT" ]; then echo "  $name: not settled after ${LOAD_TIMEOUT}s"; break; fi
    done
}

# lib_stop SESSION: ends the reader and waits until it is gone (its cache lock, memory).
lib_stop() {
    tmux kill-session -t "$1" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$LIB_PID" ] || break; sleep 0.1; done
}

# lib_serve FEEDS ITEMS: generates $WORK/www/feed-NN.xml and serves it (ETag,
# Last-Modified, 304) on BASE.
lib_serve() {
    FEED_COUNT=$1
    python3 "$HERE/feeds.py" generate "$WORK/www" "$1" "$2"
    python3 "$HERE/feeds.py" serve "$WORK/www" "$WORK/port" &
    LIB_SERVER=$!
    for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
    BASE="http://127.0.0.1:$(cat "$WORK/port")"
}

# The served feeds' names, feed-00 .. feed-(FEED_COUNT-1).
lib_feed_names() { seq -f 'feed-%02g' 0 $((FEED_COUNT - 1)); }

# lib_liveblog_config FILE [GENERAL] [URL_PREFIX]: a liveblog config following every
# served feed (source "feed NN"); GENERAL is more lines for [general]; URL_PREFIX
# replaces BASE (a missing directory points every source at a file that is not there).
# FETCH_TIMEOUT (default 20s) is each fetch's timeout: a 56 MB feed on a loaded machine
# needs more.
lib_liveblog_config() {
    local file=$1 general=${2:-} prefix=${3:-$BASE} name
    {
        printf '[general]\ninterval = "1h"\ntimeout = "%s"\ntimezone = "UTC"\n' "${FETCH_TIMEOUT:-20s}"
        [ -n "$general" ] && printf '%s\n' "$general"
        for name in $(lib_feed_names); do
            printf '\n[[source]]\nname = "feed %s"\nurl = "%s/%s.xml"\nformat = "rss"\n' \
                "${name#feed-}" "$prefix" "$name"
        done
    } > "$file"
}

# lib_newsboat_urls FILE: newsboat's urls file for every served feed.
lib_newsboat_urls() {
    local name
    for name in $(lib_feed_names); do echo "$BASE/$name.xml"; done > "$1"
}
