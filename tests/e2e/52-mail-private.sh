#!/bin/sh
# 52-mail-private: the published web root (the archive public-url serves)
# never holds a subscriber's address, name or unsubscribe token. The exact
# bytes sent and the delivery manifest go to the private mail archive
# (<outputs mail-archive>, default OUT/mail-archive): directories 0700,
# files 0600. A mail archive inside the web root is refused by `check`.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
make_cert
start_smtpd --cert "$TMP/cert.pem" --key "$TMP/key.pem"
write_job "$TMP/job.xml" "<smtp url=\"smtp://127.0.0.1:$SMTP_PORT\" ca-file=\"$TMP/cert.pem\" timeout=\"10\"/>"

run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "send over SMTP: exit 0"
check "server stored 4 messages" test "$(spool_count)" -eq 4
check "the web root was published (day page)" test -f "$ARCH/2007/05/08/index.html"

# Every address, name and token that went out, read from the messages the
# server received (not from convex's own files).
$PY - "$SPOOL" > "$TMP/secrets" <<'PY'
import email, email.policy, glob, re, sys
out = set()
for f in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    for a in m["To"].addresses:
        out.add(a.addr_spec)
        if a.display_name:
            out.add(a.display_name)
    for h in (m.get_all("List-Unsubscribe") or []):
        out.update(re.findall(r"token=([A-Za-z0-9._~%-]+)", h))
for s in sorted(out):
    print(s)
PY
check "secrets collected: 4 addresses, names and tokens" test "$(wc -l < "$TMP/secrets")" -ge 10
check "a token is among them" grep -q '^v1\.' "$TMP/secrets"
leaks=$(grep -rlF -f "$TMP/secrets" "$ARCH" 2>/dev/null)
check "web root holds no address, name or token (found in: ${leaks:-nothing})" test -z "$leaks"
# The suppressed address never got mail but is in the list: not published either.
check "web root does not name the suppressed subscriber" sh -c "! grep -rqiF eve@example.com '$ARCH'"

day=$MAILARCH/2007/05/08
check "mail archive: 4 messages" test "$(ls "$day"/*.eml | wc -l)" -eq 4
check "mail archive: manifest, one line per recipient" test "$(wc -l < "$day/manifest.tsv")" -eq 4
bad=$(find "$MAILARCH" -type d ! -perm 0700)
check "mail archive directories are 0700 (not: ${bad:-none})" test -z "$bad"
bad=$(find "$MAILARCH" -type f ! -perm 0600)
check "mail archive files are 0600 (not: ${bad:-none})" test -z "$bad"

# .eml mode: the run directory's mail/ is private too.
write_job "$TMP/eml.xml"
run_convex send "$RUN" --job "$TMP/eml.xml"
expect_rc 0 ".eml mode: exit 0"
check ".eml directory is 0700" test "$(stat -c %a "$RUN/mail")" = 700
bad=$(find "$RUN/mail" -type f ! -perm 0600)
check ".eml files are 0600 (not: ${bad:-none})" test -z "$bad"
leaks=$(grep -rlF -f "$TMP/secrets" "$ARCH" 2>/dev/null)
check "after the .eml run the web root is still clean (found in: ${leaks:-nothing})" test -z "$leaks"

# A mail archive inside the web root is refused before anything is sent.
sed "s|mail-archive=\"$ARCH-mail\"|mail-archive=\"$ARCH/mail\"|" \
  "$TMP/job.xml" > "$TMP/inside.xml"
check "the overlapping job differs" sh -c "! cmp -s '$TMP/job.xml' '$TMP/inside.xml'"
run_convex check "$TMP/inside.xml"
expect_rc 78 "check: mail-archive inside the archive: exit 78"
expect_err "inside.xml:"
expect_err "overlap"
finish
