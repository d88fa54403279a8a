#!/usr/bin/env bash
# Route propagation benchmark: how long after the API shows an instance READY every proxy routes it.
# Starts 3 controllers, 1 worker and 2 proxies as separate processes on loopback (real Docker), launches
# LAUNCHES instances (default 100) one after the other, and measures beside the peer figure (etcd's watch
# propagation to 2 watchers on a 3-member etcd cluster, when etcd-server can be installed).
# Writes its section of docs/benchmarks.md (other sections are kept). Takes a few minutes.
#   LAUNCHES=100 PUTS=200 scripts/bench-route-latency.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(berth_root)
cd "$root"

ensure_jdk
ensure_docker
ensure_example_image
# The peer: optional, the Berth figures are measured without it.
command -v etcd >/dev/null 2>&1 || ensure_apt_packages etcd-server || log "etcd-server not installable: no peer figure"

log "building"
mvn -B -ntp -q install -Dmaven.test.skip=true
mvn -B -ntp -q -pl berth-it test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test

cd berth-it
log "running (logs in berth-it/target/it-logs/bench-*.log)"
java -Xmx512m -cp "target/test-classes:$(cat target/bench-classpath.txt)" \
  -Dlaunches="${LAUNCHES:-100}" -Dputs="${PUTS:-200}" \
  dev.berth.it.bench.RouteLatencyBench "$root/docs/benchmarks.md"
