# Not timed: what the benchmark asserts after every run. Prints "converged" when the host is
# in the state reset-node leaves (only ACCEPT policies, no rules or user chains in
# filter/nat/mangle, no flannel/kube-proxy links, no flannel files), else what is left.
rules=$( { iptables -t filter -S; iptables -t nat -S; iptables -t mangle -S; } | grep -cvE '^-P [A-Z]+ ACCEPT$')
left=""
# `ip link show`, not /sys/class/net: on a fleet host /sys is the machine's sysfs.
for l in flannel.1 cni0 kube-ipvs0 nodelocaldns; do ip link show dev "$l" >/dev/null 2>&1 && left="$left link:$l"; done
for f in /run/flannel /etc/cni/net.d/10-flannel.conflist /var/lib/cni; do [ -e "$f" ] && left="$left file:$f"; done
if [ "$rules" = 0 ] && [ -z "$left" ]; then echo converged; else echo "broken: $rules iptables lines;$left"; fi
