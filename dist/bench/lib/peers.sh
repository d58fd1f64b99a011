# shellcheck shell=bash
# The proxies under test (tcpmesh, HAProxy, nginx stream) and the backends, each started with a config
# generated into $BENCH_TMP, listening on 127.0.0.1 in the 20000-20999 range.

# Backends
ZK_PORT=20181
MD5_PORT=20101
ECHO_PORT=20201
ECHO_MASTER_PORT=20288
# Front ports per proxy: md5, echo
TCPMESH_MD5=20100;  TCPMESH_ECHO=20200; TCPMESH_ADMIN=20900
HAPROXY_MD5=20110;  HAPROXY_ECHO=20210
NGINX_MD5=20120;    NGINX_ECHO=20220
SOCAT_MD5=20130
# Scenario 7: an HTTP backend (nginx serving a 1.4 KB page) and each proxy's port in front of it
HTTP_BACKEND=20301
TCPMESH_HTTP=20300; HAPROXY_HTTP=20310; NGINX_HTTP=20320
# Scenario 9: two more md5-service nodes (three with MD5_PORT), tcpmesh's discovery:md5 app and HAProxy's
# leastconn backend over the three, and HAProxy's stats page (its per-server counts)
MD5_PORT_2=20102;   MD5_PORT_3=20103
TCPMESH_MD5_CLUSTER=20400; HAPROXY_MD5_CLUSTER=20410; HAPROXY_STATS=20910

# md5_cluster: true when scenario 9 runs on tcpmesh's own backends; only then are its two extra nodes, the
# proxy's md5-cluster app and HAProxy's md5cluster backend there (the other scenarios keep one static target).
md5_cluster() { [ "$BACKENDS" = tcpmesh ] && [[ " $ONLY " == *" 9 "* ]]; }

start_zookeeper() {
  mkdir -p "$BENCH_TMP/zk"
  start_bg zookeeper "$BENCH_TMP/zookeeper.log" "$BACKEND_CPUS" "$BIN/zookeeper" --port "$ZK_PORT" --data-dir "$BENCH_TMP/zk"
  wait_port "$ZK_PORT" 60 zookeeper
}

# The backends: tcpmesh's own services, or (--backends socat) socat stand-ins to prove the suite piecewise.
start_backends() {
  if [ "$BACKENDS" = socat ]; then
    start_bg md5-backend "$BENCH_TMP/md5-backend.log" "$BACKEND_CPUS" \
      socat "TCP-LISTEN:$MD5_PORT,bind=127.0.0.1,fork,reuseaddr,backlog=1024" SYSTEM:'md5sum | cut -c1-32'
    start_bg echo-backend "$BENCH_TMP/echo-backend.log" "$BACKEND_CPUS" \
      socat "TCP-LISTEN:$ECHO_PORT,bind=127.0.0.1,fork,reuseaddr,backlog=1024" EXEC:cat
  else
    start_zookeeper
    start_bg md5-backend "$BENCH_TMP/md5-backend.log" "$BACKEND_CPUS" \
      "$BIN/md5-service" --port "$MD5_PORT" --zk "127.0.0.1:$ZK_PORT" --id bench-md5
    start_bg echo-backend "$BENCH_TMP/echo-backend.log" "$BACKEND_CPUS" \
      "$BIN/echo-node" --port "$ECHO_PORT" --master-port "$ECHO_MASTER_PORT" --zk "127.0.0.1:$ZK_PORT"
  fi
  wait_port "$MD5_PORT" 60 md5-backend
  wait_port "$ECHO_PORT" 60 echo-backend
  if md5_cluster; then start_md5_cluster_nodes; fi
}

# Scenario 9's two more md5-service nodes, on the backend cores like the first; started once the first two
# backends listen, so that four JVMs starting at once on the same cores do not slow those down.
start_md5_cluster_nodes() {
  start_bg md5-backend-2 "$BENCH_TMP/md5-backend-2.log" "$BACKEND_CPUS" \
    "$BIN/md5-service" --port "$MD5_PORT_2" --zk "127.0.0.1:$ZK_PORT" --id bench-md5-2
  start_bg md5-backend-3 "$BENCH_TMP/md5-backend-3.log" "$BACKEND_CPUS" \
    "$BIN/md5-service" --port "$MD5_PORT_3" --zk "127.0.0.1:$ZK_PORT" --id bench-md5-3
  wait_port "$MD5_PORT_2" 60 md5-backend-2
  wait_port "$MD5_PORT_3" 60 md5-backend-3
}

# Scenario 9's app is the md5 app of the cluster's own configuration (dist/conf/proxy.json) on its own port.
start_tcpmesh_proxy() {
  local cluster_app=""
  if md5_cluster; then
    cluster_app=",
  {\"Name\":\"md5-cluster\",\"Ports\":[$TCPMESH_MD5_CLUSTER],\"Targets\":[\"discovery:md5\"],\"Balancing\":\"least-connections\",
   \"ConnectTimeout\":\"1s\",\"IdleTimeout\":\"5m\",\"ResponseTimeout\":\"2s\",\"RetryOnNoResponse\":true}"
  fi
  cat >"$BENCH_TMP/proxy.json" <<JSON
{"Apps":[
  {"Name":"md5","Ports":[$TCPMESH_MD5],"Targets":["127.0.0.1:$MD5_PORT"]},
  {"Name":"echo","Ports":[$TCPMESH_ECHO],"Targets":["127.0.0.1:$ECHO_PORT"]},
  {"Name":"http","Ports":[$TCPMESH_HTTP],"Targets":["127.0.0.1:$HTTP_BACKEND"]}$cluster_app
]}
JSON
  start_bg tcpmesh "$BENCH_TMP/tcpmesh-proxy.log" "$PROXY_CPUS" \
    "$BIN/proxy" --config "$BENCH_TMP/proxy.json" --zk "127.0.0.1:$ZK_PORT" --admin-port "$TCPMESH_ADMIN"
  wait_port "$TCPMESH_MD5" 60 tcpmesh-proxy
  wait_port "$TCPMESH_ECHO" 60 tcpmesh-proxy
  if md5_cluster; then wait_port "$TCPMESH_MD5_CLUSTER" 60 tcpmesh-proxy; fi
}

write_haproxy_config() {
  cat >"$BENCH_TMP/haproxy.cfg" <<CFG
global
    nbthread $PROXY_THREADS
    maxconn 8000
defaults
    mode tcp
    timeout connect 5s
    timeout client 120s
    timeout server 120s
frontend md5_in
    bind 127.0.0.1:$HAPROXY_MD5
    default_backend md5
frontend echo_in
    bind 127.0.0.1:$HAPROXY_ECHO
    default_backend echo
frontend http_in
    bind 127.0.0.1:$HAPROXY_HTTP
    default_backend http
backend md5
    server md5 127.0.0.1:$MD5_PORT
backend echo
    server echo 127.0.0.1:$ECHO_PORT
backend http
    server http 127.0.0.1:$HTTP_BACKEND
CFG
  md5_cluster || return 0
  # scenario 9: the same three md5 nodes, fewest connections first; the stats page gives each server's count
  cat >>"$BENCH_TMP/haproxy.cfg" <<CFG
frontend md5cluster_in
    bind 127.0.0.1:$HAPROXY_MD5_CLUSTER
    default_backend md5cluster
backend md5cluster
    balance leastconn
    server md5-$MD5_PORT 127.0.0.1:$MD5_PORT
    server md5-$MD5_PORT_2 127.0.0.1:$MD5_PORT_2
    server md5-$MD5_PORT_3 127.0.0.1:$MD5_PORT_3
listen stats
    mode http
    bind 127.0.0.1:$HAPROXY_STATS
    stats enable
    stats uri /
CFG
}

start_haproxy() {
  write_haproxy_config
  haproxy -c -q -f "$BENCH_TMP/haproxy.cfg" || die "haproxy rejected $BENCH_TMP/haproxy.cfg"
  start_bg haproxy "$BENCH_TMP/haproxy.log" "$PROXY_CPUS" haproxy -db -f "$BENCH_TMP/haproxy.cfg"
  wait_port "$HAPROXY_MD5" 30 haproxy
  wait_port "$HAPROXY_ECHO" 30 haproxy
  if md5_cluster; then wait_port "$HAPROXY_MD5_CLUSTER" 30 haproxy; fi
}

write_nginx_config() {
  mkdir -p "$BENCH_TMP/nginx/logs"
  local module=/usr/lib/nginx/modules/ngx_stream_module.so
  cat >"$BENCH_TMP/nginx/nginx.conf" <<CFG
load_module $module;
worker_processes $PROXY_THREADS;
pid $BENCH_TMP/nginx/nginx.pid;
error_log $BENCH_TMP/nginx/logs/error.log warn;
worker_rlimit_nofile 18000;
events { worker_connections 8000; }
stream {
    server {
        listen 127.0.0.1:$NGINX_MD5 backlog=1024;
        # without it nginx drops the reply of a half-closed request
        proxy_half_close on;
        proxy_pass 127.0.0.1:$MD5_PORT;
    }
    server {
        listen 127.0.0.1:$NGINX_ECHO backlog=1024;
        proxy_pass 127.0.0.1:$ECHO_PORT;
    }
    server {
        listen 127.0.0.1:$NGINX_HTTP backlog=1024;
        proxy_pass 127.0.0.1:$HTTP_BACKEND;
    }
}
CFG
}

start_nginx() {
  write_nginx_config
  nginx -t -q -p "$BENCH_TMP/nginx/" -e "$BENCH_TMP/nginx/logs/error.log" -c "$BENCH_TMP/nginx/nginx.conf" \
    || die "nginx rejected $BENCH_TMP/nginx/nginx.conf"
  start_bg nginx "$BENCH_TMP/nginx.log" "$PROXY_CPUS" \
    nginx -p "$BENCH_TMP/nginx/" -e "$BENCH_TMP/nginx/logs/error.log" -c "$BENCH_TMP/nginx/nginx.conf" -g 'daemon off;'
  wait_port "$NGINX_MD5" 30 nginx
  wait_port "$NGINX_ECHO" 30 nginx
}

# The HTTP backend of scenario 7: nginx serving one 1.4 KB page on the backend cores (a web server, not a
# peer; every proxy forwards to it as plain TCP).
start_http_backend() {
  local d="$BENCH_TMP/nginx-http"
  mkdir -p "$d/logs" "$d/www"
  head -c 1400 /dev/zero | tr '\0' 'x' >"$d/www/page.html"
  # nginx's workers drop root's rights (user nobody): they must be able to read the page, or every answer is a 403
  chmod a+rx "$BENCH_TMP" "$d" "$d/www"
  chmod a+r "$d/www/page.html"
  cat >"$d/nginx.conf" <<CFG
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 8000; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$HTTP_BACKEND backlog=1024;
        root $d/www;
    }
}
CFG
  nginx -t -q -p "$d/" -e "$d/logs/error.log" -c "$d/nginx.conf" || die "nginx rejected $d/nginx.conf"
  start_bg http-backend "$BENCH_TMP/http-backend.log" "$BACKEND_CPUS" \
    nginx -p "$d/" -e "$d/logs/error.log" -c "$d/nginx.conf" -g 'daemon off;'
  wait_port "$HTTP_BACKEND" 30 http-backend
}

# The fork-per-connection peer of scenario 2: socat forks md5sum for every connection.
start_socat_md5() {
  start_bg socat-md5 "$BENCH_TMP/socat-md5.log" "$PROXY_CPUS" \
    socat "TCP-LISTEN:$SOCAT_MD5,bind=127.0.0.1,fork,reuseaddr,backlog=1024" SYSTEM:'md5sum | cut -c1-32'
  wait_port "$SOCAT_MD5" 30 socat-md5
}

# front_port PEER KIND: the port where PEER (direct, tcpmesh, haproxy, nginx, socat) serves KIND (md5, echo,
# http, md5cluster: scenario 9's three md5 nodes, direct being the first of them alone).
front_port() {
  case "$1/$2" in
    direct/md5) echo "$MD5_PORT" ;;       direct/echo) echo "$ECHO_PORT" ;;
    direct-alone/md5) echo "$MD5_PORT" ;;
    tcpmesh/md5) echo "$TCPMESH_MD5" ;;   tcpmesh/echo) echo "$TCPMESH_ECHO" ;;
    haproxy/md5) echo "$HAPROXY_MD5" ;;   haproxy/echo) echo "$HAPROXY_ECHO" ;;
    nginx/md5) echo "$NGINX_MD5" ;;       nginx/echo) echo "$NGINX_ECHO" ;;
    socat/md5) echo "$SOCAT_MD5" ;;
    direct/http) echo "$HTTP_BACKEND" ;;  tcpmesh/http) echo "$TCPMESH_HTTP" ;;
    haproxy/http) echo "$HAPROXY_HTTP" ;; nginx/http) echo "$NGINX_HTTP" ;;
    direct/md5cluster) echo "$MD5_PORT" ;; tcpmesh/md5cluster) echo "$TCPMESH_MD5_CLUSTER" ;;
    haproxy/md5cluster) echo "$HAPROXY_MD5_CLUSTER" ;;
    *) die "no port for $1/$2" ;;
  esac
}
