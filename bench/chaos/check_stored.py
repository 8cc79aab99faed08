#!/usr/bin/env python3
"""Checks an acked_sender.py log against the gateway's stores in DATA_DIR (stdlib only).

For each store in --stores:
  maildir  files in $DATA_DIR/maildir/DOMAIN/LOCALPART/new/, named SECONDS.QUEUEID.HOST
           (as src/test/java/io/mailgateway/it/Maildirs.java reads them); the message number
           comes from the Message-ID header the sender wrote
  sql      rows of the messages table in $DATA_DIR/gateway.db (queue_id, subject), or with
           --psql URI in that PostgreSQL database (read through Debian's psql client)
--data may name several DATA_DIRs, comma-separated (the nodes of bench/cluster/): each one's
stores are read and counted together.
it prints one line:
  STORE acknowledged=N found=N duplicates=N lost=N refused_but_stored=N lost_reply_stored=N/M
acknowledged: messages that got 250; found: of those, stored exactly once under their queue ID;
duplicates: acknowledged messages stored more than once (same queue ID twice, or the same message
under a second queue ID); lost: acknowledged and not stored; refused_but_stored: got 4xx/5xx and
stored anyway; lost_reply_stored: of the messages whose connection broke before the reply, how
many are stored (either way is correct: the client did not get a promise).

With --delivered FILE (capture_sink.py's log of the next hop that relayed recipients went to) one
more line, "delivery", counts the same for the messages the next hop accepted: delivered (exactly
once), duplicates, lost, refused_but_delivered, lost_reply_delivered. A relayed message can arrive
twice, and only then: when the gateway was killed after the next hop's 250 and before its own
acknowledgement of the delivery was durable (RFC 5321 6.1 prefers that to a loss; Postfix does
the same). --max-delivery-duplicates bounds how many such messages a run may have (the kills
times the delivery consumers, at most one message each in that window).

--wait S polls until every acknowledged message is found or S seconds pass (stores drain from the
broker after the 250). Exit status 0 when nothing is lost, duplicated or wrongly stored or
delivered (delivery duplicates up to the bound).
"""
import argparse
import collections
import os
import re
import sqlite3
import subprocess
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--run-id", required=True)
    p.add_argument("--stores", default="maildir,sql")
    p.add_argument("--wait", type=float, default=0)
    p.add_argument("--psql", help="postgresql:// URI: the sql store is that database, not gateway.db")
    p.add_argument("--delivered", help="capture_sink.py's log: check relayed delivery too")
    p.add_argument("--max-delivery-duplicates", type=int, default=0)
    return p.parse_args()


def sent(log):
    acked, refused, lost = {}, set(), set()
    with open(log) as f:
        for line in f:
            _, seq, code, qid = line.split()[:4]
            if code == "250":
                acked[int(seq)] = qid
            elif code == "lost":
                lost.add(int(seq))
            else:
                refused.add(int(seq))
    return acked, refused, lost


def maildir(data, run):
    """(queue ID, message number or None) per file in new/."""
    mid = re.compile(rb"Message-ID: <chaos-" + re.escape(run.encode()) + rb"-(\d+)@", re.I)
    root = os.path.join(data, "maildir")
    out = []
    for dirpath, _, files in os.walk(root):
        if os.path.basename(dirpath) != "new":
            continue
        for name in files:
            parts = name.split(".", 2)
            try:
                with open(os.path.join(dirpath, name), "rb") as f:
                    m = mid.search(f.read(65536))
            except FileNotFoundError:
                continue
            out.append((parts[1] if len(parts) > 1 else "", int(m.group(1)) if m else None))
    return out


def postgresql(uri, run):
    """(queue ID, message number) of this run's rows, through psql (no driver in the stdlib)."""
    query = "select queue_id, subject from messages where subject like 'chaos " + run.replace("'", "") + " %'"
    out = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-d", uri, "-c", query],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print("psql: " + out.stderr.strip(), file=sys.stderr)
        return []
    subj = re.compile(r"chaos " + re.escape(run) + r" (\d+)$")
    rows = (line.split("\t", 1) for line in out.stdout.splitlines() if "\t" in line)
    return [(q, int(m.group(1)) if (m := subj.search(s)) else None) for q, s in rows]


def sql(data, run):
    path = os.path.join(data, "gateway.db")
    if not os.path.exists(path):
        return []
    subj = re.compile(r"chaos " + re.escape(run) + r" (\d+)$")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        rows = db.execute("select queue_id, subject from messages").fetchall()
        db.close()
    except sqlite3.Error:
        return []
    return [(q, int(m.group(1)) if (m := subj.search(s or "")) else None) for q, s in rows]


def delivered(log, run):
    """Message numbers of this run that the next hop accepted, one entry per acceptance."""
    prefix = run + "-"
    try:
        with open(log) as f:
            return [int(parts[1][len(prefix):]) for parts in (line.split() for line in f)
                    if len(parts) > 1 and parts[1].startswith(prefix) and parts[1][len(prefix):].isdigit()]
    except FileNotFoundError:
        return []


def delivery_verdict(seqs, acked, refused, lost):
    by_seq = collections.Counter(seqs)
    return dict(acknowledged=len(acked), delivered=sum(1 for s in acked if by_seq[s] == 1),
                duplicates=sum(1 for s in acked if by_seq[s] > 1), lost=sum(1 for s in acked if by_seq[s] == 0),
                refused_but_delivered=sum(1 for s in refused if by_seq[s] > 0),
                lost_reply_delivered=f"{sum(1 for s in lost if by_seq[s] > 0)}/{len(lost)}")


def verdict(stored, acked, refused, lost):
    by_qid = collections.Counter(q for q, _ in stored)
    by_seq = collections.Counter(s for _, s in stored if s is not None)
    found = sum(1 for s, q in acked.items() if by_qid[q] == 1 and by_seq[s] == 1)
    dups = sum(1 for s, q in acked.items() if by_qid[q] > 1 or by_seq[s] > 1)
    missing = sum(1 for q in acked.values() if by_qid[q] == 0)
    wrong = sum(1 for s in refused if by_seq[s] > 0)
    lost_stored = sum(1 for s in lost if by_seq[s] > 0)
    return dict(acknowledged=len(acked), found=found, duplicates=dups, lost=missing,
                refused_but_stored=wrong, lost_reply_stored=f"{lost_stored}/{len(lost)}")


def main():
    a = parse_args()
    acked, refused, lost = sent(a.log)
    readers = {"maildir": maildir, "sql": sql}
    stores = [s for s in a.stores.split(",") if s in readers]

    def stored(store):
        if store == "sql" and a.psql:  # one shared database, read once
            return postgresql(a.psql, a.run_id)
        return [row for d in a.data.split(",") for row in readers[store](d, a.run_id)]

    deadline = time.time() + a.wait
    while True:
        results = {s: verdict(stored(s), acked, refused, lost) for s in stores}
        if a.delivered:
            results["delivery"] = delivery_verdict(delivered(a.delivered, a.run_id), acked, refused, lost)
        if all(r["lost"] == 0 for r in results.values()) or time.time() >= deadline:
            break
        time.sleep(2)
    for s, r in results.items():
        print(s, " ".join(f"{k}={v}" for k, v in r.items()))
    bad = any(r["lost"] or r["duplicates"] or r["refused_but_stored"] for s, r in results.items() if s != "delivery")
    if a.delivered:
        d = results["delivery"]
        bad = bad or d["lost"] or d["refused_but_delivered"] or d["duplicates"] > a.max_delivery_duplicates
        if d["duplicates"]:
            print(f"delivery: {d['duplicates']} duplicate(s), at most {a.max_delivery_duplicates} allowed: sent again "
                  "after a kill between the next hop's 250 and the gateway's acknowledgement")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
