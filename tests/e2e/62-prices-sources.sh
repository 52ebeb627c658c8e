#!/bin/sh
# 62-prices-sources: misbehaving sources cost seconds, one bad source never
# stops the day. Real series (jobs/demo/prices) served by tests/lib/pricesrv.py:
# a 100-symbol fetch with one hung source ends at the deadline with the 99
# others stored (a kill keeps what was finished), `run --offline` does not
# wait for the fetch's lock, 429 Retry-After is honoured up to the deadline,
# a price file with a conflicting duplicate date inside a 10-file job skips
# only its pairs, and the shipped jobs/fred.xml and jobs/stooq.xml fetch from
# a local server in their real formats.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/prices.sh"

prices_start || exit 1

# ---- 100 symbols, one hung ------------------------------------------------
syms=$(seq -f 'S%03g' 1 100 | tr '\n' ' ')
# S001..S100: the 30 Dow series in turn, in Stooq's format (one python run)
$PY - "$DJ" "$B" <<'PY'
import sys, pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str)
cols = list(df.columns[1:])
for i in range(1, 101):
    c = cols[(i - 1) % len(cols)]
    with open("%s/S%03d" % (sys.argv[2], i), "w", newline="") as f:
        f.write("Date,Open,High,Low,Close,Volume\r\n")
        for d, x in zip(df.date, df[c]):
            f.write("%s,%s,%s,%s,%s,1000\r\n" % (d, x, x, x, x))
PY
echo hang > "$PRICE_DIR/mode/S050"
{
  echo '<job name="hundred"><assets>'
  for s in $syms; do echo "<asset symbol=\"$s\" name=\"$s\" source=\"stooq\"/>"; done
  echo "</assets><prices><source name=\"stooq\" url=\"$base/q/{symbol}\" layout=\"ohlc\"/>"
  echo '<store path="store.db" max-age-hours="1" timeout="600" deadline="60"/></prices>'
  echo '<watchlist><pair a="S001" b="S002"/><pair a="S050" b="S003"/></watchlist>'
  echo '<analysis lookback-years="5"/><outputs dir="out"/></job>'
} > "$TMP/hundred.xml"
t0=$(date +%s)
run_convex fetch "$TMP/hundred.xml"
t1=$(date +%s)
expect_rc 69 "hung source: fetch exit 69 (unavailable)"
check "hung source: the fetch ends near its 60 s deadline, not later ($((t1 - t0)) s <= 120 s)" [ $((t1 - t0)) -le 120 ]
expect_out "stooq S050: failed ($base/q/S050: no answer within the fetch deadline of 60 s)" "hung source: named with the deadline"
check "hung source: the 99 others are stored" \
  [ "$(sqlite3 "$db" "SELECT count(DISTINCT symbol) FROM prices")" -eq 99 ]
check "hung source: each of them completely" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices")" -eq $((99 * 2529)) ]

# A kill during a fetch keeps every answer finished before it.
rm -f "$db" "$db"-*
sed "s/deadline=\"60\"/deadline=\"600\"/" "$TMP/hundred.xml" > "$TMP/long.xml"
"$CONVEX" fetch "$TMP/long.xml" > "$TMP/bg.out" 2> "$TMP/bg.err" &
bg=$!
at_exit "kill $bg 2>/dev/null"
wait_for 600 sh -c "[ \"\$(sqlite3 '$db' 'SELECT count(DISTINCT symbol) FROM prices' 2>/dev/null)\" = 99 ]"
check "the 99 healthy answers are merged while the hung one is still open" kill -0 $bg

# Meanwhile `run --offline` reads the last committed state without waiting
# for the fetch's lock.
run_convex run --no-mail --offline --as-of 2001-01-02 "$TMP/long.xml"
check "run --offline during a fetch: not 75 (did not wait on the lock)" [ "$rc" -ne 75 ]
check "run --offline during a fetch: S001/S002 computed" test -s "$TMP/out/2001-01-02/report.json"
check "run --offline during a fetch: S001-S002 delivered" \
  [ "$(jq -r '[.pairs[] | select(.id == "S001-S002")] | length' "$TMP/out/2001-01-02/report.json")" -eq 1 ]
kill -TERM $bg; wait $bg 2>/dev/null
check "after a kill: the 99 finished answers are kept" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices")" -eq $((99 * 2529)) ]
check "after a kill: the store is intact" [ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ]

# ---- run with the hung source: a problem naming the age, exit 3 -----------
rm -rf "$TMP/out"
sqlite3 "$db" "UPDATE fetches SET fetched_at = 0"
run_convex run --no-mail --as-of 2001-01-02 --timeout 2 "$TMP/hundred.xml"
expect_rc 3 "run with a hung source: exit 3"
expect_err "stooq S050: fetch failed" "run: the hung source is named"
check "run: the other pair is delivered" \
  [ "$(jq -r '[.pairs[] | select(.id == "S001-S002")] | length' "$TMP/out/2001-01-02/report.json")" -eq 1 ]
rm -f "$PRICE_DIR/mode/S050"

# ---- 429 with Retry-After --------------------------------------------------
mk stooq "$DJ" KO "$B/R429"
echo "429 2" > "$PRICE_DIR/mode/R429"
{
  echo '<job name="r429"><assets><asset symbol="KO" name="KO" source="stooq" ticker="R429"/>'
  echo '<asset symbol="AA" name="AA" source="stooq" ticker="S001"/></assets>'
  echo "<prices><source name=\"stooq\" url=\"$base/q/{symbol}\" layout=\"ohlc\"/>"
  echo '<store path="r429.db" max-age-hours="1" deadline="20"/></prices>'
  echo '<watchlist><pair a="KO" b="AA"/></watchlist><outputs dir="out429"/></job>'
} > "$TMP/r429.xml"
: > "$PRICE_LOG"
run_convex fetch "$TMP/r429.xml"
expect_rc 0 "429 Retry-After 2: fetched after the wait"
check "429: asked exactly twice" [ "$(grep -c ' GET /q/R429' "$PRICE_LOG")" -eq 2 ]
check "429: the second request waited the Retry-After (>= 1.9 s)" \
  $PY -c "import sys; t=[float(l.split()[0]) for l in open('$PRICE_LOG') if '/q/R429' in l]; sys.exit(not t[1]-t[0] >= 1.9)"
echo "429 30" > "$PRICE_DIR/mode/R429"
sed 's/deadline="20"/deadline="5"/' "$TMP/r429.xml" > "$TMP/r429b.xml"
sqlite3 "$TMP/r429.db" "UPDATE fetches SET fetched_at = 0"
: > "$PRICE_LOG"
t0=$(date +%s)
run_convex fetch --force "$TMP/r429b.xml"
t1=$(date +%s)
expect_rc 69 "429 Retry-After 30 past a 5 s deadline: exit 69"
expect_out "stooq KO (R429): failed ($base/q/R429: HTTP status 429 (too many requests) (the next try would pass the fetch deadline))" "429: named, with why it was not retried"
check "429 past the deadline: no second request" [ "$(grep -c ' GET /q/R429' "$PRICE_LOG")" -eq 1 ]
check "429 past the deadline: over at once, not after 30 s ($((t1 - t0)) s <= 20 s)" [ $((t1 - t0)) -le 20 ]
rm -f "$PRICE_DIR/mode/R429"

# ---- a 10-file job, one file with a conflicting duplicate date -------------
mkdir -p "$TMP/ten"
n=0; assets=""; files=""
for c in AA AXP T BA CAT C KO DD EK XOM; do
  n=$((n + 1))
  mk stooq "$DJ" "$c" "$TMP/ten/$c.csv"
  assets="$assets<asset symbol=\"$c\" name=\"$c\" group=\"g\"/>"
  files="$files<file path=\"ten/$c.csv\"/>"
done
# the NYSE typo: a second 1997-02-21 where 1997-02-24 belongs
sed -i 's/^1997-02-24,\([^,]*\),/1997-02-21,\1,/' "$TMP/ten/KO.csv"
cat > "$TMP/ten.xml" <<XML
<job name="ten"><assets>$assets</assets><prices>$files</prices>
<watchlist><within group="g"/></watchlist><analysis as-of="2001-01-02"/><outputs dir="outten"/></job>
XML
run_convex run --no-mail "$TMP/ten.xml"
expect_rc 3 "conflicting duplicate date in one of 10 files: exit 3, not a failed run"
expect_err "KO.csv" "the bad file is named"
check "the other 36 pairs are delivered" \
  [ "$(jq '.pairs | length' "$TMP/outten/2001-01-02/report.json")" -eq 36 ]
check "KO's 9 pairs are listed as skipped" \
  [ "$(jq '[.skipped[] | select(.a == "KO" or .b == "KO")] | length' "$TMP/outten/2001-01-02/report.json")" -eq 9 ]
expect_out "KO.csv" "the summary lists the bad file"

# ---- the shipped jobs against a local server in their real formats --------
mk stooq "$DJ" KO "$B/tlt.us"
mk stooq "$DJ" IBM "$B/iwm.us"
mk fred "$SWX" SBI "$B/fredgraph.csv" name DGS10
for s in DGS10 DGS2 SP500; do
  c=SBI; [ $s = DGS2 ] && c=LP25; [ $s = SP500 ] && c=SPI
  mk fred "$SWX" $c "$B/$s" name $s
done
mkdir -p "$TMP/jobs"
for j in stooq fred; do
  sed -e "s#https://stooq.com/q/d/l/?s={symbol}&amp;i=d#$base/q/d/l/{symbol}#" \
      -e "s#https://fred.stlouisfed.org/graph/fredgraph.csv?id={symbol}#$base/fred/{symbol}#" \
      -e "s#path=\"../out/$j/prices.sqlite\"#path=\"$TMP/$j.db\"#" \
      -e "s#<outputs dir=\"../out/$j\"/>#<outputs dir=\"$TMP/out-$j\"/>#" \
      "$REPO/jobs/$j.xml" > "$TMP/jobs/$j.xml"
  check "jobs/$j.xml: the URL was rewritten to the local server" grep -q "$base" "$TMP/jobs/$j.xml"
  run_convex check "$REPO/jobs/$j.xml"
  expect_rc 0 "convex check jobs/$j.xml"
  run_convex fetch "$TMP/jobs/$j.xml"
  expect_rc 0 "jobs/$j.xml: fetch from the local server"
done
check "stooq.xml: TLT stored from the Stooq-format body" \
  [ "$(sqlite3 "$TMP/stooq.db" "SELECT count(*) FROM prices WHERE symbol = 'TLT'")" -eq 2529 ]
check "fred.xml: DGS10 stored from the FRED-format body" \
  [ "$(sqlite3 "$TMP/fred.db" "SELECT count(*) FROM prices WHERE symbol = 'DGS10'")" -eq 1917 ]
run_convex run --no-mail --offline --as-of 2007-05-08 "$TMP/jobs/fred.xml"
expect_rc 0 "fred.xml: a run from the store"
check "fred.xml: 3 pairs delivered" [ "$(jq '.pairs | length' "$TMP/out-fred/2007-05-08/report.json")" -eq 3 ]

finish
