#!/usr/bin/env python3
"""A next hop for the fault scripts: an SMTP server that writes down every message it accepts (stdlib only).

It answers 250 to each message only after the line for it is written and flushed to --log, so a
message the gateway was told is delivered is in the log; the gateway's relay sends it again if
it was killed before it could acknowledge the delivery, and then it is there twice. One line per
message:
  EPOCH_SECONDS RUN-SEQ RECIPIENTS
RUN-SEQ is the run and message number from "Message-ID: <chaos-RUN-SEQ@bench.test>"
(acked_sender.py), "-" for a message without one; RECIPIENTS is the RCPT TO addresses,
comma-separated.
It offers neither PIPELINING, CHUNKING nor STARTTLS: plain RFC 5321 commands, DATA with dot-stuffing.

Usage: capture_sink.py --port P --log FILE [--host 127.0.0.1]
"""
import argparse
import asyncio
import re
import signal
import time

MESSAGE_ID = re.compile(rb"^Message-ID: <chaos-([^-@>]+-\d+)@", re.I | re.M)
MAX_LINE = 4096


class Sink:
    def __init__(self, log):
        self.log = open(log, "a", buffering=1)
        self.messages = 0

    async def session(self, reader, writer):
        def send(text):
            writer.write(text.encode() + b"\r\n")

        send("220 sink.chaos.test ESMTP capture")
        rcpts, sender = [], None
        try:
            while True:
                line = await reader.readline()
                if not line or len(line) > MAX_LINE:
                    break
                verb = line[:4].upper()
                if verb == b"EHLO":
                    send("250-sink.chaos.test\r\n250-8BITMIME\r\n250 SIZE 104857600")
                elif verb == b"HELO":
                    send("250 sink.chaos.test")
                elif verb == b"MAIL":
                    sender, rcpts = line, []
                    send("250 2.1.0 Ok")
                elif verb == b"RCPT":
                    if sender is None:
                        send("503 5.5.1 MAIL first")
                        continue
                    m = re.search(rb"<([^>]*)>", line)
                    rcpts.append(m.group(1).decode(errors="replace") if m else "?")
                    send("250 2.1.5 Ok")
                elif verb == b"DATA":
                    if not rcpts:
                        send("503 5.5.1 RCPT first")
                        continue
                    send("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    head = b""
                    while True:
                        data = await reader.readline()
                        if not data:
                            return  # the sender went away before the final dot: nothing accepted
                        if data in (b".\r\n", b".\n"):
                            break
                        if len(head) < 65536:
                            head += data
                    m = MESSAGE_ID.search(head)
                    self.log.write(f"{time.time():.3f} {m.group(1).decode() if m else '-'} {','.join(rcpts)}\n")
                    self.log.flush()
                    self.messages += 1
                    send("250 2.0.0 Ok: captured")
                    sender, rcpts = None, []
                elif verb == b"RSET":
                    sender, rcpts = None, []
                    send("250 2.0.0 Ok")
                elif verb == b"NOOP":
                    send("250 2.0.0 Ok")
                elif verb == b"QUIT":
                    send("221 2.0.0 Bye")
                    break
                else:
                    send("502 5.5.2 Command not implemented")
                await writer.drain()
        except (ConnectionError, OSError, ValueError):  # ValueError: a line over the reader's limit
            pass
        finally:
            writer.close()


async def main(a):
    sink = Sink(a.log)
    server = await asyncio.start_server(sink.session, a.host, a.port, limit=1 << 20)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    print(f"capture_sink: {sink.messages} messages")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--host", default="127.0.0.1")
    asyncio.run(main(p.parse_args()))
