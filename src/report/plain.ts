import { RunCollector } from './collect.js';
import { formatDiff, formatRecap, formatTaskLine, paint, runHeader, showsDiff } from './format.js';
import type { Reporter } from './reporter.js';
import { formatReview, type ReviewOptions } from './review.js';

export type PlainOptions = ReviewOptions;

/**
 * For CI logs and pipes: nothing is redrawn, so every line survives in a log. The review is
 * grouped (hosts with the same plan shown once) and printed when the run ends; with --per-host,
 * each host's block is printed as soon as that host finishes.
 */
export function plainReporter(out: NodeJS.WritableStream, opts: PlainOptions): Reporter {
  if (!opts.perHost) return groupedPlainReporter(out, opts);
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
          out.write(runHeader(opts.style, ev) + '\n');
          break;
        case 'task':
          hold(ev.host, formatTaskLine(opts.style, ev));
          if (ev.diff && showsDiff(ev.status, opts.diff)) hold(ev.host, formatDiff(opts.style, ev.diff));
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

function groupedPlainReporter(out: NodeJS.WritableStream, opts: PlainOptions): Reporter {
  const collector = new RunCollector();
  let printed = false;
  const print = () => {
    const run = collector.record;
    if (printed || !run) return;
    printed = true;
    const review = formatReview(run.hosts, run.runId, opts);
    if (review.length) out.write(review.join('\n') + '\n');
    if (run.recap) {
      out.write('\n' + formatRecap(opts.style, run.recap, run.dryRun, run.durationMs ?? 0, true) + '\n');
      if (run.interrupted) out.write(paint(opts.style, 'red', `interrupted by ${run.interrupted}: no new step was started after it`) + '\n');
    }
  };
  return {
    emit(ev) {
      collector.emit(ev);
      if (ev.type === 'start') out.write(runHeader(opts.style, ev) + '\n');
      if (ev.type === 'recap') print();
    },
    close: async () => print(),
  };
}
