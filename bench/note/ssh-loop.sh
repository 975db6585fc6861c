#!/usr/bin/env bash
# What an operator types without a fan-out tool: one OpenSSH client per host, all at once,
# then wait. Prints "failed=K" (clients that exited non-zero) and exits 1 when K > 0.
# usage: ssh-loop.sh KEY KNOWN_HOSTS COMMAND IP...
key=$1 known=$2 cmd=$3
shift 3
pids=()
for ip in "$@"; do
  ssh -i "$key" -o UserKnownHostsFile="$known" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -o ConnectTimeout=20 -o LogLevel=ERROR -o ControlMaster=no -o ControlPath=none \
    "root@$ip" "$cmd" </dev/null >/dev/null &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
echo "failed=$failed"
[ "$failed" = 0 ]
