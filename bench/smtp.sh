#!/bin/sh
# smtp.sh - SMTP delivery throughput (make bench; issue 13's targets).
#
#   CONVEX=build/convex BUILD=build bench/smtp.sh
#
# 1,000 one-pair digests of the report fixture (tests/data/report):
#  - baseline: Python's smtplib (bench/smtplib_send.py, Debian's python3)
#    sends the same messages, composed beforehand as .eml files, over one
#    STARTTLS connection with AUTH to the local aiosmtpd (tests/lib/smtpd.py);
#    as shipped (the issue's baseline) and with TCP_NODELAY (a reference:
#    without it smtplib waits on delayed ACKs);
#  - convex send, end to end (composing, ledger, archive, SMTP) to the same
#    server with STARTTLS+AUTH and the default connections;
#  - convex send to a private Postfix (tests/lib/postfix.sh, STARTTLS).
# A fresh ledger and archive for every timed run; best of $RUNS. Prints each
# figure with its target and PASS/FAIL.
set -eu
export LC_ALL=C TZ=UTC
: "${CONVEX:?CONVEX must point at the binary}"
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
N=1000
TESTS_DIR=$REPO/tests
TMP=$(mktemp -d "${TMPDIR:-/tmp}/convex-bench-smtp.XXXXXX")
_hooks=""
at_exit() { _hooks="$_hooks
$*"; }
trap 'eval "$_hooks"; rm -rf "$TMP"' EXIT
. "$REPO/tests/lib/mail.sh"
. "$REPO/tests/lib/postfix.sh"

now() { date +%s.%N; }
rate() { awk -v n="$N" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
best() { awk 'BEGIN { m = 1e9 } { if ($1 < m) m = $1 } END { printf "%.4f", m }'; }
verdict() { awk -v m="$1" -v l="$2" 'BEGIN { print ((m + 0 >= l + 0) ? "PASS" : "FAIL") }'; }
line() { printf '%-58s %10s %10s  %s\n' "$@"; }

mail_setup
$PY -c "
for i in range(1, $N + 1):
    print('reader%d@example.org,Reader %d,SBI/SPI' % (i, i))" > "$TMP/subscribers.csv"
: > "$TMP/suppression.txt"
make_cert
# The .eml files the baseline sends: the same digests, composed by convex.
write_job "$TMP/job-eml.xml"
"$CONVEX" -qq send "$RUN" --job "$TMP/job-eml.xml" > /dev/null
[ "$(ls "$RUN"/mail/*.eml | wc -l)" -eq $N ] || { echo "bench: expected $N .eml files" >&2; exit 1; }

start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth bench:s3cret
export SMTP_USER=bench SMTP_PASSWORD=s3cret
# py_times [--nodelay]: best wall time of the smtplib baseline.
py_times() {
  : > "$TMP/py.times"
  i=0; while [ $i -lt "$RUNS" ]; do
    $PY "$REPO/bench/smtplib_send.py" "$@" 127.0.0.1 "$SMTP_PORT" "$TMP/cert.pem" bench s3cret \
        research@example.com "$RUN/mail" | cut -d' ' -f1 >> "$TMP/py.times"
    i=$((i + 1))
  done
  best < "$TMP/py.times"
}
py=$(py_times)
pynd=$(py_times --nodelay)

# send_times URL CA FILE: best wall time of convex send over $RUNS runs.
send_times() {
  write_job "$TMP/job-smtp.xml" "<smtp url=\"$1\" ca-file=\"$TMP/cert.pem\" $2/>"
  : > "$TMP/cx.times"
  i=0; while [ $i -lt "$RUNS" ]; do
    rm -rf "$LEDGER"* "$ARCH/2007/05/08/mail"
    t0=$(now)
    "$CONVEX" -qq send "$RUN" --job "$TMP/job-smtp.xml" > "$TMP/send.out" ||
      { cat "$TMP/send.out" >&2; echo "bench: convex send failed" >&2; exit 1; }
    t1=$(now)
    echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' >> "$TMP/cx.times"
    i=$((i + 1))
  done
  best < "$TMP/cx.times"
}
cx=$(send_times "smtp://127.0.0.1:$SMTP_PORT" 'user-env="SMTP_USER" password-env="SMTP_PASSWORD"')
stored=$(spool_count)
[ "$stored" -eq $(( N * RUNS * 3 )) ] || { echo "bench: aiosmtpd stored $stored messages" >&2; exit 1; }

pf=""
if pf_available; then
  pf_start "$TMP/cert.pem" "$TMP/key.pem" > /dev/null
  pf=$(send_times "smtp://127.0.0.1:$PF_PORT" "")
fi

echo "convex SMTP benchmarks: $N one-pair digests, best of $RUNS, $(nproc) CPUs"
line "delivery" "time" "msg/s" "target"
line "smtplib, .eml files, 1 STARTTLS+AUTH connection (aiosmtpd)" "${py}s" "$(rate "$py")" "(baseline)"
line "  the same with TCP_NODELAY (as libcurl)" "${pynd}s" "$(rate "$pynd")" "(reference)"
line "convex send, end to end, STARTTLS+AUTH (aiosmtpd)" "${cx}s" "$(rate "$cx")" \
  ">= 300 msg/s: $(verdict "$(rate "$cx")" 300)"
ratio=$(awk -v a="$py" -v b="$cx" 'BEGIN { printf "%.2f", a / b }')
line "  ratio to smtplib" "" "${ratio}x" ">= 2x: $(verdict "$ratio" 2)"
ratio=$(awk -v a="$pynd" -v b="$cx" 'BEGIN { printf "%.2f", a / b }')
line "  ratio to smtplib with TCP_NODELAY" "" "${ratio}x" "(reference)"
if [ -n "$pf" ]; then
  line "convex send, end to end, STARTTLS (Postfix 3.7)" "${pf}s" "$(rate "$pf")" \
    ">= 200 msg/s: $(verdict "$(rate "$pf")" 200)"
else
  line "convex send to Postfix" "" "" "skipped (needs root)"
fi
