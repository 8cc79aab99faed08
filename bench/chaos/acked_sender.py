#!/usr/bin/env python3
"""SMTP sender that writes down what the server promised, for the fault scripts (stdlib only).

CONNECTIONS sessions send numbered messages to 127.0.0.1:PORT until SIGTERM/SIGINT (each
session then finishes its transaction and quits), --seconds pass or --messages transactions
have been started (each ends in one line of the log). A session that loses its
connection (the gateway was killed) reconnects every 0.2 s. Every message carries
"Message-ID: <chaos-RUN-SEQ@bench.test>" and "Subject: chaos RUN SEQ", so check_stored.py can
find it in a store whatever queue ID it got.

One line per message, flushed at once, in --log:
  EPOCH_SECONDS SEQ CODE QUEUE_ID STATUS STAGE
CODE is the final reply: 250 with QUEUE_ID from "queued as ID"; a 4xx/5xx refusal with QUEUE_ID
"-"; or "lost" when the connection broke after the final dot and before a reply (the client
cannot know: neither a promise nor a refusal). STATUS is the enhanced status code of the reply
("-" if none), STAGE the command it answered: MAIL, RCPT, DATA or EOD (end of data).

Usage: acked_sender.py --port P --log FILE [--connections 20] [--size 1024] [--run-id ID]
                       [--source 127.0.0.1] [--seconds 0 (until signalled)] [--messages 0 (no cap)]
                       [--rcpt user@example.com[,other@relay.test...]]
"""
import argparse
import asyncio
import re
import signal
import sys
import time

QUEUED = re.compile(rb"queued as ([A-Za-z0-9]+)")
ENHANCED = re.compile(rb"^\d{3}[ -](\d\.\d{1,3}\.\d{1,3}) ")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--size", type=int, default=1024)
    p.add_argument("--run-id", default=str(int(time.time())))
    p.add_argument("--source", default="127.0.0.1", help="loopback address to send from")
    p.add_argument("--rcpt", default="user@example.com", help="recipient; several, comma-separated, are one RCPT each")
    p.add_argument("--seconds", type=float, default=0)
    p.add_argument("--messages", type=int, default=0, help="stop after this many transactions (0: no cap)")
    return p.parse_args()


def body(run, seq, size):
    head = (f"From: <chaos@example.org>\r\nTo: <user@example.com>\r\nSubject: chaos {run} {seq}\r\n"
            f"Message-ID: <chaos-{run}-{seq}@bench.test>\r\n\r\n").encode()
    line = b"y" * 76 + b"\r\n"
    pad = line * max(0, (size - len(head)) // len(line))
    return head + pad + b".\r\n"


async def reply(reader):
    """One SMTP reply, possibly multi-line: (code, last line)."""
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("closed")
        if line[3:4] != b"-":
            return int(line[:3]), line


class Sender:
    def __init__(self, a):
        self.a, self.seq, self.stop = a, 0, False
        self.log = open(a.log, "a", buffering=1)
        self.counts = {}

    def record(self, seq, code, qid="-", line=b"", stage="EOD"):
        m = ENHANCED.search(line)
        status = m.group(1).decode() if m else "-"
        self.log.write(f"{time.time():.3f} {seq} {code} {qid} {status} {stage}\n")
        self.counts[code] = self.counts.get(code, 0) + 1

    async def transaction(self, reader, writer):
        seq = self.seq
        self.seq += 1
        if self.a.messages and self.seq >= self.a.messages:
            self.stop = True
        rcpts = [f"RCPT TO:<{r.strip()}>" for r in self.a.rcpt.split(",") if r.strip()]
        for cmd in ("MAIL FROM:<chaos@example.org>", *rcpts, "DATA"):
            writer.write(cmd.encode() + b"\r\n")
            code, line = await reply(reader)
            if code >= 400:
                self.record(seq, code, line=line, stage=cmd.split(":")[0].split()[0])
                writer.write(b"RSET\r\n")
                await reply(reader)
                return
        writer.write(body(self.a.run_id, seq, self.a.size))
        try:
            code, line = await reply(reader)
        except (ConnectionError, OSError):
            self.record(seq, "lost")
            raise
        m = QUEUED.search(line)
        self.record(seq, code, m.group(1).decode() if code == 250 and m else "-", line)

    async def session(self):
        while not self.stop:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.a.port, local_addr=(self.a.source, 0))
            except OSError:
                await asyncio.sleep(0.2)
                continue
            try:
                code, _ = await reply(reader)
                if code != 220:
                    raise ConnectionError(f"greeting {code}")
                writer.write(b"EHLO chaos.test\r\n")
                await reply(reader)
                while not self.stop:
                    await self.transaction(reader, writer)
                writer.write(b"QUIT\r\n")
                await reply(reader)
            except (ConnectionError, OSError, ValueError):
                await asyncio.sleep(0.2)
            finally:
                writer.close()

    async def run(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.halt)
        if self.a.seconds:
            loop.call_later(self.a.seconds, self.halt)
        await asyncio.gather(*(self.session() for _ in range(self.a.connections)))
        print("sender: " + " ".join(f"{k}={v}" for k, v in sorted(self.counts.items(), key=str)), file=sys.stderr)

    def halt(self):
        self.stop = True


if __name__ == "__main__":
    asyncio.run(Sender(parse_args()).run())
