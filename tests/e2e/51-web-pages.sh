#!/bin/sh
# 51-web-pages.sh - the web edition of a run (docs/web.md): every page is
# strict HTML5 (html5lib, strict=True), every relative link resolves, no
# script, no subscriber data in the web root, a pair page with its charts
# weighs <= 150 KB and holds the deep dive's sections in the seed page's
# order with its figures (checked against pandas), the stable addresses,
# the latest pages follow the newest day only, and plurals are right.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/web.sh"

web_job "$TMP/j.xml" web 'signup-url="https://research.example.com/join?list=daily&amp;src=web"'
web_run "$TMP/j.xml" 2007-05-08
day=$ARCH/2007/05/08
page=$day/pairs/SBI-SPI.html

# ---- addresses
for f in index.html feed.xml matrix/index.html pairs/SBI-SPI/index.html pairs/LP25-SPI/index.html \
         symbols/SBI/index.html symbols/LP60/index.html 2007/05/08/index.html \
         2007/05/08/pairs/SBI-SPI.html 2007/05/08/pairs/LP60-SPI.html 2007/05/08/SBI-SPI.pdf \
         2007/05/08/digest.pdf; do
  check "address $f exists" test -s "$ARCH/$f"
done
check "a page per pair and day: 6 pairs" test "$(ls "$day/pairs" | wc -l)" -eq 6
check "a latest page per pair" test "$(ls -d "$ARCH"/pairs/*/ | wc -l)" -eq 6
check "a symbol page per symbol of a pair" test "$(ls -d "$ARCH"/symbols/*/ | wc -l)" -eq 6

# ---- conformance and links
check "every page is strict HTML5 with a title, lang and image alternatives" $WEB_CHECK html5 "$ARCH"
check "every relative link resolves to a file inside the site" $WEB_CHECK links "$ARCH"
check "no script, no event handler, no javascript: URL" $WEB_CHECK noscript "$ARCH"
check "a pair page weighs <= 150 KB with its charts" $WEB_CHECK weight "$page" 150000
check "no subscriber address, name or token in the web root" \
  $WEB_CHECK absent "$ARCH" ada@example.org bob@example.org carol@example.net dave@example.com \
  eve@example.com "Ada Lovelace" "Müller" "Ada again" "unsubscribe" "$CONVEX_TEST_SECRET"
check "the web root has no mail" sh -c "! find '$ARCH' -name '*.eml' | grep -q ."

# ---- the pair page: sections in order, figures, no empty field
$PY - "$page" "$REPO/jobs/demo/prices/swx.csv" > "$TMP/sections.txt" 2>&1 <<'PY'
import sys, re, html5lib, numpy as np, pandas as pd
doc = html5lib.parse(open(sys.argv[1], 'rb'), namespaceHTMLElements=False)
text = ' '.join(' '.join(doc.itertext()).split())
heads = [''.join(h.itertext()).strip() for h in doc.iter('h2')]
want = ['What the Number Means', 'Recent vs Long-Run Behavior', 'Statistical Details (1-Year Window)',
        'Year-by-Year Correlation', 'Rolling 90-Day Extremes', 'Methodology', 'Related Correlations',
        'More Comparisons', 'Disclaimer']
assert heads == want, heads
h1 = ''.join(doc.find('.//h1').itertext())
assert h1 == 'Swiss Bond Index (SBI) vs Swiss Performance Index (SPI): Correlation Analysis', h1
# The figures from an independent computation (pandas) on the sample prices.
p = pd.read_csv(sys.argv[2], parse_dates=['date']).set_index('date')
p = p[p.index <= '2007-05-08'][['SBI', 'SPI']].dropna()
r = np.log(p / p.shift(1)).dropna()
r = r[r.index > r.index[-1] - pd.DateOffset(years=5)]
def fmt(v): return ('%+.3f' % v).replace('-', '\u2212')
for n in (30, 90, 252):
    v = r.tail(n).corr().iloc[0, 1]
    assert fmt(v) in text, ('window', n, fmt(v))
for y, g in r.groupby(r.index.year):
    if len(g) >= 20:
        assert re.search(r'%d %s \w' % (y, re.escape(fmt(g.corr().iloc[0, 1]))), text), ('year', y)
one = r.tail(252)
vol = one.std()
assert '%.2f%%' % (vol['SBI'] * 100) in text and '%.2f%%' % (vol['SPI'] * 100) in text, 'volatility'
beta = np.polyfit(one['SPI'], one['SBI'], 1)[0]
assert ('%.3f' % beta).replace('-', '\u2212') in text, ('beta', beta)
first = p.index[p.index < r.index[0]][-1]
window = 'Data window %s to 2007-05-08 (%s aligned observations)' % (first.date(), format(len(r), ','))
assert window in text, window
for bad in ('NaN', 'Infinity', '()', ' to )', 'spans to'):
    assert bad not in text, bad
for td in doc.iter('td'):
    assert ''.join(td.itertext()).strip(), 'empty cell'
for s in doc.iter('span'):
    if s.get('class') in ('v', 's'):
        assert ''.join(s.itertext()).strip(), 'empty tile field'
print('sections ok')
PY
cat "$TMP/sections.txt"
check "pair page: the seed's sections in order, pandas' figures, no empty field" grep -qx "sections ok" "$TMP/sections.txt"
check "pair page: related correlations link to that day's pages" grep -q 'href="../pairs/SPI-SII.html"' "$page"
check "pair page: more comparisons link the symbols and the matrix" \
  sh -c "grep -q 'href=\"../../../../symbols/SBI/index.html\"' '$page' && grep -q 'href=\"../../../../matrix/index.html\"' '$page'"
check "pair page: the sign-up link of the job" grep -q 'href="https://research.example.com/join?list=daily&amp;src=web"' "$page"
check "pair page: the rolling chart's numbers as a table" grep -q '<th scope="col" class="n">90-day r</th>' "$page"
check "latest page: the dated page, its links resolved from the day (<base>)" \
  sh -c "grep -q '<head><base href=\"../../2007/05/08/pairs/\">' '$ARCH/pairs/SBI-SPI/index.html' && grep -q 'href=\"../pairs/SPI-SII.html\"' '$ARCH/pairs/SBI-SPI/index.html'"
check "matrix: a cell of a watchlist pair links to its latest page" grep -q 'href="../pairs/SBI-SPI/index.html"' "$ARCH/matrix/index.html"
check "matrix: a colour scale" grep -q 'class="scale"' "$ARCH/matrix/index.html"
check "day page: the digest PDF and every pair page" \
  sh -c "grep -q 'href=\"digest.pdf\"' '$day/index.html' && test \$(grep -o 'href=\"pairs/[^\"]*.html\"' '$day/index.html' | sort -u | wc -l) -eq 6"
check "index: one edition, singular" grep -q '>1 edition, newest first' "$ARCH/index.html"

# ---- an older day published later: its dated pages, the latest stay
cp "$ARCH/pairs/SBI-SPI/index.html" "$TMP/latest-before.html"
web_run "$TMP/j.xml" 2007-04-30
check "older day: its dated pages" test -s "$ARCH/2007/04/30/pairs/SBI-SPI.html"
check "older day: the latest page still shows the newest day" cmp -s "$ARCH/pairs/SBI-SPI/index.html" "$TMP/latest-before.html"
check "older day: the 8 May pages are untouched" grep -q '2007-05-08' "$ARCH/2007/05/08/pairs/SBI-SPI.html"
check "index: two editions, newest first" \
  sh -c "grep -q '>2 editions, newest first' '$ARCH/index.html' && grep -o '2007/0[45]/[0-9]*/index.html' '$ARCH/index.html' | head -1 | grep -q 2007/05/08"
check "still strict HTML5 with both days" $WEB_CHECK html5 "$ARCH"
check "still every link resolves with both days" $WEB_CHECK links "$ARCH"
check "every page declares UTF-8 exactly once" sh -c "for f in \$(find '$ARCH' -name '*.html'); do test \$(grep -o 'charset=UTF-8' \$f | wc -l) -eq 1 || exit 1; done"

# ---- a watchlist of several chunks (site.c makes the pair pages 48 to a
# transformation, spread over the threads): 15 Dow stocks, 105 pairs, the
# same site on one thread and on three, every page its own pair's.
{
  echo '<?xml version="1.0" encoding="UTF-8"?><job name="dow15" title="Dow 15"><assets>'
  for s in AA AXP T BA CAT C KO DD EK XOM GE GM HWP HD HON; do echo "<asset symbol=\"$s\" name=\"$s Inc\" group=\"dow\"/>"; done
  echo "</assets><prices><file path=\"$REPO/jobs/demo/prices/dowjones30.csv\" layout=\"wide\"/></prices>"
  echo '<watchlist><within group="dow"/></watchlist><outputs dir="out" archive="archive"/></job>'
} > "$TMP/dow15.xml"
for j in 1 3; do
  run_convex run "$TMP/dow15.xml" --no-mail -j $j --out "$TMP/dow15-$j"
  expect_rc 0 "105 pairs on $j thread(s)"
done
d1=$(ls -d "$TMP"/dow15-1/archive/????/??/??); d3=$(ls -d "$TMP"/dow15-3/archive/????/??/??)
check "105 dated pair pages" test "$(ls "$d1/pairs" | wc -l)" -eq 105
check "one thread or three: the same pages, byte for byte" diff -r "$d1/pairs" "$d3/pairs"
check "each page is its own pair's (title), all 105" $PY - "$d3/pairs" <<'PY'
import os, sys, html5lib
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    a, b = f[:-len('.html')].split('-')
    doc = html5lib.parse(open(os.path.join(d, f), 'rb'), namespaceHTMLElements=False)
    t = doc.find('.//title').text
    assert t.startswith('%s/%s correlation' % (a, b)), (f, t)
print(len(os.listdir(d)))
PY
# ---- pairs whose prices end before the report's date (the demo: the Dow
# stocks end on 2 Jan 2001, the report is of 8 May 2007): each says so on
# the day page and on its own page; the others do not.
run_convex run jobs/demo.xml --no-mail --out "$TMP/demo"
expect_rc 0 "the demo job publishes"
check "stale pairs say their own date, fresh ones do not" $PY - "$TMP/demo/archive/2007/05/08" <<'PY'
import datetime, os, sys, html5lib, xml.etree.ElementTree as ET
d = sys.argv[1]
rep = ET.parse(os.path.join(d, 'report.xml')).getroot()
day = html5lib.parse(open(os.path.join(d, 'index.html'), 'rb'), namespaceHTMLElements=False)
rows = {}
for tr in day.find('.//h2[@id="pairs"]/..').iter('tr'):
    a = tr.find('.//a')
    if a is not None and a.get('href', '').startswith('pairs/'):
        rows[a.get('href')[6:-5]] = ' '.join(' '.join(tr.itertext()).split())
stale = 0
for p in rep.find('pairs'):
    t = datetime.date.fromisoformat(p.get('as-of'))
    note = 'prices to %d %s %d' % (t.day, t.strftime('%b'), t.year)
    page = ' '.join(' '.join(html5lib.parse(open(os.path.join(d, 'pairs', p.get('id') + '.html'), 'rb'),
                                            namespaceHTMLElements=False).itertext()).split())
    if p.get('as-of') != rep.get('as-of'):
        stale += 1
        assert note in rows[p.get('id')], (p.get('id'), rows[p.get('id')])
        assert 'The prices of this pair end on %d %s %d' % (t.day, t.strftime('%b'), t.year) in page, p.get('id')
    else:
        assert 'prices to' not in rows[p.get('id')] and 'The prices of this pair end' not in page, p.get('id')
assert stale > 0, 'the demo has stale pairs'
print('stale', stale, 'of', len(rows))
PY
check "the demo's site is strict HTML5" $WEB_CHECK html5 "$TMP/demo/archive"
finish
