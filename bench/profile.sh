#!/usr/bin/env bash
# Where the gateway's CPU goes, as a flame graph: async-profiler (sampling in the kernel and the JVM,
# so syscalls, the scheduler, the JIT and the GC show beside Java frames) attached to a warm gateway
# for exactly the measured load, not its start or warm-up.
#
# Starts the packaged jar (any gateway setting given as an argument or in the environment passes
# through), sends WARMUP_MESSAGES with smtp_blast.py, waits for empty store queues, attaches the
# profiler (jcmd JVMTI.agent_load), sends MESSAGES, waits until the stores hold them, detaches, and
# writes bench/results/NAME-flame.html (open it in a browser) and NAME-stacks.txt (collapsed stacks,
# one per line with its sample count: grep-able), then a summary by stage on stdout.
#
# Environment: SESSIONS (100), SIZE (1024), MESSAGES (20000), WARMUP_MESSAGES (100000), INTERVAL
# (1ms of CPU between samples), NAME (profile-DATE), ASYNC_PROFILER (4.1: tools.profiler:async-profiler
# from Maven Central, fetched once into ~/.m2 by ./mvnw). Load on 127.0.0.1 only.
#   bench/profile.sh                                  1 KiB at 100 sessions
#   SIZE=10485760 SESSIONS=4 MESSAGES=60 WARMUP_MESSAGES=60 bench/profile.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/gateway.sh"
sessions=${SESSIONS:-100} size=${SIZE:-1024} messages=${MESSAGES:-20000} warmup=${WARMUP_MESSAGES:-100000}
interval=${INTERVAL:-1ms} version=${ASYNC_PROFILER:-4.1} name=${NAME:-profile-$(date -u +%F)}
out=$here/results
command -v jcmd >/dev/null || { echo "jcmd (the JDK) is needed to attach the profiler" >&2; exit 1; }
case "$(uname -m)" in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) echo "no async-profiler build for $(uname -m)" >&2; exit 1 ;; esac

jar=$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
[ -f "$jar" ] || (cd "$BENCH_ROOT" && ./mvnw -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$version" >&2)
work=$(mktemp -d /tmp/gateway-profile.XXXXXX)
cleanup_on_exit "$work"
(cd "$work" && unzip -q -o "$jar" "$arch/libasyncProfiler.so")
lib=$work/$arch/libasyncProfiler.so
# agent_load's option string is quoted: unquoted, jcmd would read "start,event" as an option name
# (jcmd exits 0 even when the agent refuses: its "return code" line says)
profiler() {
  local said; said=$(jcmd "$GW_PID" JVMTI.agent_load "$lib" "\"$1\"" 2>&1)
  grep -q 'return code: 0' <<<"$said" || { echo "async-profiler refused '$1': $said" >&2; exit 1; }
}
blast() { python3 "$SHARED_BENCH/smtp_blast.py" --port "$GW_PORT" --connections "$sessions" --messages "$1" --size "$size" --timeout 600; }

gw_build
# DebugNonSafepoints: Java frames attributed where the CPU is, not at the next safepoint
GW_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints ${GW_JAVA_OPTS:-}" gw_start "$work/data" "$work/gateway.log" "$@"
echo "warm-up: $warmup messages" >&2
blast "$warmup" >/dev/null
wait_drained
profiler "start,event=cpu,interval=$interval"
c0=$(cpu_seconds "$GW_PID")
line=$(blast "$messages")
wait_drained
c1=$(cpu_seconds "$GW_PID")
# the same samples twice: as collapsed stacks (dump keeps them), then as the flame graph (stop)
profiler "dump,file=$out/$name-stacks.txt,collapsed"
profiler "stop,file=$out/$name-flame.html,flamegraph"
echo "load: $line"
echo "gateway CPU: $(awk -v a="$c0" -v b="$c1" -v n="$messages" 'BEGIN { printf "%.3f ms per message (load and store drain)", 1000 * (b - a) / n }')"
python3 - "$out/$name-stacks.txt" <<'PY'
import collections, sys
stages = [  # first match wins, tested against the whole stack
    ("JIT compiler", ("CompileBroker",)),
    ("garbage collector", ("G1", "GCTaskThread", "ConcurrentGCThread", "WorkerThread::run")),
    ("stores (Maildir, SQL, archive, S3)", ("io/mailgateway/store/",)),
    ("SMTP event loops (parsing, DATA, replies)", ("io/netty/channel/epoll", "io/netty/channel/nio")),
    ("inbound route and the durable send", ("smtp/camel/SmtpdConsumer", "broker/AcceptedQueue")),
    ("broker (Artemis threads)", ("org/apache/activemq",)),
]
total, by, kernel = 0, collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, n = line.rsplit(" ", 1)
    n = int(n); total += n
    by[next((s for s, keys in stages if any(k in stack for k in keys)), "other")] += n
    kernel += n if stack.split(";")[-1].endswith("_[k]") else 0
print(f"{total} samples; {100 * kernel / max(total, 1):.1f} % of them in the kernel")
for stage, n in by.most_common():
    print(f"{100 * n / max(total, 1):5.1f} %  {stage}")
PY
echo "flame graph: $out/$name-flame.html; stacks: $out/$name-stacks.txt" >&2
