// Probes shared by several checks. Every probe is bounded (tail -n, timeout) so a host with
// gigabytes of logs or a hung journald cannot stall the single probe round.
import type { ProbeRequest, ProbeResult } from '../facts/probe.js';

/** Lines kept per log source; the doctor looks at recent history, not the whole archive. */
export const LOG_TAIL_LINES = 5000;

/**
 * Recent log lines that any check cares about, from the syslog files (RHEL: messages, Debian:
 * syslog) and the journal of etcd and kubelet for the last hour. Only matching lines travel back.
 */
export const LOG_PROBE: ProbeRequest = {
  id: 'doctor:logs',
  script:
    `{ for f in /var/log/messages /var/log/syslog; do [ -r "$f" ] && tail -n ${LOG_TAIL_LINES} "$f"; done; ` +
    `if command -v journalctl >/dev/null 2>&1; then timeout 5 journalctl --no-pager -q -u etcd -u kubelet --since -1h 2>/dev/null | tail -n ${LOG_TAIL_LINES}; fi; } ` +
    `| grep -E 'took too long|"took"|iscsi|Unable to read manifest path' | tail -n 20000; true`,
};

/** One line per DOCKER-ISOLATION* rule and per host-prohibited REJECT ("TABLE RULE"), then the number of rules in every table. */
export const IPTABLES_PROBE: ProbeRequest = {
  id: 'doctor:iptables',
  script:
    'command -v iptables-save >/dev/null 2>&1 || { echo "error iptables-save not found"; exit 0; }; ' +
    'kr_ipt=$(iptables-save 2>&1) || { printf "error %s\\n" "$kr_ipt" | head -n 1; exit 0; }; ' +
    "printf '%s\\n' \"$kr_ipt\" | awk '/^\\*/ { t = substr($1, 2) } /^-A / { n++ } /^-A DOCKER-ISOLATION/ || /^-A .*--reject-with icmp-host-prohibited/ { print t \" \" $0 } END { print \"count \" n + 0 }'",
};

export const out = (results: ReadonlyMap<string, ProbeResult>, id: string): string => results.get(id)?.stdout ?? '';
export const lines = (text: string): string[] => text.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);

/** Unique lines, in first-seen order: journald often forwards to syslog, so a line can be read twice. */
export const uniqueLines = (list: readonly string[]): string[] => [...new Set(list)];

/** The "error …" line an iptables probe prints when iptables-save cannot run. */
export function iptablesError(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith('error '));
  return line?.slice('error '.length);
}
