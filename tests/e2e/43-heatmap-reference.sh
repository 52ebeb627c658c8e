#!/bin/sh
# 43-heatmap-reference: the digest heatmap (report.xml <heatmap>) holds the
# 1-year correlation of every pair of the watchlist's symbols, not only the
# watchlist's pairs; each cell equals an independent pandas computation
# (tests/ref/heatmap_reference.py) at 1e-9, a cell has no value exactly
# where pandas finds no full 1Y window, and the heatmap is the same
# whatever -j.
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400
PY=/usr/bin/python3

# The demo job plus SHORT: 200 days of prices (a full 90-day window for
# its watchlist pair SHORT/SPI, never a full year), its own price file.
mkdir -p "$TMP/job"
cp -r "$REPO/jobs/demo" "$TMP/job/demo"
{ echo "date,SHORT"; tail -n 200 "$REPO/jobs/demo/prices/swx.csv" | awk -F, '{ printf "%s,%.4f\n", $1, $5 * 1.5 + NR % 7 }'; } \
  > "$TMP/job/demo/prices/short.csv"
sed -e 's|</assets>|  <asset symbol="SHORT" name="Short history"/>\n  &|' \
    -e 's|<file path="demo/prices/dowjones30.csv" layout="wide"/>|&\n    <file path="demo/prices/short.csv" layout="wide"/>|' \
    -e 's|<within group="dow"/>|&\n    <pair a="SHORT" b="SPI"/>|' \
    "$REPO/jobs/demo.xml" > "$TMP/job/t.xml"
check "the test job has SHORT as an asset, a price file and a pair" \
  test "$(grep -c 'SHORT' "$TMP/job/t.xml")" -eq 2 -a "$(grep -c 'short.csv' "$TMP/job/t.xml")" -eq 1
# The watchlist's symbols in job order, read from the job here.
syms=$($PY -c 'import sys, xml.etree.ElementTree as E
print(" ".join(a.get("symbol") for a in E.parse(sys.argv[1]).findall("./assets/asset")))' "$TMP/job/t.xml")
check "15 watchlist symbols" [ "$(echo $syms | wc -w)" -eq 15 ]

# heatmap_cells REPORT.XML: {"A/B": r or null} for every pair of its symbols.
heatmap_cells() {
  $PY - "$1" <<'PY'
import json, sys, xml.etree.ElementTree as E
h = E.parse(sys.argv[1]).getroot().find("heatmap")
syms = [s.text for s in h.findall("symbol")]
cells = {(c.get("a"), c.get("b")): float(c.get("r")) for c in h.findall("cell")}
out = {}
for i, a in enumerate(syms):
    for b in syms[i + 1:]:
        out[a + "/" + b] = cells.get((a, b))
print(json.dumps({"symbols": syms, "cells": out}))
PY
}

# compare CONVEX.json REFERENCE.json: prints one line per mismatch.
compare() {
  $PY - "$1" "$2" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))["cells"]
ref = json.load(open(sys.argv[2]))
bad = 0
for k, r in ref.items():
    g = got.get(k, "missing")
    if (r is None) != (g is None) or (r is not None and abs(g - r) > 1e-9):
        print("%s: convex %s, pandas %s" % (k, g, r)); bad += 1
if set(got) != set(ref):
    print("pairs differ: %s" % sorted(set(got) ^ set(ref))); bad += 1
sys.exit(1 if bad else 0)
PY
}

# 1. The run's date (2007-05-08) and the job's 5-year lookback.
run_convex run -q --no-mail -j 4 --out "$TMP/out" "$TMP/job/t.xml"
expect_rc 0 "run: exit 0"
rx=$TMP/out/2007-05-08/report.xml
heatmap_cells "$rx" > "$TMP/got.json"
check "heatmap symbols: the watchlist's, in job order" \
  test "$($PY -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["symbols"]))' "$TMP/got.json")" = "$syms"
$PY "$TESTS_DIR/ref/heatmap_reference.py" --prices "$REPO/jobs/demo/prices/swx.csv" \
  --prices "$REPO/jobs/demo/prices/dowjones30.csv" --prices "$TMP/job/demo/prices/short.csv" \
  --as-of 2007-05-08 --lookback-years 5 $syms > "$TMP/ref.json"
check "every cell equals pandas at 1e-9 (n/a exactly where pandas has no full 1Y)" compare "$TMP/got.json" "$TMP/ref.json"
# Named cells, so that a vacuous comparison cannot pass.
cell() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d.get("cells", d)[sys.argv[2]]; print("n/a" if v is None else "%.12f" % v)' "$1" "$2"; }
check "LP25/LP40 (not a watchlist pair) has a value" [ "$(cell "$TMP/got.json" LP25/LP40)" != n/a ]
lp=$(cell "$TMP/got.json" LP25/LP40)
check "LP25/LP40 is pandas' value (12 decimals)" [ -n "$lp" ] && [ "$lp" = "$(cell "$TMP/ref.json" LP25/LP40)" ]
check "SBI/IBM (two price files, not a watchlist pair) has a value" [ "$(cell "$TMP/got.json" SBI/IBM)" != n/a ]
check "SHORT/SPI has no value (200 prices: no full year)" [ "$(cell "$TMP/got.json" SPI/SHORT)" = n/a ]
check "pandas has no value for SHORT/SPI either" [ "$(cell "$TMP/ref.json" SPI/SHORT)" = n/a ]
check "SHORT/SPI is still a computed watchlist pair" grep -q '<pair id="SHORT-SPI"' "$rx"
ncells=$(grep -c '<cell ' "$rx")
check "105 - 14 = 91 cells: every pair but SHORT's" [ "$ncells" -eq 91 ]
# A watchlist pair's cell is its own 1Y window.
w1y=$($PY -c 'import sys, xml.etree.ElementTree as E
p = E.parse(sys.argv[1]).getroot().find("pairs/pair[@id=\"SBI-SPI\"]/window[@key=\"1y\"]")
print(p.get("r"))' "$rx")
check "SBI/SPI cell = the pair's 1y window r" grep -q "<cell a=\"SBI\" b=\"SPI\" r=\"$w1y\"/>" "$rx"

# 2. Another as-of and lookback (--as-of; the job's lookback set to 2).
# SHORT has no price on or before 2004-06-30: its pair is skipped (exit 3)
# and it is not among the heatmap's symbols.
sed 's|lookback-years="5"|lookback-years="2"|' "$TMP/job/t.xml" > "$TMP/job/t2.xml"
run_convex run -q --no-mail -j 2 --as-of 2004-06-30 --out "$TMP/out2" "$TMP/job/t2.xml"
expect_rc 3 "run --as-of 2004-06-30: exit 3 (SHORT/SPI skipped)"
heatmap_cells "$TMP/out2/2004-06-30/report.xml" > "$TMP/got2.json"
syms2=$(echo $syms | sed 's/ SHORT//')
check "as of 2004-06-30: the heatmap's symbols are those with prices" \
  test "$($PY -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["symbols"]))' "$TMP/got2.json")" = "$syms2"
$PY "$TESTS_DIR/ref/heatmap_reference.py" --prices "$REPO/jobs/demo/prices/swx.csv" \
  --prices "$REPO/jobs/demo/prices/dowjones30.csv" \
  --as-of 2004-06-30 --lookback-years 2 $syms2 > "$TMP/ref2.json"
check "as of 2004-06-30, 2 years: every cell equals pandas at 1e-9" compare "$TMP/got2.json" "$TMP/ref2.json"

# 3. -j does not change the heatmap (nor anything else in the report).
run_convex run -q --no-mail -j 1 --out "$TMP/out1" "$TMP/job/t.xml"
expect_rc 0 "run -j 1: exit 0"
check "report.xml identical with -j 1 and -j 4" cmp -s "$rx" "$TMP/out1/2007-05-08/report.xml"
check "heatmap.png identical with -j 1 and -j 4" cmp -s "$TMP/out/2007-05-08/charts/heatmap.png" "$TMP/out1/2007-05-08/charts/heatmap.png"
finish
