#!/usr/bin/env bash
# md5-service benchmark (not a test): loopback only, bounded in time, ports 17001-17099.
#  1. one 1 GiB stream: md5-service MB/s vs `md5sum` MB/s on the same file (target ratio >= 0.9)
#  2. 64-byte requests, a new connection each, CLIENTS in parallel for DURATION:
#     md5-service vs a fork-per-connection socat peer (target >= 20x the peer's rate)
#  3. the same requests while a 1 GiB stream runs (what hashing on the I/O threads costs the others)
# Both hashing modes (--hashing io|executor) are measured. Results go to stdout and to $OUT.
# Needs: java 17, socat, md5sum; a build (mvn -B -o -q -pl md5-service package -DskipTests).
# Env: SIZE_MB (1024) CLIENTS (32) DURATION (5s) MODES ("io executor") OUT (/tmp/md5-bench-results.txt)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
SIZE_MB="${SIZE_MB:-1024}"; CLIENTS="${CLIENTS:-32}"; DURATION="${DURATION:-5s}"; MODES="${MODES:-io executor}"
OUT="${OUT:-/tmp/md5-bench-results.txt}"
ZK_PORT=17090; PEER_PORT=17002
command -v socat >/dev/null || { echo "socat is missing: apt-get install -y socat" >&2; exit 1; }

if [ -d "$root/md5-service/target/classes" ]; then
  cpfile=/tmp/cp-md5-service.txt
  [ -s "$cpfile" ] || (cd "$root" && mvn -B -o -q -pl md5-service dependency:build-classpath -Dmdep.outputFile="$cpfile")
  CP="$root/md5-service/target/classes:$(cat "$cpfile")"
elif [ -d "$root/dist/target/lib" ]; then
  CP="$root/dist/target/lib/*"
else
  echo "build first: mvn -B -o -q -pl md5-service package -DskipTests" >&2; exit 1
fi

work="$(mktemp -d /tmp/md5-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# exit status 1 only says some requests failed: the line reports errors=N, so carry on
bench() { java -Xmx256m -cp "$CP" io.tcpmesh.md5.bench.Md5Bench "$@" || true; }
now() { date +%s.%N; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

{
echo "# md5-service benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(sed -n 's/model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/{print $2}') GiB RAM; load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); md5sum: $(md5sum --version | head -1); socat: $(socat -V | sed -n 's/^socat version \([^ ]*\).*/\1/p')"
} | tee "$OUT"

java -cp "$CP" io.tcpmesh.coordination.cli.ZooKeeperCommand --port "$ZK_PORT" --data-dir "$work/zk" >"$work/zk.log" 2>&1 &
pids+=($!)
wait_port "$ZK_PORT"

data="$work/data.bin"
head -c "$((SIZE_MB * 1048576))" /dev/urandom > "$data"
md5sum "$data" >/dev/null   # page cache
expected=$(md5sum "$data" | cut -c1-32)
# wall time decides MB/s; CPU time (user+sys) per GiB is the load-independent figure on a shared machine
TIMEFORMAT='%3R %3U %3S'
md5sum_mbs=0
for run in 1 2; do
  { time md5sum "$data" >/dev/null; } 2>"$work/time.txt"
  read -r wall user sys <"$work/time.txt"
  mbs=$(echo "$SIZE_MB * 1.048576 / $wall" | bc -l)
  cpu=$(echo "($user + $sys) * 1024 / $SIZE_MB" | bc -l)
  printf "md5sum run %d: %s MiB in %.3f s = %.1f MB/s; %.2f CPU s per GiB\n" "$run" "$SIZE_MB" "$wall" "$mbs" "$cpu" | tee -a "$OUT"
  if (( $(echo "$mbs > $md5sum_mbs" | bc -l) )); then md5sum_mbs=$mbs; md5sum_cpu=$cpu; fi
done

socat TCP-LISTEN:$PEER_PORT,fork,reuseaddr,backlog=1024 SYSTEM:'md5sum | cut -c1-32' 2>/dev/null &
pids+=($!)
wait_port "$PEER_PORT"
peer=$(bench requests --port "$PEER_PORT" --clients "$CLIENTS" --size 64 --duration "$DURATION")
echo "socat fork peer, 64-byte requests: $peer" | tee -a "$OUT"
peer_rps=$(echo "$peer" | field rps)

port=17001
for mode in $MODES; do
  java -Xmx256m -XX:+UseSerialGC -cp "$CP" io.tcpmesh.md5.Md5ServiceCommand --port "$port" --bind 127.0.0.1 \
    --zk "127.0.0.1:$ZK_PORT" --hashing "$mode" >"$work/md5-$mode.log" 2>&1 &
  server=$!; pids+=($server)
  wait_port "$port"
  bench requests --port "$port" --clients 8 --size 4096 --duration 2s --warmup 1s >/dev/null   # JIT warm-up
  for run in 1 2; do
    ticks0=$(awk '{print $14 + $15}' "/proc/$server/stat")
    s=$(bench stream --port "$port" --file "$data")
    ticks1=$(awk '{print $14 + $15}' "/proc/$server/stat")
    cpu=$(echo "($ticks1 - $ticks0) / $(getconf CLK_TCK) * 1024 / $SIZE_MB" | bc -l)
    got=$(echo "$s" | field md5)
    [ "$got" = "$expected" ] || { echo "WRONG DIGEST from md5-service ($mode): $got, md5sum says $expected" | tee -a "$OUT"; exit 1; }
    mbs=$(echo "$s" | field mb_per_s)
    printf "md5-service --hashing %s, stream run %d: %s; ratio to best md5sum %.2f; server %.2f CPU s per GiB (md5sum %.2f: ratio %.2f)\n" \
      "$mode" "$run" "$s" "$(echo "$mbs / $md5sum_mbs" | bc -l)" "$cpu" "$md5sum_cpu" "$(echo "$md5sum_cpu / $cpu" | bc -l)" | tee -a "$OUT"
  done
  r=$(bench requests --port "$port" --clients "$CLIENTS" --size 64 --duration "$DURATION")
  printf "md5-service --hashing %s, 64-byte requests: %s; ratio to socat peer %.1fx\n" "$mode" "$r" \
    "$(echo "$(echo "$r" | field rps) / $peer_rps" | bc -l)" | tee -a "$OUT"
  bench stream --port "$port" --file "$data" > "$work/stream-bg.txt" &
  bg=$!
  m=$(bench requests --port "$port" --clients 8 --size 64 --duration 2s --warmup 200ms)
  wait "$bg"
  echo "md5-service --hashing $mode, 64-byte requests (8 clients) during a stream: $m; stream: $(cat "$work/stream-bg.txt")" | tee -a "$OUT"
  kill -TERM "$server"; wait "$server" || true
  port=$((port + 2))
done
echo "results written to $OUT"
