import { formatDiff, formatRecap, formatTaskLine, paint, type Style } from './format.js';
import type { Reporter } from './reporter.js';

export interface PlainOptions {
  style: Style;
  /** Show diffs of changed tasks too (pending ones always show theirs). */
  diff: boolean;
}

/** Line per event, for CI logs and pipes: nothing is redrawn, so every line survives in a log. */
export function plainReporter(out: NodeJS.WritableStream, opts: PlainOptions): Reporter {
  let dryRun = false;
  // Hosts run in parallel; each host's lines are held until it finishes so a plan reads as
  // one block per host instead of interleaved lines.
  const blocks = new Map<string, string[]>();
  const hold = (host: string, text: string) => {
    const b = blocks.get(host) ?? [];
    b.push(text);
    blocks.set(host, b);
  };
  return {
    emit(ev) {
      switch (ev.type) {
        case 'start':
          dryRun = ev.dryRun;
          out.write(
            paint(opts.style, 'bold', `kremedy ${ev.playbook}`) +
              ` — run ${ev.runId} on ${ev.hosts.length} host(s)${ev.dryRun ? ' — DRY RUN: nothing will change' : ''}\n`,
          );
          break;
        case 'task':
          hold(ev.host, formatTaskLine(opts.style, ev));
          if (ev.diff && (ev.status === 'pending' || (opts.diff && ev.status === 'changed'))) hold(ev.host, formatDiff(opts.style, ev.diff));
          break;
        case 'host':
          if (ev.result !== 'ok') hold(ev.host, paint(opts.style, 'red', `[${ev.host}] ${ev.result.toUpperCase()}: ${ev.message ?? ''}`));
          out.write((blocks.get(ev.host) ?? []).join('\n') + '\n');
          blocks.delete(ev.host);
          break;
        case 'recap':
          out.write('\n' + formatRecap(opts.style, ev.hosts, dryRun, ev.durationMs) + '\n');
          if (ev.interrupted) out.write(paint(opts.style, 'red', `interrupted by ${ev.interrupted}: no new step was started after it`) + '\n');
          break;
        default:
          break;
      }
    },
    close: async () => {},
  };
}
