import { Listr, ProcessOutput } from 'listr2';
import type { RunEvent } from '../exec/events.js';
import { RunCollector } from './collect.js';
import { formatRecap, paint, runHeader } from './format.js';
import type { Reporter } from './reporter.js';
import { formatReview, type ReviewOptions } from './review.js';

interface HostView {
  title: (t: string) => void;
  output: (o: string) => void;
  finish: (err?: Error) => void;
}

/**
 * Live progress per host on a terminal, then the review (diffs included; grouped by plan unless
 * --per-host) once the spinners stop, so what a person reviews is not redrawn away.
 */
export function listrReporter(out: NodeJS.WriteStream, opts: ReviewOptions): Reporter {
  const collector = new RunCollector();
  const views = new Map<string, HostView>();
  const pendingFinish = new Map<string, Error | undefined>();
  const byHost = new Map<string, Array<Extract<RunEvent, { type: 'task' }>>>();
  let listDone: Promise<unknown> = Promise.resolve();

  const startList = (hosts: string[]) => {
    const list = new Listr(
      hosts.map((host) => ({
        title: host,
        task: (_ctx: unknown, task: { title: string; output: string }) =>
          new Promise<void>((resolve, reject) => {
            const view: HostView = {
              title: (t) => (task.title = t),
              output: (o) => (task.output = o),
              finish: (err) => (err ? reject(err) : resolve()),
            };
            views.set(host, view);
            if (pendingFinish.has(host)) view.finish(pendingFinish.get(host));
          }),
      })),
      {
        concurrent: true,
        exitOnError: false,
        collectErrors: false,
        rendererOptions: { collapseErrors: false, processOutput: new ProcessOutput(out, out) } as never,
      },
    );
    listDone = list.run().catch(() => undefined);
  };

  return {
    emit(ev) {
      collector.emit(ev);
      switch (ev.type) {
        case 'start':
          out.write(runHeader(opts.style, ev) + '\n');
          startList(ev.hosts);
          break;
        case 'phase':
          views.get(ev.host)?.title(`${ev.host}: ${ev.phase}`);
          break;
        case 'progress':
          views.get(ev.host)?.output(ev.task);
          break;
        case 'task': {
          const list = byHost.get(ev.host) ?? [];
          list.push(ev);
          byHost.set(ev.host, list);
          views.get(ev.host)?.output(`${ev.status}: ${ev.task}`);
          break;
        }
        case 'host': {
          const counts = byHost.get(ev.host) ?? [];
          const n = (s: string) => counts.filter((t) => t.status === s).length;
          const title = `${ev.host}: ${ev.result}` + (ev.result === 'unreachable' ? '' : ` (changed ${n('changed')}, pending ${n('pending')}, failed ${n('failed')})`);
          const err = ev.result === 'ok' ? undefined : new Error(`${title} — ${ev.message ?? ''}`);
          const view = views.get(ev.host);
          if (view) {
            if (!err) view.title(title);
            view.finish(err);
          } else pendingFinish.set(ev.host, err);
          break;
        }
      }
    },
    async close() {
      await listDone;
      const run = collector.record;
      if (!run) return;
      const review = formatReview(run.hosts, run.runId, opts);
      if (review.length) out.write(review.join('\n') + '\n');
      if (run.recap) {
        out.write('\n' + formatRecap(opts.style, run.recap, run.dryRun, run.durationMs ?? 0, !opts.perHost) + '\n');
        if (run.interrupted) out.write(paint(opts.style, 'red', `interrupted by ${run.interrupted}: no new step was started after it`) + '\n');
      }
    },
  };
}
