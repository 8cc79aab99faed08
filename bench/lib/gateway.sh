# Shared by bench/suite.sh and bench/chaos/*.sh (sourced, not run): start and stop the packaged
# gateway as load.sh and stores.sh do (java -jar target/mail-gateway.jar, settings from the
# environment, its own DATA_DIR), and read a process's CPU time and RSS from /proc.
#
# gw_start DATA_DIR LOG [KEY=VALUE ...]   starts a gateway on $GW_PORT (metrics on $GW_METRICS_PORT),
#                                         extra settings as arguments; sets GW_PID; waits for SMTP
# gw_stop                                 SIGTERM, then waits for the process
# gw_kill9                                SIGKILL, then reaps it
# cpu_seconds PID                         utime + stime of PID in seconds (/proc/PID/stat 14 and 15)
# rss_kb PID                              VmRSS of PID in KiB
# free_port                               a TCP port nothing listens on now
# wait_port PORT [TRIES]                  waits until 127.0.0.1:PORT accepts (TRIES x 0.2 s)
# queue_depths                            "queue=depth ..." from the gateway's /metrics
# wait_drained                            until every store.* and the delivery queue is empty
#                                         (at most 10 min; an unreadable /metrics is not empty)
# cleanup_on_exit PATH...                 on exit: kill $BG and $BG2 (background helpers), stop the
#                                         gateway, remove the PATHs unless KEEP=1

BENCH_ROOT=${BENCH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SHARED_BENCH=${SHARED_BENCH:-$(cd "$BENCH_ROOT/.." && pwd)/shared/bench}
CLK_TCK=$(getconf CLK_TCK)

# A free loopback port below the kernel's ephemeral range: a port from a bind to 0 is in that range,
# and while a killed gateway restarts, the load generator's reconnects can take it as their local
# port (even connect to themselves), so the restarted gateway cannot bind it.
free_port() {
  python3 - <<'PY'
import random, socket
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError):
    low = 32768
for _ in range(200):
    port = random.randrange(20000, low) if low - 20000 >= 1000 else 0
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
PY
}

wait_port() {
  local tries=${2:-300}
  for _ in $(seq "$tries"); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

GW_PORT=${GW_PORT:-$(free_port)}
GW_METRICS_PORT=${GW_METRICS_PORT:-$(free_port)}
GW_PID=

# Settings every benchmark gateway gets: loopback ports of our own (other builds share this
# machine), no submission/SMTPS/broker-admin/status listeners, SPF/DKIM/DMARC off so no DNS is
# involved, logs at WARN. Arguments to gw_start override any of them.
gw_start() {
  local data=$1 log=$2; shift 2
  mkdir -p "$data"
  env SMTP_PORT="$GW_PORT" METRICS_PORT="$GW_METRICS_PORT" SUBMISSION_PORT=-1 SMTPS_PORT=-1 \
    BROKER_PORT=0 HTTP_PORT=-1 LOG_LEVEL=WARN DATA_DIR="$data" \
    SPF_CHECK_ENABLED=false DKIM_VERIFY_ENABLED=false DMARC_CHECK_ENABLED=false \
    "$@" java ${GW_JAVA_OPTS:-} -jar "$BENCH_ROOT/target/mail-gateway.jar" >>"$log" 2>&1 &
  GW_PID=$!
  if ! wait_port "$GW_PORT" 600; then
    echo "gateway did not open 127.0.0.1:$GW_PORT within 120 s; last lines of $log:" >&2
    tail -5 "$log" >&2
    return 1
  fi
}

gw_stop() {
  [ -n "$GW_PID" ] || return 0
  kill "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
  GW_PID=
}

gw_kill9() {
  kill -9 "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
  GW_PID=
}

cpu_seconds() { awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

queue_depths() {
  curl -s --max-time 5 "http://127.0.0.1:$GW_METRICS_PORT/metrics" |
    sed -n 's/^smtp_queue_size{.*queue="\([^"]*\)".*} \([0-9.eE+]*\)$/\1 \2/p' | awk '{ printf "%s=%d ", $1, $2 }'
}

wait_drained() {
  local depths
  for _ in $(seq 3000); do
    depths=$(queue_depths)
    [ -n "$depths" ] && ! grep -Eq '(store\.[a-z0-9]+|delivery)=[1-9]' <<<"$depths" && return 0
    sleep 0.2
  done
  echo "queues not empty after 10 min: $depths" >&2
  return 1
}

# Builds target/mail-gateway.jar unless it is there (BUILD=1 rebuilds).
gw_build() {
  if [ "${BUILD:-0}" = 1 ] || [ ! -f "$BENCH_ROOT/target/mail-gateway.jar" ]; then
    (cd "$BENCH_ROOT" && ./mvnw -B -q package -DskipTests)
  fi
}

BG= BG2=
cleanup_on_exit() {
  CLEANUP_PATHS=("$@")
  trap gw_cleanup EXIT
}
gw_cleanup() {
  [ -n "$BG" ] && kill "$BG" 2>/dev/null
  gw_stop
  [ -z "$BG2" ] || kill "$BG2" 2>/dev/null || true  # it may have ended already; errexit must not skip the rest
  [ "${KEEP:-0}" = 1 ] || [ ${#CLEANUP_PATHS[@]} = 0 ] || rm -rf "${CLEANUP_PATHS[@]}"
}
