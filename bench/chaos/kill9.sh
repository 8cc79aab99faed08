#!/usr/bin/env bash
# Crash durability under load: KILLS (10) times kill -9 of the gateway at a random moment while
# acked_sender.py sends, each time restarting it on the same DATA_DIR; then checks that every
# message that got 250 is in every store exactly once and none that got 4xx/5xx is
# (check_stored.py prints acknowledged / found / duplicates / lost per store). With RELAY=1 (the
# default) every message also has a relayed recipient, user@relay.chaos, whose next hop is
# capture_sink.py: each acknowledged message must reach it, none refused may, and it may arrive
# twice only if a kill fell between the next hop's 250 and the gateway's acknowledgement (at most
# KILLS x QUEUE_WORKER_THREADS, 4 unless set in the environment, such messages).
#
#   bench/chaos/kill9.sh
# Environment: KILLS (10), UP_MIN / UP_MAX (2 / 8: seconds the gateway runs between restart and
# kill, uniform), CONNECTIONS (20), SIZE (1024), STORAGE_TYPE (maildir,sql), WAIT (180: seconds the
# stores get to drain at the end), DATA_DIR (a fresh directory under /tmp), QUICK=1 (3 kills),
# RELAY (1; 0: stores only).
# Exit status: check_stored.py's (0 = nothing lost, duplicated or wrongly stored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/gateway.sh"
quick=${QUICK:-0}
kills=${KILLS:-$([ "$quick" = 1 ] && echo 3 || echo 10)}
up_min=${UP_MIN:-2} up_max=${UP_MAX:-8}
stores=${STORAGE_TYPE:-maildir,sql}
data=${DATA_DIR:-$(mktemp -d /tmp/chaos-kill9.XXXXXX)}
run=k$(date +%s)
log=$data.gateway.log sent=$data.sent captured=$data.captured
relay=${RELAY:-1}
gw_build

if [ -n "${DATA_DIR:-}" ]; then cleanup_on_exit "$sent" "$log" "$captured"; else cleanup_on_exit "$data" "$sent" "$log" "$captured"; fi

settings=(STORAGE_TYPE="$stores")
rcpt=user@example.com check_relay=()
if [ "$relay" = 1 ]; then
  sink_port=$(free_port)
  python3 "$here/capture_sink.py" --port "$sink_port" --log "$captured" &
  BG2=$!  # stopped on exit, after the gateway
  settings+=(TRANSPORT_MAP="relay.chaos=smtp:[127.0.0.1]:$sink_port")
  rcpt=user@example.com,user@relay.chaos
  check_relay=(--delivered "$captured" --max-delivery-duplicates $((kills * ${QUEUE_WORKER_THREADS:-4})))
fi

echo "kill9: DATA_DIR=$data STORAGE_TYPE=$stores port=$GW_PORT kills=$kills run=$run relay=$relay"
gw_start "$data" "$log" "${settings[@]}"
python3 "$here/acked_sender.py" --port "$GW_PORT" --log "$sent" --run-id "$run" \
  --connections "${CONNECTIONS:-20}" --size "${SIZE:-1024}" --rcpt "$rcpt" &
BG=$!
for ((k = 1; k <= kills; k++)); do
  up=$(python3 -c "import random; print(round(random.uniform($up_min, $up_max), 2))")
  sleep "$up"
  acked=$(grep -c ' 250 ' "$sent" || true)
  gw_kill9
  echo "kill $k: after ${up}s up, $acked acknowledged so far"
  gw_start "$data" "$log" "${settings[@]}"
done
sleep "$up_min"
kill "$BG"; wait "$BG" || true; BG=
echo "sender stopped; waiting up to ${WAIT:-180}s for the stores to drain"
status=0
python3 "$here/check_stored.py" --data "$data" --log "$sent" --run-id "$run" --stores "$stores" \
  --wait "${WAIT:-180}" "${check_relay[@]}" || status=$?
echo "queues after the run: $(queue_depths)"
echo "replies: $(awk '{ print $3 }' "$sent" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')"
exit $status
