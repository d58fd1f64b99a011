#!/usr/bin/env bash
# Storage agent write throughput against dd, in the same run, on the same folder, with the same chunk
# size and the same sync policy: both write FILE-sized files in CHUNK-sized writes and sync each file
# once when it is full (the agent: FileChannel.force(false), i.e. fdatasync; dd: conv=fdatasync).
# The peer is the usual `dd if=/dev/zero ... conv=fdatasync`. The agent writes incompressible bytes, so
# dd copying random bytes (a FILE-sized source in /dev/shm) is measured too, for reference. Each round runs
# the three in a rotating order; medians are compared, and the per-round ratios are shown. Loopback only; bounded in time
# (about ROUNDS x 2 x RUNTIME plus JVM start-up). Ports 19200-19299.
#
#   dist/bench/storage/run.sh [--rounds 3] [--runtime 6s] [--chunk 10M] [--file 100M] [--dir DIR] [--out FILE]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
ROUNDS=3 RUNTIME=6s CHUNK=10M FILE=100M DIR=/tmp/tcpmesh-bench-storage OUT=""
ZK_PORT=19210 COLLECTOR_PORT=19211
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;; --runtime) RUNTIME=$2; shift 2 ;; --chunk) CHUNK=$2; shift 2 ;;
    --file) FILE=$2; shift 2 ;; --dir) DIR=$2; shift 2 ;; --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

bytes() { local n=${1%[KMG]}; case "$1" in *K) echo $((n<<10));; *M) echo $((n<<20));; *G) echo $((n<<30));; *) echo "$1";; esac; }
seconds() { local n=${1%[smh]}; case "$1" in *ms) echo "0.${1%ms}";; *s) echo "$n";; *m) echo $((n*60));; *) echo "$n";; esac; }
chunk_bytes=$(bytes "$CHUNK"); file_bytes=$(bytes "$FILE"); runtime_s=$(seconds "$RUNTIME")
count=$((file_bytes / chunk_bytes))

# the module's classes and dependencies (the dist tarball may not hold them yet)
cp_file=/tmp/cp-storage-monitor-bench.txt
if [ ! -s "$cp_file" ] || [ ! -d "$root/storage-monitor/target/classes" ]; then
  (cd "$root" && mvn -B -o -q -pl storage-monitor package -DskipTests \
     && mvn -B -o -q -pl storage-monitor dependency:build-classpath -Dmdep.outputFile="$cp_file") >/dev/null
fi
CP="$root/storage-monitor/target/classes:$(cat "$cp_file")"
JAVA=(java -Xmx256m -XX:+UseSerialGC -cp "$CP")

work=$(mktemp -d)
rm -rf "$DIR"; mkdir -p "$DIR"
pids=()
cleanup() {
  # the collector first (it deregisters from ZooKeeper), then ZooKeeper; nothing may outlive the script
  for ((k = ${#pids[@]} - 1; k >= 0; k--)); do
    p=${pids[$k]}
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -9 "$p" 2>/dev/null; then
      echo "process $p did not stop within 15 s of SIGTERM; killed. Last lines of the collector log:" >&2
      tail -5 "$work/collector.log" >&2 || true
    fi
  done
  grep -h "STOP (" "$work/agent.log" >&2 || true
  rm -rf "$DIR" "$work" "/dev/shm/tcpmesh-bench-random-$$"
}
trap cleanup EXIT

"${JAVA[@]}" io.tcpmesh.coordination.cli.ZooKeeperCommand --port $ZK_PORT --data-dir "$work/zk" >"$work/zk.log" 2>&1 &
pids+=($!)
"${JAVA[@]}" io.tcpmesh.storage.collector.CollectorCommand --port $COLLECTOR_PORT --zk 127.0.0.1:$ZK_PORT \
    --db "$work/bench.db" --reports "$work/reports" >"$work/collector.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "serving on" "$work/collector.log" && break; sleep 0.1; done

agent_round() {
  local line
  line=$("${JAVA[@]}" io.tcpmesh.storage.agent.AgentCommand --id "bench-$1" --runtime "$RUNTIME" --chunk-size "$CHUNK" \
      --file-size "$FILE" --dir "$DIR/agent" --collector 127.0.0.1:$COLLECTOR_PORT --min-free 2G \
      --heartbeat 1s --monitor 1s --run "bench-$1" 2>>"$work/agent.log" | tail -1)
  # "bench-1 run bench-1: B bytes, F files, R rollovers, C chunks in E ms (runtime over)"
  awk '{for (i=1;i<=NF;i++) { if ($(i+1) ~ /^bytes/) b=$i; if ($(i+1)=="ms") e=$i } } END { printf "%.1f\n", b/1e6/(e/1000) }' <<<"$line"
}

dd_round() {   # dd_round SOURCE
  mkdir -p "$DIR/dd"
  local start end total=0 i=0
  start=$(date +%s%N)
  end=$((start + ${runtime_s%.*} * 1000000000))
  while [ "$(date +%s%N)" -lt "$end" ]; do
    dd if="$1" of="$DIR/dd/f$i" bs="$chunk_bytes" count=$count iflag=fullblock conv=fdatasync status=none
    total=$((total + count * chunk_bytes)); i=$((i + 1))
  done
  local elapsed=$(( $(date +%s%N) - start ))
  rm -rf "$DIR/dd"
  awk -v b=$total -v n=$elapsed 'BEGIN { printf "%.1f\n", b/1e6/(n/1e9) }'
}

# the folder is on ext4 mounted with online discard: let the previous step's deletions and writeback finish
settle() { sync; sleep 1; }

median() { sort -n | awk '{a[NR]=$1} END { if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

random_src=/dev/shm/tcpmesh-bench-random-$$
[ -d /dev/shm ] || random_src="$work/random"
head -c "$file_bytes" /dev/urandom > "$random_src"

# the order rotates every round, so that no side always inherits another's writeback
agent_rates=() dd_rates=() zero_rates=() pair_ratios=()
for r in $(seq "$ROUNDS"); do
  case $((r % 3)) in
    1) settle; a=$(agent_round "$r"); settle; d=$(dd_round "$random_src"); settle; z=$(dd_round /dev/zero) ;;
    2) settle; d=$(dd_round "$random_src"); settle; z=$(dd_round /dev/zero); settle; a=$(agent_round "$r") ;;
    0) settle; z=$(dd_round /dev/zero); settle; a=$(agent_round "$r"); settle; d=$(dd_round "$random_src") ;;
  esac
  agent_rates+=("$a"); dd_rates+=("$d"); zero_rates+=("$z")
  pair_ratios+=("$(awk -v a="$a" -v z="$z" 'BEGIN { printf "%.2f", a/z }')")
  echo "round $r: agent $a MB/s, dd (/dev/zero) $z MB/s, dd (random bytes) $d MB/s" >&2
done
rm -f "$random_src"
agent_med=$(printf '%s\n' "${agent_rates[@]}" | median)
dd_med=$(printf '%s\n' "${dd_rates[@]}" | median)
zero_med=$(printf '%s\n' "${zero_rates[@]}" | median)
ratio=$(awk -v a="$agent_med" -v d="$dd_med" 'BEGIN { printf "%.2f", a/d }')
zero_ratio=$(awk -v a="$agent_med" -v d="$zero_med" 'BEGIN { printf "%.2f", a/d }')
pair_med=$(printf '%s\n' "${pair_ratios[@]}" | median)

result=$(cat <<REPORT
| measure | value |
|---|---|
| chunk size / file size / runtime per round | $CHUNK / $FILE / $RUNTIME |
| sync policy | one fdatasync per file, every side |
| rounds (order rotating) | $ROUNDS |
| agent MB/s per round | ${agent_rates[*]} |
| dd if=/dev/zero MB/s per round | ${zero_rates[*]} |
| dd, random bytes from /dev/shm, MB/s per round | ${dd_rates[*]} |
| agent median MB/s | $agent_med |
| dd if=/dev/zero median MB/s | $zero_med |
| dd (random bytes) median MB/s | $dd_med |
| agent / dd if=/dev/zero, per round | ${pair_ratios[*]} |
| median of the per-round ratios | $pair_med |
| **ratio agent median / dd if=/dev/zero median** | **$zero_ratio** (target >= 0.9) |
| ratio agent median / dd (random bytes) median | $ratio |
REPORT
)
echo "$result"
if [ -n "$OUT" ]; then echo "$result" > "$OUT"; fi
