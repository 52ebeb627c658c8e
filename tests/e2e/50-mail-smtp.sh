#!/bin/sh
# SMTP delivery: STARTTLS required + AUTH to a real server (aiosmtpd); every
# message checked, archived byte for byte with a manifest; a rerun sends
# nothing; the ledger agrees with the server.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth digest:pa55word
export SMTP_USER=digest SMTP_PASSWORD=pa55word
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" user-env=\"SMTP_USER\" password-env=\"SMTP_PASSWORD\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"

run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0
expect_out "mail: 4 sent, 0 deferred, 0 failed, 1 suppressed, 0 already sent"
check "server stored 4 messages" test "$(spool_count)" -eq 4
# At most 2 connections (the default), each reused: EHLO in clear,
# STARTTLS, EHLO again; then the 4 messages between them.
check "at most two connections for the batch (<= 4 EHLO)" test "$(wc -l < "$SPOOL/.ehlo")" -le 4
for f in "$SPOOL"/*.eml; do
  check "$(basename "$f"): checked by Python's email package" \
    $PY "$TESTS_DIR/lib/check_mail.py" --report "$RUN" --rcpt "$(cat "${f%.eml}.eml.rcpt")" "$f"
done
check "ledger: 4 sent, attempts 1" test "$(ledger_q "select count(*) from delivery where status='sent' and attempts=1 and smtp_code=250")" -eq 4
check "ledger in WAL mode" test "$(ledger_q 'pragma journal_mode')" = wal
check "ledger consistent with the server and the archive" ledger_consistent
check "manifest: one line per recipient" test "$(wc -l < "$MAILARCH/2007/05/08/manifest.tsv")" -eq 4
# The archive holds the exact bytes the server received.
mid=$(ledger_q "select message_id from delivery where recipient='dave@example.com'")
arch="$MAILARCH/2007/05/08/${mid%%@*}.eml"
srv=$(grep -lxF dave@example.com "$SPOOL"/*.rcpt); srv=${srv%.rcpt}
check "archived bytes = bytes the server received" cmp -s "$arch" "$srv"
check "manifest names recipient and Message-ID" grep -q "	dave@example.com	<$mid>	" "$MAILARCH/2007/05/08/manifest.tsv"

run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "rerun: exit 0"
expect_out "mail: 0 sent, 0 deferred, 0 failed, 1 suppressed, 4 already sent"
check "rerun sent nothing new" test "$(spool_count)" -eq 4
check "ledger still consistent" ledger_consistent

# Killed after "sent" but before the archive copy: the rerun rebuilds the
# message (same bytes, SHA-256 checked against the ledger) and archives it.
cp "$arch" "$TMP/dave.orig"; rm "$arch"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "repair run: exit 0"
check "archive copy restored byte for byte" cmp -s "$TMP/dave.orig" "$arch"
check "still nothing resent" test "$(spool_count)" -eq 4
finish
