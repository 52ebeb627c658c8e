#!/bin/sh
# 51-mail-postfix: the digest through a real MTA, a private Postfix
# instance (tests/lib/postfix.sh) with STARTTLS: every subscriber gets
# exactly one message, delivered to its Maildir; the ledger, the archive
# and the manifest agree with what Postfix delivered.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
. "$TESTS_DIR/lib/postfix.sh"
if ! pf_available; then skip "the tests against a real Postfix" "Postfix needs root"; finish; fi
mail_setup
make_cert
pf_start || exit 1
# What mail.sh's ledger_consistent counts, from Postfix's Maildir.
spool_for() { pf_for "$1"; }
spool_count() { pf_count; }
all="ada@example.org bob@example.org carol@example.net dave@example.com"
each_once() { for a in $all; do [ "$(pf_for "$a")" -eq 1 ] || { echo "$a: $(pf_for "$a")"; return 1; }; done; }

write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$PF_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "postfix: exit 0"
expect_out "mail: 4 sent, 0 deferred, 0 failed, 1 suppressed, 0 already sent"
check "postfix delivered every message" pf_settle 30
check "4 messages in the Maildir" test "$(pf_count)" -eq 4
check "every subscriber has exactly one message" each_once
check "ledger consistent with Postfix" ledger_consistent
check "the session used STARTTLS" grep -q "Anonymous TLS connection established\|Trusted TLS connection established\|Untrusted TLS connection established" "$PF_DIR/maillog"
f=$(grep -lxiF "Delivered-To: bob@example.org" "$PF_MAIL"/all/new/* | head -1)
msgid=$(ledger_q "select message_id from delivery where recipient='bob@example.org'")
arch=$MAILARCH/2007/05/08/${msgid%@*}.eml
# Postfix stores LF lines and puts its own trace headers first.
suffix_of() { $PY -c 'import sys; a=open(sys.argv[1],"rb").read().replace(b"\r\n",b"\n"); sys.exit(0 if open(sys.argv[2],"rb").read().endswith(a) else 1)' "$1" "$2"; }
check "bob's delivered message is byte for byte the archived one" suffix_of "$arch" "$f"
check "bob's message names bob" grep -q "^To: .*bob@example.org" "$f"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_out "mail: 0 sent, 0 deferred, 0 failed, 1 suppressed, 4 already sent" "rerun: nothing again"
pf_settle 10
check "still 4 messages" test "$(pf_count)" -eq 4
finish
