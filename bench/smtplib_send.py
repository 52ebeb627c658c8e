#!/usr/bin/python3
"""smtplib_send.py - the baseline of bench/smtp.sh: Python's smtplib sends
the .eml files of a directory over one STARTTLS connection with AUTH, one
message per recipient (its To address), and prints the seconds it took.

  smtplib_send.py [--nodelay] HOST PORT CAFILE USER PASSWORD FROM DIR

--nodelay sets TCP_NODELAY on smtplib's socket, as libcurl does by default.
Without it (smtplib as shipped, the issue's baseline) each message can wait
for the peer's delayed ACK (Nagle's algorithm): on the bench machine about
40 ms a message, idle. Both figures are printed, so neither flatters convex.
"""
import email.parser, email.policy, email.utils, glob, smtplib, socket, ssl, sys, time

args = sys.argv[1:]
nodelay = args[:1] == ['--nodelay']
if nodelay:
    args = args[1:]
host, port, cafile, user, password, sender, d = args[:7]
files = sorted(glob.glob(d + '/*.eml'))
msgs = []
for f in files:
    raw = open(f, 'rb').read()
    hdr = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    msgs.append((email.utils.parseaddr(hdr['To'])[1], raw))
t0 = time.monotonic()
s = smtplib.SMTP(host, int(port), timeout=60)
if nodelay:
    s.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.starttls(context=ssl.create_default_context(cafile=cafile))
s.ehlo()
s.login(user, password)
for rcpt, raw in msgs:
    s.sendmail(sender, [rcpt], raw)
s.quit()
print('%.4f %d' % (time.monotonic() - t0, len(msgs)))
