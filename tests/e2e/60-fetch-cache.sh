#!/bin/sh
# 60-fetch-cache: `convex fetch` against nginx: the first fetch fills the
# store, a second one within max-age asks nothing (nginx's access log does
# not grow), after the cadence the request is conditional and gets 304
# without changing the store, and a changed file is merged with its
# corrected past price logged.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/httpd.sh"

start_nginx || exit 1
www=$TMP/nginx/www
mkdir -p "$www/q/d/l" "$www/fred"
# Stooq's daily CSV (CRLF like the real service) and FRED's series CSV with
# a missing value written as ".".
printf 'Date,Open,High,Low,Close,Volume\r\n2024-01-02,95.1,95.9,94.8,95.62,1000\r\n2024-01-03,95.5,96.4,95.0,96.11,1100\r\n2024-01-04,96.0,96.2,94.9,95.07,900\r\n' > "$www/q/d/l/tlt.us.csv"
printf 'Date,Open,High,Low,Close,Volume\r\n2024-01-02,200,201,199,200.5,500\r\n2024-01-03,200,202,199,199.25,600\r\n2024-01-04,199,200,197,197.8,700\r\n' > "$www/q/d/l/iwm.us.csv"
printf 'observation_date,DGS10\n2024-01-01,.\n2024-01-02,3.95\n2024-01-03,3.91\n2024-01-04,3.99\n' > "$www/fred/DGS10.csv"

cat > "$TMP/job.xml" <<XML
<job name="fetchtest">
  <assets>
    <asset symbol="TLT" name="iShares 20+ Year Treasury Bond ETF" source="stooq" ticker="tlt.us"/>
    <asset symbol="IWM" name="iShares Russell 2000 ETF" source="stooq" ticker="iwm.us"/>
    <asset symbol="DGS10" name="10-Year Treasury yield" source="fred"/>
  </assets>
  <prices>
    <source name="stooq" url="http://127.0.0.1:$NGINX_PORT/q/d/l/?s={symbol}&amp;i=d" layout="ohlc"/>
    <source name="fred" url="http://127.0.0.1:$NGINX_PORT/graph/fredgraph.csv?id={symbol}" layout="wide"/>
    <store path="store.db" max-age-hours="24"/>
  </prices>
  <watchlist><pair a="TLT" b="IWM"/><pair a="TLT" b="DGS10"/></watchlist>
  <analysis as-of="2024-01-04"/>
  <outputs dir="out"/>
</job>
XML
db=$TMP/store.db
dump() { sqlite3 "$db" 'SELECT symbol, date, close, source FROM prices ORDER BY symbol, date'; }

# 1. the first fetch asks all three and stores every price
run_convex fetch "$TMP/job.xml"
expect_rc 0 "first fetch succeeds"
expect_out "stooq TLT (tlt.us): updated (+3 rows)"
expect_out "stooq IWM (iwm.us): updated (+3 rows)"
expect_out "fred DGS10: updated (+3 rows)" "FRED's missing value '.' is not a row"
check "three requests reached nginx" [ "$(requests "$NGINX_LOG")" -eq 3 ]
check "TLT's close of 2024-01-03 is stored" \
  [ "$(sqlite3 "$db" "SELECT close FROM prices WHERE symbol='TLT' AND date='2024-01-03'")" = "96.11" ]
check "DGS10 has no row for 2024-01-01" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol='DGS10' AND date='2024-01-01'")" -eq 0 ]
check "nginx's ETag is kept per URL" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM fetches WHERE etag <> '' AND last_modified <> ''")" -eq 3 ]
before=$(dump)

# 2. within max-age nothing is asked
run_convex fetch "$TMP/job.xml"
expect_rc 0 "second fetch succeeds"
expect_out "stooq TLT (tlt.us): fresh (not asked)"
expect_out "fred DGS10: fresh (not asked)"
check "no request reached nginx" [ "$(requests "$NGINX_LOG")" -eq 3 ]

# 3. after the cadence: conditional requests, 304, nothing changes
sqlite3 "$db" 'UPDATE fetches SET fetched_at = fetched_at - 25*3600'
old_at=$(sqlite3 "$db" "SELECT fetched_at FROM fetches WHERE symbol='TLT'")
run_convex fetch "$TMP/job.xml"
expect_rc 0 "revalidation succeeds"
expect_out "stooq TLT (tlt.us): not modified"
expect_out "stooq IWM (iwm.us): not modified"
expect_out "fred DGS10: not modified"
check "three more requests" [ "$(requests "$NGINX_LOG")" -eq 6 ]
check "nginx answered all three with 304" [ "$(grep -c ' 304 "' "$NGINX_LOG")" -eq 3 ]
check "the requests carried If-None-Match" [ "$(grep ' 304 ' "$NGINX_LOG" | grep -vc '""$')" -eq 3 ]
check "the prices are unchanged" [ "$(dump)" = "$before" ]
check "the fetch time moved on" \
  [ "$(sqlite3 "$db" "SELECT fetched_at FROM fetches WHERE symbol='TLT'")" -gt "$old_at" ]

# 4. a changed file: one new day and one corrected past close
printf 'Date,Open,High,Low,Close,Volume\r\n2024-01-02,95.1,95.9,94.8,95.62,1000\r\n2024-01-03,95.5,96.4,95.0,96.21,1100\r\n2024-01-04,96.0,96.2,94.9,95.07,900\r\n2024-01-05,95.0,95.5,94.1,94.33,950\r\n' > "$www/q/d/l/tlt.us.csv"
touch -d '+1 minute' "$www/q/d/l/tlt.us.csv"
sqlite3 "$db" 'UPDATE fetches SET fetched_at = fetched_at - 25*3600'
run_convex fetch "$TMP/job.xml"
expect_rc 0 "merge succeeds"
expect_out "stooq TLT (tlt.us): updated (+1 rows, 1 corrected)"
expect_out "stooq IWM (iwm.us): not modified"
expect_err 'corrected price of "TLT" on 2024-01-03: 96.11 -> 96.21' "the correction is logged"
check "the corrected close replaced the old one" \
  [ "$(sqlite3 "$db" "SELECT close FROM prices WHERE symbol='TLT' AND date='2024-01-03'")" = "96.21" ]
check "the new day is stored" \
  [ "$(sqlite3 "$db" "SELECT close FROM prices WHERE symbol='TLT' AND date='2024-01-05'")" = "94.33" ]
check "the correction is kept in the store" \
  [ "$(sqlite3 "$db" "SELECT old_close || ' ' || new_close FROM corrections WHERE symbol='TLT'")" = "96.11 96.21" ]
check "TLT has four rows, IWM three" \
  [ "$(sqlite3 "$db" "SELECT group_concat(n) FROM (SELECT count(*) n FROM prices GROUP BY symbol ORDER BY symbol)")" = "3,3,4" ]

# 5. --force asks a fresh source again (conditionally)
run_convex fetch "$TMP/job.xml" --force
expect_out "stooq IWM (iwm.us): not modified" "--force revalidates a fresh source"
check "integrity_check is ok" [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
finish
