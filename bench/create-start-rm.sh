#!/usr/bin/env bash
# create + start + rm of 100 containers in a row, skiff vs Podman, with the same runtime:
# crun, then runc.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
bench_busybox_image bench/busybox
cycle() {
  # $1 = engine command prefix, $2 = runtime
  echo "for i in \$(seq 1 100); do id=\$($1 --runtime $2 create --network none bench/busybox true) && $1 --runtime $2 start \$id >/dev/null && $1 --runtime $2 rm -f \$id >/dev/null; done"
}
for rt in $(bench_runtimes); do
  BENCH_RUNS=${BENCH_RUNS:-3} compare "create+start+rm x100 ($rt)" "$(cycle "$SKIFF" "$rt")" "$(cycle "$PODMAN" "$rt")"
done
