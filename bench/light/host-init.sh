# One light host's start (bench/light/light.sh): run by `ip netns exec krl-NNNN unshare --mount
# --propagation private`, so every mount below is this host's alone. It makes the machine's
# files unreachable for writing, checks that, seeds, and becomes sshd.
# usage: sh host-init.sh NAME LIGHT_DIR
set -eu
name=$1
dir=$2
fail() { echo "light-host: FAILED: $*"; exit 1; }

# Network: a namespace of its own, not the machine's.
[ "$(stat -Lc %i /proc/self/ns/net)" != "$(cat "$dir/rootns.inode")" ] || fail "in the machine's network namespace"

# Files: /run, /tmp and /root fresh; /etc and /var overlays whose upper layers live in this tmpfs;
# the light directory at /run/krl, read-only; then / itself read-only.
mount -t tmpfs -o mode=0755,size=64m "krl-$name" /run
mkdir -p /run/krl /run/sshd /run/.ov/etc/upper /run/.ov/etc/work /run/.ov/var/upper /run/.ov/var/work
mount --bind "$dir" /run/krl
mount -o remount,bind,ro /run/krl
mount -t overlay "krl-$name-etc" -o lowerdir=/etc,upperdir=/run/.ov/etc/upper,workdir=/run/.ov/etc/work /etc
mount -t overlay "krl-$name-var" -o lowerdir=/var,upperdir=/run/.ov/var/upper,workdir=/run/.ov/var/work /var
mount -t tmpfs -o mode=1777,size=16m "krl-$name-tmp" /tmp
# An empty home: the machine's root dotfiles (a .bashrc that runs pyenv, say) would cost CPU in
# every session and are not a node's.
mount -t tmpfs -o mode=0700,size=1m "krl-$name-root" /root
mount -o remount,bind,ro /

# The check, before anything is seeded.
for m in /run:tmpfs /tmp:tmpfs /root:tmpfs /etc:overlay /var:overlay; do
  [ "$(findmnt -no FSTYPE "${m%%:*}")" = "${m#*:}" ] || fail "${m%%:*} is not ${m#*:}"
done
if touch /.krl-probe 2>/dev/null; then rm -f /.krl-probe; fail "/ is writable"; fi
# Seen from outside by light.sh up: this file must not appear in the machine's /etc.
echo "$name" >"/etc/.krl-probe-$name"
[ -f "/etc/.krl-probe-$name" ] || fail "cannot write /etc in the overlay"

sh /run/krl/seed.sh || fail "seed"
echo "light-host: $name ready"
exec /usr/sbin/sshd -D -e -f /run/krl/sshd_config -h "/run/krl/hostkeys/$name"
