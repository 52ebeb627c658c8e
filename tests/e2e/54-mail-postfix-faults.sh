#!/bin/sh
# 54-mail-postfix-faults: the delivery guarantees against a real MTA, a
# private Postfix (tests/lib/postfix.sh):
#  - kill -9 at every step of a message's life, then rerun
#    (tests/lib/killsteps.sh): nothing lost, the one duplicate of the
#    unknown window announced, manifest = archive = ledger;
#  - 20 kills at random moments of a small batch, each followed by a rerun:
#    0 lost, every duplicate announced by the rerun, manifest = archive =
#    ledger every time (the duplicates are counted and printed);
#  - Postfix restarted in the middle of a 150-message batch: the run stops
#    or goes on, the next run delivers the rest, nothing lost or silently
#    doubled.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
. "$TESTS_DIR/lib/postfix.sh"
. "$TESTS_DIR/lib/killsteps.sh"
if ! pf_available; then echo "skip: Postfix needs root"; finish; fi
mail_setup
make_cert
pf_start || exit 1
srv_url() { echo "smtp://127.0.0.1:$PF_PORT"; }
srv_for() { pf_for "$1"; }
srv_settle() { pf_settle 30; }
srv_reset() { pf_settle 30; rm -f "$PF_MAIL"/all/new/* "$PF_MAIL"/all/cur/*; }
srv_msgids() {
  find "$PF_MAIL/all/new" "$PF_MAIL/all/cur" -type f -exec grep -liFx "Delivered-To: $1" {} + |
    while read -r f; do grep -i '^Message-ID:' "$f"; done
}

# 1. Every step.
ks_subscribers
ks_all_steps

# 2. Random kills (KILL_TRIALS, default 20).
ks_random "${KILL_TRIALS:-20}" Postfix

# 3. Postfix restarted mid-batch.
KS_N=150 ks_subscribers
LEDGER=$TMP/restart.sqlite ARCH=$TMP/restart-arch
srv_reset
write_job "$TMP/restart.xml" "<smtp url=\"$(srv_url)\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
"$CONVEX" send "$RUN" --job "$TMP/restart.xml" > "$TMP/restart1.out" 2> "$TMP/restart1.err" &
pid=$!
i=0; while [ "$(ls "$ARCH-mail"/2007/05/08/*.eml 2>/dev/null | wc -l)" -lt 30 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
pf_restart
wait $pid; rc1=$?
echo "restart: first run exit $rc1: $(head -2 "$TMP/restart1.out" | tr '\n' ' ')"
check "restart: the first run ends 0, 3 (deferred/unknown) or 75 (relay down)" \
  sh -c "[ $rc1 -eq 0 ] || [ $rc1 -eq 3 ] || [ $rc1 -eq 75 ]"
run_convex send "$RUN" --job "$TMP/restart.xml"
expect_rc 0 "restart: the next run delivers the rest, exit 0"
pf_settle 60
ok=1 silent=0 i=1
while [ $i -le 150 ]; do
  a=user$i@example.org n=$(pf_for "$a")
  [ "$n" -ge 1 ] || { echo "restart: $a lost"; ok=0; }
  [ "$n" -le 1 ] || grep -q "$a: the last run" "$TMP/.err" || { echo "restart: $a doubled silently"; silent=1; }
  i=$((i + 1))
done
check "restart: nothing lost" test $ok -eq 1
check "restart: no silent duplicate" test $silent -eq 0
check "restart: manifest = archive = ledger" $PY "$TESTS_DIR/lib/check_archive.py" "$LEDGER" "$ARCH-mail/2007/05/08"
finish
