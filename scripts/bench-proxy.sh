#!/usr/bin/env bash
# Proxy throughput benchmark (issue 4): wrk against one local backend, in one run:
#   backend direct | Berth proxy (1 event loop) | nginx (1 worker, keepalive upstream) | HAProxy (1 thread)
# then Berth again with 100k routes in its table, then TLS termination (HTTPS with keep-alive)
# through Berth, nginx and HAProxy. Prints markdown tables for docs/benchmarks.md.
# Not a test: timings live here. Everything listens on 127.0.0.1 and every wrk run is bounded.
# Every target runs once per round, in an order rotated each round, for [rounds] rounds; the tables
# show each target's median, so a burst of other load on the machine moves one sample, not the
# result. "CPU/req" is the user+system CPU time the serving process (all its threads; nginx's
# worker) spent per request during the run: the cost of a request, less sensitive than req/s to
# whatever else the machine is doing.
#   usage: scripts/bench-proxy.sh [seconds-per-run] [connections] [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
ensure_jdk >/dev/null
ensure_apt_packages nginx-light haproxy wrk openssl
secs=${1:-15}
conns=${2:-64}
rounds=${3:-3}
work=$(mktemp -d /tmp/berth-bench.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -d "$root/berth-cli/target/lib" ] || (cd "$root" && mvn -B -ntp -q -DskipTests install)

BACKEND=19000 BERTH=19001 NGINX=19002 HAPROXY=19003 BERTH100K=19004
BERTH_TLS=19005 NGINX_TLS=19006 HAPROXY_TLS=19007
HOST=bench.berth.localhost

# One self-signed certificate for every TLS endpoint: ECDSA P-256 (what ACME clients issue by
# default), PKCS#8 key as Berth wants it; HAProxy takes both in one file.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST" -keyout "$work/key0.pem" -out "$work/cert.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$work/key0.pem" -out "$work/key.pem"
cat "$work/cert.pem" "$work/key.pem" >"$work/haproxy.pem"

# The backend: nginx, one worker, a fixed small body (what every proxy forwards to).
mkdir -p "$work/nginx-backend" "$work/nginx-proxy"
cat >"$work/nginx-backend/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx-backend/pid; error_log stderr error;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000;
  server { listen 127.0.0.1:$BACKEND; location / { return 200 "hello from the benchmark backend\n"; } } }
CONF
nginx -c "$work/nginx-backend/nginx.conf" -p "$work/nginx-backend" & pids+=($!); pid_backend=$!

cat >"$work/nginx-proxy/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx-proxy/pid; error_log stderr error;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 128; }
  server { listen 127.0.0.1:$NGINX; listen 127.0.0.1:$NGINX_TLS ssl;
    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }
CONF
nginx -c "$work/nginx-proxy/nginx.conf" -p "$work/nginx-proxy" & pids+=($!); pid_nginx=$!

cat >"$work/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  option forwardfor
  http-reuse always
frontend fe
  bind 127.0.0.1:$HAPROXY
  bind 127.0.0.1:$HAPROXY_TLS ssl crt $work/haproxy.pem
  default_backend be
backend be
  server b1 127.0.0.1:$BACKEND
CONF
haproxy -f "$work/haproxy.cfg" -db & pids+=($!); pid_haproxy=$!

# Berth proxies route from a cache file (as after a restart with every controller down):
# one with a single route (also terminating TLS), one with 100k routes plus the benchmark's.
# bin/berth adds the data-plane JVM flags it documents.
routes_file() { # $1 file, $2 extra routes
  python3 - "$1" "$2" "$HOST" "$BACKEND" <<'PY'
import json, sys
path, extra, host, port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def route(h, i): return {"key": {"protocol": "http", "host": h, "listenPort": 0}, "instanceId": i, "backend": {"host": "127.0.0.1", "port": port}}
routes = [route(host, "bench")] + [route("%010x.berth.localhost" % n, "%010x" % n) for n in range(extra)]
json.dump({"format": 1, "version": 1, "routes": routes}, open(path, "w"))
PY
}
start_berth() { # $1 port, $2 dir, $3 extra routes, then extra berth options
  local port=$1 dir=$2 extra=$3; shift 3
  mkdir -p "$dir/proxy"; routes_file "$dir/proxy/routes.json" "$extra"
  BERTH_JAVA_OPTS="-Xmx1g" "$root/bin/berth" proxy --id "bench-$port" --controllers 127.0.0.1:1 --threads 1 \
      --http "127.0.0.1:$port" --data-dir "$dir" "$@" >"$dir.log" 2>&1 & pids+=($!)
}
start_berth $BERTH "$work/berth" 0 --https "127.0.0.1:$BERTH_TLS" --https-cert "$work/cert.pem,$work/key.pem"
pid_berth=${pids[-1]}
start_berth $BERTH100K "$work/berth100k" 100000
pid_berth100k=${pids[-1]}

wait_port() { # $1 port, $2 scheme
  for _ in $(seq 1 120); do curl -fsSk -o /dev/null -H "Host: $HOST" "${2:-http}://127.0.0.1:$1/" && return 0; sleep 0.5; done
  echo "port $1 never answered" >&2; return 1
}
for p in $BACKEND $BERTH $NGINX $HAPROXY $BERTH100K; do wait_port $p; done
for p in $BERTH_TLS $NGINX_TLS $HAPROXY_TLS; do wait_port $p https; done

# CPU ticks "user system" of a process and its children (nginx's master forks its worker).
cpu_ticks() { for p in "$1" $(pgrep -P "$1"); do awk '{print $14, $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{u+=$1; s+=$2} END{print u+0, s+0}'; }

# One wrk run: appends "group|name|req/s|p50|p99|cpu-us-per-request|kernel-cpu-us-per-request|errors"
# to $work/results. The kernel part is the system time: system calls and the loopback TCP work they do.
measure() { # $1 group, $2 name, $3 url, $4 pid serving it
  local c0 c1 out
  c0=$(cpu_ticks "$4")
  out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -H "Host: $HOST" "$3")
  c1=$(cpu_ticks "$4")
  awk -v g="$1" -v n="$2" -v c0="$c0" -v c1="$c1" -v hz="$(getconf CLK_TCK)" '
    BEGIN {split(c0, a, " "); split(c1, b, " ")}
    /requests in/ {reqs=$1} /Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
    /Non-2xx|Socket errors/ {errs=errs $0 " "}
    END {printf "%s|%s|%s|%s|%s|%.2f|%.2f|%s\n", g, n, rps, p50, p99, (b[1]+b[2]-a[1]-a[2])/hz*1e6/reqs,
         (b[2]-a[2])/hz*1e6/reqs, errs=="" ? "none" : errs}' \
    <<<"$out" >>"$work/results"
}

# JIT warm-up for the JVM proxies (not recorded).
wrk -t1 -c"$conns" -d10s -H "Host: $HOST" "http://127.0.0.1:$BERTH/" >/dev/null
wrk -t1 -c"$conns" -d10s -H "Host: $HOST" "http://127.0.0.1:$BERTH100K/" >/dev/null
wrk -t1 -c"$conns" -d10s -H "Host: $HOST" "https://127.0.0.1:$BERTH_TLS/" >/dev/null

targets=(
  "http|backend direct|http://127.0.0.1:$BACKEND/|$pid_backend"
  "http|Berth proxy, 1 event loop|http://127.0.0.1:$BERTH/|$pid_berth"
  "http|Berth proxy, 1 event loop, 100k routes|http://127.0.0.1:$BERTH100K/|$pid_berth100k"
  "http|nginx, 1 worker, keepalive upstream|http://127.0.0.1:$NGINX/|$pid_nginx"
  "http|HAProxy, 1 thread|http://127.0.0.1:$HAPROXY/|$pid_haproxy"
  "tls|Berth proxy, 1 event loop, HTTPS|https://127.0.0.1:$BERTH_TLS/|$pid_berth"
  "tls|nginx, 1 worker, HTTPS|https://127.0.0.1:$NGINX_TLS/|$pid_nginx"
  "tls|HAProxy, 1 thread, HTTPS|https://127.0.0.1:$HAPROXY_TLS/|$pid_haproxy"
)
: >"$work/results"
for ((r = 0; r < rounds; r++)); do
  for ((i = 0; i < ${#targets[@]}; i++)); do
    IFS='|' read -r group name url pid <<<"${targets[(i + r) % ${#targets[@]}]}"
    measure "$group" "$name" "$url" "$pid"
  done
done

echo "wrk -t1 -c$conns -d${secs}s, median of $rounds rounds, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(free -g | awk '/Mem/{print $2}') GiB, kernel $(uname -r)"
echo "$(nginx -v 2>&1 | sed 's/^nginx version: //'), $(haproxy -v 2>&1 | head -1 | awk '{print "HAProxy", $3}')," \
     "$(wrk -v 2>&1 | head -1 | awk '{print "wrk", $2}'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
python3 "$root/scripts/bench_table.py" "$work/results" "$(nproc)"
