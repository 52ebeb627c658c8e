#!/bin/sh
# The default delivery: no <smtp>, one .eml per subscriber in RUN/mail/,
# checked by Python's email package; duplicates collapse, suppression holds,
# a rebuilt message is byte-identical; the web edition and feed appear.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
mail_setup
write_job "$TMP/job.xml"

run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0
expect_out "mail: 4 written, 1 suppressed"
expect_err 'subscribers.csv:6: "ADA@example.org" is already listed on line 2'
check "four messages (ADA duplicate collapsed, eve suppressed)" \
  test "$(ls "$RUN"/mail/*.eml | wc -l)" -eq 4
check "no message for the suppressed address" test ! -e "$RUN/mail/eve@example.com.eml"
for a in ada@example.org bob@example.org carol@example.net dave@example.com; do
  check "$a: MIME structure, headers, cid parts, PNGs, numbers" \
    $PY "$TESTS_DIR/lib/check_mail.py" --report "$RUN" --rcpt "$a" "$RUN/mail/$a.eml"
done
# Personalisation: Ada follows SBI/SPI only; bob the "rates" group (SBI-*).
check "ada sees her pair" text_has "$RUN/mail/ada@example.org.eml" "Swiss Bond Index / Swiss Performance Index (SBI/SPI)"
check "ada does not see SPI/SII in her pairs" sh -c "! grep -q 'Swiss Immofonds Index (SPI/SII)' '$RUN/mail/ada@example.org.eml'"
check "bob's group gives SBI/LP25" text_has "$RUN/mail/bob@example.org.eml" "(SBI/LP25)"
check "carol (no pairs) gets every pair" text_has "$RUN/mail/carol@example.net.eml" "(SPI/SII)"
check "non-ASCII name RFC 2047-encoded" grep -q '^To: Bob =?[a-z0-9-]*?q?M=FCller?= <bob@example.org>' "$RUN/mail/bob@example.org.eml"
# The unsubscribe token is v1.KEY.HMAC-SHA256(secret, "v1\nLIST\naddress")
# (docs/subscribers.md), computed here by openssl.
tok=v1.k1.$(printf 'v1\nfixture\n%s' ada@example.org | openssl dgst -sha256 -hmac "$CONVEX_TEST_SECRET" | sed 's/.*= //')
check "unsubscribe token is v1.k1.HMAC-SHA256(secret, v1 LIST address)" grep -q "token=$tok>" "$RUN/mail/ada@example.org.eml"
check "mailto subject carries token and address" grep -q "subject=unsubscribe%20$tok%20ada%40example.org>" "$RUN/mail/ada@example.org.eml"
check "text: the pair's web page under the public URL" text_has "$RUN/mail/ada@example.org.eml" "Deep dive: https://research.example.com/archive/2007/05/08/pairs/SBI-SPI.html"
check "text: the PDF under the public URL" text_has "$RUN/mail/ada@example.org.eml" "PDF: https://research.example.com/archive/2007/05/08/SBI-SPI.pdf"
# Issue 17 item 7: every pair in the HTML part links to its dated page, and
# the archive (the web root the public URL serves) holds it. Carol follows
# every pair. The fixture run directory has no PDFs (53-web-browser checks
# those links after a real run).
check "HTML: a page link for every pair, each page in the archive" \
  $PY "$TESTS_DIR/lib/mail_links.py" --pages-only "$RUN/mail/carol@example.net.eml" \
  https://research.example.com/archive "$ARCH" "$RUN/report.xml"
# RFC 2919 List-Id (title and job name at the From domain); RFC 8058
# one-click with the https URL only.
hdr() { $PY -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print(m.get(sys.argv[2],""))' "$1" "$2"; }
check "List-Id names the digest and the list" test "$(hdr "$RUN/mail/ada@example.org.eml" List-Id)" = "Swiss macro watchlist <fixture.example.com>"
check "one-click POST offered for the https URL" test "$(hdr "$RUN/mail/ada@example.org.eml" List-Unsubscribe-Post)" = "List-Unsubscribe=One-Click"
sed 's|unsubscribe-url="https://|unsubscribe-url="http://|; s|public-url="[^"]*"||' "$TMP/job.xml" > "$TMP/http.xml"
mkdir -p "$TMP/http"; cp -r "$RUN" "$TMP/http/run"; rm -rf "$TMP/http/run/mail"
run_convex send "$TMP/http/run" --job "$TMP/http.xml"
expect_rc 0 "http unsubscribe URL: exit 0"
check "http URL: List-Unsubscribe still there" grep -q '^List-Unsubscribe: <http://research' "$TMP/http/run/mail/ada@example.org.eml"
check "http URL: no one-click header (RFC 8058 wants https)" sh -c "! grep -qi '^List-Unsubscribe-Post' '$TMP/http/run/mail/ada@example.org.eml'"
# Copy: a quiet pair "is stable" (never "has stable"); no time-of-day
# greeting; no "on request" sentence (the http job has no public-url, so
# no PDF link, and no way to request one either).
parts_of() { $PY -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print(m.get_body(("plain",)).get_content()); print(m.get_body(("html",)).get_content())' "$1"; }
no_bad_copy() { ! parts_of "$1" | grep -qi 'has stable\|good morning\|on request'; }
check "text: the quiet pair is stable" text_has "$RUN/mail/carol@example.net.eml" "The correlation is stable."
for f in "$RUN/mail/carol@example.net.eml" "$TMP/http/run/mail/carol@example.net.eml"; do
  check "$f: no 'has stable', no 'Good morning', no 'on request'" no_bad_copy "$f"
done
check "no public-url: no page or PDF link either" sh -c "! grep -q 'Deep dive: \\|PDF: ' '$TMP/http/run/mail/carol@example.net.eml'"
noname() { $PY -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); sys.exit(any(p.get_filename() or p.get_param("name") for p in m.walk() if p.get_content_maintype()=="image"))' "$1"; }
check "image parts carry no file name (not listed as attachments)" noname "$RUN/mail/carol@example.net.eml"
# Subject: the news first, at most 60 characters; a pair whose data ends
# before the digest date never headlines (the ranking's first shift,
# SBI/SPI +0.29 in the fixture, made stale here).
subj=$(hdr "$RUN/mail/ada@example.org.eml" Subject)
check "subject is the news then the date: $subj" test "$subj" = "SBI/SPI strengthened materially (+0.29), 8 May 2007"
check "subject at most 60 characters" test "$($PY -c 'import sys; print(len(sys.argv[1]))' "$subj")" -le 60
mkdir -p "$TMP/stale"; cp -r "$RUN" "$TMP/stale/run"; rm -rf "$TMP/stale/run/mail"
sed -i 's/\(<pair id="SBI-SPI" .*\)as-of="2007-05-08"/\1as-of="2001-01-02"/' "$TMP/stale/run/report.xml"
check "fixture made stale" grep -q 'id="SBI-SPI".*as-of="2001-01-02"' "$TMP/stale/run/report.xml"
run_convex send "$TMP/stale/run" --job "$TMP/job.xml"
subj=$(hdr "$TMP/stale/run/mail/ada@example.org.eml" Subject)
check "a stale pair never headlines: $subj" test "$subj" = "SPI/SII weakened modestly (-0.15), 8 May 2007"
# ... and shows its own date wherever it appears: text and HTML, in the
# shift list and on its card (Ada follows it); the fresh pairs do not.
html_of() { $PY -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print(m.get_body(("html",)).get_content())' "$1"; }
check "text: the stale pair's card says its date" text_has "$TMP/stale/run/mail/ada@example.org.eml" "Prices to 2 Jan 2001: every figure below is as of that day."
check "text: its shift says its date" text_has "$TMP/stale/run/mail/ada@example.org.eml" "The correlation has strengthened materially. Prices to 2 Jan 2001."
check "HTML: its date twice (shift row, card)" test "$(html_of "$TMP/stale/run/mail/ada@example.org.eml" | grep -o '[Pp]rices to 2 Jan 2001' | wc -l)" -eq 2
no_note() { ! { html_of "$1"; text_of "$1"; } | grep -q 'rices to'; }
check "no date note while every pair is fresh" no_note "$RUN/mail/carol@example.net.eml"

cp "$RUN/mail/ada@example.org.eml" "$TMP/first.eml"
run_convex send "$RUN" --job "$TMP/job.xml"
check "rebuilt message is byte-identical" cmp -s "$TMP/first.eml" "$RUN/mail/ada@example.org.eml"

check "web edition of the day" test -s "$ARCH/2007/05/08/index.html"
check "web edition charts next to it" test -s "$ARCH/2007/05/08/charts/SBI-SPI-rolling@2x.png"
check "archive index" grep -q '2007/05/08/index.html' "$ARCH/index.html"
check "Atom feed parses" xmllint --noout "$ARCH/feed.xml"
check "feed has the day" grep -q 'https://research.example.com/archive/2007/05/08/index.html' "$ARCH/feed.xml"
finish
