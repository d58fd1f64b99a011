# shellcheck shell=bash
# Helpers shared by the benchmark suite: logging, processes we start (and only those), ports, packages.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Every process we start is recorded as "pid name"; cleanup stops exactly those, newest first.
BENCH_PIDS=()
BENCH_NAMES=()

# start_bg NAME LOGFILE CPUS CMD...: runs CMD in the background (on cores CPUS through taskset -c when CPUS
# is not empty; taskset execs, so the pid is the program's own), remembers its pid.
start_bg() {
  local name="$1" logfile="$2" cpus="$3"; shift 3
  if [ -n "$cpus" ]; then
    taskset -c "$cpus" "$@" >"$logfile" 2>&1 &
  else
    "$@" >"$logfile" 2>&1 &
  fi
  BENCH_PIDS+=("$!")
  BENCH_NAMES+=("$name")
  log "started $name (pid $!): $*"
}

# bg_pid NAME: the pid of the process started under NAME (empty when none).
bg_pid() {
  local i
  for i in "${!BENCH_PIDS[@]}"; do
    [ "${BENCH_NAMES[$i]}" = "$1" ] && { echo "${BENCH_PIDS[$i]}"; return 0; }
  done
  return 0
}

# move_to CPUS PID: moves every thread of a running process to CPUS (taskset -a -p).
move_to() { taskset -a -p -c "$1" "$2" >/dev/null; }

# stop_bg NAME: stops the processes started under NAME (TERM, then KILL after 10 s).
stop_bg() {
  local want="$1" i
  for i in "${!BENCH_PIDS[@]}"; do
    if [ "${BENCH_NAMES[$i]}" = "$want" ]; then
      stop_pid "${BENCH_PIDS[$i]}" "$want"
      unset 'BENCH_PIDS[i]' 'BENCH_NAMES[i]'
    fi
  done
}

stop_pid() {
  local pid="$1" name="$2" n
  kill -TERM "$pid" 2>/dev/null || return 0
  for n in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "$name (pid $pid) ignored TERM for 10 s: KILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    [ -n "${BENCH_PIDS[$i]:-}" ] && stop_pid "${BENCH_PIDS[$i]}" "${BENCH_NAMES[$i]}"
  done
  BENCH_PIDS=()
  BENCH_NAMES=()
}

# wait_port PORT [SECONDS] [NAME]: until something accepts on 127.0.0.1:PORT.
wait_port() {
  local port="$1" secs="${2:-60}" name="${3:-port $1}" deadline
  deadline=$((SECONDS + secs))
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && die "$name did not listen on 127.0.0.1:$port within ${secs}s (see $BENCH_TMP/*.log)"
    sleep 0.2
  done
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_get PORT PATH: an HTTP/1.0 GET of 127.0.0.1:PORT/PATH, headers and body (empty when nothing answers in 5 s).
http_get() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && timeout 5 cat <&3) 2>/dev/null || true
}

# ensure_packages: installs the peers from Debian's packages when missing (needs root).
ensure_packages() {
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v nginx >/dev/null || missing+=(nginx)
  [ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
  command -v socat >/dev/null || missing+=(socat)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v md5sum >/dev/null || missing+=(coreutils)
  command -v taskset >/dev/null || missing+=(util-linux)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run as root or install them: apt-get install ${missing[*]}"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# pinned CPUS CMD...: runs CMD in the foreground on the given cores (taskset -c), or unpinned when CPUS is empty.
pinned() {
  local cpus="$1"; shift
  if [ -n "$cpus" ]; then taskset -c "$cpus" "$@"; else "$@"; fi
}

# count_cpus LIST: how many cores a taskset list such as 1 or 2-3 or 0,2 names.
count_cpus() {
  local list="$1" n=0 part a b
  IFS=',' read -ra parts <<<"$list"
  for part in "${parts[@]}"; do
    if [[ "$part" == *-* ]]; then a="${part%-*}"; b="${part#*-}"; n=$((n + b - a + 1)); else n=$((n + 1)); fi
  done
  echo "$n"
}

# json_num FILE FIELD: the first number named FIELD in a load report (the summary comes before the timeline).
json_num() {
  grep -m1 "\"$2\" :" "$1" | sed -E 's/.*: *([-0-9.eE]+).*/\1/'
}
