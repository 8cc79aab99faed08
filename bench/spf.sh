#!/usr/bin/env bash
# SPF checks per second: our evaluator with a warm DNS cache, and the SPF result cache in front of
# it, on an include chain of 3 with ip4 ranges (zone served by the in-test LoopbackDnsServer).
# One thread, SECONDS (3) per phase; prints one line per phase.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.mailgateway.policy.spf.SpfBench "${SECONDS_PER_PHASE:-3}"
