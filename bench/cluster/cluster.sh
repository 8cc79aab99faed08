#!/usr/bin/env bash
# A gateway cluster on one machine, on loopback (issue 14, docs/deployment.md "Several nodes"):
# PostgreSQL (the shared SQL store), Redis (shared rate limits and greylisting), N gateway JVMs
# (default 3) each with its own ports and DATA_DIR, clustered brokers with ring replication
# (node i holds the replica of node i-1, node 1 that of node N; file lock manager on a shared
# directory), and HAProxy in front of them on one SMTP port (send-proxy-v2, SMTP health check).
#
#   bench/cluster/cluster.sh start [N]     start everything, print the ports
#   bench/cluster/cluster.sh status        each process alive?, each node and HAProxy answer 220?
#   bench/cluster/cluster.sh stop          stop everything, by PID file only (data kept)
#   bench/cluster/cluster.sh restart-node I   start node I again on its DATA_DIR (after a kill -9)
#   bench/cluster/cluster.sh clean         stop, then remove the run directory
#
# Everything lives in bench/cluster/run/ (or $CLUSTER_RUN): ports.env (what load.sh reads),
# secrets.env, nodeI/gateway.env (the node's whole configuration, as CONFIG_FILE), nodeI/data,
# nodeI/gateway.log, pg/, redis/, haproxy.cfg, haproxy.log, *.pid.
# Builds nothing: run `./mvnw -q -DskipTests package` first. Needs Debian's postgresql,
# redis-server and haproxy (apt-get install postgresql redis-server haproxy).
# Environment: CACHE_BACKEND (redis), GW_JAVA_OPTS (-Xmx384m), LOG_LEVEL (WARN), GW_EXTRA (extra
# KEY=VALUE lines, separated by spaces, appended to every node's gateway.env).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
run=${CLUSTER_RUN:-$here/run}
jar=$root/target/mail-gateway.jar

# free_port, wait_port
. "$here/../lib/gateway.sh"
die() { echo "cluster: $*" >&2; exit 1; }

# PID in FILE, if that process is alive and its command line contains PATTERN (a reused PID of
# another program is never taken for ours).
live_pid() {
  local file=$1 pattern=$2 pid
  [ -s "$file" ] || return 1
  pid=$(head -1 "$file")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern" && echo "$pid"
}

# Prints the SMTP reply line HOST:PORT greets with; with "proxy" it first sends a PROXY v1 header
# as HAProxy would (a node with PROXY_PROTOCOL=true says nothing without one).
greeting() {
  python3 - "$1" "${2:-}" <<'EOF'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    if sys.argv[2] == "proxy":
        s.sendall(b"PROXY TCP4 127.0.0.1 127.0.0.1 40000 25\r\n")
    line = s.makefile("rb").readline().decode(errors="replace").strip()
    s.sendall(b"QUIT\r\n")
    print(line or "(closed without a greeting)")
except OSError as e:
    print(f"({e})")
EOF
}

# PostgreSQL runs as the postgres user when we are root (initdb and postgres refuse root).
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || die "PostgreSQL not found: apt-get install postgresql (Debian's initdb/pg_ctl in /usr/lib/postgresql/VERSION/bin)"
  echo "$d"
}

start_postgres() {
  local bin; bin=$(pg_bin)
  mkdir -p "$run/pg"
  [ "$(id -u)" = 0 ] && chown postgres: "$run/pg"
  if [ ! -f "$run/pg/data/PG_VERSION" ]; then
    printf '%s\n' "$PG_PASSWORD" >"$run/pg/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$run/pg/pwfile"
    as_pg "$bin/initdb" -D "$run/pg/data" -U gateway --pwfile="$run/pg/pwfile" -A scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$run/pg/initdb.log" 2>&1 || die "initdb failed: see $run/pg/initdb.log"
    rm -f "$run/pg/pwfile"
  fi
  # TCP on loopback only; the socket directory is ours, not /var/run/postgresql.
  as_pg "$bin/pg_ctl" -D "$run/pg/data" -l "$run/pg/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $run/pg -c max_connections=100" >/dev/null \
    || die "PostgreSQL did not start: see $run/pg/postgres.log"
  PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres -Atqc \
    "select 1 from pg_database where datname='mail'" | grep -q 1 \
    || PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres -qc "create database mail" \
    || die "could not create database mail"
}

# Redis without persistence: it holds only rate-limit buckets and greylist triplets here, state
# that may be lost (a restart refills buckets and greylists a known sender once more); the bench
# measures the gateways, not Redis' fsyncs. Production notes (AOF) are in docs/deployment.md.
start_redis() {
  command -v redis-server >/dev/null || die "redis-server not found: apt-get install redis-server"
  mkdir -p "$run/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
    --dir "$run/redis" --pidfile "$run/redis.pid" --logfile "$run/redis/redis.log" >/dev/null || die "redis-server did not start: see $run/redis/redis.log"
  wait_port "$REDIS_PORT" 50 || die "redis-server did not open port $REDIS_PORT"
}

# One node's whole configuration, the file docs/deployment.md shows (CONFIG_FILE).
write_node_env() {
  local i=$1 n=$2 prev peers="" j
  prev=$(( i == 1 ? n : i - 1 ))
  for ((j = 1; j <= n; j++)); do [ "$j" = "$i" ] || peers+="${peers:+,}127.0.0.1:$(port CLUSTER "$j")"; done
  mkdir -p "$run/node$i/data"
  {
    echo "# node $i of $n (written by bench/cluster/cluster.sh)"
    echo "NODE_ID=$i"
    echo "SMTP_HOSTNAME=node$i.cluster.test"
    echo "BIND_ADDRESS=127.0.0.1"
    echo "SMTP_PORT=$(port SMTP "$i")"
    echo "PROXY_PROTOCOL=true"
    echo "SUBMISSION_PORT=-1"
    echo "SMTPS_PORT=-1"
    echo "METRICS_PORT=$(port METRICS "$i")"
    echo "HTTP_PORT=$(port HTTP "$i")"
    echo "BROKER_PORT=$(port BROKER "$i")"
    echo "DATA_DIR=$run/node$i/data"
    echo "LOG_LEVEL=${LOG_LEVEL:-WARN}"
    echo "# stores: the shared PostgreSQL, and each node's own Maildir"
    echo "STORAGE_TYPE=sql,maildir"
    echo "DB_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/mail"
    echo "DB_USER=gateway"
    echo "DB_PASSWORD=$PG_PASSWORD"
    echo "# shared rate limits and greylisting"
    echo "CACHE_BACKEND=${CACHE_BACKEND:-redis}"
    echo "REDIS_HOST=127.0.0.1"
    echo "REDIS_PORT=$REDIS_PORT"
    echo "REDIS_DB=0"
    echo "REDIS_POOL_SIZE=8"
    echo "# broker cluster: this node's acceptor for its peers, and the peers'"
    if [ "$n" -gt 1 ]; then
      echo "CLUSTER_PORT=$(port CLUSTER "$i")"
      echo "CLUSTER_HOST=127.0.0.1"
      echo "CLUSTER_PEERS=$peers"
      echo "CLUSTER_USER=mail-gateway-cluster"
      echo "CLUSTER_PASSWORD=$CLUSTER_PASSWORD"
      echo "# HA: this node runs the replica of node $prev; one lock directory for every pair"
      echo "HA_LOCK_MANAGER=file"
      echo "HA_LOCKS_DIR=$run/ha-locks"
      echo "HA_REPLICA_OF=$prev"
      echo "HA_REPLICA_PORT=$(port REPLICA "$i")"
    else
      echo "CLUSTER_PORT=0"
      echo "HA_LOCK_MANAGER=none"
    fi
    echo "# no DNS here: the mail-authentication checks are off"
    echo "SPF_CHECK_ENABLED=false"
    echo "DKIM_VERIFY_ENABLED=false"
    echo "DMARC_CHECK_ENABLED=false"
    for kv in ${GW_EXTRA:-}; do echo "$kv"; done
  } >"$run/node$i/gateway.env"
  chmod 600 "$run/node$i/gateway.env"
}

port() { local v="${1}_PORT_$2"; echo "${!v}"; }

start_node() {
  local i=$1 log
  log=$run/node$i/gateway.log
  if live_pid "$run/node$i.pid" "$jar" >/dev/null; then echo "node $i already runs"; return 0; fi
  echo "--- start $(date -u +%FT%TZ)" >>"$log"
  # setsid: the node outlives this script and is not in its process group; stop uses node$i.pid.
  CONFIG_FILE=$run/node$i/gateway.env setsid java ${GW_JAVA_OPTS:--Xmx384m} -jar "$jar" >>"$log" 2>&1 </dev/null &
  echo $! >"$run/node$i.pid"
}

wait_node() {
  local i=$1 pid
  for _ in $(seq 900); do
    pid=$(live_pid "$run/node$i.pid" "$jar") || {
      echo "node $i exited during startup; last lines of $run/node$i/gateway.log:" >&2
      tail -5 "$run/node$i/gateway.log" >&2
      grep -q "CACHE_BACKEND" "$run/node$i/gateway.log" &&
        echo "hint: this build refuses CACHE_BACKEND=redis (not landed yet): CACHE_BACKEND=memory $0 start" >&2
      return 1
    }
    (exec 3<>"/dev/tcp/127.0.0.1/$(port SMTP "$i")") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "node $i did not open its SMTP port within 180 s" >&2
  return 1
}

start_haproxy() {
  local n=$1 i
  [ -x /usr/sbin/haproxy ] || die "haproxy not found: apt-get install haproxy"
  # The documented configuration (docs/haproxy/haproxy.cfg ends in its backend's first server
  # line), one more server line per node, and a stats page for `status`.
  {
    cat "$root/docs/haproxy/haproxy.cfg"
    for ((i = 2; i <= n; i++)); do echo "    server gw$i \${GATEWAY_$i}"; done
    echo
    echo "listen stats"
    echo "    mode http"
    echo "    bind 127.0.0.1:$HAPROXY_STATS_PORT"
    echo "    stats enable"
    echo "    stats uri /"
  } >"$run/haproxy.cfg"
  local envs=(SMTP_FRONT="127.0.0.1:$HAPROXY_PORT")
  for ((i = 1; i <= n; i++)); do envs+=("GATEWAY_$i=127.0.0.1:$(port SMTP "$i")"); done
  env "${envs[@]}" /usr/sbin/haproxy -c -q -f "$run/haproxy.cfg" || die "haproxy rejects $run/haproxy.cfg"
  env "${envs[@]}" setsid /usr/sbin/haproxy -db -f "$run/haproxy.cfg" >>"$run/haproxy.log" 2>&1 </dev/null &
  echo $! >"$run/haproxy.pid"
  wait_port "$HAPROXY_PORT" 50 || die "haproxy did not open port $HAPROXY_PORT: see $run/haproxy.log"
}

cmd_start() {
  local n=${1:-3} i
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "N must be 1..99, got '$n'"
  [ -f "$jar" ] || die "$jar is missing: run ./mvnw -q -DskipTests package first"
  [ -f "$run/ports.env" ] && any_alive && die "already running (bench/cluster/cluster.sh status); stop first"
  mkdir -p "$run/ha-locks"
  chmod 711 "$run"  # postgres (PostgreSQL runs as it) may pass through to pg/, read nothing else
  # Secrets are made once per run directory: PostgreSQL's data keeps its password.
  if [ ! -f "$run/secrets.env" ]; then
    rnd() { python3 -c 'import secrets; print(secrets.token_urlsafe(18))'; }
    { echo "PG_PASSWORD=$(rnd)"; echo "CLUSTER_PASSWORD=$(rnd)"; } >"$run/secrets.env"
    chmod 600 "$run/secrets.env"
  fi
  . "$run/secrets.env"
  # Fresh free ports at every start (other builds on this machine take ports too).
  {
    echo "N=$n"
    echo "PG_PORT=$(free_port)"; echo "REDIS_PORT=$(free_port)"
    echo "HAPROXY_PORT=$(free_port)"; echo "HAPROXY_STATS_PORT=$(free_port)"
    for ((i = 1; i <= n; i++)); do
      for k in SMTP METRICS HTTP BROKER CLUSTER REPLICA; do echo "${k}_PORT_$i=$(free_port)"; done
    done
  } >"$run/ports.env"
  . "$run/ports.env"
  start_postgres
  start_redis
  for ((i = 1; i <= n; i++)); do write_node_env "$i" "$n"; start_node "$i"; done
  for ((i = 1; i <= n; i++)); do wait_node "$i" || { cmd_stop; exit 1; }; done
  start_haproxy "$n"
  print_ports
}

print_ports() {
  local i
  echo "cluster of $N nodes, run directory $run"
  echo "  SMTP via HAProxy  127.0.0.1:$HAPROXY_PORT   (HAProxy stats http://127.0.0.1:$HAPROXY_STATS_PORT/)"
  echo "  PostgreSQL        127.0.0.1:$PG_PORT db=mail user=gateway (password in secrets.env)"
  echo "  Redis             127.0.0.1:$REDIS_PORT (no password: the gateway has no REDIS_PASSWORD key yet)"
  for ((i = 1; i <= N; i++)); do
    printf '  node %s  smtp=%s metrics=%s http=%s broker-admin=%s cluster=%s replica=%s  %s\n' "$i" \
      "$(port SMTP "$i")" "$(port METRICS "$i")" "$(port HTTP "$i")" "$(port BROKER "$i")" \
      "$(port CLUSTER "$i")" "$(port REPLICA "$i")" "$run/node$i/gateway.env"
  done
}

any_alive() {
  . "$run/ports.env"
  local i
  live_pid "$run/haproxy.pid" haproxy >/dev/null && return 0
  live_pid "$run/redis.pid" redis-server >/dev/null && return 0
  live_pid "$run/pg/data/postmaster.pid" postgres >/dev/null && return 0
  for ((i = 1; i <= N; i++)); do live_pid "$run/node$i.pid" "$jar" >/dev/null && return 0; done
  return 1
}

cmd_status() {
  [ -f "$run/ports.env" ] || die "not started (no $run/ports.env)"
  . "$run/ports.env"
  local i pid bad=0
  show() { if [ -n "$2" ]; then printf '  %-10s pid %-8s %s\n' "$1" "$2" "$3"; else printf '  %-10s DOWN\n' "$1"; bad=1; fi; }
  show postgres "$(live_pid "$run/pg/data/postmaster.pid" postgres || true)" "127.0.0.1:$PG_PORT"
  show redis "$(live_pid "$run/redis.pid" redis-server || true)" "127.0.0.1:$REDIS_PORT"
  for ((i = 1; i <= N; i++)); do
    pid=$(live_pid "$run/node$i.pid" "$jar" || true)
    show "node $i" "$pid" "$([ -n "$pid" ] && greeting "$(port SMTP "$i")" proxy)"
  done
  pid=$(live_pid "$run/haproxy.pid" haproxy || true)
  show haproxy "$pid" "$([ -n "$pid" ] && greeting "$HAPROXY_PORT")"
  if [ -n "$pid" ]; then
    # HAProxy's own view of its servers (health check state), from the stats CSV.
    curl -s --max-time 5 "http://127.0.0.1:$HAPROXY_STATS_PORT/;csv" |
      awk -F, '$1 == "gateways" && $2 ~ /^gw/ { printf "  haproxy sees %s %s\n", $2, $18 }'
  fi
  return $bad
}

# SIGTERM, then up to 40 s (the gateway's SHUTDOWN_TIMEOUT is 25 s), then SIGKILL.
stop_pid() {
  local name=$1 pid=$2
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || { echo "stopped $name (pid $pid)"; return 0; }; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  echo "killed $name (pid $pid) after 40 s"
}

cmd_stop() {
  [ -f "$run/ports.env" ] || { echo "nothing to stop (no $run/ports.env)"; return 0; }
  . "$run/ports.env"
  local i pids=()
  stop_pid haproxy "$(live_pid "$run/haproxy.pid" haproxy || true)"
  # The nodes stop together (each finishes its messages in flight), then the shared services.
  for ((i = 1; i <= N; i++)); do
    pids[i]=$(live_pid "$run/node$i.pid" "$jar" || true)
    [ -n "${pids[i]}" ] && kill "${pids[i]}" 2>/dev/null
  done
  for ((i = 1; i <= N; i++)); do stop_pid "node $i" "${pids[i]}"; done
  stop_pid redis "$(live_pid "$run/redis.pid" redis-server || true)"
  if live_pid "$run/pg/data/postmaster.pid" postgres >/dev/null; then
    as_pg "$(pg_bin)/pg_ctl" -D "$run/pg/data" -m fast -w stop >/dev/null && echo "stopped postgres"
  fi
}

case "${1:-}" in
  start) cmd_start "${2:-3}" ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  restart-node)
    [ -f "$run/ports.env" ] || die "not started"
    . "$run/ports.env"; . "$run/secrets.env"
    [[ "${2:-}" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le "$N" ] || die "restart-node needs a node number 1..$N"
    start_node "$2"; wait_node "$2" && echo "node $2 runs again (pid $(cat "$run/node$2.pid"))" ;;
  clean) cmd_stop; rm -rf "$run"; echo "removed $run" ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
