#!/bin/sh
# 63-prices-stream: a fetched body is spooled to a file next to the store as
# it arrives, not held in memory whole (docs/prices.md). A body far larger
# than the memory it may take is stored right (rows and values checked
# against Python's reading of the same body); a body over max-body-bytes
# fails with the documented message and exit 65, the store unchanged; no
# spool file is left behind.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/httpd.sh"

PY=/usr/bin/python3
start_pricesrv || exit 1
base=http://127.0.0.1:$PRICE_PORT
B=$PRICE_DIR/bodies
db=$TMP/store.db

# BIG: 40 MB in Stooq's format, 600-byte rows (a long Volume field), daily
# from 1800; SMALL: the first 100 rows of it.
$PY - "$B" <<'PY'
import datetime, sys
d = datetime.date(1800, 1, 1); pad = "0" * 560; size = 0; n = 0
with open(sys.argv[1] + "/BIG", "w", newline="") as f:
    f.write("Date,Open,High,Low,Close,Volume\r\n")
    while size < 40 * 1000 * 1000:
        x = "%.2f" % (100 + (n % 7) * 0.25)
        line = "%s,%s,%s,%s,%s,1%s\r\n" % (d.isoformat(), x, x, x, x, pad)
        f.write(line); size += len(line); n += 1; d += datetime.timedelta(days=1)
with open(sys.argv[1] + "/BIG") as f, open(sys.argv[1] + "/SMALL", "w", newline="") as g:
    for i, l in enumerate(f):
        if i > 100:
            break
        g.write(l.rstrip("\n") + "\n")
PY
# The reference: rows and the sum of the closes, as Python reads the body.
ref=$($PY -c "import pandas as pd; d=pd.read_csv('$B/BIG'); print(len(d), '%.2f' % d.Close.sum(), d.Date.iloc[-1])")
ref_n=$(echo "$ref" | cut -d' ' -f1)
ref_sum=$(echo "$ref" | cut -d' ' -f2)
ref_last=$(echo "$ref" | cut -d' ' -f3)
job() { # job FILE MAXBYTES
  {
    echo '<job name="big"><assets><asset symbol="BIG" name="BIG" source="stooq"/>'
    echo '<asset symbol="SMALL" name="SMALL" source="stooq"/></assets>'
    echo "<prices><source name=\"stooq\" url=\"$base/q/{symbol}\" layout=\"ohlc\"/>"
    echo "<store path=\"store.db\" max-age-hours=\"1\" max-body-bytes=\"$2\"/></prices>"
    echo '<watchlist><pair a="BIG" b="SMALL"/></watchlist><outputs dir="out"/></job>'
  } > "$1"
}
job "$TMP/big.xml" 67108864
# the fetch under /usr/bin/time -v, for its peak RSS
printf '#!/bin/sh\nexec /usr/bin/time -v "%s" "$@"\n' "$CONVEX" > "$TMP/timed"
chmod +x "$TMP/timed"
real=$CONVEX; CONVEX=$TMP/timed
run_convex fetch "$TMP/big.xml"
CONVEX=$real
expect_rc 0 "a 40 MB body: fetched"
check "a 40 MB body: every row stored ($ref_n)" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol='BIG'")" -eq "$ref_n" ]
check "a 40 MB body: the closes as Python reads them (sum $ref_sum)" \
  [ "$(sqlite3 "$db" "SELECT printf('%.2f', sum(close)) FROM prices WHERE symbol='BIG'")" = "$ref_sum" ]
check "a 40 MB body: the last date $ref_last" \
  [ "$(sqlite3 "$db" "SELECT max(date) FROM prices WHERE symbol='BIG'")" = "$ref_last" ]
# The memory bound (not under ASan, whose shadow memory dwarfs it): the
# peak RSS stays below the body's size (held whole, it would exceed it).
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/.err")
if [ "${TALLY_PREFIX:-e2e}" = e2e ]; then
  check "a 40 MB body: peak RSS ${rss} kB < 39000 kB (the body is not held in memory)" [ "$rss" -lt 39000 ]
fi
check "no spool file is left next to the store" \
  [ -z "$(find "$TMP" -maxdepth 1 -name 'store.db.spool-*')" ]

# Over max-body-bytes: fails while it arrives, the store unchanged.
before=$(sqlite3 "$db" "SELECT symbol, date, close FROM prices ORDER BY 1, 2" | md5sum)
sqlite3 "$db" "UPDATE fetches SET fetched_at = 0"
job "$TMP/cap.xml" 1000000
run_convex fetch "$TMP/cap.xml"
expect_rc 65 "over max-body-bytes: exit 65"
expect_out "stooq BIG: failed ($base/q/BIG: response larger than 1000000 bytes)" "over max-body-bytes: named"
check "over max-body-bytes: the store is unchanged" \
  [ "$(sqlite3 "$db" "SELECT symbol, date, close FROM prices ORDER BY 1, 2" | md5sum)" = "$before" ]
check "over max-body-bytes: no spool file is left" \
  [ -z "$(find "$TMP" -maxdepth 1 -name 'store.db.spool-*')" ]

# The checks on the start of a body still see it: gzip without
# Content-Encoding, UTF-16, Stooq's limit message.
printf '\037\213\010\000rest\n' > "$B/SMALL"
run_convex fetch --force "$TMP/big.xml"
expect_out "stooq SMALL: failed ($base/q/SMALL: compressed body without Content-Encoding (gzip data))" "gzip magic in a spooled body"
printf 'Exceeded the daily hits limit\n' > "$B/SMALL"
run_convex fetch --force "$TMP/big.xml"
expect_out "stooq SMALL: failed ($base/q/SMALL: Stooq daily limit reached (\"Exceeded the daily hits limit\"))" "Stooq's limit in a spooled body"
$PY -c "open('$B/SMALL','wb').write('Date,Close\n2000-01-03,1\n'.encode('utf-16'))"
run_convex fetch --force "$TMP/big.xml"
expect_out "stooq SMALL: failed ($base/q/SMALL: not UTF-8 (UTF-16?): the body holds NUL bytes)" "UTF-16 in a spooled body"
# gzip Content-Encoding still decoded (--repair: the body replaces the 100
# stored rows, so the count shows this body was read)
head -50 "$B/BIG" | gzip -c > "$B/SMALL"
echo gzip > "$PRICE_DIR/mode/SMALL"
run_convex fetch --repair SMALL "$TMP/big.xml"
expect_out "stooq SMALL: updated" "gzip Content-Encoding: accepted"
check "gzip Content-Encoding: decoded and stored" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol='SMALL'")" -eq 49 ]
# A fetch killed (kill -9) mid-transfer leaves its spool file: the next
# fetch, holding the store's lock, removes it (only files named after this
# store: another store's in the same directory is not touched).
rm -f "$PRICE_DIR/mode/SMALL"
head -101 "$B/BIG" > "$B/SMALL"
echo stall > "$PRICE_DIR/mode/BIG"
big_rows() { sqlite3 "$db" "SELECT date, close FROM prices WHERE symbol = 'BIG' ORDER BY 1" | md5sum; }
before=$(big_rows)
spools() { find "$TMP" -maxdepth 1 -name 'store.db.spool-??????' | wc -l; }
"$CONVEX" fetch --force "$TMP/big.xml" > "$TMP/k.out" 2> "$TMP/k.err" &
kpid=$!
at_exit "kill -9 $kpid 2>/dev/null"
# half of BIG (20 MB) arrives, then the server stalls: the transfer is open
wait_for 600 sh -c "[ -n \"\$(find '$TMP' -maxdepth 1 -name 'store.db.spool-??????' -size +10000k)\" ]"
kill -9 $kpid; wait $kpid 2>/dev/null
check "kill -9 mid-transfer: its spool file is left behind (the case to clean up)" [ "$(spools)" -ge 1 ]
: > "$TMP/other.db.spool-AbCdEf"
: > "$TMP/store.db.spool-notmine"
rm -f "$PRICE_DIR/mode/BIG"
run_convex fetch "$TMP/big.xml"
expect_rc 0 "after the kill: the next fetch succeeds"
check "after the kill: the next fetch removed the stale spool file" [ "$(spools)" -eq 0 ]
check "after the kill: another store's spool file is left alone" test -e "$TMP/other.db.spool-AbCdEf"
check "after the kill: a file not of the spool pattern is left alone" test -e "$TMP/store.db.spool-notmine"
check "after the kill: the store is intact" [ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ]
check "after the kill: BIG's stored rows are unchanged (the killed body never merged)" [ "$(big_rows)" = "$before" ]
check "after the kill: SMALL holds the 100 rows its body has" \
  [ "$(sqlite3 "$db" "SELECT count(*) FROM prices WHERE symbol = 'SMALL'")" -eq 100 ]
finish
