#!/bin/sh
# 60-fetch-faults: every misbehaviour of a price service (tests/lib/faultsrv.py)
# is rejected with a message naming the URL, leaves the store exactly as it
# was, and is reported; a 500 followed by a 200 is retried and merged; an
# API key never shows.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/httpd.sh"

start_faultsrv || exit 1
base=http://127.0.0.1:$FAULT_PORT
faults="down slow reset html truncated shortrow empty other negative jump redirect big"

# job KIND...: a job whose asset F_KIND comes from $base/KIND/...
job() {
  file=$1; src=$2; shift 2
  {
    echo '<job name="faults"><assets>'
    for f in $faults flaky; do echo "<asset symbol=\"F_$f\" name=\"$f\" source=\"s_$f\"/>"; done
    echo '</assets><prices>'
    for f in $faults flaky; do
      path=$src; [ "$src" = fault ] && path=$f
      layout=ohlc; [ "$f" = other ] && [ "$src" = fault ] && layout=wide
      echo "<source name=\"s_$f\" url=\"$base/$path/{symbol}\" layout=\"$layout\" api-key-env=\"FAULT_KEY\" api-key-param=\"apikey\"/>"
    done
    echo '<store path="store.db" max-age-hours="1"/></prices>'
    echo '<watchlist><pair a="F_down" b="F_slow"/></watchlist>'
    echo '<analysis as-of="2024-01-04"/><outputs dir="out"/></job>'
  } > "$file"
}
db=$TMP/store.db
dump() { sqlite3 "$db" 'SELECT * FROM prices ORDER BY symbol, date; SELECT * FROM fetches ORDER BY symbol; SELECT count(*) FROM corrections'; }
export FAULT_KEY=s3cr3t-k3y

# Seed the store from good answers, then ask the faulty paths.
job "$TMP/seed.xml" ok
run_convex fetch "$TMP/seed.xml"
expect_rc 0 "the store is seeded"
check "every symbol has three rows" [ "$(sqlite3 "$db" 'SELECT count(*) FROM prices')" -eq 39 ]
sqlite3 "$db" "UPDATE fetches SET fetched_at = fetched_at - 7200"
sqlite3 "$db" "DELETE FROM prices WHERE symbol = 'F_flaky'; DELETE FROM fetches WHERE symbol = 'F_flaky'"
before=$(dump)

job "$TMP/faults.xml" fault
start=$(date +%s)
run_convex fetch "$TMP/faults.xml" --timeout 2 --retries 1 --max-bytes 1000000
secs=$(( $(date +%s) - start ))
check "a failed source makes the exit status non-zero" [ "$rc" -ne 0 ]
check "timeouts and one retry bound the run (${secs}s)" [ "$secs" -le 15 ]
expect_out "s_flaky F_flaky: updated (+3 rows)" "500 then 200 is retried and merged"
check "the flaky source was asked twice" [ "$(grep -c '^GET /flaky/' "$FAULT_LOG")" -eq 2 ]
expect_out "s_down F_down: failed ($base/down/F_down?apikey=REDACTED: HTTP status 503 (after retries))"
check "a 503 is retried once" [ "$(grep -c '^GET /down/' "$FAULT_LOG")" -eq 2 ]
expect_out "s_slow F_slow: failed ($base/slow/F_slow?apikey=REDACTED: Operation timed out"
expect_out "s_reset F_reset: failed ($base/reset/F_reset?apikey=REDACTED:"
expect_out "s_html F_html: failed ($base/html/F_html?apikey=REDACTED: an HTML page (text/html), not CSV)"
expect_out "s_truncated F_truncated: failed ($base/truncated/F_truncated?apikey=REDACTED: truncated: the last line has no line end)"
expect_out "s_shortrow F_shortrow: failed ($base/shortrow/F_shortrow?apikey=REDACTED:5: truncated or malformed: 3 fields, the header has 6)"
expect_out "s_empty F_empty: failed ($base/empty/F_empty?apikey=REDACTED: empty response)"
expect_out "s_other F_other: failed ($base/other/F_other?apikey=REDACTED: CSV of another series"
expect_out "s_negative F_negative: failed ($base/negative/F_negative?apikey=REDACTED:5: price \"-5\" for \"F_negative\" is out of the plausible range"
expect_out "s_jump F_jump: failed ($base/jump/F_jump?apikey=REDACTED: price of \"F_jump\" on 2024-01-05 jumps from 100.75 to 100750"
expect_out "s_redirect F_redirect: failed ($base/redirect/F_redirect?apikey=REDACTED: Maximum (5) redirects followed)"
expect_out "s_big F_big: failed ($base/big/F_big?apikey=REDACTED: response larger than 1000000 bytes)"
check "the key reached the server" grep -q 'apikey=s3cr3t-k3y' "$FAULT_LOG"
check "the key is in no output" sh -c "! grep -q s3cr3t '$TMP/.out' '$TMP/.err'"
check "the key is not stored" sh -c "! sqlite3 '$db' .dump | grep -q s3cr3t"
sqlite3 "$db" "DELETE FROM prices WHERE symbol = 'F_flaky'; DELETE FROM fetches WHERE symbol = 'F_flaky'"
check "every fault left the store as it was" [ "$(dump)" = "$before" ]
check "integrity_check is ok" [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]

# A key that is not set fails that source, naming the variable only.
unset FAULT_KEY
run_convex fetch "$TMP/faults.xml" --force --retries 0
expect_out "s_down F_down: failed (source \"s_down\": environment variable FAULT_KEY (the API key) is not set)"
check "exit status 78 (bad job) for a missing key" [ "$rc" -eq 78 ]
finish
