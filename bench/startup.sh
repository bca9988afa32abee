#!/usr/bin/env bash
# Start-up: `--version` and `ps` on an empty store, skiff vs Podman.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
compare "--version" "$bench_repo/bin/skiff --version" "podman --version"
compare "ps (empty store)" "$SKIFF ps" "$PODMAN ps"
