#!/bin/sh
# 80-faults-smtp: the relay fails at every step of the SMTP transaction
# (tests/lib/smtpd.py "fault"): it closes the connection instead of
# answering MAIL FROM or RCPT TO, closes in the middle of DATA, answers 421
# (to MAIL, or after the message), or stalls past the job's timeout; and a
# relay whose certificate is for another host. Two subscribers are served
# before the fault (one connection, so the order is fixed); every fault is
# the relay's, so three in a row open the circuit breaker (src/relay.c):
# the batch stops, the rest stays queued, exit 75, "relay down"; never
# lost; after the relay is fixed the rerun sends exactly those, none twice;
# the ledger agrees with the server at every step.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
make_cert
# The fixture's subscribers: ada, bob, carol, dave (eve suppressed, ADA a
# duplicate), served in that order.
all="ada@example.org bob@example.org carol@example.net dave@example.com"
each_once() { for a in $all; do [ "$(spool_for "$a")" -eq 1 ] || { echo "$a: $(spool_for "$a")"; return 1; }; done; }

# case NAME FAULT AFTER TIMEOUT [STALL]
case_() {
  name=$1 fault=$2 after=$3 timeout=$4
  start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
  ARCH=$TMP/arch.$name LEDGER=$TMP/ledger.$name.sqlite
  write_job "$TMP/$name.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"$timeout\" connections=\"1\"/>"
  echo "{\"fault\": \"$fault\", \"after\": $after, \"stall\": ${5:-0}}" > "$CONTROL"
  t0=$(date +%s)
  run_convex send "$RUN" --job "$TMP/$name.xml"
  t1=$(date +%s)
  cp "$TMP/.err" "$TMP/$name.err"
  nd=$((4 - after))
  if [ "${6:-queued}" = queued ]; then
    expect_rc 75 "$name: relay down, exit 75"
    expect_out "mail: $after sent, 0 deferred, 0 failed, 1 suppressed, 0 already sent, 0 unknown, $nd still queued" "$name: $after sent, $nd still queued"
    expect_out "relay down: $nd message" "$name: says the relay is down"
    expect_err "relay down after 3 failures in a row" "$name: the error names the breaker"
    check "$name: the fault was met 3 times in all (the breaker)" test "$(wc -l < "$SPOOL/.faults")" -eq 3
    check "$name: ledger has $nd queued" test "$(ledger_q "select count(*) from delivery where status='queued'")" -eq "$nd"
  else
    # The relay closed after the whole message went out: whether it had
    # the final dot is unknown (RFC 1047); not retried in this run.
    expect_rc 3 "$name: unknown outcomes, exit 3"
    expect_out "mail: $after sent, 0 deferred, 0 failed, 1 suppressed, 0 already sent, $nd unknown, 0 still queued" "$name: $after sent, $nd unknown"
    check "$name: the fault was met once per message (not retried)" test "$(wc -l < "$SPOOL/.faults")" -eq "$nd"
    check "$name: ledger has $nd unknown" test "$(ledger_q "select count(*) from delivery where status='unknown'")" -eq "$nd"
  fi
  check "$name: only the first $after stored" test "$(spool_count)" -eq "$after"
  check "$name: ledger consistent" ledger_consistent
  check "$name: no reply code recorded for a deferral without a reply" test "$(ledger_q "select count(*) from delivery where status='deferred' and smtp_code between 200 and 399")" -eq 0
  echo '{}' > "$CONTROL"
  run_convex send "$RUN" --job "$TMP/$name.xml"
  expect_rc 0 "$name: relay fixed, exit 0"
  expect_out "mail: $nd sent, 0 deferred, 0 failed, 1 suppressed, $after already sent" "$name: the deferred go out, nothing again"
  check "$name: every subscriber has exactly one message" each_once
  check "$name: ledger consistent after the rerun" ledger_consistent
  echo "$name: $((t1 - t0)) s with the fault"
}

case_ mail-close mail-close 2 5
case_ rcpt-close rcpt-close 2 5
case_ data-mid data-mid-close 2 5 0 unknown
case_ mail-421 mail-421 2 5
case_ data-421 data-421 2 5
# A relay that stalls after MAIL FROM, past the 2-second timeout: each
# attempt costs the timeout, so only the last subscriber meets it.
case_ stall mail-stall 3 2 30
check "stall: the timeout is named" grep -q "dave@example.com deferred (no progress within 2 s waiting for the reply to MAIL FROM)" "$TMP/stall.err"
check "stall: bounded by the timeout (3 attempts of 2 s: $((t1 - t0)) s)" test $((t1 - t0)) -le 14

# A certificate for another host, its CA trusted: refused before anything
# is sent, the host named, exit 76; nothing lost.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mail.example.net \
  -addext "subjectAltName=DNS:mail.example.net" \
  -keyout "$TMP/other.key" -out "$TMP/other.pem" 2>/dev/null
start_smtpd --cert "$TMP/other.pem" --key "$TMP/other.key"
ARCH=$TMP/arch.tls LEDGER=$TMP/ledger.tls.sqlite
write_job "$TMP/tls.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/other.pem\" timeout=\"5\"/>"
run_convex send "$RUN" --job "$TMP/tls.xml"
expect_rc 76 "wrong-host certificate: exit 76"
expect_err "smtp 127.0.0.1:$SMTP_PORT: certificate verification failed" "the host is named"
expect_err "127.0.0.1" "the mismatch is explained"
check "one error line" test "$(grep -c 'error:' "$TMP/.err")" -eq 1
check "nothing reached the server" test "$(spool_count)" -eq 0
check "no message marked sent" test "$(ledger_q "select count(*) from delivery where status='sent'")" -eq 0
check "ledger consistent" ledger_consistent
# The relay gets a certificate for its name: everything goes, once.
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
write_job "$TMP/tls.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"5\"/>"
run_convex send "$RUN" --job "$TMP/tls.xml"
expect_rc 0 "right certificate: exit 0"
expect_out "mail: 4 sent, 0 deferred, 0 failed, 1 suppressed, 0 already sent"
check "every subscriber has exactly one message" each_once
check "ledger consistent" ledger_consistent
finish
