import type { Reporter } from './reporter.js';

/** JSON Lines on the given stream: one event per line, progress events left out (not a contract). */
export function jsonReporter(out: NodeJS.WritableStream): Reporter {
  return {
    emit(ev) {
      if (ev.type === 'phase' || ev.type === 'progress') return;
      out.write(JSON.stringify(ev) + '\n');
    },
    close: async () => {},
  };
}
