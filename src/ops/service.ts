import { quote } from '../shell/quote.js';
import { ProbeError, probeResult, type Operation } from './types.js';

const NO_SYSTEMCTL = '#KR:NO-SYSTEMCTL';

export interface ServiceState {
  /** `systemctl is-enabled` output (enabled, disabled, static, masked, not-found, ...). */
  enabled: string;
  /** `systemctl is-active` output (active, inactive, failed, activating, ...). */
  active: string;
}

// States in which the unit starts at boot (or cannot be enabled and needs no enabling).
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);

// A journal line that gives a reason, in the words daemons use: any daemon's, not one kernel's
// or one program's wording (iscsid says "can not create NETLINK_ISCSI socket" on one machine and
// "semop down failed 22" on another). An extended regex for grep -iE, inside single quotes.
const COMPLAINT = "can ?not|can.t|unable|error|fail|fatal|denied|not permitted|not supported|not available|no such|no space|invalid|refused|timed? ?out|read-only|out of memory";

/**
 * Run `systemctl enable [--now]`, bounded so a unit that hangs in "activating" cannot hold the
 * host; when the unit does not end up active, print its journal and finish with one line that
 * names the reason (the runner reports the last lines of a failed step).
 */
export function enableCommands(unit: string, start: boolean): string[] {
  const u = quote(unit);
  const ident = quote(unit.replace(/\.service$/, ''));
  if (!start) return ['systemctl daemon-reload', `timeout 30 systemctl enable ${u}`];
  return [
    'systemctl daemon-reload',
    `kr_since=$(date '+%Y-%m-%d %H:%M:%S')`,
    `if timeout 30 systemctl enable --now ${u} && timeout 30 systemctl is-active --quiet ${u}; then :; else`,
    `  echo "--- journalctl -u ${unit} ---"`,
    `  timeout 30 journalctl -u ${u} --since "$kr_since" -n 20 --no-pager 2>&1 || timeout 30 systemctl status ${u} --no-pager -n 20 2>&1 || true`,
    // The daemon's own complaint beats systemd's generic "Failed with result" line. A daemon
    // that logs through a helper process may reach the journal a moment after systemd's verdict,
    // so an empty answer is retried briefly (bounded: 3 s).
    // A daemon that dies at once may lose its last words for good (iscsid logs through a helper
    // process that it takes down with it), so when no reason turns up it is started again, at
    // most twice: each attempt is another chance for it to say why. Should one succeed, the step
    // has done its job; otherwise it still fails.
    `  kr_attempt=1`,
    `  while :; do`,
    `    kr_try=0`,
    `    while :; do`,
    // Also by syslog identifier: a daemon that dies at once often logs before journald has tied
    // its process to the unit, and those lines are missing from \`journalctl -u\`.
    `      kr_log=$( { timeout 30 journalctl -u ${u} --since "$kr_since" -n 50 --no-pager -o short; timeout 30 journalctl -t ${ident} --since "$kr_since" -n 50 --no-pager -o short; } 2>/dev/null | grep -v ' systemd\\[1\\]: ' | sed 's/^[^]]*\\]: //' || true)`,
    `      kr_why=$(printf '%s\\n' "$kr_log" | grep -iE '${COMPLAINT}' | tail -n 1)`,
    `      if [ -n "$kr_why" ] || [ "$kr_try" -ge 3 ]; then break; fi`,
    `      kr_try=$((kr_try + 1)); sleep 1`,
    `    done`,
    `    if [ -n "$kr_why" ] || [ "$kr_attempt" -ge 3 ]; then break; fi`,
    `    kr_attempt=$((kr_attempt + 1)); kr_since=$(date '+%Y-%m-%d %H:%M:%S')`,
    `    if timeout 30 systemctl restart ${u} && timeout 30 systemctl is-active --quiet ${u}; then echo "${unit} started on attempt $kr_attempt"; exit 0; fi`,
    `  done`,
    // Nothing from this attempt (journald may drop or lag a crashing daemon's last words): the
    // most recent complaint the daemon logged before, with its time, so it is not taken for new.
    `  [ -n "$kr_why" ] || kr_why=$( { timeout 30 journalctl -u ${u} -n 200 --no-pager -o short; timeout 30 journalctl -t ${ident} -n 200 --no-pager -o short; } 2>/dev/null | grep -v ' systemd\\[1\\]: ' | grep -iE '${COMPLAINT}' | tail -n 1 | sed 's/^\\(.\\{15\\}\\)[^]]*\\]: /last logged at \\1: /' || true)`,
    // Still nothing that reads like a reason: whatever the daemon said last in this attempt, quoted
    // as such, beats systemd's generic verdict; the operator judges it.
    `  [ -n "$kr_why" ] || kr_why=$(printf '%s\\n' "$kr_log" | grep -v '^[[:space:]]*$' | tail -n 1 | sed 's/^/no line reads like a reason; its last words: /')`,
    `  [ -n "$kr_why" ] || kr_why="the daemon left no reason in the journal ($kr_attempt attempts); systemd says: $(timeout 30 systemctl status ${u} --no-pager -n 20 2>/dev/null | grep -v '^$' | tail -n 1 || true)"`,
    `  kr_result=$(systemctl show -p Result ${u} 2>/dev/null | cut -d= -f2)`,
    `  echo "${unit} did not start (result: \${kr_result:-unknown}, state: $(systemctl is-active ${u} 2>/dev/null)): \${kr_why:-no journal entries}"`,
    '  exit 1',
    'fi',
  ];
}

export const service: Operation<'service', ServiceState> = {
  probes: (spec) => [
    {
      id: `service:${spec.unit}`,
      script:
        `command -v systemctl >/dev/null 2>&1 || { echo '${NO_SYSTEMCTL}'; exit 0; }; ` +
        // is-enabled prints an error instead of a state for unknown units on older systemd.
        `printf 'enabled\\t%s\\n' "$(systemctl is-enabled ${quote(spec.unit)} 2>/dev/null || true)"; ` +
        `printf 'active\\t%s\\n' "$(systemctl is-active ${quote(spec.unit)} 2>/dev/null || true)"`,
    },
  ],
  state(spec, results) {
    const out = probeResult(results, `service:${spec.unit}`).stdout;
    if (out.trim() === NO_SYSTEMCTL) throw new ProbeError(`systemctl is not on this host (no systemd?): cannot manage ${spec.unit}`);
    const fields = new Map(out.split('\n').map((l) => l.split('\t') as [string, string?]).map(([k, v]) => [k, (v ?? '').trim()]));
    if (!fields.has('enabled') || !fields.has('active')) throw new ProbeError(`could not read the state of ${spec.unit}`);
    return { enabled: fields.get('enabled') || 'not-found', active: fields.get('active') || 'unknown' };
  },
  decide(spec, state) {
    if (state.enabled === 'masked' || state.enabled === 'masked-runtime') {
      return { status: 'failed', message: `${spec.unit} is masked: someone disabled it on purpose; \`systemctl unmask ${spec.unit}\` first if it should run` };
    }
    const enable = !ENABLED.has(state.enabled);
    const start = spec.active && state.active !== 'active';
    if (!enable && !start) {
      return { status: 'ok', message: `${spec.unit} is ${state.enabled}${spec.active ? ' and active' : ''}` };
    }
    const what = [enable ? 'enable' : '', start ? 'start' : ''].filter(Boolean).join(' and ');
    return {
      status: 'pending',
      summary: `${what} ${spec.unit} (now ${state.enabled}, ${state.active})`,
      diff: [
        ...(enable ? [`- is-enabled: ${state.enabled}`, '+ is-enabled: enabled'] : []),
        ...(start ? [`- is-active: ${state.active}`, '+ is-active: active'] : []),
      ].join('\n'),
      backup: [],
      commands: enableCommands(spec.unit, spec.active),
    };
  },
};
