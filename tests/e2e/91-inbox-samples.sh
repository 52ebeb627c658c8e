#!/bin/sh
# convex inbox over a Maildir of hand-written bounces and complaints in the
# shapes of major receivers (tests/data/inbox/README.md) plus unsubscribe
# mail made here: each suppresses exactly the address worked out by hand,
# forged tokens (another address, another list, a truncated MAC, a retired
# key) are refused, a second pass changes nothing, mbox and stdin work, and
# the next digest skips every suppressed subscriber.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
write_job "$TMP/job.xml"
sed -i -e 's|ledger="|return-path="bounces@example.com" verp="yes" secret-id="k2" ledger="|' \
  -e 's|</digest>|<previous-secret id="k1" env="OLD_SECRET"/></digest>|' "$TMP/job.xml"
export OLD_SECRET=old-secret-retired-soon
: > "$TMP/suppression.txt"
cat > "$TMP/subscribers.csv" <<'CSV'
email,name,pairs
ada@example.org,Ada,
bob@example.org,Bob,
carol@example.net,Carol,
dave@example.com,Dave,
erin@example.org,Erin,
frank@example.com,Frank,
gina@example.org,Gina,
hal@example.org,Hal,
ivan@example.org,Ivan,
jo@example.org,Jo,
kim@example.org,Kim,
lee@example.org,Lee,
CSV

# tok SECRET KID LIST ADDRESS: the token as docs/subscribers.md defines it.
tok() { printf 'v1.%s.%s' "$2" "$(printf 'v1\n%s\n%s' "$3" "$4" | openssl dgst -sha256 -hmac "$1" | sed 's/.*= //')"; }
unsub_mail() {  # FILE FROM SUBJECT [BODY]
  printf 'From: %s\nTo: unsubscribe@example.com\nSubject: %s\nDate: Wed, 9 May 2007 09:00:00 +0000\nMessage-ID: <%s@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' \
    "$2" "$3" "$(basename "$1" .eml)" "${4:-}" > "$1"
}
MD=$TMP/Maildir
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
cp "$REPO"/tests/data/inbox/*.eml "$MD/cur/"
S=$CONVEX_TEST_SECRET
# gina: the mailto link as sent (token, then the address, in the subject)
unsub_mail "$MD/new/u-gina.eml" "Gina <gina@example.org>" "unsubscribe $(tok "$S" k2 fixture gina@example.org) gina%40example.org"
# hal: a mail client that put the subject in the body, sent from another address
unsub_mail "$MD/new/u-hal.eml" "Hal at home <hal@home.example>" "Re: your newsletter" \
  "Please remove me: $(tok "$S" k2 fixture hal@example.org) hal@example.org"
# ivan: a link signed with the previous key, still accepted
unsub_mail "$MD/new/u-ivan.eml" "ivan@example.org" "unsubscribe $(tok "$OLD_SECRET" k1 fixture ivan@example.org) ivan%40example.org"
# Forgeries: jo's token used for kim, a token of another list for jo, a
# truncated MAC for lee, a key id the job never had for lee.
unsub_mail "$MD/new/f-other-address.eml" "kim@example.org" "unsubscribe $(tok "$S" k2 fixture jo@example.org) kim%40example.org"
unsub_mail "$MD/new/f-other-list.eml" "jo@example.org" "unsubscribe $(tok "$S" k2 other-list jo@example.org) jo%40example.org"
t=$(tok "$S" k2 fixture lee@example.org)
unsub_mail "$MD/new/f-truncated.eml" "lee@example.org" "unsubscribe $(printf %s "$t" | cut -c1-60) lee%40example.org"
unsub_mail "$MD/new/f-old-key.eml" "lee@example.org" "unsubscribe $(tok "$S" k0 fixture lee@example.org) lee%40example.org"

run_convex inbox --job "$TMP/job.xml" "$MD"
expect_rc 3 "one unreadable message: exit 3 (EX_ partial)"
expect_err 'garbage.eml: cannot be parsed as a message; skipped'
expect_out "inbox: 19 messages: 3 hard bounces, 3 soft bounces (1 suppressed), 2 complaints, 3 unsubscribes, 3 forged, 4 other, 1 unreadable, 0 already seen"
# 12 samples + 7 made here. f-truncated holds no token at all: it is
# "other" (with not-spam, delivered and out-of-office), not "forged".
run_convex suppress --job "$TMP/job.xml" list
printf '%s\n' "$out" | cut -f1,2 > "$TMP/got"
cat > "$TMP/want" <<'LIST'
ada@example.org	bounce-hard
bob@example.org	bounce-hard
carol@example.net	complaint
dave@example.com	bounce-soft
erin@example.org	bounce-hard
frank@example.com	complaint
gina@example.org	unsubscribe-mail
hal@example.org	unsubscribe-mail
ivan@example.org	unsubscribe-mail
LIST
check "suppressed exactly the addresses worked out by hand, with their reasons" cmp "$TMP/want" "$TMP/got"
check "jo (another list's token) not suppressed" sh -c "! grep -q '^jo@' '$TMP/got'"
check "kim (another address's token) not suppressed" sh -c "! grep -q '^kim@' '$TMP/got'"
check "lee (truncated MAC, unknown key) not suppressed" sh -c "! grep -q '^lee@' '$TMP/got'"
expect_out "dave@example.com	bounce-soft	$MD/cur/exim-delay-3.eml (4.2.2, 3 in 14 days)"

run_convex inbox --job "$TMP/job.xml" "$MD"
expect_out "inbox: 19 messages: 0 hard bounces, 0 soft bounces (0 suppressed), 0 complaints, 0 unsubscribes, 0 forged, 0 other, 1 unreadable, 18 already seen"
run_convex suppress --job "$TMP/job.xml" list
printf '%s\n' "$out" | cut -f1,2 > "$TMP/got2"
check "second pass changes nothing" cmp "$TMP/want" "$TMP/got2"

# A soft-bounce limit of 3 within 14 days: three delays for kim on May 1,
# 10 and 20 never have 3 inside one 14-day window (an mbox this time).
{ for d in 01 10 20; do
    printf 'From MAILER-DAEMON Tue May  8 08:00:00 2007\n'
    sed -e "s/dave=example.com/kim=example.org/g; s/dave@example.com/kim@example.org/g" \
        -e "s/E1HbQ0D-0001-Xy/kim-$d/; s/0[0-9] May 2007/$d May 2007/g" "$REPO/tests/data/inbox/exim-delay-1.eml"
    echo
  done; } > "$TMP/kim.mbox"
run_convex inbox --job "$TMP/job.xml" "$TMP/kim.mbox"
expect_rc 0 "mbox: exit 0"
expect_out "inbox: 3 messages: 0 hard bounces, 3 soft bounces (0 suppressed)"
check "kim not suppressed" sh -c "! '$CONVEX' suppress --job '$TMP/job.xml' export | grep -q kim@"
run_convex inbox --job "$TMP/job.xml" < "$MD/new/u-gina.eml"
expect_out "inbox: 1 message: 0 hard bounces, 0 soft bounces (0 suppressed), 0 complaints, 0 unsubscribes, 0 forged, 0 other, 0 unreadable, 1 already seen"
run_convex inbox --job "$TMP/job.xml" < /dev/null
expect_rc 0 "empty stdin: no message, exit 0"
expect_out "inbox: 0 messages: 0 hard bounces" "empty stdin: no message counted"
expect_err "stdin: empty: no message to act on" "empty stdin: said on stderr"
run_convex inbox --job "$TMP/job.xml" "$TMP/missing"
expect_rc 66 "missing mailbox: exit 66"

# The next digest skips every suppressed address.
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0 "digest after the inbox pass"
expect_out "mail: 3 written, 9 suppressed"
ls "$RUN/mail" > "$TMP/written"
check "only jo, kim and lee get the digest" test "$(tr '\n' ' ' < "$TMP/written")" = "jo@example.org.eml kim@example.org.eml lee@example.org.eml "

# The operator's commands.
run_convex suppress --job "$TMP/job.xml" add Kim@Example.ORG --reason complaint --source "phone call"
expect_rc 0 "suppress add"
expect_out "Kim@Example.ORG: suppressed"
run_convex suppress --job "$TMP/job.xml" list
expect_out "kim@example.org	complaint	phone call	"
run_convex suppress --job "$TMP/job.xml" remove gina@example.org nobody@example.org
expect_out "gina@example.org: removed"
expect_out "nobody@example.org: not on the list"
printf '# from the old system\nlee@example.org\nnot an address\n\n' > "$TMP/old.txt"
run_convex suppress --job "$TMP/job.xml" import "$TMP/old.txt"
expect_rc 0 "import: a bad line is a warning"
expect_out "1 addresses added"
expect_err 'old.txt:3: "not an address" is not one valid e-mail address; line skipped'
run_convex suppress --job "$TMP/job.xml" export
check "export: one address a line, sorted" test "$(printf '%s\n' "$out" | tr '\n' ' ')" = \
  "ada@example.org bob@example.org carol@example.net dave@example.com erin@example.org frank@example.com hal@example.org ivan@example.org kim@example.org lee@example.org "
run_convex suppress --job "$TMP/job.xml" add "bad address"
expect_rc 65 "add of a non-address: exit 65"
run_convex suppress --job "$TMP/job.xml" frobnicate
expect_rc 64 "unknown action: exit 64"
run_convex suppress --job "$TMP/job.xml" add x@example.org --reason lazy
expect_rc 64 "unknown reason: exit 64"
run_convex suppress --job "$TMP/job.xml" import "$TMP/missing.txt"
expect_rc 66 "import of a missing file: exit 66"
finish
