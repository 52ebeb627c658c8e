#!/usr/bin/python3
"""check_mail.py - check digest messages with an independent MIME parser.

  check_mail.py --report RUNDIR [--rcpt ADDR] FILE.eml...

For every message (Python's email package, policy=default):
 - headers: From, To, Subject, Date, Message-ID (on the From domain),
   MIME-Version 1.0, List-Unsubscribe with an https URL and a mailto,
   List-Unsubscribe-Post: List-Unsubscribe=One-Click; no header holds a
   raw CR/LF after unfolding;
 - structure: multipart/alternative [text/plain QP, multipart/related
   [text/html QP, image/png base64 ...]];
 - the HTML: no <script, no data: URI, no remote image; every cid: has
   its part and every part is referenced; every <img> has alt text;
 - the PNGs decode: signature, IHDR first with a non-zero size, CRCs;
 - the text part carries the numbers of the report: for each featured
   shift, its 90-day r, 5-year r, change and baseline as +0.00 and z as +0.0, read
   from RUNDIR/report.json (or RUNDIR/report.xml when there is none) and
   formatted here, not by convex.
Prints one line per problem and exits 1 when there was any.
"""
import argparse, email, json, os, re, struct, sys, zlib
import xml.etree.ElementTree as ET
from email import policy

problems = []


def bad(f, msg):
    problems.append('%s: %s' % (f, msg))


def report_shifts(rundir):
    """[(a, b, r90, r5y, delta, baseline, z)] of the featured shifts."""
    js = os.path.join(rundir, 'report.json')
    if os.path.exists(js):
        doc = json.load(open(js))
        r = doc['ranking']
        r5y = {p['id']: p['stats']['corr']['5y'] for p in doc['pairs']}
        return [(s['a'], s['b'], s['r90'], r5y[s['pair']], s['delta'], s['baseline'], s['z'])
                for s in r['shifts'][:r['top']]]
    root = ET.parse(os.path.join(rundir, 'report.xml')).getroot()
    rk = root.find('ranking')
    r5y = {}
    for p in root.find('pairs').findall('pair'):
        w = [w for w in p.findall('window') if w.get('key') == '5y']
        r5y[p.get('id')] = float(w[0].get('r')) if w and w[0].get('r') is not None else None
    out = []
    for s in rk.findall('shift')[:int(rk.get('top'))]:
        num = lambda k: float(s.get(k)) if s.get(k) is not None else None
        out.append((s.get('a'), s.get('b'), num('r90'), r5y.get(s.get('pair')), num('delta'),
                    num('baseline'), num('z')))
    return out


def check_png(f, name, data):
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        return bad(f, '%s: no PNG signature' % name)
    pos, first = 8, True
    while pos < len(data):
        if pos + 8 > len(data):
            return bad(f, '%s: truncated chunk' % name)
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0]
        if zlib.crc32(typ + body) & 0xffffffff != crc:
            return bad(f, '%s: bad CRC in %s' % (name, typ))
        if first:
            if typ != b'IHDR':
                return bad(f, '%s: first chunk is %s, not IHDR' % (name, typ))
            w, h = struct.unpack('>II', body[:8])
            if w == 0 or h == 0:
                bad(f, '%s: empty image %dx%d' % (name, w, h))
            first = False
        if typ == b'IEND':
            return
        pos += 12 + n
    bad(f, '%s: no IEND' % name)


def fmt(v, digits):
    return 'n/a' if v is None else '%+.*f' % (digits, v)


def check(f, rundir, rcpt):
    raw = open(f, 'rb').read()
    if b'\n' in raw.replace(b'\r\n', b''):
        bad(f, 'bare LF line end')
    m = email.message_from_bytes(raw, policy=policy.default)
    for h in ('From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version',
              'List-Unsubscribe', 'List-Unsubscribe-Post'):
        if len(m.get_all(h) or []) != 1:
            bad(f, 'header %s appears %d times' % (h, len(m.get_all(h) or [])))
    if problems:
        return
    frm = m['From'].addresses[0].addr_spec
    to = m['To'].addresses
    if len(to) != 1 or (rcpt and to[0].addr_spec.lower() != rcpt.lower()):
        bad(f, 'To is %s' % m['To'])
    if not re.fullmatch(r'<[^<>@\s]+@' + re.escape(frm.split('@')[1]) + '>', m['Message-ID'].strip()):
        bad(f, 'Message-ID %s is not on the sender domain' % m['Message-ID'])
    if m['MIME-Version'].strip() != '1.0':
        bad(f, 'MIME-Version %s' % m['MIME-Version'])
    lu = str(m['List-Unsubscribe'])
    if not re.search(r'<https://[^>]+token=v1\.[A-Za-z0-9_-]{1,32}\.[0-9a-f]{64}>', lu) or '<mailto:' not in lu:
        bad(f, 'List-Unsubscribe lacks the https URL with token or the mailto: %s' % lu)
    if str(m['List-Unsubscribe-Post']).strip() != 'List-Unsubscribe=One-Click':
        bad(f, 'List-Unsubscribe-Post is %s' % m['List-Unsubscribe-Post'])
    for k, v in m.items():
        if '\r' in str(v) or '\n' in str(v):
            bad(f, 'header %s holds a line break after unfolding' % k)

    if m.get_content_type() != 'multipart/alternative':
        return bad(f, 'top part is %s' % m.get_content_type())
    parts = m.get_payload()
    if [p.get_content_type() for p in parts] != ['text/plain', 'multipart/related']:
        return bad(f, 'alternative holds %s' % [p.get_content_type() for p in parts])
    text, rel = parts
    if text['Content-Transfer-Encoding'] != 'quoted-printable':
        bad(f, 'text part is %s' % text['Content-Transfer-Encoding'])
    rparts = rel.get_payload()
    html = rparts[0]
    if html.get_content_type() != 'text/html' or html['Content-Transfer-Encoding'] != 'quoted-printable':
        return bad(f, 'related starts with %s %s' % (html.get_content_type(), html['Content-Transfer-Encoding']))
    body = html.get_content()
    if re.search(r'<script', body, re.I):
        bad(f, 'HTML holds a script')
    if 'data:' in body:
        bad(f, 'HTML holds a data: URI')
    imgs = re.findall(r'<img\b[^>]*>', body, re.I)
    for tag in imgs:
        src = re.search(r'src="([^"]*)"', tag)
        if not src or not src.group(1).startswith('cid:'):
            bad(f, 'image not by cid: %s' % tag[:80])
        alt = re.search(r'alt="([^"]*)"', tag)
        if not alt or not alt.group(1).strip():
            bad(f, 'image without alt text: %s' % tag[:80])
    cids = set(re.findall(r'cid:([^"\'\s)>]+)', body))
    have = {}
    for p in rparts[1:]:
        if p.get_content_type() != 'image/png' or p['Content-Transfer-Encoding'] != 'base64':
            bad(f, 'related part %s %s' % (p.get_content_type(), p['Content-Transfer-Encoding']))
            continue
        cid = str(p['Content-ID']).strip().strip('<>')
        have[cid] = p.get_payload(decode=True)
    if cids != set(have):
        bad(f, 'cid: references %s but parts %s' % (sorted(cids), sorted(have)))
    for cid, data in have.items():
        check_png(f, cid, data)

    txt = text.get_content()
    for a, b, r90, r5y, delta, base, z in report_shifts(rundir):
        want = '%s/%s' % (a, b)
        line = '90-day %s  5-year %s  change vs 5-year %s  baseline %s  z %s' % (
            fmt(r90, 2), fmt(r5y, 2), fmt(delta, 2), fmt(base, 2), fmt(z, 1))
        if want not in txt or line not in txt:
            bad(f, 'text part lacks "%s" for %s' % (line, want))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--report', required=True)
    ap.add_argument('--rcpt')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    for f in a.files:
        check(f, a.report, a.rcpt)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
