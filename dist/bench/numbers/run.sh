#!/usr/bin/env bash
# One numbers server holding STREAMS (10,000) concurrent stateful streams at one message per second
# each, with the ZooKeeper session store: heap per session, CPU, and whether every stream keeps pace.
# Run from anywhere: dist/bench/numbers/run.sh   (env: STREAMS, COUNT, HOLD seconds, ZK_PORT, PORT)
# Bounded: ramp at most 120 s, then HOLD s (default 30) of measurement; loopback only; ports 19000-19099.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
STREAMS="${STREAMS:-10000}"
COUNT="${COUNT:-65535}"
HOLD="${HOLD:-30}"
ZK_PORT="${ZK_PORT:-19001}"
PORT="${PORT:-19002}"
bin="$root/dist/bin"

ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((STREAMS + 1000)) ]; then
  echo "ulimit -n is $(ulimit -n): too low for $STREAMS streams" >&2
  exit 1
fi
has_bench() { unzip -l "$root"/dist/target/lib/numbers-*.jar 2>/dev/null | grep -q NumbersBench; }
if [ -z "${TCPMESH_CLASSPATH:-}" ] && ! has_bench; then
  # no assembled dist with this module yet: run from the module's own build
  (cd "$root" && mvn -B -o -q -pl numbers package -DskipTests \
     && mvn -B -o -q -pl numbers dependency:build-classpath -Dmdep.outputFile=/tmp/numbers-bench-cp.txt)
  export TCPMESH_CLASSPATH="$root/numbers/target/classes:$(cat /tmp/numbers-bench-cp.txt)"
fi

work="$(mktemp -d /tmp/numbers-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "nothing listening on port $1" >&2
  exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
live_heap() { jcmd "$1" GC.class_histogram | awk '/^Total/ {print $3}'; }

"$bin/zookeeper" --port "$ZK_PORT" --data-dir "$work/zk" > "$work/zk.log" 2>&1 &
zk=$!; pids+=("$zk")
wait_port "$ZK_PORT"
TCPMESH_HEAP=1g "$bin/numbers-server" --port "$PORT" --bind 127.0.0.1 --zk "127.0.0.1:$ZK_PORT" --zk-root /numbers-bench \
  --max-sessions $((STREAMS + 100)) > "$work/server.log" 2>&1 &
server=$!; pids+=("$server")
wait_port "$PORT"
sleep 2
heap0="$(live_heap "$server")"

TCPMESH_HEAP=512m "$bin/tcpmesh-java" io.tcpmesh.numbers.bench.NumbersBench --port "$PORT" --streams "$STREAMS" \
  --count "$COUNT" --hold "${HOLD}s" > "$work/client.log" 2>&1 &
client=$!; pids+=("$client")
for _ in $(seq 1300); do
  grep -q READY "$work/client.log" && break
  kill -0 "$client" 2>/dev/null || break
  sleep 0.1
done
grep -q READY "$work/client.log" || { cat "$work/client.log" "$work/server.log" | tail -20 >&2; exit 1; }

hz="$(getconf CLK_TCK)"
s0="$(cpu_ticks "$server")"; z0="$(cpu_ticks "$zk")"; c0="$(cpu_ticks "$client")"; t0="$(date +%s.%N)"
sleep "$HOLD"
s1="$(cpu_ticks "$server")"; z1="$(cpu_ticks "$zk")"; c1="$(cpu_ticks "$client")"; t1="$(date +%s.%N)"
heap1="$(live_heap "$server")"
jcmd "$server" GC.class_histogram | head -18 > "$work/histogram.txt"
threads="$(ls "/proc/$server/task" | wc -l)"
rss="$(awk '/VmRSS/ {print $2}' "/proc/$server/status")"
wait "$client" || true

pct() { awk -v a="$1" -v b="$2" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.1f", (b - a) / hz / (t1 - t0) * 100}'; }
echo "## numbers: $STREAMS stateful streams of $COUNT messages at 1/s, ZooKeeper store"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), Linux $(uname -r)"
echo "- client: $(grep -E '^opened' "$work/client.log")"
echo "- client: $(grep -E '^window' "$work/client.log")"
echo "- server live heap: $heap0 bytes idle, $heap1 bytes with the streams: $(( (heap1 - heap0) / STREAMS )) bytes per stream"
echo "- server RSS $((rss / 1024)) MiB, $threads threads"
echo "- CPU over the ${HOLD} s window (% of one core): server $(pct "$s0" "$s1"), ZooKeeper $(pct "$z0" "$z1"), bench client $(pct "$c0" "$c1")"
echo
echo "Server heap, largest classes with the streams open (jcmd GC.class_histogram):"
echo
echo '```'
cat "$work/histogram.txt"
echo '```'
