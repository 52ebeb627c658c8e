#!/usr/bin/python3
"""names_check.py - one name per quantity in what readers see.

  names_check.py RUN-OUT-DIR DIGEST-TITLE JOB-TITLE

RUN-OUT-DIR is a `convex run --out` directory (the run's day folder with
pdf/ and mail/, and archive/ with the web edition). Collects the text a
reader sees: the PDFs (pdftotext), each email's subject, HTML (tags, style
and head dropped, image alt texts kept) and text parts, and every web page;
then fails (exit 1, one line per finding) when:
  - a forbidden synonym of the change vs 5-year (90-day minus 5-year r) or
    of the shift vs baseline (90-day minus the baseline the z test uses)
    appears: delta, "vs base", "vs 5Y", "90d - 5y", "Difference", a label
    "Change" or "change" not followed by "vs 5-year", "Shift" before a
    number, "Last 90 days", window names as 5Y or 90D (they are 5-year,
    90-day);
  - a kind of output (deep-dive PDF, digest PDF, email HTML, email text,
    web pair page) lacks "change vs 5-year", or the digest PDF and the
    deep-dive methodology lack "shift vs baseline";
  - an email does not carry the digest title, or carries the job title.
"""
import email, email.policy, glob, html, os, re, subprocess, sys

FORBIDDEN = [
    (r'\bdelta\b', re.I),
    (r'\bvs\.? base(?!line)', re.I),
    (r'\bvs 5Y\b', 0),
    (r'90d\s*[-\u2212]\s*5y', re.I),
    (r'\bDifference\b', 0),
    (r'\b(Change|CHANGE)\b(?!\s+(vs|VS)\s+5-(year|YEAR))', 0),
    (r'\bchange\s+[-+\u2212]?\d', 0),
    (r'\b(Shift|SHIFT)\s+[-+\u2212]?\d', 0),
    (r'\b(Last 90 days|LAST 90 DAYS)\b', 0),
    (r'\b(5Y|90D|1Y|30D)\b', 0),
]


def visible_html(h):
    h = re.sub(r'(?is)<(style|head|script)\b.*?</\1>', ' ', h)
    h = re.sub(r'(?i)\balt="([^"]*)"', lambda m: '>' + m.group(1) + '<', h)
    return norm(html.unescape(re.sub(r'<[^>]+>', ' ', h)))


def norm(t):
    return ' '.join(t.split())


def collect(out):
    texts = {}
    day = sorted(glob.glob(os.path.join(out, '????-??-??')))[-1]
    for p in sorted(glob.glob(os.path.join(day, 'pdf', '*.pdf'))):
        kind = 'digest PDF' if p.endswith('/digest.pdf') else 'deep-dive PDF'
        t = subprocess.run(['pdftotext', p, '-'], capture_output=True, text=True, check=True).stdout
        texts[p] = (kind, norm(t))
    for p in sorted(glob.glob(os.path.join(day, 'mail', '*.eml'))):
        m = email.message_from_binary_file(open(p, 'rb'), policy=email.policy.default)
        texts[p + ' (subject)'] = ('email subject', norm(str(m['Subject'])))
        for part in m.walk():
            if part.get_content_type() == 'text/plain':
                texts[p + ' (text)'] = ('email text', norm(part.get_content()))
            elif part.get_content_type() == 'text/html':
                texts[p + ' (html)'] = ('email HTML', visible_html(part.get_content()))
    for p in sorted(glob.glob(os.path.join(out, 'archive', '**', '*.html'), recursive=True)):
        kind = 'web pair page' if '/pairs/' in p else 'web page'
        texts[p] = (kind, visible_html(open(p, encoding='utf-8').read()))
    return texts


def main():
    out, digest_title, job_title = sys.argv[1:4]
    texts = collect(out)
    bad = []
    for where, (kind, t) in texts.items():
        for pat, flags in FORBIDDEN:
            m = re.search(pat, t, flags)
            if m:
                s = max(0, m.start() - 40)
                bad.append('%s: forbidden name %r in "...%s..."' % (where, m.group(0), t[s:m.end() + 30]))
    kinds = {k for k, _ in texts.values()}
    for kind in ('deep-dive PDF', 'digest PDF', 'email HTML', 'email text', 'web pair page'):
        if kind not in kinds:
            bad.append('no %s in %s' % (kind, out))
            continue
        if not any(k == kind and 'change vs 5-year' in t.lower() for k, t in texts.values()):
            bad.append('no %s says "change vs 5-year"' % kind)
    for kind in ('digest PDF', 'deep-dive PDF'):
        if not any(k == kind and 'shift vs baseline' in t.lower() for k, t in texts.values()):
            bad.append('no %s says "shift vs baseline"' % kind)
    for where, (kind, t) in texts.items():
        if kind in ('email HTML', 'email text'):
            if digest_title not in t:
                bad.append('%s: the digest title "%s" is missing' % (where, digest_title))
            if job_title in t:
                bad.append('%s: the job title "%s" instead of the digest title' % (where, job_title))
    for b in bad:
        print(b)
    print('%d outputs looked at, %d findings' % (len(texts), len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
