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
for l in flannel.1 cni0 kube-ipvs0 nodelocaldns; do
  if [ -e "/sys/class/net/$l" ]; then ip link delete "$l"; fi
done
rm -rf /run/flannel /etc/cni/net.d/10-flannel.conflist /var/lib/cni
