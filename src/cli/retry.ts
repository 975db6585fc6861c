import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../exec/run.js';

/**
 * `.kremedy/retry/PLAYBOOK.hosts`: every host that did not finish ok (failed, unreachable, or
 * never started because of the failure budget or an interrupt), for `--hosts @FILE`. A run
 * where every host finished removes the file, so it never names hosts that are already fine.
 */
export function writeRetryFile(playbook: string, summary: RunSummary, dir = '.kremedy/retry'): string | undefined {
  const file = path.join(dir, `${path.basename(playbook).replace(/\.[a-z]+$/, '')}.hosts`);
  const hosts = [...summary.outcomes].filter(([, o]) => o.result !== 'ok').map(([h]) => h);
  if (hosts.length === 0) {
    rmSync(file, { force: true });
    return undefined;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, hosts.join('\n') + '\n');
  return file;
}

/** Writes the retry file of a run that left hosts to retry, and says where. */
export function reportRetry(playbook: string, summary: RunSummary): void {
  const file = writeRetryFile(playbook, summary);
  if (file) process.stderr.write(`kremedy: hosts to retry written to ${file} (use --hosts @${file})\n`);
}
