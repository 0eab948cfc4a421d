#!/usr/bin/env bash
# CPU used by an idle reader: the TUI runs in a detached tmux (120x40) over a config with
# one local-file source and a 1h interval; after it settles, its CPU time (utime + stime of
# all threads, /proc/PID/stat) is read before and after IDLE seconds of nothing happening.
#
#   bench/idle-cpu.sh              # IDLE=20
set -euo pipefail

IDLE=${IDLE:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v tmux >/dev/null || { apt-get install -y tmux >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y tmux >/dev/null; }; }
# LIVEBLOG_BIN=path uses that binary instead of building target/release/liveblog.
if [ -z "${LIVEBLOG_BIN:-}" ]; then (cd "$ROOT" && cargo build --release --quiet --bin liveblog); fi
LIVEBLOG=${LIVEBLOG_BIN:-"$ROOT/target/release/liveblog"}

WORK=$(mktemp -d)
SESSION="liveblog-idle-$$"
cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

python3 "$ROOT/bench/feeds.py" generate "$WORK/www" 1 100 >/dev/null
cat > "$WORK/config.toml" <<EOF
[general]
interval = "1h"
timezone = "UTC"

[[source]]
name = "local"
url = "$WORK/www/feed-00.xml"
format = "rss"
EOF

tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "exec '$LIVEBLOG' --config '$WORK/config.toml' --cache '$WORK/cache.db'"
PID=$(tmux list-panes -t "$SESSION" -F '#{pane_pid}')
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

sleep 5 # start, first poll, first frames
if ! grep -q "feed 00\|Bench feed\|local" <(tmux capture-pane -p -t "$SESSION"); then
    echo "warning: the reader's screen does not show the source yet:"; tmux capture-pane -p -t "$SESSION" | head -5
fi
before=$(cpu)
sleep "$IDLE"
after=$(cpu)
ticks=$((after - before))
awk -v pid="$PID" -v t="$ticks" -v hz="$TICK" -v s="$IDLE" -v start="$before" 'BEGIN {
    printf "idle reader (pid %s): %d ticks = %.2f s of CPU in %d s idle (%.2f%% of one core); %.2f s CPU before (start-up and first poll)\n",
        pid, t, t / hz, s, 100 * t / hz / s, start / hz }'
