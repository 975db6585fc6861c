#!/usr/bin/env bash
# Everything the tests need, then all of them: unit and end-to-end on the fleet, then the
# 200-host load test on 200 more fleet hosts. The fleet is required: if it cannot boot, this
# fails (it never turns e2e tests into skips). KREMEDY_SKIP_LOAD=1 leaves the load test out
# (it boots 200 hosts: a few minutes); KREMEDY_KEEP_FLEET=1 leaves the fleet up afterwards.
# Each phase's wall time is printed as it ends, and all of them again at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$SECONDS
PHASES=()
phase() { # phase NAME COMMAND...: run it, note how long it took and how it ended
  local name=$1 t=$SECONDS rc=0
  shift
  echo "== $name =="
  "$@" || rc=$?
  PHASES+=("$(printf '%-34s %5ds  %s' "$name" $((SECONDS - t)) "$([ $rc = 0 ] && echo ok || echo "exit $rc")")")
  echo "== $name: $((SECONDS - t)) s (exit $rc) =="
  return $rc
}
load_test() {
  if bash test/fleet/fleet.sh up --count 200; then
    KREMEDY_LOAD_TEST=1 npx ava test/e2e/load.test.ts
  else
    echo "test.sh: the 200 load-test hosts could not boot" >&2
    return 1
  fi
}
status=0
phase "setup (apt, npm)" bash scripts/setup.sh
# 21 bench hosts too: the fleet review e2e test (review-grouping) plans 20 flannel nodes and a
# kube-router node on them; booted here, before the tests, so no test waits on the fleet lock.
phase "fleet up (default + 21 bench hosts)" bash test/fleet/fleet.sh up --count 21
phase "npm test (build, unit, e2e)" npm test || status=$?
if [ "${KREMEDY_SKIP_LOAD:-}" != 1 ]; then
  phase "load test (boot 200 hosts, run)" load_test || status=$?
fi
if [ "${KREMEDY_KEEP_FLEET:-}" != 1 ]; then phase "fleet down" bash test/fleet/fleet.sh down || true; fi
echo
echo "== phase timings =="
printf '%s\n' "${PHASES[@]}"
echo "total: $((SECONDS - T0)) s"
exit "$status"
