#!/bin/sh
# The web edition and the HTML part in headless Chromium: no console error,
# every image decodes (the HTML part's cid: images resolved to the parts'
# files), screenshots written; the Atom feed parses and lists the day.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"
. "$TESTS_DIR/lib/browser_check.sh"
mail_setup
write_job "$TMP/job.xml"
run_convex send "$RUN" --job "$TMP/job.xml"
expect_rc 0

day=$ARCH/2007/05/08
check "web edition loads cleanly in Chromium" page_loads "$day/index.html" "$TMP/web.png"
check "archive index loads cleanly in Chromium" sh -c ". '$TESTS_DIR/lib/browser_check.sh'; TMP='$TMP'; chromium_run --dump-dom 'file://$ARCH/index.html' 2>/dev/null | grep -q 'href=\"2007/05/08/index.html\"'"
check "web edition links the PDFs next to it" grep -q 'href="SBI-SPI.pdf"' "$day/index.html"
check "web edition links the pair pages" grep -q 'href="pairs/SBI-SPI.html"' "$day/index.html"
check "web edition is not personalised" sh -c "! grep -q -e 'Unsubscribe' -e '@example.org' '$day/index.html'"

# The HTML part with each cid: pointing at the bytes of its own MIME part.
$PY - "$RUN/mail/ada@example.org.eml" "$TMP/part" <<'PY'
import email, os, re, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
rel = m.get_payload()[1].get_payload()
os.makedirs(sys.argv[2], exist_ok=True)
files = {}
for i, p in enumerate(rel[1:]):
    f = os.path.join(sys.argv[2], 'part%d.png' % i)
    open(f, 'wb').write(p.get_payload(decode=True))
    files[str(p['Content-ID']).strip('<> ')] = f
html = rel[0].get_content()
open(os.path.join(sys.argv[2], 'html.html'), 'w').write(
    re.sub(r'cid:([^"]+)', lambda g: 'file://' + files[g.group(1)], html))
PY
check "HTML part loads cleanly in Chromium with its own images" page_loads "$TMP/part/html.html" "$TMP/html.png"
check "HTML part is 600 px wide" grep -q 'width="600"' "$TMP/part/html.html"
check "no external stylesheet, font or script" sh -c "! grep -qiE '<link|@import|<script|https?://[^\"]*\\.(css|js|woff)' '$TMP/part/html.html'"

check "feed parses" xmllint --noout "$ARCH/feed.xml"
check "feed is Atom with one entry for the day" test "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$ARCH/feed.xml")" -eq 1
check "feed entry carries the top shift" grep -q 'SBI/SPI: 90-day +0.31' "$ARCH/feed.xml"
# A second day joins the index and the feed, newest first.
RUN2=$TMP/out/2007-05-09; cp -r "$RUN" "$RUN2"; rm -rf "$RUN2/mail"
sed -i 's/as-of="2007-05-08" lookback/as-of="2007-05-09" lookback/' "$RUN2/report.xml"
run_convex send "$RUN2" --job "$TMP/job.xml"
check "second day in the feed" test "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$ARCH/feed.xml")" -eq 2
check "index lists the newest first" sh -c "grep -o '2007/05/0[89]/index.html' '$ARCH/index.html' | head -1 | grep -q 05/09"
[ -n "${KEEP_SCREENSHOTS:-}" ] && cp "$TMP/web.png" "$TMP/html.png" "$KEEP_SCREENSHOTS/"
finish
