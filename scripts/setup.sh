#!/usr/bin/env bash
# Prepares a Debian 12 machine to build and test skiff, then builds dist/.
# Run as root; safe to rerun (a rerun on a ready machine only rebuilds dist/).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

packages=(
  conmon crun runc uidmap slirp4netns passt netavark aardvark-dns iptables catatonit
  golang-github-containers-common busybox-static docker-registry skopeo umoci
  hyperfine apache2-utils zstd sqlite3 ca-certificates debootstrap fuse-overlayfs openssh-client
)
local_node="$repo/.tools/node/node_modules/node/bin/node"
notes=()

log() { printf 'setup: %s\n' "$*"; }

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt_updated=false
apt_install() {
  if [[ $EUID -ne 0 ]]; then
    log "missing packages: $* (rerun as root to install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $apt_updated; then
    apt-get update -qq
    apt_updated=true
  fi
  apt-get install -y -qq -o Dpkg::Use-Pty=0 "$@" >/dev/null
}

install_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
    notes+=("installed ${#missing[@]} packages")
  else
    notes+=("packages present")
  fi
}

node_major() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# Leaves Node 24 first on PATH: the copy beside the checkout (which bin/skiff prefers),
# else the PATH's own node when it is new enough, else a fresh copy from the npm registry.
ensure_node() {
  if [[ -x $local_node && $(node_major "$local_node") -ge 24 ]]; then
    :
  elif command -v node >/dev/null && [[ $(node_major node) -ge 24 ]]; then
    notes+=("node $(node --version) from PATH")
    return
  else
    if ! command -v npm >/dev/null; then
      log "installing Debian's npm to fetch Node 24"
      apt_install nodejs npm
    fi
    log "installing node@24 into .tools/node"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$repo/.tools/node" node@24 >/dev/null
    [[ -x $local_node ]] || { log "npm did not produce $local_node" >&2; exit 1; }
  fi
  export PATH="$(dirname "$local_node"):$PATH"
  notes+=("node $(node --version) from .tools/node")
}

# npm ci wipes node_modules, so it only runs when the lock file changed since the last install
# (npm keeps its own copy of the resolved tree in node_modules/.package-lock.json).
install_npm_deps() {
  local hidden=node_modules/.package-lock.json
  if [[ -f package-lock.json ]]; then
    if [[ -f $hidden && $hidden -nt package-lock.json && $hidden -nt package.json ]]; then
      notes+=("node_modules current")
      return
    fi
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  else
    npm install --no-audit --no-fund --loglevel=error >/dev/null
  fi
  notes+=("node_modules installed")
}

# tsc emits dist/ (the engine as a library, with types) even when it finds type errors; those fail scripts/test.sh's typecheck
# step, which prints them, so here they only count.
build() {
  local out
  if out=$(node node_modules/typescript/bin/tsc -p tsconfig.json 2>&1); then
    notes+=("dist/ built")
  else
    notes+=("dist/ built with $(grep -c 'error TS' <<<"$out" || true) type errors")
  fi
  node scripts/bundle.mjs
}

# crun refuses a hybrid cgroup layout whose v2 tree holds a controller (hugetlb on these
# VMs); moving hugetlb to its own v1 hierarchy makes crun work. Pure v1 or v2 hosts need nothing.
fix_hybrid_cgroups() {
  local v2
  v2=$(findmnt -rn -t cgroup2 -o TARGET 2>/dev/null | head -n1 || true)
  if [[ -z $v2 || $v2 == /sys/fs/cgroup ]] || ! grep -qw hugetlb "$v2/cgroup.controllers" 2>/dev/null; then
    return
  fi
  if mkdir -p /sys/fs/cgroup/hugetlb 2>/dev/null &&
     mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>/dev/null; then
    notes+=("hugetlb moved to cgroup v1")
  else
    notes+=("WARNING: could not move hugetlb off cgroup v2, crun will fail (runc works)")
  fi
}

open_tun() {
  if [[ -c /dev/net/tun ]]; then
    chmod 666 /dev/net/tun 2>/dev/null || notes+=("WARNING: cannot chmod /dev/net/tun")
  else
    notes+=("WARNING: no /dev/net/tun, rootless networking will fail")
  fi
  # fuse-overlayfs, the rootless fallback when the kernel refuses overlay in a user namespace
  if [[ -c /dev/fuse ]]; then
    chmod 666 /dev/fuse 2>/dev/null || notes+=("WARNING: cannot chmod /dev/fuse")
  fi
}

install_packages
ensure_node
install_npm_deps
build
if [[ $EUID -eq 0 ]]; then
  fix_hybrid_cgroups
  open_tun
else
  notes+=("not root: host quirks left alone")
fi

summary=$(IFS=';'; printf '%s' "${notes[*]}")
log "${summary//;/, }"
