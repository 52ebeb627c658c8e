#!/bin/sh
# 14-progress-bars: on a terminal every long stage draws a progress bar
# (issue 11 item 9): charts, PDFs, the digest PDF, the archive, the web
# edition, mail (.eml and SMTP), send, the merge's copy, fetch. script(1)
# gives convex a pseudo-terminal; each bar must end complete ("N/N", the
# count taken from the run's own files or the test's input, not from the
# bar). Without a terminal (a file, as under cron) none of it is drawn.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
. "$TESTS_DIR/lib/httpd.sh"
unset CONVEX_SMTP_USER CONVEX_SMTP_PASSWORD
export CONVEX_UNSUBSCRIBE_SECRET=progress-test-secret SOURCE_DATE_EPOCH=1178582400

if ! command -v script >/dev/null 2>&1; then
  echo "skip $TALLY_PREFIX:$TEST_NAME: script(1) (util-linux) is not installed" >> "$TALLY"
  finish
fi
demo_job
nsubs=$(tail -n +2 "$TMP/job/demo/subscribers.csv" | cut -d, -f1 | tr 'A-Z' 'a-z' | sort -u | grep -c @)

# tty FILE CMD...: run CMD on a pseudo-terminal, its output into FILE.
tty() {
  f=$1; shift
  script -qfec "$*" "$f" > /dev/null 2>&1
}
# bar FILE LABEL N: the bar LABEL reached N/N in FILE.
bar() {
  grep -aEq "$2 +\[#+\] $3/$3" "$1"
}

# ---- run: charts, PDFs, digest, archive, web edition, mail (.eml) ----------
tty "$TMP/run.tty" "'$CONVEX' run '$job' --out '$TMP/r' -j 2"
day=$TMP/r/2007-05-08
npairs=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['pairs']))" "$day/report.json")
npdf=$(ls "$day"/pdf/*.pdf | wc -l)
nweb=$(ls "$TMP"/r/archive/2007/05/08/pairs/*.html 2>/dev/null | wc -l)
check "run: charts bar complete ($npairs pairs)" bar "$TMP/run.tty" charts "$npairs"
check "run: PDFs bar complete" bar "$TMP/run.tty" PDFs "$npairs"
check "run: digest bar complete" grep -aEq 'digest +\[#+\] ([0-9]+)/\1' "$TMP/run.tty"
check "run: archive bar complete ($npdf PDFs)" bar "$TMP/run.tty" archive "$npdf"
# the web edition: every dated and latest pair page, the day page, the
# symbol pages, the index
check "run: web bar complete" bar "$TMP/run.tty" web "$((2 * nweb + 3))"
check "run: mail bar complete ($nsubs subscribers)" bar "$TMP/run.tty" mail "$nsubs"

# ---- send over SMTP ----------------------------------------------------------
make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth demo:s3cret
"$CONVEX" run "$job" --out "$TMP/s" --no-mail > /dev/null 2>&1
tty "$TMP/send.tty" "CONVEX_SMTP_USER=demo CONVEX_SMTP_PASSWORD=s3cret '$CONVEX' send '$TMP/s/2007-05-08' --smtp smtp://127.0.0.1:$SMTP_PORT --smtp-ca-file '$TMP/cert.pem'"
check "send over SMTP: every subscriber's message arrived" [ "$(spool_count)" -eq "$nsubs" ]
check "send over SMTP: mail bar complete" bar "$TMP/send.tty" mail "$nsubs"

# ---- merge ---------------------------------------------------------------------
for k in 1 2; do "$CONVEX" run "$job" --shard "$k/2" --out "$TMP/m" > /dev/null 2>&1; done
tty "$TMP/merge.tty" "'$CONVEX' merge '$TMP/m/2007-05-08.shard-1-of-2' '$TMP/m/2007-05-08.shard-2-of-2' --no-mail"
check "merge: shards bar complete (2 shards)" bar "$TMP/merge.tty" shards 2
check "merge: copy bar complete" bar "$TMP/merge.tty" copy "$npairs"
check "merge: digest bar complete" grep -aEq 'digest +\[#+\] ([0-9]+)/\1' "$TMP/merge.tty"
check "merge: web bar complete" grep -aEq 'web +\[#+\] ([0-9]+)/\1' "$TMP/merge.tty"

# ---- fetch: one step per source symbol asked -------------------------------
start_pricesrv || exit 1
mk() { /usr/bin/python3 "$TESTS_DIR/tools/mkprices.py" "$@"; }
DJ=$REPO/jobs/demo/prices/dowjones30.csv
for s in KO MSFT IBM; do mk stooq "$DJ" "$s" "$PRICE_DIR/bodies/$(echo $s | tr A-Z a-z).us"; done
cat > "$TMP/fetch.xml" <<XML
<job name="bars"><assets>
<asset symbol="KO" name="KO" source="s" ticker="ko.us"/><asset symbol="MSFT" name="MSFT" source="s" ticker="msft.us"/>
<asset symbol="IBM" name="IBM" source="s" ticker="ibm.us"/></assets>
<prices><source name="s" url="http://127.0.0.1:$PRICE_PORT/q/d/l/{symbol}" layout="ohlc"/><store path="store.db"/></prices>
<watchlist><pair a="KO" b="MSFT"/></watchlist><outputs dir="out"/></job>
XML
tty "$TMP/fetch.tty" "'$CONVEX' fetch '$TMP/fetch.xml'"
check "fetch: three symbols updated" test "$(grep -ac 'updated (+' "$TMP/fetch.tty")" -eq 3
check "fetch: bar complete (3 sources asked)" bar "$TMP/fetch.tty" fetch 3

# ---- no terminal: nothing of it --------------------------------------------
"$CONVEX" run "$job" --out "$TMP/f" -j 2 > "$TMP/file.out" 2> "$TMP/file.err"
CONVEX_SMTP_USER=demo CONVEX_SMTP_PASSWORD=s3cret "$CONVEX" send "$TMP/s/2007-05-08" \
  --smtp "smtp://127.0.0.1:$SMTP_PORT" --smtp-ca-file "$TMP/cert.pem" >> "$TMP/file.out" 2>> "$TMP/file.err"
"$CONVEX" merge "$TMP/m/2007-05-08.shard-1-of-2" "$TMP/m/2007-05-08.shard-2-of-2" --no-mail \
  >> "$TMP/file.out" 2>> "$TMP/file.err"
"$CONVEX" fetch --force "$TMP/fetch.xml" >> "$TMP/file.out" 2>> "$TMP/file.err"
check "no terminal: the commands ran (a summary line each)" test "$(grep -c . "$TMP/file.out")" -ge 4
check "no terminal: no bar on stderr" sh -c "! grep -aq '\[#\|\[\.\.' \"\$1\"" _ "$TMP/file.err"
check "no terminal: no carriage return on stderr" sh -c "! grep -aq \"\$(printf '\r')\" \"\$1\"" _ "$TMP/file.err"
# -q on a terminal: no bar either
tty "$TMP/q.tty" "'$CONVEX' run -q '$job' --out '$TMP/q' --no-mail"
check "-q on a terminal: no bar" sh -c "! grep -aq '\[#' \"\$1\"" _ "$TMP/q.tty"
finish
