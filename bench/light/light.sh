#!/usr/bin/env bash
# Light bench hosts: N x (sshd alone in a network namespace and a mount namespace of its own),
# no systemd, no container, a few MB each, seeded with the broken flannel state, so that
# kremedy can be measured at 200, 500 and 1,000 concurrent hosts on one machine.
#
#   bash bench/light/light.sh up N      # l0001..lNNNN, then writes $KREMEDY_LIGHT_DIR/run/
#   bash bench/light/light.sh reseed    # every host back to broken (one ssh per host)
#   bash bench/light/light.sh status
#   bash bench/light/light.sh down      # removes every namespace, veth, the bridge, run/
#
# Safety, on a machine that others use:
# - Everything a light host does happens in its own namespaces. Its network namespace krl-NNNN
#   holds its links and iptables; this script never runs iptables, and never deletes a link, in
#   the machine's root namespace (it only adds/deletes the bridge krlbr0 and krlv-* veths).
# - Its files: `ip netns exec` then `unshare --mount` give sshd a private mount namespace in which
#   /run and /tmp are fresh tmpfs, /etc and /var are overlays whose writes land in that tmpfs, and
#   / itself is remounted read-only. host-init.sh checks all of this (and that a file written to
#   its /etc is not seen by the machine) before it seeds anything or starts sshd; seed.sh refuses
#   to run in the machine's network namespace.
# - Addresses: 10.230.0.0/16 on krlbr0 (the fleet instances use 10.213-10.222), checked free at
#   `up`. The bridge has no uplink: nothing sent to a light host leaves the machine.
# - Neighbour entries are static (nud permanent, fixed MACs) on both sides: with 1,000 hosts the
#   dynamic ARP entries would pass the kernel's gc_thresh3 (1024, counted over all namespaces)
#   and connections would be lost to "neighbour table overflow"; permanent entries are not
#   counted, and no sysctl of the machine is changed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
D=${KREMEDY_LIGHT_DIR:-/var/lib/kremedy-light}
FLEET_DIR=${KREMEDY_FLEET_DIR:-/var/lib/kremedy-fleet}
BR=krlbr0
BR_IP=10.230.255.254
BR_MAC=02:6b:6c:ff:ff:fe
PAR=${KREMEDY_LIGHT_PARALLEL:-6}

die() { echo "light: $*" >&2; exit 1; }
name_of() { printf 'l%04d' "$1"; }
ns_of() { printf 'krl-%04d' "$1"; }
veth_of() { printf 'krlv-%04d' "$1"; }
ip_of() { local k=$(($1 - 1)); echo "10.230.$((k / 250)).$((k % 250 + 1))"; }
mac_of() { printf '02:6b:6c:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }

client_key() {
  # The fleet's client key when there is one (the bench uses one key for every tool), else our own.
  if [ -f "$FLEET_DIR/id_ed25519" ]; then echo "$FLEET_DIR/id_ed25519"; return; fi
  [ -f "$D/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kremedy-light -f "$D/id_ed25519"
  echo "$D/id_ed25519"
}

write_config() {
  mkdir -p "$D/hostkeys" "$D/log" "$D/run"
  install -m 0644 "$HERE/seed.sh" "$D/seed.sh"
  install -m 0644 "$HERE/host-init.sh" "$D/host-init.sh"
  cp "$(client_key).pub" "$D/authorized_keys"
  stat -Lc %i /proc/self/ns/net >"$D/rootns.inode"
  cat >"$D/sshd_config" <<'CFG'
# sshd of one light host (bench/light): runs in the host's namespaces, where /run/krl is this
# directory, read-only.
ListenAddress 0.0.0.0:22
PermitRootLogin prohibit-password
AuthorizedKeysFile /run/krl/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
PidFile none
MaxStartups 200:30:400
MaxSessions 64
Subsystem sftp internal-sftp
CFG
}

host_up() { # i: the host's namespace, veth and sshd (idempotent: a running host is left alone)
  local i=$1 ns veth ip mac name
  ns=$(ns_of "$i"); veth=$(veth_of "$i"); ip=$(ip_of "$i"); mac=$(mac_of "$i"); name=$(name_of "$i")
  [ -f "$D/hostkeys/$name" ] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$D/hostkeys/$name"
  if ! [ -e "/run/netns/$ns" ]; then
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$BR" up
    ip -n "$ns" -batch - <<BATCH
link set eth0 address $mac
addr add $ip/16 dev eth0
link set lo up
link set eth0 up
neigh replace $BR_IP lladdr $BR_MAC dev eth0 nud permanent
BATCH
    ip neigh replace "$ip" lladdr "$mac" dev "$BR" nud permanent
  fi
  if [ -z "$(ip netns pids "$ns")" ]; then
    # setsid: the host outlives this script; its log is opened here, before / turns read-only.
    setsid ip netns exec "$ns" unshare --mount --propagation private -- \
      /bin/sh "$D/host-init.sh" "$name" "$D" >"$D/log/$name.log" 2>&1 </dev/null &
  fi
}

wait_ready() { # i...: each host's sshd accepts TCP, or its log says why not
  local i ip deadline=$((SECONDS + ${KREMEDY_LIGHT_TIMEOUT:-60} + $# / 5))
  for i in "$@"; do
    ip=$(ip_of "$i")
    until timeout 2 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null; do
      if grep -q '^light-host: FAILED' "$D/log/$(name_of "$i").log" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
        echo "light: $(name_of "$i") ($ip) did not come up; its log:" >&2
        tail -5 "$D/log/$(name_of "$i").log" >&2 || true
        return 1
      fi
      sleep 0.2
    done
  done
}

write_run() { # N: inventory.yml, known_hosts, hosts.json for hosts 1..N
  local n=$1 i name ip key
  key=$(client_key)
  {
    echo "# Written by bench/light/light.sh up: $n light hosts."
    echo "all:"
    echo "  vars:"
    echo "    ansible_user: root"
    echo "    ansible_ssh_private_key_file: $key"
    echo "    ansible_ssh_common_args: -o UserKnownHostsFile=$D/run/known_hosts -o StrictHostKeyChecking=yes"
    echo "  children:"
    echo "    light:"
    echo "      hosts:"
    for i in $(seq 1 "$n"); do echo "        $(name_of "$i"): {ansible_host: $(ip_of "$i")}"; done
  } >"$D/run/inventory.yml.tmp"
  : >"$D/run/known_hosts.tmp"
  for i in $(seq 1 "$n"); do
    name=$(name_of "$i"); ip=$(ip_of "$i")
    echo "$ip,$name $(cut -d' ' -f1,2 "$D/hostkeys/$name.pub")" >>"$D/run/known_hosts.tmp"
  done
  {
    printf '['
    for i in $(seq 1 "$n"); do
      [ "$i" = 1 ] || printf ','
      printf '{"name":"%s","ip":"%s","groups":["light"]}' "$(name_of "$i")" "$(ip_of "$i")"
    done
    printf ']\n'
  } >"$D/run/hosts.json.tmp"
  for f in inventory.yml known_hosts hosts.json; do mv "$D/run/$f.tmp" "$D/run/$f"; done
  echo "$n" >"$D/run/count"
}

check_subnet_free() {
  if ! ip link show dev "$BR" >/dev/null 2>&1 && ip -o addr | grep -q ' 10\.230\.'; then
    die "10.230.0.0/16 is already used on this machine (ip -o addr): not creating $BR"
  fi
}

cmd_up() {
  local n=${1:-}
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 1000 ] || die "up N: N between 1 and 1000 (a bridge takes at most 1024 ports)"
  [ -x /usr/sbin/sshd ] || die "no /usr/sbin/sshd: run bash bench/setup.sh"
  mkdir -p "$D"
  exec 9>"$D/.lock"; flock 9
  check_subnet_free
  write_config
  if ! ip link show dev "$BR" >/dev/null 2>&1; then
    ip link add "$BR" type bridge
    ip link set "$BR" address "$BR_MAC"
    sysctl -qw "net.ipv6.conf.$BR.disable_ipv6=1"
    ip addr add "$BR_IP/16" dev "$BR"
    ip link set "$BR" up
  fi
  # Hosts beyond N from an earlier, larger `up`: removed.
  local old
  old=$(cat "$D/run/count" 2>/dev/null || echo 0)
  [ "$old" -gt "$n" ] && seq $((n + 1)) "$old" | xargs -r -P "$PAR" -n 1 bash "$0" _host_down
  seq 1 "$n" | xargs -P "$PAR" -n 1 bash "$0" _host_up
  # shellcheck disable=SC2046
  wait_ready $(seq 1 "$n")
  # The host-init check, seen from outside: the probe file each host wrote into its /etc must
  # not be on this machine.
  if compgen -G '/etc/.krl-probe-*' >/dev/null; then
    die "a light host's file reached this machine's /etc (/etc/.krl-probe-*): stopping (run down)"
  fi
  write_run "$n"
  echo "light: $n hosts up; inventory $D/run/inventory.yml (group light), known_hosts $D/run/known_hosts" >&2
}

host_down() {
  local i=$1 ns pids
  ns=$(ns_of "$i")
  [ -e "/run/netns/$ns" ] || return 0
  pids=$(ip netns pids "$ns")
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill $pids 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(ip netns pids "$ns")" ] && break; sleep 0.2; done
  pids=$(ip netns pids "$ns")
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  ip netns del "$ns" # takes its end of the veth, and so the krlv-* end, with it
  rm -f "$D/log/$(name_of "$i").log"
}

cmd_down() {
  mkdir -p "$D"
  exec 9>"$D/.lock"; flock 9
  local n
  # Every krl-* namespace, not only those of run/count: an interrupted `up` leaves some too.
  n=$(find /run/netns -maxdepth 1 -name 'krl-*' 2>/dev/null | sed 's/.*krl-0*//' | sort -n | tail -1)
  [ -n "$n" ] && seq 1 "$n" | xargs -r -P "$PAR" -n 1 bash "$0" _host_down
  if ip link show dev "$BR" >/dev/null 2>&1; then ip link del "$BR"; fi
  rm -rf "$D/run" "$D/log"
  echo "light: down (kept: $D/hostkeys and the client key)" >&2
}

cmd_status() {
  local n up=0 i
  n=$(cat "$D/run/count" 2>/dev/null || echo 0)
  for i in $(seq 1 "$n"); do [ -n "$(ip netns pids "$(ns_of "$i")" 2>/dev/null)" ] && up=$((up + 1)); done
  echo "light: $up of $n hosts running; namespaces: $(find /run/netns -maxdepth 1 -name 'krl-*' 2>/dev/null | wc -l)"
}

cmd_reseed() {
  local key
  key=$(client_key)
  [ -f "$D/run/hosts.json" ] || die "no light hosts (light.sh up N first)"
  grep -o '"ip":"[^"]*"' "$D/run/hosts.json" | cut -d'"' -f4 | xargs -P 32 -I{} \
    ssh -i "$key" -o UserKnownHostsFile="$D/run/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes \
      -o ControlMaster=no -o ControlPath=none -o LogLevel=ERROR root@{} 'sh /run/krl/seed.sh'
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reseed) cmd_reseed ;;
  _host_up) host_up "$2" ;;
  _host_down) host_down "$2" ;;
  *) die "usage: light.sh up N | reseed | status | down" ;;
esac
