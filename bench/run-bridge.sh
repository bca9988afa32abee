#!/usr/bin/env bash
# `run --rm IMG true` on the default bridge (netavark), skiff vs Podman, same runtime (runc).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
bench_busybox_image bench/busybox
compare "run --rm IMG true (default bridge)" \
  "$SKIFF --runtime runc run --rm bench/busybox true" \
  "$PODMAN --runtime runc run --rm bench/busybox true"
