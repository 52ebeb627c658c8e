#!/bin/sh
# run.sh - the benchmarks (make bench): one section per measured workload.
#
#   CONVEX=build/convex BUILD=build bench/run.sh [SECTION...]
#
# Every section is a function `section_NAME` that prints rows of the table
# through `row`; list it in SECTIONS to have it run by default. Timing is the
# best of $RUNS runs (hyperfine when installed, else a bounded loop); memory
# is the peak resident set size from /usr/bin/time -f %M.
set -eu
export LC_ALL=C TZ=UTC
: "${CONVEX:?CONVEX must point at the binary}"
: "${BUILD:?BUILD must name the build directory}"
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
SECTIONS="stats_all fetch run_dow run_synth shard_dow mail web"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/convex-bench.XXXXXX")
BENCH_TMP=$TMP   # the mail section works in $TMP/mail
TARGETS=$TMP/targets
: > "$TARGETS"
# The servers the sections start (tests/lib: nginx, aiosmtpd) register
# their stop here; all stop, and everything is deleted, when the bench exits.
_hooks=""
at_exit() { _hooks="$_hooks
$*"; }
trap 'eval "$_hooks"; rm -rf "$BENCH_TMP"' EXIT

# discard PATH...: out of the way until the bench exits, which deletes it.
# On ext4 without a journal (this machine kind) the kernel skips every inode
# freed in the last minute or so when it places a new file, checking each
# (fs/ext4/ialloc.c, recently_deleted): the tens of thousands of files one
# section deleted slowed the file creation the next sections time (compose
# read 0.65 s after the 4,950-pair section, 0.50 s otherwise). No day's run
# follows such a deletion, so the bench deletes nothing until it ends.
discard() { eval "$(discard_cmd "$@")"; }

# discard_cmd PATH...: the shell command that discards them, for a PREPARE
# (hyperfine runs it in a shell of its own, which has no discard).
discard_cmd() {
  for d in "$@"; do
    printf '[ ! -e %s] || mv %s"$(mktemp -d %s)/"; ' "$(quote "$d")" "$(quote "$d")" \
      "$(quote "$TMP/discard.XXXXXX")"
  done
  echo true
}

# best_stage STAGE OUT CMD...: the smallest of $RUNS readings of run.json's
# STAGE (seconds) from CMD, a run into OUT, each into a new OUT (the last
# one discarded first); OUT/DATE stays for the caller to read.
best_stage() {
  stage=$1 out=$2
  shift 2
  best=""
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    discard "$out"
    "$@" > /dev/null
    s=$(/usr/bin/python3 -c 'import json, sys; print("%.4f" % json.load(open(sys.argv[1]))["stages"][sys.argv[2]])' \
      "$(ls -d "$out"/????-??-??)/run.json" "$stage")
    best=$(awk -v a="$s" -v b="${best:-999999}" 'BEGIN { printf "%.4f", a < b ? a : b }')
    i=$((i + 1))
  done
  echo "$best"
}

# per_second N SECS: N / SECS, rounded.
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

# best_seconds CMD...: the fastest of $RUNS runs, stdout discarded; with
# PREPARE set, that shell command runs before each one, untimed.
# BENCH_TIMER=loop skips hyperfine.
best_seconds() {
  if [ "${BENCH_TIMER:-}" != loop ] && command -v hyperfine > /dev/null 2>&1 &&
     [ -x /usr/bin/python3 ]; then
    hyperfine --runs "$RUNS" --warmup 1 --style none --export-json "$TMP/h.json" \
      ${PREPARE:+--prepare "$PREPARE"} \
      --output null -- "$(quote "$@")" > /dev/null 2> "$TMP/h.err" ||
      { cat "$TMP/h.err" >&2; exit 1; }
    /usr/bin/python3 -c 'import json, sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["min"])' "$TMP/h.json"
  else
    best=""
    i=0
    while [ "$i" -lt "$RUNS" ]; do
      [ -z "${PREPARE:-}" ] || sh -c "$PREPARE"
      t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
      best=$(echo "$t0 $t1 ${best:-999999}" | awk '{ d = $2 - $1; printf "%.4f", d < $3 ? d : $3 }')
      i=$((i + 1))
    done
    echo "$best"
  fi
}

# quote ARGS...: one shell command line (hyperfine runs its commands through sh).
quote() {
  for a in "$@"; do printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"; done
}

# peak_rss_kib CMD...: maximum resident set size of one run, in KiB.
peak_rss_kib() {
  /usr/bin/time -f %M -o "$TMP/rss" "$@" > /dev/null
  cat "$TMP/rss"
}

row() { printf '%-44s %10s %14s %12s  load %s\n' "$@" "$(load1)"; }

# load1: the 1-minute load average now (the machine may be shared: every
# figure is printed with it).
load1() { cut -d' ' -f1 /proc/loadavg; }

# target NAME MEASURED LIMIT UNIT max|min: one line of the closing table of
# targets (issue 16), PASS when MEASURED <= LIMIT (max) or >= LIMIT (min).
target() {
  verdict=$(awk -v m="$2" -v l="$3" -v k="$5" \
    'BEGIN { print (k == "max" ? m <= l : m >= l) ? "PASS" : "FAIL" }')
  sign=$([ "$5" = max ] && echo "<=" || echo ">=")
  printf '%-44s %12s %14s  %-7s load %s\n' "$1" "$2 $4" "$sign $3 $4" "$verdict" "$(load1)" >> "$TARGETS"
}

# cpu_ms CMD...: mean user+system time of $RUNS runs in ms (less sensitive
# to other processes on the machine than the wall time). Needs hyperfine.
cpu_ms() {
  command -v hyperfine > /dev/null 2>&1 || { echo "-"; return; }
  hyperfine --runs "$RUNS" --warmup 1 --style none --export-json "$TMP/c.json" \
    --output null -- "$(quote "$@")" > /dev/null 2>&1 || { echo "-"; return; }
  /usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (1000 * (r["user"] + r["system"])))' "$TMP/c.json"
}

# ---- section: convex stats --pair all over the 30 Dow stocks ---------------
section_stats_all() {
  dow=$REPO/jobs/demo/prices/dowjones30.csv
  pairs=$("$CONVEX" stats --pair all --prices "$dow" 2> /dev/null | wc -l)
  [ "$pairs" -eq 435 ] || { echo "bench: expected 435 pairs, got $pairs" >&2; exit 1; }
  secs=$(best_seconds "$CONVEX" stats --pair all --prices "$dow")
  cpu=$(cpu_ms "$CONVEX" stats --pair all --prices "$dow")
  rss=$(peak_rss_kib "$CONVEX" stats --pair all --prices "$dow" 2> /dev/null)
  target "stats --pair all, 435 pairs (whole process)" \
    "$(awk -v s="$secs" 'BEGIN { printf "%.1f", 1000 * s }')" 40 ms max
  row "stats --pair all, dowjones30 ($pairs pairs)" "${secs}s" \
    "$(awk -v p="$pairs" -v s="$secs" 'BEGIN { printf "%.0f pairs/s", p / s }')" \
    "$(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
  row "  the same, CPU (user+system, mean)" "${cpu}ms" "" ""
}

# ---- section: convex fetch of 100 symbols from a local nginx ---------------
# 100 ohlc files of 5,000 days each (tests/nginx/nginx.conf.in on 127.0.0.1).
# Cold: an empty store, every file downloaded and merged. Warm: the store
# is current; --force makes every request conditional (100 x 304), and
# without it nothing is asked at all.
section_fetch() {
  TESTS_DIR=$REPO/tests
  . "$REPO/tests/lib/httpd.sh"
  start_nginx > "$TMP/nginx.out" 2>&1 || { cat "$TMP/nginx.out" >&2; exit 1; }
  mkdir -p "$TMP/nginx/www/p" "$TMP/fetch"
  awk -v dir="$TMP/nginx/www/p" 'BEGIN {
    for (s = 1; s <= 100; s++) {
      f = dir "/S" s ".csv"; print "Date,Open,High,Low,Close,Volume" > f
      for (i = 0; i < 5000; i++)
        printf "%s,1,1,1,%.4f,100\n", strftime("%Y-%m-%d", 946684800 + i * 86400, 1), 50 + s + sin(i / 50) > f
      close(f)
    } }'
  job=$TMP/fetch/job.xml
  {
    echo '<job name="bench"><assets>'
    i=1; while [ "$i" -le 100 ]; do echo "<asset symbol=\"S$i\" name=\"S$i\" source=\"web\"/>"; i=$((i + 1)); done
    echo "</assets><prices><source name=\"web\" url=\"http://127.0.0.1:$NGINX_PORT/p/{symbol}.csv\" layout=\"ohlc\"/>"
    echo '<store path="store.db"/></prices><watchlist><pair a="S1" b="S2"/></watchlist><outputs dir="out"/></job>'
  } > "$job"
  cold=$(best_seconds sh -c "rm -f '$TMP/fetch/store.db'* && '$CONVEX' fetch '$job'")
  n=$(grep -c ' 200 ' "$NGINX_LOG")
  [ "$n" -ge 100 ] || { echo "bench: expected 100 downloads, nginx logged $n" >&2; exit 1; }
  "$CONVEX" fetch "$job" > /dev/null
  revalidate=$(best_seconds "$CONVEX" fetch "$job" --force)
  fresh=$(best_seconds "$CONVEX" fetch "$job")
  rss=$(peak_rss_kib sh -c "rm -f '$TMP/fetch/store.db'* && '$CONVEX' fetch '$job'")
  row "fetch 100 symbols x 5000 days, cold store" "${cold}s" \
    "$(awk -v s="$cold" 'BEGIN { printf "%.0f rows/s", 500000 / s }')" \
    "$(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
  row "fetch 100 symbols, warm store (100 x 304)" "${revalidate}s" \
    "$(awk -v s="$revalidate" 'BEGIN { printf "%.0f req/s", 100 / s }')" ""
  row "fetch 100 symbols, warm store (all fresh)" "${fresh}s" "" ""
}

# ---- section: convex run over all 435 Dow pairs --------------------------------
# A job with every pair of the 30 Dow stocks and a digest for 1,000
# subscribers (seeded random pair lists, as tests/e2e/55-mail-size-phone.sh):
# statistics, the charts the emails and web pages use (docs/mail.md, the
# publication plan), deep-dive PDFs, digest PDF, report, manifest, archive,
# web edition (no mail sent). One run per setting: wall time, time per
# pair, peak RSS.
section_run_dow() {
  dow=$REPO/jobs/demo/prices/dowjones30.csv
  job=$TMP/dow435.xml
  {
    echo '<?xml version="1.0"?><job name="dow435"><assets>'
    head -n 1 "$dow" | tr ',' '\n' | tail -n +2 | tr -d '\r' |
      while read -r s; do echo "<asset symbol=\"$s\" name=\"$s\" group=\"dow\"/>"; done
    echo "</assets><prices><file path=\"$dow\"/></prices>"
    echo '<watchlist><within group="dow"/></watchlist>'
    echo "<digest title=\"Dow 30\" subscribers=\"$TMP/dow-subs.csv\" from=\"research@example.com\"/></job>"
  } > "$job"
  /usr/bin/python3 - "$job" "$TMP/dow-subs.csv" <<'PY'
import itertools, random, sys, xml.etree.ElementTree as E
syms = [a.get("symbol") for a in E.parse(sys.argv[1]).getroot().iter("asset")]
ids = [a + "/" + b for a, b in itertools.combinations(syms, 2)]
rng = random.Random(12)
with open(sys.argv[2], "w") as f:
    f.write("email,name,pairs\n")
    for i in range(1000):
        k = rng.choice((1, 3, 8, 44, 100, 435))
        f.write(f"r{i}@example.com,Reader {i}," + ";".join(rng.sample(ids, rng.randint(1, k))) + "\n")
PY
  for j in 1 2; do
    discard "$TMP/run-out"
    t0=$(date +%s.%N)
    /usr/bin/time -f %M -o "$TMP/rss" "$CONVEX" run --no-mail --quiet -j "$j" --out "$TMP/run-out" "$job" > /dev/null
    t1=$(date +%s.%N)
    pairs=$(grep -c '<pair id=' "$TMP"/run-out/*/report.xml)
    [ "$pairs" -eq 435 ] || { echo "bench: expected 435 pairs, got $pairs" >&2; exit 1; }
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    row "run dow435 -j $j (stats+charts+PDFs)" "${secs}s" \
      "$(awk -v p="$pairs" -v s="$secs" 'BEGIN { printf "%.1f ms/pair", 1000 * s / p }')" \
      "$(awk -v k="$(cat "$TMP/rss")" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
    # The deep-dive PDFs alone: run.json's "pdfs" stage (the digest has a
    # stage of its own) and their mean size.
    TMP=$TMP /usr/bin/python3 - "$TMP"/run-out/????-??-??/ "$j" <<'PY'
import glob, json, os, sys
d, j = sys.argv[1], sys.argv[2]
rj = json.load(open(os.path.join(d, "run.json")))
pdfs = [p for p in glob.glob(os.path.join(d, "pdf", "*.pdf")) if not p.endswith("/digest.pdf")]
secs = rj["stages"]["pdfs"]
mean = sum(os.path.getsize(p) for p in pdfs) / len(pdfs)
dig = os.path.getsize(os.path.join(d, "pdf", "digest.pdf"))
print("%-44s %10s %14s %12s" % ("  deep-dive PDFs, -j %s (%d)" % (j, len(pdfs)), "%.2fs" % secs,
      "%.0f PDFs/s" % (len(pdfs) / secs), "%.0f KB/PDF" % (mean / 1000)))
print("%-44s %10s %14s %12s" % ("  digest PDF, -j %s" % j, "%.2fs" % rj["stages"]["digest"], "",
      "%.1f MB" % (dig / 1e6)))
print("  stages, -j %s: %s" % (j, ", ".join("%s %.2fs" % (k, v) for k, v in rj["stages"].items())))
with open(os.path.join(os.environ["TMP"], "dow-j%s" % j), "w") as f:
    f.write("%.1f %.2f\n" % (mean / 1000, dig / 1e6))
PY
    if [ "$j" -eq 2 ]; then
      read -r kb mb < "$TMP/dow-j2"
      target "run dow435 -j 2, every deliverable: wall" "$secs" 1.5 s max
      target "run dow435 -j 2: peak RSS" \
        "$(awk -v k="$(cat "$TMP/rss")" 'BEGIN { printf "%.1f", k / 1024 }')" 64 MiB max
      target "deep-dive PDF (mean of 435)" "$kb" 40 KB max
      target "digest PDF, 435 pairs" "$mb" 3 MB max
    fi
    discard "$TMP/dow435-archive" "$TMP"/out
  done
}

# ---- section: 100 synthetic symbols, 10 years, every pair ----------------------
# bench/synth.py (seeded factor model): 4,950 pairs, one run with -j 2 and
# no mail: wall time, peak RSS, digest PDF size.
section_run_synth() {
  /usr/bin/python3 "$REPO/bench/synth.py" 100 10 16 "$TMP/synth.csv" "$TMP/synth.xml"
  discard "$TMP/synth-out"
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$TMP/rss" "$CONVEX" -qq run --no-mail -j 2 --out "$TMP/synth-out" "$TMP/synth.xml" > /dev/null
  t1=$(date +%s.%N)
  pairs=$(grep -c '<pair id=' "$TMP"/synth-out/*/report.xml)
  [ "$pairs" -eq 4950 ] || { echo "bench: expected 4950 pairs, got $pairs" >&2; exit 1; }
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  rss=$(awk -v k="$(cat "$TMP/rss")" 'BEGIN { printf "%.1f", k / 1024 }')
  mb=$(awk -v b="$(stat -c %s "$TMP"/synth-out/*/pdf/digest.pdf)" 'BEGIN { printf "%.2f", b / 1e6 }')
  row "run synth100 x 10y -j 2 ($pairs pairs)" "${secs}s" \
    "$(awk -v p="$pairs" -v s="$secs" 'BEGIN { printf "%.1f ms/pair", 1000 * s / p }')" "$rss MiB"
  /usr/bin/python3 -c 'import json, sys; rj = json.load(open(sys.argv[1]))
print("  stages: " + ", ".join("%s %.2fs" % (k, v) for k, v in rj["stages"].items()))' "$TMP"/synth-out/*/run.json
  target "run synth100 (4,950 pairs) -j 2: wall" "$secs" 15 s max
  target "run synth100: peak RSS" "$rss" 128 MiB max
  target "digest PDF, 4,950 pairs" "$mb" 10 MB max
  discard "$TMP/synth-out"
}

# ---- section: the sharded run of the 435 Dow pairs ----------------------------
# bench/dow30.xml (30 stocks, every pair). N = 1 and 2: the wall time of each
# shard (run one after the other, -j 1 each, as if on N one-core machines)
# and of the merge; the merged report.xml must equal the unsharded one.
section_shard_dow() {
  job=$REPO/bench/dow30.xml
  export SOURCE_DATE_EPOCH=1178582400
  discard "$TMP/shard"
  "$CONVEX" -qq run --no-mail -j 1 --out "$TMP/shard/full" "$job" > /dev/null
  for n in 1 2; do
    out=$TMP/shard/n$n
    k=1
    while [ "$k" -le "$n" ]; do
      t0=$(date +%s.%N)
      "$CONVEX" -qq run --no-mail -j 1 --shard "$k/$n" --out "$out" "$job" > /dev/null
      t1=$(date +%s.%N)
      pairs=$(ls "$out"/*.shard-$k-of-$n/pdf/*.pdf | wc -l)
      row "shard $k/$n of dow30 (-j 1)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2fs", b - a }')" \
        "$pairs pairs" ""
      k=$((k + 1))
    done
    t0=$(date +%s.%N)
    "$CONVEX" -qq merge --no-mail -j 1 --out "$out" "$out"/*.shard-*-of-$n > /dev/null
    t1=$(date +%s.%N)
    cmp -s "$TMP/shard/full"/*/report.xml "$out"/????-??-??/report.xml ||
      { echo "bench: merged report.xml differs from the unsharded run" >&2; exit 1; }
    row "merge of $n shard(s) (-j 1)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2fs", b - a }')" \
      "435 pairs" ""
  done
  discard "$TMP/shard"
}

# ---- section: the digest for 1,000 subscribers ----------------------------------
# The report fixture (tests/data/report, 3 pairs), 1,000 subscribers. Composed:
# every message built and written as .eml (templates + GMime), the target's
# workload (issue 16: one-pair digests) into a new mail/ as a day's run
# writes it; then, for reference, the same list in a day's run of the
# fixture job (run.json's mail stage: each message with its pair's own
# chart), the same replacing the files of the previous send (`convex send`
# of a day already sent; what this row timed until 2026-11-29), the same
# just after deleting the previous send's files, and a list where two
# readers in three follow all 3 pairs (the workload of those earlier
# figures). Sent: the same
# messages through STARTTLS to the local aiosmtpd (tests/lib/smtpd.py) over
# one reused connection, each under the ledger protocol (two commits per
# message) and archived. A fresh ledger per timed run.
section_mail() {
  TESTS_DIR=$REPO/tests
  . "$REPO/tests/lib/mail.sh"
  TMP=$TMP/mail; mkdir -p "$TMP"
  mail_setup
  awk 'BEGIN { print "email,name,pairs"; for (i = 1; i <= 1000; i++) printf "reader%d@example.org,Reader %d,%s\n", i, i, i % 3 ? "" : "SBI/SPI" }' > "$TMP/subscribers-mixed.csv"
  awk 'BEGIN { split("SBI/SPI SPI/SII SBI/LP25", p, " "); print "email,name,pairs"; for (i = 1; i <= 1000; i++) printf "reader%d@example.org,Reader %d,%s\n", i, i, p[i % 3 + 1] }' > "$TMP/subscribers.csv"
  : > "$TMP/suppression.txt"
  write_job "$TMP/job-eml.xml"
  # The last send's mail/ is moved aside, not deleted (discard): with the
  # 1,000 files of the last send deleted just before, this row read
  # 0.64-0.81 s where it reads 0.50 s otherwise - a cost of the bench's own
  # cleanup, which no day's run pays (each writes a new run directory).
  # A reference row below times it.
  aside=$(discard_cmd "$RUN/mail")
  compose=$(PREPARE="$aside" best_seconds "$CONVEX" send "$RUN" --job "$TMP/job-eml.xml")
  n=$(grep -l '^Subject:' "$RUN"/mail/*.eml | wc -l)
  [ "$n" -eq 1000 ] || { echo "bench: expected 1000 .eml files, got $n" >&2; exit 1; }
  # One pair each: reader2 follows SBI/LP25 only (a card per pair followed).
  [ "$(grep -c '(SBI/LP25)\|(SPI/SII)\|(SBI/SPI)' "$RUN/mail/reader2@example.org.eml")" = 1 ] &&
    grep -q '(SBI/LP25)' "$RUN/mail/reader2@example.org.eml" ||
    { echo "bench: reader2's digest is not of SBI/LP25 alone" >&2; exit 1; }
  # A day's run of the same job and list: run.json's mail stage composes
  # the 1,000 one-pair digests as they really go out, each with its pair's
  # own email chart (some 89 KB a message, against 20 KB from the report
  # fixture, whose pairs have none). Its whole output, the archive
  # included, is moved aside before each run.
  sed -e "s#dir=\"$TMP/out\"#dir=\"$TMP/day\"#" -e "s#archive=\"$ARCH\"#archive=\"$TMP/day/archive\"#" \
    "$TMP/job-eml.xml" > "$TMP/job-day.xml"
  day=$(best_stage mail "$TMP/day" "$CONVEX" -qq run "$TMP/job-day.xml" -j 2)
  [ "$(ls "$TMP"/day/????-??-??/mail | wc -l)" -eq 1000 ] && [ "$(grep -c '^Content-Type: image/png' \
    "$TMP"/day/????-??-??/mail/reader2@example.org.eml)" -eq 2 ] ||
    { echo "bench: the day's run did not write 1,000 digests with 2 charts each" >&2; exit 1; }
  # From here on every timed send frees inodes (a rename over a file frees
  # the old one; the next row deletes), and the rows pay for it.
  replace=$(best_seconds "$CONVEX" send "$RUN" --job "$TMP/job-eml.xml")
  deleted=$(PREPARE="rm -rf '$RUN/mail'" best_seconds "$CONVEX" send "$RUN" --job "$TMP/job-eml.xml")
  cp "$TMP/subscribers-mixed.csv" "$TMP/subscribers.csv"
  mixed=$(PREPARE="$aside" best_seconds "$CONVEX" send "$RUN" --job "$TMP/job-eml.xml")
  make_cert
  start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
  write_job "$TMP/job-smtp.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\"/>"
  send=$(best_seconds sh -c "rm -rf '$LEDGER'* '$ARCH/2007/05/08/mail' && '$CONVEX' send '$RUN' --job '$TMP/job-smtp.xml'")
  runs=$(( $(spool_count) / 1000 ))
  [ "$runs" -ge 1 ] || { echo "bench: the server stored $(spool_count) messages" >&2; exit 1; }
  conns=$(( $(wc -l < "$SPOOL/.ehlo") / 2 / runs ))   # EHLO twice per STARTTLS connection
  target "compose 1,000 one-pair digests (.eml)" "$(per_second 1000 "$compose")" 2000 msg/s min
  row "digest: compose 1,000 one-pair digests (.eml)" "${compose}s" "$(per_second 1000 "$compose") msg/s" ""
  row "  the same in a day's run (mail stage, 2 charts)" "${day}s" "$(per_second 1000 "$day") msg/s" ""
  row "  the same, over the files of a send before" "${replace}s" "$(per_second 1000 "$replace") msg/s" ""
  row "  the same, just after deleting the last 1,000" "${deleted}s" "$(per_second 1000 "$deleted") msg/s" ""
  row "  2 readers in 3 following all 3 pairs" "${mixed}s" "$(per_second 1000 "$mixed") msg/s" ""
  row "digest: send 1,000 via STARTTLS, 1 connection" "${send}s" "$(per_second 1000 "$send") msg/s" \
    "$conns conn/run"
}

# ---- section: the web edition of the 435 Dow pairs -----------------------------
# What generating the pages adds to a run (issue 17: <= 2 ms per pair):
# run.json's "site" stage of bench/dow30.xml (no <digest>: every pair's
# pages are published) run into an empty output directory, as a day's
# first run publishes: 435 dated pair pages, 435 latest pages, 30 symbol
# pages, the matrix, the day page, the index and the feed, with the charts
# and report.xml copied into the archive (docs/web.md). Best of $RUNS runs.
# Then, for reference, `convex send` of that run directory, which publishes
# the same day again over the first publication's files (process start,
# job and report loading included) and its CPU time.
section_web() {
  job=$REPO/bench/dow30.xml
  best=$(best_stage site "$TMP/web" "$CONVEX" -qq run --no-mail -j 2 --out "$TMP/web" "$job")
  run=$(ls -d "$TMP"/web/????-??-??)
  pairs=$(grep -c '<pair id=' "$run/report.xml")
  arch=$(dirname "$(find "$TMP/web" -path '*/pairs/AA-AXP/index.html' | head -n 1)")/../..
  pages=$(find "$arch" -name '*.html' | wc -l)
  per=$(awk -v s="$best" -v p="$pairs" 'BEGIN { printf "%.2f", 1000 * s / p }')
  row "web edition in a run of dow30 ($pages pages)" "${best}s" "$per ms/pair" "site stage"
  secs=$(best_seconds "$CONVEX" -qq send "$run" --job "$job")
  row "  the same day published again (send)" "${secs}s" \
    "$(awk -v s="$secs" -v p="$pairs" 'BEGIN { printf "%.2f ms/pair", 1000 * s / p }')" ""
  # The CPU time of one more send (user + sys): on a loaded machine the
  # wall time above is mostly waiting for a core.
  /usr/bin/time -f '%U %S' -o "$TMP/cpu" "$CONVEX" -qq send "$run" --job "$job" > /dev/null
  cpu=$(awk -v p="$pairs" '{ printf "%.2f", 1000 * ($1 + $2) / p }' "$TMP/cpu")
  row "  CPU (user + sys) of that send per pair" "" "$cpu ms/pair" ""
  size=$(/usr/bin/python3 "$REPO/tests/lib/web_check.py" weight "$(ls "$arch"/????/??/??/pairs/AA-AXP.html)" 150000 2>&1 |
    sed -n 's/.*: \([0-9]*\) bytes.*/\1/p')
  kb=$(awk -v b="$size" 'BEGIN { printf "%.0f", b / 1000 }')
  row "  pair page with its charts (AA-AXP)" "" "$kb KB" ""
  target "web edition: generation per pair (issue 17)" "$per" 2 ms max
  target "web edition: pair page with charts (issue 17)" "$kb" 150 KB max
  discard "$TMP/web"
}

echo "convex benchmarks: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, best of $RUNS runs"
printf '%-44s %10s %14s %12s  %s\n' "workload" "time" "throughput" "peak RSS" "load"
for s in ${*:-$SECTIONS}; do
  "section_$s"
done
if [ -s "$TARGETS" ]; then
  echo
  printf '%-44s %12s %14s  %-7s %s\n' "target (issue 16)" "measured" "target" "verdict" "load"
  cat "$TARGETS"
fi
