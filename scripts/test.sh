#!/usr/bin/env bash
# Everything the tests need, then all of them: unit, end-to-end on the fleet. The fleet is
# required: if it cannot boot, this fails (it never turns e2e tests into skips).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash test/fleet/fleet.sh up
status=0
npm test || status=$?
if [ "${KREMEDY_KEEP_FLEET:-}" != 1 ]; then bash test/fleet/fleet.sh down || true; fi
exit "$status"
