#!/bin/bash
# customize-rpm.sh SRC_DIR REPO_DIR [MIRROR]
#
# Turns the fleet image (after customize.sh) into an RPM-family host's: Debian's dnf and rpm
# installed, an rpmdb at /var/lib/rpm, the local yum repository REPO_DIR (built by
# rpm/build-repo.sh) at /srv/rpm-repo as the only repository, the base declared to rpm
# (kremedy-fleet-system), `yum` as RHEL 8 has it (a link to dnf), and no apt or dpkg on PATH.
# Runs as root inside that root: in a chroot over an overlay (fleet.sh's rpm layer) or in
# `docker build` (the rpm-host stage of test/fleet/docker/Dockerfile). It needs Debian's package
# registry once (MIRROR, default deb.debian.org), for dnf and rpm themselves.
set -euo pipefail
SRC=$1
REPO=$2
MIRROR=${3:-http://deb.debian.org/debian}
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
[[ -f $SRC/customize-rpm.sh && -d $REPO/repodata ]] || { echo "usage: customize-rpm.sh SRC_DIR REPO_DIR [MIRROR]" >&2; exit 2; }

echo "== rpm host: dnf and rpm (Debian packages)"
echo "deb $MIRROR bookworm main" >/etc/apt/sources.list.d/kremedy-rpm.list
apt-get update -qq
apt-get install -y -qq --no-install-recommends dnf rpm
rm -f /etc/apt/sources.list.d/kremedy-rpm.list
apt-get clean
rm -rf /var/lib/apt/lists/*

echo "== rpm host: rpmdb and the local yum repository"
# Debian's rpm keeps its database in ~/.rpmdb; a RHEL host's is /var/lib/rpm, for rpm and dnf alike.
mkdir -p /etc/rpm
echo '%_dbpath /var/lib/rpm' >/etc/rpm/macros
rpm --initdb
rm -rf /srv/rpm-repo
mkdir -p /srv/rpm-repo /etc/yum.repos.d
cp -a "$REPO"/. /srv/rpm-repo/
rm -f /etc/yum.repos.d/*.repo
cat >/etc/yum.repos.d/kremedy-local.repo <<'REPO'
# kremedy test fleet: the only repository, on this host's disk (the fleet has no network).
# Stand-in packages built by test/fleet/image/rpm (see their README.kremedy).
[kremedy-local]
name=kremedy test fleet local repository
baseurl=file:///srv/rpm-repo
enabled=1
gpgcheck=0
REPO
dnf install -y -q --releasever=8 kremedy-fleet-system
dnf clean all -q
rm -rf /var/cache/dnf/*
rpm -qa
if rpm -q iscsi-initiator-utils >/dev/null 2>&1; then
  echo "iscsi-initiator-utils must not be installed in the image" >&2
  exit 1
fi

echo "== rpm host: yum as on RHEL 8, no apt or dpkg on PATH"
[[ -e /usr/bin/yum ]] || ln -s dnf /usr/bin/yum
rm -f /usr/bin/apt /usr/bin/apt-* /usr/bin/dpkg /usr/bin/dpkg-* /usr/sbin/dpkg-*
hash -r
command -v dnf yum rpm
if command -v apt-get || command -v dpkg || command -v dpkg-query; then
  echo "apt/dpkg still on PATH" >&2
  exit 1
fi
