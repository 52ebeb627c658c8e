"""web_check.py - checks of a generated web edition (the 5x-web tests).

  web_check.py html5 ROOT           every *.html parses with html5lib strict
  web_check.py links ROOT           every relative href/src resolves to a file
  web_check.py noscript ROOT        no <script>, no on* attribute, no javascript:
  web_check.py weight PAGE MAX      PAGE plus the images it loads <= MAX bytes
  web_check.py absent ROOT WORD...  no file under ROOT contains any WORD
Prints one line per problem; exit status 1 when there is one.
"""
import os, sys, urllib.parse
import html5lib
from html5lib import treebuilders

def pages(root):
    for d, _, fs in os.walk(root):
        for f in sorted(fs):
            if f.endswith('.html'):
                yield os.path.join(d, f)

def parse(path):
    p = html5lib.HTMLParser(strict=True, tree=treebuilders.getTreeBuilder('etree'), namespaceHTMLElements=False)
    with open(path, 'rb') as f:
        return p.parse(f, transport_encoding='utf-8')

def base_dir(page, doc):
    """The directory relative links of `page` resolve against (<base href>)."""
    d = os.path.dirname(page)
    b = doc.find('.//base')
    if b is not None and b.get('href'):
        d = os.path.normpath(os.path.join(d, urllib.parse.unquote(b.get('href'))))
    return d

def refs(doc):
    for el in doc.iter():
        if el.tag == 'base':
            continue
        for a in ('href', 'src'):
            v = el.get(a)
            if v is not None:
                yield el.tag, a, v

def html5(root):
    bad = 0
    if not list(pages(root)):
        print('%s: no page' % root); return 1
    for p in pages(root):
        try:
            doc = parse(p)
        except Exception as e:
            print('%s: %s' % (p, e)); bad += 1; continue
        with open(p, encoding='utf-8') as f:
            if not f.read(15).lower().startswith('<!doctype html>'):
                print('%s: no <!DOCTYPE html>' % p); bad += 1
        if doc.find('.//title') is None or not (doc.find('.//title').text or '').strip():
            print('%s: no title' % p); bad += 1
        if doc.get('lang') is None:
            print('%s: no lang' % p); bad += 1
        for img in doc.iter('img'):
            if not (img.get('alt') or '').strip():
                print('%s: image without a text alternative: %s' % (p, img.get('src'))); bad += 1
    return bad

def links(root):
    bad = n = 0
    for p in pages(root):
        doc = parse(p)
        here = base_dir(p, doc)
        for tag, a, v in refs(doc):
            u = urllib.parse.urlsplit(v)
            if u.scheme or v.startswith('//') or v.startswith('#'):
                continue
            n += 1
            target = os.path.normpath(os.path.join(here, urllib.parse.unquote(u.path)))
            if not os.path.relpath(target, root).split(os.sep)[0] != '..':
                print('%s: %s="%s" leaves the site' % (p, a, v)); bad += 1
            elif os.path.isdir(target) or not os.path.isfile(target):
                print('%s: %s="%s" does not resolve to a file' % (p, a, v)); bad += 1
    print('%d relative links checked' % n, file=sys.stderr)
    if n == 0:
        print('%s: no relative link at all' % root); bad += 1
    return bad

def noscript(root):
    bad = 0
    for p in pages(root):
        doc = parse(p)
        for el in doc.iter():
            if el.tag in ('script', 'noscript', 'iframe', 'object', 'embed'):
                print('%s: <%s>' % (p, el.tag)); bad += 1
            for k, v in el.attrib.items():
                if k.lower().startswith('on') or 'javascript:' in v.lower():
                    print('%s: %s="%s"' % (p, k, v)); bad += 1
    return bad

def weight(page, limit):
    total = os.path.getsize(page)
    doc = parse(page)
    for tag, a, v in refs(doc):
        if tag == 'img' and a == 'src':
            total += os.path.getsize(os.path.join(base_dir(page, doc), v))
        if tag == 'link' and a == 'href' and v.endswith('.css'):
            total += os.path.getsize(os.path.join(base_dir(page, doc), v))
    print('%s: %d bytes with its images (limit %d)' % (page, total, limit), file=sys.stderr)
    return 0 if total <= limit else (print('%s: %d bytes > %d' % (page, total, limit)) or 1)

def absent(root, words):
    bad = 0
    for d, _, fs in os.walk(root):
        for f in fs:
            data = open(os.path.join(d, f), 'rb').read().lower()
            for w in words:
                if w.lower().encode() in data:
                    print('%s: contains %r' % (os.path.join(d, f), w)); bad += 1
    return bad

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'weight':
        bad = weight(sys.argv[2], int(sys.argv[3]))
    elif cmd == 'absent':
        bad = absent(sys.argv[2], sys.argv[3:])
    else:
        bad = {'html5': html5, 'links': links, 'noscript': noscript}[cmd](sys.argv[2])
    sys.exit(1 if bad else 0)
