#!/bin/sh
# 22-stats-long-symbol.sh - a symbol of exactly PRICES_SYMBOL_MAX (64) bytes,
# the longest the loader accepts, works in --pair and in --prices SYMBOL=FILE
# for `convex stats` and `convex report`; 65 bytes is refused. (The command
# lines once kept symbols in 64-byte buffers, one short of 64 bytes + NUL.)
. "$(dirname "$0")/../lib/assert.sh"

S64=$(printf 'S%.0s' $(seq 64))
S65=${S64}X
check "the 64-byte symbol is 64 bytes" test "${#S64}" -eq 64

# five shared dates -> four returns (observations = aligned dates - 1)
cat > "$TMP/wide.csv" <<CSV
date,$S64,B
2020-01-01,10,20
2020-01-02,11,19
2020-01-03,12,21
2020-01-06,11,22
2020-01-07,13,20
CSV
run_convex stats --json --prices "$TMP/wide.csv" --pair "$S64/B"
expect_rc 0 "--pair with a 64-byte symbol: exit 0"
expect_out "\"a\":\"$S64\""
expect_out '"observations":4,' "--pair with a 64-byte symbol: 4 returns"

# SYMBOL=FILE with a 64-byte symbol names a per-symbol (OHLC) file
printf 'Date,Close\n2020-01-01,5\n2020-01-02,6\n2020-01-03,5.5\n2020-01-06,7\n2020-01-07,6\n' \
  > "$TMP/one.csv"
cut -d, -f1,3 "$TMP/wide.csv" > "$TMP/b.csv"
run_convex stats --json --prices "$S64=$TMP/one.csv" --prices "$TMP/b.csv" \
  --pair "B/$S64"
expect_rc 0 "--prices SYMBOL=FILE with a 64-byte symbol: exit 0"
expect_out "\"b\":\"$S64\""

run_convex stats --prices "$TMP/wide.csv" --pair "$S65/B"
expect_rc 66 "--pair with a 65-byte symbol: 66"
expect_err "unknown symbol"
expect_one_line
# 65 bytes is no symbol, so the whole argument is a path, and missing
run_convex stats --prices "$S65=$TMP/one.csv" --pair A/B
expect_rc 66 "--prices with a 65-byte SYMBOL=: a missing file, 66"
expect_err "$S65=$TMP/one.csv"

run_convex report --prices "$TMP/wide.csv" --pair "$S64/B" --out "$TMP/pdf"
expect_rc 0 "report with a 64-byte symbol: exit 0"
check "report with a 64-byte symbol writes its PDF" test -s "$TMP/pdf/$S64-B.pdf"
finish
