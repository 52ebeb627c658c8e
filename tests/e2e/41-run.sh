#!/bin/sh
# 41-run.sh - `convex run` on a fixture job with three bad days (a missing
# price file, a stale symbol, a pair with too little overlap): the run
# directory layout, the manifest, determinism across -j 1 and -j 4, the
# run lock, the archive's refusal to overwrite, and the exit status 3.
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400   # 2007-05-08: byte-identical PDFs

swx=$REPO/jobs/demo/prices/swx.csv
mkdir -p "$TMP/job/prices"
cp "$swx" "$TMP/job/prices/swx.csv"
# OLD: SPI's levels up to 2007-03-01 only -> stale on 2007-05-08 (68 days).
awk -F, 'NR == 1 { print "date,OLD"; next } $1 <= "2007-03-01" { print $1 "," $3 }' "$swx" > "$TMP/job/prices/old.csv"
# NEW: SII's last 50 days only -> 49 common returns, fewer than 90.
{ echo "date,NEW"; tail -n 50 "$swx" | awk -F, '{ print $1 "," $4 }'; } > "$TMP/job/prices/new.csv"

cat > "$TMP/job/t.xml" <<'XML'
<?xml version="1.0"?>
<job name="t" title="Fixture">
  <assets>
    <asset symbol="SBI" name="Swiss Bond Index" group="rates"/>
    <asset symbol="SPI" name="Swiss Performance Index" group="equities"/>
    <asset symbol="SII" name="Swiss Immofonds Index" group="real-estate"/>
    <asset symbol="LP25" name="Pictet LPP 25" group="balanced"/>
    <asset symbol="OLD" name="A stale feed"/>
    <asset symbol="NEW" name="A new listing"/>
    <asset symbol="GONE" name="A file that went missing"/>
  </assets>
  <prices>
    <file path="prices/swx.csv"/>
    <file path="prices/old.csv"/>
    <file path="prices/new.csv"/>
    <file path="prices/gone.csv" symbol="GONE" layout="ohlc"/>
  </prices>
  <watchlist>
    <pair a="SBI" b="SPI"/>
    <across a="real-estate" b="rates"/>
    <across a="balanced" b="equities"/>
    <pair a="SPI" b="SII"/>
    <pair a="SPI" b="OLD"/>
    <pair a="SBI" b="NEW"/>
    <pair a="SBI" b="GONE"/>
  </watchlist>
  <outputs dir="out" archive="ARCHIVE"/>
</job>
XML
# An absolute archive: --out leaves it where the job says.
sed -i "s|archive=\"ARCHIVE\"|archive=\"$TMP/job/archive\"|" "$TMP/job/t.xml"

run_convex run -j 1 --out "$TMP/a" "$TMP/job/t.xml"
expect_rc 3 "bad days: exit status 3"
expect_out "7 pairs: 4 done, 3 skipped" "the summary counts done and skipped pairs"
expect_out 'SPI/OLD: stale prices for "OLD": last 2007-03-01, 68 days before the run'
expect_out 'SBI/NEW: too little overlap: 49 common daily returns, at least 90 needed'
expect_out 'SBI/GONE: no prices for "GONE"'
expect_out "gone.csv: cannot open" "the missing file is named in the summary"
expect_err "gone.csv: cannot open" "and warned about on stderr"
run_a=$TMP/a/2007-05-08
check "run directory named by the as-of date" test -d "$run_a"
for f in report.xml report.json manifest.sha256 pdf/SBI-SPI.pdf pdf/SII-SBI.pdf pdf/digest.pdf \
         charts/SBI-SPI-rolling@2x.png charts/SBI-SPI-scatter@2x.png \
         charts/SBI-SPI-years@2x.png charts/shifts.png charts/heatmap.png; do
  check "run directory has $f" test -s "$run_a/$f"
done
check "no PDF for a skipped pair" test ! -e "$run_a/pdf/SPI-OLD.pdf"
check "no temporary directory left" sh -c "! ls -a '$TMP/a' | grep -q tmp-"
check "manifest verifies with sha256sum -c" sh -c "cd '$run_a' && sha256sum --quiet -c manifest.sha256"
check "manifest lists every file" sh -c "cd '$run_a' && [ \$(find . -type f ! -name manifest.sha256 ! -name run.json | wc -l) -eq \$(wc -l < manifest.sha256) ]"
check "manifest is sorted" sh -c "cut -c67- '$run_a/manifest.sha256' | LC_ALL=C sort -c"

# The report tells the same story (parsed by Python's XML parser).
/usr/bin/python3 - "$run_a/report.xml" "$run_a/report.json" > "$TMP/rep.txt" <<'PY'
import json, sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print("skipped", sorted(p.get("id") for p in r.find("skipped")))
print("stale", [a.get("symbol") for a in r.find("assets") if a.get("stale") == "true"])
print("pairs", sorted(p.get("id") for p in r.find("pairs")))
j = json.load(open(sys.argv[2]))
print("json", sorted(p["id"] for p in j["skipped"]), len(j["pairs"]), j["ranking"]["tests"])
PY
check "report.xml lists the skipped pairs" grep -qF "skipped ['SBI-GONE', 'SBI-NEW', 'SPI-OLD']" "$TMP/rep.txt"
check "report.xml marks OLD stale" grep -qF "stale ['OLD']" "$TMP/rep.txt"
check "report.xml has the computed pairs" grep -qF "pairs ['LP25-SPI', 'SBI-SPI', 'SII-SBI', 'SPI-SII']" "$TMP/rep.txt"
check "report.json says the same" grep -qF "json ['SBI-GONE', 'SBI-NEW', 'SPI-OLD'] 4 4" "$TMP/rep.txt"

# Determinism: -j 4 into another directory gives the same bytes.
run_convex run -j 4 -qq --out "$TMP/b" "$TMP/job/t.xml"
expect_rc 3 "-j 4: same exit status"
check "-qq prints no summary" test -z "$out"
run_convex run -j 3 --out "$TMP/b2" "$TMP/job/t.xml"
run_b=$TMP/b/2007-05-08
for f in report.xml report.json manifest.sha256 pdf/SBI-SPI.pdf pdf/LP25-SPI.pdf pdf/digest.pdf charts/shifts.png; do
  check "-j 1 and -j 4 give identical $f" cmp -s "$run_a/$f" "$run_b/$f"
done
check "-j 1 and -j 4 give identical trees (but run.json)" diff -r -x run.json "$run_a" "$run_b"

# The archive: the second run found the same bytes (fine).
arch=$TMP/job/archive/2007/05/08
check "PDFs archived under ARCHIVE/YYYY/MM/DD" test -s "$arch/SBI-SPI.pdf"
expect_out "(0 new, 5 already there)" "the second run found the same bytes in the archive"
# Different bytes under an archived name: refused, non-zero, run dir kept.
printf 'tampered' >> "$arch/SBI-SPI.pdf"
cp "$arch/SBI-SPI.pdf" "$TMP/tampered.pdf"
run_convex run -j 2 --out "$TMP/c" "$TMP/job/t.xml"
expect_rc 73 "archive refuses to overwrite: exit 73"
expect_err "SBI-SPI.pdf: already archived with different content; refusing to overwrite"
check "the archived file is untouched" cmp -s "$arch/SBI-SPI.pdf" "$TMP/tampered.pdf"
check "the run directory is still delivered" test -s "$TMP/c/2007-05-08/report.xml"

# A rerun of the same day replaces the run directory as a whole.
touch "$run_a/extra-file"
run_convex run -j 2 --out "$TMP/a" "$TMP/job/t.xml"
check "rerun replaced the old directory" test ! -e "$run_a/extra-file"
check "rerun left no old or temporary directory" sh -c "[ \$(ls -a '$TMP/a' | grep -c '^\\.2007') -eq 0 ]"

# The lock: a second process holds it (fcntl lock, as convex takes it).
mkdir -p "$TMP/d"
/usr/bin/python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close(); time.sleep(30)' "$TMP/d/.convex-t.lock" "$TMP/locked" &
holder=$!
at_exit "kill $holder 2>/dev/null"
i=0; while [ ! -e "$TMP/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run_convex run --out "$TMP/d" "$TMP/job/t.xml"
expect_rc 75 "a second run of the same job is refused: exit 75"
expect_err "job \"t\" is already running (pid $holder;" "the message names the holder's PID"
check "the refused run wrote nothing" test ! -e "$TMP/d/2007-05-08"
kill $holder; wait $holder 2>/dev/null
run_convex run --out "$TMP/d" "$TMP/job/t.xml"
expect_rc 73 "after the holder is gone the run proceeds (to the archive's refusal)"

# --out moves what the job leaves to its defaults or names relative to
# itself: a trial run never writes into the job's own archive. Only an
# archive given as an absolute path stays put (the runs above archived
# into $TMP/job/archive).
sed "s| archive=\"$TMP/job/archive\"||" "$TMP/job/t.xml" > "$TMP/job/t2.xml"
run_convex run -qq --no-mail --out "$TMP/e" "$TMP/job/t2.xml"
expect_rc 3 "--out with a default archive: exit 3 (the bad days)"
check "--out: the default archive follows it" test -s "$TMP/e/archive/2007/05/08/SBI-SPI.pdf"
check "--out: nothing in the job's default output dir" test ! -e "$TMP/job/out"
sed "s|archive=\"$TMP/job/archive\"|archive=\"rel-archive\"|" "$TMP/job/t.xml" > "$TMP/job/t3.xml"
run_convex run -qq --no-mail --out "$TMP/f" "$TMP/job/t3.xml"
expect_rc 3 "--out with a job-relative archive: exit 3 (the bad days)"
check "--out: a job-relative archive follows it" test -s "$TMP/f/archive/2007/05/08/SBI-SPI.pdf"
check "--out: nothing beside the job file" test ! -e "$TMP/job/rel-archive"

# A day on which no pair could be computed still has its report.json,
# written pair by pair (report_json.c): "pairs" is empty, the skipped pair
# listed. BBB has 10 prices, too few to overlap AAA's 90 returns.
mkdir -p "$TMP/zero"
/usr/bin/python3 - "$TMP/zero/p.csv" <<'PY'
import datetime, sys
rows = [datetime.date(2020, 1, 1) + datetime.timedelta(days=i) for i in range(200)]
with open(sys.argv[1], "w") as f:
    f.write("date,AAA,BBB\n")
    for i, d in enumerate(rows):
        f.write("%s,%.2f,%s\n" % (d, 100 + (i % 7), "%.2f" % (50 + i % 3) if i >= 190 else ""))
PY
cat > "$TMP/zero/j.xml" <<'JOB'
<?xml version="1.0" encoding="UTF-8"?>
<job name="zero" title="No pair computed">
  <assets><asset symbol="AAA" name="A"/><asset symbol="BBB" name="B"/></assets>
  <prices><file path="p.csv" layout="wide"/></prices>
  <watchlist><pair a="AAA" b="BBB"/></watchlist>
  <outputs dir="out" archive="archive"/>
</job>
JOB
run_convex run -qq --no-mail "$TMP/zero/j.xml"
expect_rc 3 "no pair computed: exit 3 (the bad days)"
check "no pair computed: report.json has no pairs and the skipped one" \
  /usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(not (r["pairs"] == [] and [s["id"] for s in r["skipped"]] == ["AAA-BBB"]))' \
  "$TMP/zero/out/2020-07-18/report.json"

finish
