#!/usr/bin/env bash
# Acceptance cost of the mail-authentication checks: two gateways side by side, SPF + DKIM +
# DMARC on (port 2525) and all off (port 2700, compare.sh's "haraka" slot), measured in turns by
# ../shared/bench/compare.sh (100 sessions, 1 KiB, sender@example.org → user@example.com).
# DNS: dnsmasq on 127.0.0.1:5353 serving SPF "ip4:127.0.0.1 -all" and "_dmarc p=reject" for
# example.org with a 300 s TTL, so SPF passes and DMARC passes by SPF alignment, from the
# resolver's cache after the first lookups (dnsmasq's default TTL 0 would defeat every cache).
# The "ratio gateway/haraka" line is checks-on / checks-off.
#
#   bench/policy-cost.sh          ROUNDS (3), MESSAGES (20000), WARMUP_MESSAGES (30000, to each, unmeasured)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_BENCH:-../shared/bench}
command -v dnsmasq >/dev/null || { apt-get update -qq; apt-get install -y -qq dnsmasq-base >/dev/null; }
./mvnw -B -q package -DskipTests
bash "$shared/sink-peer.sh" start   # also installs smtp-source
work=$(mktemp -d /tmp/gateway-policy.XXXXXX)
dnsmasq --keep-in-foreground --port=5353 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --local-ttl=300 --neg-ttl=300 \
  --pid-file="$work/dnsmasq.pid" --txt-record=example.org,"v=spf1 ip4:127.0.0.1 -all" \
  --txt-record=_dmarc.example.org,"v=DMARC1; p=reject" >"$work/dnsmasq.log" 2>&1 &
dns=$!
start_gateway() { # name port checks
  mkdir -p "$work/$1"
  DATA_DIR="$work/$1" SMTP_PORT=$2 BROKER_PORT=0 METRICS_PORT=-1 SUBMISSION_PORT=-1 SMTPS_PORT=-1 HTTP_PORT=-1 \
    LOG_LEVEL=WARN DNS_SERVERS=127.0.0.1:5353 \
    SPF_CHECK_ENABLED=$3 DKIM_VERIFY_ENABLED=$3 DMARC_CHECK_ENABLED=$3 \
    java -jar target/mail-gateway.jar >"$work/$1.log" 2>&1 &
  echo $!
}
on=$(start_gateway on 2525 true)
off=$(start_gateway off 2700 false)
# The gateways were started in command substitutions, so they are not this shell's children and
# "wait" does not wait for them: poll until they are gone before removing their directories.
stop_all() {
  kill $on $off $dns 2>/dev/null || true
  for _ in $(seq 300); do kill -0 $on 2>/dev/null || kill -0 $off 2>/dev/null || break; sleep 0.1; done
  rm -rf "$work"
}
trap stop_all EXIT
for p in 2525 2700; do
  for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.2; done
done
# warm-up: JIT and the DNS/SPF caches
TARGETS="gateway haraka" ROUNDS=1 MESSAGES=${WARMUP_MESSAGES:-30000} bash "$shared/compare.sh" 2525 >/dev/null
TARGETS="gateway haraka" ROUNDS=${ROUNDS:-3} MESSAGES=${MESSAGES:-20000} bash "$shared/compare.sh" 2525
grep -h "Authentication-Results" -A3 -m1 -r "$work/on/maildir" | head -4 || true
