#!/usr/bin/env bash
# The load benchmarks in one go, written to bench/results/NAME.md with PNG plots (gnuplot):
#   1. acceptance: ../shared/bench/compare.sh, gateway (SPF/DKIM/DMARC off, STORAGE_TYPE=maildir,sql)
#      against smtp-sink, Postfix (discard) and Haraka, in turns; gateway CPU per message for
#      acceptance alone (CPU while the load ran / messages) and end to end (until both stores hold
#      every message), and its RSS;
#   2. latency: ../shared/bench/smtp_blast.py at 1, 10, 100, 1000 sessions x 1 KiB, 100 KiB, 10 MiB
#      against every target, message count per cell bounded by CELL_MESSAGES and CELL_BYTES; each
#      gateway cell starts with empty store queues;
#   2b. the p99 target in turns: P99_ROUNDS rounds of smtp_blast.py at 100 sessions x 1 KiB, gateway
#      then smtp-sink back to back, each round's p99 ratio and the median;
#   3. end to end: ../shared/bench/e2e.sh, gateway (maildir,sql) against Postfix delivering into a
#      Maildir (postfix-peer.sh with PEER_POSTFIX_MODE=maildir; switched back to discard at the end);
#   4. sustained: SUSTAIN_SESSIONS (100) sessions of 1 KiB for SUSTAIN_SECONDS (300), the gateway's
#      queue depths (smtp_queue_size from /metrics) every SAMPLE_SECONDS (2) into NAME-queues.csv,
#      sampled on until the queues are empty (at most DRAIN_SECONDS, 180).
#
#   bench/suite.sh                 full run: about an hour on a quiet 2-core machine
#   QUICK=1 bench/suite.sh         smoke run: a few minutes, small counts, 60 s sustained
# Each freshly started gateway first gets WARMUP_MESSAGES (100000; quick 3000) that are not measured
# (JIT warm-up), in sections 1 and 3.
# Environment: ROUNDS (3; quick 1), COMPARE_MESSAGES (20000; 2000), E2E_MESSAGES (10000; 2000),
# SESSIONS_LIST ("1 10 100 1000"), SIZES ("1024 102400 10485760"), CELL_MESSAGES (5000; 500),
# CELL_BYTES (256 MiB; 32 MiB: a cell sends at most this many bytes, so 10 MiB cells send 25; 3),
# CELL_TIMEOUT (600; 60 seconds a cell may take), P99_ROUNDS (5; quick 1), P99_MESSAGES (20000; 2000),
# TARGETS ("gateway sink postfix haraka"; a peer that does not start is skipped),
# SUSTAIN_SECONDS, SUSTAIN_SESSIONS, SAMPLE_SECONDS, RESULTS_NAME (today's date, UTC), BUILD=1.
# Load goes to 127.0.0.1 only; every step is bounded by a timeout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/gateway.sh"
quick=${QUICK:-0}
q() { [ "$quick" = 1 ] && echo "$2" || echo "$1"; }
rounds=${ROUNDS:-$(q 3 1)}
compare_msgs=${COMPARE_MESSAGES:-$(q 20000 2000)}
e2e_msgs=${E2E_MESSAGES:-$(q 10000 2000)}
warmup_msgs=${WARMUP_MESSAGES:-$(q 100000 3000)}
sessions_list=${SESSIONS_LIST:-1 10 100 1000}
sizes=${SIZES:-1024 102400 10485760}
cell_msgs=${CELL_MESSAGES:-$(q 5000 500)}
cell_bytes=${CELL_BYTES:-$(q 268435456 33554432)}
cell_timeout=${CELL_TIMEOUT:-$(q 600 60)}
p99_rounds=${P99_ROUNDS:-$(q 5 1)}
p99_msgs=${P99_MESSAGES:-$(q 20000 2000)}
sustain_s=${SUSTAIN_SECONDS:-$(q 300 60)}
sustain_sessions=${SUSTAIN_SESSIONS:-100}
sample_s=${SAMPLE_SECONDS:-2}
name=${RESULTS_NAME:-$(date -u +%F)}
out=$here/results
mkdir -p "$out"
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/gateway-suite.XXXXXX)
rows=$work/rows.tsv    # section target sessions size messages mps e2e_mps p50 p95 p99 cpu_ms rss_mib
raw=$out/$name-raw.txt
: >"$rows"; : >"$raw"
log() { echo "$*" | tee -a "$raw" >&2; }

command -v gnuplot >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null; }
gw_build

# Gateway: shipped defaults except loopback ports of its own, checks off (no DNS: the figure is
# the gateway's own path) and a listener cap above the 1000-session cell.
gateway_env=(STORAGE_TYPE=maildir,sql MAX_CONNECTIONS=1100)
cleanup_on_exit "$work"
start_rss_sampler() { (while kill -0 "$GW_PID" 2>/dev/null; do rss_kb "$GW_PID"; sleep 0.5; done) >"$work/rss" & BG=$!; }
# stops the sampler (in this shell, so BG is cleared here) and sets RSS to the largest sample, MiB
stop_rss_sampler() { kill "$BG" 2>/dev/null; wait "$BG" 2>/dev/null || true; BG=; RSS=$(sort -n "$work/rss" | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'); }
stored() { bash "$SHARED_BENCH/count-gateway.sh" "$1"; }
# waits until the gateway's stores hold $2 messages (at most $3 seconds)
wait_stored() { local end=$((SECONDS + $3)); while [ "$(stored "$1")" -lt "$2" ] && [ $SECONDS -lt $end ]; do sleep 0.5; done; }
# CPU milliseconds per message: ms_per_msg CPU_END CPU_START MESSAGES
ms_per_msg() { awk -v e="$1" -v s="$2" -v n="${3:-0}" 'BEGIN { if (n > 0) printf "%.2f", 1000 * (e - s) / n; else printf "nan" }'; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# JIT warm-up of a freshly started gateway: WARMUP_MESSAGES at 100 sessions, not counted, then
# until its stores hold them. A JVM compiles its hot code only after some thousand calls: without
# this, the first measured round runs half-interpreted (in one run its e2e rounds went 1,167,
# 2,057, 2,424/s). 100,000 because the C2 compiler was still busy after 40,000 (rounds of 20,000
# at 100 sessions on a fresh gateway, 2 cores: 1,145, 2,133, 3,263, then 3,300-4,250/s, C2 CPU
# 7.0, 3.7, 0.6 s, then under 0.4 s a round). The peers are native programs and get no warm-up.
gw_warm() {
  local before; before=$(stored "$1")
  timeout 600 smtp-source -d -s 100 -m "$warmup_msgs" -l 1024 -f sender@example.org -t user@example.com \
    "127.0.0.1:$GW_PORT" >/dev/null 2>>"$raw" || log "warm-up: smtp-source failed"
  wait_stored "$1" $((before + warmup_msgs)) 600
}

# ---- peers
declare -A port=([sink]=2600 [postfix]=2625 [haraka]=2700)
targets=()
for t in ${TARGETS:-gateway sink postfix haraka}; do
  if [ "$t" = gateway ] || PEER_POSTFIX_MODE=discard timeout 300 bash "$SHARED_BENCH/$t-peer.sh" start >>"$raw" 2>&1; then
    targets+=("$t")
  else
    log "skip $t: its peer script did not start it"
  fi
done
port[gateway]=$GW_PORT
data=$work/accept
gw_start "$data" "$work/gateway.log" "${gateway_env[@]}"
gw_warm "$data"

# ---- 1. acceptance, side by side
log "== compare.sh: ROUNDS=$rounds MESSAGES=$compare_msgs SESSIONS=100 SIZE=1024 targets: ${targets[*]}"
before=$(stored "$data"); start_rss_sampler; c0=$(cpu_seconds "$GW_PID")
TARGETS="${targets[*]}" ROUNDS=$rounds MESSAGES=$compare_msgs bash "$SHARED_BENCH/compare.sh" "$GW_PORT" >"$work/compare.out" 2>>"$raw" || true
c1=$(cpu_seconds "$GW_PID")
wait_stored "$data" $((before + rounds * compare_msgs)) 600
c2=$(cpu_seconds "$GW_PID"); stop_rss_sampler; rss=$RSS
cat "$work/compare.out" >>"$raw"
n=$((rounds * compare_msgs))
while read -r t _ mps _; do
  mps=${mps#median_mps=}
  if [ "$t" = gateway ]; then
    echo -e "compare\t$t\t100\t1024\t$n\t$mps\t-\t-\t-\t-\t$(ms_per_msg "$c1" "$c0" $n) / $(ms_per_msg "$c2" "$c0" $n)\t$rss" >>"$rows"
  else
    echo -e "compare\t$t\t100\t1024\t$n\t$mps\t-\t-\t-\t-\t-\t-" >>"$rows"
  fi
done < <(grep median_mps "$work/compare.out")

# ---- 2. latency matrix
log "== smtp_blast.py: sessions {$sessions_list} x sizes {$sizes}, at most $cell_msgs messages / $cell_bytes bytes a cell"
for t in "${targets[@]}"; do
  for size in $sizes; do
    for s in $sessions_list; do
      m=$(( cell_bytes / size < cell_msgs ? cell_bytes / size : cell_msgs )); m=$(( m < 1 ? 1 : m ))
      # each gateway cell starts with empty store queues, so it is not charged for (and slowed by)
      # the store work of the cells before it
      [ "$t" = gateway ] && { wait_drained || true; start_rss_sampler; c0=$(cpu_seconds "$GW_PID"); }
      line=$(timeout $((cell_timeout + 60)) python3 "$SHARED_BENCH/smtp_blast.py" --port "${port[$t]}" --connections "$s" \
        --messages "$m" --size "$size" --timeout "$cell_timeout" 2>>"$raw" || true)
      log "$t sessions=$s size=$size messages=$m: $line"
      [ -n "$line" ] || line="sent=0 failed=$m (no summary: smtp_blast.py did not end within the cell timeout)"
      cpu=- rss=-
      if [ "$t" = gateway ]; then
        cpu=$(ms_per_msg "$(cpu_seconds "$GW_PID")" "$c0" "$(field sent "$line")"); stop_rss_sampler; rss=$RSS
      fi
      echo -e "blast\t$t\t$s\t$size\t$(field sent "$line") ($(field failed "$line"))\t$(field mps "$line")\t-\t$(field p50_ms "$line")\t$(field p95_ms "$line")\t$(field p99_ms "$line")\t$cpu\t$rss" >>"$rows"
    done
  done
done

# ---- 2b. the p99 target (gateway p99 <= 3 x smtp-sink's at 100 sessions, 1 KiB) in turns: the
# matrix runs each target's cells one after another, minutes apart, and on a virtual machine
# whose speed drifts that alone moved the ratio between 2.3 and 3.8 in three runs; here each round
# runs the gateway (its store queues empty first) and then smtp-sink back to back, and the report
# gives every round's ratio and their median.
if [[ " ${targets[*]} " == *" sink "* ]] && [ "$p99_rounds" -gt 0 ]; then
  log "== p99 in turns: $p99_rounds rounds of gateway then sink, 100 sessions, 1 KiB, $p99_msgs messages each"
  for r in $(seq "$p99_rounds"); do
    for t in gateway sink; do
      [ "$t" = gateway ] && { wait_drained || true; c0=$(cpu_seconds "$GW_PID"); }
      line=$(timeout $((cell_timeout + 60)) python3 "$SHARED_BENCH/smtp_blast.py" --port "${port[$t]}" --connections 100 \
        --messages "$p99_msgs" --size 1024 --timeout "$cell_timeout" 2>>"$raw" || true)
      log "p99 round $r $t: $line"
      cpu=-
      [ "$t" = gateway ] && cpu=$(ms_per_msg "$(cpu_seconds "$GW_PID")" "$c0" "$(field sent "$line")")
      echo -e "turns\t$t\t100\t$r\t$(field sent "$line") ($(field failed "$line"))\t$(field mps "$line")\t-\t$(field p50_ms "$line")\t$(field p95_ms "$line")\t$(field p99_ms "$line")\t$cpu\t-" >>"$rows"
    done
  done
fi
gw_stop

# ---- 3. end to end: accepted AND stored, gateway (maildir,sql) against Postfix into a Maildir
e2e_specs=()
data=$work/e2e
gw_start "$data" "$work/gateway.log" "${gateway_env[@]}"
gw_warm "$data"
e2e_specs+=("gateway:$GW_PORT:bash $SHARED_BENCH/count-gateway.sh $data")
if [[ " ${targets[*]} " == *" postfix "* ]] && PEER_POSTFIX_MODE=maildir bash "$SHARED_BENCH/postfix-peer.sh" start >>"$raw" 2>&1; then
  e2e_specs+=("postfix:2625:ls -f /var/lib/smtpbench/Maildir/new 2>/dev/null | grep -vc '^\.\.\?$'")
fi
log "== e2e.sh: ROUNDS=$rounds MESSAGES=$e2e_msgs SESSIONS=100 SIZE=1024: ${e2e_specs[*]%%:*}"
start_rss_sampler; c0=$(cpu_seconds "$GW_PID")
ROUNDS=$rounds MESSAGES=$e2e_msgs WAIT=600 bash "$SHARED_BENCH/e2e.sh" "${e2e_specs[@]}" >"$work/e2e.out" 2>>"$raw" || true
c1=$(cpu_seconds "$GW_PID"); stop_rss_sampler; rss=$RSS
cat "$work/e2e.out" >>"$raw"
[[ " ${targets[*]} " == *" postfix "* ]] && PEER_POSTFIX_MODE=discard bash "$SHARED_BENCH/postfix-peer.sh" start >>"$raw" 2>&1
while read -r t acc e2e _; do
  cpu=- r=-
  [ "$t" = gateway ] && { cpu="- / $(ms_per_msg "$c1" "$c0" $((rounds * e2e_msgs)))"; r=$rss; }
  echo -e "e2e\t$t\t100\t1024\t$((rounds * e2e_msgs))\t${acc#accepted_mps=}\t${e2e#e2e_mps=}\t-\t-\t-\t$cpu\t$r" >>"$rows"
done < <(grep accepted_mps "$work/e2e.out")

# ---- 4. sustained load and queue depth over time
csv=$out/$name-queues.csv
log "== sustained: $sustain_sessions sessions, 1 KiB, ${sustain_s}s; queue depths every ${sample_s}s into $(basename "$csv")"
(
  t0=$(date +%s.%N)
  echo "seconds,store.maildir,store.sql,delivery,dlq_total,rss_mib"
  while kill -0 "$GW_PID" 2>/dev/null; do
    d=$(queue_depths || true)
    python3 - "$t0" "$d" "$(rss_kb "$GW_PID")" <<'PY'
import sys, time
t0, depths, rss = float(sys.argv[1]), dict(kv.split("=") for kv in sys.argv[2].split()), int(sys.argv[3] or 0)
g = lambda k: depths.get(k, "")
dlq = sum(int(v) for k, v in depths.items() if k.endswith("dlq") or k == "store.dead-letters")
print(f"{time.time() - t0:.1f},{g('store.maildir')},{g('store.sql')},{g('delivery')},{dlq},{rss / 1024:.0f}", flush=True)
PY
    sleep "$sample_s"
  done
) >"$csv" &
qsampler=$!
c0=$(cpu_seconds "$GW_PID")
line=$(python3 "$SHARED_BENCH/smtp_blast.py" --port "$GW_PORT" --connections "$sustain_sessions" \
  --messages 100000000 --size 1024 --timeout "$sustain_s" 2>>"$raw" || true)
log "sustained: $line"
end=$((SECONDS + ${DRAIN_SECONDS:-180}))
until [ "$(queue_depths | tr ' ' '\n' | grep -E '^store\.(maildir|sql)=' | grep -vc '=0$')" = 0 ] || [ $SECONDS -ge $end ]; do sleep 1; done
sleep "$sample_s"
c1=$(cpu_seconds "$GW_PID")
kill "$qsampler" 2>/dev/null; wait "$qsampler" 2>/dev/null || true
rss=$(awk -F, 'NR > 1 && $6 > m { m = $6 } END { print m + 0 }' "$csv")
echo -e "sustain\tgateway\t$sustain_sessions\t1024\t$(field sent "$line")\t$(field mps "$line")\t-\t$(field p50_ms "$line")\t$(field p95_ms "$line")\t$(field p99_ms "$line")\t- / $(ms_per_msg "$c1" "$c0" "$(field sent "$line")")\t$rss" >>"$rows"
gw_stop

# ---- report and plots
python3 "$here/lib/suite_report.py" "$rows" "$out" "$name" "$work" \
  "QUICK=$quick ROUNDS=$rounds P99_ROUNDS=$p99_rounds P99_MESSAGES=$p99_msgs WARMUP_MESSAGES=$warmup_msgs COMPARE_MESSAGES=$compare_msgs E2E_MESSAGES=$e2e_msgs CELL_MESSAGES=$cell_msgs CELL_BYTES=$cell_bytes CELL_TIMEOUT=$cell_timeout SUSTAIN_SECONDS=$sustain_s"
for p in "$work"/*.gp; do gnuplot "$p"; done
echo "written: $out/$name.md and its PNGs"
