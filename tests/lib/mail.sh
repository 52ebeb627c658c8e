# mail.sh - sourced by the 50-mail-* tests after assert.sh: a run directory
# from the report fixture, a job file for it, a certificate, and the test
# SMTP server (tests/lib/smtpd.py) stopped by a trap.
#
#   mail_setup                 $RUN (run dir), $ARCH (archive), $LEDGER,
#                              $MAILARCH (private mail archive: $ARCH-mail)
#   make_cert                  $TMP/cert.pem, $TMP/key.pem (CN localhost, IP 127.0.0.1)
#   write_job FILE [SMTP-ELEMENT]   job for $RUN's report with the fixture subscribers
#   start_smtpd [ARGS...]      $SMTP_PORT, $SPOOL, $CONTROL; waits until it listens
#   spool_count                messages the server stored
PY=/usr/bin/python3
export CONVEX_TEST_SECRET=test-secret-0123456789

mail_setup() {
  RUN=$TMP/out/2007-05-08
  ARCH=$TMP/archive
  MAILARCH=$ARCH-mail   # the private mail archive write_job names
  LEDGER=$TMP/ledger.sqlite
  mkdir -p "$TMP/out"
  cp -r "$REPO/tests/data/report" "$RUN"
  cp "$REPO/tests/data/mail/subscribers.csv" "$REPO/tests/data/mail/suppression.txt" "$TMP/"
}

make_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
}

write_job() {
  cat > "$1" <<JOB
<?xml version="1.0" encoding="UTF-8"?>
<job name="fixture" title="Swiss macro watchlist">
  <assets>
    <asset symbol="SBI" name="Swiss Bond Index" group="rates"/>
    <asset symbol="SPI" name="Swiss Performance Index" group="equities"/>
    <asset symbol="SII" name="Swiss Immofonds Index" group="real-estate"/>
    <asset symbol="LP25" name="Pictet LPP 25" group="pension"/>
  </assets>
  <prices><file path="$REPO/jobs/demo/prices/swx.csv" layout="wide"/></prices>
  <watchlist><pair a="SBI" b="SPI"/><pair a="SPI" b="SII"/><pair a="SBI" b="LP25"/></watchlist>
  <outputs dir="$TMP/out" archive="$ARCH" mail-archive="$ARCH-mail"/>
  <digest title="Swiss macro watchlist" subscribers="$TMP/subscribers.csv"
          suppression="$TMP/suppression.txt"
          from="Convex Research &lt;research@example.com&gt;"
          public-url="https://research.example.com/archive"
          unsubscribe-url="https://research.example.com/unsubscribe"
          unsubscribe-mailto="unsubscribe@example.com"
          secret-env="CONVEX_TEST_SECRET" ledger="$LEDGER">${2:-}</digest>
</job>
JOB
}

# A free port: bind to 0 and read what the kernel chose.
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_smtpd() {
  SMTP_PORT=$(free_port)
  SPOOL=$TMP/spool.$SMTP_PORT
  CONTROL=$TMP/control.$SMTP_PORT.json
  [ -f "$CONTROL" ] || echo '{}' > "$CONTROL"
  rm -f "$TMP/ready.$SMTP_PORT"
  $PY "$TESTS_DIR/lib/smtpd.py" --port "$SMTP_PORT" --dir "$SPOOL" --control "$CONTROL" \
      --ready "$TMP/ready.$SMTP_PORT" "$@" > "$TMP/smtpd.$SMTP_PORT.log" 2>&1 &
  SMTPD_PID=$!
  at_exit "kill $SMTPD_PID 2>/dev/null; wait $SMTPD_PID 2>/dev/null"
  i=0
  while [ ! -f "$TMP/ready.$SMTP_PORT" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  [ -f "$TMP/ready.$SMTP_PORT" ] || { cat "$TMP/smtpd.$SMTP_PORT.log"; echo "smtpd did not start"; exit 1; }
}

spool_count() { ls "$SPOOL"/*.eml 2>/dev/null | wc -l; }

# Messages stored for one recipient.
spool_for() { grep -lxF "$1" "$SPOOL"/*.rcpt 2>/dev/null | wc -l; }

ledger_q() { sqlite3 "$LEDGER" "$1"; }

# The ledger agrees with what the server has: every "sent" row has exactly
# one stored message and one archived copy; nothing else was stored.
ledger_consistent() {
  for a in $(ledger_q "select recipient from delivery where status='sent'"); do
    [ "$(spool_for "$a")" -eq 1 ] || { echo "sent $a: $(spool_for "$a") stored"; return 1; }
  done
  for a in $(ledger_q "select recipient from delivery where status<>'sent'"); do
    [ "$(spool_for "$a")" -eq 0 ] || { echo "not sent $a but stored"; return 1; }
  done
  n=$(ledger_q "select count(*) from delivery where status='sent'")
  m=$(ls "$ARCH"-mail/2007/05/08/*.eml 2>/dev/null | wc -l)
  [ "$n" -eq "$m" ] || { echo "$n sent, $m archived"; return 1; }
}

# The decoded text/plain part of a message.
text_of() { $PY -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload()[0].get_payload(decode=True).decode())' "$1"; }
# text_has FILE STRING: the decoded text part contains STRING.
text_has() { _t=$(text_of "$1") && printf '%s\n' "$_t" | grep -F -- "$2" >/dev/null; }
