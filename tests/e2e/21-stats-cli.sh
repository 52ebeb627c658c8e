#!/bin/sh
# 21-stats-cli.sh - the command line of `convex stats`: usage errors (64),
# unknown symbols (66), pairs without data (65), skipped pairs of --pair all
# (3), write errors (74); each error is one line on stderr.
. "$(dirname "$0")/../lib/assert.sh"
SWX="$REPO/jobs/demo/prices/swx.csv"

run_convex stats --help
expect_rc 0 "--help: exit 0"
expect_out "Usage: convex stats --prices"

run_convex stats --prices "$SWX"
expect_rc 64 "no --pair: 64"
expect_err "no pair; give --pair A/B or --pair all"
expect_one_line

run_convex stats --pair SBI/SPI
expect_rc 64 "no --prices: 64"
expect_err "no price file"

for bad in SBI SBI/ /SPI SBI/SPI/SII; do
  run_convex stats --prices "$SWX" --pair "$bad"
  expect_rc 64 "--pair $bad: 64"
  expect_err "--pair \"$bad\" is not A/B or \"all\""
done
run_convex stats --prices "$SWX" --pair SBI/SBI
expect_rc 64 "--pair SBI/SBI: 64"
expect_err "names the same symbol twice"

run_convex stats --prices "$SWX" --pair SBI/XYZ
expect_rc 66 "unknown symbol: 66"
expect_err 'unknown symbol "XYZ" (loaded: SBI, SPI, SII, LP25, LP40, LP60)'
expect_one_line

for d in 2007-13-01 2007-02-29 2007-5-8 yesterday; do
  run_convex stats --prices "$SWX" --pair SBI/SPI --as-of "$d"
  expect_rc 64 "--as-of $d: 64"
  expect_err "--as-of \"$d\" is not a date (YYYY-MM-DD)"
done
for n in 0 51 -1 2x ""; do
  run_convex stats --prices "$SWX" --pair SBI/SPI --lookback-years "$n"
  expect_rc 64 "--lookback-years '$n': 64"
  expect_err "--lookback-years \"$n\" is not a whole number from 1 to 50"
done
run_convex stats --prices "$SWX" --pair SBI/SPI --frobnicate
expect_rc 64 "unknown option: 64"
expect_err 'unknown option "--frobnicate"'
run_convex stats --prices "$SWX" --pair SBI/SPI extra
expect_rc 64 "stray argument: 64"
expect_err 'unexpected argument "extra"'
run_convex stats --prices "$SWX" --pair
expect_rc 64 "--pair without a value: 64"

run_convex stats --prices "$TMP/missing.csv" --pair SBI/SPI
expect_rc 66 "missing price file: 66"
expect_err "missing.csv"
expect_one_line

run_convex stats --prices "$SWX" --pair SBI/SPI --as-of 1999-12-31
expect_rc 65 "as-of before the data: 65"
expect_err "pair SBI/SPI: no shared dates on or before as-of 1999-12-31"
expect_one_line

# as-of on a Sunday: the Friday before
run_convex stats --json --prices "$SWX" --pair SBI/SPI --as-of 2007-05-06
expect_rc 0 "as-of on a Sunday: exit 0"
expect_out '"as_of":"2007-05-04"'
run_convex stats --json --prices "$SWX" --pair SBI/SPI --lookback-years 1
expect_out '"observations":' "--lookback-years 1 runs"
check "--lookback-years 1: a year of history (250..262 returns)" \
  sh -c "printf '%s' '$out' | grep -qE '\"observations\":(25[0-9]|26[0-2]),'"

# --pair all: C shares one date with A and B, so A/C and B/C are skipped
cat > "$TMP/three.csv" <<'CSV'
date,A,B,C
2020-01-01,10,20,5
2020-01-02,11,19,
2020-01-03,12,21,
2020-01-06,11,22,
2020-01-07,13,20,
CSV
run_convex stats --pair all --prices "$TMP/three.csv"
expect_rc 3 "--pair all with skipped pairs: 3"
expect_err "pair A/C"
expect_err "pair B/C"
expect_err "2 of 3 pairs skipped"
check "--pair all prints the pair that worked" \
  sh -c "printf '%s\n' '$out' | grep -c '^{\"a\":\"A\",\"b\":\"B\",' | grep -qx 1"

# a pair sharing fewer than two dates on its own
run_convex stats --prices "$TMP/three.csv" --pair A/C
expect_rc 65 "one shared date: 65"
expect_err "pair A/C: A and C share 1 date, need at least two"
expect_one_line

# SYMBOL=FILE only when the whole argument is not itself a file
awk -F, 'NR == 1 { print "Date,Close"; next } { print $1 "," $4 }' "$SWX" > "$TMP/X=Y.csv"
cd "$TMP" || exit 1
run_convex stats --json --prices X=Y.csv --prices "$SWX" --pair SPI/X=Y
expect_rc 0 "an existing file named X=Y.csv is a file: exit 0"
expect_out '"b":"X=Y"'
run_convex stats --json --prices X=Z.csv --prices "$SWX" --pair SPI/X
expect_rc 66 "X=Z.csv (no such file) means symbol X from Z.csv: 66"
expect_err "Z.csv"
cd "$REPO" || exit 1

if [ -w /dev/full ]; then
  "$CONVEX" stats --prices "$SWX" --pair SBI/SPI > /dev/full 2> "$TMP/full.err"; rc=$?
  err=$(cat "$TMP/full.err")
  expect_rc 74 "write error: 74"
  expect_err "cannot write the output"
fi
# --pair all --json: a symbol's data-quality note goes to stderr once, not
# once per pair it is in. The Dow sample has two such symbols, HD and PG
# (each in 29 pairs; see 61-prices-plausible's pandas reference).
run_convex stats --prices "$REPO/jobs/demo/prices/dowjones30.csv" --pair all --json
expect_rc 0 "stats --pair all --json on the Dow sample"
check "each symbol's data-quality warning once: HD and PG" \
  test "$(printf '%s\n' "$err" | grep 'data quality of' | sed 's/.*data quality of "\([^"]*\)".*/\1/' | sort | tr '\n' ' ')" = "HD PG "
finish
