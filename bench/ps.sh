#!/usr/bin/env bash
# `ps -a` with 500 created containers, skiff vs Podman.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
bench_busybox_image bench/busybox
for i in $(seq 1 500); do
  $SKIFF create --network none bench/busybox true >/dev/null
  if have_podman; then $PODMAN create --network none bench/busybox true >/dev/null; fi
done
compare "ps -a (500 containers)" "$SKIFF ps -a" "$PODMAN ps -a"
compare "ps -a --format json (500 containers)" "$SKIFF ps -a --format json" "$PODMAN ps -a --format json"
