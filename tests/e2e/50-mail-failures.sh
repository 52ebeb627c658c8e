#!/bin/sh
# Relay failures: 450 -> retried, deferred, delivered by the next run; 550 ->
# failed, never retried; a dropped connection after the message's final dot
# -> unknown (not retried in the run, sent again by the next with the same
# Message-ID); wrong password -> 77; no STARTTLS -> 76 and nothing sent in
# clear; closed port -> the circuit breaker, 75 naming the host. The ledger agrees with the server after each.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth digest:pa55word
export SMTP_USER=digest SMTP_PASSWORD=pa55word
smtp_el() { echo "<smtp url=\"smtp://127.0.0.1:$1\" user-env=\"SMTP_USER\" password-env=\"SMTP_PASSWORD\" ca-file=\"$TMP/cert.pem\" timeout=\"5\"/>"; }
write_job "$TMP/job.xml" "$(smtp_el "$SMTP_PORT")"

# 1. 450 for bob, 550 for carol, a drop after DATA for dave.
echo '{"tempfail":["bob@example.org"],"permfail":["carol@example.net"],"drop":["dave@example.com"]}' > "$CONTROL"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 3 "deferred and failed mail: exit 3"
expect_out "mail: 1 sent, 1 deferred, 1 failed, 1 suppressed, 0 already sent, 1 unknown, 0 still queued"
expect_out "unknown: 1 message may or may not have been taken by the relay"
expect_err "carol@example.net refused with 550"
expect_err "dave@example.com: no reply after the final dot, the relay may have taken the message"
check "dave's drop met once (an unknown outcome is not retried in the run)" test "$(ledger_q "select attempts from delivery where recipient='dave@example.com'")" -eq 1
check "bob deferred after 4 attempts, code 450" test "$(ledger_q "select status||' '||attempts||' '||smtp_code from delivery where recipient='bob@example.org'")" = "deferred 4 450"
check "carol failed with 550 after 1 attempt" test "$(ledger_q "select status||' '||attempts||' '||smtp_code from delivery where recipient='carol@example.net'")" = "failed 1 550"
check "dave unknown (connection dropped after the dot)" test "$(ledger_q "select status from delivery where recipient='dave@example.com'")" = unknown
dave_id=$(ledger_q "select message_id from delivery where recipient='dave@example.com'")
check "only ada stored" test "$(spool_count)" -eq 1
check "ledger consistent" ledger_consistent

# 2. The relay recovers: the deferred go out, the failed one is not retried.
echo '{"permfail":["carol@example.net"]}' > "$CONTROL"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 3 "a failed message keeps exit 3"
expect_out "mail: 2 sent, 0 deferred, 1 failed, 1 suppressed, 1 already sent"
check "bob delivered on the next run" test "$(spool_for bob@example.org)" -eq 1
expect_err "dave@example.com: the last run did not learn whether the relay took it; sending again with the same Message-ID <$dave_id>"
check "dave delivered on the next run" test "$(spool_for dave@example.com)" -eq 1
check "with the same Message-ID" grep -qiF "Message-ID: <$dave_id>" $(grep -lxF dave@example.com "$SPOOL"/*.rcpt | sed 's/\.rcpt$//')
check "carol not retried" test "$(ledger_q "select attempts from delivery where recipient='carol@example.net'")" -eq 1
check "ledger consistent" ledger_consistent

# 3. Wrong password: 77, nothing sent, nothing lost.
rm -f "$LEDGER"*; LEDGER=$TMP/ledger2.sqlite; write_job "$TMP/job.xml" "$(smtp_el "$SMTP_PORT")"
before=$(spool_count)
SMTP_PASSWORD=wrong run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 77 "wrong password: exit 77"
expect_err "authentication refused"
check "nothing stored" test "$(spool_count)" -eq "$before"
check "nothing marked sent" test "$(ledger_q "select count(*) from delivery where status='sent'")" -eq 0

# 4. A server without STARTTLS: refuse to send in clear.
start_smtpd --auth digest:pa55word
LEDGER=$TMP/ledger3.sqlite; write_job "$TMP/job.xml" "$(smtp_el "$SMTP_PORT")"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 76 "no STARTTLS: exit 76"
expect_err "refusing to send in clear"
check "nothing reached the clear-text server" test "$(spool_count)" -eq 0
check "nothing marked sent" test "$(ledger_q "select count(*) from delivery where status='sent'")" -eq 0

# 5. Nobody listening: three refused connections open the breaker, 75 with
# the host named, everything queued.
port=$(free_port)
LEDGER=$TMP/ledger4.sqlite; write_job "$TMP/job.xml" "$(smtp_el "$port")"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 75 "unreachable relay: exit 75"
expect_err "smtp 127.0.0.1:$port: cannot connect"
expect_out "relay down: 4 messages left queued for the next run"
check "all 4 rows queued" test "$(ledger_q "select count(*) from delivery where status='queued'")" -eq 4
check "one error line" test "$(grep -c "error:" "$TMP/.err")" -eq 1
check "message waits for the next run" test "$(ledger_q "select count(*) from delivery where status='sent'")" -eq 0
finish
