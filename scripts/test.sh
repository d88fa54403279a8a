#!/usr/bin/env bash
# README command 2: the whole test suite on a fresh machine. Installs and starts what it needs
# (a JDK 21+ is picked from /usr/lib/jvm; Docker through apt), builds the offline example
# image, then runs every module's tests, including the end-to-end ones on real processes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
ensure_jdk
ensure_docker
ensure_example_image
cd "$root"
mvn -B -ntp verify "$@"
