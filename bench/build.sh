#!/usr/bin/env bash
# `build` of a 10-step Containerfile (RUN, COPY, ENV, WORKDIR on a local busybox image),
# skiff vs Podman side by side: cold (every run starts from a store holding only the base
# image, so no step is cached) and warm (a rebuild where every step is a cache hit).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init
bench_busybox_image bench/busybox
$SKIFF save -o "$BENCH_DIR/base-skiff.tar" bench/busybox
if have_podman; then $PODMAN save -q -o "$BENCH_DIR/base-podman.tar" bench/busybox; fi

ctx=$BENCH_DIR/context
mkdir -p "$ctx/dir"
printf 'a\n' >"$ctx/a.txt"
for i in $(seq 1 20); do printf 'file %s\n' "$i" >"$ctx/dir/f$i"; done
cat >"$ctx/Containerfile" <<'EOF'
FROM bench/busybox
ENV APP=/app
RUN mkdir -p /app && echo one > /app/one
COPY a.txt /app/
RUN cat /app/a.txt > /app/a.copy
ENV STAGE=build
COPY dir/ /app/dir/
RUN ls /app/dir > /app/listing
WORKDIR /app
RUN echo done > /app/done
EOF

# Back to the base image alone: every build image and the layer cache gone.
reset() { echo "$1 rmi -a -f >/dev/null && $1 load -q -i $2 >/dev/null"; }
compare "build 10 steps, cold" \
  "$SKIFF build -q -t bench/out $ctx" "$PODMAN build -q -t bench/out $ctx" \
  "$(reset "$SKIFF" "$BENCH_DIR/base-skiff.tar")" "$(reset "$PODMAN" "$BENCH_DIR/base-podman.tar")"
compare "build 10 steps, warm (all cached)" \
  "$SKIFF build -q -t bench/out $ctx" "$PODMAN build -q -t bench/out $ctx"
