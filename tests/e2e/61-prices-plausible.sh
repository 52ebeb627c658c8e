#!/bin/sh
# 61-prices-plausible: real series (../shared/data, bundled in jobs/demo/prices)
# served in Stooq and FRED formats by tests/lib/pricesrv.py, each with one
# injected fault: a x10 print, a 2062 date, a deleted row, an unadjusted 2:1
# split, a re-adjustment, another ticker's series, Stooq's limit page, "No
# data", UTF-16, raw gzip. Each ends as docs/prices.md says, the store's good
# data unchanged, the other symbols delivered.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/httpd.sh"

PY=/usr/bin/python3
DJ=$REPO/jobs/demo/prices/dowjones30.csv
SWX=$REPO/jobs/demo/prices/swx.csv
mk() { $PY "$TESTS_DIR/tools/mkprices.py" "$@"; }
start_pricesrv || exit 1
base=http://127.0.0.1:$PRICE_PORT
B=$PRICE_DIR/bodies
db=$TMP/store.db
syms="AA AXP KO MSFT IBM"

# The job: five Dow stocks from a Stooq-format source, SBI and SPI from a
# FRED-format one.
job() {
  file=$1; extra=${2:-}
  {
    echo '<job name="plaus"><assets>'
    for s in $syms; do echo "<asset symbol=\"$s\" name=\"$s\" group=\"dow\" source=\"stooq\" ticker=\"$(echo $s | tr A-Z a-z).us\"/>"; done
    echo '<asset symbol="SBI" name="SBI" group="swx"/><asset symbol="SPI" name="SPI" group="swx"/>'
    echo "</assets><prices><source name=\"stooq\" url=\"$base/q/d/l/{symbol}\" layout=\"ohlc\"/>"
    echo "<source name=\"fred\" url=\"$base/fred/{symbol}\" layout=\"wide\" symbols=\"SBI SPI\"/>"
    echo "<store path=\"store.db\" max-age-hours=\"1\" timeout=\"5\" deadline=\"30\"/>$extra</prices>"
    echo '<watchlist><within group="dow"/><within group="swx"/></watchlist>'
    echo '<analysis lookback-years="5"/><outputs dir="out"/></job>'
  } > "$file"
}
serve_all() {
  for s in $syms; do mk stooq "$DJ" "$s" "$B/$(echo $s | tr A-Z a-z).us"; done
  for s in SBI SPI; do mk fred "$SWX" "$s" "$B/$s"; done
}
rows_of() { sqlite3 "$db" "SELECT date || ',' || close FROM prices WHERE symbol = '$1' ORDER BY date"; }
refetch() { sqlite3 "$db" "UPDATE fetches SET fetched_at = 0"; run_convex fetch "$@"; }

job "$TMP/job.xml"
serve_all
run_convex fetch "$TMP/job.xml"
expect_rc 0 "seed: every source fetched"
check "seed: the store holds every row of the real series" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices")" -eq $((5 * 2529 + 2 * 1917)) ]
expect_out "stooq MSFT (msft.us): updated (+2529 rows)" "messages name the job's symbol, the source's ticker in parentheses"
good_msft=$(rows_of MSFT)

# ---- a x10 bad print: stored (it is what the source says), flagged --------
mk stooq "$DJ" MSFT "$B/msft.us" x10 2000-11-15
refetch "$TMP/job.xml"
expect_rc 0 "x10 print: fetch exit 0"
expect_err "stooq MSFT (msft.us): suspected bad print on 2000-11-15" "x10 print: named as a suspected bad print"
run_convex run --no-mail --as-of 2001-01-02 --offline "$TMP/job.xml"
expect_rc 0 "x10 print: run (flag) exit 0"
check "x10 print: report.json marks MSFT's pairs" \
  sh -c "jq -r '.pairs[] | select(.id == \"AA-MSFT\") | .data_quality[0].note' '$TMP/out/2001-01-02/report.json' | grep -q 'suspected bad print on 2000-11-15'"
check "x10 print: report.xml marks MSFT" grep -q 'data-quality="suspected bad print on 2000-11-15' "$TMP/out/2001-01-02/report.xml"
job "$TMP/excl.xml" '<quality policy="exclude"/>'
rm -rf "$TMP/out"
run_convex run --no-mail --as-of 2001-01-02 --offline "$TMP/excl.xml"
expect_rc 0 "x10 print: run (exclude) exit 0"
check "x10 print (exclude): the note says the returns are excluded" \
  sh -c "jq -r '.assets[] | select(.symbol == \"MSFT\") | .data_quality' '$TMP/out/2001-01-02/report.json' | grep -q 'excluded'"
jq '.pairs[] | select(.id == "AA-MSFT") | .stats' "$TMP/out/2001-01-02/report.json" > "$TMP/excl.stats"
ref=$($PY - "$DJ" <<'PY'
import sys, numpy as np, pandas as pd
df = pd.read_csv(sys.argv[1])
df = df[df.date != "2000-11-15"]            # the bad print's day dropped
r = np.log(df[["AA", "MSFT"]]).diff().dropna().tail(90)
print("%.6f" % r["AA"].corr(r["MSFT"]))
PY
)
got=$(jq -r '.corr["90d"]' "$TMP/excl.stats")
check "x10 print (exclude): r90 of AA/MSFT equals pandas without the bad day ($ref)" \
  $PY -c "import sys; sys.exit(abs(float('$got') - float('$ref')) > 1e-6)"
mk stooq "$DJ" MSFT "$B/msft.us"
refetch "$TMP/job.xml"
check "x10 print: the fixed source heals the store" [ "$(rows_of MSFT)" = "$good_msft" ]

# ---- a 2062 date: refused, never stored -----------------------------------
mk stooq "$DJ" MSFT "$B/msft.us" future 2062-11-27
refetch "$TMP/job.xml"
expect_rc 0 "2062 date: fetch exit 0 (the other rows are good)"
expect_err "stooq MSFT (msft.us): 1 row dated after" "2062 date: refused, said once"
check "2062 date: not stored" [ "$(sqlite3 "$db" "SELECT max(date) FROM prices WHERE symbol = 'MSFT'")" = 2001-01-02 ]
check "2062 date: MSFT unchanged" [ "$(rows_of MSFT)" = "$good_msft" ]

# tomorrow is accepted, the day after is not (faketime: 'today' matters)
mk stooq "$DJ" KO "$B/ko.us" future 2001-01-03
sqlite3 "$db" "UPDATE fetches SET fetched_at = 0"
faketime '2001-01-02 12:00:00' "$CONVEX" fetch "$TMP/job.xml" > "$TMP/ft.out" 2> "$TMP/ft.err"
check "faketime 2001-01-02: a row dated tomorrow is accepted" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol = 'KO' AND date = '2001-01-03'")" -eq 1 ]
mk stooq "$DJ" KO "$B/ko.us" future 2001-01-04
sqlite3 "$db" "UPDATE fetches SET fetched_at = 0"
faketime '2001-01-02 12:00:00' "$CONVEX" fetch "$TMP/job.xml" > "$TMP/ft.out" 2> "$TMP/ft.err"
check "faketime 2001-01-02: a row dated the day after tomorrow is refused" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol = 'KO' AND date >= '2001-01-04'")" -eq 0 ]
check "faketime: the source no longer has 2001-01-03: deleted" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol = 'KO' AND date = '2001-01-03'")" -eq 0 ]
mk stooq "$DJ" KO "$B/ko.us"

# ---- a deleted row: the store follows its source -------------------------
mk stooq "$DJ" MSFT "$B/msft.us" drop 2000-12-01
ncorr=$(sqlite3 "$db" "SELECT count(*) FROM corrections")
refetch "$TMP/job.xml"
expect_rc 0 "deleted row: fetch exit 0"
expect_out "stooq MSFT (msft.us): updated (+0 rows, 1 deleted)" "deleted row: reported"
check "deleted row: gone from the store" [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol = 'MSFT' AND date = '2000-12-01'")" -eq 0 ]
check "deleted row: recorded as a correction to 0" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM corrections WHERE symbol = 'MSFT' AND date = '2000-12-01' AND new_close = 0")" -eq 1 ]
mk stooq "$DJ" MSFT "$B/msft.us"
refetch "$TMP/job.xml"
check "deleted row: back when the source has it again" [ "$(rows_of MSFT)" = "$good_msft" ]

# ---- another ticker's series under MSFT's URL: quarantined ---------------
mk stooq "$DJ" AXP "$B/msft.us"
before=$(sqlite3 "$db" "SELECT * FROM prices ORDER BY symbol, date")
refetch "$TMP/job.xml"
expect_rc 65 "wrong ticker: fetch exit 65"
expect_out "most likely another series" "wrong ticker: said so"
check "wrong ticker: the store is unchanged" [ "$(sqlite3 "$db" "SELECT * FROM prices ORDER BY symbol, date")" = "$before" ]
check "wrong ticker: the body is kept apart" [ "$(sqlite3 "$db" "SELECT count(*) FROM quarantine WHERE symbol = 'MSFT'")" -eq 2529 ]
check "wrong ticker: the other symbols were fetched" sh -c "printf '%s' \"\$1\" | grep -q 'stooq KO (ko.us): not modified\|stooq KO (ko.us): updated'" _ "$out"
mk stooq "$DJ" MSFT "$B/msft.us"

# ---- an unadjusted 2:1 split ----------------------------------------------
mk stooq "$DJ" IBM "$B/ibm.us" split 2000-12-15
refetch "$TMP/job.xml"
expect_err "stooq IBM (ibm.us): suspected unadjusted split on 2000-12-15" "2:1 split: named as a suspected unadjusted split"
mk stooq "$DJ" IBM "$B/ibm.us"
refetch "$TMP/job.xml"

# ---- a re-adjustment: one event, one line, one record ---------------------
mk stooq "$DJ" MSFT "$B/msft.us" scale 0.98
ncorr=$(sqlite3 "$db" "SELECT count(*) FROM corrections")
refetch "$TMP/job.xml"
expect_rc 0 "re-adjustment: fetch exit 0"
expect_out "re-adjusted x0.98" "re-adjustment: reported with its ratio"
check "re-adjustment: one log line" [ "$(printf '%s\n' "$err" | grep -c 'MSFT')" -eq 1 ]
check "re-adjustment: one adjustments record" [ "$(sqlite3 "$db" "SELECT count(*) FROM adjustments WHERE symbol = 'MSFT'")" -eq 1 ]
check "re-adjustment: no correction rows" [ "$(sqlite3 "$db" "SELECT count(*) FROM corrections")" -eq "$ncorr" ]
check "re-adjustment: the store holds the new prices" [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol = 'MSFT'")" -eq 2529 ]
check "re-adjustment: every stored close is 0.98 x the real one (to 0.5 cent)" \
  $PY -c "
import sqlite3, sys, pandas as pd
df = pd.read_csv('$DJ').set_index('date')
rows = sqlite3.connect('$db').execute(\"SELECT date, close FROM prices WHERE symbol='MSFT'\").fetchall()
sys.exit(any(abs(c - 0.98 * df.MSFT[d]) > 0.005 for d, c in rows))"

# ---- --repair: the store holds exactly what the source sends --------------
sqlite3 "$db" "INSERT INTO prices VALUES ('MSFT', '1989-06-01', 1.5, 'stooq', 0)"
mk stooq "$DJ" MSFT "$B/msft.us"
run_convex fetch --repair MSFT "$TMP/job.xml"
expect_rc 0 "--repair: exit 0"
check "--repair: MSFT is exactly the source's series" [ "$(rows_of MSFT)" = "$good_msft" ]

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
