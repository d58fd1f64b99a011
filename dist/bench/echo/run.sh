#!/usr/bin/env bash
# echo-node benchmark: echo-node next to a thread-per-connection blocking echo server, in the same run.
#   1. closed-loop 64-byte echo over 50 connections: requests/s, p50/p99/p999 (HdrHistogram)
#   2. bulk 1 GiB echo through one connection: MB/s
#   3. 10,000 concurrent connections held by echo-node: heap (after full GC) and RSS per connection
#   4. fail-over of the master port with real processes: graceful stop (SIGTERM) and kill -9 of the leader,
#      with the default 5s ZooKeeper session timeout and with 2s
# Loopback only; ports 18181 (ZooKeeper), 18601-18603 (nodes), 18700 (blocking server), 28888 (master port).
# Usage: dist/bench/echo/run.sh [--duration 10s] [--bulk 1G] [--hold 10000] [--rounds 3]
# Prints a Markdown summary on stdout; logs go to a temporary directory it names.
set -euo pipefail

duration=10s; bulk=1G; hold=10000; rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --bulk) bulk="$2"; shift 2 ;;
    --hold) hold="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: $0 [--duration 10s] [--bulk 1G] [--hold N] [--rounds N]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
if [ -f "$root/echo-node/target/classes/io/tcpmesh/echo/EchoNodeCommand.class" ]; then
  # a source checkout: the module's own classes and its dependencies
  if [ ! -f /tmp/cp-echo-node.txt ]; then
    (cd "$root" && mvn -B -o -q -pl echo-node dependency:build-classpath -Dmdep.outputFile=/tmp/cp-echo-node.txt) >&2
  fi
  cp="$root/echo-node/target/classes:$(cat /tmp/cp-echo-node.txt)"
elif ls "$root"/dist/target/lib/echo-node-*.jar >/dev/null 2>&1; then
  cp="$root/dist/target/lib/*"
else
  echo "build first: mvn -B -o -q -pl echo-node package -DskipTests" >&2; exit 1
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt $((hold + 1000)) ]; then
  echo "ulimit -n is $(ulimit -n): too low to hold $hold connections" >&2; exit 1
fi

work="$(mktemp -d /tmp/echo-bench.XXXXXX)"
echo "logs in $work" >&2
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

ZK=127.0.0.1:18181
MASTER=28888
server_jvm=(java -Xmx256m -XX:+UseSerialGC -cp "$cp")
client_jvm=(java -Xmx512m -cp "$cp")

start() { # name, command...
  local name="$1"; shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/$name.pid"
}
await_port() { # port
  for _ in $(seq 1 200); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "port $1 never opened" >&2; return 1
}
node() { # port, extra options...
  local port="$1"; shift
  start "node-$port" "${server_jvm[@]}" io.tcpmesh.echo.EchoNodeCommand --zk "$ZK" --port "$port" \
    --master-port "$MASTER" --bind 127.0.0.1 --drain-timeout 1s "$@"
  await_port "$port"
}
result() { grep '^RESULT' | sed 's/^RESULT //'; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
heap_used_kb() { # pid: used heap after a full GC, in KiB
  jcmd "$1" GC.run >/dev/null
  jstat -gc "$1" | awk 'NR==2 {printf "%d\n", $3+$4+$6+$8}'
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

start zookeeper "${server_jvm[@]}" io.tcpmesh.coordination.cli.ZooKeeperCommand --port 18181 --data-dir "$work/zk"
await_port 18181
node 18601
start blocking "${server_jvm[@]}" io.tcpmesh.echo.bench.BlockingEchoServer --port 18700
await_port 18700
await_port "$MASTER"

echo "# echo-node benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "command: dist/bench/echo/run.sh --duration $duration --bulk $bulk --hold $hold --rounds $rounds"
echo

echo "## Closed loop, 64-byte messages, 50 connections ($duration after 2s warm-up)"
echo
echo "| server | requests/s | p50 µs | p99 µs | p999 µs | max µs |"
echo "|---|---|---|---|---|---|"
declare -A rps
for target in echo-node:18601 blocking:18700 echo-node:18601 blocking:18700; do
  label="${target%%:*}"; port="${target##*:}"
  line=$("${client_jvm[@]}" io.tcpmesh.echo.bench.EchoBench latency --port "$port" --connections 50 --size 64 \
    --duration "$duration" --label "$label" | result)
  echo "| $label | $(echo "$line" | field rps) | $(echo "$line" | field p50_us) | $(echo "$line" | field p99_us) | $(echo "$line" | field p999_us) | $(echo "$line" | field max_us) |"
  rps[$label]="${rps[$label]:-} $(echo "$line" | field rps)"
done
best() { tr ' ' '\n' | sort -n | tail -1; }
n=$(echo "${rps[echo-node]}" | best); b=$(echo "${rps[blocking]}" | best)
echo
echo "best of two runs each: echo-node / blocking = $(awk -v n="$n" -v b="$b" 'BEGIN {printf "%.2f", n/b}')"
echo

echo "## Bulk echo of $bulk through one connection"
echo
echo "| server | MB/s | seconds |"
echo "|---|---|---|"
declare -A mbs
for target in echo-node:18601 blocking:18700; do
  label="${target%%:*}"; port="${target##*:}"
  line=$("${client_jvm[@]}" io.tcpmesh.echo.bench.EchoBench bulk --port "$port" --size "$bulk" --label "$label" | result)
  mbs[$label]=$(echo "$line" | field mb_per_s)
  echo "| $label | ${mbs[$label]} | $(echo "$line" | field seconds) |"
done
echo
echo "echo-node / blocking = $(awk -v n="${mbs[echo-node]}" -v b="${mbs[blocking]}" 'BEGIN {printf "%.2f", n/b}')"
echo

echo "## $hold concurrent connections held by echo-node (-Xmx256m, SerialGC)"
echo
npid=$(cat "$work/node-18601.pid")
base_heap=$(heap_used_kb "$npid"); base_rss=$(rss_kb "$npid")
"${client_jvm[@]}" io.tcpmesh.echo.bench.EchoBench hold --port 18601 --connections "$hold" --hold 60s >"$work/hold.out" 2>&1 &
hpid=$!; pids+=($hpid)
for _ in $(seq 1 1200); do grep -q '^HELD' "$work/hold.out" && break; sleep 0.05; done
grep '^HELD' "$work/hold.out" >/dev/null || { echo "hold failed:"; cat "$work/hold.out"; exit 1; }
sessions=$(ss -Htn state established "( sport = :18601 )" | wc -l)
held_heap=$(heap_used_kb "$npid"); held_rss=$(rss_kb "$npid")
kill "$hpid"; wait "$hpid" 2>/dev/null || true
echo "client: $(grep '^HELD' "$work/hold.out")"
echo
echo "| | heap used after GC | RSS |"
echo "|---|---|---|"
echo "| before | $((base_heap / 1024)) MiB | $((base_rss / 1024)) MiB |"
echo "| holding $sessions established connections | $((held_heap / 1024)) MiB | $((held_rss / 1024)) MiB |"
echo "| per connection | $(awk -v a="$held_heap" -v b="$base_heap" -v n="$hold" 'BEGIN {printf "%.2f KiB", (a-b)/n}') | $(awk -v a="$held_rss" -v b="$base_rss" -v n="$hold" 'BEGIN {printf "%.2f KiB", (a-b)/n}') |"
echo

kill "$(cat "$work/blocking.pid")"

leader_pid() { ss -Hltnp "( sport = :$MASTER )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
leader_port() { # the node port of the process that serves the master port
  local p; p=$(leader_pid)
  for f in "$work"/node-*.pid; do
    if [ "$(cat "$f")" = "$p" ]; then basename "$f" .pid | cut -d- -f2; fi
  done
}
failover() { # signal, session timeout label
  local sig="$1" label="$2" port pid t0 line
  "${client_jvm[@]}" io.tcpmesh.echo.bench.FailoverProbe --port "$MASTER" --timeout 30s >"$work/probe.out" 2>&1 &
  local probe=$!
  for _ in $(seq 1 400); do grep -q READY "$work/probe.out" && break; sleep 0.05; done
  port=$(leader_port); pid=$(cat "$work/node-$port.pid")
  t0=$(date +%s%3N)
  kill "-$sig" "$pid"
  wait "$probe" || true
  line=$(result <"$work/probe.out")
  local back; back=$(echo "$line" | field first_ok_ms)
  if [ -n "$back" ]; then
    echo "| $label | $sig | echo-$port | $((back - t0)) | $(echo "$line" | field outage_ms) |"
  else
    echo "| $label | $sig | echo-$port | probe failed: $line | |"
  fi
  wait "$pid" 2>/dev/null || true
  node "$port" "${extra[@]}"
}

run_failovers() { # session timeout
  local timeout="$1"
  extra=(--zk-session-timeout "$timeout")
  for r in $(seq 1 "$rounds"); do
    failover TERM "$timeout"
    failover KILL "$timeout"
  done
}

echo "## Fail-over of the master port (3 nodes, real processes, dist ZooKeeper tick 500ms)"
echo
echo "A probe holds a connection to port $MASTER and echoes 4 bytes on it every 5 ms; when the connection fails it opens new"
echo "ones until one answers. Columns: signal to first answer on a new connection; last answer to first answer after."
echo
echo "| session timeout | signal | leader stopped | signal → answering ms | outage ms |"
echo "|---|---|---|---|---|"
extra=(--zk-session-timeout 5s)
kill "$npid"; wait "$npid" 2>/dev/null || true
node 18601 "${extra[@]}"; node 18602 "${extra[@]}"; node 18603 "${extra[@]}"
await_port "$MASTER"
run_failovers 5s
for p in 18601 18602 18603; do kill "$(cat "$work/node-$p.pid")" 2>/dev/null || true; done
for p in 18601 18602 18603; do wait "$(cat "$work/node-$p.pid")" 2>/dev/null || true; done
extra=(--zk-session-timeout 2s)
node 18601 "${extra[@]}"; node 18602 "${extra[@]}"; node 18603 "${extra[@]}"
await_port "$MASTER"
run_failovers 2s
echo
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at the end; the 2 cores are shared with other builds."
