#!/usr/bin/env bash
# Stores drain asynchronously from their own broker queues, so enabling more of them should cost
# SMTP acceptance little. This measures, on one machine in one run:
#   1. acceptance with STORAGE_TYPE=maildir                (compare.sh, gateway only)
#   2. acceptance with STORAGE_TYPE=maildir,sql,archive     (compare.sh, gateway only)
#   3. end to end with maildir,sql,archive: 10,000 messages at 100 sessions, time until every
#      message is in the Maildir, the SQL table and the archive.
# Environment: ROUNDS (3), MESSAGES (10000), STORES (maildir,sql,archive). Load: 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_BENCH:-../shared/bench}
rounds=${ROUNDS:-3} messages=${MESSAGES:-10000} stores=${STORES:-maildir,sql,archive}
command -v smtp-source >/dev/null || bash "$shared/sink-peer.sh" start
./mvnw -B -q package -DskipTests

gw=
start_gateway() { # $1 = STORAGE_TYPE, $2 = DATA_DIR
  STORAGE_TYPE=$1 DATA_DIR=$2 LOG_LEVEL=WARN java -jar target/mail-gateway.jar >"$2.log" 2>&1 &
  gw=$!
  for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && return 0; sleep 0.2; done
  echo "gateway did not start, see $2.log" >&2; exit 1
}
stop_gateway() { kill "$gw" 2>/dev/null; wait "$gw" 2>/dev/null || true; }
trap stop_gateway EXIT

work=$(mktemp -d /tmp/gateway-stores.XXXXXX)
for st in maildir "$stores"; do
  start_gateway "$st" "$work/accept-${st//,/-}"
  echo "== acceptance, STORAGE_TYPE=$st"
  TARGETS=gateway ROUNDS=$rounds MESSAGES=$messages bash "$shared/compare.sh" 2525 | head -1
  stop_gateway
done

data="$work/e2e"
start_gateway "$stores" "$data"
t0=$(date +%s.%N)
smtp-source -d -s 100 -m "$messages" -l 1024 -f sender@example.org -t user@example.com 127.0.0.1:2525
t1=$(date +%s.%N)
count() {
  case $1 in
    maildir) find "$data/maildir" -type f -path '*/new/*' 2>/dev/null | wc -l ;;
    sql) python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from messages').fetchone()[0])" "$data/gateway.db" 2>/dev/null || echo 0 ;;
    archive) DATA_DIR=$data java -jar target/mail-gateway.jar archive list "$(date -u +%F)" 2>/dev/null | tail -1 | awk '{print $2}' ;;
  esac
}
for _ in $(seq 600); do
  done_all=1
  for s in ${stores//,/ }; do [ "$(count "$s")" -ge "$messages" ] || done_all=0; done
  [ $done_all = 1 ] && break
  sleep 1
done
t2=$(date +%s.%N)
python3 - "$messages" "$t0" "$t1" "$t2" <<'PY'
import sys
n, t0, t1, t2 = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"accepted {n} in {t1-t0:.1f} s = {n/(t1-t0):.0f} msg/s; stored in every store after {t2-t0:.1f} s = {n/(t2-t0):.0f} msg/s end to end")
PY
for s in ${stores//,/ }; do echo "  $s: $(count "$s")"; done
stop_gateway
rm -rf "$work"
