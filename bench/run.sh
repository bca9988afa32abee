#!/usr/bin/env bash
# `run --rm IMG true` with --network none, skiff vs Podman, same runtime (runc).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
bench_busybox_image bench/busybox
compare "run --rm --network none IMG true" \
  "$SKIFF --runtime runc run --rm --network none bench/busybox true" \
  "$PODMAN --runtime runc run --rm --network none bench/busybox true"
