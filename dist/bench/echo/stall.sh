#!/usr/bin/env bash
# echo-node stalls: freeze the echo leader (SIGSTOP) for 1, 2, 3, 4 and 6 s, resume it (SIGCONT), and
# measure whether it kept the leadership and how long the master port gave no answer.
#   3 echo nodes and the dist ZooKeeper (tick 500ms) as real processes, default 5 s session timeout.
#   A probe echoes 4 bytes on the master port every 5 ms (100 ms answer timeout, then a new connection).
# Loopback only; ports 18181 (ZooKeeper), 18601-18603 (nodes), 28888 (master port).
# Usage: dist/bench/echo/stall.sh [--stalls "1 2 3 4 6"] [--rounds 3] [--session-timeout 5s]
# Prints a Markdown table on stdout; logs go to a temporary directory it names.
set -euo pipefail

stalls="1 2 3 4 6"; rounds=3; session=5s
while [ $# -gt 0 ]; do
  case "$1" in
    --stalls) stalls="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --session-timeout) session="$2"; shift 2 ;;
    *) echo "usage: $0 [--stalls \"1 2 3 4 6\"] [--rounds N] [--session-timeout 5s]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
if ls "$root"/dist/target/lib/echo-node-*.jar >/dev/null 2>&1; then
  cp="$root/dist/target/lib/*"
elif ls "$root"/lib/echo-node-*.jar >/dev/null 2>&1; then
  cp="$root/lib/*" # the unpacked distribution
else
  echo "build first: mvn -B -q -DskipTests package" >&2; exit 1
fi

work="$(mktemp -d /tmp/echo-stall.XXXXXX)"
echo "logs in $work" >&2
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

ZK=127.0.0.1:18181
MASTER=28888
jvm=(java -Xmx256m -XX:+UseSerialGC -cp "$cp")
start() { local name="$1"; shift; "$@" >"$work/$name.log" 2>&1 & pids+=($!); echo $! >"$work/$name.pid"; }
await_port() {
  for _ in $(seq 1 400); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "port $1 never opened" >&2; return 1
}
leader_pid() { ss -Hltnp "( sport = :$MASTER )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

start zookeeper "${jvm[@]}" io.tcpmesh.coordination.cli.ZooKeeperCommand --port 18181 --data-dir "$work/zk"
await_port 18181
for p in 18601 18602 18603; do
  start "node-$p" "${jvm[@]}" io.tcpmesh.echo.EchoNodeCommand --zk "$ZK" --port "$p" --master-port "$MASTER" \
    --bind 127.0.0.1 --zk-session-timeout "$session" --drain-timeout 1s
  await_port "$p"
done
await_port "$MASTER"

echo "# echo-node stalls, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); session timeout $session (lease: half of it)"
echo "command: dist/bench/echo/stall.sh --stalls \"$stalls\" --rounds $rounds --session-timeout $session"
echo
echo "| stall s | round | leadership | master port gap ms | gap beyond the stall ms |"
echo "|---|---|---|---|---|"
for s in $stalls; do
  for r in $(seq 1 "$rounds"); do
    sleep 2 # let the cluster settle (renewed lease, no reconnect in progress)
    before=$(leader_pid)
    "${jvm[@]}" io.tcpmesh.echo.bench.GapProbe --port "$MASTER" --duration "$((s + 12))s" >"$work/probe.out" 2>&1 &
    probe=$!
    for _ in $(seq 1 400); do grep -q READY "$work/probe.out" && break; sleep 0.05; done
    sleep 1
    kill -STOP "$before"; sleep "$s"; kill -CONT "$before"
    wait "$probe" || true
    line=$(sed -n 's/^RESULT //p' "$work/probe.out")
    after=$(leader_pid)
    gap=$(echo "$line" | field longest_gap_ms)
    if [ "$after" = "$before" ]; then kept=kept; else kept="lost (to pid $after)"; fi
    echo "| $s | $r | $kept | ${gap:-probe failed: $line} | $([ -n "$gap" ] && echo $((gap - s * 1000))) |"
  done
done
echo
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at the end; the 2 cores are shared with other builds."
