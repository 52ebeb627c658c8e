#!/usr/bin/python3
"""smtpd.py - a real SMTP server for the mail tests (aiosmtpd from Debian).

  smtpd.py --port N --dir DIR [--cert C --key K] [--auth USER:PASS]
           [--no-smtputf8] [--control FILE] [--ready FILE]

Listens on 127.0.0.1:N. With --cert/--key it offers STARTTLS and requires it
before MAIL; without them it offers no STARTTLS at all (the "server without
STARTTLS" case). With --auth it requires AUTH PLAIN or LOGIN with that user.
Its EHLO offers SMTPUTF8 (RFC 6531: non-ASCII addresses; aiosmtpd's
Controller default); with --no-smtputf8 it offers none and reads commands
as ASCII only. The MAIL FROM parameters of each message are stored in
DIR/NNNN.mailopts.
Every accepted message is stored raw (the bytes received, CRLF lines) as
DIR/NNNN.eml, written to a temporary name and renamed, so a file exists only
once the server has committed to the message, just before it answers 250.

The control file (JSON, re-read at every command, so a test can change the
behaviour of a running server) may hold:
  {"tempfail": ["a@x"],   answer 450 to RCPT for these recipients
   "permfail": ["b@x"],   answer 550 to RCPT for these
   "drop": ["c@x"],       close the connection after their DATA, no reply
   "slow": 0.5,           wait this many seconds before accepting each DATA;
                          DIR/.inflight-K is created when message K starts
                          waiting, and a client that went away meanwhile
                          gets nothing stored (as a real MTA would not queue)
   "fault": "mail-close", once "after" messages are stored (default 0), every
   "after": 2,            transaction meets this fault (tests/e2e/80-faults-smtp):
   "stall": 30}             mail-close, rcpt-close  close the connection instead
                                                    of answering MAIL / RCPT
                            data-mid-close          answer DATA with 354, read a
                                                    few lines of the message, close
                            mail-421, data-421      answer 421 and close (to MAIL,
                                                    or after the message's dot)
                            mail-stall              answer MAIL only after "stall"
                                                    seconds (past the client's timeout)
                          DIR/.faults counts the faults met, one line each.
--ready FILE is written once the server listens. Stop it with SIGTERM.
"""
import argparse, asyncio, json, os, signal, ssl, sys, threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def control(path):
    if not path or not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError:
        return {}


def fault_now(args, stage):
    """The fault of the control file when it is for `stage` and due."""
    c = control(args.control)
    f = c.get('fault', '')
    if f.rpartition('-')[0] != stage:
        return None
    stored = len([n for n in os.listdir(args.dir) if n.endswith('.eml')])
    if stored < int(c.get('after', 0)):
        return None
    with open(os.path.join(args.dir, '.faults'), 'a') as fh:
        fh.write(f + '\n')
    return f[len(stage) + 1:], c


class FaultSMTP(SMTP):
    """aiosmtpd's server with a fault in the middle of DATA."""
    def __init__(self, handler, args, **kw):
        super().__init__(handler, **kw)
        self.fault_args = args

    async def smtp_DATA(self, arg):
        got = fault_now(self.fault_args, 'data-mid') if self.envelope.rcpt_tos else None
        if got is None:
            return await super().smtp_DATA(arg)
        await self.push('354 End data with <CR><LF>.<CR><LF>')
        for _ in range(5):
            await self._reader.readuntil(b'\r\n')
        self.transport.close()


class FaultController(Controller):
    def __init__(self, handler, args, **kw):
        super().__init__(handler, **kw)
        self.fault_args = args

    def factory(self):
        return FaultSMTP(self.handler, self.fault_args, **self.SMTP_kwargs)


class Handler:
    def __init__(self, args):
        self.args = args
        self.seq = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # One line per EHLO: a connection with STARTTLS says EHLO twice.
        with open(os.path.join(self.args.dir, '.ehlo'), 'a') as f:
            f.write('%s %s\n' % (session.peer, server.transport.get_extra_info('sslcontext') is not None))
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        got = fault_now(self.args, 'mail')
        if got is not None:
            what, c = got
            if what == 'close':
                server.transport.close()
                return '421 closing'
            if what == '421':
                asyncio.get_event_loop().call_later(0.05, server.transport.close)
                return '421 4.3.2 service shutting down'
            if what == 'stall':
                await asyncio.sleep(float(c.get('stall', 30)))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return '250 OK'

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if fault_now(self.args, 'rcpt') is not None:
            server.transport.close()
            return '421 closing'
        c = control(self.args.control)
        if address.lower() in [a.lower() for a in c.get('tempfail', [])]:
            return '450 4.2.0 mailbox busy, try later'
        if address.lower() in [a.lower() for a in c.get('permfail', [])]:
            return '550 5.1.1 no such user'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        c = control(self.args.control)
        rcpts = [a.lower() for a in envelope.rcpt_tos]
        if any(a.lower() in rcpts for a in c.get('drop', [])):
            server.transport.close()
            return '421 closing'
        got = fault_now(self.args, 'data')
        if got is not None and got[0] == '421':
            asyncio.get_event_loop().call_later(0.05, server.transport.close)
            return '421 4.3.2 service shutting down'
        with self.lock:
            self.seq += 1
            k = self.seq
        slow = float(c.get('slow', 0))
        if slow > 0:
            open(os.path.join(self.args.dir, '.inflight-%d' % k), 'w').close()
            await asyncio.sleep(slow)
            if server.transport is None or server.transport.is_closing():
                return '421 client went away'
        name = os.path.join(self.args.dir, '%04d.eml' % k)
        with open(name + '.tmp', 'wb') as f:
            f.write(envelope.original_content)
        with open(name + '.rcpt', 'w') as f:
            f.write('\n'.join(envelope.rcpt_tos) + '\n')
        with open(name + '.mailopts', 'w') as f:
            f.write(' '.join(envelope.mail_options) + '\n')
        os.rename(name + '.tmp', name)
        return '250 2.0.0 queued as %04d' % k


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == user.encode() and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--cert')
    ap.add_argument('--key')
    ap.add_argument('--auth')
    ap.add_argument('--control')
    ap.add_argument('--no-smtputf8', dest='smtputf8', action='store_false')
    ap.add_argument('--ready')
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    kw = {}
    if args.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.cert, args.key)
        kw.update(tls_context=ctx, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(':', 1)
        kw.update(authenticator=authenticator(user, password), auth_required=True,
                  auth_require_tls=bool(args.cert))
    kw.update(enable_SMTPUTF8=args.smtputf8)
    ctl = FaultController(Handler(args), args, hostname='127.0.0.1', port=args.port,
                     server_hostname='localhost', ready_timeout=10, **kw)
    ctl.start()
    if args.ready:
        with open(args.ready, 'w') as f:
            f.write('%d\n' % os.getpid())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(0.5):
        pass
    ctl.stop()


if __name__ == '__main__':
    sys.exit(main())
