#!/usr/bin/env bash
# The readers' memory, liveblog vs newsboat, side by side in one run (issue 17): both
# caches filled from the same FEEDS x ITEMS served on 127.0.0.1 (each by its own
# refresh: `liveblog refresh`, `newsboat -x reload`), then each reader started in a
# detached tmux 120x40 on its cache, without polling, and read once it has loaded;
# the same with an empty cache; then the caches' sizes on disk.
#
#   bench/compare-memory.sh              # FEEDS=50 ITEMS=1000 (50,000 items, ~1.4 KB each)
#   WINDOW=1000000 FEEDS=25 ITEMS=40000 FETCH_TIMEOUT=600s bench/compare-memory.sh   # liveblog only
#
# Loaded means that for SETTLE seconds (default 5) VmRSS has not grown and the screen
# has not changed (liveblog shows its first screen, then loads the rest of its window
# behind it, counting the entries in its status line); at most LOAD_TIMEOUT seconds
# (default 600). Printed: VmRSS and VmHWM from /proc/PID/status.
# liveblog's sources are pointed at files that are not there for the measured runs
# (same names, so their entries are listed), so only the cache is measured; newsboat
# does not reload on start (`refresh-on-startup no`, `auto-reload no`).
# WINDOW sets liveblog's `window` (and skips newsboat); LIVEBLOG_BIN=path skips the build.
# CACHES=DIR keeps the filled caches in DIR and reuses them on the next run with the same
# FEEDS and ITEMS (filling a million items takes long; the readers are what is measured).
set -euo pipefail

FEEDS=${FEEDS:-50}
ITEMS=${ITEMS:-1000}
WINDOW=${WINDOW:-}
SETTLE=${SETTLE:-5}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-600}
. "$(dirname "$0")/lib.sh"

lib_tools
lib_liveblog
lib_workdir
WITH_NEWSBOAT=yes
[ -n "$WINDOW" ] && WITH_NEWSBOAT=""

echo "liveblog $("$LIVEBLOG" --version | cut -d' ' -f2)${WITH_NEWSBOAT:+ vs $(newsboat -v | head -1 | cut -d' ' -f1-2)}," \
    "$FEEDS feeds x $ITEMS items${WINDOW:+, window $WINDOW}, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
CACHES=${CACHES:-}
FILLED=""
if [ -n "$CACHES" ]; then
    mkdir -p "$CACHES"
    stamp="$FEEDS x $ITEMS"
    if [ -s "$CACHES/lb/cache.db" ] && [ "$(cat "$CACHES/filled" 2>/dev/null)" = "$stamp" ] &&
        { [ -z "$WITH_NEWSBOAT" ] || [ -s "$CACHES/nb/cache.db" ]; }; then
        FILLED=yes
    else
        rm -rf "$CACHES/lb" "$CACHES/nb" "$CACHES/filled"
    fi
    mkdir -p "$CACHES/lb" "$CACHES/nb"
    ln -s "$CACHES/lb" "$WORK/lb"; ln -s "$CACHES/nb" "$WORK/nb"
fi
# Reused caches need no server; newsboat's keep the URLs (and port) they were filled from.
if [ -n "$FILLED" ]; then FEED_COUNT=$FEEDS; BASE=http://127.0.0.1:9; else lib_serve "$FEEDS" "$ITEMS"; fi

general='max_body = "100MB"'
[ -n "$WINDOW" ] && general="$general"$'\n'"window = $WINDOW"
lib_liveblog_config "$WORK/fill.toml" "$general"
# The measured runs poll nothing that answers: every source is a missing file.
lib_liveblog_config "$WORK/idle.toml" "$general" "$WORK/missing"
lib_newsboat_urls "$WORK/urls"
if [ -n "$FILLED" ]; then cp "$CACHES/urls" "$WORK/urls"; fi
printf 'reload-threads 8\nshow-read-feeds yes\nrefresh-on-startup no\nauto-reload no\n' > "$WORK/newsboat.conf"
mkdir -p "$WORK/lb" "$WORK/nb" "$WORK/lb-empty" "$WORK/nb-empty"

# Fill the caches (timed, for the record).
fill() {
    local name=$1; shift
    /usr/bin/time -f "%e s, peak %M KB" -o "$WORK/time" "$@" >"$WORK/out" 2>&1 || {
        echo "  $name failed:"; tail -5 "$WORK/out"; exit 1; }
    printf '  fill %-10s %s\n' "$name" "$(cat "$WORK/time")"
}
if [ -n "$FILLED" ]; then
    echo "  reusing the caches filled in $CACHES"
else
    fill liveblog "$LIVEBLOG" --config "$WORK/fill.toml" --cache "$WORK/lb/cache.db" refresh
    [ -n "$WITH_NEWSBOAT" ] && fill newsboat newsboat -x reload -u "$WORK/urls" -C "$WORK/newsboat.conf" -c "$WORK/nb/cache.db"
    if [ -n "$CACHES" ]; then cp "$WORK/urls" "$CACHES/urls"; echo "$FEEDS x $ITEMS" > "$CACHES/filled"; fi
fi
if [ -n "$LIB_SERVER" ]; then kill "$LIB_SERVER" 2>/dev/null || true; wait "$LIB_SERVER" 2>/dev/null || true; LIB_SERVER=""; fi

# measure NAME CMD...: the reader in tmux 120x40 until its VmRSS settles; prints and
# records VmRSS and VmHWM.
measure() {
    local name=$1; shift
    local session="lbmem-$$-$name" rss hwm
    lib_reader "$session" "$@"
    lib_settle "$session" "$name"
    hwm=$(lib_status_kb "$LIB_PID" VmHWM)
    rss=$(lib_status_kb "$LIB_PID" VmRSS)
    awk -v name="$name" -v rss="$rss" -v hwm="$hwm" -v waited="$LIB_WAITED" 'BEGIN {
        printf "  %-16s VmRSS %7.1f MB   VmHWM %7.1f MB   (settled after %ss)\n", name, rss / 1024, hwm / 1024, waited }'
    echo "$name $rss $hwm" >> "$WORK/results"
    tmux capture-pane -p -t "$session" > "$WORK/screen-$name"
    lib_stop "$session"
}

echo "readers in tmux 120x40, measured once VmRSS and the screen held for ${SETTLE}s:"
measure liveblog "$LIVEBLOG" --config "$WORK/idle.toml" --cache "$WORK/lb/cache.db"
if [ -n "$WITH_NEWSBOAT" ]; then
    measure newsboat newsboat -u "$WORK/urls" -C "$WORK/newsboat.conf" -c "$WORK/nb/cache.db"
fi
measure liveblog-empty "$LIVEBLOG" --config "$WORK/idle.toml" --cache "$WORK/lb-empty/cache.db"
if [ -n "$WITH_NEWSBOAT" ]; then
    measure newsboat-empty newsboat -u "$WORK/urls" -C "$WORK/newsboat.conf" -c "$WORK/nb-empty/cache.db"
fi

# What liveblog's list showed, to be sure it held the entries (its status line).
grep -h -o '[0-9,]* entries[^│]*' "$WORK/screen-liveblog" | head -1 | sed 's/^/  liveblog status: /' || true

size_mb() { du -cb "$@" 2>/dev/null | tail -1 | awk '{ printf "%.1f MB", $1 / 1048576 }'; }
echo "cache on disk:"
echo "  liveblog  $(size_mb "$WORK"/lb/cache.db*)"
[ -n "$WITH_NEWSBOAT" ] && echo "  newsboat  $(size_mb "$WORK"/nb/cache.db)"

if [ -n "$WITH_NEWSBOAT" ]; then
    python3 - "$WORK/results" "$((FEEDS * ITEMS))" <<'EOF'
import sys
runs = {name: (int(rss), int(hwm)) for name, rss, hwm in (line.split() for line in open(sys.argv[1]))}
items = int(sys.argv[2])
lb, nb = runs["liveblog"][0], runs["newsboat"][0]
per = lambda name: (runs[name][0] - runs[name + "-empty"][0]) * 1024 / items
print(f"liveblog/newsboat VmRSS = {lb / nb:.2f}x (target <= 1x: {'met' if lb <= nb else 'MISSED'}); "
      f"per item over an empty cache: liveblog {per('liveblog'):.0f} B, newsboat {per('newsboat'):.0f} B")
EOF
fi
