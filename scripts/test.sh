#!/usr/bin/env bash
# The whole check, as CI runs it: setup, layer lint, typecheck, then unit and end-to-end tests.
# Every step runs even when an earlier check failed, so one run shows everything; the exit
# status is non-zero when any step failed. Output ends with node's test-runner summary.
#
# Knobs (environment): SKIFF_TEST_CONCURRENCY (test files run at once, default 2),
# SKIFF_TEST_TIMEOUT_MS (per test, default 300000), SKIFF_TEST_FILES (files or globs to run
# instead of the whole suite).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

bash scripts/setup.sh || { echo "test: setup failed" >&2; exit 1; }

local_node="$repo/.tools/node/node_modules/node/bin"
[[ -x $local_node/node ]] && export PATH="$local_node:$PATH"

failed=()
step() {
  local name=$1
  shift
  echo "test: $name"
  "$@" || failed+=("$name")
}

step "layer check" node scripts/check-layers.mjs
step "typecheck" node node_modules/typescript/bin/tsc -p tsconfig.json --noEmit

if ((${#failed[@]})); then
  echo "test: FAILED before the tests: ${failed[*]} (the tests run anyway)"
fi

# Globs go to node unexpanded: it matches `**` itself.
files=('src/**/*.test.ts' 'test/e2e/*.test.ts')
if [[ -n ${SKIFF_TEST_FILES:-} ]]; then
  set -f
  read -r -a files <<<"$SKIFF_TEST_FILES"
  set +f
fi
echo "test: node --test ${files[*]}"
# A watchdog well inside CI's 90 minutes, so a hung test cannot eat the whole budget.
timeout --kill-after=30s 60m node --test \
  --test-reporter=spec \
  --test-concurrency="${SKIFF_TEST_CONCURRENCY:-2}" \
  --test-timeout="${SKIFF_TEST_TIMEOUT_MS:-300000}" \
  --test-force-exit \
  "${files[@]}" || failed+=("tests")

((${#failed[@]} == 0))
