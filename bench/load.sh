#!/usr/bin/env bash
# `load` of a Debian minbase docker-archive (≥100 MB, 5 layers) into an empty store,
# skiff vs Podman side by side; each timed run starts from a clean store.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
img=$(bash "$bench_repo/bench/debian-image.sh")/debian-docker.tar
echo "bench: archive $(du -h "$img" | cut -f1) $img"
clean() { echo "bench_unmount_under $BENCH_DIR/$1; rm -rf $BENCH_DIR/$1"; }
compare "load debian (docker-archive)" \
  "$SKIFF load -q -i $img" "$PODMAN load -q -i $img" \
  "$(clean skiff)" "$(clean podman)"
