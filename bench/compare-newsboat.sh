#!/usr/bin/env bash
# liveblog vs newsboat, side by side, in one run: 50 RSS feeds x 100 items served on
# 127.0.0.1 (ETag / Last-Modified, 304 on a conditional GET), then ROUNDS alternating
# rounds of: cold `liveblog refresh` (empty cache), cold `newsboat -x reload` (empty
# cache), warm liveblog (every poll a 304), warm newsboat. Wall time and peak RSS of each
# run come from /usr/bin/time; prints the medians and the liveblog/newsboat ratios.
#
#   bench/compare-newsboat.sh            # ROUNDS=5 FEEDS=50 ITEMS=100 THREADS=8
#
# Both get the same concurrency: newsboat `reload-threads $THREADS`, liveblog
# `max_per_host = $THREADS` (every feed is on the one host 127.0.0.1).
set -euo pipefail

ROUNDS=${ROUNDS:-5}
FEEDS=${FEEDS:-50}
ITEMS=${ITEMS:-100}
THREADS=${THREADS:-8}
. "$(dirname "$0")/lib.sh"

lib_tools
# LIVEBLOG_BIN=path uses that binary instead of building target/release/liveblog.
lib_liveblog
lib_workdir
lib_serve "$FEEDS" "$ITEMS"
stats() { python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())" "$BASE/__stats"; }

lib_liveblog_config "$WORK/liveblog.toml" "$(printf 'max_per_host = %s\nmax_connections = %s' "$THREADS" "$((THREADS * 2))")"
lib_newsboat_urls "$WORK/urls"
printf 'reload-threads %s\nshow-read-feeds yes\n' "$THREADS" > "$WORK/newsboat.conf"

# run NAME CMD...: one timed run; appends "NAME wall_s peak_kb" to results
run() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>&1 || {
        echo "  $name failed:"; tail -5 "$WORK/out"; exit 1; }
    echo "$name $(cat "$WORK/time")" >> "$WORK/results"
    printf '  %-16s %6ss  %7s KB  server: %s\n' "$name" $(cat "$WORK/time") "$(stats)"
}

echo "liveblog $("$LIVEBLOG" --version | cut -d' ' -f2) vs $(newsboat -v | head -1 | cut -d' ' -f1-2)," \
    "$FEEDS feeds x $ITEMS items on $BASE, $ROUNDS rounds, $(nproc) cores"
stats >/dev/null
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))"
    rm -rf "$WORK/lb" "$WORK/nb"; mkdir -p "$WORK/lb" "$WORK/nb"
    run liveblog-cold "$LIVEBLOG" --config "$WORK/liveblog.toml" --cache "$WORK/lb/cache.db" refresh
    run newsboat-cold newsboat -x reload -u "$WORK/urls" -C "$WORK/newsboat.conf" -c "$WORK/nb/cache.db"
    # newsboat stores a new feed's ETag only from its second reload on (the feed's row
    # is written after the first download), so prime both once, untimed, before the
    # warm runs: then every warm poll is a conditional GET answered 304.
    "$LIVEBLOG" --config "$WORK/liveblog.toml" --cache "$WORK/lb/cache.db" refresh >/dev/null
    newsboat -x reload -u "$WORK/urls" -C "$WORK/newsboat.conf" -c "$WORK/nb/cache.db" >/dev/null
    stats >/dev/null
    run liveblog-warm "$LIVEBLOG" --config "$WORK/liveblog.toml" --cache "$WORK/lb/cache.db" refresh
    run newsboat-warm newsboat -x reload -u "$WORK/urls" -C "$WORK/newsboat.conf" -c "$WORK/nb/cache.db"
done

PYTHONPATH="$HERE" python3 - "$WORK/results" <<'EOF'
import statistics, sys
from results import load
runs = load(sys.argv[1])
med = lambda name, i: statistics.median(r[i] for r in runs[name])
print("\nmedians                 wall s   peak RSS MB")
for name in ["liveblog-cold", "newsboat-cold", "liveblog-warm", "newsboat-warm"]:
    print(f"  {name:<20} {med(name, 0):8.2f}   {med(name, 1) / 1024:8.1f}")
for phase in ["cold", "warm"]:
    lb, nb = med(f"liveblog-{phase}", 0), med(f"newsboat-{phase}", 0)
    lm, nm = med(f"liveblog-{phase}", 1), med(f"newsboat-{phase}", 1)
    ratio = lb / nb if nb > 0 else float("inf")
    print(f"{phase}: wall liveblog/newsboat = {ratio:.2f}x (target <= 0.5x: {'met' if ratio <= 0.5 else 'MISSED'}); "
          f"peak RSS {lm / 1024:.1f} MB vs {nm / 1024:.1f} MB ({'less' if lm < nm else 'MORE'})")
EOF
