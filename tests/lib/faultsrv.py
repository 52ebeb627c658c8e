#!/usr/bin/python3
"""faultsrv.py - a scripted HTTP server for the fetch tests: each path is
one misbehaviour of a price service.

    /usr/bin/python3 tests/lib/faultsrv.py DIR

Listens on 127.0.0.1 on a free port, writes the port to DIR/port when it is
ready and logs one line per request ("GET /path") to DIR/requests.log.
Paths (the last segment is ignored, so {symbol} can be anything):

    /ok/X          200, a good ohlc CSV (GOOD below)
    /flaky/X       500 on the first request for X, then 200 with GOOD
    /down/X        always 503
    /slow/X        200 with headers and part of the body, then waits SLOW_S
    /reset/X       closes the connection (RST) without an answer
    /html/X        200 with an HTML error page
    /truncated/X   200 with a body cut in the middle of its last line
    /shortrow/X    200 whose last row has fewer fields than the header
    /empty/X       200 with an empty body
    /other/X       200 with a wide CSV of another series (DGS2, not X)
    /negative/X    200 with a negative close
    /jump/X        200 with a close 1000 times the others
    /redirect/X    302 to itself, forever
    /big/X         200 with a body of BIG_BYTES (past the test's limit)
"""
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD = (b"Date,Open,High,Low,Close,Volume\r\n"
        b"2024-01-02,100,101,99,100.5,1000\r\n"
        b"2024-01-03,100.5,102,100,101.25,1200\r\n"
        b"2024-01-04,101,101.5,99.5,100.75,900\r\n")
SLOW_S = 30
BIG_BYTES = 4 << 20

counts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_body(self, status, body, ctype="text/csv"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with open(os.path.join(self.server.dir, "requests.log"), "a") as f:
            f.write("GET %s\n" % self.path)
        kind = self.path.strip("/").split("/")[0]
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            n = counts[self.path]
        handler = getattr(self, "do_" + kind, None)
        if handler is None:
            self.send_body(404, b"not found\n", "text/plain")
        else:
            handler(n)

    def do_ok(self, n):
        self.send_body(200, GOOD)

    def do_flaky(self, n):
        if n == 1:
            self.send_body(500, b"internal error\n", "text/plain")
        else:
            self.send_body(200, GOOD)

    def do_down(self, n):
        self.send_body(503, b"service unavailable\n", "text/plain")

    def do_slow(self, n):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(GOOD)))
        self.end_headers()
        self.wfile.write(GOOD[:40])
        self.wfile.flush()
        time.sleep(SLOW_S)

    def do_reset(self, n):
        # SO_LINGER with a zero timeout makes close() send a RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def do_html(self, n):
        self.send_body(200, b"<!DOCTYPE html>\n<html><body><h1>Exceeded the "
                       b"daily hits limit</h1></body></html>\n", "text/html")

    def do_truncated(self, n):
        self.send_body(200, GOOD[:-9])

    def do_shortrow(self, n):
        self.send_body(200, GOOD + b"2024-01-05,101,102\r\n")

    def do_empty(self, n):
        self.send_body(200, b"")

    def do_other(self, n):
        self.send_body(200, b"observation_date,DGS2\n2024-01-02,4.33\n")

    def do_negative(self, n):
        self.send_body(200, GOOD + b"2024-01-05,101,102,100,-5,800\r\n")

    def do_jump(self, n):
        self.send_body(200, GOOD + b"2024-01-05,101,102,100,100750,800\r\n")

    def do_redirect(self, n):
        self.send_response(302)
        self.send_header("Location", self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_big(self, n):
        row = b"2024-01-02,100,101,99,100.5,1000\r\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"Date,Open,High,Low,Close,Volume\r\n")
            for _ in range(BIG_BYTES // len(row) + 1):
                self.wfile.write(row)
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    d = sys.argv[1]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.dir = d
    tmp = os.path.join(d, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(d, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
