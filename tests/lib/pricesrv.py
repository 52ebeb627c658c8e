#!/usr/bin/python3
"""pricesrv.py - serve real price series in Stooq and FRED formats, with
faults switched on per name, for the plausibility tests.

    /usr/bin/python3 tests/lib/pricesrv.py DIR

Listens on 127.0.0.1 on a free port, writes it to DIR/port when ready and
logs "TIME GET /path" (TIME: monotonic seconds) per request to
DIR/requests.log. GET /ANY/NAME answers with the file DIR/bodies/NAME (the
test writes the exact body: a Stooq or FRED CSV, or a fault), as text/csv,
unless DIR/mode/NAME says otherwise:

    hang        accept and never answer (until the server ends)
    stall       the headers and the first half of the body, then nothing
                (until the server ends): a transfer in progress
    429 N       429 with "Retry-After: N" on every odd request, the body
                on every even one
    500         always 500
    gzip        the body as is, with Content-Encoding: gzip
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        d = self.server.dir
        name = self.path.split("?")[0].rstrip("/").split("/")[-1]
        with lock:
            counts[name] = counts.get(name, 0) + 1
            n = counts[name]
            with open(os.path.join(d, "requests.log"), "a") as f:
                f.write("%.3f GET %s\n" % (time.monotonic(), self.path))
        mode = ""
        mp = os.path.join(d, "mode", name)
        if os.path.exists(mp):
            with open(mp) as f:
                mode = f.read().split()
        try:
            with open(os.path.join(d, "bodies", name), "rb") as f:
                body = f.read()
        except OSError:
            self.answer(404, b"not found\n")
            return
        if mode and mode[0] == "hang":
            time.sleep(3600)
            return
        if mode and mode[0] == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            time.sleep(3600)
            return
        if mode and mode[0] == "429" and n % 2 == 1:
            self.answer(429, b"slow down\n", [("Retry-After", mode[1])])
            return
        if mode and mode[0] == "500":
            self.answer(500, b"oops\n")
            return
        if mode and mode[0] == "gzip":
            self.answer(200, body, [("Content-Encoding", "gzip")])
            return
        self.answer(200, body)


def main():
    d = sys.argv[1]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.dir = d
    os.makedirs(os.path.join(d, "bodies"), exist_ok=True)
    os.makedirs(os.path.join(d, "mode"), exist_ok=True)
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    srv.serve_forever()


main()
