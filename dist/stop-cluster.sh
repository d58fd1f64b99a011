#!/usr/bin/env bash
# Stops what start-cluster.sh started: SIGTERM first (services deregister and drain), SIGKILL for any
# process still there after the deadline; ZooKeeper (the standalone server or every ensemble member) last. Leaves no process behind.
#
# usage: dist/stop-cluster.sh [--run-dir DIR] [--deadline SECONDS]
set -euo pipefail
deadline=20
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) [ $# -ge 2 ] || { echo "stop-cluster.sh: --run-dir needs a folder" >&2; exit 2; }; export TCPMESH_RUN_DIR="$2"; shift 2 ;;
    --deadline) [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "stop-cluster.sh: --deadline needs whole seconds" >&2; exit 2; }; deadline="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "stop-cluster.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=bin/cluster-env.sh
. "$(cd "$(dirname "$0")" && pwd)/bin/cluster-env.sh"

stop_all() { # PID-FILE...
  local f pid pids=() names=()
  for f in "$@"; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    if pid_alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$(basename "$f" .pid)")
    fi
  done
  local i left
  for _ in $(seq 1 $((deadline * 10))); do
    left=0
    for pid in "${pids[@]}"; do pid_alive "$pid" && left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    if pid_alive "${pids[$i]}"; then
      echo "stop-cluster.sh: ${names[$i]} (pid ${pids[$i]}) still running after ${deadline}s: killing it" >&2
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  for pid in "${pids[@]}"; do
    while pid_alive "$pid"; do sleep 0.05; done
  done
  rm -f "$@"
  [ ${#names[@]} -eq 0 ] || echo "stopped: ${names[*]}"
}

if [ ! -d "$run_dir/pids" ]; then
  echo "nothing to stop in $run_dir"
  exit 0
fi
shopt -s nullglob
services=()
zookeepers=()
for f in "$run_dir"/pids/*.pid; do
  case "$(basename "$f")" in
    zookeeper.pid|zookeeper-[0-9]*.pid) zookeepers+=("$f") ;;
    *) services+=("$f") ;;
  esac
done
proxy=()
[ -e "$run_dir/pids/proxy.pid" ] && proxy=("$run_dir/pids/proxy.pid")
stop_all "${proxy[@]}"
rest=()
for f in "${services[@]}"; do [ -e "$f" ] && rest+=("$f"); done
stop_all "${rest[@]}"
stop_all "${zookeepers[@]}"
rm -f "$run_dir/zk"
