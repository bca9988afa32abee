# Shared helpers for the benchmarks in bench/. Source it from a bench script:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_init                        # temp stores, Podman's config, cleanup at exit
#   compare "images (empty store)" "$SKIFF images" "$PODMAN images"
#
# skiff and Podman each get a private, empty store under one temp dir ($BENCH_DIR), so a
# run never touches /var/lib/skiff or /var/lib/containers and both start equal.
# Knobs: BENCH_RUNS (measured runs per command, default 10), BENCH_RESULTS (a file that
# gets one tab-separated line per comparison: name, skiff median, podman median, ratio).
# Figures are medians in seconds; quote the ratio, these machines are noisy.

bench_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Puts Node 24 first on PATH (the one scripts/setup.sh installs beside the checkout, else
# the PATH's own when new enough); fails when there is none.
bench_node() {
  local local_node="$bench_repo/.tools/node/node_modules/node/bin"
  if [[ -x $local_node/node ]]; then
    export PATH="$local_node:$PATH"
  fi
  if [[ $(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0) -lt 24 ]]; then
    echo "bench: Node 24 is needed: run bash scripts/setup.sh" >&2
    return 1
  fi
}

have_podman() {
  command -v podman >/dev/null 2>&1
}

# Podman 4.3.1 cannot run containers on these VMs without higher-than-allowed rlimits
# turned off and runc chosen (TESTING.md). Writes /etc/containers/containers.conf only when
# there is none; an existing file is left alone, with a warning if it lacks those settings.
bench_podman_conf() {
  local conf=/etc/containers/containers.conf
  have_podman || return 0
  if [[ ! -e $conf ]]; then
    mkdir -p "$(dirname "$conf")"
    cat >"$conf" <<'EOF'
# Written by skiff's bench/lib.sh: lets Podman run containers on hosts with low hard rlimits.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
    echo "bench: wrote $conf for Podman"
  elif ! grep -q default_ulimits "$conf" || ! grep -q '^[[:space:]]*runtime[[:space:]]*=' "$conf"; then
    echo "bench: $conf exists without default_ulimits/runtime; Podman may fail to run containers here" >&2
  fi
}

# Unmounts whatever is mounted under $1, deepest first (overlay mounts of both engines).
bench_unmount_under() {
  local target
  { findmnt -rn -o TARGET | grep -F "$1/" || true; } | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount --lazy "$target" 2>/dev/null || true
  done
}

bench_cleanup() {
  [[ -n ${BENCH_DIR:-} && -d $BENCH_DIR ]] || return 0
  $SKIFF rm --all --force --time 0 >/dev/null 2>&1 || true
  if have_podman; then
    $PODMAN rm --all --force --time 0 >/dev/null 2>&1 || true
  fi
  bench_unmount_under "$BENCH_DIR"
  rm -rf "$BENCH_DIR"
}

# Sets SKIFF and PODMAN to command prefixes with private stores, checks the tools, and
# removes everything at exit.
bench_init() {
  bench_node || exit 1
  command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed: run bash scripts/setup.sh" >&2; exit 1; }
  [[ -f $bench_repo/dist/cli/main.js ]] || { echo "bench: dist/ is missing: run bash scripts/setup.sh" >&2; exit 1; }
  BENCH_DIR=$(mktemp -d /tmp/skiff-bench-XXXXXX)
  SKIFF="$bench_repo/bin/skiff --root $BENCH_DIR/skiff/root --runroot $BENCH_DIR/skiff/run --tmpdir $BENCH_DIR/skiff/tmp"
  PODMAN="podman --root $BENCH_DIR/podman/root --runroot $BENCH_DIR/podman/run --tmpdir $BENCH_DIR/podman/tmp"
  export BENCH_DIR SKIFF PODMAN
  trap bench_cleanup EXIT
  bench_podman_conf
  if have_podman; then
    echo "bench: skiff vs $(podman --version), ${BENCH_RUNS:-10} runs after 2 warm-ups"
  else
    echo "bench: podman is not installed (apt-get install podman): skiff figures only"
  fi
}

# compare NAME SKIFF_CMD PODMAN_CMD [SKIFF_PREPARE PODMAN_PREPARE]
# Measures both commands in one hyperfine run (shell command strings, as hyperfine takes
# them) and prints skiff's median, Podman's median and skiff/podman. The optional prepare
# commands run before every timed run of the matching command. A failing command fails.
# The OCI runtimes to compare with, crun (skiff's default where it works) first: both engines
# use the same one in each comparison. BENCH_RUNTIMES overrides ("runc", "crun runc").
bench_runtimes() {
  local rt
  for rt in ${BENCH_RUNTIMES:-crun runc}; do
    command -v "$rt" >/dev/null 2>&1 && echo "$rt"
  done
  return 0
}

compare() {
  local name=$1 skiff_cmd=$2 podman_cmd=$3 skiff_prep=${4:-} podman_prep=${5:-}
  local json
  json=$(mktemp /tmp/skiff-bench-XXXXXX.json)
  local args=(--warmup 2 --runs "${BENCH_RUNS:-10}" --style basic --export-json "$json")
  local with_podman=false
  have_podman && [[ -n $podman_cmd ]] && with_podman=true
  if [[ -n $skiff_prep ]]; then
    args+=(--prepare "$skiff_prep")
    $with_podman && args+=(--prepare "${podman_prep:-true}")
  fi
  args+=(-n skiff "$skiff_cmd")
  $with_podman && args+=(-n podman "$podman_cmd")
  if ! hyperfine "${args[@]}" >&2; then
    rm -f "$json"
    echo "bench: $name: a command failed" >&2
    return 1
  fi
  local line s p r
  line=$(node -e '
    const [file, name] = process.argv.slice(1);
    const results = JSON.parse(require("node:fs").readFileSync(file, "utf8")).results;
    const median = (n) => results.find((r) => r.command === n)?.median;
    const s = median("skiff"), p = median("podman");
    const fmt = (x) => (x === undefined ? "n/a" : x.toFixed(4));
    const ratio = s !== undefined && p ? (s / p).toFixed(2) : "n/a";
    console.log([name, fmt(s), fmt(p), ratio].join("\t"));
  ' "$json" "$name")
  rm -f "$json"
  [[ -n ${BENCH_RESULTS:-} ]] && printf '%s\n' "$line" >>"$BENCH_RESULTS"
  IFS=$'\t' read -r name s p r <<<"$line"
  printf '%-40s skiff %8s s   podman %8s s   skiff/podman %s\n' "$name" "$s" "$p" "$r"
}

# bench_busybox_image NAME: imports a busybox-static rootfs as NAME into both stores.
bench_busybox_image() {
  local name=$1 rootfs
  rootfs=$(mktemp -d /tmp/skiff-bench-rootfs-XXXXXX)
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  local applet
  for applet in sh true echo cat sleep; do ln -s busybox "$rootfs/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  tar -C "$rootfs" -cf "$rootfs.tar" .
  $SKIFF import -q "$rootfs.tar" "$name" >/dev/null
  if have_podman; then $PODMAN import -q "$rootfs.tar" "$name" >/dev/null; fi
  rm -rf "$rootfs" "$rootfs.tar"
}
