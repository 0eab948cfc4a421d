#!/usr/bin/env bash
# Polling huge feeds (issue 17): FEEDS x ITEMS (default five feeds of 20,000 items,
# about 28 MB each) served on 127.0.0.1, `max_body = "100MB"`, then ROUNDS rounds of:
#   - a cold `liveblog refresh` into an empty cache (wall time and peak RSS from
#     /usr/bin/time);
#   - the reader's first poll: the reader started in a detached tmux 120x40 on an
#     empty cache, polling every feed, measured once every feed has been stored and
#     its VmRSS and screen held for SETTLE seconds (VmHWM from /proc/PID/status).
# Prints each run and the medians.
#
#   bench/poll-huge.sh                     # ROUNDS=3 FEEDS=5 ITEMS=20000
#   ONLY=refresh bench/poll-huge.sh        # or ONLY=reader
#   LIVEBLOG_BIN=path bench/poll-huge.sh   # that binary, no build
set -euo pipefail

ROUNDS=${ROUNDS:-3}
FEEDS=${FEEDS:-5}
ITEMS=${ITEMS:-20000}
SETTLE=${SETTLE:-5}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-300}
ONLY=${ONLY:-}
. "$(dirname "$0")/lib.sh"

lib_tools
lib_liveblog
lib_workdir
lib_serve "$FEEDS" "$ITEMS"
lib_liveblog_config "$WORK/liveblog.toml" 'max_body = "100MB"'
echo "liveblog $("$LIVEBLOG" --version | cut -d' ' -f2), $FEEDS feeds x $ITEMS items" \
    "($(du -cb "$WORK"/www/*.xml | tail -1 | awk '{ printf "%.0f MB", $1 / 1048576 }')) on $BASE," \
    "$ROUNDS rounds, $(nproc) cores"

# polled COLUMN: how many sources the cache has COLUMN (last_attempt, last_success) for.
polled() {
    sqlite3 -readonly "$WORK/cache/cache.db" "select count(*) from sources where $1 is not null" 2>/dev/null || echo 0
}
# all_polled: whether every feed was polled (stored, or failed).
all_polled() { [ "$(polled last_attempt)" -ge "$FEEDS" ]; }

refresh() {
    rm -rf "$WORK/cache"; mkdir -p "$WORK/cache"
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$LIVEBLOG" --config "$WORK/liveblog.toml" \
        --cache "$WORK/cache/cache.db" refresh >"$WORK/out" 2>&1 || {
        echo "  refresh failed:"; tail -5 "$WORK/out"; exit 1; }
    read -r wall kb < "$WORK/time"
    echo "refresh $wall $kb" >> "$WORK/results"
    printf '  refresh          %6.2f s   peak %6.1f MB   (load %s)\n' "$wall" "$(echo "$kb / 1024" | bc -l)" \
        "$(cut -d' ' -f1 /proc/loadavg)"
}

# The reader on an empty cache until its status line counts every item and VmRSS and
# the screen held for SETTLE seconds.
reader() {
    rm -rf "$WORK/cache"; mkdir -p "$WORK/cache"
    local session="lbpoll-$$" rss hwm
    lib_reader "$session" "$LIVEBLOG" --config "$WORK/liveblog.toml" --cache "$WORK/cache/cache.db"
    lib_settle "$session" reader all_polled
    hwm=$(lib_status_kb "$LIB_PID" VmHWM)
    rss=$(lib_status_kb "$LIB_PID" VmRSS)
    tmux capture-pane -p -t "$session" > "$WORK/screen"
    lib_stop "$session"
    echo "reader 0 $hwm" >> "$WORK/results"
    printf '  reader poll      VmHWM %6.1f MB, VmRSS %6.1f MB (settled after %ss; %s of %s feeds stored; %s)\n' \
        "$(echo "$hwm / 1024" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$LIB_WAITED" "$(polled last_success)" "$FEEDS" \
        "$(grep -h -o '[0-9,]* entries' "$WORK/screen" | head -1)"
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS"
    [ "$ONLY" = reader ] || refresh
    [ "$ONLY" = refresh ] || reader
done

PYTHONPATH="$HERE" python3 - "$WORK/results" <<'EOF'
import statistics, sys
from results import load
runs = load(sys.argv[1])
print("medians:")
if "refresh" in runs:
    r = runs["refresh"]
    print(f"  refresh {statistics.median(w for w, _ in r):.2f} s (runs {', '.join(f'{w:.2f}' for w, _ in r)}), "
          f"peak {statistics.median(k for _, k in r) / 1024:.1f} MB (max {max(k for _, k in r) / 1024:.1f})")
if "reader" in runs:
    r = runs["reader"]
    print(f"  reader's first poll VmHWM {statistics.median(k for _, k in r) / 1024:.1f} MB "
          f"(runs {', '.join(f'{k / 1024:.1f}' for _, k in r)}; target < 200 MB)")
EOF
