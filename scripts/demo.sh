#!/usr/bin/env bash
# The main job against the built-in demo fleet: boot it, show the plan, then reset the master.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash test/fleet/fleet.sh up
export KREMEDY_KNOWN_HOSTS=/var/lib/kremedy-fleet/run/known_hosts
echo
echo '$ npx kremedy run reset-node --hosts master --dry-run'
npx kremedy run reset-node --hosts master --dry-run
echo
echo '$ npx kremedy run reset-node --hosts master'
npx kremedy run reset-node --hosts master
echo
echo '$ npx kremedy run reset-node --hosts master     # again: nothing left to do'
npx kremedy run reset-node --hosts master
