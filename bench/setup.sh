#!/usr/bin/env bash
# Bench-only dependencies (not scripts/setup.sh: kremedy and its tests need none of them).
#   pdsh, clustershell  the tools an operator would fan the field note's script out with
#   ansible-core        the tuned Ansible comparison
#   time                GNU time: peak RSS and client CPU of every run
#   openssh-server      sshd for the light hosts (bench/light): only the binary is used; the
#                       package's own service is never started (policy-rc.d below: this machine
#                       must not grow an sshd listening in its root namespace)
# apt may be held by another setup for a while: retried for up to 5 minutes. Idempotent.
set -euo pipefail

need=()
for pair in pdsh:pdsh clush:clustershell ansible-playbook:ansible-core /usr/bin/time:time /usr/sbin/sshd:openssh-server; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ "${#need[@]}" -eq 0 ] && exit 0

apt_retry() {
  local i
  for i in $(seq 1 30); do
    "$@" && return 0
    echo "bench/setup: apt busy or failed (try $i/30), retrying in 10 s" >&2
    sleep 10
  done
  return 1
}

echo "bench/setup: installing ${need[*]}" >&2
# A policy-rc.d of our own only when none exists, removed afterwards.
own_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
fi
trap '[ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
apt_retry apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt_retry apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
