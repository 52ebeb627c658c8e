#!/bin/sh
# false_positives.sh - how many genuine days each plausibility check
# (docs/prices.md) flags on the bundled real data: the 30 Dow stocks and the
# 6 Swiss indices of jobs/demo/prices (= ../shared/data), none of which has
# a known fault, so every flag is a false positive.
#
#   sh tests/tools/false_positives.sh [CONVEX]     (from the repository root;
#                                 CONVEX: a path, or a name on PATH; default
#                                 build/convex)
#
# future date, bad print, unadjusted split: `convex check` of a job holding
# every series of each file, next to the independent pandas reference
# (tests/tools/plausible_ref.py). another series, re-adjustment: every
# series served by tests/lib/pricesrv.py on 127.0.0.1 (the Dow stocks in
# Stooq's format, the Swiss indices in FRED's), fetched, then fetched again
# whole (--force): the second answer is the same genuine series, so a
# quarantine, adjustment or correction there is a false positive.
# Prints one line per check; exits 1 when a step fails.
set -u
CONVEX=${1:-build/convex}
case $CONVEX in
/*) ;;
*/*) CONVEX=$PWD/$CONVEX ;;
*) CONVEX=$(command -v "$CONVEX") || { echo "$1: not found"; exit 1; } ;;  # on PATH
esac
PY=/usr/bin/python3
REPO=$(cd "$(dirname "$0")/../.." && pwd)
D=$REPO/jobs/demo/prices
T=$(mktemp -d "${TMPDIR:-/tmp}/convex-fp.XXXXXX")
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# ---- the checks on files: convex check, and the pandas reference ----------
total=0; fut=0; spike=0; split=0; rspike=0; rsplit=0; days=""
for f in dowjones30 swx; do
  cols=$(head -1 "$D/$f.csv" | cut -d, -f2- | tr , ' ')
  {
    echo "<job name=\"fp-$f\"><assets>"
    for c in $cols; do echo "<asset symbol=\"$c\" name=\"$c\" group=\"g\"/>"; done
    echo "</assets><prices><file path=\"$D/$f.csv\" layout=\"wide\"/></prices>"
    echo '<watchlist><within group="g"/></watchlist><outputs dir="out"/></job>'
  } > "$T/$f.xml"
  "$CONVEX" check "$T/$f.xml" > /dev/null 2> "$T/$f.err" || { cat "$T/$f.err"; exit 1; }
  n=$($PY -c "import pandas as pd; d=pd.read_csv('$D/$f.csv'); print(int(d.iloc[:, 1:].notna().sum().sum()))")
  total=$((total + n))
  fut=$((fut + $(grep -c 'dated after' "$T/$f.err")))
  spike=$((spike + $(grep -o 'suspected bad print on' "$T/$f.err" | wc -l)))
  split=$((split + $(grep -o 'suspected unadjusted split on' "$T/$f.err" | wc -l)))
  days="$days$(sed -n 's/.*data quality of "\([^"]*\)": suspected [a-z ]* on \([0-9-]*\) (\([^)]*\)).*/ \1 \2 (\3)/p' "$T/$f.err" | tr '\n' ';')"
  $PY "$REPO/tests/tools/plausible_ref.py" "$D/$f.csv" > "$T/$f.ref" || exit 1
  rspike=$((rspike + $(grep -c ' spike$' "$T/$f.ref")))
  rsplit=$((rsplit + $(grep -c ' split$' "$T/$f.ref")))
done
echo "closes checked: $total (jobs/demo/prices: $(head -1 "$D/dowjones30.csv" | tr , '\n' | tail -n +2 | wc -l) Dow stocks, $(head -1 "$D/swx.csv" | tr , '\n' | tail -n +2 | wc -l) Swiss indices)"
echo "future date:      $fut genuine days flagged"
echo "bad print:        $spike genuine days flagged (pandas reference: $rspike)"
echo "unadjusted split: $split genuine days flagged (pandas reference: $rsplit):${days%;}"

# ---- the checks on fetched bodies: serve, fetch, fetch the same again ------
mkdir -p "$T/srv"
$PY "$REPO/tests/lib/pricesrv.py" "$T/srv" 2> "$T/srv.err" &
SRV=$!
i=0
while [ ! -s "$T/srv/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/srv/port" ] || { echo "pricesrv did not start"; cat "$T/srv.err"; exit 1; }
base=http://127.0.0.1:$(cat "$T/srv/port")
$PY - "$D" "$T/srv/bodies" <<'PY' || exit 1
import sys, pandas as pd
src, out = sys.argv[1], sys.argv[2]
dow = pd.read_csv(src + "/dowjones30.csv", dtype=str)
for c in dow.columns[1:]:                       # Stooq: Date,Open,High,Low,Close,Volume
    with open("%s/%s.us" % (out, c.lower()), "w", newline="") as f:
        f.write("Date,Open,High,Low,Close,Volume\r\n")
        for d, x in zip(dow.date, dow[c]):
            f.write("%s,%s,%s,%s,%s,1000\r\n" % (d, x, x, x, x))
swx = pd.read_csv(src + "/swx.csv", dtype=str)
for c in swx.columns[1:]:                       # FRED: observation_date,SERIES
    with open("%s/%s" % (out, c), "w") as f:
        f.write("observation_date,%s\n" % c)
        for d, x in zip(swx.date, swx[c]):
            f.write("%s,%s\n" % (d, x))
PY
dcols=$(head -1 "$D/dowjones30.csv" | cut -d, -f2- | tr , ' ')
scols=$(head -1 "$D/swx.csv" | cut -d, -f2- | tr , ' ')
{
  echo '<job name="fp-fetch"><assets>'
  for c in $dcols; do
    echo "<asset symbol=\"$c\" name=\"$c\" group=\"d\" source=\"stooq\" ticker=\"$(echo "$c" | tr '[:upper:]' '[:lower:]').us\"/>"
  done
  for c in $scols; do echo "<asset symbol=\"$c\" name=\"$c\" group=\"s\"/>"; done
  echo "</assets><prices><source name=\"stooq\" url=\"$base/q/d/l/{symbol}\" layout=\"ohlc\"/>"
  echo "<source name=\"fred\" url=\"$base/fred/{symbol}\" layout=\"wide\" symbols=\"$scols\"/>"
  echo "<store path=\"$T/store.db\" max-age-hours=\"1\" timeout=\"10\" deadline=\"120\"/></prices>"
  echo '<watchlist><within group="d"/><within group="s"/></watchlist><outputs dir="out"/></job>'
} > "$T/fetch.xml"
"$CONVEX" fetch "$T/fetch.xml" > "$T/f1.out" 2>&1 || { cat "$T/f1.out"; exit 1; }
"$CONVEX" fetch --force "$T/fetch.xml" > "$T/f2.out" 2>&1 || { cat "$T/f2.out"; exit 1; }
q() { sqlite3 "$T/store.db" "$1"; }
nsym=$(q "SELECT count(DISTINCT symbol) FROM prices")
echo "another series:   $(q "SELECT count(DISTINCT symbol) FROM quarantine") of $nsym genuine refetched bodies quarantined"
echo "re-adjustment:    $(q "SELECT count(*) FROM adjustments") of $nsym genuine refetched bodies re-adjusted ($(q "SELECT count(*) FROM corrections") corrections)"
