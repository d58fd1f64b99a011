#!/usr/bin/env bash
# Quick proxy measurement (not the project's benchmark): 64-byte echo over N connections and a bulk
# upload, measured direct, through tcpmesh proxy and through HAProxy in the same run, on loopback.
# Usage: dist/bench/proxy/quick.sh [CONNECTIONS=50] [SECONDS=5] [MEBIBYTES=1024]
# Needs: mvn -B -o -q -pl proxy test-compile; haproxy (apt-get install -y haproxy).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
CONNS=${1:-50}; SECS=${2:-5}; MIB=${3:-1024}
BASE=${BENCH_BASE_PORT:-19600}
ECHO=$BASE; SINK=$((BASE+1)); P_ECHO=$((BASE+10)); P_SINK=$((BASE+11)); H_ECHO=$((BASE+20)); H_SINK=$((BASE+21)); ZK=$((BASE+30))
CPFILE=$(mktemp); WORK=$(mktemp -d)
mvn -B -o -q -pl proxy dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null
CP="proxy/target/classes:proxy/target/test-classes:$(cat "$CPFILE")"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK" "$CPFILE"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not up" >&2; exit 1; }

java -cp "$CP" io.tcpmesh.coordination.cli.ZooKeeperCommand --port "$ZK" --data-dir "$WORK/zk" >"$WORK/zk.log" 2>&1 & PIDS+=($!)
java -cp "$CP" io.tcpmesh.proxy.bench.BenchBackend "$ECHO" "$SINK" >"$WORK/backend.log" 2>&1 & PIDS+=($!)
cat >"$WORK/proxy.json" <<JSON
{"Apps": [{"Name": "echo", "Ports": [$P_ECHO], "Targets": ["127.0.0.1:$ECHO"]},
          {"Name": "bulk", "Ports": [$P_SINK], "Targets": ["127.0.0.1:$SINK"]}]}
JSON
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.tcpmesh.proxy.ProxyCommand --config "$WORK/proxy.json" \
  --zk "127.0.0.1:$ZK" --admin-port 0 --bind 127.0.0.1 >"$WORK/proxy.log" 2>&1 & PIDS+=($!)
cat >"$WORK/haproxy.cfg" <<CFG
global
  maxconn 4000
  nbthread 2
defaults
  mode tcp
  timeout connect 2s
  timeout client 10m
  timeout server 10m
frontend echo
  bind 127.0.0.1:$H_ECHO
  default_backend echo
backend echo
  server e1 127.0.0.1:$ECHO
frontend bulk
  bind 127.0.0.1:$H_SINK
  default_backend bulk
backend bulk
  server s1 127.0.0.1:$SINK
CFG
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 & PIDS+=($!)
for p in $ECHO $SINK $P_ECHO $P_SINK $H_ECHO $H_SINK; do wait_port "$p"; done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(java -version 2>&1 | head -1); $(haproxy -v | head -1)"
run() { java -cp "$CP" io.tcpmesh.proxy.bench.QuickBench "$@"; }
for round in 1 2; do
  echo "-- round $round"
  echo -n "direct  "; run echo "$ECHO" "$CONNS" "$SECS"
  echo -n "tcpmesh "; run echo "$P_ECHO" "$CONNS" "$SECS"
  echo -n "haproxy "; run echo "$H_ECHO" "$CONNS" "$SECS"
  echo -n "direct  "; run bulk "$SINK" "$MIB"
  echo -n "tcpmesh "; run bulk "$P_SINK" "$MIB"
  echo -n "haproxy "; run bulk "$H_SINK" "$MIB"
done
