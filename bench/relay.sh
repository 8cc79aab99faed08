#!/usr/bin/env bash
# Outbound relay throughput: 1 KiB messages through SmtpRelayClient to smtp-sink on port 2600,
# with the connection pool on and off. Usage: bench/relay.sh [CALLERS...] (default 8 16)
set -euo pipefail
cd "$(dirname "$0")/.."
../shared/bench/sink-peer.sh start 2>/dev/null || /work/shared/bench/sink-peer.sh start
./mvnw -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt >/dev/null
cp="target/classes:target/test-classes:$(cat target/test-cp.txt)"
[ $# -gt 0 ] || set -- 8 16
for callers in "$@"; do
  for pool in 4 0; do
    java -Xmx256m -cp "$cp" io.mailgateway.delivery.RelayBench 2600 "$callers" "${SECONDS_PER_RUN:-10}" "$pool"
  done
done
