#!/usr/bin/env bash
# Losing ZooKeeper members under load, with real processes: on a cluster started with
#   dist/start-cluster.sh --zk-servers 3 [--port-offset N] [--run-dir DIR]
# this runs md5 and echo load through the proxy, a numbers stream through the proxy and a probe on the
# echo master port, then kill -9s the member the echo leader is connected to, restarts it, and kill -9s
# the ensemble's leader (restarting it too). It prints the load results, the master port's longest
# gap, whether the echo leader (its pid and ZooKeeper session) stayed, and the registrations.
# Usage: dist/bench/ensemble/run.sh [--run-dir DIR] [--phase 10]   (seconds between steps)
set -euo pipefail
phase=10
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) export TCPMESH_RUN_DIR="$2"; shift 2 ;;
    --phase) phase="$2"; shift 2 ;;
    *) echo "usage: $0 [--run-dir DIR] [--phase SECONDS]" >&2; exit 2 ;;
  esac
done
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../bin/cluster-env.sh
. "$dist/bin/cluster-env.sh"
[ -f "$run_dir/cluster.env" ] || { echo "no cluster in $run_dir: start one with dist/start-cluster.sh --zk-servers 3" >&2; exit 1; }
. "$run_dir/cluster.env"; export TCPMESH_PORT_OFFSET TCPMESH_ZK_SERVERS
load_ports
[ "$ZK_SERVERS" -ge 3 ] || { echo "the cluster in $run_dir runs $ZK_SERVERS ZooKeeper server(s); start it with --zk-servers 3" >&2; exit 1; }
work="$(mktemp -d /tmp/ensemble-bench.XXXXXX)"
echo "logs in $work" >&2
total=$((phase * 5))
children=()
trap 'for c in "${children[@]}"; do kill "$c" 2>/dev/null || true; done' EXIT

listener_pid() { ss -Hltnp "( sport = :$1 )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
member_of() { # pid -> client port of the ZooKeeper server it is connected to
  local p
  for p in "${ZK_PORTS[@]}"; do
    if ss -Htnp state established "( dport = :$p )" | grep -q "pid=$1,"; then echo "$p"; fi
  done
  return 0
}
name_of_port() { local i; for i in "${!ZK_PORTS[@]}"; do if [ "${ZK_PORTS[$i]}" = "${1:-}" ]; then echo "zookeeper-$((i + 1))"; fi; done; }
leader_member() { local p; for p in "${ZK_PORTS[@]}"; do if [ "$(zk_mode 127.0.0.1 "$p")" = leader ]; then echo "$p"; fi; done; }
restart_member() { # name port: the ZooKeeperCommand arguments start-cluster.sh gave it
  local name="$1" args i
  mapfile -d '' args <"$work/$name.cmdline"
  for i in "${!args[@]}"; do [ "${args[$i]}" = io.tcpmesh.coordination.cli.ZooKeeperCommand ] && break; done
  setsid "$dist/bin/tcpmesh-java" "${args[@]:$i}" </dev/null >>"$run_dir/logs/$name.log" 2>&1 &
  echo $! >"$run_dir/pids/$name.pid"
  for _ in $(seq 1 300); do
    case "$(zk_mode 127.0.0.1 "$2")" in leader|follower) return 0 ;; esac
    sleep 0.1
  done
  echo "$name did not rejoin" >&2
}
for i in $(seq 1 "$ZK_SERVERS"); do cp "/proc/$(pid_of "zookeeper-$i")/cmdline" "$work/zookeeper-$i.cmdline"; done

leader_pid=$(listener_pid "$ECHO_MASTER_PORT")
registrations() { "$dist/zkcli.sh" --zk "$(zk_connect_string)" ls /tcpmesh/services/"$1" 2>/dev/null | grep '^\[' | tail -1; }
echo "echo leader pid $leader_pid, connected to $(name_of_port "$(member_of "$leader_pid")")"

"$dist/bin/load" --mode md5 -c 8 -d "${total}s" --json "$work/md5.json" "127.0.0.1:$MD5_PROXY_PORT" >"$work/md5.out" 2>"$work/md5.err" &
md5=$!; children+=($md5)
"$dist/bin/load" --mode echo -c 8 -d "${total}s" --json "$work/echo.json" "127.0.0.1:$ECHO_PROXY_PORT" >"$work/echo.out" 2>"$work/echo.err" &
echo_load=$!; children+=($echo_load)
"$dist/bin/numbers-client" --port "$NUMBERS_PROXY_PORT" --count "$((total + 5))" >"$work/numbers.out" 2>&1 &
numbers=$!; children+=($numbers)
"$dist/bin/tcpmesh-java" io.tcpmesh.echo.bench.GapProbe --port "$ECHO_MASTER_PORT" --duration "${total}s" >"$work/gap.out" 2>&1 &
gap=$!; children+=($gap)

sleep "$phase"
victim=$(member_of "$leader_pid"); vname=$(name_of_port "$victim")
echo "$(date -u +%T) kill -9 $vname (the echo leader's member, $(zk_mode 127.0.0.1 "$victim"))"
kill -9 "$(pid_of "$vname")"
sleep "$phase"
echo "$(date -u +%T) echo leader now connected to $(name_of_port "$(member_of "$leader_pid")"); restarting $vname"
restart_member "$vname" "$victim"
sleep "$phase"
zl=$(leader_member); zlname=$(name_of_port "$zl")
echo "$(date -u +%T) kill -9 $zlname (the ensemble's leader)"
kill -9 "$(pid_of "$zlname")"
sleep "$phase"
echo "$(date -u +%T) new ensemble leader: $(name_of_port "$(leader_member)"); restarting $zlname"
restart_member "$zlname" "$zl"
wait "$md5" || true; wait "$echo_load" || true; wait "$gap" || true; wait "$numbers" || echo "numbers-client exit $?"

echo
echo "md5 through the proxy:  $(grep -iE 'requests|failed|errors' "$work/md5.out" | tr '\n' ' ')"
echo "echo through the proxy: $(grep -iE 'requests|failed|errors' "$work/echo.out" | tr '\n' ' ')"
echo "numbers stream:         $(tail -1 "$work/numbers.out")"
echo "master port probe:      $(sed -n 's/^RESULT //p' "$work/gap.out")"
echo "echo leader after:      pid $(listener_pid "$ECHO_MASTER_PORT") (before: $leader_pid)"
for s in md5 echo numbers; do echo "registered $s: $(registrations "$s")"; done
