#!/usr/bin/python3
"""check_archive.py - the mail archive is exact: manifest = archive = ledger.

  check_archive.py LEDGER MAILDIR

Every "sent" row of the ledger has its archived file MAILDIR/<local part of
the Message-ID>.eml whose SHA-256 (computed here, hashlib) is the one the
ledger recorded, and exactly one manifest.tsv line with that Message-ID,
file and SHA-256; no other .eml file and no other manifest line. Prints the
counts; exit status 1 with the first problems when they differ.
"""
import collections, glob, hashlib, os, sqlite3, sys

ledger, d = sys.argv[1:3]
rows = sqlite3.connect(ledger).execute(
    "select message_id, sha256 from delivery where status = 'sent'").fetchall()
sent = {mid: sha for mid, sha in rows}
files = {os.path.basename(f): hashlib.sha256(open(f, 'rb').read()).hexdigest()
         for f in glob.glob(os.path.join(d, '*.eml'))}
lines = []
path = os.path.join(d, 'manifest.tsv')
if os.path.exists(path):
    raw = open(path, 'rb').read().decode()
    if raw and not raw.endswith('\n'):
        lines.append(('torn', '', ''))
    for ln in raw.splitlines():
        f = ln.split('\t')
        lines.append((f[2].strip('<>'), f[3], f[4]) if len(f) >= 6 else ('bad line', ln, ''))
listed = collections.Counter(mid for mid, _, _ in lines)
bad = []
for mid, sha in sent.items():
    name = mid.split('@')[0] + '.eml'
    if files.get(name) != sha:
        bad.append('%s: archived copy %s' % (mid, 'missing' if name not in files else 'differs'))
    if listed[mid] != 1:
        bad.append('%s: listed %d times' % (mid, listed[mid]))
names = {mid.split('@')[0] + '.eml' for mid in sent}
bad += ['%s: archived but not sent' % f for f in files if f not in names]
bad += ['%s: listed but not sent' % mid for mid in listed if mid not in sent]
bad += ['%s: manifest says %s %s' % (mid, f, sha) for mid, f, sha in lines
        if mid in sent and (sent[mid] != sha or f != mid.split('@')[0] + '.eml')]
print('%d sent, %d archived, %d listed%s' % (len(sent), len(files), len(lines),
      '' if not bad else ': ' + '; '.join(bad[:5])))
sys.exit(1 if bad else 0)
