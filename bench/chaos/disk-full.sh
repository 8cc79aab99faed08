#!/usr/bin/env bash
# Disk full under load: the gateway's DATA_DIR is a small tmpfs (mount -t tmpfs, so run as root);
# while acked_sender.py sends, a filler file takes all free space, stays FULL_SECONDS, and is
# removed. Expected: new mail gets 452 4.3.1 (RFC 3463: mail system full) while the disk is full,
# nothing acknowledged is lost, and acceptance resumes by itself once space returns.
# Prints the replies per phase (code, enhanced status, the command they answered), whether the
# process survived, the store check (check_stored.py) and the gateway's log lines about it.
#
#   bench/chaos/disk-full.sh
# Environment: TMPFS_SIZE (256m: it must leave room above DISK_MIN_FREE, 64 MiB by default, or
# no message is ever accepted and the run proves nothing; the script then fails), SIZE (10240 octets a message), CONNECTIONS (10),
# BEFORE_SECONDS (5), FULL_SECONDS (20), RECOVER_SECONDS (20), STORAGE_TYPE (maildir,sql),
# WAIT (120), QUICK=1 (shorter phases).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/gateway.sh"
quick=${QUICK:-0}
before=${BEFORE_SECONDS:-5}
full_s=${FULL_SECONDS:-$([ "$quick" = 1 ] && echo 10 || echo 20)}
recover_s=${RECOVER_SECONDS:-$([ "$quick" = 1 ] && echo 15 || echo 20)}
stores=${STORAGE_TYPE:-maildir,sql}
[ "$(id -u)" = 0 ] || { echo "disk-full.sh mounts a tmpfs: run it as root" >&2; exit 2; }
work=$(mktemp -d /tmp/chaos-diskfull.XXXXXX)
data=$work/data log=$work/gateway.log sent=$work/sent run=d$(date +%s)
mkdir -p "$data"
mount -t tmpfs -o "size=${TMPFS_SIZE:-256m}" tmpfs "$data"
gw_build

sender=
cleanup() {
  [ -n "$sender" ] && kill "$sender" 2>/dev/null
  gw_stop
  umount "$data" 2>/dev/null || umount -l "$data"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
mark() { echo "$(date +%s.%N) $1" >>"$work/phases"; echo "$(date +%T) $1: $(df -h --output=used,avail "$data" | tail -1)"; }

echo "disk-full: DATA_DIR=$data (tmpfs ${TMPFS_SIZE:-256m}) STORAGE_TYPE=$stores port=$GW_PORT"
gw_start "$data" "$log" STORAGE_TYPE="$stores"
mark started
python3 "$here/acked_sender.py" --port "$GW_PORT" --log "$sent" --run-id "$run" \
  --connections "${CONNECTIONS:-10}" --size "${SIZE:-10240}" &
sender=$!
sleep "$before"
mark filling
dd if=/dev/zero of="$data/filler" bs=1M status=none 2>/dev/null || true
mark full
sleep "$full_s"
alive_when_full=$(kill -0 "$GW_PID" 2>/dev/null && echo yes || echo no)
rm -f "$data/filler"
mark freed
sleep "$recover_s"
mark end
kill "$sender"; wait "$sender" || true; sender=

echo "== replies by phase (count code status stage)"
phases_status=0
if python3 - "$work/phases" "$sent" <<'PY'
import collections, sys
phases = [l.split() for l in open(sys.argv[1])]
def phase(t):
    name = phases[0][1]
    for at, n in phases:
        if t >= float(at):
            name = n
    return name
counts = collections.OrderedDict((n, collections.Counter()) for _, n in phases)
first_ok_after_free = None
for line in open(sys.argv[2]):
    t, seq, code, qid, status, stage = (line.split() + ["-", "-"])[:6]
    p = phase(float(t))
    counts[p][f"{code} {status} {stage}"] += 1
    if p in ("freed", "end") and code == "250" and first_ok_after_free is None:
        first_ok_after_free = float(t) - float(dict((n, a) for a, n in phases)["freed"])
for p, c in counts.items():
    print(f"  {p:8} " + (", ".join(f"{n} x {k}" for k, n in c.most_common()) or "(nothing)"))
print("  first 250 after the space returned: " + (f"{first_ok_after_free:.1f} s" if first_ok_after_free is not None else "none"))
# a run in which nothing was accepted before the fill, or nothing after it, tested nothing
if not any(k.startswith("250 ") for k in counts["started"]) or first_ok_after_free is None:
    print("FAILED: no 250 before the disk filled, or none after the space returned", file=sys.stderr)
    sys.exit(1)
PY
then :; else phases_status=1; fi
echo "gateway process alive while full: $alive_when_full; alive at the end: $(kill -0 "$GW_PID" 2>/dev/null && echo yes || echo no)"
echo "accepting at the end: $( (exec 3<>"/dev/tcp/127.0.0.1/$GW_PORT") 2>/dev/null && echo yes || echo no)"
echo "queues: $(queue_depths || true) (empty: /metrics did not answer within 5 s)"
if ! kill -0 "$GW_PID" 2>/dev/null; then
  echo "restarting the gateway to let its stores drain for the check"
  gw_start "$data" "$log" STORAGE_TYPE="$stores"
fi
echo "== stores (every 250 must be there exactly once)"
status=0
python3 "$here/check_stored.py" --data "$data" --log "$sent" --run-id "$run" --stores "$stores" --wait "${WAIT:-120}" || status=$?
echo "queues after the check: $(queue_depths || true)"
if [ $status != 0 ]; then
  # Missing after the wait: stuck in the broker (a restart delivers them) or gone for good?
  echo "== restarting the gateway on the same DATA_DIR and checking again"
  gw_stop
  gw_start "$data" "$log" STORAGE_TYPE="$stores"
  status=0
  python3 "$here/check_stored.py" --data "$data" --log "$sent" --run-id "$run" --stores "$stores" --wait "${WAIT:-120}" || status=$?
  echo "queues after the restart: $(queue_depths || true)"
fi
echo "== gateway log: WARN/ERROR lines by logger and first words (top 12)"
grep -E ' (WARN|ERROR) ' "$log" | sed -E 's/^[^ ]+ +(WARN|ERROR) +\[[^]]*\] +/\1 /; s/ [0-9A-Z]{17}:/ QUEUEID:/' | cut -c1-90 |
  sort | uniq -c | sort -rn | head -12 || true
[ $status = 0 ] && exit $phases_status
exit $status
