#!/bin/sh
# 70-shard-merge.sh - `convex run --shard K/N` + `convex merge` give the run
# an unsharded `convex run` gives, byte for byte, for N = 1, 2, 3 and 7;
# the slice of each pair is FNV-1a-64("A-B") mod N (checked against an
# independent Python computation); a missing, failed or foreign shard makes
# the merge refuse without writing anything.
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400

demo_job
# A x10 print of SPI on 2005-03-01 that reverses the next day: a suspected
# bad print, so the run carries a data-quality note for SPI, which the
# shards must hand to the merge (report.xml, report.json and the digest).
/usr/bin/python3 - "$TMP/job/demo/prices/swx.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
col = rows[0].index("SPI")
row = next(r for r in rows if r[0] == "2005-03-01")
row[col] = "%.2f" % (float(row[col]) * 10)
csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n").writerows(rows)
PY

run_convex run --no-mail -j 2 --out "$TMP/full" "$job"
expect_rc 0 "unsharded run"
ref=$TMP/full/2007-05-08
check "the unsharded report.xml has SPI's data-quality note" grep -q '<asset symbol="SPI"[^>]*data-quality="[^"]*bad print' "$ref/report.xml"
npairs=$(grep -c '<pair id=' "$ref/report.xml")
check "the demo has 37 pairs" [ "$npairs" -eq 37 ]

# FNV-1a 64 of the pair id, mod N, plus 1: the shard each PDF must be in.
fnv_shard() {
  /usr/bin/python3 -c '
import sys
h = 14695981039346656037
for c in sys.argv[1].encode():
    h ^= c
    h = (h * 1099511628211) % 2**64
print(h % int(sys.argv[2]) + 1)' "$1" "$2"
}

for n in 1 2 3 7; do
  od=$TMP/n$n
  k=1
  while [ "$k" -le "$n" ]; do
    run_convex run --no-mail -j 2 --shard "$k/$n" --out "$od" "$job"
    [ "$rc" -eq 0 ] || _fail "N=$n: shard $k exits 0" "rc $rc: $err"
    k=$((k + 1))
  done
  check "N=$n: $n shard directories" [ "$(ls -d "$od"/2007-05-08.shard-*-of-$n | wc -l)" -eq "$n" ]
  check "N=$n: no report.xml in a shard" [ ! -e "$od/2007-05-08.shard-1-of-$n/report.xml" ]
  total=$(ls "$od"/2007-05-08.shard-*-of-$n/pdf/*.pdf | wc -l)
  check "N=$n: the shards' deep dives partition the watchlist" [ "$total" -eq "$npairs" ]
  # every pair's PDF sits in the shard the independent hash names
  wrong=0
  for f in "$od"/2007-05-08.shard-*-of-$n/pdf/*.pdf; do
    id=$(basename "$f" .pdf)
    k=$(echo "$f" | sed 's/.*shard-\([0-9]*\)-of-.*/\1/')
    [ "$(fnv_shard "$id" "$n")" -eq "$k" ] || { wrong=$((wrong + 1)); echo "$id in shard $k"; }
  done
  check "N=$n: each pair in shard FNV-1a(id) mod N + 1" [ "$wrong" -eq 0 ]
  run_convex merge --no-mail --out "$od" "$od"/2007-05-08.shard-*-of-$n
  expect_rc 0 "N=$n: merge exits 0"
  expect_out "convex merge demo: as of 2007-05-08, 37 pairs: 37 done" "N=$n: merge summary"
  for f in report.xml report.json pdf/digest.pdf manifest.sha256 charts/shifts.png charts/heatmap.png; do
    check "N=$n: merged $f identical to the unsharded run" cmp -s "$ref/$f" "$od/2007-05-08/$f"
  done
  check "N=$n: whole run directory identical but run.json" diff -r -x run.json "$ref" "$od/2007-05-08"
done

# Shards of one job run side by side (each its own lock).
"$CONVEX" run --no-mail -j 1 --shard 1/2 --out "$TMP/par" "$job" > /dev/null 2>&1 & p1=$!
"$CONVEX" run --no-mail -j 1 --shard 2/2 --out "$TMP/par" "$job" > /dev/null 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check "two shards run in parallel on one output directory" [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ]

# ---- refusals: nothing is written ------------------------------------------
s3=$TMP/n3/2007-05-08.shard
rm -rf "$TMP/n3/2007-05-08"
run_convex merge --no-mail --out "$TMP/n3" "$s3-1-of-3" "$s3-3-of-3"
expect_rc 66 "missing shard: exit 66"
expect_err "shard 2 of 3 is missing (2 of 3 given)"
expect_one_line "missing shard: one error line"
check "missing shard: no run directory" [ ! -e "$TMP/n3/2007-05-08" ]

cp -r "$s3-2-of-3" "$TMP/failed"
rm "$TMP/failed/shard.json"
run_convex merge --no-mail --out "$TMP/n3" "$s3-1-of-3" "$TMP/failed" "$s3-3-of-3"
expect_rc 66 "failed shard (no shard.json): exit 66"
expect_err "no shard.json: not the directory of a finished shard (did the shard fail?)"

run_convex merge --no-mail --out "$TMP/n3" "$s3-1-of-3" "$TMP/nowhere" "$s3-3-of-3"
expect_rc 66 "absent shard directory: exit 66"
expect_err "$TMP/nowhere: no such shard directory"

run_convex merge --no-mail --out "$TMP/n3" "$s3-1-of-3" "$TMP/n2/2007-05-08.shard-2-of-2" "$s3-3-of-3"
expect_rc 65 "N mismatch: exit 65"
expect_err "all shards must be of the same N"

run_convex merge --no-mail --out "$TMP/n3" "$s3-1-of-3" "$s3-1-of-3" "$s3-3-of-3"
expect_rc 64 "a shard twice: exit 64"
expect_err "shard 1 of 3 given twice"

run_convex run --no-mail --as-of 2007-04-30 --shard 2/3 --out "$TMP/early" "$job"
run_convex merge --no-mail --out "$TMP/n3" "$s3-1-of-3" "$TMP/early/2007-04-30.shard-2-of-3" "$s3-3-of-3"
expect_rc 65 "another as-of: exit 65"
expect_err "all shards must be of the same day"

printf '<!-- edited -->\n' >> "$job"
run_convex merge --no-mail --out "$TMP/n3" "$s3-1-of-3" "$s3-2-of-3" "$s3-3-of-3"
expect_rc 65 "job changed since the shards ran: exit 65"
expect_err "not the job file the shards ran"
check "after every refusal: no run directory" [ ! -e "$TMP/n3/2007-05-08" ]

run_convex run --shard 4/3 "$job"
expect_rc 64 "--shard 4/3: exit 64"
expect_err '--shard "4/3" is not K/N with 1 <= K <= N'
finish
