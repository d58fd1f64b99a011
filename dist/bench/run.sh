#!/usr/bin/env bash
# The tcpmesh benchmark suite: nine scenarios, each peer in the same run, on loopback.
#
#   dist/bench/run.sh            # about 10 minutes; writes docs/BENCHMARKS.md
#   dist/bench/run.sh --quick    # about 3 minutes (smaller streams, 5 s per measurement)
#
# Options:
#   --quick                 short run
#   --repeat N              measure every peer N times, interleaved, and report the median (default 1)
#   --only 1,3,5            run only these scenarios (4 uses 3's HAProxy figure, or measures it):
#                           1 MD5 stream, 2 MD5 per connection, 3 echo 64 B, 4 echo p99 at 70%, 5 bulk,
#                           6 connection rate, 7 HTTP via wrk (keep-alive, Connection: close), 8 cluster start-up,
#                           9 the real topology (discovery:md5 over 3 md5 nodes, least-connections, MD5 per
#                           connection, against HAProxy leastconn; tcpmesh backends only: skipped with socat)
#   --out FILE              report path (default: docs/BENCHMARKS.md beside dist/)
#   --backends tcpmesh|socat  tcpmesh's md5-service and echo-node (default), or socat stand-ins
#   --peers "LIST"          peers to start, default "tcpmesh haproxy nginx socat" (direct is always measured)
#   --proxy-cpus LIST       cores for every proxy (taskset -c); default: the last core
#   --load-cpus LIST        cores for the load tester; default: all but the proxy cores
#   --backend-cpus LIST     cores for ZooKeeper and the backends; default: as the load tester
#   --no-install            do not apt-get install missing peers
#   --keep                  keep the temporary directory (configs, logs, JSON reports)
# Ports 20000-20999 on 127.0.0.1 (scenario 8: a cluster on port offset 3500; scenario 9: two more md5 nodes on
# 20102-20103, tcpmesh on 20400, HAProxy on 20410 and its stats page on 20910). Needs root only to install packages. Java programs from dist/bin
# (TCPMESH_CLASSPATH may point at a classpath instead of dist/target/lib).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$DIST/.." && pwd)"
BIN="$DIST/bin"
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
# shellcheck source=lib/peers.sh
. "$HERE/lib/peers.sh"
# shellcheck source=lib/scenarios.sh
. "$HERE/lib/scenarios.sh"
# shellcheck source=lib/report.sh
. "$HERE/lib/report.sh"

BENCH_ARGS="$*"
MODE=full
ONLY="1 2 3 4 5 6 7 8 9"
STARTUP_OFFSET=3500
OUT="$ROOT/docs/BENCHMARKS.md"
BACKENDS=tcpmesh
PEERS="tcpmesh haproxy nginx socat"
INSTALL=1
KEEP=0
REPEAT=1
CORES="$(nproc)"
PROXY_CPUS=""
LOAD_CPUS=""
BACKEND_CPUS=""
LOAD_CPUS_SET=0
BACKEND_CPUS_SET=0

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --repeat) REPEAT="$2"; shift ;;
    --only) ONLY="${2//,/ }"; shift ;;
    --out) OUT="$2"; shift ;;
    --backends) BACKENDS="$2"; shift ;;
    --peers) PEERS="$2"; shift ;;
    --proxy-cpus) PROXY_CPUS="$2"; shift ;;
    --load-cpus) LOAD_CPUS="$2"; LOAD_CPUS_SET=1; shift ;;
    --backend-cpus) BACKEND_CPUS="$2"; BACKEND_CPUS_SET=1; shift ;;
    --no-install) INSTALL=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$BACKENDS" in tcpmesh|socat) ;; *) echo "run.sh: --backends must be tcpmesh or socat" >&2; exit 2 ;; esac
case "$REPEAT" in [1-9]) ;; *) echo "run.sh: --repeat takes 1-9" >&2; exit 2 ;; esac
for s in $ONLY; do case "$s" in [1-9]) ;; *) echo "run.sh: --only takes scenarios 1-9, not '$s'" >&2; exit 2 ;; esac; done

if [ "$MODE" = quick ]; then
  WARMUP=2s; DURATION=5s; S1_BYTES=$((256 << 20)); S1_REQUESTS=1; S5_BYTES=$((1 << 30)); S2_CONNECTIONS=16
else
  WARMUP=5s; DURATION=20s; S1_BYTES=$((1 << 30)); S1_REQUESTS=2; S5_BYTES=$((4 << 30)); S2_CONNECTIONS=16
fi

# Core budget: every proxy gets the same cores. 2-3 cores: the proxy on the last core, tester and backends
# on the others. 4 or more: the proxy on the last core, the backends on the one before, the tester on the rest.
if [ -z "$PROXY_CPUS" ] && [ "$CORES" -ge 2 ]; then
  PROXY_CPUS=$((CORES - 1))
fi
if [ "$CORES" -ge 4 ]; then
  [ "$LOAD_CPUS_SET" = 0 ] && LOAD_CPUS="0-$((CORES - 3))"
  [ "$BACKEND_CPUS_SET" = 0 ] && BACKEND_CPUS=$((CORES - 2))
elif [ "$CORES" -ge 2 ]; then
  [ "$LOAD_CPUS_SET" = 0 ] && LOAD_CPUS="0-$((CORES - 2))"
  [ "$LOAD_CPUS" = 0-0 ] && LOAD_CPUS=0
  [ "$BACKEND_CPUS_SET" = 0 ] && BACKEND_CPUS="$LOAD_CPUS"
fi
PROXY_THREADS="$(count_cpus "${PROXY_CPUS:-0-$((CORES - 1))}")"

[ "$INSTALL" = 1 ] && ensure_packages
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
for p in $PEERS; do
  case "$p" in
    tcpmesh|haproxy|nginx|socat) ;;
    *) echo "run.sh: unknown peer '$p'" >&2; exit 2 ;;
  esac
done
"$BIN/load" --version >/dev/null 2>&1 || die "dist/bin/load does not run: $("$BIN/load" --version 2>&1 | tail -1)"
for p in "$ZK_PORT" "$MD5_PORT" "$ECHO_PORT" "$TCPMESH_MD5" "$TCPMESH_ECHO" "$HAPROXY_MD5" "$HAPROXY_ECHO" "$NGINX_MD5" "$NGINX_ECHO" "$SOCAT_MD5" \
         "$HTTP_BACKEND" "$TCPMESH_HTTP" "$HAPROXY_HTTP" "$NGINX_HTTP" "$TCPMESH_ADMIN" \
         "$MD5_PORT_2" "$MD5_PORT_3" "$TCPMESH_MD5_CLUSTER" "$HAPROXY_MD5_CLUSTER" "$HAPROXY_STATS"; do
  port_free "$p" || die "port $p is in use: stop what listens there (ports 20000-20999 are the suite's)"
done

mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
BENCH_TMP="$(mktemp -d /tmp/tcpmesh-bench.XXXXXX)"
cd "$BENCH_TMP"
RESULTS="$BENCH_TMP/results.tsv"
COMMANDS="$BENCH_TMP/commands.txt"
: >"$RESULTS"
: >"$COMMANDS"
finish() {
  cleanup
  if [ "$KEEP" = 1 ]; then log "kept $BENCH_TMP"; else rm -rf "$BENCH_TMP"; fi
}
trap finish EXIT
trap 'exit 130' INT TERM

log "$MODE run, scenarios $ONLY; proxies on cores '${PROXY_CPUS:-all}', load on '${LOAD_CPUS:-all}', backends on '${BACKEND_CPUS:-all}'; files in $BENCH_TMP"
start_backends
start_http_backend
PEERS_UP="direct"
for p in $PEERS; do
  case "$p" in
    tcpmesh)
      if [ "$BACKENDS" = socat ]; then start_zookeeper; fi
      start_tcpmesh_proxy ;;
    haproxy) start_haproxy ;;
    nginx) start_nginx ;;
    socat) start_socat_md5 ;;
  esac
  PEERS_UP="$PEERS_UP $p"
done
log "peers up: $PEERS_UP"

warm_up
for s in $ONLY; do
  "scenario_$s"
done

write_report "$OUT"
