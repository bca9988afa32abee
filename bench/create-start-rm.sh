#!/usr/bin/env bash
# create + start + rm of 100 containers in a row, skiff vs Podman, same runtime (runc).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
bench_busybox_image bench/busybox
cycle() {
  # $1 = engine command prefix
  echo "for i in \$(seq 1 100); do id=\$($1 --runtime runc create --network none bench/busybox true) && $1 --runtime runc start \$id >/dev/null && $1 --runtime runc rm -f \$id >/dev/null; done"
}
BENCH_RUNS=${BENCH_RUNS:-3} compare "create+start+rm x100" "$(cycle "$SKIFF")" "$(cycle "$PODMAN")"
