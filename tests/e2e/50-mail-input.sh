#!/bin/sh
# Bad subscriber rows cost one row each: a malformed address, a CR/LF
# header-injection attempt in a name or an address, two addresses in one
# field, invalid UTF-8, a 10 KB name. `convex check` lists every one with
# file:line; `send` skips and reports them (exit 3) and mails everyone
# else, including the rows before and after. A bad suppression line is
# skipped; a missing secret with SMTP is a configuration error.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"5\"/>"

big=$($PY -c 'print("N" * 10240)')
{
  printf 'email,name,pairs\n'
  printf 'ada@example.org,Ada,\n'                                   # 2 good
  printf 'bob@,Bob,\n'                                              # 3 bad address
  printf 'carol@example.net,"Carol\r\nBcc: victim@example.com",\n'  # 4-5 CR/LF in a name
  printf '"dave@example.com\nBcc: victim@example.com",Dave,\n'      # 6-7 LF in an address
  printf '"Mallory <m@example.org>, victim@example.com",Mallory,\n'  # 8 two addresses
  printf 'erin@example.org,Bob \377\376,\n'                          # 9 invalid UTF-8
  printf 'frank@example.org,%s,\n' "$big"                           # 10 10 KB name
  printf 'zed@example.org,Zed,\n'                                   # 11 good
} > "$TMP/subscribers.csv"
: > "$TMP/suppression.txt"

run_convex check "$TMP/job.xml"
expect_rc 65 "check: bad rows: exit 65"
expect_err 'subscribers.csv:3: "bob@" is not one valid e-mail address'
expect_err 'subscribers.csv:4: field 2 contains a control character (CR, LF, ...)'
expect_err 'subscribers.csv:6: field 1 contains a control character'
expect_err 'subscribers.csv:8: "Mallory <m@example.org>, victim@example.com" is not one valid e-mail address'
expect_err 'subscribers.csv:9: field 2 is not valid UTF-8'
expect_err 'subscribers.csv:10: name is longer than'
expect_err '6 bad subscriber/suppression rows'

run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 3 "send: bad rows skipped: exit 3"
expect_out "mail: 6 bad subscriber rows skipped"
expect_err 'subscribers.csv:3: "bob@" is not one valid e-mail address; row skipped'
expect_err 'subscribers.csv:9: field 2 is not valid UTF-8; row skipped'
check "the good row before the bad ones got its mail" test "$(spool_for ada@example.org)" -eq 1
check "the good row after the bad ones got its mail" test "$(spool_for zed@example.org)" -eq 1
check "nothing else was sent" test "$(spool_count)" -eq 2
check "no message went to an injected address" sh -c "! grep -rl 'victim@example.com' '$SPOOL'/*.rcpt"
rm -f "$SPOOL"/* "$LEDGER"*

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
# A subscriber naming a pair or group that is not in the day's report
# (a typo): a warning with file:line, their message still goes out with
# what they do follow, and the summary counts the messages concerned.
printf 'email,name,pairs\nada@example.org,Ada,SBI/SPX;SPI/SBI\nbob@example.org,Bob,bonds\nzed@example.org,Zed,SII/SPI\n' > "$TMP/typos.csv"
write_job "$TMP/eml.xml"
sed "s|subscribers=\"[^\"]*\"|subscribers=\"$TMP/typos.csv\"|" "$TMP/eml.xml" > "$TMP/typos.xml"
rm -rf "$RUN/mail"
run_convex send "$RUN" --job "$TMP/typos.xml"
expect_rc 0 "unknown pairs: mail still goes out, exit 0"
expect_err 'typos.csv:2: "SBI/SPX" is not a pair or group of today'"'"'s report'
expect_err 'typos.csv:3: "bonds" is not a pair or group of today'"'"'s report'
expect_out "mail: 2 messages to subscribers naming a pair or group not in today's report (listed above with file:line)"
check "ada still gets the pair she named correctly" text_has "$RUN/mail/ada@example.org.eml" "(SBI/SPI)"

# Header settings are checked by `check` before any mail is built: every
# bad one listed with the job file and line.
sed -e 's|unsubscribe-url="https://research.example.com/unsubscribe"|unsubscribe-url="https://research.example.com/u?a=1?b=2\&gt;"|' \
    -e 's|unsubscribe-mailto="unsubscribe@example.com"|unsubscribe-mailto="Unsub \&lt;u@example.com\&gt;"|' \
    -e 's|from="Convex Research \&lt;research@example.com\&gt;"|from="Convex Research" reply-to="replies at example"|' \
    "$TMP/job.xml" > "$TMP/headers.xml"
check "the header job differs" sh -c "! cmp -s '$TMP/job.xml' '$TMP/headers.xml'"
run_convex check "$TMP/headers.xml"
expect_rc 78 "check: bad header settings: exit 78"
expect_err 'headers.xml:'
expect_err 'from on <digest>:'
expect_err 'reply-to on <digest>:'
expect_err 'unsubscribe-mailto="Unsub <u@example.com>" on <digest>; expected one bare address'
expect_err "unsubscribe-url=\"https://research.example.com/u?a=1?b=2>\" on <digest>"
finish
