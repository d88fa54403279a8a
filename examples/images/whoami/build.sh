#!/usr/bin/env bash
# Builds the tiny offline example image berth/whoami:latest: a rootfs holding Debian's
# busybox-static, imported with `docker import` (no registry, no base image).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] && "$busybox" --list | grep -qx httpd || { echo "need busybox-static (apt-get install busybox-static)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/www" "$work/tmp" "$work/etc"
cp "$busybox" "$work/bin/busybox"
for applet in sh httpd nc hostname cat echo sleep env; do ln -s busybox "$work/bin/$applet"; done
install -m 0755 "$here/serve.sh" "$work/bin/serve"
echo 'root:x:0:0:root:/:/bin/sh' > "$work/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$work/etc/passwd"
tar -C "$work" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'EXPOSE 8080' \
  --change 'CMD ["/bin/serve"]' \
  - berth/whoami:latest >/dev/null
echo "built berth/whoami:latest"
