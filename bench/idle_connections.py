#!/usr/bin/env python3
"""Opens N SMTP sessions to the gateway, reads each 220 greeting, then holds them all idle for
HOLD seconds while sampling the gateway's RSS (/proc/PID/status VmRSS) once a second.

  idle_connections.py --pid PID [--port 2525] [--connections 10000] [--hold 30]

Connections come from 127.0.0.1 (loopback is exempt from MAX_CONNECTIONS_PER_IP by default);
start the gateway with MAX_CONNECTIONS above N and an open-files limit above N (ulimit -n) for
both it and this script. Prints one line: connections greeted, refused, RSS before, largest
RSS while held, and RSS per connection.
"""
import argparse
import resource
import selectors
import socket
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=2525)
    p.add_argument("--connections", type=int, default=10000)
    p.add_argument("--hold", type=int, default=30)
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, a.connections + 100), hard))

    before = rss_kib(a.pid)
    sel = selectors.DefaultSelector()
    socks, greeted, refused, failed = [], 0, 0, 0
    deadline = time.time() + 120
    for i in range(a.connections):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((a.host, a.port))
        sel.register(s, selectors.EVENT_READ)
        socks.append(s)
        if i % 200 == 199:  # read greetings as we go, so the listen backlog never overflows
            for key, _ in sel.select(timeout=0.05):
                greeted, refused, failed = read_greeting(sel, key.fileobj, greeted, refused, failed)
    while greeted + refused + failed < len(socks) and time.time() < deadline:
        for key, _ in sel.select(timeout=1):
            greeted, refused, failed = read_greeting(sel, key.fileobj, greeted, refused, failed)

    peak = rss_kib(a.pid)
    for _ in range(a.hold):
        time.sleep(1)
        peak = max(peak, rss_kib(a.pid))
    for s in socks:
        s.close()
    per = (peak - before) / max(greeted, 1)
    print(f"connections={len(socks)} greeted={greeted} refused={refused} failed={failed} "
          f"rss_before_mib={before / 1024:.0f} rss_held_max_mib={peak / 1024:.0f} kib_per_connection={per:.1f}")
    return 0 if greeted == a.connections else 1


def read_greeting(sel, s, greeted, refused, failed):
    try:
        data = s.recv(512)
    except BlockingIOError:
        return greeted, refused, failed
    except OSError:
        data = b""
    sel.unregister(s)
    if data.startswith(b"220"):
        greeted += 1
    elif data[:1] == b"4":
        refused += 1
    else:
        failed += 1
    return greeted, refused, failed


if __name__ == "__main__":
    sys.exit(main())
