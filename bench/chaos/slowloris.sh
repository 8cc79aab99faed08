#!/usr/bin/env bash
# Abuse while a normal client sends: attack.py runs TRICKLE (1000) sessions sending a byte a
# second, a connection flood, a pipelining flood and one 1 GB DATA without SIZE=, from
# 127.0.0.2 .. 127.0.0.51 (not whitelisted: RATE_LIMIT_WHITELIST=127.0.0.1/32, so the per-address
# and rate limits apply to them as to strangers); the normal client (smtp_blast.py from 127.0.0.1,
# few connections) measures its latency before and during the attack; the gateway's RSS is
# sampled every second. Prints the normal client's p50/p99 without and with the attack, what
# the server did to each attack, and the largest RSS.
#
#   bench/chaos/slowloris.sh
# Environment: TRICKLE (1000), FLOOD (20 workers), PIPELINE (10 sessions), BIGDATA_MB (1024),
# SOURCES (50), NORMAL_CONNECTIONS (4), NORMAL_MESSAGES (2000), ATTACK_SECONDS (120),
# RAMP_SECONDS (15: attack runs this long before the normal client measures), QUICK=1
# (60 s attack, 500 normal messages). Gateway limits are its defaults unless set in the environment
# (MAX_CONNECTIONS=1000, MAX_CONNECTIONS_PER_IP=20, SMTP_MAX_MESSAGE_SIZE=50 MiB, ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/gateway.sh"
quick=${QUICK:-0}
attack_s=${ATTACK_SECONDS:-$([ "$quick" = 1 ] && echo 60 || echo 120)}
normal_msgs=${NORMAL_MESSAGES:-$([ "$quick" = 1 ] && echo 500 || echo 2000)}
normal_conns=${NORMAL_CONNECTIONS:-4}
ramp=${RAMP_SECONDS:-15}
ulimit -n "$(ulimit -Hn)"   # 1000 trickling sessions and the flood need descriptors
work=$(mktemp -d /tmp/chaos-slowloris.XXXXXX)
gw_build

cleanup_on_exit "$work"

echo "slowloris: port=$GW_PORT attack ${attack_s}s, normal client $normal_conns connections x $normal_msgs messages"
gw_start "$work/data" "$work/gateway.log" RATE_LIMIT_WHITELIST=127.0.0.1/32
(while kill -0 "$GW_PID" 2>/dev/null; do echo "$(date +%s) $(rss_kb "$GW_PID")"; sleep 1; done) >"$work/rss" &
BG=$!
blast() {
  python3 "$SHARED_BENCH/smtp_blast.py" --port "$GW_PORT" --connections "$normal_conns" \
    --messages "$normal_msgs" --timeout "$attack_s" || true
}
# warm-up, so the baseline is not the JIT's first minute
python3 "$SHARED_BENCH/smtp_blast.py" --port "$GW_PORT" --connections "$normal_conns" --messages 300 >/dev/null || true
echo "normal client, no attack:   $(blast)"
rss_quiet=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$work/rss")
t_attack=$(date +%s)
python3 "$here/attack.py" --port "$GW_PORT" --seconds "$attack_s" --sources "${SOURCES:-50}" \
  --trickle "${TRICKLE:-1000}" --flood "${FLOOD:-20}" --pipeline "${PIPELINE:-10}" \
  --bigdata "${BIGDATA_MB:-1024}" >"$work/attack.out" 2>&1 &
attacker=$!
sleep "$ramp"
echo "normal client, under attack: $(blast)"
wait "$attacker" || true
sed 's/^/  /' "$work/attack.out"
echo "gateway alive: $(kill -0 "$GW_PID" 2>/dev/null && echo yes || echo no)"
awk -v t="$t_attack" -v q="$rss_quiet" 'BEGIN { m = 0 } $1 >= t && $2 > m { m = $2 }
  END { printf "RSS max: %.0f MiB before the attack, %.0f MiB during it\n", q / 1024, m / 1024 }' "$work/rss"
echo "gateway WARN/ERROR lines: $(grep -cE ' (WARN|ERROR) ' "$work/gateway.log" || true)"
