import type { RunEvent } from '../exec/events.js';

/** A reporter consumes events as they happen and may need to flush at the end (listr2). */
export interface Reporter {
  emit(event: RunEvent): void;
  close(): Promise<void>;
}

export function fanOut(reporters: Reporter[]): Reporter {
  return {
    emit: (ev) => reporters.forEach((r) => r.emit(ev)),
    close: async () => {
      for (const r of reporters) await r.close();
    },
  };
}
