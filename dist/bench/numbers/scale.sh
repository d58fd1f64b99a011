#!/usr/bin/env bash
# Stored sessions at scale: PARKED (64,000) disconnected sessions kept by two numbers servers plus
# 2 x HELD (18,000) streaming ones, 100,000 stored sessions in all, in the ZooKeeper store.
# Measures ZooKeeper transactions per session, heap per session on a server and in ZooKeeper, the
# sweep over the whole store, and the resume latency (a live stream dropped and resumed on the other
# server). Run from anywhere: dist/bench/numbers/scale.sh   (env: PARKED, HELD, RESUMES, INTERVAL, HOLD)
# Needs the assembled dist (mvn -B -DskipTests package). Loopback only; ports 19011-19013.
# Bounded: every wait has a limit; everything started here is stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
PARKED="${PARKED:-64000}"
HELD="${HELD:-18000}"          # per bench process; two of them, half on each server
RESUMES="${RESUMES:-50}"     # each waits up to one interval for the old server to see the close
INTERVAL="${INTERVAL:-10s}"
HOLD="${HOLD:-60}"
ZK_PORT=19011; A=19012; B=19013
bin="$root/dist/bin"
ls "$root"/dist/target/lib/numbers-*.jar > /dev/null 2>&1 || { echo "build the dist first: mvn -B -DskipTests package" >&2; exit 1; }

ulimit -n "$(ulimit -Hn)"
# each server holds HELD connections (half of each of the two benches), each bench HELD
if [ "$(ulimit -n)" -lt $((HELD + 1000)) ]; then
  echo "ulimit -n is $(ulimit -n): too low for $HELD connections per process" >&2
  exit 1
fi

work="$(mktemp -d /tmp/numbers-scale.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "nothing listening on port $1" >&2
  exit 1
}
wait_line() { # file word pid seconds
  for _ in $(seq $(( $4 * 10 ))); do
    grep -q "$2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "$2" "$1" || { tail -20 "$1" >&2; exit 1; }
}
live_heap() { jcmd "$1" GC.class_histogram | awk '/^Total/ {print $3}'; }

# ZOOKEEPER_OPTS: e.g. -Dzookeeper.forceSync=no on a disk shared with other work (say so with the figures)
JAVA_OPTS="${ZOOKEEPER_OPTS:-}" TCPMESH_HEAP=2g "$bin/zookeeper" --port "$ZK_PORT" --data-dir "$work/zk" > "$work/zk.log" 2>&1 &
zk=$!; pids+=("$zk")
wait_port "$ZK_PORT"
for port in $A $B; do
  TCPMESH_HEAP=1g "$bin/numbers-server" --port "$port" --bind 127.0.0.1 --zk "127.0.0.1:$ZK_PORT" --zk-root /numbers-scale \
    --interval "$INTERVAL" --expiry 30m --max-sessions $((HELD + 500)) > "$work/server-$port.log" 2>&1 &
  pids+=("$!")
  wait_port "$port"
done
sa="${pids[1]}"; sb="${pids[2]}"
sleep 2
zheap0="$(live_heap "$zk")"; aheap0="$(live_heap "$sa")"; bheap0="$(live_heap "$sb")"
# exec: a bench started with & is then its own pid, which the cleanup stops
bench() { TCPMESH_HEAP=768m exec "$bin/tcpmesh-java" io.tcpmesh.numbers.bench.NumbersBench --port "$A,$B" --local-addresses 4 \
  --zk "127.0.0.1:$ZK_PORT" --zk-root /numbers-scale --count 65535 "$@"; }

(bench --park "$PARKED" --id-prefix parked > "$work/park.log" 2>&1)
zheap1="$(live_heap "$zk")"; aheap1="$(live_heap "$sa")"; bheap1="$(live_heap "$sb")"

per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {printf "%.0f", (b - a) / n}'; }
echo "## numbers: $((PARKED + 2 * HELD)) stored stateful sessions on two servers ($PARKED disconnected, $((2 * HELD)) streaming at one message per $INTERVAL)"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- parking: $(grep -E '^parked' "$work/park.log")"
echo "- parking: $(grep -E '^zookeeper' "$work/park.log")"
echo "- ZooKeeper live heap: $zheap0 idle, $zheap1 with $PARKED parked sessions ($(per "$zheap0" "$zheap1" "$PARKED") bytes per disconnected session)"
echo "- server A live heap: $aheap0 idle, $aheap1 after parking ($(per "$aheap0" "$aheap1" "$PARKED") bytes per parked session, which it does not hold)"

# one ramp at a time, so each counts only its own ZooKeeper transactions; held1 streams until the end
bench --streams "$HELD" --id-prefix held1 --hold 3600s --ramp-timeout 600s > "$work/held1.log" 2>&1 &
h1=$!; pids+=("$h1")
wait_line "$work/held1.log" READY "$h1" 700
bench --streams "$HELD" --id-prefix held2 --hold "${HOLD}s" --ramp-timeout 600s --resume "$RESUMES" > "$work/held2.log" 2>&1 &
h2=$!; pids+=("$h2")
wait_line "$work/held2.log" READY "$h2" 700
zheap2="$(live_heap "$zk")"; aheap2="$(live_heap "$sa")"; bheap2="$(live_heap "$sb")"
arss="$(awk '/VmRSS/ {print $2}' "/proc/$sa/status")"; zrss="$(awk '/VmRSS/ {print $2}' "/proc/$zk/status")"
echo "- ZooKeeper live heap: $zheap2 with $((2 * HELD)) streaming besides ($(per "$zheap1" "$zheap2" $((2 * HELD))) bytes per streaming session: record + claim); RSS $((zrss / 1024)) MiB"
echo "- server A live heap: $aheap2 streaming $HELD ($(per "$aheap1" "$aheap2" "$HELD") bytes per streaming session); RSS $((arss / 1024)) MiB"
echo "- server B live heap: $bheap0 idle, $bheap1 after parking, $bheap2 streaming $HELD ($(per "$bheap1" "$bheap2" "$HELD") bytes per streaming session)"
case "$INTERVAL" in *ms) interval_s=1 ;; *s) interval_s="${INTERVAL%s}" ;; *) interval_s=1 ;; esac
wait_line "$work/held2.log" DONE "$h2" $((HOLD + 120 + RESUMES * (interval_s + 2)))
sweeps="$( (grep -h "sweep" "$work/server-$A.log" "$work/server-$B.log" || true) | tail -4)"
for h in held1 held2; do
  echo "- $h: $(grep -E '^opened' "$work/$h.log")"
  echo "- $h: $(grep -E '^zookeeper: .* to open' "$work/$h.log")"
done
echo "- held2: $(grep -E '^window' "$work/held2.log")"
grep -E '^resume' "$work/held2.log" | sed 's/^/- held2: /'
echo "- held2: $(grep -E '^zookeeper: .* resumes' "$work/held2.log")"
echo "- the servers' last sweep lines (a sweep is logged when it takes 1 s or more, or fails):"
echo '```'
echo "${sweeps:-none}"
echo '```'

