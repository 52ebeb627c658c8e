#!/bin/sh
# 61-prices-plausible: real series (../shared/data, bundled in jobs/demo/prices)
# served in Stooq's format by tests/lib/pricesrv.py, each with one injected
# fault (the table in tests/lib/prices.sh, run against FRED's format by 64):
# a x10 print, a 2062 date, a deleted row, another ticker's series, an
# unadjusted 2:1 split, a re-adjustment, a hung source, 429 Retry-After; then
# what Stooq really sends (its limit page, "No data"), UTF-16, raw and
# corrupt gzip, and the false positives on the bundled data. Each ends as
# docs/prices.md says, the store's good data unchanged, the other symbols
# delivered.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/prices.sh"

prices_start || exit 1
prices_faults stooq

# ---- messages for what Stooq and others really send -----------------------
printf 'Exceeded the daily hits limit\r\n' > "$B/aa.us"
printf 'No data\r\n' > "$B/axp.us"
$PY -c "open('$B/ko.us','wb').write(open('$B/ibm.us').read().encode('utf-16'))"
gzip -c "$B/ibm.us" > "$B/ibm.gz" && cp "$B/ibm.gz" "$B/ibm.us"
before=$(sqlite3 "$db" "SELECT * FROM prices ORDER BY symbol, date")
refetch "$TMP/job.xml"
expect_out "stooq AA (aa.us): failed ($base/q/d/l/aa.us: Stooq daily limit reached" "Stooq's limit page named"
expect_out "stooq AXP (axp.us): failed ($base/q/d/l/axp.us: no data for symbol" "No data named"
expect_out "stooq KO (ko.us): failed ($base/q/d/l/ko.us: not UTF-8 (UTF-16?)" "UTF-16 named"
expect_out "stooq IBM (ibm.us): failed ($base/q/d/l/ibm.us: compressed body without Content-Encoding" "raw gzip named"
check "messages: the store is unchanged" [ "$(sqlite3 "$db" "SELECT * FROM prices ORDER BY symbol, date")" = "$before" ]
check "messages: MSFT still updated" sh -c "printf '%s' \"\$1\" | grep -q 'stooq MSFT (msft.us): not modified\|stooq MSFT (msft.us): updated'" _ "$out"

# a corrupt gzip body (Content-Encoding: gzip over plain text)
serve_all
echo gzip > "$PRICE_DIR/mode/ibm.us"
refetch "$TMP/job.xml"
expect_out "stooq IBM (ibm.us): failed ($base/q/d/l/ibm.us: corrupt compressed body (Content-Encoding)" "corrupt gzip named"
rm -f "$PRICE_DIR/mode/ibm.us"

# ---- run: a failed fetch with stored prices is a problem naming their age --
serve_all
echo 500 > "$PRICE_DIR/mode/aa.us"
sqlite3 "$db" "UPDATE fetches SET fetched_at = 0"
rm -rf "$TMP/out"
run_convex run --no-mail --as-of 2001-01-02 "$TMP/job.xml"
expect_rc 3 "run: a failed fetch is exit 3"
expect_err "stooq AA (aa.us): fetch failed" "run: the failed source named"
expect_err "using stored prices up to 2001-01-02 (0 days old)" "run: the age of the stored prices named"
check "run: AA's pairs still delivered from the store" \
  [ "$(jq -r '[.pairs[] | select(.id | test("^AA-|-AA$"))] | length' "$TMP/out/2001-01-02/report.json" 2>/dev/null || echo 0)" -eq 4 ]
rm -f "$PRICE_DIR/mode/aa.us"

# ---- false positives on the bundled real data: convex vs an independent
# pandas implementation of the same rules (tests/tools/plausible_ref.py) ----
run_convex check "$REPO/jobs/demo.xml"
expect_rc 0 "demo: check passes (notes do not fail it)"
printf '%s\n' "$err" | sed -n 's/.*data quality of "\([^"]*\)": \(.*\)/\1 \2/p' |
  while read -r sym rest; do
    printf '%s\n' "$rest" | tr ';' '\n' | sed -n "s/^ *suspected \(bad print\|unadjusted split\) on \([0-9-]*\).*/$sym \2 \1/p"
  done | sed 's/bad print$/spike/; s/unadjusted split$/split/' | sort > "$TMP/fp.convex"
{ $PY "$TESTS_DIR/tools/plausible_ref.py" "$SWX"; $PY "$TESTS_DIR/tools/plausible_ref.py" "$DJ"; } | sort > "$TMP/fp.ref"
check "demo data: convex flags the same genuine days as the pandas reference ($(wc -l < "$TMP/fp.ref") days)" \
  cmp -s "$TMP/fp.convex" "$TMP/fp.ref"
check "demo data: at most 2 genuine days flagged in 4,446 x 36 closes" [ "$(wc -l < "$TMP/fp.ref")" -le 2 ]
run_convex stats --prices "$DJ" --pair HD/PG
expect_out "Data Quality" "stats: a Data Quality section"
expect_out "HD: suspected unadjusted split on 2000-10-12" "stats prints the same notes as the run"

finish
