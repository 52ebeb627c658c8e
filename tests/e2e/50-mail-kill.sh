#!/bin/sh
# kill -9 mid-batch against a slow server, then rerun: every subscriber has
# exactly one message, none twice, none lost; the ledger agrees.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
# Twelve subscribers, so the kill lands well inside the batch.
i=1; : > "$TMP/subscribers.csv"
while [ $i -le 12 ]; do echo "user$i@example.org,User $i," >> "$TMP/subscribers.csv"; i=$((i+1)); done
make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
# One connection: the message in the server's slow phase is the only one in
# flight when the kill comes (with two, the other one may be at its 250:
# the unknown window, which 52-mail-kill-steps measures).
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\" connections=\"1\"/>"
echo '{"slow": 0.4}' > "$CONTROL"

"$CONVEX" send "$RUN" --job "$TMP/job.xml" > "$TMP/run1.out" 2>&1 &
pid=$!
# Wait (bounded) until the server holds message 5 in its slow phase, then kill.
i=0; while [ ! -e "$SPOOL/.inflight-5" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
kill -9 $pid; wait $pid 2>/dev/null
check "killed mid-batch (message 5 in flight)" test -e "$SPOOL/.inflight-5"
sleep 0.6   # let the server finish its slow phase for the dead client
n1=$(spool_count)
check "some but not all delivered before the kill" test "$n1" -ge 4 -a "$n1" -lt 12
# The group's rows are "sending" on disk; those accepted before the kill
# have their archived copy (written right after each 250), which proves
# the 250 to the rerun.
check "the interrupted group is left 'sending'" test "$(ledger_q "select count(*) from delivery where status='sending'")" -eq 12
check "an archived copy for each message stored" test "$(ls "$MAILARCH"/2007/05/08/*.eml | wc -l)" -eq "$n1"

echo '{}' > "$CONTROL"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "rerun: exit 0"
expect_err "stopped inside its SMTP transaction; sending again with the same Message-ID"
expect_out "mail: $((12 - n1)) sent, 0 deferred, 0 failed, 0 suppressed, $n1 already sent" "rerun: the accepted ones (archived) are not sent again"
check "12 messages in all" test "$(spool_count)" -eq 12
ok=1; i=1
while [ $i -le 12 ]; do [ "$(spool_for user$i@example.org)" -eq 1 ] || ok=0; i=$((i+1)); done
check "every subscriber got exactly one message" test $ok -eq 1
check "ledger: 12 sent" test "$(ledger_q "select count(*) from delivery where status='sent'")" -eq 12
check "ledger consistent after the rerun" ledger_consistent
run_convex send "$RUN" --job "$TMP/job.xml"
expect_out "0 sent, 0 deferred, 0 failed, 0 suppressed, 12 already sent"

# SIGTERM instead of SIGKILL: the transactions under way finish and are
# recorded, nothing new starts, exit 75; the rerun sends the rest without a
# single "sending again" (no unknown outcome was left behind).
rm -f "$SPOOL"/*.eml "$SPOOL"/*.rcpt "$SPOOL"/.inflight-*
LEDGER=$TMP/term.sqlite ARCH=$TMP/term-arch
write_job "$TMP/term.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
echo '{"slow": 0.4}' > "$CONTROL"
"$CONVEX" send "$RUN" --job "$TMP/term.xml" > "$TMP/term.out" 2> "$TMP/term.err" &
pid=$!
# (the server's message numbers go on from the first part: count the files)
i=0; while [ "$(ls "$SPOOL"/.inflight-* 2>/dev/null | wc -l)" -lt 3 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
kill -TERM $pid; wait $pid; trc=$?
check "SIGTERM: exit 75" test $trc -eq 75
check "SIGTERM: says it stopped" grep -q "stopped by a signal after the transactions under way" "$TMP/term.err"
check "SIGTERM: no row left sending" test "$(ledger_q "select count(*) from delivery where status in ('sending','unknown')")" -eq 0
check "SIGTERM: every accepted message recorded and archived" ledger_consistent
check "SIGTERM: the rest still queued" grep -q "still queued" "$TMP/term.out"
echo '{}' > "$CONTROL"
run_convex send "$RUN" --job "$TMP/term.xml"
expect_rc 0 "after SIGTERM: the rerun finishes, exit 0"
check "after SIGTERM: no possible duplicate announced" sh -c "! grep -q 'sending again' '$TMP/.err'"
check "after SIGTERM: 12 messages, one each" test "$(spool_count)" -eq 12
check "after SIGTERM: ledger consistent" ledger_consistent
finish
