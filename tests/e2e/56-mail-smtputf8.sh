#!/bin/sh
# 56-mail-smtputf8.sh - internationalised addresses (RFC 6531) through a real
# SMTP server (aiosmtpd) both ways: a relay whose EHLO offers SMTPUTF8 gets
# every message, the non-ASCII ones with MAIL FROM ... SMTPUTF8; a relay
# that does not offer it gets the ASCII ones, and each non-ASCII subscriber
# is refused with subscribers.csv:line, nothing sent to it, exit 3.
# `convex check` names the subscribers that need SMTPUTF8. The first
# subscriber is non-ASCII, so the relay is asked (a NOOP probe) before any
# message went out on the connection.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
make_cert
cat > "$TMP/subscribers.csv" <<'CSV'
email,name,pairs
jürgen@example.org,Jürgen,SBI/SPI
ada@example.org,Ada Lovelace,SBI/SPI
ana@bücher.example,Ana,
carol@example.net,,
CSV
: > "$TMP/suppression.txt"

# --- check names the two subscribers that need SMTPUTF8 ---------------------
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem" --no-smtputf8
PLAIN_PORT=$SMTP_PORT
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$PLAIN_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
run_convex check "$TMP/job.xml"
expect_rc 0 "check: the file is valid"
expect_err 'subscribers.csv:2: "jürgen@example.org" needs SMTPUTF8' "check names the non-ASCII local part with file:line"
expect_err 'subscribers.csv:4: "ana@bücher.example" needs SMTPUTF8' "check names the non-ASCII domain with file:line"
expect_err "2 subscribers need SMTPUTF8" "check counts them"
check "check does not name an ASCII subscriber" sh -c "! printf '%s' \"\$1\" | grep -q 'ada@example.org.*SMTPUTF8'" _ "$err"

# --- a relay without SMTPUTF8: the two are refused, the rest delivered -------
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 3 "relay without SMTPUTF8: exit 3 (some not delivered)"
expect_out "mail: 2 sent, 0 deferred, 2 failed" "the ASCII subscribers are delivered, the others failed"
expect_err "subscribers.csv:2: smtp 127.0.0.1:$PLAIN_PORT: jürgen@example.org is not an ASCII address and the relay does not offer SMTPUTF8" \
  "the refusal names the subscriber's file:line and the relay"
expect_err "subscribers.csv:4: smtp 127.0.0.1:$PLAIN_PORT: ana@bücher.example is not an ASCII address" \
  "the IDN address is refused the same way"
check "the server stored the 2 ASCII messages only" test "$(spool_count)" -eq 2
check "nothing reached the server for jürgen" test "$(spool_for jürgen@example.org)" -eq 0
check "ada got hers" test "$(spool_for ada@example.org)" -eq 1
check "ledger: jürgen failed" test "$(ledger_q "select status from delivery where recipient='jürgen@example.org'")" = failed
check "no ASCII message was sent with SMTPUTF8" sh -c "! grep -q SMTPUTF8 '$SPOOL'/*.mailopts"

# --- a relay offering SMTPUTF8: all four, with the parameter where needed -----
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
rm -f "$LEDGER" "$LEDGER"-*; rm -rf "$MAILARCH"
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "relay with SMTPUTF8: exit 0"
expect_out "mail: 4 sent, 0 deferred, 0 failed" "every subscriber delivered"
check "jürgen's message stored under his UTF-8 address" test "$(spool_for jürgen@example.org)" -eq 1
check "ana's message stored under her UTF-8 domain" test "$(spool_for ana@bücher.example)" -eq 1
j=$(grep -lxF jürgen@example.org "$SPOOL"/*.rcpt); j=${j%.rcpt}
a=$(grep -lxF ada@example.org "$SPOOL"/*.rcpt); a=${a%.rcpt}
check "MAIL FROM carried SMTPUTF8 for jürgen" grep -qw SMTPUTF8 "${j%.eml}.eml.mailopts"
check "and not for the ASCII ada" sh -c "! grep -q SMTPUTF8 '${a%.eml}.eml.mailopts'"
check "jürgen's message parses (Python email, SMTPUTF8 policy) and is addressed to him" $PY -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.SMTPUTF8)
sys.exit(0 if "jürgen@example.org" in str(m["To"]) else 1)' "$j"
finish
