#!/usr/bin/env bash
# Everything the tests need, then all of them: unit and end-to-end on the fleet, then the
# 200-host load test on 200 more fleet hosts. The fleet is required: if it cannot boot, this
# fails (it never turns e2e tests into skips). KREMEDY_SKIP_LOAD=1 leaves the load test out
# (it boots 200 hosts: a few minutes); KREMEDY_KEEP_FLEET=1 leaves the fleet up afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash test/fleet/fleet.sh up
status=0
npm test || status=$?
if [ "${KREMEDY_SKIP_LOAD:-}" != 1 ]; then
  echo
  echo "== load test: 200 hosts, --forks 200 =="
  if bash test/fleet/fleet.sh up --count 200; then
    KREMEDY_LOAD_TEST=1 npx ava test/e2e/load.test.ts || status=$?
  else
    echo "test.sh: the 200 load-test hosts could not boot" >&2
    status=1
  fi
fi
if [ "${KREMEDY_KEEP_FLEET:-}" != 1 ]; then bash test/fleet/fleet.sh down || true; fi
exit "$status"
