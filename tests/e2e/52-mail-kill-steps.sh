#!/bin/sh
# 52-mail-kill-steps: kill -9 at every step of a message's life
# (CONVEX_TEST_KILL_AT, test-only: queued, before DATA, after the 250,
# after the archive rename, after the ledger commit, after the manifest
# append), then rerun against aiosmtpd: nothing lost; a duplicate only for
# the kill between the 250 and the archived copy (the unknown window),
# announced by the rerun, with the same Message-ID and bytes; manifest =
# archive = ledger every time. Then a damaged archive (a truncated copy, a
# manifest line missing, one doubled, a torn last line) is repaired from
# the ledger on the next start. Random kills as well (tests/lib/killsteps.sh
# ks_random), the number that duplicated printed.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
. "$TESTS_DIR/lib/killsteps.sh"
mail_setup
make_cert
ks_subscribers
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
srv_url() { echo "smtp://127.0.0.1:$SMTP_PORT"; }
srv_for() { spool_for "$1"; }
srv_settle() { :; }
srv_reset() { rm -f "$SPOOL"/*.eml "$SPOOL"/*.rcpt; }
srv_same_bytes() {
  test "$(sha256sum $(grep -lxF "$1" "$SPOOL"/*.rcpt | sed 's/\.rcpt$//') | cut -d' ' -f1 | sort -u | wc -l)" -eq 1
}
srv_msgids() {
  for f in $(grep -lxF "$1" "$SPOOL"/*.rcpt | sed 's/\.rcpt$//'); do grep -i '^Message-ID:' "$f"; done
}
ks_all_steps
# Random kills (KILL_TRIALS, default 10 here; 20 against Postfix in 54).
ks_random "${KILL_TRIALS:-10}" aiosmtpd
KS_N=6 ks_subscribers

# Damage the archive of a finished day; the next start repairs it.
srv_reset
LEDGER=$TMP/ks-after-manifest.sqlite ARCH=$TMP/ks-arch-after-manifest
mdir=$ARCH-mail/2007/05/08
one=$(ls "$mdir"/*.eml | head -1)
: > "$one"
sed -n 2p "$mdir/manifest.tsv" >> "$mdir/manifest.tsv"
sed -i 3d "$mdir/manifest.tsv"
printf 'torn' >> "$mdir/manifest.tsv"
check "the damage is seen" sh -c "! $PY '$TESTS_DIR/lib/check_archive.py' '$LEDGER' '$mdir'"
run_convex send "$RUN" --job "$TMP/ks-after-manifest.xml"
expect_rc 0 "repair run: exit 0"
expect_out "mail: 0 sent, 0 deferred, 0 failed, 0 suppressed, 6 already sent" "repair run: nothing sent"
expect_err "restored from the ledger" "repair run: says what it restored"
check "nothing reached the relay" test "$(spool_count)" -eq 0
check "repaired: manifest = archive = ledger" $PY "$TESTS_DIR/lib/check_archive.py" "$LEDGER" "$mdir"
finish
