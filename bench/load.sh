#!/usr/bin/env bash
# Acceptance throughput of the gateway beside Postfix (and smtp-sink as the protocol's ceiling),
# measured in one run with ../shared/bench/compare.sh, 100 sessions, 1 KiB messages.
#
#   bench/load.sh            builds the jar, starts the gateway on 2525 with a fresh DATA_DIR,
#                            starts the peers, compares, stops the gateway.
# Environment: ROUNDS (3), MESSAGES (20000), SESSIONS (100), SIZE (1024), PEERS ("postfix sink").
# Load goes to 127.0.0.1 only; every run is bounded by compare.sh's own timeouts.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_BENCH:-../shared/bench}
data=$(mktemp -d /tmp/gateway-bench.XXXXXX)
./mvnw -B -q package -DskipTests
for peer in ${PEERS:-postfix sink}; do bash "$shared/$peer-peer.sh" start; done
DATA_DIR=$data LOG_LEVEL=WARN java -jar target/mail-gateway.jar >"$data/gateway.log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 0.2; done
TARGETS="gateway ${PEERS:-postfix sink}" ROUNDS=${ROUNDS:-3} MESSAGES=${MESSAGES:-20000} bash "$shared/compare.sh" 2525
echo "stored in Maildir: $(find "$data/maildir" -type f -path '*/new/*' | wc -l) files"
