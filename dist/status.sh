#!/usr/bin/env bash
# Every process of the cluster (up or down), the ZooKeeper membership of every service and the
# leader of every election (the echo master).
#
# usage: dist/status.sh [--run-dir DIR]
set -euo pipefail
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) [ $# -ge 2 ] || { echo "status.sh: --run-dir needs a folder" >&2; exit 2; }; export TCPMESH_RUN_DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "status.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=bin/cluster-env.sh
. "$(cd "$(dirname "$0")" && pwd)/bin/cluster-env.sh"
[ -f "$run_dir/cluster.env" ] && . "$run_dir/cluster.env" && export TCPMESH_PORT_OFFSET
load_ports

printf '%-26s %-6s %-8s %s\n' PROCESS STATE PID LOG
names=()
[ -f "$run_dir/zk" ] && [ -z "${TCPMESH_ZK:-}" ] && names+=(zookeeper)
while read -r name _; do names+=("$name"); done < <(cluster_processes)
for name in "${names[@]}"; do
  pid="$(pid_of "$name" || true)"
  state=down
  pid_alive "$pid" && state=up
  printf '%-26s %-6s %-8s %s\n' "$name" "$state" "${pid:--}" "$run_dir/logs/$name.log"
done
echo
zk="$(zk_connect_string)"
echo "ZooKeeper $zk:"
set +e
JAVA_OPTS="${JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" TCPMESH_HEAP=64m \
  "$tcpmesh_java" io.tcpmesh.coordination.cli.StatusCommand --zk "$zk" --timeout 5s
code=$?
set -e
echo
echo "storage runs: $run_dir/storage/runs.db (dist/bin/storage-collector runs reads it), reports in $run_dir/storage/reports"
echo "admin: http://127.0.0.1:$ADMIN_PORT/cluster shows every instance and its /health"
exit "$code"
