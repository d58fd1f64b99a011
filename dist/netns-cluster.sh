#!/usr/bin/env bash
# A tcpmesh cluster spread over Linux network namespaces, one per "host", joined by a bridge: each
# process binds and advertises its own host's address, exactly as on separate machines.
#
# usage: dist/netns-cluster.sh up|check|partition HOST|heal HOST|leader|registered SERVICE|down [--run-dir DIR]
#   up              create the hosts and start 3 ZooKeeper members, 2 md5 nodes, 2 echo nodes, a
#                   numbers server and the proxy, each on its own host; waits until all registered
#   check           from the client host: md5 and echo through the proxy, the echo master port,
#                   a numbers stream through the proxy; one line per check, exit 1 if one failed
#   partition HOST  cut HOST off the network (its port on the bridge goes down)
#   heal HOST       connect HOST again
#   leader          print the host of the echo leader and of the ZooKeeper leader
#   registered SVC  print the instances of service SVC (md5, echo, numbers, proxy) in ZooKeeper
#   down            stop every process and delete every namespace
# Hosts (all in 10.213.0.0/24): zk1 .11, zk2 .12, zk3 .13, md5a .21, md5b .22, echo1 .31, echo2 .32,
# numbers .41, proxy .50, client .100. The bridge lives in a namespace of its own; nothing is added
# to the root namespace and no traffic leaves the namespaces (no route leads out).
# Every process writes ZooKeeper with the secret in RUN-DIR/zk-auth (made by 'up'; TCPMESH_ZK_AUTH).
# Needs root and iproute2 (ip netns). Environment: TCPMESH_NETNS_PREFIX (namespace names, default
# tm), TCPMESH_RUN_DIR (default /tmp/tcpmesh-netns), TCPMESH_HEAP (default 128m),
# TCPMESH_ZK_SESSION_TIMEOUT (default 5s).
set -euo pipefail
usage() { sed -n '5,23p' "$0" | sed 's/^# \{0,1\}//'; }
cmd="${1:-}"; [ $# -gt 0 ] && shift
host_arg=""
case "$cmd" in
  partition|heal|registered) host_arg="${1:-}"; [ -n "$host_arg" ] || { echo "netns-cluster.sh: $cmd needs an argument (try --help)" >&2; exit 2; }; shift ;;
  up|check|down|leader) ;;
  -h|--help) usage; exit 0 ;;
  *) echo "netns-cluster.sh: unknown command '${cmd}' (try --help)" >&2; exit 2 ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) [ $# -ge 2 ] || { echo "netns-cluster.sh: --run-dir needs a folder" >&2; exit 2; }; export TCPMESH_RUN_DIR="$2"; shift 2 ;;
    *) echo "netns-cluster.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" != 0 ]; then
  echo "netns-cluster.sh: needs root (it creates network namespaces, a bridge and veth links); run it with sudo" >&2
  exit 1
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
  echo "netns-cluster.sh: needs iproute2 with network namespaces ('ip netns'); install iproute2" >&2
  exit 1
fi

dist="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${TCPMESH_NETNS_PREFIX:-tm}"
run="${TCPMESH_RUN_DIR:-/tmp/tcpmesh-netns}"
export TCPMESH_HEAP="${TCPMESH_HEAP:-128m}"
session="${TCPMESH_ZK_SESSION_TIMEOUT:-5s}"
bridge_ns="$prefix-bridge"
# the cluster's ZooKeeper secret: every tcpmesh program reads the file TCPMESH_ZK_AUTH names
[ -f "$run/zk-auth" ] && export TCPMESH_ZK_AUTH="$run/zk-auth"
declare -A addr=([zk1]=10.213.0.11 [zk2]=10.213.0.12 [zk3]=10.213.0.13 [md5a]=10.213.0.21 [md5b]=10.213.0.22
  [echo1]=10.213.0.31 [echo2]=10.213.0.32 [numbers]=10.213.0.41 [proxy]=10.213.0.50 [client]=10.213.0.100)
hosts=(zk1 zk2 zk3 md5a md5b echo1 echo2 numbers proxy client)
zk="${addr[zk1]}:2181,${addr[zk2]}:2181,${addr[zk3]}:2181"
members="${addr[zk1]}:2888:3888,${addr[zk2]}:2888:3888,${addr[zk3]}:2888:3888"

ns() { echo "$prefix-$1"; }
on() { local h="$1"; shift; ip netns exec "$(ns "$h")" "$@"; }
known_host() { [ -n "${addr[$1]:-}" ] || { echo "netns-cluster.sh: no host '$1'; hosts: ${hosts[*]}" >&2; exit 2; }; }

start() { # HOST NAME COMMAND...: in HOST's namespace, its own session, logs and pid in the run folder
  local h="$1" name="$2"; shift 2
  ip netns exec "$(ns "$h")" setsid "$@" </dev/null >"$run/logs/$name.log" 2>&1 &
  echo $! >"$run/pids/$name.pid"
}

java_on() { # HOST CLASS ARGS...: a short-lived tool in HOST's namespace
  local h="$1"; shift
  JAVA_OPTS="${JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" TCPMESH_HEAP=64m on "$h" "$dist/bin/tcpmesh-java" "$@"
}

up() {
  if ip netns list | grep -qw "$bridge_ns"; then
    echo "netns-cluster.sh: already up (namespace $bridge_ns exists); 'down' first" >&2
    exit 1
  fi
  [ -d "$dist/lib" ] || [ -d "$dist/target/lib" ] || { echo "netns-cluster.sh: no jars; build with: mvn -B -DskipTests package" >&2; exit 1; }
  rm -rf "$run"; mkdir -p "$run/logs" "$run/pids"
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$run/zk-auth")
  export TCPMESH_ZK_AUTH="$run/zk-auth"
  ip netns add "$bridge_ns"
  ip -n "$bridge_ns" link set lo up
  ip -n "$bridge_ns" link add br0 type bridge
  ip -n "$bridge_ns" link set br0 up
  local h
  for h in "${hosts[@]}"; do
    ip netns add "$(ns "$h")"
    ip -n "$(ns "$h")" link set lo up
    # both ends are created inside the namespaces: the root namespace never sees them
    ip -n "$bridge_ns" link add "v-$h" type veth peer name eth0 netns "$(ns "$h")"
    ip -n "$bridge_ns" link set "v-$h" master br0 up
    ip -n "$(ns "$h")" addr add "${addr[$h]}/24" dev eth0
    ip -n "$(ns "$h")" link set eth0 up
  done
  echo "hosts up: ${hosts[*]} (bridge in namespace $bridge_ns)"
  local i=1
  for h in zk1 zk2 zk3; do
    start "$h" "zookeeper-$i" "$dist/bin/zookeeper" --id "$i" --members "$members" --port 2181 --bind "${addr[$h]}" \
      --data-dir "$run/zookeeper-$i-data"
    i=$((i + 1))
  done
  local common=(--zk "$zk" --zk-session-timeout "$session")
  for h in md5a md5b; do
    start "$h" "md5-$h" "$dist/bin/md5-service" --port 7001 --bind "${addr[$h]}" --advertise "${addr[$h]}" --id "md5-${h#md5}" "${common[@]}"
  done
  for h in echo1 echo2; do
    start "$h" "echo-$h" "$dist/bin/echo-node" --port 9601 --master-port 8888 --bind "${addr[$h]}" --advertise "${addr[$h]}" \
      --id "echo-${h#echo}" "${common[@]}"
  done
  start numbers numbers "$dist/bin/numbers-server" --port 7101 --bind "${addr[numbers]}" --advertise "${addr[numbers]}" "${common[@]}"
  cat >"$run/proxy.json" <<JSON
{
  "Apps": [
    { "Name": "md5", "Ports": [7000], "Targets": ["discovery:md5"], "Balancing": "least-connections", "ConnectTimeout": "1s", "IdleTimeout": "5m",
      "ResponseTimeout": "2s", "RetryOnNoResponse": true },
    { "Name": "echo", "Ports": [8000], "Targets": ["discovery:echo"], "ConnectTimeout": "1s", "IdleTimeout": "10m" },
    { "Name": "numbers", "Ports": [7100], "Targets": ["discovery:numbers"], "ConnectTimeout": "1s", "IdleTimeout": "10m" }
  ]
}
JSON
  start proxy proxy "$dist/bin/proxy" --config "$run/proxy.json" --bind "${addr[proxy]}" --advertise "${addr[proxy]}" \
    --admin-port 9000 --admin-bind "${addr[proxy]}" "${common[@]}"
  if ! java_on client io.tcpmesh.coordination.cli.StatusCommand --zk "$zk" --zk-wait 60s --quiet --timeout 120s \
       --wait "md5=2,echo=2,numbers=1,proxy=1" >"$run/logs/status.log" 2>&1; then
    cat "$run/logs/status.log" >&2
    echo "netns-cluster.sh: not every service registered; logs in $run/logs; 'down' stops what started" >&2
    exit 1
  fi
  echo "cluster up: ZooKeeper $zk; proxy ${addr[proxy]}:7000 (md5) :8000 (echo) :7100 (numbers); logs in $run/logs"
}

echo_leader_host() { # from ZooKeeper, seen from the client host
  local line
  line="$(java_on client io.tcpmesh.echo.EchoNodeCommand members --zk "$zk" 2>/dev/null | grep LEADER || true)"
  for h in echo1 echo2; do
    if [[ "$line" == *"${addr[$h]}:"* ]]; then echo "$h"; return 0; fi
  done
  return 0
}

zk_leader_host() {
  local h mode
  for h in zk1 zk2 zk3; do
    mode="$( (on client timeout 2 bash -c "exec 3<>/dev/tcp/${addr[$h]}/2181; printf srvr >&3; cat <&3") 2>/dev/null | sed -n 's/^Mode: //p' || true)"
    if [ "$mode" = leader ]; then echo "$h"; fi
  done
  return 0
}

check() {
  local failed=0 got want
  report() { # OK? NAME DETAIL
    if [ "$1" = 1 ]; then printf 'ok    %-38s %s\n' "$2" "$3"; else printf 'FAIL  %-38s %s\n' "$2" "$3"; failed=1; fi
  }
  want=ba6f4fdbbfad6e8613f4f9459db93c7e
  got="$(printf 'Hello, MD5 server!' | on client timeout 10 nc -N "${addr[proxy]}" 7000 2>&1 || true)"
  report "$([ "$got" = "$want" ] && echo 1)" "md5 through the proxy ${addr[proxy]}:7000" "${got:-no answer}"
  got="$(echo hello-echo | on client timeout 10 nc -N "${addr[proxy]}" 8000 2>&1 || true)"
  report "$([ "$got" = hello-echo ] && echo 1)" "echo through the proxy ${addr[proxy]}:8000" "${got:-no answer}"
  local leader; leader="$(echo_leader_host)"
  if [ -n "$leader" ]; then
    got="$(echo hello-master | on client timeout 10 nc -N "${addr[$leader]}" 8888 2>&1 || true)"
    report "$([ "$got" = hello-master ] && echo 1)" "echo master port ${addr[$leader]}:8888 ($leader)" "${got:-no answer}"
  else
    report 0 "echo master port" "no leader in ZooKeeper"
  fi
  got="$(java_on client io.tcpmesh.numbers.client.NumbersClientCommand --host "${addr[proxy]}" --port 7100 --count 5 --give-up 20s 2>&1 | tail -1 || true)"
  report "$([ "$got" = OK ] && echo 1)" "numbers stream through the proxy ${addr[proxy]}:7100" "$got"
  return "$failed"
}

link() { # HOST up|down
  known_host "$1"
  ip -n "$bridge_ns" link set "v-$1" "$2"
}

down() {
  local f pid pids=()
  if [ -d "$run/pids" ]; then
    for f in "$run"/pids/*.pid; do
      [ -e "$f" ] || continue
      pid="$(cat "$f")"
      kill -CONT "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    done
    for _ in $(seq 1 100); do
      local left=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
      [ "$left" = 0 ] && break
      sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -f "$run"/pids/*.pid
  fi
  local h
  for h in "${hosts[@]}"; do
    ip netns del "$(ns "$h")" 2>/dev/null || true
  done
  ip netns del "$bridge_ns" 2>/dev/null || true
  echo "down: processes stopped, namespaces $prefix-* deleted"
}

case "$cmd" in
  up) up ;;
  check) check ;;
  partition) link "$host_arg" down; echo "partitioned $host_arg (${addr[$host_arg]})" ;;
  heal) link "$host_arg" up; echo "healed $host_arg (${addr[$host_arg]})" ;;
  leader) echo "echo leader: $(echo_leader_host)"; echo "zookeeper leader: $(zk_leader_host)" ;;
  registered) [[ "$host_arg" =~ ^[a-z0-9-]+$ ]] || { echo "netns-cluster.sh: '$host_arg' is not a service name" >&2; exit 2; }
    JAVA_OPTS="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn" on client "$dist/zkcli.sh" --zk "$zk" ls "/tcpmesh/services/$host_arg" 2>/dev/null | grep '^\[' | tail -1 ;;
  down) down ;;
esac
