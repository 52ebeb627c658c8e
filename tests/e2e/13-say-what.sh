#!/bin/sh
# 13-say-what: what convex says while it works. -v prints each stage's
# start and end with its duration and counts, -vv one line per pair; the
# progress bar is drawn on a terminal (script(1)) and never into a file;
# `report` prints the files it wrote; counts take the right plural ("1
# pair", "1 test"); a missing data directory is one convex line, without
# libxml2's raw "I/O warning".
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400

demo_job

# -v: a start and a "done in S s" line per stage.
run_convex run "$job" --out "$TMP/v" --no-mail -j 2 -v
expect_rc 0 "run -v: exit 0"
for st in load stats charts pdfs digest archive site; do
  check "-v: $st started" sh -c "printf '%s\n' \"\$1\" | grep -q 'info: $st: started'" _ "$err"
  check "-v: $st done with its duration" sh -c "printf '%s\n' \"\$1\" | grep -Eq 'info: $st: done in [0-9]+\.[0-9]{3} s'" _ "$err"
done
# the counts against the run's own report.json (a second, independent output)
npairs=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['pairs']))" "$TMP/v/2007-05-08/report.json")
expect_err "stats: done in" "-v: stats line"
check "-v: the stats line counts the computed pairs ($npairs)" \
  sh -c "printf '%s\n' \"\$1\" | grep -Eq 'stats: done in [0-9.]+ s: $npairs pairs computed'" _ "$err"
# three web charts per pair and the email charts of the publication plan
# (the pairs report.json names an email chart for, docs/mail.md)
npngs=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(3 + ('rolling' in p['charts']) for p in d['pairs']))" "$TMP/v/2007-05-08/report.json")
check "-v: the charts line counts the PNGs ($npngs)" \
  sh -c "printf '%s\n' \"\$1\" | grep -Eq 'charts: done in [0-9.]+ s: $npngs PNGs'" _ "$err"
check "-v: no progress bar into a file" sh -c "! grep -q '\[#' \"\$1\"" _ "$TMP/.err"

# -vv: one line per pair, computed or skipped
nwatch=$(/usr/bin/python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); print(len(d['pairs']) + len(d['skipped']))" "$TMP/v/2007-05-08/report.json")
run_convex run "$job" --out "$TMP/vv" --no-mail -vv
expect_rc 0 "run -vv: exit 0"
check "-vv: one line per watchlist pair ($nwatch)" \
  test "$(printf '%s\n' "$err" | grep -Ec 'debug: pair [A-Z0-9.]+/[A-Z0-9.]+: ')" -eq "$nwatch"
# -vv with mail (.eml files): one line per message, one per subscriber
nsubs=$(tail -n +2 "$TMP/job/demo/subscribers.csv" | cut -d, -f1 | tr 'A-Z' 'a-z' | sort -u | grep -c @)
CONVEX_UNSUBSCRIBE_SECRET=test-secret run_convex run "$job" --out "$TMP/vvm" -vv
check "-vv with mail: exit 0 or 3" [ "$rc" -eq 0 -o "$rc" -eq 3 ]
check "-vv: one line per message ($nsubs subscribers)" \
  test "$(printf '%s\n' "$err" | grep -c 'debug: mail to .*: written as .eml')" -eq "$nsubs"
# without -v: nothing but warnings
run_convex run "$job" --out "$TMP/q" --no-mail
check "default: no info lines" sh -c "! grep -q 'info:' \"\$1\"" _ "$TMP/.err"

# A terminal gets the progress bar of the charts and PDFs.
if command -v script >/dev/null 2>&1; then
  script -qec "'$CONVEX' run '$job' --out '$TMP/tty' --no-mail -j 2" "$TMP/typescript" > /dev/null 2>&1
  check "TTY: charts progress bar" grep -aq 'charts   \[#' "$TMP/typescript"
  check "TTY: PDFs progress bar complete" grep -aEq "PDFs     \[#+\] $npairs/$npairs" "$TMP/typescript"
  script -qec "'$CONVEX' run -q '$job' --out '$TMP/ttyq' --no-mail" "$TMP/typescript-q" > /dev/null 2>&1
  check "TTY with -q: no bar" sh -c "! grep -aq '\[#' \"\$1\"" _ "$TMP/typescript-q"
else
  echo "skip - script(1) is not installed: no TTY case"
fi

# report prints every file it wrote, and they exist
run_convex report --prices "$REPO/jobs/demo/prices/swx.csv" --pair SBI/SPI --out "$TMP/r" --png
expect_rc 0 "report: exit 0"
check "report: seven files listed (PDF + 6 PNGs)" test "$(printf '%s\n' "$out" | grep -c .)" -eq 7
printf '%s\n' "$out" | while read -r f; do [ -s "$f" ] || echo "missing $f"; done > "$TMP/missing"
check "report: every listed file exists" test ! -s "$TMP/missing"
check "report: the PDF is listed" sh -c "printf '%s\n' \"\$1\" | grep -qx '$TMP/r/SBI-SPI.pdf'" _ "$out"

# plural forms: a job of one pair
/usr/bin/python3 - "$job" "$TMP/job/one.xml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s = re.sub(r'<watchlist>.*?</watchlist>', '<watchlist><pair a="SBI" b="SPI"/></watchlist>', s, flags=re.S)
open(sys.argv[2], 'w').write(s)
PY
run_convex run "$TMP/job/one.xml" --out "$TMP/one" --no-mail
expect_rc 0 "one-pair run: exit 0"
expect_out ", 1 pair: 1 done" "summary: 1 pair"
expect_out "over 1 test)" "summary: over 1 test"
check "summary: no '1 pairs' or '1 tests'" sh -c "! printf '%s\n' \"\$1\" | grep -Eq '\b1 (pairs|tests)\b'" _ "$out"
run_convex check --no-mail "$TMP/job/one.xml"
expect_out "1 watchlist pair" "check: 1 watchlist pair"

# a wrong data directory: one convex line, no raw libxml2 diagnostics
CONVEX_DATADIR=$TMP/nowhere run_convex check "$job"
expect_rc 70 "missing schema: exit 70"
expect_one_line "missing schema: one line on stderr"
expect_err "cannot read the job schema" "missing schema: convex's own message"
check "no raw 'I/O warning'" sh -c "! printf '%s\n' \"\$1\" | grep -q 'I/O warning'" _ "$err"
# fetch: a failure with nothing stored does not claim stored prices were kept
# (a loopback port nobody listens on: connection refused at once)
port=$(/usr/bin/python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
cat > "$TMP/fetch.xml" <<XML
<job name="nofetch"><assets><asset symbol="AAA" name="a" source="s"/><asset symbol="BBB" name="b" source="s"/></assets>
<prices><source name="s" url="http://127.0.0.1:$port/{symbol}" layout="ohlc"/><store path="store.db"/></prices>
<watchlist><pair a="AAA" b="BBB"/></watchlist><outputs dir="out"/></job>
XML
run_convex fetch "$TMP/fetch.xml"
check "fetch with nothing stored: fails" test "$rc" -ne 0
expect_err "none of them has stored prices" "fetch: says nothing was stored"
check "fetch: no claim that stored prices were kept" sh -c "! printf '%s\n' \"\$1\" | grep -q 'were kept'" _ "$err"
finish
