#!/usr/bin/env bash
# `images` with 200 tags (on one busybox image), skiff vs Podman side by side.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
rootfs=$(mktemp -d /tmp/skiff-bench-rootfs-XXXXXX)
mkdir -p "$rootfs/bin"
cp /bin/busybox "$rootfs/bin/busybox"
tar -C "$rootfs" -cf "$rootfs.tar" .
$SKIFF import -q "$rootfs.tar" bench/base >/dev/null
if have_podman; then $PODMAN import -q "$rootfs.tar" bench/base >/dev/null; fi
for i in $(seq 1 200); do tags+=("bench/img$i:v$i"); done
$SKIFF tag bench/base "${tags[@]}"
if have_podman; then $PODMAN tag bench/base "${tags[@]}"; fi
rm -rf "$rootfs" "$rootfs.tar"
compare "images (200 tags)" "$SKIFF images" "$PODMAN images"
compare "images --format json (200 tags)" "$SKIFF images --format json" "$PODMAN images --format json"
