#!/bin/sh
# 92-bounces-postfix: real bounces. The digest goes through a private
# Postfix (tests/lib/postfix.sh) with a VERP envelope sender. Postfix
# routes two domains to the test SMTP server (tests/lib/smtpd.py) standing
# in for their mail hosts: one answers 550 for gone@nowhere.example (no such
# user), the other 450 for full@busy.example (mailbox unavailable for now;
# delay warnings after 1 s, queue lifetime 8 s). Postfix accepted both, so
# it writes the DSNs itself, to the VERP addresses at example.com, its own
# Maildir domain; convex inbox reads that Maildir, and the next run
# sends nothing to the suppressed addresses.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
. "$TESTS_DIR/lib/postfix.sh"
if ! pf_available; then skip "the tests against a real Postfix" "Postfix needs root"; finish; fi
mail_setup
make_cert
pf_start || exit 1
conf=$PF_DIR/etc
start_smtpd
echo '{"permfail": ["gone@nowhere.example"], "tempfail": ["full@busy.example"]}' > "$CONTROL"
printf 'nowhere.example smtp:[127.0.0.1]:%s\nbusy.example smtp:[127.0.0.1]:%s\n' "$SMTP_PORT" "$SMTP_PORT" > "$conf/transport"
# The refusing mailbox gives a "delayed" DSN, then a "failed" one, both 4.x.x.
/usr/sbin/postconf -c "$conf" -e "transport_maps = texthash:$conf/transport" \
  delay_warning_time=1s queue_run_delay=1s minimal_backoff_time=1s maximal_backoff_time=2s \
  maximal_queue_lifetime=8s bounce_queue_lifetime=8s
pf_restart || exit 1

: > "$TMP/suppression.txt"
printf 'email,name,pairs\ncarol@example.org,Carol,\ngone@nowhere.example,Gone,\nfull@busy.example,Full,\n' > "$TMP/subscribers.csv"
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$PF_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"
sed -i 's|ledger="|return-path="bounces@example.com" verp="yes" soft-bounce-limit="2" ledger="|' "$TMP/job.xml"

run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "Postfix accepts all three"
expect_out "mail: 3 sent, 0 deferred, 0 failed, 0 suppressed, 0 already sent"
check "VERP envelope sender in Postfix's log" grep -q 'from=<bounces+gone=nowhere.example@example.com>' "$PF_DIR/maillog"

# Wait (bounded: 120 s) for carol's digest and three DSNs: gone's failure,
# full's delay warning and full's final failure.
dsns() { find "$PF_MAIL/all/new" "$PF_MAIL/all/cur" -type f -exec grep -l '^Content-Type: multipart/report' {} + 2>/dev/null | wc -l; }
i=0; while [ "$(dsns)" -lt 3 ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
check "Postfix wrote three DSNs" test "$(dsns)" -eq 3
check "carol's digest delivered" test "$(pf_for carol@example.org)" -eq 1
check "a DSN went to gone's VERP address" test "$(pf_for bounces+gone=nowhere.example@example.com)" -eq 1
check "two DSNs went to full's VERP address" test "$(pf_for bounces+full=busy.example@example.com)" -eq 2
check "one of them says delayed, 4.x.x" sh -c "grep -l '^Action: delayed' '$PF_MAIL'/all/*/* | xargs grep -l '^Status: 4\.' | grep -q ."
check "gone's says failed, 5.x.x" sh -c "grep -l '^Final-Recipient: rfc822; *gone@nowhere.example' '$PF_MAIL'/all/*/* | xargs grep -l '^Status: 5\.' | grep -q ."

run_convex inbox --job "$TMP/job.xml" "$PF_MAIL/all"
expect_rc 0 "inbox over Postfix's Maildir"
expect_out "inbox: 4 messages: 1 hard bounce, 2 soft bounces (1 suppressed), 0 complaints, 0 unsubscribes, 0 forged, 1 other, 0 unreadable, 0 already seen"
run_convex suppress --job "$TMP/job.xml" list
printf '%s\n' "$out" | cut -f1,2 > "$TMP/got"
printf 'full@busy.example\tbounce-soft\ngone@nowhere.example\tbounce-hard\n' > "$TMP/want"
check "gone bounced hard, full soft (2 of 2), carol untouched" cmp "$TMP/want" "$TMP/got"
expect_out "gone@nowhere.example	bounce-hard"
run_convex inbox --job "$TMP/job.xml" "$PF_MAIL/all"
expect_out "inbox: 4 messages: 0 hard bounces, 0 soft bounces (0 suppressed), 0 complaints, 0 unsubscribes, 0 forged, 0 other, 0 unreadable, 4 already seen"

# The next day's run: same report, as of the day after.
RUN2=$TMP/out/2007-05-09
cp -r "$RUN" "$RUN2"
rm -rf "$RUN2/mail"
sed -i 's/as-of="2007-05-08"/as-of="2007-05-09"/' "$RUN2/report.xml"
before=$(grep -c 'to=<gone@nowhere.example>\|to=<full@busy.example>' "$PF_DIR/maillog")
run_convex send "$RUN2" --job "$TMP/job.xml"
expect_rc 0 "next run"
expect_out "mail: 1 sent, 0 deferred, 0 failed, 2 suppressed, 0 already sent"
pf_settle 30
check "carol got the next digest" test "$(pf_for carol@example.org)" -eq 2
check "nothing handed to Postfix for gone or full" test "$(grep -c 'to=<gone@nowhere.example>\|to=<full@busy.example>' "$PF_DIR/maillog")" -eq "$before"
check "no ledger row for them on the next day" test "$(sqlite3 "$LEDGER" "select count(*) from delivery where as_of='2007-05-09' and recipient in ('gone@nowhere.example','full@busy.example')")" -eq 0
finish
