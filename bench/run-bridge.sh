#!/usr/bin/env bash
# `run --rm IMG true` on the default bridge (netavark), skiff vs Podman, with the same runtime:
# crun, then runc.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
bench_busybox_image bench/busybox
for rt in $(bench_runtimes); do
  compare "run --rm IMG true (default bridge) ($rt)" \
    "$SKIFF --runtime $rt run --rm bench/busybox true" \
    "$PODMAN --runtime $rt run --rm bench/busybox true"
done
