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
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
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
finish
