#!/bin/sh
# 57-names-per-quantity.sh - one name per quantity across PDF, email, web and
# text: the demo job run as it ships, then every PDF (pdftotext), every
# email (subject, HTML, text part) and every web page searched for the
# synonyms the change vs 5-year and the shift vs baseline used to have
# (delta, "vs base", "Change (90d - 5y)", "vs 5Y", ...), and the emails for
# the digest title (<digest title>) rather than the job's
# (tests/lib/names_check.py says what is searched).
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400   # 2007-05-08
export CONVEX_UNSUBSCRIBE_SECRET=test-secret-0123456789

run_convex run --out "$TMP/demo" "$REPO/jobs/demo.xml"
expect_rc 0 "the demo job runs"
digest_title=$(sed -n 's/.*<digest title="\([^"]*\)".*/\1/p' "$REPO/jobs/demo.xml")
job_title=$(sed -n 's/.*<job name="[^"]*" title="\([^"]*\)".*/\1/p' "$REPO/jobs/demo.xml")
check "the demo job has a digest title apart from its own ($digest_title / $job_title)" \
  sh -c "[ -n '$digest_title' ] && [ -n '$job_title' ] && [ '$digest_title' != '$job_title' ]"
if report=$(/usr/bin/python3 "$TESTS_DIR/lib/names_check.py" "$TMP/demo" "$digest_title" "$job_title"); then
  _pass "one name per quantity in every PDF, email and web page; emails carry the digest title"
else
  _fail "one name per quantity in every PDF, email and web page; emails carry the digest title" \
    "$(printf '%s\n' "$report" | head -20)"
fi
# The checker itself finds a synonym when there is one (a test that can fail).
page=$(ls "$TMP"/demo/archive/pairs/*/index.html | head -n 1)
check "a pair page names the change vs 5-year" grep -q "Change vs 5-year" "$page"
sed -i 's/Change vs 5-year/Delta/' "$page"
check "the checker catches a planted synonym" \
  sh -c "! /usr/bin/python3 '$TESTS_DIR/lib/names_check.py' '$TMP/demo' '$digest_title' '$job_title' > /dev/null"
finish
