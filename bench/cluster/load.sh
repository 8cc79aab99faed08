#!/usr/bin/env bash
# Load through HAProxy on the cluster of cluster.sh, optionally with a node killed (kill -9)
# mid-load, then counts what was promised against what PostgreSQL and the nodes' Maildirs hold.
#
#   bench/cluster/cluster.sh start 3 && bench/cluster/load.sh
#   KILL_NODE=2 KILL_AFTER=1000 bench/cluster/load.sh
#
# Environment: MESSAGES (3000), CONNECTIONS (20), SIZE (1024), KILL_NODE (none: no kill),
# KILL_AFTER (1000: acknowledged messages before the kill), WAIT (120: seconds the stores get to
# drain), RESTART_KILLED=1 (then start the killed node again on its DATA_DIR and count once more).
#
# The sender (bench/chaos/acked_sender.py) logs every message's final reply; check_stored.py
# prints, per store: acknowledged (got 250), found (stored exactly once), duplicates, lost
# (acknowledged, not stored), refused_but_stored. With the nodes as islands (no broker HA), what
# a killed node acknowledged and had not stored yet waits in its journal: counted lost until that
# node runs again. This script prints what it measured, whatever that is.
# Exit status: check_stored.py's (0 = nothing lost or duplicated).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chaos=$(cd "$here/../chaos" && pwd)
run=${CLUSTER_RUN:-$here/run}
[ -f "$run/ports.env" ] || { echo "no cluster: run bench/cluster/cluster.sh start first" >&2; exit 1; }
. "$run/ports.env"
. "$run/secrets.env"
grep -qs haproxy "/proc/$(head -1 "$run/haproxy.pid" 2>/dev/null)/cmdline" ||
  { echo "HAProxy of the cluster is not running: bench/cluster/cluster.sh status" >&2; exit 1; }
messages=${MESSAGES:-3000} connections=${CONNECTIONS:-20} size=${SIZE:-1024}
kill_node=${KILL_NODE:-} kill_after=${KILL_AFTER:-1000} wait_s=${WAIT:-120}
id=c$(date +%s)
log=$run/load-$id.log
pg_uri="postgresql://gateway:$PG_PASSWORD@127.0.0.1:$PG_PORT/mail"
dirs=$(for ((i = 1; i <= N; i++)); do echo "$run/node$i/data"; done | paste -sd,)
[ -z "$kill_node" ] || [[ "$kill_node" =~ ^[0-9]+$ && "$kill_node" -ge 1 && "$kill_node" -le "$N" ]] ||
  { echo "KILL_NODE must be 1..$N" >&2; exit 2; }

acked() { cat "$log" 2>/dev/null | grep -c ' 250 ' || true; }
rows() { psql -X -At -d "$pg_uri" -c "$1"; }

echo "load: $messages messages of $size octets, $connections connections, through HAProxy 127.0.0.1:$HAPROXY_PORT to $N nodes (run $id)"
before=$(rows "select count(*) from messages")
start=$(date +%s.%N)
python3 "$chaos/acked_sender.py" --port "$HAPROXY_PORT" --log "$log" --run-id "$id" \
  --connections "$connections" --size "$size" --messages "$messages" &
sender=$!
trap 'kill "$sender" 2>/dev/null || true' EXIT

killed_at=
if [ -n "$kill_node" ]; then
  pid=$(head -1 "$run/node$kill_node.pid")
  while kill -0 "$sender" 2>/dev/null && [ "$(acked)" -lt "$kill_after" ]; do sleep 0.05; done
  if grep -qF "mail-gateway.jar" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -9 "$pid"
    killed_at=$(date +%s.%N)
    echo "kill -9 node $kill_node (pid $pid) after $(acked) acknowledged"
  else
    echo "node $kill_node (pid $pid) is not running: nothing killed" >&2
  fi
fi
wait "$sender" || true
trap - EXIT
end=$(date +%s.%N)

python3 - "$log" "$start" "$end" "${killed_at:-0}" "$messages" <<'EOF'
import collections, sys
log, start, end, killed = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
messages = int(sys.argv[5])
lines = [l.split() for l in open(log)]
codes = collections.Counter(l[2] for l in lines)
ok = sorted(float(l[0]) for l in lines if l[2] == "250")
print(f"sent: {len(lines)} transactions in {end - start:.1f} s, {len(ok) / (end - start):.0f} acknowledged/s; "
      "replies: " + " ".join(f"{k}={v}" for k, v in sorted(codes.items())) +
      f"; broken before end of data (no promise, not retried): {messages - len(lines)}")
if killed:
    after = [t for t in ok if t > killed]
    last_before = max((t for t in ok if t <= killed), default=killed)
    gap = (after[0] - last_before) if after else float("nan")
    print(f"kill: first 250 after the kill came {after[0] - killed if after else float('nan'):.2f} s after it "
          f"(longest pause in acknowledgements around it {gap:.2f} s); {len(after)} acknowledged after the kill")
EOF

# HAProxy's counters: sessions per server since it started, and its health-check view now.
echo "haproxy: $(curl -s --max-time 5 "http://127.0.0.1:$HAPROXY_STATS_PORT/;csv" |
  awk -F, '$1 == "gateways" && $2 ~ /^gw/ { printf "%s sessions=%s %s; ", $2, $8, $18 }')"

echo "stores (waiting up to ${wait_s}s for them to drain):"
status=0
python3 "$chaos/check_stored.py" --data "$dirs" --psql "$pg_uri" --stores sql,maildir --log "$log" \
  --run-id "$id" --wait "$wait_s" || status=$?
echo "postgresql messages rows: $before before, $(rows "select count(*) from messages") now;" \
  "this run's rows $(rows "select count(*) from messages where subject like 'chaos $id %'")," \
  "distinct $(rows "select count(distinct subject) from messages where subject like 'chaos $id %'")"

if [ -n "$killed_at" ] && [ "${RESTART_KILLED:-0}" = 1 ]; then
  "$here/cluster.sh" restart-node "$kill_node"
  echo "stores after node $kill_node runs again:"
  status=0
  python3 "$chaos/check_stored.py" --data "$dirs" --psql "$pg_uri" --stores sql,maildir --log "$log" \
    --run-id "$id" --wait "$wait_s" || status=$?
fi
exit $status
