#!/bin/sh
# 60-fetch-crash: kill -9 during a fetch leaves a consistent store: while a
# slow source holds the fetch the answers already finished are merged (and
# kept), and a kill at any moment of the merges leaves each symbol either all
# old or all new (one transaction per source symbol), with PRAGMA
# integrity_check ok.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/httpd.sh"

start_nginx || exit 1
start_faultsrv || exit 1
nsym=40; nrows=2000
www=$TMP/nginx/www
mkdir -p "$www/p"
# version V of every file: close = (100 + i/100) x (1 + V): a re-adjustment
# of every row by one ratio (another shape would be quarantined as another
# series, see docs/prices.md)
write_files() {
  awk -v n="$nsym" -v rows="$nrows" -v v="$1" -v dir="$www/p" 'BEGIN {
    for (s = 1; s <= n; s++) {
      f = dir "/S" s ".csv"; print "date,close" > f
      for (i = 0; i < rows; i++) {
        d = 1577836800 + i * 86400
        printf "%s,%.2f\n", strftime("%Y-%m-%d", d, 1), (100 + i / 100) * (1 + v) > f
      }
      close(f)
    } }'
  # nginx's ETag is mtime (seconds) and size: give each version its own
  # mtime so that a rewrite within the same second is not "not modified".
  nver=$((${nver:-0} + 1))
  touch -d "@$((1700000000 + nver))" "$www"/p/*.csv
}
# make_job FILE [slow]: the job; with "slow", one more asset from a slow source
make_job() {
  {
    echo '<job name="crash"><assets>'
    i=1; while [ "$i" -le "$nsym" ]; do echo "<asset symbol=\"S$i\" name=\"S$i\" source=\"web\"/>"; i=$((i+1)); done
    [ -n "${2:-}" ] && echo '<asset symbol="SLOW" name="slow" source="slow"/>'
    echo '</assets><prices>'
    echo "<source name=\"web\" url=\"http://127.0.0.1:$NGINX_PORT/p/{symbol}.csv\" layout=\"ohlc\"/>"
    [ -n "${2:-}" ] && echo "<source name=\"slow\" url=\"http://127.0.0.1:$FAULT_PORT/slow/{symbol}\" layout=\"ohlc\"/>"
    echo '<store path="store.db"/></prices><watchlist><pair a="S1" b="S2"/></watchlist>'
    echo '<analysis as-of="2025-06-01" stale-days="100000"/><outputs dir="out"/></job>'
  } > "$1"
}
make_job "$TMP/job.xml"
make_job "$TMP/slowjob.xml" slow
db=$TMP/store.db
dump() { sqlite3 "$db" 'SELECT symbol, date, close FROM prices ORDER BY symbol, date'; }

write_files 0
run_convex fetch "$TMP/job.xml"
expect_rc 0 "the store is seeded"
check "every row is stored" [ "$(sqlite3 "$db" 'SELECT count(*) FROM prices')" -eq $((nsym * nrows)) ]
before=$(dump)

# 1. killed while a slow source keeps the fetch waiting: nothing changed
write_files 1
"$CONVEX" fetch "$TMP/slowjob.xml" --force --timeout 60 > "$TMP/slow.out" 2>&1 &
pid=$!
wait_for 100 grep -q '^GET /slow/' "$FAULT_LOG"
wait_for 200 sh -c "[ \"\$(sqlite3 '$db' 'SELECT count(*) FROM adjustments' 2>/dev/null)\" = $nsym ]"
kill -9 "$pid"; wait "$pid" 2>/dev/null
check "integrity_check is ok after kill -9 during the download" [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
check "the answers finished before the kill were merged and kept" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE abs(close - (100 + (julianday(date) - julianday('2020-01-01')) / 100) * 2) > 0.006")" -eq 0 ]
check "each as one re-adjustment, not one correction per row" [ "$(sqlite3 "$db" 'SELECT count(*) FROM corrections')" -eq 0 ]

# 2. killed at moments during the merges: each symbol all old or all new
mixed='SELECT count(*) FROM (SELECT symbol FROM prices GROUP BY symbol HAVING count(DISTINCT round(close / (100 + (julianday(date) - julianday("2020-01-01")) / 100.0), 3)) > 1)'
for delay in 0.05 0.1 0.15 0.2 0.3 0.4; do
  write_files "$delay"
  "$CONVEX" fetch "$TMP/job.xml" --force > /dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  check "kill after ${delay}s: integrity_check ok" [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
  check "kill after ${delay}s: no symbol half merged" [ "$(sqlite3 "$db" "$mixed")" -eq 0 ]
  check "kill after ${delay}s: no row lost" [ "$(sqlite3 "$db" 'SELECT count(*) FROM prices')" -eq $((nsym * nrows)) ]
done
run_convex fetch "$TMP/job.xml" --force
expect_rc 0 "a fetch after the kills completes"
check "and every symbol is at the last version" [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE abs(close - (100 + (julianday(date) - julianday('2020-01-01')) / 100) * 1.4) > 0.006")" -eq 0 ]
finish
