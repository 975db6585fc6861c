# The field note's own commands, as an operator would type them once and fan them out (one
# ssh per host, one shell): iptables-save as the backup, flush and delete the chains of filter
# and nat, delete flannel's two links, remove its files. One command is added for the same end
# state as kremedy's reset-node and bench/floor/check.sh: the seeded FORWARD policy is DROP,
# and the note leaves policies alone. Nothing else (mangle and raw are empty on these hosts).
iptables-save > backup; iptables -P FORWARD ACCEPT; for t in filter nat; do iptables -t $t -F; iptables -t $t -X; done; ip link delete flannel.1; ip link delete cni0; rm -rf /run/flannel /etc/cni/net.d/10-flannel.conflist
