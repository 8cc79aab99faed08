#!/usr/bin/env bash
# Where the gateway's CPU goes, by stage: the CPU time (utime + stime, /proc/PID/task/TID/stat) of
# each of its threads over a load, grouped by thread name (digits folded: "smtpd-route",
# "storeBatch-maildir", Netty's event loops, Artemis' threads, the JIT, the GC), divided by the
# messages sent. Counted from after a warm-up with the store queues empty until they are empty
# again, so each stage is charged for all the work of these messages, the stores' included.
# Thread names come from `jcmd PID Thread.print` (nid = the kernel's thread ID). A thread that
# ended during the load is counted under "(ended)" (the process's total minus the threads seen).
#
# Environment: WARMUP_MESSAGES (100000, smtp-source at 100 sessions), ROUNDS (3), MESSAGES (20000
# per round), SESSIONS (100), SIZE (1024), and any gateway setting (STORAGE_TYPE, ...) passed
# through to the gateway. QUICK=1: a smoke run. Needs smtp-source (Postfix; sink-peer.sh installs it)
# and jcmd. Load on 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/gateway.sh"
warmup=${WARMUP_MESSAGES:-100000} rounds=${ROUNDS:-3} messages=${MESSAGES:-20000}
sessions=${SESSIONS:-100} size=${SIZE:-1024}
if [ "${QUICK:-0}" = 1 ]; then warmup=2000 rounds=1 messages=2000; fi
command -v smtp-source >/dev/null || bash "$SHARED_BENCH/sink-peer.sh" start >/dev/null
command -v jcmd >/dev/null || { echo "jcmd (the JDK) is needed for thread names" >&2; exit 1; }
gw_build

work=$(mktemp -d /tmp/gateway-cpu.XXXXXX)
cleanup_on_exit "$work"
gw_start "$work/data" "$work/gateway.log"

# TID NAME TICKS, one line per live thread
snapshot() {
  for t in /proc/"$GW_PID"/task/*; do
    awk -v tid="${t##*/}" '{ sub(/^.*\) /, ""); print tid, $12 + $13 }' "$t/stat" 2>/dev/null || true
  done
}
# busy ticks of the whole machine (user, nice, system, irq, softirq): also counts the kernel's own
# threads, e.g. the writeback workers that a syncfs wakes, which no thread of the gateway is charged for
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
names() { jcmd "$GW_PID" Thread.print 2>/dev/null | sed -n 's/^"\(.*\)".* nid=\(0x[0-9a-f]*\).*/\2\t\1/p'; }

echo "warm-up: $warmup messages" >&2
smtp-source -d -s 100 -m "$warmup" -l "$size" -f sender@example.org -t user@example.com "127.0.0.1:$GW_PORT" >/dev/null
wait_drained
names >"$work/names"
snapshot >"$work/before"
cpu0=$(cpu_seconds "$GW_PID")
machine0=$(machine_ticks)
for r in $(seq "$rounds"); do
  python3 "$SHARED_BENCH/smtp_blast.py" --port "$GW_PORT" --connections "$sessions" --messages "$messages" \
    --size "$size" --timeout 300 | sed "s/^/round $r: /" >&2
done
wait_drained
snapshot >"$work/after"
cpu1=$(cpu_seconds "$GW_PID")
machine1=$(machine_ticks)
names >>"$work/names"

python3 - "$work" "$((rounds * messages))" "$cpu0" "$cpu1" "$CLK_TCK" "$((machine1 - machine0))" <<'PY'
import collections, re, sys
work, n, cpu0, cpu1, hz = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
machine = int(sys.argv[6]) / hz
names = {}
for line in open(f"{work}/names"):
    nid, name = line.rstrip("\n").split("\t", 1)
    names[str(int(nid, 16))] = name
before = dict(l.split() for l in open(f"{work}/before"))
groups = collections.Counter()
for line in open(f"{work}/after"):
    tid, ticks = line.split()
    name = re.sub(r"\d+", "#", names.get(tid, "(no Java name) " + tid))
    groups[name] += int(ticks) - int(before.get(tid, 0))
total = cpu1 - cpu0
seen = sum(groups.values()) / hz
if total - seen > 0.005:
    groups["(ended)"] += round((total - seen) * hz)
print(f"{n} messages; gateway CPU {total:.2f} s = {1000 * total / n:.3f} ms per message (accepted and stored)")
print(f"whole machine meanwhile (gateway, client, kernel threads): {machine:.2f} s = {1000 * machine / n:.3f} ms per message")
print(f"| threads | CPU s | share | ms per message |")
print(f"| --- | --- | --- | --- |")
for name, ticks in groups.most_common():
    if ticks > 0:
        s = ticks / hz
        print(f"| {name} | {s:.2f} | {100 * s / total:.1f} % | {1000 * s / n:.3f} |")
PY
