#!/usr/bin/env bash
# Starts a one-machine tcpmesh cluster: an embedded ZooKeeper, 3 md5 nodes, 3 echo nodes, 2 numbers
# servers, the storage collector and the proxy (7000 -> md5, 8000 -> echo, 7100 -> numbers).
#
# usage: dist/start-cluster.sh [--zk HOST:PORT[,...] | --zk-servers N] [--zk-auth FILE] [--port-offset N] [--run-dir DIR] [--tls] [--no-build]
#   --zk HOST:PORT,...  use this ZooKeeper ensemble and start none
#   --zk-servers N      start an ensemble of N members (1 = standalone, the default; 3 or 5): client ports
#                       2181.. , peer ports 2888.. , election ports 3888.. (each plus the offset)
#   --zk-auth FILE      the ZooKeeper secret every process writes with (default: RUN-DIR/zk-auth, made when missing)
#   --tls               make a throwaway CA and certificates in RUN-DIR/tls (needs openssl) and serve
#                       TLS on every md5, echo and numbers node and the collector (the proxy terminates
#                       it and speaks TLS to the nodes); the collector also requires agents' client certificates
#   --port-offset N     add N to every port, to run a second cluster beside the default one
#   --run-dir DIR       logs, pids and data go here (default: dist/run)
#   --no-build          never run Maven, even when the jars are missing
# Environment: TCPMESH_PORT_OFFSET, TCPMESH_RUN_DIR, TCPMESH_ZK, TCPMESH_ZK_SERVERS, TCPMESH_ZK_AUTH, TCPMESH_HEAP (-Xmx per process, 256m),
# TCPMESH_CDS=off (no class-data sharing archive; by default bin/tcpmesh-cds makes one when the jars change).
set -euo pipefail
build=1
tls=0
while [ $# -gt 0 ]; do
  case "$1" in
    --zk) [ $# -ge 2 ] || { echo "start-cluster.sh: --zk needs HOST:PORT[,...]" >&2; exit 2; }; export TCPMESH_ZK="$2"; shift 2 ;;
    --zk-servers) [[ "${2:-}" =~ ^[1-9]$ ]] || { echo "start-cluster.sh: --zk-servers needs a member count, 1 to 9 (3 or 5 survive losing members)" >&2; exit 2; }
      export TCPMESH_ZK_SERVERS="$2"; shift 2 ;;
    --zk-auth) [ $# -ge 2 ] || { echo "start-cluster.sh: --zk-auth needs a file" >&2; exit 2; }; export TCPMESH_ZK_AUTH="$2"; shift 2 ;;
    --port-offset) [ $# -ge 2 ] || { echo "start-cluster.sh: --port-offset needs a number" >&2; exit 2; }; export TCPMESH_PORT_OFFSET="$2"; shift 2 ;;
    --run-dir) [ $# -ge 2 ] || { echo "start-cluster.sh: --run-dir needs a folder" >&2; exit 2; }; export TCPMESH_RUN_DIR="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --tls) tls=1; shift ;;
    -h|--help) sed -n '/^set -euo/q; 2,$p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "start-cluster.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if [ -n "${TCPMESH_ZK:-}" ] && [ "${TCPMESH_ZK_SERVERS:-1}" != 1 ]; then
  echo "start-cluster.sh: --zk (an existing ensemble) and --zk-servers (start one) exclude each other" >&2
  exit 2
fi
# shellcheck source=bin/cluster-env.sh
. "$(cd "$(dirname "$0")" && pwd)/bin/cluster-env.sh"
load_ports

# 1. jars: built from the source checkout when missing
if [ ! -d "$dist_home/lib" ] && [ ! -d "$dist_home/target/lib" ]; then
  if [ "$build" = 1 ] && [ -f "$dist_home/../pom.xml" ]; then
    echo "building tcpmesh (mvn -B -q -DskipTests package) ..."
    (cd "$dist_home/.." && mvn -B -q -DskipTests package)
  else
    echo "start-cluster.sh: no jars in $dist_home/target/lib; build with: mvn -B -DskipTests package" >&2
    exit 1
  fi
fi

# 2. never two clusters in one run folder
mkdir -p "$run_dir/logs" "$run_dir/pids"
running=()
for f in "$run_dir"/pids/*.pid; do
  [ -e "$f" ] || continue
  if pid_alive "$(cat "$f")"; then running+=("$(basename "$f" .pid)"); else rm -f "$f"; fi
done
if [ ${#running[@]} -gt 0 ]; then
  echo "tcpmesh is already running from $run_dir (${running[*]})."
  echo "See dist/status.sh; stop it with dist/stop-cluster.sh before starting again."
  exit 0
fi

# every process gets the cluster's ZooKeeper secret: TCPMESH_ZK_AUTH (see bin/cluster-env.sh), and start() adds --zk-auth
use_zk_auth

# 3. every port free?
own_zk=1
[ -n "${TCPMESH_ZK:-}" ] && own_zk=0
ports=("$MD5_PROXY_PORT" "${MD5_PORTS[@]}" "$ECHO_PROXY_PORT" "$ECHO_MASTER_PORT" "${ECHO_PORTS[@]}"
       "$NUMBERS_PROXY_PORT" "${NUMBERS_PORTS[@]}" "$COLLECTOR_PORT" "$ADMIN_PORT"
       "${MD5_ADMIN_PORTS[@]}" "${ECHO_ADMIN_PORTS[@]}" "${NUMBERS_ADMIN_PORTS[@]}" "$COLLECTOR_ADMIN_PORT")
[ "$own_zk" = 1 ] && ports+=("${ZK_PORTS[@]}")
[ "$own_zk" = 1 ] && [ "$ZK_SERVERS" -gt 1 ] && ports+=("${ZK_PEER_PORTS[@]}" "${ZK_ELECTION_PORTS[@]}")
taken=()
for p in "${ports[@]}"; do port_open "$p" && taken+=("$p"); done
if [ ${#taken[@]} -gt 0 ]; then
  echo "start-cluster.sh: port(s) ${taken[*]} already in use by another process." >&2
  echo "Stop what uses them (ss -ltnp | grep <port>), or run a cluster beside it: dist/start-cluster.sh --port-offset 10000" >&2
  exit 1
fi

# class-data sharing: every JVM below maps one archive of the tcpmesh classes (made once per build of
# the jars, about 5 s; without it each JVM parses and verifies ~6,000 classes itself, twice the CPU)
if [ "${TCPMESH_CDS:-on}" != off ] && ! "$dist_home/bin/tcpmesh-cds" --check; then
  echo "making the class-data sharing archive for these jars (once per build) ..."
  "$dist_home/bin/tcpmesh-cds" --quiet || echo "start-cluster.sh: starting without class-data sharing (slower)" >&2
fi

# open files: the proxy below may hold MaxConnections (20000) proxied connections, two descriptors each
nofile="$(ulimit -Hn)"
if [ "$nofile" != unlimited ] && [ "$nofile" -lt 41000 ]; then
  echo "start-cluster.sh: note: at most $nofile open files per process (ulimit -Hn): the proxy can hold about $(( (nofile - 1000) / 2 )) of its 20000 connections, a node about $((nofile - 1000)); an administrator raises the hard limit (README.md, Open files)" >&2
fi

start() { # NAME ARGS...
  local name="$1"; shift
  # the secret on every tcpmesh command line too (the path, not the secret), so a process restarted
  # from its command line (dist/chaos) still writes with it
  [[ "$name" == zookeeper* ]] || set -- "$@" --zk-auth "$TCPMESH_ZK_AUTH"
  # its own session, so closing the terminal does not stop it; not nohup, which would make the
  # process ignore SIGHUP, the proxy's reload signal
  setsid "$@" </dev/null >"$run_dir/logs/$name.log" 2>&1 &
  echo $! >"$run_dir/pids/$name.pid"
  mkdir -p "$run_dir/cmd" && printf '%q ' "$@" >"$run_dir/cmd/$name" # restart-node.sh runs it again
}

fail() { # MESSAGE [SERVICE...]: the log tails of processes that exited or of the services named
  echo "start-cluster.sh: $1" >&2
  shift
  local f name svc show
  for f in "$run_dir"/pids/*.pid; do
    name="$(basename "$f" .pid)"
    show=0
    pid_alive "$(cat "$f")" || show=1
    for svc in "$@"; do [[ "$name" == "$svc" || "$name" == "$svc"-* ]] && show=1; done
    if [ "$show" = 1 ]; then
      echo "--- $name ($(pid_alive "$(cat "$f")" && echo up || echo exited)), last lines of $run_dir/logs/$name.log:" >&2
      tail -n 15 "$run_dir/logs/$name.log" >&2 || true
    fi
  done
  echo "The processes that did start are still running; dist/stop-cluster.sh stops them." >&2
  exit 1
}

# 4. throwaway certificates: a CA, one server certificate for localhost and 127.0.0.1, one client certificate
tls_args=()
if [ "$tls" = 1 ]; then
  command -v openssl >/dev/null 2>&1 || { echo "start-cluster.sh: --tls needs the openssl command (apt-get install openssl)" >&2; exit 2; }
  tls_dir="$run_dir/tls"
  mkdir -p "$tls_dir"
  "$dist_home/bin/tls-certificates" "$tls_dir" >"$run_dir/logs/tls-certificates.log" 2>&1 \
    || { cat "$run_dir/logs/tls-certificates.log" >&2; echo "start-cluster.sh: openssl could not make the certificates" >&2; exit 1; }
  tls_args=(--tls-cert "$tls_dir/server-chain.pem" --tls-key "$tls_dir/server.key")
fi

# 5. ZooKeeper: standalone, or an ensemble of $ZK_SERVERS members on loopback
await_zk() { # NAME PORT
  local pid; pid="$(pid_of "$1")"
  for _ in $(seq 1 600); do
    port_open "$2" && return 0
    pid_alive "$pid" || fail "$1 exited"
    sleep 0.05
  done
  fail "$1 did not open port $2 within 30 s"
}
if [ "$own_zk" = 1 ] && [ "$ZK_SERVERS" = 1 ]; then
  zk="127.0.0.1:$ZK_PORT"
  start zookeeper "$tcpmesh_java" io.tcpmesh.coordination.cli.ZooKeeperCommand --port "$ZK_PORT" --bind 127.0.0.1 --data-dir "$run_dir/zookeeper-data"
  await_zk zookeeper "$ZK_PORT"
elif [ "$own_zk" = 1 ]; then
  members=""
  zk=""
  for i in $(seq 1 "$ZK_SERVERS"); do
    members="$members${members:+,}127.0.0.1:${ZK_PEER_PORTS[$((i - 1))]}:${ZK_ELECTION_PORTS[$((i - 1))]}"
    zk="$zk${zk:+,}127.0.0.1:${ZK_PORTS[$((i - 1))]}"
  done
  for i in $(seq 1 "$ZK_SERVERS"); do
    start "zookeeper-$i" "$tcpmesh_java" io.tcpmesh.coordination.cli.ZooKeeperCommand --id "$i" --members "$members" \
      --port "${ZK_PORTS[$((i - 1))]}" --bind 127.0.0.1 --data-dir "$run_dir/zookeeper-$i-data"
  done
  for i in $(seq 1 "$ZK_SERVERS"); do await_zk "zookeeper-$i" "${ZK_PORTS[$((i - 1))]}"; done
else
  zk="$TCPMESH_ZK"
fi
echo "$zk" >"$run_dir/zk"
printf 'TCPMESH_PORT_OFFSET=%s\nTCPMESH_ZK_SERVERS=%s\n' "${TCPMESH_PORT_OFFSET:-0}" "$ZK_SERVERS" >"$run_dir/cluster.env"

# 6. the services
for i in "${!MD5_PORTS[@]}"; do p="${MD5_PORTS[$i]}"
  start "md5-$p" "$dist_home/bin/md5-service" --port "$p" --zk "$zk" --admin-port "${MD5_ADMIN_PORTS[$i]}" ${tls_args[@]+"${tls_args[@]}"}
done
for i in "${!ECHO_PORTS[@]}"; do p="${ECHO_PORTS[$i]}"
  start "echo-$p" "$dist_home/bin/echo-node" --port "$p" --master-port "$ECHO_MASTER_PORT" --zk "$zk" --admin-port "${ECHO_ADMIN_PORTS[$i]}" ${tls_args[@]+"${tls_args[@]}"}
done
for i in "${!NUMBERS_PORTS[@]}"; do p="${NUMBERS_PORTS[$i]}"
  start "numbers-$p" "$dist_home/bin/numbers-server" --port "$p" --zk "$zk" --admin-port "${NUMBERS_ADMIN_PORTS[$i]}" ${tls_args[@]+"${tls_args[@]}"}
done
mkdir -p "$run_dir/storage/reports"
start "storage-collector-$COLLECTOR_PORT" "$dist_home/bin/storage-collector" --port "$COLLECTOR_PORT" --zk "$zk" \
  --admin-port "$COLLECTOR_ADMIN_PORT" --db "$run_dir/storage/runs.db" --reports "$run_dir/storage/reports" \
  ${tls_args[@]+"${tls_args[@]}"} ${tls_args[@]+--tls-client-ca "$tls_dir/ca.pem"}
# dist/conf/proxy.json with this cluster's ports; with --tls the proxy terminates TLS and speaks TLS to the nodes
app_tls=""
if [ "$tls" = 1 ]; then
  app_tls=', "Tls": {"Certificate": "tls/server-chain.pem", "Key": "tls/server.key"}, "TargetTls": {"Ca": "tls/ca.pem"}'
fi
cat >"$run_dir/proxy.json" <<JSON
{
  "MaxConnections": 20000,
  "Apps": [
    { "Name": "md5", "Ports": [$MD5_PROXY_PORT], "Targets": ["discovery:md5"], "Balancing": "least-connections",
      "ConnectTimeout": "1s", "IdleTimeout": "5m", "ResponseTimeout": "2s", "RetryOnNoResponse": true$app_tls },
    { "Name": "echo", "Ports": [$ECHO_PROXY_PORT], "Targets": ["discovery:echo"], "ConnectTimeout": "1s", "IdleTimeout": "10m"$app_tls },
    { "Name": "numbers", "Ports": [$NUMBERS_PROXY_PORT], "Targets": ["discovery:numbers"], "ConnectTimeout": "1s", "IdleTimeout": "10m"$app_tls }
  ]
}
JSON
start proxy "$dist_home/bin/proxy" --config "$run_dir/proxy.json" --zk "$zk" --admin-port "$ADMIN_PORT"

# 7. registered, or say who is not
# a short-lived client: the first compiler tier only (the optimising one would cost more CPU than it saves)
TCPMESH_HEAP=64m JAVA_OPTS="-XX:TieredStopAtLevel=1 ${JAVA_OPTS:-}" "$tcpmesh_java" io.tcpmesh.coordination.cli.StatusCommand --zk "$zk" --zk-wait 30s --quiet --timeout 90s \
  --wait "md5=3,echo=3,numbers=2,storage-collector=1,proxy=1" >"$run_dir/logs/status.log" 2>&1 &
status_pid=$!
started=()
for f in "$run_dir"/pids/*.pid; do started+=("$(basename "$f" .pid)=$(cat "$f")"); done
while pid_alive "$status_pid"; do # a process that exits stops the wait at once
  for p in "${started[@]}"; do
    pid_alive "${p#*=}" || { kill "$status_pid" 2>/dev/null; fail "${p%%=*} exited during start-up"; }
  done
  sleep 0.1
done
if ! wait "$status_pid"; then
  cat "$run_dir/logs/status.log" >&2
  missing="$(sed -n 's/.*not registered within [^:]*: //p' "$run_dir/logs/status.log" | sed 's/ ([^)]*)//g; s/,//g')"
  fail "not every service registered in ZooKeeper" $missing
fi
for f in "$run_dir"/pids/*.pid; do
  pid_alive "$(cat "$f")" || fail "$(basename "$f" .pid) exited"
done

cat <<TABLE
tcpmesh is running (run folder: $run_dir)

  what                      endpoint
  ZooKeeper                 $zk (writable with the secret in $TCPMESH_ZK_AUTH)
  proxy -> md5 nodes        127.0.0.1:$MD5_PROXY_PORT
  proxy -> echo nodes       127.0.0.1:$ECHO_PROXY_PORT
  proxy -> numbers servers  127.0.0.1:$NUMBERS_PROXY_PORT
  echo master (leader)      127.0.0.1:$ECHO_MASTER_PORT
  md5 nodes                 ${MD5_PORTS[*]}
  echo nodes                ${ECHO_PORTS[*]}
  numbers servers           ${NUMBERS_PORTS[*]}
  storage collector         127.0.0.1:$COLLECTOR_PORT
  proxy admin               http://127.0.0.1:$ADMIN_PORT/stats  /cluster
  admin (/health, /metrics) md5 ${MD5_ADMIN_PORTS[*]}, echo ${ECHO_ADMIN_PORTS[*]},
                            numbers ${NUMBERS_ADMIN_PORTS[*]}, storage collector $COLLECTOR_ADMIN_PORT, proxy $ADMIN_PORT
  storage runs database     $run_dir/storage/runs.db (reports in $run_dir/storage/reports)

Try:
  echo -n 'Hello, MD5 server!' | nc -N 127.0.0.1 $MD5_PROXY_PORT
  echo hello | nc -N 127.0.0.1 $ECHO_PROXY_PORT
  $(cd "$dist_home" && pwd)/zkcli.sh ls /tcpmesh/services/md5

Status: dist/status.sh    Restart one node: dist/restart-node.sh NAME    Stop: dist/stop-cluster.sh
TABLE
if [ "$tls" = 1 ]; then
  bin="$(cd "$dist_home" && pwd)/bin"
  cat <<TLS

TLS (--tls): every md5, echo and numbers node and the collector speak only TLS 1.3/1.2; the proxy
terminates TLS on its ports and speaks TLS to the nodes, verifying them (Tls and TargetTls in
$run_dir/proxy.json). CA: $tls_dir/ca.pem (server certificate for localhost and 127.0.0.1, client certificate
$tls_dir/client.pem with $tls_dir/client.key, which the collector requires). The plaintext commands
above get closed. Try:
  printf 'Hello, MD5 server!' | socat -t 5 - OPENSSL:127.0.0.1:$MD5_PROXY_PORT,cafile=$tls_dir/ca.pem
  printf 'Hello, MD5 server!' | socat -t 5 - OPENSSL:127.0.0.1:${MD5_PORTS[0]},verify=0
  openssl s_client -connect 127.0.0.1:$ECHO_PROXY_PORT -CAfile $tls_dir/ca.pem -verify_hostname localhost -quiet
  $bin/echo-client --zk $zk --tls --tls-ca $tls_dir/ca.pem
  $bin/numbers-client --port $NUMBERS_PROXY_PORT --tls --tls-ca $tls_dir/ca.pem --count 10
  $bin/storage-agent --zk $zk --dir /tmp/agent-data --runtime 10s --tls --tls-ca $tls_dir/ca.pem \
      --tls-cert $tls_dir/client-chain.pem --tls-key $tls_dir/client.key
TLS
fi
