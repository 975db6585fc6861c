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
          out.write(formatTaskLine(opts.style, ev) + '\n');
          if (ev.diff && (ev.status === 'pending' || (opts.diff && ev.status === 'changed'))) out.write(formatDiff(opts.style, ev.diff) + '\n');
          break;
        case 'host':
          if (ev.result !== 'ok') out.write(paint(opts.style, 'red', `[${ev.host}] ${ev.result.toUpperCase()}: ${ev.message ?? ''}`) + '\n');
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
