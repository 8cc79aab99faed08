#!/usr/bin/env python3
"""Bounded-memory check: N concurrent sessions each send one large message (default 100 x 50 MB).

Usage: bench/large_concurrent.py [--port 2525] [--sessions 100] [--mb 50]
Start the gateway first with a small heap, e.g.
  SMTP_MAX_MESSAGE_SIZE=60000000 java -Xmx512m -jar target/mail-gateway.jar
Prints how many got 250 and the elapsed time. Load goes to 127.0.0.1 only.
"""
import argparse, socket, threading, time

def session(port, n, size, results):
    line = (b"0123456789" * 7 + b"abcdef")[:76] + b"\r\n"
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=600)
        f = s.makefile("rb")
        def reply():
            while True:
                l = f.readline()
                if l[3:4] != b"-":
                    return l
        reply()
        for cmd in (b"EHLO bench\r\n", b"MAIL FROM:<bench@example.org>\r\n", b"RCPT TO:<large%d@example.com>\r\n" % n, b"DATA\r\n"):
            s.sendall(cmd); reply()
        s.sendall(b"Subject: large %d\r\n\r\n" % n)
        block = line * 1000
        for _ in range(size // len(block)):
            s.sendall(block)
        s.sendall(b".\r\n")
        results[n] = reply().decode().strip()
        s.sendall(b"QUIT\r\n"); s.close()
    except Exception as e:
        results[n] = "error: %s" % e

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=2525)
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--mb", type=int, default=50)
    a = ap.parse_args()
    results = {}
    start = time.time()
    threads = [threading.Thread(target=session, args=(a.port, i, a.mb * 1000 * 1000, results)) for i in range(a.sessions)]
    for t in threads: t.start()
    for t in threads: t.join()
    ok = sum(1 for r in results.values() if r.startswith("250"))
    print("accepted %d of %d messages of %d MB in %.1f s" % (ok, a.sessions, a.mb, time.time() - start))
    for r in sorted(set(r for r in results.values() if not r.startswith("250"))):
        print("  other reply:", r)

if __name__ == "__main__":
    main()
