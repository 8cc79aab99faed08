#!/usr/bin/env bash
# One sustained run of the packaged gateway with the settings given as arguments, to compare
# settings in turns on the same machine, e.g.
#   for n in 0 10 0 10; do bench/sustained.sh STORE_NICE=$n; done
# After WARMUP_MESSAGES (60000, smtp-source at 100 sessions) and empty store queues: SESSIONS (100)
# sessions of SIZE (1024) octets for DURATION (120) seconds with smtp_blast.py, the store queues sampled
# every 5 s. Prints one line: the settings, smtp_blast.py's summary (accepted/s, p50/p95/p99), the
# gateway's CPU per message from the start of the load until the stores held every message, the
# seconds the stores needed after the load, and each store queue's peak depth and its depth when the
# load ended, and how many messages inflow control held and how long on average.
# Needs smtp-source (Postfix; sink-peer.sh installs it). Load on 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/gateway.sh"
warmup=${WARMUP_MESSAGES:-60000} seconds=${DURATION:-120}
sessions=${SESSIONS:-100} size=${SIZE:-1024}
command -v smtp-source >/dev/null || bash "$SHARED_BENCH/sink-peer.sh" start >/dev/null
gw_build

work=$(mktemp -d /tmp/gateway-sustained.XXXXXX)
cleanup_on_exit "$work"
gw_start "$work/data" "$work/gateway.log" "$@"

store_depths() { queue_depths | tr ' ' '\n' | grep -E '^store\.[a-z0-9]+=' || true; }

# inflow control (STORE_BACKLOG_LIMIT): messages held before their write so far, and seconds held in all
inflow_held() {
  curl -s --max-time 5 "http://127.0.0.1:$GW_METRICS_PORT/metrics" |
    awk '/^smtp_inflow_delay_seconds_count/ { n = $2 } /^smtp_inflow_delay_seconds_sum/ { s = $2 } END { print n + 0, s + 0 }'
}

smtp-source -d -s 100 -m "$warmup" -l "$size" -f sender@example.org -t user@example.com "127.0.0.1:$GW_PORT" >/dev/null
wait_drained
inflow0=$(inflow_held)
cpu0=$(cpu_seconds "$GW_PID")
python3 "$SHARED_BENCH/smtp_blast.py" --port "$GW_PORT" --connections "$sessions" --messages 100000000 \
  --size "$size" --timeout "$seconds" >"$work/blast" 2>&1 &
BG=$!
# sampled every 5 s, but the end of the load is seen within 0.5 s: the drain time counts from there
ticks=0
while kill -0 "$BG" 2>/dev/null; do
  [ $((ticks++ % 10)) = 0 ] && store_depths >>"$work/depths"
  sleep 0.5
done
wait "$BG" || true
BG=
load_end=$(date +%s.%N)
at_end=$(store_depths | tr '\n' ' ')
wait_drained
drain=$(echo "$(date +%s.%N) - $load_end" | bc -l)
cpu1=$(cpu_seconds "$GW_PID")
line=$(grep '^mps=' "$work/blast" || true)
sent=$(sed -n 's/.* sent=\([0-9]*\).*/\1/p' <<<"$line")
held=$(awk -v a="$inflow0" -v b="$(inflow_held)" 'BEGIN { split(a, x); split(b, y); n = y[1] - x[1];
  printf "%d messages, mean %.1f ms", n, (n > 0 ? 1000 * (y[2] - x[2]) / n : 0) }')
peaks=$(awk -F= '{ if ($2 + 0 > peak[$1]) peak[$1] = $2 + 0 } END { for (q in peak) printf "%s=%d ", q, peak[q] }' "$work/depths")
printf '%s | %s | CPU %.3f ms/msg (accepted and stored) | stores done %.1f s after the load | peaks: %s| at the end of the load: %s| held by inflow control: %s\n' \
  "${*:-defaults}" "$(sed 's/ failed=[0-9]*//; s/ connections=.*//' <<<"$line")" \
  "$(echo "1000 * ($cpu1 - $cpu0) / ${sent:-1}" | bc -l)" "$drain" "$peaks" "$at_end" "$held"
