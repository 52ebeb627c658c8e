#!/bin/sh
# 20-stats-reference.sh - `convex stats --json` against the pinned pandas
# references in tests/ref/ (every number within 1e-9, nulls where pandas has
# none), the text form against the same values, and `--pair all` on both
# sample files: one line per pair, never NaN/Infinity, never |r| > 1.
. "$(dirname "$0")/../lib/assert.sh"
PY=/usr/bin/python3
CMP="$REPO/tests/ref/compare.py"
cd "$REPO" || exit 1

# every pinned case: NAME FILE PAIR [OPTIONS]
grep -v '^#' tests/ref/cases.txt > "$TMP/cases"
while read -r name file pair opts; do
  [ -n "$name" ] || continue
  # shellcheck disable=SC2086
  run_convex stats --json --prices "$file" --pair "$pair" $opts
  expect_rc 0 "$name: exit 0"
  printf '%s\n' "$out" > "$TMP/$name.json"
  check "$name: every number matches pandas to 1e-9" \
    $PY "$CMP" same "tests/ref/$name.json" "$TMP/$name.json" 1e-9
  # shellcheck disable=SC2086
  run_convex stats --prices "$file" --pair "$pair" $opts
  expect_rc 0 "$name: text exit 0"
  printf '%s\n' "$out" > "$TMP/$name.txt"
  check "$name: text shows the reference's windows and years" \
    sh -c "$PY '$CMP' text 'tests/ref/$name.json' < '$TMP/$name.txt'"
done < "$TMP/cases"

# the text form has the page's sections
run_convex stats --prices jobs/demo/prices/swx.csv --pair SBI/SPI
for section in "SBI vs SPI: Correlation Analysis" "Data window: 2002-05-08 to 2007-05-08" \
    "Recent vs Long-Run Behavior" "Statistical Details (1-Year Window)" \
    "Year-by-Year Correlation" "Rolling 90-Day Extremes"; do
  expect_out "$section"
done

# a per-symbol (OHLC) file combined with a wide file: SII again, by another name
awk -F, 'NR == 1 { print "Date,Open,High,Low,Close,Volume"; next }
         { print $1 "," $4 "," $4 "," $4 "," $4 ",0" }' jobs/demo/prices/swx.csv > "$TMP/IMMO.csv"
$PY -c 'import json, sys; o = json.load(open(sys.argv[1])); o["b"] = "IMMO"; print(json.dumps(o))' \
  tests/ref/swx-SPI-SII.json > "$TMP/expect-immo.json"
run_convex stats --json --prices "$TMP/IMMO.csv" --prices jobs/demo/prices/swx.csv --pair SPI/IMMO
expect_rc 0 "ohlc file + wide file: exit 0"
printf '%s\n' "$out" > "$TMP/immo.json"
check "ohlc file named by its file name gives the SPI/SII numbers" \
  $PY "$CMP" same "$TMP/expect-immo.json" "$TMP/immo.json"
$PY -c 'import json, sys; o = json.load(open(sys.argv[1])); o["b"] = "RE"; print(json.dumps(o))' \
  tests/ref/swx-SPI-SII.json > "$TMP/expect-re.json"
run_convex stats --json --prices "RE=$TMP/IMMO.csv" --prices jobs/demo/prices/swx.csv --pair SPI/RE
expect_rc 0 "SYMBOL=FILE: exit 0"
printf '%s\n' "$out" > "$TMP/re.json"
check "SYMBOL=FILE names the symbol" $PY "$CMP" same "$TMP/expect-re.json" "$TMP/re.json"

# every pair of both files
run_convex stats --pair all --prices jobs/demo/prices/swx.csv
expect_rc 0 "swx --pair all: exit 0"
printf '%s\n' "$out" > "$TMP/swx-all.jsonl"
check "swx --pair all: 15 pairs, finite, |r| <= 1" \
  sh -c "$PY '$CMP' sane 15 < '$TMP/swx-all.jsonl'"
run_convex stats --pair all --prices jobs/demo/prices/dowjones30.csv
expect_rc 0 "dow --pair all: exit 0"
printf '%s\n' "$out" > "$TMP/dow-all.jsonl"
check "dow --pair all: 435 pairs, finite, |r| <= 1" \
  sh -c "$PY '$CMP' sane 435 < '$TMP/dow-all.jsonl'"
check "dow --pair all: no NaN or Infinity text" \
  sh -c "! grep -qiE 'nan|inf' '$TMP/dow-all.jsonl'"
check "dow --pair all: the KO/PG line equals the single-pair run" \
  sh -c "grep -F '{\"a\":\"KO\",\"b\":\"PG\",' '$TMP/dow-all.jsonl' > '$TMP/kopg.json' &&
         $PY '$CMP' same tests/ref/dow-KO-PG.json '$TMP/kopg.json'"
finish
