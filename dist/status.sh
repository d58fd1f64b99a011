#!/usr/bin/env bash
# Every process of the cluster (up or down), each ZooKeeper server's role (leader, follower or
# standalone, from its srvr four-letter word) with the processes connected to it, the ZooKeeper
# membership of every service and the leader of every election (the echo master).
#
# usage: dist/status.sh [--run-dir DIR]
set -euo pipefail
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) [ $# -ge 2 ] || { echo "status.sh: --run-dir needs a folder" >&2; exit 2; }; export TCPMESH_RUN_DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "status.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=bin/cluster-env.sh
. "$(cd "$(dirname "$0")" && pwd)/bin/cluster-env.sh"
[ -f "$run_dir/cluster.env" ] && . "$run_dir/cluster.env" && export TCPMESH_PORT_OFFSET TCPMESH_ZK_SERVERS
load_ports

printf '%-26s %-6s %-8s %s\n' PROCESS STATE PID LOG
names=()
if [ -f "$run_dir/zk" ] && [ -z "${TCPMESH_ZK:-}" ]; then
  while read -r name _; do names+=("$name"); done < <(zookeeper_processes)
fi
while read -r name _; do names+=("$name"); done < <(cluster_processes)
for name in "${names[@]}"; do
  pid="$(pid_of "$name" || true)"
  state=down
  pid_alive "$pid" && state=up
  printf '%-26s %-6s %-8s %s\n' "$name" "$state" "${pid:--}" "$run_dir/logs/$name.log"
done
echo
# which process holds a connection to HOST:PORT (loopback clusters: the pid files name the processes)
clients_of() { # PORT
  local pid f names=()
  for pid in $(ss -Htnp state established "( dport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    for f in "$run_dir"/pids/*.pid; do
      [ "$(cat "$f")" = "$pid" ] && names+=("$(basename "$f" .pid)")
    done
  done
  [ ${#names[@]} -gt 0 ] && echo "${names[*]}" || echo "-"
}
zk="$(zk_connect_string)"
printf '%-18s %-22s %-11s %s\n' 'ZOOKEEPER SERVER' ADDRESS ROLE 'CONNECTED PROCESSES'
for hp in ${zk//,/ }; do
  host="${hp%:*}"; port="${hp##*:}"
  printf '%-18s %-22s %-11s %s\n' "$(for f in "$run_dir"/pids/zookeeper*.pid; do
      [ -e "$f" ] && ss -Hltnp "( sport = :$port )" 2>/dev/null | grep -q "pid=$(cat "$f")," && basename "$f" .pid; done)" \
    "$hp" "$(zk_mode "$host" "$port")" "$(clients_of "$port")"
done
echo
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
