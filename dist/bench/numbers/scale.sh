#!/usr/bin/env bash
# Sessions at scale: CONCURRENT (100,000) streaming stateful sessions held at once by two numbers
# servers (half on each), plus PARKED (0) disconnected ones kept in the ZooKeeper store, so the store
# holds CONCURRENT + PARKED. The streams come from as many bench processes as the open-files limit
# needs (PER_BENCH, at most 18,000 each by default), connecting from several 127.0.0.x addresses.
# Measures ZooKeeper transactions per session, heap per session on a server and in ZooKeeper, the
# ZooKeeper and server CPU while every stream runs, the sweep over the whole store, and the resume
# latency (a live stream dropped and resumed on the other server).
# Run from anywhere: dist/bench/numbers/scale.sh   (env: CONCURRENT, PARKED, PER_BENCH, RESUMES, INTERVAL, HOLD)
# Each server needs CONCURRENT/2 + 1,000 open files (ulimit -Hn); below that the script says so and
# stops, unless CONCURRENT is lowered. Needs the assembled dist (mvn -B -DskipTests package).
# Loopback only; ports 19011-19013. Bounded: every wait has a limit (ramps 600 s each, the window HOLD s);
# everything started here is stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
CONCURRENT="${CONCURRENT:-100000}"
PARKED="${PARKED:-0}"
PER_BENCH="${PER_BENCH:-18000}"
RESUMES="${RESUMES:-20}"     # each waits up to one interval for the old server to see the close
INTERVAL="${INTERVAL:-10s}"
HOLD="${HOLD:-60}"
ZK_PORT=19011; A=19012; B=19013
bin="$root/dist/bin"
ls "$root"/dist/target/lib/numbers-*.jar > /dev/null 2>&1 || { echo "build the dist first: mvn -B -DskipTests package" >&2; exit 1; }

ulimit -Sn "$(ulimit -Hn)"
per_server=$(( (CONCURRENT + 1) / 2 ))
if [ "$(ulimit -n)" -lt $((per_server + 1000)) ]; then
  echo "scale.sh: open files are limited to $(ulimit -n) per process (ulimit -Hn), and each server would hold $per_server" \
       "connections: raise the hard limit to $((per_server + 1000)) (see README.md, Open files), or run fewer, such as" \
       "CONCURRENT=$(( 2 * ($(ulimit -n) - 1000) )) PARKED=$(( CONCURRENT - 2 * ($(ulimit -n) - 1000) ))" >&2
  exit 1
fi
[ "$PER_BENCH" -le $(( $(ulimit -n) - 1000 )) ] || PER_BENCH=$(( $(ulimit -n) - 1000 ))
benches=$(( (CONCURRENT + PER_BENCH - 1) / PER_BENCH ))
# 127.0.0.1..N as sources: the bench binds its source address before connecting, so each address has
# about 28,000 ephemeral ports (32768-60999) for both servers, and the parked sessions' closed
# connections hold theirs for a minute (TIME_WAIT): one address per 10,000 sessions, and two more
addresses=$(( (CONCURRENT + PARKED) / 10000 + 2 ))

work="$(mktemp -d /tmp/numbers-scale.XXXXXX)"
pids=()
cleanup() {
  trap '' INT TERM # a second signal (timeout(1) passes its own on) must not cut the cleanup short
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
    --interval "$INTERVAL" --expiry 30m --max-sessions $((per_server + 500)) > "$work/server-$port.log" 2>&1 &
  pids+=("$!")
  wait_port "$port"
done
sa="${pids[1]}"; sb="${pids[2]}"
sleep 2
zheap0="$(live_heap "$zk")"; aheap0="$(live_heap "$sa")"; bheap0="$(live_heap "$sb")"
# exec: a bench started with & is then its own pid, which the cleanup stops
bench() { TCPMESH_HEAP=768m exec "$bin/tcpmesh-java" io.tcpmesh.numbers.bench.NumbersBench --port "$A,$B" --local-addresses "$addresses" \
  --zk "127.0.0.1:$ZK_PORT" --zk-root /numbers-scale --count 65535 "$@"; }

if [ "$PARKED" -gt 0 ]; then
  (bench --park "$PARKED" --id-prefix parked > "$work/park.log" 2>&1)
else
  echo "parked 0 of 0 sessions" > "$work/park.log"
fi
zheap1="$(live_heap "$zk")"; aheap1="$(live_heap "$sa")"; bheap1="$(live_heap "$sb")"

per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {printf "%.0f", (b - a) / n}'; }
echo "## numbers: $CONCURRENT concurrent streaming sessions on two servers ($per_server each, at one message per $INTERVAL, from $benches bench processes over $addresses source addresses), $((PARKED + CONCURRENT)) stored with $PARKED disconnected"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$PARKED" -gt 0 ]; then
  echo "- parking: $(grep -E '^parked' "$work/park.log")"
  echo "- parking: $(grep -E '^zookeeper' "$work/park.log")"
  echo "- ZooKeeper live heap: $zheap0 idle, $zheap1 with $PARKED parked sessions ($(per "$zheap0" "$zheap1" "$PARKED") bytes per disconnected session)"
  echo "- server A live heap: $aheap0 idle, $aheap1 after parking ($(per "$aheap0" "$aheap1" "$PARKED") bytes per parked session, which it does not hold)"
fi

# one ramp at a time, so each counts only its own ZooKeeper transactions; all but the last stream until
# the end, the last measures the window and the resumes
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for i in $(seq 1 "$benches"); do
  # the first bench takes the remainder, so that the last one, which measures the window, is a full one
  n="$PER_BENCH"; [ "$i" -gt 1 ] || n=$(( CONCURRENT - (benches - 1) * PER_BENCH ))
  if [ "$i" -lt "$benches" ]; then
    bench --streams "$n" --id-prefix "held$i" --hold 3600s --ramp-timeout 600s > "$work/held$i.log" 2>&1 &
  else
    bench --streams "$n" --id-prefix "held$i" --hold "${HOLD}s" --ramp-timeout 600s --resume "$RESUMES" > "$work/held$i.log" 2>&1 &
  fi
  pids+=("$!")
  wait_line "$work/held$i.log" READY "$!" 700
  [ "$i" -lt "$benches" ] || last=$!
done
# every stream open: the heaps (each a full GC), then the CPU over HOLD/2 seconds of streaming
zheap2="$(live_heap "$zk")"; aheap2="$(live_heap "$sa")"; bheap2="$(live_heap "$sb")"
hz="$(getconf CLK_TCK)"; z0="$(cpu_of "$zk")"; a0="$(cpu_of "$sa")"; b0="$(cpu_of "$sb")"; t0=$(date +%s%N)
sleep $((HOLD / 2))
t1=$(date +%s%N)
pct() { awk -v a="$1" -v b="$2" -v hz="$hz" -v ns=$((t1 - t0)) 'BEGIN {printf "%.1f %%", (b - a) / hz / (ns / 1e9) * 100}'; }
zcpu="$(pct "$z0" "$(cpu_of "$zk")")"; acpu="$(pct "$a0" "$(cpu_of "$sa")")"; bcpu="$(pct "$b0" "$(cpu_of "$sb")")"
arss="$(awk '/VmRSS/ {print $2}' "/proc/$sa/status")"; brss="$(awk '/VmRSS/ {print $2}' "/proc/$sb/status")"
zrss="$(awk '/VmRSS/ {print $2}' "/proc/$zk/status")"
afd="$(ls "/proc/$sa/fd" | wc -l)"; bfd="$(ls "/proc/$sb/fd" | wc -l)"
echo "- ZooKeeper live heap: $zheap2 with $CONCURRENT streaming besides ($(per "$zheap1" "$zheap2" "$CONCURRENT") bytes per streaming session: record + claim); RSS $((zrss / 1024)) MiB; CPU $zcpu of a core while all stream"
echo "- server A live heap: $aheap1 before the streams, $aheap2 streaming ($(per "$aheap1" "$aheap2" "$per_server") bytes per streaming session); RSS $((arss / 1024)) MiB ($(( arss * 1024 / per_server )) bytes per session); $afd open files; CPU $acpu"
echo "- server B live heap: $bheap1 before the streams, $bheap2 streaming ($(per "$bheap1" "$bheap2" "$per_server") bytes per streaming session); RSS $((brss / 1024)) MiB; $bfd open files; CPU $bcpu"
echo "- load average after the window: $(cut -d' ' -f1-3 /proc/loadavg)"
case "$INTERVAL" in *ms) interval_s=1 ;; *s) interval_s="${INTERVAL%s}" ;; *) interval_s=1 ;; esac
wait_line "$work/held$benches.log" DONE "$last" $((HOLD + 120 + RESUMES * (interval_s + 2)))
sweeps="$( (grep -h "sweep" "$work/server-$A.log" "$work/server-$B.log" || true) | tail -4)"
for h in $(seq -f 'held%g' 1 "$benches"); do
  echo "- $h: $(grep -E '^opened' "$work/$h.log")"
  echo "- $h: $(grep -E '^zookeeper: .* to open' "$work/$h.log")"
done
echo "- held$benches: $(grep -E '^window' "$work/held$benches.log")"
grep -E '^resume' "$work/held$benches.log" | sed "s/^/- held$benches: /"
echo "- held$benches: $(grep -E '^zookeeper: .* resumes' "$work/held$benches.log")"
echo "- the servers' last sweep lines (a sweep is logged when it takes 1 s or more, or fails):"
echo '```'
echo "${sweeps:-none}"
echo '```'

