#!/usr/bin/env bash
# `pull` of a Debian minbase image (≥100 MB, 5 gzip layers) from a local distribution
# registry on 127.0.0.1 into an empty store, skiff vs Podman side by side; each timed run
# starts from a clean store.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
command -v docker-registry >/dev/null || { echo "bench: docker-registry is needed (apt-get install docker-registry)" >&2; exit 1; }
layout=$(bash "$bench_repo/bench/debian-image.sh")/oci
port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
host=127.0.0.1:$port
mkdir -p "$BENCH_DIR/registry"
cat >"$BENCH_DIR/registry/config.yml" <<CONF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $BENCH_DIR/registry/storage
http:
  addr: $host
CONF
docker-registry serve "$BENCH_DIR/registry/config.yml" >/dev/null 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null; bench_cleanup' EXIT
for _ in $(seq 50); do curl -fs "http://$host/v2/" >/dev/null && break; sleep 0.1; done
skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$layout:debian" "docker://$host/debian:bookworm"
echo "bench: image $(skopeo inspect --tls-verify=false "docker://$host/debian:bookworm" | node -e 'const m=JSON.parse(require("node:fs").readFileSync(0,"utf8"));console.log(m.Layers.length+" layers")')"
clean() { echo "bench_unmount_under $BENCH_DIR/$1; rm -rf $BENCH_DIR/$1"; }
compare "pull debian (local registry)" \
  "$SKIFF pull -q --tls-verify=false $host/debian:bookworm" "$PODMAN pull -q --tls-verify=false $host/debian:bookworm" \
  "$(clean skiff)" "$(clean podman)"
