#!/usr/bin/env python3
"""Abusive SMTP clients for slowloris.sh, all at once for --seconds (stdlib only, loopback only).

  --trickle N     N sessions that send "EHLO ...", then NOOPs, one byte a second (slowloris)
  --flood W       W workers that connect, read the greeting and hang up, as fast as they can
  --pipeline P    P sessions writing batches of 300 pipelined MAIL/RCPT/RSET lines without
                  waiting, draining replies on the side
  --bigdata MB    one session: MAIL FROM without SIZE=, RCPT, DATA, then MB megabytes of body
Sources: --sources K spreads the connections over 127.0.0.2 .. 127.0.0.(K+1), so per-address
limits see K clients (RATE_LIMIT_WHITELIST of the gateway should not cover them).
Prints one line per attack with what the server did (greetings by code, closes, replies).
"""
import argparse
import asyncio
import collections
import itertools
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--trickle", type=int, default=0)
    p.add_argument("--flood", type=int, default=0)
    p.add_argument("--pipeline", type=int, default=0)
    p.add_argument("--bigdata", type=int, default=0, help="megabytes")
    p.add_argument("--sources", type=int, default=50)
    return p.parse_args()


class Attack:
    def __init__(self, a):
        self.a = a
        self.end = time.monotonic() + a.seconds
        self.src = itertools.cycle([f"127.0.0.{i}" for i in range(2, 2 + a.sources)])
        self.stats = collections.defaultdict(collections.Counter)

    def live(self):
        return time.monotonic() < self.end

    async def connect(self):
        return await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", self.a.port, local_addr=(next(self.src), 0)), 10)

    async def greeting(self, reader, kind):
        line = await asyncio.wait_for(reader.readline(), 30)
        self.stats[kind]["greeting " + (line[:3].decode() if line else "none")] += 1
        return line.startswith(b"220")

    async def trickle(self):
        try:
            reader, writer = await self.connect()
        except (OSError, asyncio.TimeoutError):
            self.stats["trickle"]["connect failed"] += 1
            return
        try:
            if not await self.greeting(reader, "trickle"):
                return
            data = itertools.chain(b"EHLO slow.example\r\n", itertools.cycle(b"NOOP\r\n"))
            for byte in data:
                if not self.live():
                    self.stats["trickle"]["open at the end"] += 1
                    return
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1)
                if reader.at_eof():
                    break
            self.stats["trickle"]["closed by server"] += 1
        except (OSError, asyncio.TimeoutError):
            self.stats["trickle"]["closed by server"] += 1
        finally:
            writer.close()

    async def flood(self):
        while self.live():
            try:
                reader, writer = await self.connect()
                await self.greeting(reader, "flood")
                writer.close()
            except (OSError, asyncio.TimeoutError):
                self.stats["flood"]["connect failed"] += 1
                await asyncio.sleep(0.05)

    async def pipeline(self):
        batch = b"MAIL FROM:<p@example.org>\r\nRCPT TO:<user@example.com>\r\nRSET\r\n" * 100
        while self.live():
            try:
                reader, writer = await self.connect()
                if not await self.greeting(reader, "pipeline"):
                    writer.close()
                    await asyncio.sleep(0.5)
                    continue
                drain = asyncio.create_task(self.count_replies(reader))
                while self.live() and not drain.done():
                    writer.write(batch)
                    await asyncio.wait_for(writer.drain(), 30)
                    self.stats["pipeline"]["commands sent"] += 300
                drain.cancel()
                writer.close()
            except (OSError, asyncio.TimeoutError):
                self.stats["pipeline"]["write failed"] += 1
                await asyncio.sleep(0.5)

    async def count_replies(self, reader):
        try:
            while line := await reader.readline():
                self.stats["pipeline"]["reply " + line[:3].decode(errors="replace")] += 1
        except OSError:
            pass
        self.stats["pipeline"]["closed by server"] += 1

    async def bigdata(self):
        t0 = time.monotonic()
        reader, writer = await self.connect()
        reply = None
        try:
            await self.greeting(reader, "bigdata")
            for cmd in (b"EHLO big.example\r\n", b"MAIL FROM:<big@example.org>\r\n", b"RCPT TO:<user@example.com>\r\n", b"DATA\r\n"):
                writer.write(cmd)
                while (line := await reader.readline())[3:4] == b"-":
                    pass
            reply = asyncio.create_task(reader.readline())
            chunk = b"Subject: big\r\n\r\n" + (b"z" * 1022 + b"\r\n") * 1024
            sent = 0
            while sent < self.a.bigdata << 20 and not reply.done():
                writer.write(chunk)
                await writer.drain()
                sent += len(chunk)
            if not reply.done():
                writer.write(b"\r\n.\r\n")
            line = await asyncio.wait_for(reply, 120)
            self.stats["bigdata"][f"reply {line.decode(errors='replace').strip() or 'none (closed)'}"] += 1
            self.stats["bigdata"][f"MB sent before it {sent >> 20}, after {time.monotonic() - t0:.0f} s"] += 1
        except (OSError, asyncio.TimeoutError) as e:
            self.stats["bigdata"][f"connection ended: {type(e).__name__}"] += 1
        finally:
            if reply is not None and reply.done() and not reply.cancelled():
                reply.exception()  # retrieved: a reset after the reply is no news
            writer.close()

    async def run(self):
        a = self.a
        jobs = [self.trickle() for _ in range(a.trickle)] + [self.flood() for _ in range(a.flood)]
        jobs += [self.pipeline() for _ in range(a.pipeline)] + ([self.bigdata()] if a.bigdata else [])
        await asyncio.gather(*jobs, return_exceptions=True)
        for kind, c in self.stats.items():
            print(f"attack {kind}: " + ", ".join(f"{k}={v}" for k, v in sorted(c.items())))


if __name__ == "__main__":
    asyncio.run(Attack(parse_args()).run())
