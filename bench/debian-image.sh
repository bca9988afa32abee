#!/usr/bin/env bash
# Builds (once, cached) a Debian bookworm minbase image of 5 layers as a docker-archive and
# an OCI layout, for the load and pull benchmarks. Needs debootstrap, umoci, skopeo and
# Debian's mirror. Prints the cache directory.
set -euo pipefail
cache=${SKIFF_BENCH_CACHE:-/var/cache/skiff-bench}
out=$cache/debian
if [[ -f $out/debian-docker.tar ]]; then
  echo "$out"
  exit 0
fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
work=$(mktemp -d "$cache.work-XXXXXX" 2>/dev/null || { mkdir -p "$cache" && mktemp -d "$cache/work-XXXXXX"; })
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase bookworm "$work/rootfs" >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
cd "$work"
umoci init --layout oci
umoci new --image oci:debian
# Five layers: each repack adds the paths moved into the bundle since the last one.
parts=("usr/lib" "usr/share" "usr/bin usr/sbin usr/libexec usr/include usr/local usr/games usr/src" "var" "")
for i in "${!parts[@]}"; do
  umoci unpack --image oci:debian bundle >/dev/null
  if [[ -n ${parts[$i]} ]]; then
    for p in ${parts[$i]}; do
      [[ -e rootfs/$p ]] || continue
      mkdir -p "bundle/rootfs/$(dirname "$p")"
      cp -a "rootfs/$p" "bundle/rootfs/$p"
    done
  else
    cp -a rootfs/. bundle/rootfs/
  fi
  umoci repack --image oci:debian bundle >/dev/null
  rm -rf bundle
done
umoci config --image oci:debian --config.cmd /bin/bash >/dev/null
mkdir -p "$out.tmp"
skopeo copy -q oci:oci:debian "docker-archive:$out.tmp/debian-docker.tar:localhost/debian:bookworm"
cp -a oci "$out.tmp/oci"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
