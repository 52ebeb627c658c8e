#!/bin/sh
# 80-faults-stale: a symbol whose prices stop updating is reported stale,
# never shown with a misleading correlation -- both when the feed stops
# (its last date weeks before the run's date) and when it goes on
# repeating its last value (a closing run of identical closes: zero
# returns). The summary, report.xml, report.json and the digest PDF's text
# say so; its pairs are skipped; the other pairs are delivered; exit 3.
. "$(dirname "$0")/../lib/assert.sh"

swx=$REPO/jobs/demo/prices/swx.csv
mkdir -p "$TMP/job"
# STOP: SPI up to 2007-03-30 only (39 days before 2007-05-08).
awk -F, 'NR == 1 { print "date,STOP"; next } $1 <= "2007-03-30" { print $1 "," $3 }' "$swx" > "$TMP/job/stop.csv"
# FLAT: SII every day up to 2007-05-08, but from 2007-04-02 on repeating the
# close of 2007-04-02 (a feed stuck on its last value for five weeks).
awk -F, 'NR == 1 { print "date,FLAT"; next }
         $1 >= "2007-04-02" { if (v == "") v = $4; print $1 "," v; next }
         { print $1 "," $4 }' "$swx" > "$TMP/job/flat.csv"
# The expectations, by hand from the files: FLAT is unchanged since its
# first repeated day; STOP's last date; days counted to 2007-05-08.
flat_since=$(awk -F, 'NR > 1 && $1 >= "2007-04-02" { print $1; exit }' "$swx")
flat_close=$(awk -F, 'NR > 1 && $1 >= "2007-04-02" { print $4; exit }' "$swx")
flat_n=$(awk -F, 'NR > 1 && $1 >= "2007-04-02"' "$swx" | wc -l)
flat_days=$(( ($(date -ud 2007-05-08 +%s) - $(date -ud "$flat_since" +%s)) / 86400 ))
stop_last=$(tail -n 1 "$TMP/job/stop.csv" | cut -d, -f1)
stop_days=$(( ($(date -ud 2007-05-08 +%s) - $(date -ud "$stop_last" +%s)) / 86400 ))

cat > "$TMP/job/stale.xml" <<XML
<?xml version="1.0"?>
<job name="stale" title="Stale feeds">
  <assets>
    <asset symbol="SBI" name="Swiss Bond Index" group="rates"/>
    <asset symbol="LP25" name="Pictet LPP 25" group="balanced"/>
    <asset symbol="STOP" name="A feed that stopped"/>
    <asset symbol="FLAT" name="A feed repeating its last value"/>
  </assets>
  <prices>
    <file path="$swx"/>
    <file path="stop.csv"/>
    <file path="flat.csv"/>
  </prices>
  <watchlist>
    <pair a="SBI" b="LP25"/>
    <pair a="SBI" b="STOP"/>
    <pair a="SBI" b="FLAT"/>
  </watchlist>
  <analysis as-of="2007-05-08"/>
  <outputs dir="out" archive="archive"/>
</job>
XML

run_convex run -j 2 "$TMP/job/stale.xml"
expect_rc 3 "stale symbols: exit status 3"
expect_out "3 pairs: 1 done, 2 skipped"
expect_out "\"STOP\" is stale: last price $stop_days days before 2007-05-08; its pairs are skipped"
expect_out "\"FLAT\" is stale: its close has stayed at $flat_close since $flat_since ($flat_n identical closes), $flat_days days before 2007-05-08; its pairs are skipped"
expect_out "SBI/STOP: stale prices for \"STOP\": last $stop_last, $stop_days days before the run's date"
expect_out "SBI/FLAT: stale prices for \"FLAT\": unchanged since $flat_since, $flat_days days before the run's date"
expect_err "\"FLAT\" is stale" "the stale feed is warned about on stderr"

run=$TMP/job/out/2007-05-08
x=$run/report.xml
check "report.xml: STOP stale with its days" \
  test "$(xmllint --xpath 'concat(//asset[@symbol="STOP"]/@stale, " ", //asset[@symbol="STOP"]/@days)' "$x")" = "true $stop_days"
check "report.xml: FLAT stale, unchanged since $flat_since" \
  test "$(xmllint --xpath 'concat(//asset[@symbol="FLAT"]/@stale, " ", //asset[@symbol="FLAT"]/@days, " ", //asset[@symbol="FLAT"]/@unchanged-since)' "$x")" = "true $flat_days $flat_since"
check "report.xml: FLAT's last date is still its last row" \
  test "$(xmllint --xpath 'string(//asset[@symbol="FLAT"]/@last)' "$x")" = 2007-05-08
check "report.xml: no correlation for the stale pairs" \
  test "$(xmllint --xpath 'count(//pair[@b="FLAT" or @b="STOP"]/window)' "$x")" -eq 0
check "report.xml: the fresh pair is computed" \
  test "$(xmllint --xpath 'count(//pair[@a="SBI" and @b="LP25"]/window)' "$x")" -gt 0
j=$run/report.json
check "report.json: FLAT stale with unchanged_since" \
  test "$(jq -r '.assets[] | select(.symbol == "FLAT") | "\(.stale) \(.days) \(.unchanged_since)"' "$j")" = "true $flat_days $flat_since"
check "report.json: STOP stale, no unchanged_since" \
  test "$(jq -r '.assets[] | select(.symbol == "STOP") | "\(.stale) \(.days) \(.unchanged_since)"' "$j")" = "true $stop_days null"
check "report.json: LP25 not stale" \
  test "$(jq -r '.assets[] | select(.symbol == "LP25") | .stale' "$j")" = false
pdftotext -layout "$run/pdf/digest.pdf" "$TMP/digest.txt"
check "digest PDF: FLAT's pair listed as stale" grep -q "SBI/FLAT: stale prices for \"FLAT\": unchanged since $flat_since" "$TMP/digest.txt"
check "digest PDF: STOP's pair listed as stale" grep -q "SBI/STOP: stale prices for \"STOP\": last $stop_last" "$TMP/digest.txt"
check "no deep dive for a stale pair" test ! -e "$run/pdf/SBI-FLAT.pdf" -a ! -e "$run/pdf/SBI-STOP.pdf"
check "the fresh pair's deep dive is there" test -s "$run/pdf/SBI-LP25.pdf"

# Two identical closes at the end are a quiet market, not a stale feed:
# FLAT2 repeats its close on the last two days only.
# (Other inputs make other PDFs for the same day: another output and archive.)
awk -F, 'NR == 1 { print "date,FLAT"; next } { if ($1 >= "2007-05-07") { if (v == "") v = $4; print $1 "," v } else print $1 "," $4 }' "$swx" > "$TMP/job/flat.csv"
sed 's/dir="out" archive="archive"/dir="out2" archive="archive2"/' "$TMP/job/stale.xml" > "$TMP/job/quiet.xml"
run_convex run -j 2 "$TMP/job/quiet.xml"
expect_rc 3 "STOP still makes it exit 3"
expect_out "3 pairs: 2 done, 1 skipped" "a two-day repeat is not stale"
check "report.json: FLAT fresh" \
  test "$(jq -r '.assets[] | select(.symbol == "FLAT") | .stale' "$TMP/job/out2/2007-05-08/report.json")" = false
finish
