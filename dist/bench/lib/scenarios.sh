# shellcheck shell=bash
# The six scenarios of issue 6. Each is a function that measures every peer in turn with the same load and
# appends "scenario<TAB>peer<TAB>metric<TAB>value" lines to $RESULTS; the report turns them into tables.

record() {
  local v="$4"
  case "$3" in
    p50|p99|p999) v="$(awk -v x="$v" 'BEGIN { printf "%.3f", x }')" ;;
    req/s|conn/s) v="$(awk -v x="$v" 'BEGIN { printf "%.0f", x }')" ;;
    MB/s) v="$(awk -v x="$v" 'BEGIN { printf "%.1f", x }')" ;;
  esac
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$v" >>"$RESULTS"
}

# Peers whose processes are up: a scenario skips (and the report says so) the ones that are not.
peer_up() { [[ " $PEERS_UP " == *" $1 "* ]]; }

# The proxy's own CPU time per request ("cpu-us", microseconds of user + system time of the proxy's
# process and its children, over the measurement, divided by the requests answered): per core, it tells
# the proxies apart even when the load tester or the backends bound the rate. Read from /proc.
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"
peer_pid() { case "$1" in tcpmesh|haproxy|nginx) bg_pid "$1" ;; esac; }
cpu_ticks() { # PID: utime + stime of PID and its children (nginx's workers), in clock ticks; empty without PID
  local p t=0
  [ -n "$1" ] || return 0
  for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
    t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
# record_cpu SCENARIO PEER TICKS-BEFORE TICKS-AFTER REQUESTS
record_cpu() {
  [ -n "$3" ] && [ -n "$4" ] && [ -n "$5" ] && [ "$5" != 0 ] || return 0
  record "$1" "$2" cpu-us "$(awk -v d=$(($4 - $3)) -v hz="$CLK_TCK" -v n="$5" 'BEGIN { printf "%.2f", d / hz * 1e6 / n }')"
}

# load_run SCENARIO PEER KIND [LOAD OPTIONS...]: runs dist/bin/load on the load cores against PEER's KIND port,
# writes its JSON report, and records its exit code. Sets LAST_JSON.
load_run() {
  local scenario="$1" peer="$2" kind="$3"; shift 3
  local port json code
  port="$(front_port "$peer" "$kind")"
  json="$BENCH_TMP/s$scenario-$peer.json"
  local cmd=("$BIN/load" "$@" -q --json "$json" "127.0.0.1:$port")
  printf 'scenario %s, %s: %s%s\n' "$scenario" "$peer" "${LOAD_CPUS:+taskset -c $LOAD_CPUS }" "dist/bin/load $* 127.0.0.1:$port" >>"$COMMANDS"
  log "scenario $scenario, $peer: load $* 127.0.0.1:$port"
  local pid c0
  pid="$(peer_pid "$peer")"
  c0="$(cpu_ticks "$pid")"
  set +e
  pinned "$LOAD_CPUS" "${cmd[@]}" >"$BENCH_TMP/s$scenario-$peer.txt" 2>"$BENCH_TMP/s$scenario-$peer.err"
  code=$?
  set -e
  # the summary's "requests" (the settings hold one too, 0 without --requests): the largest
  if [ -s "$json" ]; then
    record_cpu "$scenario" "$peer" "$c0" "$(cpu_ticks "$pid")" \
      "$(grep '"requests" :' "$json" | sed -E 's/.*: *([0-9]+).*/\1/' | sort -g | tail -1)"
  fi
  LAST_JSON="$json"
  record "$scenario" "$peer" exit "$code"
  if [ ! -s "$json" ]; then
    log "scenario $scenario, $peer: no report (exit $code): $(tail -3 "$BENCH_TMP/s$scenario-$peer.err")"
    return 1
  fi
  record "$scenario" "$peer" errors "$(json_num "$json" errors)"
  [ "$code" = 0 ] || log "scenario $scenario, $peer: exit $code (4 = wrong replies, 5 = nothing answered, 6 = failed requests)"
  grep -E 'requests|errors|throughput|latency' "$BENCH_TMP/s$scenario-$peer.txt" | sed 's/^/    /' >&2
  return 0
}

# rounds PEER...: the peers, repeated --repeat times (interleaved, so slow drifts of a shared machine hit all).
rounds() {
  local r
  for r in $(seq 1 "$REPEAT"); do echo "$@"; done
}

# warm_up: a few seconds of echo and md5 load on every peer that is up, so JIT compilation of the Java
# backends and proxy happens before anything is measured. Nothing is recorded.
warm_up() {
  local peer kind port
  for peer in $PEERS_UP; do
    for kind in md5 echo; do
      [ "$peer" = socat ] && [ "$kind" = echo ] && continue
      [ "$peer" = nginx ] && [ "$kind" = md5 ] && continue
      port="$(front_port "$peer" "$kind")"
      log "warm-up: $kind through $peer"
      pinned "$LOAD_CPUS" "$BIN/load" -q --mode "$kind" -c 8 -d "$WARMUP" "127.0.0.1:$port" >/dev/null 2>&1 || true
    done
  done
}

# 1. MD5 of one big stream: md5sum alone, md5-service direct, through tcpmesh, through HAProxy. MB/s.
# md5sum is timed again in every round, just before the md5-service rounds, so that each ratio pairs two
# figures taken under the same machine load (median of the per-round ratios: "ratio-alone").
scenario_1() {
  local bytes="$S1_BYTES" file="$BENCH_TMP/stream.bin" t0 t1 peer mean r
  log "scenario 1: md5sum over a $((bytes >> 20)) MiB file in the page cache"
  head -c "$bytes" /dev/urandom >"$file"
  md5sum "$file" >/dev/null
  printf 'scenario 1, md5sum: %smd5sum %s  (a %d-byte file), once per round\n' "${LOAD_CPUS:+taskset -c $LOAD_CPUS }" "$file" "$bytes" >>"$COMMANDS"
  for r in $(seq 1 "$REPEAT"); do
    t0=$(date +%s%N)
    pinned "$LOAD_CPUS" md5sum "$file" >/dev/null
    t1=$(date +%s%N)
    S1_MD5SUM="$(awk -v b="$bytes" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }')"
    record 1 md5sum MB/s "$S1_MD5SUM"
    record 1 md5sum load "$(cut -d' ' -f1 /proc/loadavg)"
    for peer in direct-alone direct tcpmesh haproxy; do
      if [ "$peer" = direct-alone ]; then
        scenario_1_alone "$bytes"
        continue
      fi
      peer_up "$peer" || continue
      load_run 1 "$peer" md5 --mode md5 --size "$bytes" --requests "$S1_REQUESTS" -c 1 --timeout 60s --drain 5m || continue
      mean="$(json_num "$LAST_JSON" mean)"
      record 1 "$peer" MB/s "$(awk -v b="$bytes" -v ms="$mean" 'BEGIN { printf "%.1f", (ms > 0 ? b / (ms / 1e3) / 1e6 : 0) }')"
    done
  done
  rm -f "$file"
}

# Scenario 1 "direct-alone": md5sum had a core to itself, while in the "direct" row md5-service shares
# the backend cores with the load tester that feeds it. For the md5sum comparison md5-service is moved (every
# thread, taskset -a -p) to the proxy cores, idle while nothing goes through a proxy, for this one measurement,
# and moved back after it; the load tester stays where it was. The "direct" row keeps the budget of the
# proxied rows, so "through tcpmesh vs direct" still compares equal budgets. Needs the proxy cores to be
# distinct from the load cores (2 cores or more). Also records md5-service's CPU seconds per GiB (from
# /proc/PID/stat around the run), this round's ratio to md5sum and the load average.
scenario_1_alone() {
  local bytes="$1" pid mean before after mbs
  [ -n "$PROXY_CPUS" ] && [ "$PROXY_CPUS" != "$LOAD_CPUS" ] && [ "$BACKENDS" = tcpmesh ] || return 0
  pid="$(bg_pid md5-backend)"
  [ -n "$pid" ] || return 0
  move_to "$PROXY_CPUS" "$pid" || { log "scenario 1: could not move md5-service to cores $PROXY_CPUS"; return 0; }
  log "scenario 1: md5-service moved to cores $PROXY_CPUS (alone), load on ${LOAD_CPUS:-all}"
  S1_ALONE_NOTE="md5-service on cores $PROXY_CPUS alone (the proxy cores, idle then), load tester on ${LOAD_CPUS:-all}"
  before="$(cut -d' ' -f14,15 "/proc/$pid/stat")"
  if load_run 1 direct-alone md5 --mode md5 --size "$bytes" --requests "$S1_REQUESTS" -c 1 --timeout 60s --drain 5m; then
    after="$(cut -d' ' -f14,15 "/proc/$pid/stat")"
    mean="$(json_num "$LAST_JSON" mean)"
    mbs="$(awk -v b="$bytes" -v ms="$mean" 'BEGIN { printf "%.1f", (ms > 0 ? b / (ms / 1e3) / 1e6 : 0) }')"
    record 1 direct-alone MB/s "$mbs"
    record 1 direct-alone ratio "$(awk -v a="$mbs" -v m="$S1_MD5SUM" 'BEGIN { printf "%.3f", (m > 0 ? a / m : 0) }')"
    record 1 direct-alone cpu-s/GiB "$(awk -v b="$before" -v a="$after" -v n="$((bytes * S1_REQUESTS))" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { split(b, x, " "); split(a, y, " "); printf "%.2f", (y[1] + y[2] - x[1] - x[2]) / hz / (n / 1073741824) }')"
    record 1 direct-alone load "$(cut -d' ' -f1 /proc/loadavg)"
  fi
  move_to "${BACKEND_CPUS:-0-$((CORES - 1))}" "$pid" || log "scenario 1: could not move md5-service back to cores ${BACKEND_CPUS:-all}"
}

# 2. MD5 of 64-byte requests, a new connection each: direct, tcpmesh, HAProxy, socat+md5sum. req/s.
scenario_2() {
  local peer
  for peer in $(rounds direct tcpmesh haproxy socat); do
    peer_up "$peer" || continue
    load_run 2 "$peer" md5 --mode md5 --size 64 -c "$S2_CONNECTIONS" -d "$DURATION" || continue
    record 2 "$peer" req/s "$(json_num "$LAST_JSON" requestsPerSecond)"
    record 2 "$peer" p99 "$(json_num "$LAST_JSON" p99)"
  done
}

# 3. Echo of 64-byte messages over 50 connections, closed loop: direct, tcpmesh, HAProxy, nginx. req/s.
scenario_3() {
  local peer
  for peer in $(rounds direct tcpmesh haproxy nginx); do
    peer_up "$peer" || continue
    load_run 3 "$peer" echo --size 64 -c 50 -d "$DURATION" || continue
    record 3 "$peer" req/s "$(json_num "$LAST_JSON" requestsPerSecond)"
    record 3 "$peer" p99 "$(json_num "$LAST_JSON" p99)"
  done
}

# 4. Echo at a constant rate near 70% of HAProxy's maximum (scenario 3's figure): p50/p99/p999.
scenario_4() {
  local max rate peer
  max="$(value 3 haproxy req/s)"
  if [ -z "$max" ]; then
    peer_up haproxy || { log "scenario 4 needs HAProxy's maximum: skipped"; return 0; }
    load_run 4max haproxy echo --size 64 -c 50 -d "$DURATION" || return 0
    max="$(json_num "$LAST_JSON" requestsPerSecond)"
  fi
  rate="$(awk -v m="$max" 'BEGIN { printf "%d", m * 0.7 }')"
  [ "$rate" -gt 0 ] || { log "scenario 4: HAProxy's maximum is 0: skipped"; return 0; }
  record 4 all rate "$rate"
  for peer in $(rounds direct tcpmesh haproxy); do
    peer_up "$peer" || continue
    load_run 4 "$peer" echo --size 64 -c 50 -d "$DURATION" --rate "$rate" || continue
    record 4 "$peer" req/s "$(json_num "$LAST_JSON" requestsPerSecond)"
    record 4 "$peer" p50 "$(json_num "$LAST_JSON" p50)"
    record 4 "$peer" p99 "$(json_num "$LAST_JSON" p99)"
    record 4 "$peer" p999 "$(json_num "$LAST_JSON" p999)"
  done
}

# 5. Echo bulk: S5_BYTES each way over 4 connections in 1 MiB messages: MB/s direct, tcpmesh, HAProxy.
scenario_5() {
  local peer
  for peer in $(rounds direct tcpmesh haproxy); do
    peer_up "$peer" || continue
    load_run 5 "$peer" echo --size 1M -c 4 --requests $((S5_BYTES >> 20)) --timeout 30s --drain 60s || continue
    record 5 "$peer" MB/s "$(json_num "$LAST_JSON" megabytesPerSecond)"
  done
}

# 6. Connection rate (connect and close) through each proxy, and to the echo backend directly.
scenario_6() {
  local peer
  for peer in $(rounds direct tcpmesh haproxy nginx); do
    peer_up "$peer" || continue
    load_run 6 "$peer" echo --mode connect -c 16 -d "$DURATION" || continue
    record 6 "$peer" conn/s "$(json_num "$LAST_JSON" requestsPerSecond)"
    record 6 "$peer" p99 "$(json_num "$LAST_JSON" p99)"
  done
}

# wrk_run SCENARIO PEER LABEL [WRK OPTIONS...]: wrk -t1 -c50 against PEER's HTTP port; records req/s, p50, p99.
wrk_run() {
  local scenario="$1" peer="$2" label="$3"; shift 3
  local port out rps p50 p99
  port="$(front_port "$peer" http)"
  out="$BENCH_TMP/s$scenario-$peer-$label.txt"
  printf 'scenario %s (%s), %s: %swrk -t1 -c50 -d%s --latency %s http://127.0.0.1:%s/page.html\n' "$scenario" "$label" "$peer" \
    "${LOAD_CPUS:+taskset -c $LOAD_CPUS }" "$DURATION" "$*" "$port" >>"$COMMANDS"
  log "scenario $scenario ($label), $peer: wrk -t1 -c50 $* :$port"
  local pid c0
  pid="$(peer_pid "$peer")"
  c0="$(cpu_ticks "$pid")"
  pinned "$LOAD_CPUS" wrk -t1 -c50 -d"$DURATION" --latency "$@" "http://127.0.0.1:$port/page.html" >"$out" 2>&1 || true
  record_cpu "$scenario$label" "$peer" "$c0" "$(cpu_ticks "$pid")" "$(awk '/ requests in / { print $1 }' "$out")"
  rps="$(awk '/^Requests\/sec:/ { print $2 }' "$out")"
  p50="$(awk '$1 == "50%" { print $2 }' "$out" | wrk_ms)"
  p99="$(awk '$1 == "99%" { print $2 }' "$out" | wrk_ms)"
  [ -n "$rps" ] || { log "scenario $scenario, $peer: wrk printed no rate: $(tail -2 "$out")"; return 0; }
  record "$scenario$label" "$peer" req/s "$rps"
  record "$scenario$label" "$peer" p50 "$p50"
  record "$scenario$label" "$peer" p99 "$p99"
  record "$scenario$label" "$peer" errors "$(awk '/^ *Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { n += $NF } END { print n + 0 }' "$out")"
}

# wrk prints 812.00us, 4.21ms or 1.02s: milliseconds.
wrk_ms() {
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
         else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f\n", v }'
}

# 7. HTTP through each proxy with a real client nobody here wrote: wrk -t1 -c50 for a 1.4 KB page served by
# nginx, keep-alive ("ka") and a new connection per request ("close", as HTTP/1.0 clients and health checkers).
scenario_7() {
  local peer
  ! port_free "$HTTP_BACKEND" || { log "scenario 7 needs the nginx HTTP backend: skipped"; return 0; }
  for peer in $(rounds direct tcpmesh haproxy nginx); do
    peer_up "$peer" || continue
    wrk_run 7 "$peer" ka
    wrk_run 7 "$peer" close -H 'Connection: close'
  done
}

# 8. Start-up: dist/start-cluster.sh (ZooKeeper and all ten processes) until every service is registered in
# ZooKeeper, on its own port offset and run folder; stopped after each round. Seconds, and the CPU seconds
# the eleven processes had used by then. Every round starts once with the class-data sharing archive
# ("tcpmesh", made first by bin/tcpmesh-cds, its time recorded apart) and once without (TCPMESH_CDS=off,
# "tcpmesh-no-cds"), in turn, so the two share the machine's load; the 1-minute load average is recorded
# with each start.
scenario_8() {
  local r t0 t1
  log "scenario 8: bin/tcpmesh-cds --force (the archive start-cluster.sh makes once per build)"
  printf 'scenario 8: dist/bin/tcpmesh-cds --force\n' >>"$COMMANDS"
  t0=$(date +%s%N)
  if "$BIN/tcpmesh-cds" --force >"$BENCH_TMP/startup-cds.log" 2>&1; then
    t1=$(date +%s%N)
    record 8 archive seconds "$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }')"
  else
    log "scenario 8: tcpmesh-cds failed: $(tail -3 "$BENCH_TMP/startup-cds.log")"
  fi
  for r in $(seq 1 "$REPEAT"); do
    startup_round tcpmesh "$r" on
    startup_round tcpmesh-no-cds "$r" off
  done
}

# startup_round PEER ROUND on|off: one start-cluster.sh, timed, with TCPMESH_CDS set as given
startup_round() {
  local peer="$1" r="$2" cds="$3" dir t0 t1 cpu f pid stat
  dir="$BENCH_TMP/startup-$peer-$r"
  log "scenario 8: start-cluster.sh round $r, $peer"
  printf 'scenario 8, %s: TCPMESH_CDS=%s dist/start-cluster.sh --no-build --port-offset %s --run-dir %s\n' \
    "$peer" "$cds" "$STARTUP_OFFSET" "$dir" >>"$COMMANDS"
  t0=$(date +%s%N)
  if TCPMESH_CDS="$cds" "$DIST/start-cluster.sh" --no-build --port-offset "$STARTUP_OFFSET" --run-dir "$dir" >"$BENCH_TMP/startup-$peer-$r.log" 2>&1; then
    t1=$(date +%s%N)
    record 8 "$peer" seconds "$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }')"
    record 8 "$peer" load "$(cut -d' ' -f1 /proc/loadavg)"
    cpu=0
    for f in "$dir"/pids/*.pid; do
      pid="$(cat "$f")"
      stat="$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null || echo "0 0")"
      cpu=$((cpu + ${stat% *} + ${stat#* }))
    done
    record 8 "$peer" cpu-s "$(awk -v t="$cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')"
  else
    log "scenario 8: start-cluster.sh failed: $(tail -3 "$BENCH_TMP/startup-$peer-$r.log")"
  fi
  "$DIST/stop-cluster.sh" --run-dir "$dir" >/dev/null 2>&1 || true
}

# 9. The real topology, as the cluster is configured (the md5 app of dist/conf/proxy.json): discovery:md5 over
# three md5-service nodes registered in ZooKeeper, least-connections, a new connection per 64-byte request
# (scenario 2's load); HAProxy leastconn over the same three servers; direct (the first node alone) as a
# reference. Waits (at most 30 s) until tcpmesh has discovered all three, warms the two new nodes up, and
# records how many connections each node got in each measurement, from the proxy's own counters.
scenario_9() {
  local peer before after split deadline
  if ! md5_cluster; then
    S9_NOTE="skipped: it needs tcpmesh's md5-service nodes (not --backends socat)"
    log "scenario 9: $S9_NOTE"
    return 0
  fi
  if peer_up tcpmesh; then
    deadline=$((SECONDS + 30))
    while [ "$(cluster_targets_up)" -lt 3 ]; do
      if [ $SECONDS -ge $deadline ]; then
        S9_NOTE="failed: within 30 s the tcpmesh proxy had $(cluster_targets_up) of the 3 md5 nodes in rotation (see $TCPMESH_ADMIN/metrics)"
        log "scenario 9 $S9_NOTE"
        return 0
      fi
      sleep 0.5
    done
    log "scenario 9: the tcpmesh proxy has all 3 md5 nodes in rotation (discovery:md5)"
  fi
  for peer in tcpmesh haproxy; do
    peer_up "$peer" || continue
    log "warm-up: md5cluster through $peer"
    pinned "$LOAD_CPUS" "$BIN/load" -q --mode md5 -c 8 -d "$WARMUP" "127.0.0.1:$(front_port "$peer" md5cluster)" >/dev/null 2>&1 || true
  done
  for peer in $(rounds direct tcpmesh haproxy); do
    peer_up "$peer" || continue
    before="$(cluster_connections "$peer")"
    load_run 9 "$peer" md5cluster --mode md5 --size 64 -c "$S2_CONNECTIONS" -d "$DURATION" || continue
    record 9 "$peer" req/s "$(json_num "$LAST_JSON" requestsPerSecond)"
    record 9 "$peer" p99 "$(json_num "$LAST_JSON" p99)"
    [ "$peer" = direct ] && continue
    after="$(cluster_connections "$peer")"
    split="$(awk -v b="$before" -v a="$after" 'BEGIN { n = split(b, x, " "); split(a, y, " ")
      for (i = 1; i <= n; i++) printf "%s%d", (i > 1 ? "/" : ""), y[i] - x[i] }')"
    record 9 "$peer" split "$split"
    log "scenario 9, $peer: connections per node ($MD5_PORT/$MD5_PORT_2/$MD5_PORT_3): $split"
    [[ "/$split/" == */0/* ]] && log "scenario 9, $peer: a node got no connection ($split)"
  done
  return 0
}

# cluster_targets_up: how many of the three md5 nodes the tcpmesh proxy's md5-cluster app has in rotation.
cluster_targets_up() {
  local page port n=0
  page="$(http_get "$TCPMESH_ADMIN" /metrics)"
  for port in "$MD5_PORT" "$MD5_PORT_2" "$MD5_PORT_3"; do
    grep -qF "tcpmesh_proxy_target_up{app=\"md5-cluster\",target=\"127.0.0.1:$port\"} 1" <<<"$page" && n=$((n + 1))
  done
  echo "$n"
}

# cluster_connections PEER: the connections PEER has made to each of the three md5 nodes so far, "N1 N2 N3"
# (tcpmesh: its /metrics; HAProxy: the stot column of its stats CSV).
cluster_connections() {
  local page port
  case "$1" in
    tcpmesh) page="$(http_get "$TCPMESH_ADMIN" /metrics)" ;;
    haproxy) page="$(http_get "$HAPROXY_STATS" '/;csv')" ;;
    *) return 0 ;;
  esac
  for port in "$MD5_PORT" "$MD5_PORT_2" "$MD5_PORT_3"; do
    if [ "$1" = tcpmesh ]; then
      awk -v t="tcpmesh_proxy_target_connections_total{app=\"md5-cluster\",target=\"127.0.0.1:$port\"}" \
        '$1 == t { v = $2 } END { printf "%d ", v }' <<<"$page"
    else
      awk -F, -v s="md5-$port" '$1 == "md5cluster" && $2 == s { v = $8 } END { printf "%d ", v }' <<<"$page"
    fi
  done
}
