# Sourced by start-cluster.sh, stop-cluster.sh and status.sh: where the cluster lives and its ports.
#
#   TCPMESH_RUN_DIR      the run folder: logs/, pids/, data (default: <dist>/run)
#   TCPMESH_PORT_OFFSET  added to every default port, so a second cluster runs beside the first
#                        (default 0; start-cluster.sh --port-offset N sets it)
#   TCPMESH_ZK           an existing ZooKeeper ensemble; none is started then (--zk)
#   TCPMESH_ZK_AUTH      the file holding the ZooKeeper secret (default: <run folder>/zk-auth, made when missing)
dist_home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_dir="${TCPMESH_RUN_DIR:-$dist_home/run}"
tcpmesh_java="$dist_home/bin/tcpmesh-java"

load_ports() {
  local off="${TCPMESH_PORT_OFFSET:-0}"
  if ! [[ "$off" =~ ^[0-9]+$ ]] || [ "$off" -gt 22000 ]; then
    echo "tcpmesh: port offset must be a number in 0..22000 (every port stays below 32768), not '$off'" >&2
    exit 2
  fi
  set_ports "$off"
  [ "$off" = 0 ] || refuse_colliding_offset "$off"
}

set_ports() { # OFFSET
  local off="$1"
  ZK_PORT=$((2181 + off))
  MD5_PROXY_PORT=$((7000 + off)); MD5_PORTS=($((7001 + off)) $((7002 + off)) $((7003 + off)))
  ECHO_PROXY_PORT=$((8000 + off)); ECHO_MASTER_PORT=$((8888 + off))
  ECHO_PORTS=($((9601 + off)) $((9602 + off)) $((9603 + off)))
  NUMBERS_PROXY_PORT=$((7100 + off)); NUMBERS_PORTS=($((7101 + off)) $((7102 + off)))
  COLLECTOR_PORT=$((7201 + off))
  ADMIN_PORT=$((9000 + off))
  # admin endpoints (/health, /metrics) of the services: md5 9001-9003, numbers 9101-9102,
  # collector 9201, echo 9701-9703; the proxy's admin port is ADMIN_PORT
  MD5_ADMIN_PORTS=($((9001 + off)) $((9002 + off)) $((9003 + off)))
  NUMBERS_ADMIN_PORTS=($((9101 + off)) $((9102 + off)))
  COLLECTOR_ADMIN_PORT=$((9201 + off))
  ECHO_ADMIN_PORTS=($((9701 + off)) $((9702 + off)) $((9703 + off)))
}

# every port of the cluster with what it is: PORT WHAT
port_table() {
  local i
  echo "$ZK_PORT ZooKeeper"
  echo "$MD5_PROXY_PORT the-md5-proxy-port"; echo "$ECHO_PROXY_PORT the-echo-proxy-port"
  echo "$NUMBERS_PROXY_PORT the-numbers-proxy-port"; echo "$ECHO_MASTER_PORT the-echo-master-port"
  echo "$COLLECTOR_PORT the-storage-collector"; echo "$COLLECTOR_ADMIN_PORT the-storage-collector-admin-port"
  echo "$ADMIN_PORT the-proxy-admin-port"
  for i in 0 1 2; do
    echo "${MD5_PORTS[$i]} md5-node-${MD5_PORTS[$i]}"; echo "${MD5_ADMIN_PORTS[$i]} an-md5-admin-port"
    echo "${ECHO_PORTS[$i]} echo-node-${ECHO_PORTS[$i]}"; echo "${ECHO_ADMIN_PORTS[$i]} an-echo-admin-port"
  done
  for i in 0 1; do
    echo "${NUMBERS_PORTS[$i]} numbers-server-${NUMBERS_PORTS[$i]}"; echo "${NUMBERS_ADMIN_PORTS[$i]} a-numbers-admin-port"
  done
}

# an offset that puts one of this cluster's ports on a port of the default cluster cannot run beside it
refuse_colliding_offset() { # OFFSET
  local off="$1" mine theirs port what p w
  mine="$(port_table)"
  set_ports 0
  theirs="$(port_table)"
  set_ports "$off"
  while read -r port what; do
    while read -r p w; do
      if [ "$port" = "$p" ]; then
        echo "tcpmesh: port offset $off puts ${what//-/ } on $port, which is ${w//-/ } of a cluster without an offset;" \
             "pick an offset of at least 7600 (such as 10000), so the two clusters never share a port" >&2
        exit 2
      fi
    done <<<"$theirs"
  done <<<"$mine"
}

# the processes of a cluster, in start order: NAME PORT
cluster_processes() {
  local p
  for p in "${MD5_PORTS[@]}"; do echo "md5-$p $p"; done
  for p in "${ECHO_PORTS[@]}"; do echo "echo-$p $p"; done
  for p in "${NUMBERS_PORTS[@]}"; do echo "numbers-$p $p"; done
  echo "storage-collector-$COLLECTOR_PORT $COLLECTOR_PORT"
  echo "proxy $ADMIN_PORT"
}

pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null
}

pid_of() {
  local f="$run_dir/pids/$1.pid"
  [ -f "$f" ] && cat "$f"
}

# true when something accepts connections on 127.0.0.1:PORT
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

zk_connect_string() {
  if [ -f "$run_dir/zk" ]; then cat "$run_dir/zk"; else echo "${TCPMESH_ZK:-127.0.0.1:${ZK_PORT}}"; fi
}

# Exports TCPMESH_ZK_AUTH, the secret every tcpmesh process reads (--zk-auth); the run folder's own
# secret is made (64 random hex digits, mode 600) the first time and kept, as its ZooKeeper data is.
use_zk_auth() {
  if [ -z "${TCPMESH_ZK_AUTH:-}" ]; then
    TCPMESH_ZK_AUTH="$run_dir/zk-auth"
    if [ ! -s "$TCPMESH_ZK_AUTH" ]; then
      mkdir -p "$run_dir"
      (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$TCPMESH_ZK_AUTH" && echo >>"$TCPMESH_ZK_AUTH")
    fi
  fi
  if [ ! -r "$TCPMESH_ZK_AUTH" ]; then
    echo "tcpmesh: cannot read the ZooKeeper secret $TCPMESH_ZK_AUTH" >&2
    exit 2
  fi
  export TCPMESH_ZK_AUTH
}
