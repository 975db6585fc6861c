# The floor: reset-node for a flannel node as one unconditional shell script, fed to
# `sh -s` over one plain OpenSSH connection per host. No probing, no plan, no backups, no
# verification: the least work that leaves the host in the state kremedy's reset-node does.
set -e
for c in INPUT FORWARD OUTPUT; do iptables -t filter -P "$c" ACCEPT; done
for c in PREROUTING INPUT OUTPUT POSTROUTING; do iptables -t nat -P "$c" ACCEPT; done
for c in PREROUTING INPUT FORWARD OUTPUT POSTROUTING; do iptables -t mangle -P "$c" ACCEPT; done
for t in filter nat mangle; do
  iptables -t "$t" -F
  iptables -t "$t" -X
done
# The links present, from one `ip` listing. Not /sys/class/net: a container whose /sys is the
# machine's sysfs (the test fleet's nspawn hosts) shows the machine's links there, not its own,
# and the links would silently stay.
links=$(ip -o link show)
for l in flannel.1 cni0 kube-ipvs0 nodelocaldns; do
  case "$links" in *": $l:"* | *": $l@"*) ip link delete "$l" ;; esac
done
rm -rf /run/flannel /etc/cni/net.d/10-flannel.conflist /var/lib/cni
