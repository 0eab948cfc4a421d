#!/usr/bin/env bash
# The cache on disk, liveblog vs newsboat, for the same items: FEEDS RSS feeds x ITEMS
# items (bench/feeds.py, about 1.4 KB each) served on 127.0.0.1, each cache filled by
# one cold refresh of its own program (`liveblog refresh`, `newsboat -x reload`). Prints
# each cache's size once its program has exited (the file plus any -wal/-shm left
# beside it), the ratio, and where liveblog's bytes go: pages per table and index
# (SQLite's `dbstat`) and bytes per column of `entries`.
#
#   bench/cache-size.sh                  # FEEDS=50 ITEMS=1000 THREADS=8
#   FIXTURES=1 bench/cache-size.sh       # also: the files of ../shared/fixtures as sources
#   KEEP=DIR bench/cache-size.sh         # copies the caches into DIR before cleaning up
#
# The serving and the two configurations are those of bench/compare-newsboat.sh.
set -euo pipefail

FEEDS=${FEEDS:-50}
ITEMS=${ITEMS:-1000}
THREADS=${THREADS:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE="$ROOT/bench"

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
    if ! apt-get install -y "$@" >/dev/null 2>&1; then
        apt-get update >/dev/null && apt-get install -y "$@" >/dev/null
    fi
}
need newsboat || apt_install newsboat
need sqlite3 || apt_install sqlite3
need python3 || apt_install python3

# LIVEBLOG_BIN=path uses that binary instead of building target/release/liveblog.
if [ -z "${LIVEBLOG_BIN:-}" ]; then (cd "$ROOT" && cargo build --release --quiet --bin liveblog); fi
LIVEBLOG=${LIVEBLOG_BIN:-"$ROOT/target/release/liveblog"}

WORK=$(mktemp -d)
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    if [ -n "${KEEP:-}" ]; then
        mkdir -p "$KEEP"
        for cache in lb nb lbf nbf lbff; do
            [ -e "$WORK/$cache/cache.db" ] && cp "$WORK/$cache/cache.db" "$KEEP/$cache.db"
        done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# on_disk DB: bytes of DB and of the -wal/-shm files beside it, as "total db wal shm".
on_disk() {
    local db=$1 wal=0 shm=0
    [ -e "$db-wal" ] && wal=$(stat -c %s "$db-wal")
    [ -e "$db-shm" ] && shm=$(stat -c %s "$db-shm")
    local main; main=$(stat -c %s "$db")
    echo "$((main + wal + shm)) $main $wal $shm"
}
mb() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1e6:.1f}')" "$1"; }

# breakdown DB: liveblog's bytes per table and index, and per column of `entries`.
breakdown() {
    local db=$1
    echo "  pages per table/index (dbstat; FTS5 shadow tables by name):"
    sqlite3 -readonly "$db" "SELECT printf('    %-28s %10d bytes %6.1f MB', name, SUM(pgsize),
            SUM(pgsize) / 1e6) FROM dbstat GROUP BY name ORDER BY SUM(pgsize) DESC;"
    sqlite3 -readonly "$db" "SELECT printf('    %-28s %10d bytes (%d pages of %d)', '(free pages)',
            freelist_count * page_size, freelist_count, page_size)
        FROM pragma_freelist_count, pragma_page_size;"
    local columns sums
    columns=$(sqlite3 -readonly "$db" "SELECT name FROM pragma_table_info('entries')")
    sums=$(for column in $columns; do
        printf "SELECT printf('    %%-28s %%10d bytes %%6.1f MB', 'entries.%s', \
            COALESCE(SUM(length(CAST(\"%s\" AS BLOB))), 0), \
            COALESCE(SUM(length(CAST(\"%s\" AS BLOB))), 0) / 1e6) FROM entries UNION ALL " \
            "$column" "$column" "$column"
    done)
    echo "  bytes per column of entries ($(sqlite3 -readonly "$db" 'SELECT COUNT(*) FROM entries') rows; payload, before SQLite's record overhead):"
    sqlite3 -readonly "$db" "SELECT * FROM (${sums% UNION ALL }) ORDER BY 1;" | sort -k2 -n -r
}

python3 "$HERE/feeds.py" generate "$WORK/www" "$FEEDS" "$ITEMS"
python3 "$HERE/feeds.py" serve "$WORK/www" "$WORK/port" &
SERVER=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
BASE="http://127.0.0.1:$PORT"

{
    printf '[general]\ninterval = "1h"\ntimeout = "60s"\ntimezone = "UTC"\n'
    printf 'max_per_host = %s\nmax_connections = %s\n' "$THREADS" "$((THREADS * 2))"
    for n in $(seq -f '%02g' 0 $((FEEDS - 1))); do
        printf '\n[[source]]\nname = "feed %s"\nurl = "%s/feed-%s.xml"\nformat = "rss"\n' "$n" "$BASE" "$n"
    done
} > "$WORK/liveblog.toml"
for n in $(seq -f '%02g' 0 $((FEEDS - 1))); do echo "$BASE/feed-$n.xml"; done > "$WORK/urls"
printf 'reload-threads %s\nshow-read-feeds yes\n' "$THREADS" > "$WORK/newsboat.conf"

mkdir -p "$WORK/lb" "$WORK/nb"
echo "liveblog $("$LIVEBLOG" --version | cut -d' ' -f2) vs $(newsboat -v | head -1 | cut -d' ' -f1-2)," \
    "$FEEDS feeds x $ITEMS items, one cold refresh each"
"$LIVEBLOG" --config "$WORK/liveblog.toml" --cache "$WORK/lb/cache.db" refresh >"$WORK/out" 2>&1 || {
    echo "liveblog refresh failed:"; tail -5 "$WORK/out"; exit 1; }
newsboat -x reload -u "$WORK/urls" -C "$WORK/newsboat.conf" -c "$WORK/nb/cache.db" >"$WORK/out" 2>&1 || {
    echo "newsboat reload failed:"; tail -5 "$WORK/out"; exit 1; }

read -r fresh_total _ < <(on_disk "$WORK/lb/cache.db")
# A refresh only queues entries for the search index; the first search (or an idle
# reader) builds it. Sizes below are with the index built, as a cache in use is.
"$LIVEBLOG" --cache "$WORK/lb/cache.db" list --filter "minister" --limit 1 >/dev/null
read -r lb_total lb_main lb_wal lb_shm < <(on_disk "$WORK/lb/cache.db")
read -r nb_total nb_main nb_wal nb_shm < <(on_disk "$WORK/nb/cache.db")
lb_items=$(sqlite3 -readonly "$WORK/lb/cache.db" 'SELECT COUNT(*) FROM entries')
nb_items=$(sqlite3 -readonly "$WORK/nb/cache.db" 'SELECT COUNT(*) FROM rss_item')
printf '  %-9s %8s MB on disk (file %s MB, -wal %s MB, -shm %s MB), %s items, %s bytes/item\n' \
    liveblog "$(mb "$lb_total")" "$(mb "$lb_main")" "$(mb "$lb_wal")" "$(mb "$lb_shm")" "$lb_items" "$((lb_total / lb_items))"
printf '  %-9s %8s MB on disk (file %s MB, -wal %s MB, -shm %s MB), %s items, %s bytes/item\n' \
    newsboat "$(mb "$nb_total")" "$(mb "$nb_main")" "$(mb "$nb_wal")" "$(mb "$nb_shm")" "$nb_items" "$((nb_total / nb_items))"
echo "  (liveblog right after its refresh, search index not built yet: $(mb "$fresh_total") MB)"
python3 -c "import sys; r = int(sys.argv[1]) / int(sys.argv[2]); \
print(f'liveblog/newsboat = {r:.2f}x (target <= 1.5x: {\"met\" if r <= 1.5 else \"MISSED\"})')" "$lb_total" "$nb_total"
echo "liveblog's cache:"
breakdown "$WORK/lb/cache.db"

if [ "${FIXTURES:-0}" = 1 ]; then
    # The realistic case: every fixture feed and live page as a local source.
    FIX=$(cd "$ROOT/../shared/fixtures" && pwd)
    {
        printf '[general]\ninterval = "1h"\ntimezone = "UTC"\n'
        i=0
        for file in "$FIX"/feeds/* "$FIX"/liveblog-html/* "$FIX"/liveblog-dom/* "$FIX"/guardian-capi/*.json; do
            printf '\n[[source]]\nname = "fixture %03d"\nurl = "%s"\n' "$i" "$file"
            i=$((i + 1))
        done
    } > "$WORK/fixtures.toml"
    for file in "$FIX"/feeds/*; do echo "file://$file"; done > "$WORK/fixture-urls"
    {
        printf '[general]\ninterval = "1h"\ntimezone = "UTC"\n'
        i=0
        for file in "$FIX"/feeds/*; do
            printf '\n[[source]]\nname = "feed %03d"\nurl = "%s"\n' "$i" "$file"
            i=$((i + 1))
        done
    } > "$WORK/fixture-feeds.toml"
    mkdir -p "$WORK/lbf" "$WORK/nbf" "$WORK/lbff"
    # Some fixtures are ill-formed on purpose: a failed source is expected here.
    "$LIVEBLOG" --config "$WORK/fixtures.toml" --cache "$WORK/lbf/cache.db" refresh >"$WORK/out" 2>&1 || true
    newsboat -x reload -u "$WORK/fixture-urls" -C "$WORK/newsboat.conf" -c "$WORK/nbf/cache.db" >/dev/null 2>&1 || true
    "$LIVEBLOG" --cache "$WORK/lbf/cache.db" list --filter "the" --limit 1 >/dev/null 2>&1 || true
    read -r f_total f_main f_wal f_shm < <(on_disk "$WORK/lbf/cache.db")
    echo
    echo "fixtures ($FIX: feeds, live pages, Guardian CAPI): liveblog $(mb "$f_total") MB" \
        "(file $(mb "$f_main") MB, -wal $(mb "$f_wal") MB), $(sqlite3 -readonly "$WORK/lbf/cache.db" 'SELECT COUNT(*) FROM entries') entries"
    # The feeds alone, which newsboat reads too, side by side.
    "$LIVEBLOG" --config "$WORK/fixture-feeds.toml" --cache "$WORK/lbff/cache.db" refresh >"$WORK/out" 2>&1 || true
    "$LIVEBLOG" --cache "$WORK/lbff/cache.db" list --filter "the" --limit 1 >/dev/null 2>&1 || true
    read -r h_total _ < <(on_disk "$WORK/lbff/cache.db")
    echo "  the feeds alone: liveblog $(mb "$h_total") MB," \
        "$(sqlite3 -readonly "$WORK/lbff/cache.db" 'SELECT COUNT(*) FROM entries') entries"
    if [ -e "$WORK/nbf/cache.db" ]; then
        read -r g_total _ < <(on_disk "$WORK/nbf/cache.db")
        echo "  the feeds alone: newsboat $(mb "$g_total") MB, $(sqlite3 -readonly "$WORK/nbf/cache.db" 'SELECT COUNT(*) FROM rss_item') items"
    fi
    breakdown "$WORK/lbf/cache.db"
fi
