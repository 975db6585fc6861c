# A light host back to the broken flannel node of the field note (as test/fleet's
# `kremedy-seed flannel`): reset, then FORWARD DROP with Docker isolation rules, kube-proxy
# chains, flannel's MASQUERADE, links flannel.1 (vxlan) and cni0 (bridge), flannel's files.
# Runs only inside a light host (over ssh, or from host-init.sh): never in this machine's
# network namespace, whose iptables and links it would otherwise flush and delete.
set -eu
[ -f /run/krl/rootns.inode ] || { echo "seed: not a light host (no /run/krl)" >&2; exit 1; }
[ "$(stat -Lc %i /proc/self/ns/net)" != "$(cat /run/krl/rootns.inode)" ] || { echo "seed: refusing: this is the machine's network namespace" >&2; exit 1; }
[ "$(findmnt -no FSTYPE /etc)" = overlay ] && [ "$(findmnt -no FSTYPE /var)" = overlay ] || { echo "seed: refusing: /etc or /var is not this host's overlay" >&2; exit 1; }

# Reset, in as few processes as possible (1,000 hosts are seeded on 2 cores): one
# iptables-restore that replaces all four tables by empty ones with ACCEPT policies (rules,
# chains and policies at once), one `ip` batch for the links (-force: an absent link is not an
# error), then the files.
iptables-restore <<'EMPTY'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
EMPTY
printf 'link del dev %s\n' flannel.1 cni0 kube-ipvs0 nodelocaldns | ip -force -batch - 2>/dev/null || true
rm -rf /run/flannel /var/lib/kremedy /var/lib/cni /etc/cni/net.d
mkdir -p /etc/cni/net.d

iptables-restore --noflush <<'RULES'
*filter
:FORWARD DROP [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION - [0:0]
:KUBE-FIREWALL - [0:0]
-A INPUT -j KUBE-FIREWALL
-A FORWARD -j DOCKER-ISOLATION
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j DROP
-A DOCKER-ISOLATION -j RETURN
-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN
-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
-A KUBE-SVC-NPX46M4PTMTKRN6Y ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
COMMIT
RULES

node_ip=$(ip -4 -o addr show dev eth0 | awk '{ split($4, a, "/"); print a[1]; exit }')
ip -batch - <<LINKS
link add flannel.1 type vxlan id 1 local $node_ip dev eth0 dstport 8472 nolearning
link set dev flannel.1 mtu 1450
addr add 10.244.7.0/32 dev flannel.1
link set dev flannel.1 up
link add cni0 type bridge
link set dev cni0 mtu 1450
addr add 10.244.7.1/24 dev cni0
link set dev cni0 up
LINKS

mkdir -p /run/flannel
printf 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.7.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n' >/run/flannel/subnet.env
cat >/etc/cni/net.d/10-flannel.conflist <<'CONF'
{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    { "type": "flannel", "delegate": { "hairpinMode": true, "isDefaultGateway": true } },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
CONF
# Not flannel's: a remediation that removes flannel must leave this one alone.
printf '{\n  "cniVersion": "0.3.1",\n  "name": "lo",\n  "type": "loopback"\n}\n' >/etc/cni/net.d/99-loopback.conf
