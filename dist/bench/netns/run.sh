#!/usr/bin/env bash
# Partitions on the namespace cluster (dist/netns-cluster.sh up first), measured from the client host:
#   1. md5 node md5a cut off under md5 load through the proxy: failed requests, when the proxy dropped it
#   2. the echo leader cut off, with a probe on the master port: when the old leader stopped serving,
#      when the successor served (from the two nodes' logs, one clock), the probe's longest gap
#   3. a ZooKeeper member cut off (the one the new echo leader uses) under md5 load: failed requests, and
#      whether the echo leader and the master port noticed
#   4. the ZooKeeper ensemble's leader cut off, --rounds times (8 s each): the master port's longest gap
#      per round (the other two members must elect a new leader first) and whether the echo leader changed
#   every healed host rejoins: registrations afterwards
# Usage: dist/bench/netns/run.sh [--hold 15] [--rounds 5] [--sections "1 2 3 4"]   (seconds each host stays cut off)
set -euo pipefail
hold=15; rounds=5; sections="1 2 3 4"
while [ $# -gt 0 ]; do
  case "$1" in
    --hold) hold="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --sections) sections="$2"; shift 2 ;;
    *) echo "usage: $0 [--hold SECONDS] [--rounds N] [--sections \"1 2 3 4\"]" >&2; exit 2 ;;
  esac
done
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="${TCPMESH_NETNS_PREFIX:-tm}"
run="${TCPMESH_RUN_DIR:-/tmp/tcpmesh-netns}"
nc_="$dist/netns-cluster.sh"
zk=10.213.0.11:2181,10.213.0.12:2181,10.213.0.13:2181
on_client() { ip netns exec "$prefix-client" "$@"; }
tool() { JAVA_OPTS="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn" TCPMESH_HEAP=64m on_client "$dist/bin/tcpmesh-java" "$@"; }
now_ms() { date +%s%3N; }
ms_of_log() { # FILE PATTERN: epoch ms of the last matching log line (ISO timestamps)
  local line; line="$(grep -a "$2" "$1" | tail -1 | cut -c1-28)"
  [ -n "$line" ] && date -d "$line" +%s%3N || echo ""
}
registered() { tool org.apache.zookeeper.ZooKeeperMain -server "$zk" ls "/tcpmesh/services/$1" 2>/dev/null | grep '^\[' | tail -1; }
work="$(mktemp -d /tmp/netns-bench.XXXXXX)"; echo "logs in $work" >&2

section1() {
echo "## 1. md5 node md5a cut off for ${hold}s under load (8 in flight through the proxy)"
on_client "$dist/bin/load" --mode md5 -c 8 -d "$((hold + 15))s" 10.213.0.50:7000 >"$work/md5.out" 2>"$work/md5.err" &
load=$!
sleep 5
t0=$(now_ms); "$nc_" partition md5a >/dev/null
until ! registered md5 | grep -q md5-a; do sleep 0.2; done; t_reg=$(now_ms)
sleep "$hold"; "$nc_" heal md5a >/dev/null; t_heal=$(now_ms)
until registered md5 | grep -q md5-a; do sleep 0.2; done; t_back=$(now_ms)
wait "$load" || true
t_rot=$(ms_of_log "$run/logs/proxy.log" "discovery:md5.*targets now \[[^,]*\]")
echo "- registration gone $((t_reg - t0)) ms after the cut; proxy rotation without md5a $([ -n "$t_rot" ] && echo "$((t_rot - t0)) ms" || echo "(no log line)") after it"
echo "- healed: registered again $((t_back - t_heal)) ms after; now $(registered md5)"
echo "- load: $(grep -E 'requests' "$work/md5.out" | tr -s ' ')"
}

section2() {
echo
echo "## 2. the echo leader cut off for ${hold}s"
leader="$("$nc_" leader | sed -n 's/^echo leader: //p')"
other=echo1; [ "$leader" = echo1 ] && other=echo2
leader_addr=10.213.0.3${leader#echo}; other_addr=10.213.0.3${other#echo}
t0=$(now_ms); "$nc_" partition "$leader" >/dev/null
until [ -n "$(ms_of_log "$run/logs/echo-$other.log" 'serving master port')" ] && \
      [ "$(ms_of_log "$run/logs/echo-$other.log" 'serving master port')" -gt "$t0" ]; do sleep 0.2; done
t_old=$(ms_of_log "$run/logs/echo-$leader.log" "released master port")
t_new=$(ms_of_log "$run/logs/echo-$other.log" "serving master port")
echo "- $leader ($leader_addr) cut off; it released the master port $((t_old - t0)) ms after the cut (lease lapsed)"
echo "- $other ($other_addr) served the master port $((t_new - t0)) ms after the cut: $((t_new - t_old)) ms after the old leader stopped"
echo "- check from the client: $(echo hello | on_client timeout 5 nc -N "$other_addr" 8888 || echo FAIL)"
sleep "$hold"; "$nc_" heal "$leader" >/dev/null; t_heal=$(now_ms)
until [ "$(registered echo | tr -cd ',' | wc -c)" = 1 ]; do sleep 0.2; done
sleep 3
echo "- healed: $(registered echo); leader now $("$nc_" leader | sed -n 's/^echo leader: //p'); the healed node's last word: $(grep -a -E 'is now leader|is no longer leader|released|serving master' "$run/logs/echo-$leader.log" | tail -1 | cut -c1-160)"
}

section3() {
leader="$("$nc_" leader | sed -n 's/^echo leader: //p')"
other=$leader; other_addr=10.213.0.3${other#echo}
echo
echo "## 3. a ZooKeeper member cut off for ${hold}s: the one the echo leader ($other) is connected to"
member=""
for z in 1 2 3; do
  if ip netns exec "$prefix-zk$z" ss -Htn state established "( sport = :2181 )" | grep -qE "[[:space:]]\[?(::ffff:)?$other_addr\]?:"; then member="zk$z"; fi
done
echo "- member: ${member:-unknown} ($(ip netns exec "$prefix-client" timeout 2 bash -c "exec 3<>/dev/tcp/10.213.0.1${member#zk}/2181; printf srvr >&3; cat <&3" 2>/dev/null | sed -n 's/^Mode: //p'))"
on_client "$dist/bin/load" --mode md5 -c 8 -d "$((hold + 10))s" 10.213.0.50:7000 >"$work/md5b.out" 2>"$work/md5b.err" &
load=$!
tool io.tcpmesh.echo.bench.GapProbe --host "$other_addr" --port 8888 --duration "$((hold + 10))s" >"$work/gap.out" 2>&1 &
gap=$!
for _ in $(seq 1 300); do grep -q READY "$work/gap.out" && break; sleep 0.1; done
sleep 2
t0=$(now_ms); "$nc_" partition "$member" >/dev/null
sleep "$hold"; "$nc_" heal "$member" >/dev/null
wait "$load" || true; wait "$gap" || true
echo "- md5 load: $(grep -E 'requests' "$work/md5b.out" | tr -s ' ')"
echo "- master port probe on $other_addr: $(sed -n 's/^RESULT //p' "$work/gap.out")"
echo "- echo leader's log during it: $(awk -v t="$(date -u -d @"$((t0 / 1000))" +%Y-%m-%dT%H:%M:%S)" '$1 >= t' "$run/logs/echo-$other.log" | grep -a -E 'suspended|reconnected|lease|released|serving' | cut -c12-23,60-150 | tr '\n' ';')"
echo "- $("$nc_" check | tr '\n' ';')"
}

section4() {
echo
echo "## 4. the ZooKeeper ensemble's leader cut off for 8 s, $rounds rounds, a probe on the echo leader's master port"
local r leader zkl addr_ gap_out
for r in $(seq 1 "$rounds"); do
  leader="$("$nc_" leader | sed -n 's/^echo leader: //p')"; addr_=10.213.0.3${leader#echo}
  zkl="$("$nc_" leader | sed -n 's/^zookeeper leader: //p')"
  gap_out="$work/gap4-$r.out"
  tool io.tcpmesh.echo.bench.GapProbe --host "$addr_" --port 8888 --duration 14s >"$gap_out" 2>&1 &
  local gap=$!
  for _ in $(seq 1 300); do grep -q READY "$gap_out" && break; sleep 0.1; done
  sleep 2
  "$nc_" partition "$zkl" >/dev/null; sleep 8; "$nc_" heal "$zkl" >/dev/null
  wait "$gap" || true
  echo "- round $r: cut $zkl (leader), echo leader $leader -> $("$nc_" leader | sed -n 's/^echo leader: //p'); master port: $(sed -n 's/^RESULT //p' "$gap_out")"
  until [ -n "$("$nc_" leader | sed -n 's/^zookeeper leader: //p')" ]; do sleep 0.5; done
  sleep 5
done
}

for s in $sections; do "section$s"; done
echo
echo "registrations at the end: md5 $(registered md5), echo $(registered echo), numbers $(registered numbers)"
