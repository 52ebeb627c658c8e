#!/bin/sh
# 30-report-pdf.sh - `convex report`: the deep-dive PDF of one pair.
# PDF/A-1b validity (PDFBox Preflight), byte-identical output under
# SOURCE_DATE_EPOCH, the printed numbers against `convex stats --json`,
# embedded subset fonts, nothing outside the margins with a 120-character
# name and a 63-character symbol, n/a for missing values, PNGs, errors.
. "$(dirname "$0")/../lib/assert.sh"
. "$(dirname "$0")/../lib/preflight.sh"
PY=/usr/bin/python3
SWX=$REPO/jobs/demo/prices/swx.csv
DOW=$REPO/jobs/demo/prices/dowjones30.csv
EPOCH=1700000000
unset SOURCE_DATE_EPOCH
# run_at EPOCH ARGS...: run_convex with SOURCE_DATE_EPOCH set for this run only
run_at() {
  _epoch=$1; shift
  env SOURCE_DATE_EPOCH="$_epoch" "$CONVEX" "$@" > "$TMP/.out" 2> "$TMP/.err"; rc=$?
  out=$(cat "$TMP/.out"); err=$(cat "$TMP/.err")
}

# --- deep dive, A4 and Letter, with long names --------------------------
run_at $EPOCH report --prices "$SWX" --pair SBI/SPI \
  --name "SBI=Swiss Bond Index" --name "SPI=Swiss Performance Index" --out "$TMP/a4"
expect_rc 0 "report SBI/SPI (A4) exits 0"
check "A4 PDF written" test -s "$TMP/a4/SBI-SPI.pdf"
expect_pdfa "$TMP/a4/SBI-SPI.pdf" "SBI/SPI A4 is valid PDF/A-1b"
check "A4 page size" sh -c "pdfinfo '$TMP/a4/SBI-SPI.pdf' | grep -q 'Page size: *595.276 x 841.89'"

run_at $EPOCH report --prices "$SWX" --pair SBI/SPI \
  --name "SBI=Swiss Bond Index" --paper letter --out "$TMP/letter"
expect_rc 0 "report SBI/SPI (Letter) exits 0"
expect_pdfa "$TMP/letter/SBI-SPI.pdf" "SBI/SPI Letter is valid PDF/A-1b"
check "Letter page size" sh -c "pdfinfo '$TMP/letter/SBI-SPI.pdf' | grep -q 'Page size: *612 x 792'"

run_at $EPOCH report --prices "$DOW" --pair KO/PG --out "$TMP/dow"
expect_rc 0 "report KO/PG (Dow) exits 0"
expect_pdfa "$TMP/dow/KO-PG.pdf" "KO/PG is valid PDF/A-1b"
check "no temporary file left beside the PDF" \
  sh -c "[ \"\$(ls '$TMP/dow')\" = KO-PG.pdf ]"

# --- reproducible ----------------------------------------------------------
run_at $EPOCH report --prices "$SWX" --pair SBI/SPI \
  --name "SBI=Swiss Bond Index" --name "SPI=Swiss Performance Index" --out "$TMP/again"
check "same inputs and SOURCE_DATE_EPOCH give identical bytes" \
  cmp -s "$TMP/a4/SBI-SPI.pdf" "$TMP/again/SBI-SPI.pdf"
check "SOURCE_DATE_EPOCH is the creation date" \
  sh -c "pdfinfo -isodates '$TMP/a4/SBI-SPI.pdf' | grep -q 'CreationDate: *2023-11-14T22:13:20'"
check "the XMP packet carries the same date" \
  sh -c "pdfinfo -meta '$TMP/a4/SBI-SPI.pdf' | grep -q '<xmp:CreateDate>2023-11-14T22:13:20+00:00</xmp:CreateDate>'"
run_at $((EPOCH + 1)) report --prices "$SWX" --pair SBI/SPI \
  --name "SBI=Swiss Bond Index" --name "SPI=Swiss Performance Index" --out "$TMP/later"
check "another SOURCE_DATE_EPOCH gives another /ID" sh -c "
  a=\$(grep -a '/ID \\[' '$TMP/a4/SBI-SPI.pdf'); b=\$(grep -a '/ID \\[' '$TMP/later/SBI-SPI.pdf')
  [ -n \"\$a\" ] && [ \"\$a\" != \"\$b\" ]"
( "$CONVEX" report --prices "$SWX" --pair SBI/SPI --out "$TMP/now" )
check "without SOURCE_DATE_EPOCH the creation date is now" $PY -c "
import subprocess, sys, datetime
out = subprocess.run(['pdfinfo', '-isodates', '$TMP/now/SBI-SPI.pdf'], capture_output=True, text=True).stdout
d = [l.split(None, 1)[1].strip() for l in out.splitlines() if l.startswith('CreationDate:')][0]
t = datetime.datetime.fromisoformat(d.replace('Z', '+00:00'))
age = abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())
sys.exit(0 if age < 300 else 1)"
run_at yesterday report --prices "$SWX" --pair SBI/SPI --out "$TMP/bad"
expect_rc 64 "a malformed SOURCE_DATE_EPOCH is a usage error"
check "and writes no PDF" test ! -e "$TMP/bad/SBI-SPI.pdf"

# --- the numbers of convex stats --json, as printed -------------------------
"$CONVEX" stats --prices "$SWX" --pair SBI/SPI --json > "$TMP/sbi.json"
pdftotext -layout "$TMP/a4/SBI-SPI.pdf" "$TMP/sbi.txt"
"$CONVEX" stats --prices "$DOW" --pair KO/PG --json > "$TMP/ko.json"
pdftotext -layout "$TMP/dow/KO-PG.pdf" "$TMP/ko.txt"
cat > "$TMP/numbers.py" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); text = ' '.join(open(sys.argv[2]).read().split())
want = []
def r3(v): return '%+.3f' % v
for w in ('30d', '90d', '1y', '5y'):
    want.append(r3(s['corr'][w]))
    lo, hi = s['ci95'][w]
    want.append('95%% CI %+.2f to %+.2f' % (lo, hi))
    want.append(s['labels'][w])
o = s['one_year']
want += [r3(o['r']), '%.3f' % o['r2'], '%.3f' % o['beta'],
         '%.2f%%' % (o['vol_a'] * 100), '%.2f%%' % (o['vol_b'] * 100)]
sh = s['shift']
want += ['%+.3f' % sh['delta'], 'z = %.2f' % sh['z'],
         ('p < 0.0001' if sh['p'] < 0.0001 else 'p = %.4f' % sh['p'])]
for y in s['years']:
    if y['r'] is not None: want.append(r3(y['r']))
for k in ('max', 'min'):
    want += [r3(s['rolling90'][k]['r']), 'ending ' + s['rolling90'][k]['end']]
want.append(' to %s (' % s['as_of'])   # the data window ends at as-of
missing = [w for w in want if w not in text]
if 'nan' in text.lower().split() or 'inf' in text.lower().split():  # words
    missing.append('no nan/inf')
for m in missing: print('missing in PDF text:', m)
sys.exit(1 if missing else 0)
EOF
check "SBI/SPI PDF prints the numbers of convex stats --json" $PY "$TMP/numbers.py" "$TMP/sbi.json" "$TMP/sbi.txt"
check "KO/PG PDF prints the numbers of convex stats --json" $PY "$TMP/numbers.py" "$TMP/ko.json" "$TMP/ko.txt"
check "subtitle names the aligned observations" grep -q '(1,304 aligned observations)' "$TMP/sbi.txt"
check "long names in the PDF" grep -q 'Swiss Bond Index vs Swiss Performance Index' "$TMP/sbi.txt"
check "footer numbers the pages" grep -q 'Page 1 of [0-9]' "$TMP/sbi.txt"
cat > "$TMP/outline.py" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
# PDF literal strings: octal (\050) and backslash (\() escapes
def unescape(t):
    t = re.sub(rb'\\([0-7]{1,3})', lambda m: bytes([int(m.group(1), 8)]), t)
    return re.sub(rb'\\(.)', rb'\1', t)
titles = set(unescape(t) for t in
             re.findall(rb'/Title \(((?:\\.|[^\\)])*)\)', d))
need = [b'What the number means', b'Recent vs long-run', b'Rolling correlation',
        b'Statistical details (1-year window)', b'Year-by-year correlation',
        b'Rolling 90-day extremes', b'Methodology']
sys.exit(0 if all(n in titles for n in need) else 1)
EOF
check "a bookmark per section" $PY "$TMP/outline.py" "$TMP/a4/SBI-SPI.pdf"

# --- fonts -------------------------------------------------------------------
check "every font embedded and subset" sh -c "
  pdffonts '$TMP/a4/SBI-SPI.pdf' | tail -n +3 > '$TMP/fonts'
  [ \$(wc -l < '$TMP/fonts') -ge 2 ] &&
  awk '{ if (\$(NF-4) != \"yes\" || \$(NF-3) != \"yes\") bad = 1 } END { exit bad }' '$TMP/fonts'"

# --- nothing outside the margins -----------------------------------------------
LONG="An Exceptionally Long Asset Name For Testing Layout Overflow In Titles Subtitles Tables And Running Heads Of Reports XYZ"
check "test name has 120 characters" [ ${#LONG} -eq 120 ]
SYM=ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJK
sed "1s/^date,SBI,/date,$SYM,/" "$SWX" > "$TMP/long.csv"
run_at $EPOCH report --prices "$TMP/long.csv" --pair "$SYM/SPI" \
  --name "$SYM=$LONG" --name "SPI=$LONG" --out "$TMP/long"
expect_rc 0 "report with a 63-character symbol and 120-character names"
expect_pdfa "$TMP/long/$SYM-SPI.pdf" "long-name PDF is valid PDF/A-1b"
pdftotext -bbox "$TMP/long/$SYM-SPI.pdf" "$TMP/long.html"
cat > "$TMP/bbox.py" <<'EOF'
import re, sys
html = open(sys.argv[1]).read(); margin = float(sys.argv[2]); bad = 0; n = 0
for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
    w, h = float(page.group(1)), float(page.group(2))
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page.group(3)):
        x0, y0, x1, y1 = map(float, m.groups()[:4]); n += 1
        if x0 < margin - 0.5 or x1 > w - margin + 0.5 or y0 < 20 or y1 > h - 20:
            print('outside the margins:', m.group(5), x0, y0, x1, y1); bad = 1
sys.exit(1 if bad or n < 100 else 0)
EOF
check "every word of the long-name PDF inside the margins" $PY "$TMP/bbox.py" "$TMP/long.html" 54
pdftotext -bbox "$TMP/letter/SBI-SPI.pdf" "$TMP/letter.html"
check "every word of the Letter PDF inside the margins" $PY "$TMP/bbox.py" "$TMP/letter.html" 54
check "the long name is wrapped, not lost" sh -c \
  "pdftotext '$TMP/long/$SYM-SPI.pdf' - | tr '\n' ' ' | grep -q 'Titles Subtitles Tables And Running Heads Of Reports XYZ vs An'"

# --- missing values print n/a --------------------------------------------------
run_at $EPOCH report --prices "$SWX" --pair SBI/SPI --as-of 2000-04-28 --out "$TMP/short"
expect_rc 0 "report on four months of data exits 0"
expect_pdfa "$TMP/short/SBI-SPI.pdf" "short-history PDF is valid PDF/A-1b"
pdftotext "$TMP/short/SBI-SPI.pdf" "$TMP/short.txt"
check "windows that are not full print n/a" grep -q 'n/a' "$TMP/short.txt"
check "no nan anywhere" sh -c "! grep -qiw -e nan -e inf '$TMP/short.txt'"

# --- PNGs ------------------------------------------------------------------------
run_convex report --prices "$SWX" --pair SBI/SPI --png --out "$TMP/png"
expect_rc 0 "report --png exits 0"
for k in rolling scatter years rolling@2x scatter@2x years@2x; do
  check "SBI-SPI-$k.png is a PNG" sh -c "head -c 8 '$TMP/png/SBI-SPI-$k.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
done

# --- errors ------------------------------------------------------------------------
run_convex report --prices "$SWX" --pair SBI/XYZ --out "$TMP/err"
expect_rc 66 "unknown symbol exits 66"
expect_err 'unknown symbol "XYZ"'
expect_one_line
run_convex report --prices "$SWX" --pair SBI/SPI
expect_rc 64 "missing --out exits 64"
run_convex report --prices "$SWX" --pair SBI/SPI --paper a3 --out "$TMP/err"
expect_rc 64 "--paper a3 exits 64"
expect_err '--paper "a3" is not a4 or letter'
: > "$TMP/file"
run_convex report --prices "$SWX" --pair SBI/SPI --out "$TMP/file"
expect_rc 73 "--out naming a file exits 73"

finish
