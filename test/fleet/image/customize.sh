#!/bin/bash
# customize.sh SRC_DIR [CLIENT_PUBKEY_FILE]
#
# Turns a Debian bookworm root (debootstrap minbase + systemd, openssh-server, ...)
# into the kremedy test-fleet image. Runs as root *inside* that root: in a chroot
# (test/fleet/fleet.sh) or in `docker build` (test/fleet/docker/Dockerfile). It needs
# the network once, to download open-iscsi's and docker.io's packages into the local apt repo.
#
# SRC_DIR is this directory (test/fleet/image). Any change to a file in it changes
# the image stamp, so fleet.sh rebuilds the base image.
set -euo pipefail
SRC=$1
PUBKEY=${2:-}
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

echo "== kremedy image: files"
install -m 0755 "$SRC/kremedy-seed" /usr/local/sbin/kremedy-seed
install -m 0755 "$SRC/kremedy-host-setup" /usr/local/sbin/kremedy-host-setup
# No IPVS in the fleet's kernel: a stand-in that keeps the virtual servers in /run (see its header).
install -m 0755 "$SRC/ipvsadm" /usr/local/sbin/ipvsadm
install -m 0644 "$SRC/kremedy-seed.service" /etc/systemd/system/kremedy-seed.service
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sfn ../kremedy-seed.service /etc/systemd/system/multi-user.target.wants/kremedy-seed.service
install -D -m 0644 "$SRC/sshd_config.conf" /etc/ssh/sshd_config.d/kremedy.conf
install -D -m 0644 "$SRC/journald.conf" /etc/systemd/journald.conf.d/kremedy.conf
mkdir -p /etc/kremedy /etc/cni/net.d
echo clean >/etc/kremedy/seed
# (pam_env reads it on every login; C.UTF-8 is built into glibc, no locales package needed)
echo 'LANG=C.UTF-8' >/etc/default/locale

echo "== kremedy image: units"
# Masked: consoles/gettys (the console is a log file), udev (no devices to manage in
# a container), networkd (fleet.sh configures eth0 from outside), logind (no
# pam_systemd here, nothing uses it), timers and jobs that only add boot-time noise.
for u in \
  getty@.service serial-getty@.service console-getty.service container-getty@.service getty-static.service \
  systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
  systemd-udev-trigger.service systemd-udev-settle.service \
  systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service \
  systemd-resolved.service systemd-timesyncd.service systemd-logind.service \
  systemd-pstore.service modprobe@.service \
  dev-hugepages.mount sys-fs-fuse-connections.mount sys-kernel-config.mount \
  sys-kernel-debug.mount sys-kernel-tracing.mount \
  apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer man-db.timer; do
  ln -sfn /dev/null "/etc/systemd/system/$u"
done
rm -f /etc/systemd/system/getty.target.wants/getty@tty1.service \
  /etc/systemd/system/multi-user.target.wants/e2scrub_reap.service \
  /etc/systemd/system/sysinit.target.wants/systemd-pstore.service \
  /etc/systemd/system/timers.target.wants/*.timer

echo "== kremedy image: users"
if ! id deploy >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash deploy
fi
echo 'deploy:deploy-pass' | chpasswd
echo 'deploy ALL=(ALL) ALL' >/etc/sudoers.d/deploy
chmod 0440 /etc/sudoers.d/deploy
visudo -c -q -f /etc/sudoers.d/deploy
if [[ -n $PUBKEY ]]; then
  for home in /root /home/deploy; do
    install -d -m 0700 "$home/.ssh"
    install -m 0600 "$PUBKEY" "$home/.ssh/authorized_keys"
  done
  chown -R deploy:deploy /home/deploy/.ssh
fi

echo "== kremedy image: local apt repository with open-iscsi and docker.io (neither installed)"
rm -rf /srv/repo && mkdir -p /srv/repo
apt-get update -qq
apt-get clean
# With Recommends, exactly what a playbook's `apt-get install -y open-iscsi` asks for.
apt-get install --download-only -y -qq open-iscsi
# A real dockerd for test/e2e/docker-real.test.ts (the daemon runs in a fleet host; see
# test/fleet/README.md for what it can and cannot do there). Without Recommends: the daemon only.
apt-get install --download-only -y -qq --no-install-recommends docker.io
cp /var/cache/apt/archives/*.deb /srv/repo/
(cd /srv/repo && apt-ftparchive packages . >Packages)
ls /srv/repo
rm -f /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
echo 'deb [trusted=yes] file:/srv/repo ./' >/etc/apt/sources.list
apt-get clean
rm -rf /var/lib/apt/lists/*
apt-get update -qq
apt-cache policy open-iscsi | sed -n '1,3p'
for p in open-iscsi docker.io; do
  if dpkg -s "$p" >/dev/null 2>&1; then
    echo "$p must not be installed in the image" >&2
    exit 1
  fi
done

echo "== kremedy image: per-host identity removed"
# Each host gets its own (kremedy-host-setup / fleet.sh write them per host).
rm -f /etc/ssh/ssh_host_*
rm -f /etc/machine-id /var/lib/dbus/machine-id
ln -sfn /etc/machine-id /var/lib/dbus/machine-id
rm -rf /var/lib/kremedy /var/lib/kremedy-seed.* /var/log/journal/*
true
