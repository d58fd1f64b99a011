#!/usr/bin/env bash
# Proxy fairness: do small clients keep their latency beside one bulk connection through the same proxy core?
# Starts ZooKeeper, one echo-node, a socat sink and one tcpmesh proxy (an echo app and a bulk app, static
# targets, one I/O processor when the proxy is pinned to one core) on 127.0.0.1, then measures, in pairs of runs:
#   alone   dist/bin/load -c 50 --size 64 -d DURATION          (50 connections of 64-byte echo)
#   beside  the same, while one more connection pushes zeros as fast as it can through the proxy's bulk app
#           (dd if=/dev/zero bs=64k | socat -u - TCP:...) into the sink (socat -u TCP-LISTEN:... /dev/null)
# and prints per run the small clients' req/s, p50, p99 and p99.9, the bulk connection's MB/s, and per pair the
# ratio of the small clients' p99 beside the bulk connection to their p99 alone (the target is at most 2).
#
#   dist/bench/proxy/fairness.sh                     # 3 pairs of 15 s runs
#   dist/bench/proxy/fairness.sh --pairs 1 -d 5s     # a quick look
#
# Options:
#   --pairs N            pairs of runs, alone then beside, interleaved (default 3)
#   -d, --duration D     length of each measured run (default 15s)
#   --connections N      small clients (default 50)
#   --base-port N        ports N..N+99 on 127.0.0.1 (default 25500; below 32768)
#   --proxy-cpus LIST    cores for the proxy (taskset -c); default: the last core ("" for none)
#   --load-cpus LIST     cores for the load testers, the echo node and ZooKeeper; default: the others
#   --read-per-event N   the proxy's per-event read bound in bytes (JVM property tcpmesh.proxy.maxReadPerEvent;
#                        default: the proxy's own, 65536), to compare bounds
#   --keep               keep the temporary directory (logs, JSON reports)
# Java programs from dist/bin (built with mvn -B -q -DskipTests package when dist/target/lib is missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$(cd "$HERE/../.." && pwd)"
BIN="$DIST/bin"
# shellcheck source=../lib/common.sh
. "$HERE/../lib/common.sh"

PAIRS=3
DURATION=15s
CONNS=50
BASE=25500
CORES="$(nproc)"
PROXY_CPUS="$((CORES - 1))"
LOAD_CPUS=""
[ "$CORES" -gt 1 ] && LOAD_CPUS="0-$((CORES - 2))"
READ_PER_EVENT=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) PAIRS="$2"; shift ;;
    -d|--duration) DURATION="$2"; shift ;;
    --connections) CONNS="$2"; shift ;;
    --base-port) BASE="$2"; shift ;;
    --proxy-cpus) PROXY_CPUS="$2"; shift ;;
    --load-cpus) LOAD_CPUS="$2"; shift ;;
    --read-per-event) READ_PER_EVENT="$2"; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "fairness.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$PAIRS" in [1-9]) ;; *) echo "fairness.sh: --pairs takes 1-9, not '$PAIRS'" >&2; exit 2 ;; esac
case "$BASE" in *[!0-9]*|"") echo "fairness.sh: --base-port takes a number, not '$BASE'" >&2; exit 2 ;; esac
[ "$BASE" -ge 1024 ] && [ "$BASE" -le 32600 ] || { echo "fairness.sh: --base-port must be 1024..32600" >&2; exit 2; }

ZK=$((BASE + 81)); ECHO=$((BASE + 1)); SINK=$((BASE + 2)); MASTER=$((BASE + 88)); ECHO_ADMIN=$((BASE + 91))
FRONT=$((BASE + 10)); BULK=$((BASE + 11)); ADMIN=$((BASE + 90))
command -v socat >/dev/null || { echo "fairness.sh: needs socat (apt-get install -y socat)" >&2; exit 2; }
for p in $ZK $ECHO $SINK $MASTER $ECHO_ADMIN $FRONT $BULK $ADMIN; do
  port_free "$p" || { echo "fairness.sh: port $p is in use (try another --base-port)" >&2; exit 2; }
done
[ -d "$DIST/target/lib" ] || (cd "$DIST/.." && mvn -B -q -DskipTests package)

BENCH_TMP="$(mktemp -d /tmp/tcpmesh-fairness.XXXXXX)"
finish() {
  cleanup
  if [ "$KEEP" = 1 ]; then log "files kept in $BENCH_TMP"; else rm -rf "$BENCH_TMP"; fi
}
trap finish EXIT
trap 'exit 130' INT TERM

mkdir -p "$BENCH_TMP/zk"
start_bg zookeeper "$BENCH_TMP/zookeeper.log" "$LOAD_CPUS" "$BIN/zookeeper" --port "$ZK" --data-dir "$BENCH_TMP/zk"
wait_port "$ZK" 60 zookeeper
start_bg echo "$BENCH_TMP/echo.log" "$LOAD_CPUS" "$BIN/echo-node" --port "$ECHO" --master-port "$MASTER" \
  --admin-port "$ECHO_ADMIN" --zk "127.0.0.1:$ZK"
wait_port "$ECHO" 60 echo-node
start_bg sink "$BENCH_TMP/sink.log" "$LOAD_CPUS" socat -u "TCP-LISTEN:$SINK,bind=127.0.0.1,reuseaddr,fork" OPEN:/dev/null
wait_port "$SINK" 10 sink
cat >"$BENCH_TMP/proxy.json" <<JSON
{"Apps": [{"Name": "echo", "Ports": [$FRONT], "Targets": ["127.0.0.1:$ECHO"]},
          {"Name": "bulk", "Ports": [$BULK], "Targets": ["127.0.0.1:$SINK"]}]}
JSON
PROXY_OPTS="${JAVA_OPTS:-}"
[ -n "$READ_PER_EVENT" ] && PROXY_OPTS="$PROXY_OPTS -Dtcpmesh.proxy.maxReadPerEvent=$READ_PER_EVENT"
JAVA_OPTS="$PROXY_OPTS" start_bg proxy "$BENCH_TMP/proxy.log" "$PROXY_CPUS" "$BIN/proxy" --config "$BENCH_TMP/proxy.json" \
  --zk "127.0.0.1:$ZK" --admin-port "$ADMIN" --bind 127.0.0.1
wait_port "$FRONT" 60 proxy

small() { # small NAME: the small clients' run; its JSON report is $BENCH_TMP/NAME.json
  pinned "$LOAD_CPUS" "$BIN/load" -q -c "$CONNS" --size 64 -d "$DURATION" --json "$BENCH_TMP/$1.json" \
    "127.0.0.1:$FRONT" >"$BENCH_TMP/$1.txt" 2>"$BENCH_TMP/$1.err" || log "$1: load exit $? ($(tail -1 "$BENCH_TMP/$1.err"))"
}
num() { json_num "$BENCH_TMP/$1.json" "$2"; }
bulk() { # bulk SECONDS FILE: zeros through the bulk app for that long; dd's summary (bytes, rate) in FILE
  pinned "$LOAD_CPUS" timeout -s INT "$1" dd if=/dev/zero bs=64k 2>"$2" | pinned "$LOAD_CPUS" socat -u - "TCP:127.0.0.1:$BULK" || true
}
mbps() { # MB/s from dd's summary
  awk '/bytes/ && /copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) t = $(i - 1); printf "%.1f", $1 / t / 1e6 }' "$1"
}

log "warm-up: 5 s of both loads"
pinned "$LOAD_CPUS" "$BIN/load" -q -c "$CONNS" --size 64 -d 5s "127.0.0.1:$FRONT" >/dev/null 2>&1 || true
bulk 5 /dev/null

echo "machine: $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "proxy on cores '${PROXY_CPUS:-all}', load testers and echo node on '${LOAD_CPUS:-all}'; per-event read bound ${READ_PER_EVENT:-65536 (default)}"
echo "small clients: dist/bin/load -c $CONNS --size 64 -d $DURATION 127.0.0.1:$FRONT; bulk: dd if=/dev/zero bs=64k | socat -u - TCP:127.0.0.1:$BULK"
printf '| run | small req/s | p50 ms | p99 ms | p99.9 ms | bulk MB/s | p99 beside / alone |\n|---|---|---|---|---|---|---|\n'
for pair in $(seq 1 "$PAIRS"); do
  small "alone-$pair"
  secs="${DURATION%s}"
  bulk "$((secs + 3))" "$BENCH_TMP/bulk-$pair.txt" &
  bulk=$!
  sleep 2 # the bulk connection at full speed before the small clients start
  small "beside-$pair"
  wait "$bulk" || true
  ratio="$(awk -v a="$(num "beside-$pair" p99)" -v b="$(num "alone-$pair" p99)" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }')"
  for run in alone beside; do
    printf '| %s %s | %.0f | %.2f | %.2f | %.2f | %s | %s |\n' "$run" "$pair" "$(num "$run-$pair" requestsPerSecond)" \
      "$(num "$run-$pair" p50)" "$(num "$run-$pair" p99)" "$(num "$run-$pair" p999)" \
      "$([ "$run" = beside ] && mbps "$BENCH_TMP/bulk-$pair.txt" || echo -)" \
      "$([ "$run" = beside ] && echo "$ratio" || echo -)"
  done
done
