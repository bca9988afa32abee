#!/usr/bin/env bash
# The README's first command: installs what skiff needs (apt + npm, Node 24 when the
# machine's is older), builds it, makes a tiny busybox image locally (no registry needed)
# and runs a container from it. Safe to rerun.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$repo/scripts/setup.sh"
skiff=$repo/bin/skiff

rootfs=$(mktemp -d /tmp/skiff-demo-XXXXXX)
trap 'rm -rf "$rootfs" "$rootfs.tar"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"
tar -C "$rootfs" -cf "$rootfs.tar" .

"$skiff" import --change 'CMD ["/bin/sh"]' "$rootfs.tar" localhost/skiff-demo:latest >/dev/null
"$skiff" images localhost/skiff-demo
"$skiff" run --rm --network none localhost/skiff-demo:latest echo "hello from a skiff container"
