#!/usr/bin/env bash
# Installs what kremedy and its test fleet need on a Debian 12 machine (as root), then builds.
# chromium: the HTML report test opens reports in Debian's headless Chromium (never a downloaded one).
# rpm (rpmbuild) and createrepo-c: the fleet builds its RPM-family host's local yum repository.
# Idempotent: safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pair in debootstrap:debootstrap systemd-nspawn:systemd-container iptables:iptables ip:iproute2 ssh:openssh-client \
            ssh-keygen:openssh-client tc:iproute2 nsenter:util-linux chromium:chromium \
            rpmbuild:rpm createrepo_c:createrepo-c; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_apt+=("${pair#*:}")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# ansible-core: the oracle of test/inventory/differential.test.ts (host patterns and inventory
# loading compared with Ansible's own). Debian's package, run by /usr/bin/python3; without its
# recommends (the `ansible` collections bundle is not needed). The test fails in CI without it.
if ! /usr/bin/python3 -c 'import ansible.inventory.manager' >/dev/null 2>&1; then
  echo "setup: installing ansible-core"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ansible-core >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run build --silent
fi
