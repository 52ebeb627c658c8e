#!/bin/sh
# 55-mail-size-phone: the digest's size budget and phone layout (issue 12,
# docs/mail.md), at the scale of the issue's "done when": the 435-pair
# watchlist of every pair of the 30 Dow stocks (bench/dow30.xml) and 1,000
# subscribers, among them one naming all 435 pairs, one with an empty pair
# list (every pair), one with 2, the rest random subsets of 1 to 435
# (seeded). Every message parses with Python's email package and holds the
# budget (HTML part <= 90 KB, message <= 400 KB, <= 6 images, no image part
# with a file name, every <img> a PNG of twice its width/height). Then
# headless Chromium at 320, 375 and 600 px, light and dark, on the largest
# and the smallest message, the every-pair one and the 2-pair one: no
# sideways scroll, chart text >= 11 CSS px at 375 px, 2x images shown at
# their width, body-text contrast >= 4.5:1 (tests/lib/mail_phone.py).
# And every one of the N Dow messages and the demo's in Chromium at 320 and
# 375 px: no sideways scroll, every image decoded (tests/lib/mail_layout.py).
# The demo job (37 pairs) checks the compact rows of a mid-sized list.
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400 CONVEX_UNSUBSCRIBE_SECRET=size-test-secret
PY=${PY:-/usr/bin/python3}
# 1,000 subscribers; 200 under ASan+UBSan, where composing is several times
# slower (the plain pass keeps the full list).
N=1000
[ "${TALLY_PREFIX:-e2e}" = e2e-asan ] && N=200

# ---- the demo job: 37 pairs -----------------------------------------------
demo_job
run_convex run -q --out "$TMP/out" "$TMP/job/demo.xml"
expect_rc 0 "demo run"
RUN=$TMP/out/2007-05-08
$PY - "$RUN/report.xml" "$TMP/job/demo/subs2.csv" <<'PYEOF'
import sys, xml.etree.ElementTree as E
ids = [p.get("a") + "/" + p.get("b") for p in E.parse(sys.argv[1]).getroot().find("pairs")]
with open(sys.argv[2], "w") as f:
    f.write("email,name,pairs\n")
    f.write("all@example.com,All Pairs," + ";".join(ids) + "\n")
    f.write("two@example.com,Two Pairs," + ";".join(ids[:2]) + "\n")
PYEOF
check "the demo job has 37 pairs" \
  test "$(sed -n 2p "$TMP/job/demo/subs2.csv" | tr ';' '\n' | wc -l)" -eq 37
sed 's|subscribers="demo/subscribers.csv"|subscribers="demo/subs2.csv"|' \
  "$TMP/job/demo.xml" > "$TMP/job/demo2.xml"
# A send of that run to a list changed since: the run drew the email
# charts for demo/subscribers.csv; a new subscriber follows two pairs it
# drew none for (picked from report.xml); both are counted in one warning.
$PY - "$RUN/report.xml" "$TMP/job/demo/subs3.csv" <<'PYEOF'
import sys, xml.etree.ElementTree as E
none = [p for p in E.parse(sys.argv[1]).getroot().find("pairs") if not p.find("charts").get("rolling")]
with open(sys.argv[2], "w") as f:
    f.write("email,name,pairs\nnew@example.com,New Reader," + ";".join(p.get("a") + "/" + p.get("b") for p in none[:2]) + "\n")
PYEOF
sed 's|subscribers="demo/subscribers.csv"|subscribers="demo/subs3.csv"|' \
  "$TMP/job/demo.xml" > "$TMP/job/demo3.xml"
cp -r "$RUN" "$TMP/changed"
run_convex send "$TMP/changed" --job "$TMP/job/demo3.xml"
expect_rc 0 "demo: send of the run to a changed list"
check "the list changed since the run: 2 cards without their chart, said once" \
  sh -c "printf '%s\n' \"\$1\" | grep -c ': 2 pairs shown in full to a subscriber have no email chart' | grep -qx 1" _ "$err"
# Run again with these subscribers: a run draws the email chart of the
# pairs its subscribers' digests show in full (plan.h, docs/mail.md).
run_convex run -q --no-mail --out "$TMP/out2" "$TMP/job/demo2.xml"
expect_rc 0 "demo run for the two subscribers"
RUN=$TMP/out2/2007-05-08
run_convex send "$RUN" --job "$TMP/job/demo2.xml"
expect_rc 0 "demo: send to 2 subscribers"
check "a run for this list: no card without its chart" sh -c "! printf '%s\n' \"\$1\" | grep -q 'no email chart'" _ "$err"
$PY "$TESTS_DIR/lib/mail_budget.py" "$RUN"/mail/*.eml > "$TMP/demo.txt"
rc=$?
check "demo: both messages within budget ($(tr '\n' ' ' < "$TMP/demo.txt"))" test "$rc" -eq 0
html_of() {
  $PY -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print(m.get_body((sys.argv[2],)).get_content())' "$1" "$2"
}
# All 37: 4 in full, 37 - 4 = 33 in brief, and told so; 2 pairs: both in full.
html_of "$RUN/mail/all@example.com.eml" html > "$TMP/all.html"
html_of "$RUN/mail/two@example.com.eml" html > "$TMP/two.html"
check "demo, all 37: 33 pairs in brief, said in the mail" grep -q '33 more of your pairs in brief' "$TMP/all.html"
check "demo, all 37: none left out" sh -c "! grep -q 'not listed here' '$TMP/all.html'"
check "demo, 2 pairs: nothing in brief" sh -c "! grep -q 'in brief' '$TMP/two.html'"
$PY "$TESTS_DIR/lib/mail_budget.py" --extract "$TMP/pages/demo-all" "$RUN/mail/all@example.com.eml" > /dev/null

# ---- the Dow 30: 435 pairs, N subscribers --------------------------------
mkdir -p "$TMP/dow"
cp "$REPO/jobs/demo/prices/dowjones30.csv" "$TMP/dow/"
sed -e 's|\.\./jobs/demo/prices/dowjones30.csv|dowjones30.csv|' \
    -e 's|</watchlist>|&\
  <analysis lookback-years="5" top="5" stale-days="100000"/>\
  <digest title="Convex daily: Dow 30" subscribers="subs.csv" from="Convex Research \&lt;research@example.com\&gt;" unsubscribe-url="https://research.example.com/unsubscribe" unsubscribe-mailto="unsubscribe@example.com" secret-env="CONVEX_UNSUBSCRIBE_SECRET"/>|' \
    "$REPO/bench/dow30.xml" > "$TMP/dow/dow.xml"
# The subscribers before the run, as an operator has them: the run draws
# the email charts their digests show (plan.h). The pair names come from
# the job (every pair of its 30 stocks; "A/B" names a pair in either order).
$PY - "$TMP/dow/dow.xml" "$TMP/dow/subs.csv" "$N" <<'PYEOF'
import itertools, random, sys, xml.etree.ElementTree as E
syms = [a.get("symbol") for a in E.parse(sys.argv[1]).getroot().iter("asset")]
ids = [a + "/" + b for a, b in itertools.combinations(syms, 2)]
rng = random.Random(12)
with open(sys.argv[2], "w") as f:
    f.write("email,name,pairs\n")
    f.write("all@example.com,All Pairs," + ";".join(ids) + "\n")
    f.write("every@example.com,Every Pair,\n")
    f.write("two@example.com,Two Pairs," + ";".join(ids[:2]) + "\n")
    for i in range(int(sys.argv[3]) - 3):
        k = rng.choice((1, 3, 8, 44, 100, 435))
        f.write(f"r{i}@example.com,Reader {i}," + ";".join(rng.sample(ids, rng.randint(1, k))) + "\n")
PYEOF
run_convex run -q --no-mail --out "$TMP/dowout" "$TMP/dow/dow.xml"
expect_rc 0 "Dow 30 run"
DOW=$TMP/dowout/2001-01-02
# The publication plan, by an independent reading of report.xml and the
# subscriber list: the email's rolling chart is drawn for exactly the
# pairs among the first 4 by rank of some subscriber's pairs (no list:
# every pair), and nothing else.
$PY - "$DOW" "$TMP/dow/subs.csv" > "$TMP/plan.txt" <<'PYEOF'
import csv, glob, os, sys, xml.etree.ElementTree as E
run = sys.argv[1]
pairs = E.parse(os.path.join(run, "report.xml")).getroot().find("pairs")
byrank = sorted(pairs, key=lambda p: int(p.get("rank")))
want = set()
for row in csv.DictReader(open(sys.argv[2])):
    sel = [t for t in (row["pairs"] or "").split(";") if t]
    mine = [p for p in byrank if not sel or any(t in (p.get("a") + "/" + p.get("b"), p.get("b") + "/" + p.get("a")) for t in sel)]
    want |= {p.get("id") for p in mine[:4]}
drawn = {os.path.basename(f)[:-len("-rolling.png")] for f in glob.glob(os.path.join(run, "charts", "*-rolling.png"))}
named = {p.get("id") for p in pairs if p.find("charts").get("rolling")}
print("planned %d, drawn %d, named in report.xml %d" % (len(want), len(drawn), len(named)))
sys.exit(0 if want == drawn == named else 1)
PYEOF
rc=$?
check "Dow: email charts drawn for exactly the pairs some digest shows in full ($(cat "$TMP/plan.txt"))" test "$rc" -eq 0
check "the Dow job has 435 pairs" \
  test "$(sed -n 2p "$TMP/dow/subs.csv" | tr ';' '\n' | wc -l)" -eq 435
run_convex send "$DOW" --job "$TMP/dow/dow.xml"
expect_rc 0 "Dow: send to $N subscribers"
check "Dow: $N messages" test "$(ls "$DOW"/mail/*.eml | wc -l)" -eq "$N"
# Sections made once and copied into many messages (docs/mail.md,
# "Sections made once"): the masthead, the day's shifts and the notes once
# per send, a subscriber's own pairs once per list that several share. The
# reference: the same templates with their premade-* parameters renamed,
# so that convex makes none and every message makes each section itself.
# 80 subscribers: the first 60 (every, all, two pairs and 57 random lists)
# and a twin of each of the first 20, with the same list. Byte for byte.
mkdir -p "$TMP/inplace/data" "$TMP/premade"
cp -r "$REPO/templates" "$REPO/jobs" "$TMP/inplace/data/"
sed -i 's/premade-/inplace-/g' "$TMP/inplace/data/templates/digest-html.xsl" \
  "$TMP/inplace/data/templates/digest-text.xsl"
{ head -n 61 "$TMP/dow/subs.csv"; sed -n 2,21p "$TMP/dow/subs.csv" | sed 's/^\([^@,]*\)@/\1.twin@/'; } \
  > "$TMP/dow/subs80.csv"
sed 's|subscribers="subs.csv"|subscribers="subs80.csv"|' "$TMP/dow/dow.xml" > "$TMP/dow/dow80.xml"
for d in premade inplace; do
  cp -rp "$DOW" "$TMP/$d/run"
  rm -rf "$TMP/$d/run/mail"
done
run_convex -v send "$TMP/premade/run" --job "$TMP/dow/dow80.xml"
expect_rc 0 "Dow: send to 80 subscribers, 20 lists shared"
check "Dow: 40 subscribers share 20 lists, each list's pairs made once" \
  sh -c "printf '%s\n' \"\$1\" | grep -q '40 subscribers share 20 lists of pairs'" _ "$err"
CONVEX_DATADIR=$TMP/inplace/data run_convex send "$TMP/inplace/run" --job "$TMP/dow/dow80.xml"
expect_rc 0 "Dow: the same, every section made in each message"
same=0
for f in "$TMP/inplace/run"/mail/*.eml; do
  cmp -s "$f" "$TMP/premade/run/mail/${f##*/}" && same=$((same + 1))
done
check "Dow: sections made once give the bytes of sections made in each message ($same of 80)" \
  test "$same" -eq 80
# Every pair a message shows in full has its chart: min(4, pairs) rolling
# charts in each message (parsed by Python's email package).
$PY - "$DOW" "$TMP/dow/subs.csv" > "$TMP/cards.txt" <<'PYEOF'
import csv, email, email.policy, os, sys, xml.etree.ElementTree as E
run = sys.argv[1]
ids = {p.get("id") for p in E.parse(os.path.join(run, "report.xml")).getroot().find("pairs")}
bad = 0
rows = list(csv.DictReader(open(sys.argv[2])))
for row in rows:
    sel = [t for t in (row["pairs"] or "").split(";") if t]
    n = len(ids) if not sel else len({t.replace("/", "-") for t in sel} & ids | {"-".join(t.split("/")[::-1]) for t in sel} & ids)
    m = email.message_from_binary_file(open(os.path.join(run, "mail", row["email"] + ".eml"), "rb"), policy=email.policy.default)
    charts = sum(1 for part in m.walk() if "-rolling.png" in (part.get("Content-ID") or ""))
    if charts != min(4, n):
        bad += 1
        print("%s: %d rolling charts for %d pairs" % (row["email"], charts, n))
print("%d messages, %d without a chart for a pair shown in full" % (len(rows), bad))
sys.exit(bad != 0)
PYEOF
rc=$?
check "Dow: every pair shown in full has its chart ($(tail -1 "$TMP/cards.txt"))" test "$rc" -eq 0
$PY "$TESTS_DIR/lib/mail_budget.py" --extract "$TMP/pages/largest" "$DOW"/mail/*.eml > "$TMP/budget.txt"
rc=$?
cat "$TMP/budget.txt"
check "Dow: every one of the $N messages within budget ($(tr '\n' ' ' < "$TMP/budget.txt"))" test "$rc" -eq 0
# Every pair: 4 in full, 40 in brief, 435 - 4 - 40 = 391 left to the web
# edition and counted, in the HTML and the text part alike.
for a in all every; do
  html_of "$DOW/mail/$a@example.com.eml" html > "$TMP/dow-$a.html"
  html_of "$DOW/mail/$a@example.com.eml" plain > "$TMP/dow-$a.txt"
  check "Dow, $a: 40 in brief (HTML)" grep -q '40 more of your pairs in brief' "$TMP/dow-$a.html"
  check "Dow, $a: 391 counted, not listed (HTML)" grep -q '391 more of your pairs, lower in the ranking, are not listed here' "$TMP/dow-$a.html"
  check "Dow, $a: 391 counted, not listed (text)" grep -q '^391 more of your pairs, lower in the ranking, are not listed here' "$TMP/dow-$a.txt"
  check "Dow, $a: 40 one-line pairs in the text" \
    test "$(sed -n '/^In brief/,/^$/p' "$TMP/dow-$a.txt" | grep -c '^   [A-Z]*/[A-Z]* ')" -eq 40
done
smallest=$(ls -S "$DOW"/mail/*.eml | tail -1)
$PY "$TESTS_DIR/lib/mail_budget.py" --extract "$TMP/pages/smallest" "$smallest" > /dev/null
$PY "$TESTS_DIR/lib/mail_budget.py" --extract "$TMP/pages/every" "$DOW/mail/every@example.com.eml" > /dev/null
$PY "$TESTS_DIR/lib/mail_budget.py" --extract "$TMP/pages/two" "$DOW/mail/two@example.com.eml" > /dev/null

# ---- Chromium: 320/375/600 px, light and dark ------------------------------
mkdir -p "$TMP/shots"
$PY "$TESTS_DIR/lib/mail_phone.py" "$TMP/shots" "$TMP/pages/demo-all/index.html" \
  "$TMP/pages/largest/index.html" "$TMP/pages/smallest/index.html" \
  "$TMP/pages/every/index.html" "$TMP/pages/two/index.html" > "$TMP/phone.txt"
rc=$?
cat "$TMP/phone.txt"
check "5 messages in Chromium: no sideways scroll, chart text >= 11 px at 375, 2x images, contrast >= 4.5" \
  test "$rc" -eq 0

# ---- Chromium: every message at 320 and 375 px -----------------------------
$PY "$TESTS_DIR/lib/mail_layout.py" "$TMP/layout" "$DOW"/mail/*.eml "$RUN"/mail/*.eml > "$TMP/layout.txt"
rc=$?
cat "$TMP/layout.txt"
check "all $N Dow messages and the demo's in Chromium at 320 and 375 px: no sideways scroll, images decoded" \
  test "$rc" -eq 0
check "mail_layout.py saw all $N Dow messages" grep -q "^$((N + $(ls "$RUN"/mail/*.eml | wc -l))) messages at 320 and 375 px: .*, 0 do not\$" "$TMP/layout.txt"
finish
