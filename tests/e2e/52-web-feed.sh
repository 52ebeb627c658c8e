#!/bin/sh
# 52-web-feed.sh - the Atom feed of the web edition (docs/web.md), with and
# without public-url: feedparser reads it without complaint (bozo false),
# it is valid against RFC 4287's RELAX NG schema (Appendix B,
# tests/data/atom) plus the schema's two Schematron rules, its ids are tag:
# URIs from the job's domain and name, unique across jobs and days, the self
# link is absolute and only there with public-url, and updated is the run's
# time (ARCHIVE/YYYY/MM/DD/.created), not midnight.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/web.sh"

web_job "$TMP/pub.xml" pub 'public-url="https://research.example.com/archive"'
web_run "$TMP/pub.xml" 2007-05-07
web_run "$TMP/pub.xml" 2007-05-08
PUB=$ARCH
web_job "$TMP/priv.xml" priv
web_run "$TMP/priv.xml" 2007-05-08
PRIV=$ARCH

for a in "$PUB" "$PRIV"; do
  n=$(basename "$(dirname "$a")")
  check "$n: valid against the RFC 4287 schema" xmllint --noout --relaxng "$REPO/tests/data/atom/atom.rng" "$a/feed.xml"
done

$PY - "$PUB" "$PRIV" > "$TMP/feed.txt" 2>&1 <<'PY'
import sys, os, re, datetime, feedparser
from lxml import etree
A = '{http://www.w3.org/2005/Atom}'
def created(arch, date):
    t = int(open(os.path.join(arch, date.replace('-', '/'), '.created')).read().split()[0])
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
ids = []
for arch, job, domain, public in ((sys.argv[1], 'pub', 'research.example.com', True),
                                  (sys.argv[2], 'priv', 'mail.example.net', False)):
    path = os.path.join(arch, 'feed.xml')
    f = feedparser.parse(path)
    assert not f.bozo, (job, f.get('bozo_exception'))
    assert f.version == 'atom10', f.version
    x = etree.parse(path).getroot()
    # The schema's Schematron rules: a feed author, an alternate link per entry.
    assert x.find(A + 'author/' + A + 'name') is not None, 'feed author'
    entries = x.findall(A + 'entry')
    assert len(entries) == (2 if public else 1), len(entries)
    for e in entries:
        assert e.find(A + "link[@rel='alternate']") is not None, 'entry link'
    first = entries[-1].find(A + 'id').text.split(',')[1].split(':')[0]
    fid = x.find(A + 'id').text
    assert fid == 'tag:%s,%s:convex/%s' % (domain, first, job), fid
    self = x.findall(A + "link[@rel='self']")
    if public:
        assert len(self) == 1 and self[0].get('href') == 'https://research.example.com/archive/feed.xml', self
        assert f.feed.links[0].href.startswith('https://'), f.feed.links
    else:
        assert not self, 'self link without public-url'
    newest = None
    for e in entries:
        eid = e.find(A + 'id').text
        day = e.find(A + 'link').get('href')
        date = re.search(r'(\d{4})/(\d\d)/(\d\d)/index.html$', day).groups()
        date = '-'.join(date)
        assert eid == 'tag:%s,%s:convex/%s/%s' % (domain, date, job, date), eid
        assert re.fullmatch(r'tag:[a-z0-9.-]+,\d{4}-\d\d-\d\d:\S+', eid), eid
        if public:
            assert day == 'https://research.example.com/archive/%s/index.html' % date.replace('-', '/'), day
        else:
            assert day == '%s/index.html' % date.replace('-', '/'), day
            assert os.path.isfile(os.path.join(arch, day)), day
        up = e.find(A + 'updated').text
        assert up == created(arch, date), (up, created(arch, date))
        assert not up.endswith('T00:00:00Z') or created(arch, date).endswith('T00:00:00Z'), up
        newest = max(newest or up, up)
        ids.append(eid)
    assert x.find(A + 'updated').text == newest, 'feed updated'
    ids.append(fid)
assert len(ids) == len(set(ids)), ids
print('feed ok')
PY
cat "$TMP/feed.txt"
check "feedparser: bozo false; tag: ids; self link only with public-url; updated = run time; ids unique across jobs" grep -qx "feed ok" "$TMP/feed.txt"
check "pages announce the feed" grep -q 'type="application/atom+xml" href="../../../../feed.xml"' "$PUB/2007/05/08/pairs/SBI-SPI.html"

# The same job name on another domain (a From address only) differs too.
check "the domain comes from the From address without public-url" grep -q '<id>tag:mail.example.net,2007-05-08:convex/priv</id>' "$PRIV/feed.xml"
finish
