#!/usr/bin/env bash
# TLS termination: tcpmesh's proxy ("Tls" per app) against HAProxy ("bind ... ssl crt") in the same run, on
# loopback, both forwarding plaintext to the same echo-node. Two measurements, each peer in turn, --repeat
# times interleaved (the median is reported):
#   echo  64-byte messages over 50 TLS connections, closed loop, --duration each   (req/s, p99)
#   bulk  1 MiB echo messages over 4 TLS connections, --bulk-mib MiB in all        (MB/s, both directions)
# The load tester speaks TLS itself (dist/bin/load --tls --tls-ca), verifying the proxies' certificate.
#
#   dist/bench/tls/run.sh [--duration 10s] [--repeat 3] [--bulk-mib 512] [--proxy-cpus 1] [--load-cpus 0] [--keep]
#
# Prints one table (tcpmesh, HAProxy, their ratio) and the commands; ports 21400-21499 on 127.0.0.1.
# Needs: the built distribution (mvn -B -q -DskipTests verify), haproxy (Debian's supports ssl), openssl, taskset.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$(cd "$HERE/../.." && pwd)"
BIN="$DIST/bin"
# shellcheck source=../lib/common.sh
. "$HERE/../lib/common.sh"

DURATION=10s
REPEAT=3
BULK_MIB=512
PROXY_CPUS=""
LOAD_CPUS=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --bulk-mib) BULK_MIB="$2"; shift 2 ;;
    --proxy-cpus) PROXY_CPUS="$2"; shift 2 ;;
    --load-cpus) LOAD_CPUS="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tls bench: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
for c in haproxy openssl taskset; do command -v "$c" >/dev/null || die "needs $c (apt-get install $c)"; done
CORES="$(nproc)"
if [ -z "$PROXY_CPUS" ] && [ "$CORES" -ge 2 ]; then PROXY_CPUS=$((CORES - 1)); LOAD_CPUS="0-$((CORES - 2))"; fi
PROXY_THREADS=$([ -n "$PROXY_CPUS" ] && count_cpus "$PROXY_CPUS" || echo "$CORES")

ZK_PORT=21481; ECHO_PORT=21401; ECHO_MASTER=21488; TCPMESH=21410; HAPROXY=21420; ADMIN=21490
BENCH_TMP="$(mktemp -d /tmp/tcpmesh-tls-bench.XXXXXX)"
RESULTS="$BENCH_TMP/results.tsv"; COMMANDS="$BENCH_TMP/commands.txt"; : >"$RESULTS"; : >"$COMMANDS"
finish() { cleanup; if [ "$KEEP" = 1 ]; then log "kept $BENCH_TMP"; else rm -rf "$BENCH_TMP"; fi; }
trap finish EXIT
trap 'exit 130' INT TERM
for p in $ZK_PORT $ECHO_PORT $ECHO_MASTER $TCPMESH $HAPROXY $ADMIN; do port_free "$p" || die "port $p is in use"; done

"$BIN/tls-certificates" "$BENCH_TMP/tls" >/dev/null 2>&1
cat "$BENCH_TMP/tls/server-chain.pem" "$BENCH_TMP/tls/server.key" >"$BENCH_TMP/tls/haproxy.pem"

mkdir -p "$BENCH_TMP/zk"
start_bg zookeeper "$BENCH_TMP/zookeeper.log" "$LOAD_CPUS" "$BIN/zookeeper" --port "$ZK_PORT" --data-dir "$BENCH_TMP/zk"
wait_port "$ZK_PORT" 60 zookeeper
start_bg echo-backend "$BENCH_TMP/echo.log" "$LOAD_CPUS" \
  "$BIN/echo-node" --port "$ECHO_PORT" --master-port "$ECHO_MASTER" --zk "127.0.0.1:$ZK_PORT" --id bench-tls-echo
wait_port "$ECHO_PORT" 60 echo-node

cat >"$BENCH_TMP/proxy.json" <<JSON
{"Apps": [{"Name": "echo-tls", "Ports": [$TCPMESH], "Targets": ["127.0.0.1:$ECHO_PORT"],
           "Tls": {"Certificate": "tls/server-chain.pem", "Key": "tls/server.key"}}]}
JSON
start_bg tcpmesh "$BENCH_TMP/proxy.log" "$PROXY_CPUS" \
  "$BIN/proxy" --config "$BENCH_TMP/proxy.json" --zk "127.0.0.1:$ZK_PORT" --admin-port "$ADMIN"
cat >"$BENCH_TMP/haproxy.cfg" <<CFG
global
    nbthread $PROXY_THREADS
    maxconn 4000
    ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
    mode tcp
    timeout connect 2s
    timeout client 10m
    timeout server 10m
frontend echo_tls
    bind 127.0.0.1:$HAPROXY ssl crt $BENCH_TMP/tls/haproxy.pem
    default_backend echo
backend echo
    server e1 127.0.0.1:$ECHO_PORT
CFG
start_bg haproxy "$BENCH_TMP/haproxy.log" "$PROXY_CPUS" haproxy -f "$BENCH_TMP/haproxy.cfg" -db
wait_port "$TCPMESH" 60 tcpmesh-proxy
wait_port "$HAPROXY" 60 haproxy

port_of() { case "$1" in tcpmesh) echo "$TCPMESH" ;; haproxy) echo "$HAPROXY" ;; esac; }

# measure KIND PEER ROUND LOAD-OPTIONS...: one load run; records its figures.
measure() {
  local kind="$1" peer="$2" round="$3"; shift 3
  local port json code
  port="$(port_of "$peer")"
  json="$BENCH_TMP/$kind-$peer-$round.json"
  printf '%s, %s: %sdist/bin/load --tls --tls-ca ca.pem %s 127.0.0.1:%s\n' "$kind" "$peer" \
    "${LOAD_CPUS:+taskset -c $LOAD_CPUS }" "$*" "$port" >>"$COMMANDS"
  set +e
  pinned "$LOAD_CPUS" "$BIN/load" --tls --tls-ca "$BENCH_TMP/tls/ca.pem" "$@" -q --json "$json" "127.0.0.1:$port" \
    >"$BENCH_TMP/$kind-$peer-$round.txt" 2>"$BENCH_TMP/$kind-$peer-$round.err"
  code=$?
  set -e
  [ -s "$json" ] || { log "$kind $peer: no report (exit $code): $(tail -2 "$BENCH_TMP/$kind-$peer-$round.err")"; return 0; }
  [ "$code" = 0 ] || log "$kind $peer: load exited $code"
  printf '%s\t%s\terrors\t%s\n' "$kind" "$peer" "$(json_num "$json" errors)" >>"$RESULTS"
  if [ "$kind" = echo ]; then
    printf '%s\t%s\treq/s\t%s\n' "$kind" "$peer" "$(json_num "$json" requestsPerSecond)" >>"$RESULTS"
    printf '%s\t%s\tp99\t%s\n' "$kind" "$peer" "$(json_num "$json" p99)" >>"$RESULTS"
  else
    printf '%s\t%s\tMB/s\t%s\n' "$kind" "$peer" "$(json_num "$json" megabytesPerSecond)" >>"$RESULTS"
  fi
  log "$kind $peer round $round: $(grep -E 'throughput|requests' "$BENCH_TMP/$kind-$peer-$round.txt" | head -2 | tr -s ' ' | tr '\n' ';')"
}

median() { # KIND PEER METRIC
  awk -F'\t' -v k="$1" -v p="$2" -v m="$3" '$1 == k && $2 == p && $3 == m { print $4 }' "$RESULTS" | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
total() { awk -F'\t' -v k="$1" -v p="$2" '$1 == k && $2 == p && $3 == "errors" { s += $4 } END { print s + 0 }' "$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

log "warm-up"
for peer in tcpmesh haproxy; do
  pinned "$LOAD_CPUS" "$BIN/load" --tls --tls-ca "$BENCH_TMP/tls/ca.pem" -q -c 20 -d 5s "127.0.0.1:$(port_of "$peer")" >/dev/null 2>&1 || true
done
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$REPEAT"); do
  for peer in tcpmesh haproxy; do
    measure echo "$peer" "$round" --size 64 -c 50 -d "$DURATION"
  done
  for peer in haproxy tcpmesh; do
    measure bulk "$peer" "$round" --size 1M -c 4 --requests "$BULK_MIB" --timeout 30s --drain 60s
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "TLS termination, $(date -u +%Y-%m-%dT%H:%MZ): $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
echo "proxies on cores ${PROXY_CPUS:-all} ($PROXY_THREADS thread(s) each), load tester on ${LOAD_CPUS:-all};"
echo "$(java -version 2>&1 | head -1); $(haproxy -v | head -1); median of $REPEAT; load average before $LOAD_BEFORE, after $LOAD_AFTER"
echo
echo "| measurement | tcpmesh | HAProxy ssl crt | tcpmesh / HAProxy |"
echo "|---|---|---|---|"
t="$(median echo tcpmesh req/s)"; h="$(median echo haproxy req/s)"
echo "| echo 64 B, 50 TLS connections: req/s | ${t%.*} | ${h%.*} | $(ratio "$t" "$h") |"
t99="$(median echo tcpmesh p99)"; h99="$(median echo haproxy p99)"
echo "| echo 64 B, 50 TLS connections: p99 ms | $t99 | $h99 | $(ratio "$t99" "$h99") |"
tb="$(median bulk tcpmesh MB/s)"; hb="$(median bulk haproxy MB/s)"
echo "| bulk 1 MiB echo, 4 TLS connections: MB/s | $tb | $hb | $(ratio "$tb" "$hb") |"
echo "| failed requests (all runs) | $(( $(total echo tcpmesh) + $(total bulk tcpmesh) )) | $(( $(total echo haproxy) + $(total bulk haproxy) )) | |"
echo
echo "Commands (ca.pem made by dist/bin/tls-certificates):"
sed 's/^/    /' "$COMMANDS" | sort -u
