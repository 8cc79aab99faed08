#!/usr/bin/env bash
# End-to-end relay throughput: SMTP in (100 sessions, 1 KiB) → broker → delivery route →
# pooled SMTP client → smtp-sink on 127.0.0.1:2600 (../shared/bench/sink-peer.sh).
# Reports the acceptance rate and the rate at which messages left the gateway (first message
# sent → last "delivered" log line), for each STORAGE_TYPE given.
#
#   bench/relay-e2e.sh                 STORES="memory maildir,sql", MESSAGES=10000, SESSIONS=100
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_BENCH:-../shared/bench}
messages=${MESSAGES:-10000}
sessions=${SESSIONS:-100}
./mvnw -B -q package -DskipTests
bash "$shared/sink-peer.sh" start
for stores in ${STORES:-memory maildir,sql}; do
  data=$(mktemp -d /tmp/gateway-relay.XXXXXX)
  DATA_DIR=$data STORAGE_TYPE=$stores TRANSPORT_MAP='relay.test=smtp:[127.0.0.1]:2600' \
    java -jar target/mail-gateway.jar >"$data/gateway.log" 2>&1 &
  gw=$!
  for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 0.2; done
  start=$(date +%s.%N)
  python3 "$shared/smtp_blast.py" --port 2525 --connections "$sessions" --messages "$messages" \
    --rcpt user@relay.test --timeout 600 | tee "$data/blast.txt"
  accepted=$(date +%s.%N)
  deadline=$((SECONDS + 600))
  while [ "$(grep -c ': delivered to=' "$data/gateway.log" || true)" -lt "$messages" ] && [ $SECONDS -lt $deadline ]; do
    sleep 0.1
  done
  done_at=$(date +%s.%N)
  delivered=$(grep -c ': delivered to=' "$data/gateway.log" || true)
  python3 - "$stores" "$messages" "$delivered" "$start" "$accepted" "$done_at" <<'PY'
import sys
stores, n, d, s, a, e = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:])
print(f"STORAGE_TYPE={stores}: accepted {n} in {a-s:.1f} s ({n/(a-s):.0f} msg/s); "
      f"relayed {d} in {e-s:.1f} s from the first send ({d/(e-s):.0f} msg/s end to end)")
PY
  kill $gw; wait $gw 2>/dev/null || true
  rm -rf "$data"
done
