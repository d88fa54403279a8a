#!/bin/sh
# Writes a page naming this container, then serves it on :${PORT:-8080} with busybox httpd.
mkdir -p /tmp/www
{
  echo "hello from berth whoami"
  echo "container: $(hostname)"
  echo "instance: ${BERTH_INSTANCE_ID:-unknown}"
  [ -n "$FLAG" ] && echo "flag: $FLAG"
} > /tmp/www/index.html
exec httpd -f -p "${PORT:-8080}" -h /tmp/www
