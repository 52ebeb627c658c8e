#!/usr/bin/python3
"""deadrelay.py - a relay that is down in one of two ways, for the circuit
breaker tests (tests/e2e/53-mail-relay-down.sh).

  deadrelay.py --port N --mode 421|stall --dir DIR [--ready FILE]

Listens on 127.0.0.1:N. --mode 421 answers every connection with
"421 4.3.2 service not available" and closes it; --mode stall accepts the
connection and never says a word (a hung relay), keeping it open until the
client goes away. Each connection adds a line to DIR/.conns. Stop it with
SIGTERM.
"""
import argparse, os, signal, socket, sys, threading


def serve(conn, mode, stop):
    try:
        if mode == '421':
            conn.sendall(b'421 4.3.2 service not available\r\n')
        else:
            conn.settimeout(1.0)
            while not stop.is_set():
                try:
                    if conn.recv(4096) == b'':
                        break
                except socket.timeout:
                    continue
    except OSError:
        pass
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--mode', choices=['421', 'stall'], required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--ready')
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: (stop.set(), sys.exit(0)))
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', a.port))
    srv.listen(64)
    if a.ready:
        open(a.ready, 'w').close()
    while True:
        conn, _ = srv.accept()
        with open(os.path.join(a.dir, '.conns'), 'a') as f:
            f.write('1\n')
        threading.Thread(target=serve, args=(conn, a.mode, stop), daemon=True).start()


if __name__ == '__main__':
    main()
