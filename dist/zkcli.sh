#!/usr/bin/env bash
# The ZooKeeper command line (ZooKeeperMain from the zookeeper jar) against the cluster's ZooKeeper.
#   dist/zkcli.sh ls /tcpmesh/services          run one command and exit (reads need no secret)
#   dist/zkcli.sh                               interactive shell
#   dist/zkcli.sh --zk host:2181 ls /tcpmesh    another ensemble
#   dist/zkcli.sh --write set /tcpmesh/config/proxy "$(cat proxy.json)"
#                                               a session authenticated with the cluster's secret:
#                                               $TCPMESH_ZK_AUTH, else the run folder's zk-auth
#   dist/zkcli.sh --zk-auth FILE create ...     the same with that secret file
# The ensemble is --zk, else $TCPMESH_ZK, else the one the running cluster recorded, else 127.0.0.1:2181.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
zk="${TCPMESH_ZK:-}"
run_dir="${TCPMESH_RUN_DIR:-$here/run}"
auth=""
while [ $# -gt 0 ]; do
  case "$1" in
    --zk) [ $# -ge 2 ] || { echo "zkcli.sh: --zk needs host:port[,host:port...]" >&2; exit 2; }; zk="$2"; shift 2 ;;
    --write) auth="${TCPMESH_ZK_AUTH:-$run_dir/zk-auth}"; shift ;;
    --zk-auth) [ $# -ge 2 ] || { echo "zkcli.sh: --zk-auth needs a file" >&2; exit 2; }; auth="$2"; shift 2 ;;
    -h|--help) sed -n '/^set -euo/q; 2,$p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
if [ -z "$zk" ] && [ -f "$run_dir/zk" ]; then
  zk="$(cat "$run_dir/zk")"
fi
zk="${zk:-127.0.0.1:2181}"
main=(org.apache.zookeeper.ZooKeeperMain)
[ -n "$auth" ] && main=(io.tcpmesh.coordination.cli.ZooKeeperShell --zk-auth "$auth")
export JAVA_OPTS="${JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.apache.zookeeper.util.ServiceUtils=off"
export TCPMESH_HEAP="${TCPMESH_HEAP:-128m}"
if [ $# -eq 0 ]; then
  exec "$here/bin/tcpmesh-java" "${main[@]}" -server "$zk"
fi
# one command: only its answer (ZooKeeperMain also prints "Connecting to", WATCHER:: and WatchedEvent lines)
set +e
"$here/bin/tcpmesh-java" "${main[@]}" -server "$zk" "$@" 2>&1 \
  | awk '/^Connecting to / || /^WATCHER::$/ || /^WatchedEvent state:/ { skip = 1; next } skip && /^$/ { next } { skip = 0; print }'
code=${PIPESTATUS[0]}
exit "$code"
