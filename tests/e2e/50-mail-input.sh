#!/bin/sh
# Bad subscriber input is refused with file:line before anything is sent:
# a malformed address, a CR/LF header-injection attempt in a name, a bad
# subscriber file; a bad suppression line is skipped; a missing secret with SMTP is a configuration error.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"5\"/>"

printf 'email,name,pairs\nada@example.org,Ada,\nbob@,Bob,\n' > "$TMP/subscribers.csv"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 65 "malformed address: exit 65"
expect_err 'subscribers.csv:3: "bob@" is not one valid e-mail address'
expect_one_line

printf 'email,name,pairs\nada@example.org,"Ada\r\nBcc: victim@example.com",\n' > "$TMP/subscribers.csv"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 65 "CR/LF in a name: exit 65"
expect_err 'subscribers.csv:2: field 2 contains a control character (CR, LF, ...)'

printf 'email,name,pairs\n"ada@example.org\nBcc: victim@example.com",Ada,\n' > "$TMP/subscribers.csv"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 65 "LF in an address: exit 65"
expect_err 'subscribers.csv:2: field 1 contains a control character'

printf 'email,name,pairs\n"Mallory <m@example.org>, victim@example.com",Mallory,\n' > "$TMP/subscribers.csv"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 65 "two addresses in one field: exit 65"
expect_err 'subscribers.csv:2: "Mallory <m@example.org>, victim@example.com" is not one valid e-mail address'

printf 'ok@example.org\nnot an address\n' > "$TMP/suppression.txt"
printf 'email,name,pairs\nada@example.org,Ada,\nok@example.org,Ok,\n' > "$TMP/subscribers.csv"
run_convex send "$RUN" --job "$TMP/job.xml"
# The text file is imported into the SQLite list: a bad line is skipped
# with a warning naming file:line, the good ones still hold.
expect_rc 0 "bad suppression line: skipped, not fatal"
expect_err 'suppression.txt:2: "not an address" is not one valid e-mail address; line skipped'
check "the valid line still suppresses" test "$(spool_for ok@example.org)" -eq 0
check "the others were sent" test "$(spool_count)" -eq 1
rm -f "$SPOOL"/* "$LEDGER"*

# A name with quotes and an "@" is just a name: encoded, not an address.
printf 'email,name,pairs\nada@example.org,"Ada ""<evil@example.com>"" X",\n' > "$TMP/subscribers.csv"
: > "$TMP/suppression.txt"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "odd but harmless name: sent"
f=$(ls "$SPOOL"/*.eml | head -1)
check "one recipient, the subscriber's" test "$(cat "$f.rcpt" 2>/dev/null || cat "${f%.eml}.eml.rcpt")" = ada@example.org
check "the To header holds a single mailbox" $PY -c '
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
a = m["To"].addresses
sys.exit(0 if len(a) == 1 and a[0].addr_spec == "ada@example.org" and "evil" in a[0].display_name else 1)' "$f"

CONVEX_TEST_SECRET= run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 78 "no unsubscribe secret with SMTP: exit 78"
expect_err "environment variable CONVEX_TEST_SECRET (the unsubscribe secret) is not set"
finish
