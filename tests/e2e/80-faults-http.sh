#!/bin/sh
# 80-faults-http: a redirect loop, and a body past the job's size limit
# (<store max-body-bytes>), through `convex run` (60-fetch-faults covers
# `convex fetch`): with stored prices fresh enough for the as-of date the
# run goes on with them and says so; without, that symbol's pairs are
# skipped and reported, exit 3. The store is left as it was.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/httpd.sh"
start_faultsrv || exit 1
base=http://127.0.0.1:$FAULT_PORT

# job FILE PATH [STORE-ATTRS]: F_A always from /ok/, F_R from $base/PATH/.
job() {
  cat > "$1" <<XML
<job name="httpfaults"><assets>
<asset symbol="F_A" name="A" source="s_a"/><asset symbol="F_R" name="R" source="s_r"/>
</assets><prices>
<source name="s_a" url="$base/ok/{symbol}" layout="ohlc"/>
<source name="s_r" url="$base/$2/{symbol}" layout="ohlc"/>
<store path="store.db" max-age-hours="1" ${3:-}/></prices>
<watchlist><pair a="F_A" b="F_R"/></watchlist>
<analysis as-of="2024-01-04"/><outputs dir="out" archive="archive"/></job>
XML
}
db=$TMP/store.db

# 1. No stored prices for F_R: its pair is skipped and reported, exit 3.
job "$TMP/loop.xml" redirect
run_convex run --no-mail "$TMP/loop.xml"
expect_rc 3 "redirect loop, nothing stored: exit 3"
expect_err "s_r F_R: fetch failed ($base/redirect/F_R: Maximum (5) redirects followed)"
expect_err "s_r F_R: no stored prices; its pairs are skipped"
expect_out "s_r F_R: fetch failed ($base/redirect/F_R: Maximum (5) redirects followed); no usable stored prices, its pairs are skipped" "the summary reports the source"
expect_out "F_A/F_R: no prices for \"F_R\"" "the summary reports the skipped pair"
run_convex fetch --force "$TMP/loop.xml"
expect_rc 76 "fetch: a redirect loop is exit 76 (EX_PROTOCOL, docs/convex.1)"
check "report.json: the pair skipped for want of prices" \
  test "$(jq -r '.skipped[0].reason' "$TMP/out/2024-01-04/report.json")" = 'no prices for "F_R" on or before 2024-01-04'
check "no redirect loop followed forever (at most 6 requests per attempt)" \
  test "$(grep -c '^GET /redirect/' "$FAULT_LOG")" -le 24

# 2. Stored prices fresh enough: the run goes on with them and says so.
rm -rf "$TMP/out" "$TMP/archive"
job "$TMP/seed.xml" ok
run_convex fetch "$TMP/seed.xml"
expect_rc 0 "the store is seeded"
sqlite3 "$db" "UPDATE fetches SET fetched_at = fetched_at - 7200"
before=$(sqlite3 "$db" 'SELECT * FROM prices ORDER BY symbol, date')
run_convex run --no-mail "$TMP/loop.xml"
expect_err "s_r F_R: fetch failed ($base/redirect/F_R: Maximum (5) redirects followed); using stored prices up to 2024-01-04 (0 days old)"
expect_rc 3 "a failed fetch that falls back to stored prices is a reported problem"
check "F_R's pair is not skipped for want of prices" sh -c "! grep -q 'no prices for' '$TMP/.out'"
check "report.json: F_R has its stored prices up to 2024-01-04" \
  test "$(jq -r '.assets[] | select(.symbol == "F_R") | .last' "$TMP/out/2024-01-04/report.json")" = 2024-01-04
check "the store is as it was" test "$(sqlite3 "$db" 'SELECT * FROM prices ORDER BY symbol, date')" = "$before"

# 3. A body past the job's limit: faultsrv's /big/ sends 4 MiB, the job
# allows 1,000,000 bytes. Nothing stored: the pair is skipped, exit 3.
rm -rf "$TMP/out" "$TMP/archive" "$db" "$db".*
job "$TMP/big.xml" big 'max-body-bytes="1000000"'
run_convex run --no-mail "$TMP/big.xml"
expect_rc 3 "body past the job's limit, nothing stored: exit 3"
expect_err "s_r F_R: fetch failed ($base/big/F_R: response larger than 1000000 bytes)" \
  "run: the job's max-body-bytes applies"
expect_err "s_r F_R: no stored prices; its pairs are skipped"
expect_out "s_r F_R: fetch failed ($base/big/F_R: response larger than 1000000 bytes); no usable stored prices, its pairs are skipped" "big body: the summary reports the source"
expect_out "F_A/F_R: no prices for \"F_R\"" "big body: the summary reports the skipped pair"
check "big body: report.json skips the pair for want of prices" \
  test "$(jq -r '.skipped[0].reason' "$TMP/out/2024-01-04/report.json")" = 'no prices for "F_R" on or before 2024-01-04'
check "big body: nothing stored for F_R" test "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol = 'F_R'")" -eq 0

# `convex fetch` uses the job's limit too, and --max-bytes overrides it.
run_convex fetch "$TMP/big.xml"
expect_out "s_r F_R: failed ($base/big/F_R: response larger than 1000000 bytes)" "fetch: the job's max-body-bytes applies"
run_convex fetch --force --max-bytes 2000000 "$TMP/big.xml"
expect_out "s_r F_R: failed ($base/big/F_R: response larger than 2000000 bytes)" "fetch: --max-bytes overrides the job"

# 4. Stored prices fresh enough: the run goes on with them and says so.
rm -rf "$TMP/out" "$TMP/archive"
job "$TMP/seed2.xml" ok 'max-body-bytes="1000000"'
run_convex fetch --force "$TMP/seed2.xml"
expect_rc 0 "the store is seeded again"
sqlite3 "$db" "UPDATE fetches SET fetched_at = fetched_at - 7200"
before=$(sqlite3 "$db" 'SELECT * FROM prices ORDER BY symbol, date')
run_convex run --no-mail "$TMP/big.xml"
expect_err "s_r F_R: fetch failed ($base/big/F_R: response larger than 1000000 bytes); using stored prices up to 2024-01-04 (0 days old)"
check "big body: no source reported unusable" sh -c "! grep -q 'no usable prices' '$TMP/.out'"
# The fixture has 3 days, so 2 common returns: the pair got as far as the
# statistics with F_R's stored prices (and stops at the 90-return minimum).
check "big body: F_R's stored prices reach the statistics" \
  test "$(jq -r '.skipped[0].reason' "$TMP/out/2024-01-04/report.json")" = 'too little overlap: 2 common daily returns, at least 90 needed'
check "big body: the store is as it was" test "$(sqlite3 "$db" 'SELECT * FROM prices ORDER BY symbol, date')" = "$before"
finish
