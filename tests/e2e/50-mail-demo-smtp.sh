#!/bin/sh
# 50-mail-demo-smtp: `--smtp URL` sends the digest of a job that has no
# <smtp> (the demo job: .eml files by default) through a real server
# (aiosmtpd, STARTTLS + AUTH): credentials from CONVEX_SMTP_USER /
# CONVEX_SMTP_PASSWORD, the certificate from --smtp-ca-file; exactly one
# message per subscriber, none twice on a rerun; `convex send --smtp`
# likewise; a wrong password or a malformed URL is refused.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
export SOURCE_DATE_EPOCH=1178582400 CONVEX_UNSUBSCRIBE_SECRET=demo-test-secret

# The demo job and its data, copied so that its out/, archive and ledger
# are ours.
demo_job
check "the demo job has no <smtp> (the .eml default)" \
  test "$($PY -c 'import sys, xml.etree.ElementTree as E; print(len(E.parse(sys.argv[1]).findall(".//smtp")))' "$job")" -eq 0
# The subscribers, read here from the CSV (header skipped, one per line).
tail -n +2 "$REPO/jobs/demo/subscribers.csv" | cut -d, -f1 | sort -u > "$TMP/expected"
nsubs=$(wc -l < "$TMP/expected")
check "the demo has 5 distinct subscribers" [ "$nsubs" -eq 5 ]

make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth demo:s3cret
url=smtp://127.0.0.1:$SMTP_PORT

# Every subscriber exactly once, nobody else.
one_each() {
  for a in $(cat "$TMP/expected"); do
    [ "$(spool_for "$a")" -eq "$1" ] || { echo "$a: $(spool_for "$a") messages"; return 1; }
  done
  [ "$(spool_count)" -eq $((nsubs * $1)) ]
}

# 1. A wrong password: AUTH refused (77), nothing stored.
CONVEX_SMTP_USER=demo CONVEX_SMTP_PASSWORD=wrong \
  run_convex run -q --out "$TMP/out" --smtp "$url" --smtp-ca-file "$TMP/cert.pem" "$job"
expect_rc 77 "wrong CONVEX_SMTP_PASSWORD: exit 77 (the environment's credentials are used)"
check "wrong password: nothing stored" [ "$(spool_count)" -eq 0 ]

# 2. The right ones: every subscriber gets the digest once.
CONVEX_SMTP_USER=demo CONVEX_SMTP_PASSWORD=s3cret \
  run_convex run --out "$TMP/out" --smtp "$url" --smtp-ca-file "$TMP/cert.pem" "$job"
expect_rc 0 "run --smtp: exit 0"
expect_out "mail: $nsubs sent, 0 deferred, 0 failed, 0 suppressed, 0 already sent"
check "run --smtp: exactly one message per subscriber" one_each 1
check "run --smtp: no .eml files written" [ ! -d "$TMP/out/2007-05-08/mail" ]
for f in "$SPOOL"/*.eml; do
  check "$(basename "$f"): checked by Python's email package" \
    $PY "$TESTS_DIR/lib/check_mail.py" --report "$TMP/out/2007-05-08" --rcpt "$(cat "$f.rcpt")" "$f"
done
check "run --smtp: every message archived" \
  [ "$(ls "$TMP/out/mail-archive/2007/05/08/"*.eml | wc -l)" -eq "$nsubs" ]
check "run.json: SMTP time in its own stage (send > 0, mail >= 0)" \
  $PY -c 'import json, sys; s = json.load(open(sys.argv[1]))["stages"]; sys.exit(not (s["send"] > 0 and s["mail"] >= 0))' \
  "$TMP/out/2007-05-08/run.json"

# 3. A rerun sends nothing twice (the ledger).
CONVEX_SMTP_USER=demo CONVEX_SMTP_PASSWORD=s3cret \
  run_convex run -q --out "$TMP/out" --smtp "$url" --smtp-ca-file "$TMP/cert.pem" "$job"
expect_rc 0 "rerun: exit 0"
expect_out "mail: 0 sent, 0 deferred, 0 failed, 0 suppressed, $nsubs already sent"
check "rerun: still exactly one message per subscriber" one_each 1

# 4. `convex send --smtp` delivers an existing run (a second copy of the
# job, so its own archive and ledger under $TMP/b/out; the run made
# without mail).
job2=$TMP/b/job/demo.xml
mkdir -p "$TMP/b/job"
cp "$job" "$job2"
cp -r "$TMP/job/demo" "$TMP/b/job/demo"
run_convex run -q --no-mail --out "$TMP/out2" "$job2"
expect_rc 0 "run --no-mail for send: exit 0"
CONVEX_SMTP_USER=demo CONVEX_SMTP_PASSWORD=s3cret \
  run_convex send "$TMP/out2/2007-05-08" --job "$job2" --smtp "$url" --smtp-ca-file "$TMP/cert.pem"
expect_rc 0 "send --smtp: exit 0"
expect_out "mail: $nsubs sent, 0 deferred, 0 failed, 0 suppressed, 0 already sent"
check "send --smtp: one more message per subscriber" one_each 2

# 5. Refusals, before anything is computed or sent.
run_convex run --smtp http://127.0.0.1:25 --out "$TMP/out3" "$job"
expect_rc 64 "--smtp http://: exit 64"
expect_err '--smtp "http://127.0.0.1:25" is not smtp://host[:port] (STARTTLS) or smtps://host[:port]'
check "--smtp http://: no run directory" [ ! -e "$TMP/out3/2007-05-08" ]
run_convex send "$TMP/out2/2007-05-08" --job "$job2" --smtp-ca-file "$TMP/cert.pem"
expect_rc 64 "--smtp-ca-file without any SMTP: exit 64"
expect_err "--smtp-ca-file needs --smtp URL or <smtp> in"
check "after the refusals: still two messages per subscriber" one_each 2
finish
