#!/usr/bin/env bash
# README command 1: starts Berth standalone (controller + worker + proxy in one JVM) in the
# background and serves the example instance. Installs Docker through apt and builds Berth
# when missing. Stop it with: kill "$(cat berth-data/standalone.pid)" (as the README says).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
ensure_jdk
ensure_docker
ensure_example_image
cd "$root"
data=${BERTH_DATA:-$root/berth-data}
api=${BERTH_API:-http://127.0.0.1:7070}
mkdir -p "$data"
if [ ! -d berth-cli/target/lib ]; then
  log "building Berth"
  mvn -B -ntp -q -DskipTests install
fi
if ! curl -fsS "$api/api/v1/health" >/dev/null 2>&1; then
  log "starting berth standalone (data: $data, log: $data/standalone.log)"
  nohup bin/berth standalone --data-dir "$data" >"$data/standalone.log" 2>&1 &
  echo $! >"$data/standalone.pid"
  for i in $(seq 1 120); do
    curl -fsS "$api/api/v1/health" >/dev/null 2>&1 && break
    if ! kill -0 "$(cat "$data/standalone.pid")" 2>/dev/null; then
      log "berth standalone exited; last lines of its log:"; tail -20 "$data/standalone.log" >&2; exit 1
    fi
    sleep 0.5
  done
fi
bin/berth template apply -f examples/whoami.yaml
out=$(bin/berth launch whoami --owner demo)
echo "$out"
host=$(echo "$out" | awk '/^hostname/{print $2}')
echo
echo "curl -H 'Host: $host' http://127.0.0.1:8080/"
curl -fsS -H "Host: $host" http://127.0.0.1:8080/
