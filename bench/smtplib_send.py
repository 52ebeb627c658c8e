#!/usr/bin/python3
"""smtplib_send.py - the baseline of bench/smtp.sh: Python's smtplib sends
the .eml files of a directory over one STARTTLS connection with AUTH, one
message per recipient (its To address), and prints the seconds it took.

  smtplib_send.py HOST PORT CAFILE USER PASSWORD FROM DIR
"""
import email.parser, email.policy, email.utils, glob, smtplib, ssl, sys, time

host, port, cafile, user, password, sender, d = sys.argv[1:8]
files = sorted(glob.glob(d + '/*.eml'))
msgs = []
for f in files:
    raw = open(f, 'rb').read()
    hdr = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    msgs.append((email.utils.parseaddr(hdr['To'])[1], raw))
t0 = time.monotonic()
s = smtplib.SMTP(host, int(port), timeout=60)
s.starttls(context=ssl.create_default_context(cafile=cafile))
s.ehlo()
s.login(user, password)
for rcpt, raw in msgs:
    s.sendmail(sender, [rcpt], raw)
s.quit()
print('%.4f %d' % (time.monotonic() - t0, len(msgs)))
