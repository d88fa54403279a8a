#!/usr/bin/env bash
# Shared helpers for Berth's scripts: pick a JDK 21+, make sure a Docker engine runs,
# build the offline example image. Sourced, never run directly.

berth_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

log() { printf '[berth] %s\n' "$*" >&2; }

# Exports JAVA_HOME for a JDK >= 21: the current one if new enough, else the newest under /usr/lib/jvm.
ensure_jdk() {
  local v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
    [ "${v%%.*}" -ge 21 ] 2>/dev/null && return 0
  fi
  local best="" bestv=0 d
  for d in /usr/lib/jvm/*/; do
    [ -x "$d/bin/javac" ] || continue
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
    v=${v%%.*}
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best=${d%/}; bestv=$v; fi
  done
  if [ -z "$best" ]; then log "no JDK 21+ found under /usr/lib/jvm; install one (e.g. apt-get install openjdk-21-jdk-headless)"; return 1; fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
  log "using JDK $bestv at $JAVA_HOME"
}

ensure_apt_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} through apt"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Makes sure a Docker engine answers on /var/run/docker.sock, installing docker.io and starting dockerd if needed.
ensure_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if ! command -v dockerd >/dev/null 2>&1; then ensure_apt_packages docker.io; fi
  log "starting dockerd (log: /var/log/berth-dockerd.log)"
  # its own session: the engine outlives the shell (and process group) that happened to start it
  setsid nohup dockerd >/var/log/berth-dockerd.log 2>&1 </dev/null &
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  log "dockerd did not come up; see /var/log/berth-dockerd.log"
  return 1
}

# Builds berth/whoami:latest from a busybox rootfs: no registry needed.
ensure_example_image() {
  local root; root=$(berth_root)
  if docker image inspect berth/whoami:latest >/dev/null 2>&1; then return 0; fi
  ensure_apt_packages busybox-static
  "$root/examples/images/whoami/build.sh"
}

# Maven with a JDK 21+, batch mode, quiet transfer logs.
mvn_berth() { ensure_jdk && mvn -B -ntp "$@"; }
