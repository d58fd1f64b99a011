#!/usr/bin/env bash
# Restarts one process of a running cluster (after a kill -9, say) with the arguments start-cluster.sh
# gave it: stops it first if it still runs, then waits until its port is open again.
#
# usage: dist/restart-node.sh [--run-dir DIR] NAME     NAME as status.sh lists it: md5-7002, echo-9601, proxy
set -euo pipefail
name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) [ $# -ge 2 ] || { echo "restart-node.sh: --run-dir needs a folder" >&2; exit 2; }; export TCPMESH_RUN_DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "restart-node.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) [ -z "$name" ] || { echo "restart-node.sh: one NAME only" >&2; exit 2; }; name="$1"; shift ;;
  esac
done
# shellcheck source=bin/cluster-env.sh
. "$(cd "$(dirname "$0")" && pwd)/bin/cluster-env.sh"
if [ -z "$name" ]; then
  echo "restart-node.sh: which process? usage: restart-node.sh NAME (see dist/status.sh)" >&2
  exit 2
fi
cmd="$run_dir/cmd/$name"
if ! [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || [ ! -f "$cmd" ]; then
  known="$(ls "$run_dir/cmd" 2>/dev/null | tr "\n" " " || true)"
  echo "restart-node.sh: no process '$name' was started from $run_dir${known:+ (its processes: $known)}" >&2
  exit 2
fi

pid="$(pid_of "$name" || true)"
if pid_alive "$pid"; then
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && { echo "restart-node.sh: $name (pid $pid) did not stop within 20 s: killing it" >&2; kill -KILL "$pid" 2>/dev/null || true; }
  while pid_alive "$pid"; do sleep 0.05; done
fi

eval "set -- $(cat "$cmd")"
port=""
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --port) port="${args[$((i + 1))]}" ;;
    --admin-port) [ -n "$port" ] || port="${args[$((i + 1))]}" ;;
  esac
done
echo "--- restarted by restart-node.sh at $(date -u +%FT%TZ)" >>"$run_dir/logs/$name.log"
setsid "$@" </dev/null >>"$run_dir/logs/$name.log" 2>&1 &
pid=$!
echo "$pid" >"$run_dir/pids/$name.pid"
for _ in $(seq 1 300); do
  [ -n "$port" ] && port_open "$port" && { echo "restarted $name (pid $pid), serving on port $port"; exit 0; }
  if ! pid_alive "$pid"; then
    echo "restart-node.sh: $name exited at once; last lines of $run_dir/logs/$name.log:" >&2
    tail -n 15 "$run_dir/logs/$name.log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "restart-node.sh: $name (pid $pid) runs but port ${port:-?} is not open after 30 s; see $run_dir/logs/$name.log" >&2
exit 1
