#!/bin/sh
# 10-prices-errors.sh - loading prices through the real binary.
#
# Every bad input gets one line on stderr naming file:line, the field and
# the symbol, and its sysexits.h status (65 bad data, 66 missing input,
# 64 usage, 74 I/O). The good variants (BOM+CRLF+quotes, vendor downloads,
# long layout, unsorted rows, duplicates, missing values) load, checked by
# the number of returns `stats --json` reports: with a few days of data all
# inside the 5-year lookback, observations = aligned dates - 1, counted by
# hand from the fixtures below.
. "$(dirname "$0")/../lib/assert.sh"

D=$REPO/tests/data/prices
cd "$D" || exit 1

# bad_case DESC RC FRAGMENT ARGS...: the run fails with RC, one line on
# stderr containing FRAGMENT.
bad_case() {
  desc=$1 want=$2 frag=$3; shift 3
  run_convex stats "$@"
  expect_rc "$want" "$desc: exit $want"
  expect_err "$frag" "$desc: message"
  expect_one_line "$desc: one line on stderr"
}

# ---- bad input -------------------------------------------------------------

bad_case "unparseable date" 65 \
  'bad_date.csv:7: date "2007-13-01" is not a valid YYYY-MM-DD date' \
  --prices bad_date.csv --pair SBI/SPI

printf 'symbol,date,close\nSPI,2007-05-07,5021\nSPI,07/05/2007,5022\n' > "$TMP/long_bad_date.csv"
bad_case "unparseable date, long layout names the symbol" 65 \
  'long_bad_date.csv:3: date "07/05/2007" for "SPI" is not a valid YYYY-MM-DD date' \
  --prices "$TMP/long_bad_date.csv" --pair SPI/SBI

bad_case "unparseable number" 65 \
  'bad_number.csv:5: price "abc" for "SPI" is not a number' \
  --prices bad_number.csv --pair SBI/SPI

printf 'Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,1,1,0x1F,9\n' > "$TMP/HEX.csv"
bad_case "hex number in a per-symbol file" 65 \
  'HEX.csv:2: price "0x1F" for "HEX" is not a number' \
  --prices "$TMP/HEX.csv" --pair HEX/SPY

printf 'date,A,B\n2020-01-02,1,"1,234"\n' > "$TMP/thousands.csv"
bad_case "number with a thousands separator" 65 \
  'thousands.csv:2: price "1,234" for "B" is not a number' \
  --prices "$TMP/thousands.csv" --pair A/B

bad_case "conflicting duplicate date" 65 \
  'conflict.csv:9: conflicting duplicate date 2007-05-08 for "SPI" (5022.86 at line 8, 5023.1 here)' \
  --prices conflict.csv --pair SBI/SPI

bad_case "conflicting duplicate across two files" 65 \
  'conflict_b.csv:4: conflicting duplicate date 2007-05-04 for "SPI" (5020.75 at conflict_a.csv:3, 5020.5 here)' \
  --prices conflict_a.csv --prices conflict_b.csv --pair SBI/SPI

# line 12 is 70,000 bytes (limit: 65,536)
{
  echo "date,A,B"
  i=1; while [ $i -le 10 ]; do printf '2020-01-%02d,1.%d,2.%d\n' $i $i $i; i=$((i + 1)); done
  printf '2020-01-11,1,'; head -c 70000 /dev/zero | tr '\0' '7'; echo
} > "$TMP/long_line.csv"
check "the long line really is line 12 and over 65536 bytes" \
  test "$(sed -n 12p "$TMP/long_line.csv" | wc -c)" -gt 65537
bad_case "line past the length limit" 65 \
  'long_line.csv:12: line longer than 65536 bytes' \
  --prices "$TMP/long_line.csv" --pair A/B

bad_case "not a CSV file" 65 \
  'notes.txt:1: not a CSV price file: expected a header with a date column' \
  --prices notes.txt --pair A/B

# gzip header bytes: the fourth is a NUL, on line 1
printf '\037\213\010\000\000\000\000\000\000\003+I,IM\325Q\364\342' > "$TMP/prices.csv.gz"
bad_case "binary file" 65 \
  'prices.csv.gz:1: not a CSV file: it contains a NUL byte' \
  --prices "$TMP/prices.csv.gz" --pair A/B

printf 'Date,Open,High,Low,Volume\n2024-01-02,1,2,0.5,100\n' > "$TMP/noclose.csv"
bad_case "OHLC file without a close column" 65 \
  'noclose.csv:1: not a CSV price file: Open/High/Low columns but no Close column' \
  --prices "$TMP/noclose.csv" --pair A/B

bad_case "missing file" 66 \
  'missing.csv: cannot open: No such file or directory' \
  --prices missing.csv --pair A/B

bad_case "unknown symbol" 66 \
  'unknown symbol "XYZ"' \
  --prices unsorted.csv --pair P/XYZ

bad_case "read error" 74 \
  '/proc/self/mem: cannot read: Input/output error' \
  --prices /proc/self/mem --pair A/B

bad_case "symbol override on a wide file of two columns" 64 \
  'unsorted.csv: a symbol override renames the only price column, but the file has 2' \
  --prices ONE=unsorted.csv --pair ONE/P

# ---- good input ------------------------------------------------------------

# good_case DESC OBSERVATIONS ARGS...: the run succeeds and reports that many
# returns for the pair.
good_case() {
  desc=$1 obs=$2; shift 2
  run_convex stats --json "$@"
  expect_rc 0 "$desc: exit 0"
  expect_out "\"observations\":$obs," "$desc: $obs observations"
}

# A and B on 01-02, 01-03, 01-06, 01-07 (a blank CRLF line between)
good_case "BOM, CRLF, quoted fields" 3 --prices bom_crlf_quotes.csv --pair A/B
expect_out '"a":"A","b":"B"' "BOM, CRLF, quoted fields: the first symbol has no BOM"

# AAPL (Yahoo, Adj Close; 01-18 is "null") and SPY (Stooq) share 12 dates
good_case "Yahoo and Stooq downloads" 11 \
  --prices yahoo/AAPL.csv --prices stooq/SPY.csv --pair AAPL/SPY

# DGS10 has 13 dates (01-01 and 01-15 missing), all of them SPY's 13 dates
good_case "FRED download, current header" 12 \
  --prices fred/DGS10.csv --prices stooq/SPY.csv --pair DGS10/SPY
good_case "FRED download, old header with '.'" 12 \
  --prices fred/DGS10_old.csv --prices stooq/SPY.csv --pair DGS10/SPY
good_case "FRED download renamed by SYMBOL=" 12 \
  --prices UST10Y=fred/DGS10_old.csv --prices stooq/SPY.csv --pair UST10Y/SPY
good_case "per-symbol file renamed by SYMBOL=" 11 \
  --prices yahoo/AAPL.csv --prices SPX=stooq/SPY.csv --pair AAPL/SPX

# X: 03-01 02 03 05 (03-04 empty); Y: 03-01 03 04 05 (03-02 NA) -> 3 shared
good_case "long layout, out of order, identical duplicate" 2 --prices long.csv --pair X/Y

# P and Q: five distinct dates given in scrambled order with two repeats
good_case "wide, out of order, identical duplicate rows" 4 --prices unsorted.csv --pair P/Q
expect_out '"as_of":"2019-06-07"' "wide, out of order: as-of is the latest date"

# M and N both have 02-01, 02-14, 02-15 only
good_case "every missing-value spelling" 2 --prices missing_values.csv --pair M/N

# U loses 01-03 (0), V loses 01-04 (-7): 01-02, 01-05, 01-06 remain
good_case "zero and negative prices dropped" 2 --prices nonpositive.csv --pair U/V
expect_err 'nonpositive.csv:3: price "0" for "U" is not positive; 2017-01-03 dropped'
expect_err 'nonpositive.csv:4: price "-7" for "V" is not positive; 2017-01-04 dropped'

finish
