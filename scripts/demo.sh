#!/usr/bin/env bash
# The main job against the built-in demo fleet: boot it (systemd containers with real sshd,
# seeded with the broken states of the field notes), show the plan, reset the master, then
# run again to show that nothing is left to do.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash test/fleet/fleet.sh up
bash test/fleet/fleet.sh reseed master flannel >/dev/null   # broken again, if an earlier demo fixed it
export KREMEDY_KNOWN_HOSTS=/var/lib/kremedy-fleet/run/known_hosts   # the fleet's host keys
run() { echo; echo "\$ $*"; "$@"; }
run npx kremedy run reset-node --hosts master --dry-run
# --yes: on a terminal, kremedy would show the plan again and ask before changing anything.
run npx kremedy run reset-node --hosts master --yes
run npx kremedy run reset-node --hosts master --yes
echo
echo "The fleet stays up: try \`npx kremedy doctor --hosts all\`, or \`bash test/fleet/fleet.sh down\` to remove it."
