#!/usr/bin/env bash
# Rootless `run --rm IMG true` (--network none; crun, then runc), skiff vs Podman, both as an ordinary
# user (skiffbench, created with useradd when missing) with private stores under a temp
# dir. Each engine keeps its pause process between runs, as it would for a real user.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $(id -u) == 0 ]] || { echo "bench: run as root (it creates and switches to the user)" >&2; exit 1; }
bench_node || exit 1
bench_podman_conf
user=skiffbench
id "$user" >/dev/null 2>&1 || useradd -m "$user"
home=$(getent passwd "$user" | cut -d: -f6)
BENCH_DIR=$(mktemp -d /tmp/skiff-bench-rootless-XXXXXX)
chown "$user:" "$BENCH_DIR"
as_user="runuser -u $user -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$home USER=$user XDG_RUNTIME_DIR=$BENCH_DIR/run XDG_DATA_HOME=$BENCH_DIR/data XDG_CONFIG_HOME=$BENCH_DIR/config"
runuser -u "$user" -- mkdir -m 700 "$BENCH_DIR/run" "$BENCH_DIR/data" "$BENCH_DIR/config"
SKIFF="$as_user $bench_repo/bin/skiff"
PODMAN="$as_user podman --root $BENCH_DIR/podman/root --runroot $BENCH_DIR/podman/run"
rootless_cleanup() {
  $SKIFF rm -af -t 0 >/dev/null 2>&1 || true
  $SKIFF system migrate >/dev/null 2>&1 || true
  if have_podman; then
    $PODMAN rm -af -t 0 >/dev/null 2>&1 || true
    $PODMAN system migrate >/dev/null 2>&1 || true
  fi
  rm -rf "$BENCH_DIR"
}
trap rootless_cleanup EXIT
export BENCH_DIR SKIFF PODMAN
have_podman && echo "bench: rootless skiff vs $(podman --version), ${BENCH_RUNS:-10} runs after 2 warm-ups"
rootfs=$(mktemp -d "$BENCH_DIR/rootfs-XXXXXX")
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in sh true echo; do ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
tar -C "$rootfs" -cf "$rootfs.tar" .
chmod 644 "$rootfs.tar"
$SKIFF import -q "$rootfs.tar" bench/busybox >/dev/null
if have_podman; then $PODMAN import -q "$rootfs.tar" bench/busybox >/dev/null; fi
for rt in $(bench_runtimes); do
  compare "rootless run --rm --network none IMG true ($rt)" \
    "$SKIFF --runtime $rt run --rm --network none bench/busybox true" \
    "$PODMAN --runtime $rt run --rm --network none bench/busybox true"
done
