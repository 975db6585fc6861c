import { KremedyError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { HostRecap } from '../exec/events.js';

export { EXIT } from '../exit-codes.js';

export function exitCodeForRecap(recap: Record<string, HostRecap>, interrupted?: 'SIGINT' | 'SIGTERM'): number {
  if (interrupted) return interrupted === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  const hosts = Object.values(recap);
  if (hosts.some((h) => h.failed > 0)) return EXIT.hostFailed;
  if (hosts.some((h) => h.unreachable)) return EXIT.unreachable;
  return EXIT.ok;
}

export function exitCodeForError(err: unknown): number {
  return err instanceof KremedyError ? err.exitCode : EXIT.bug;
}

export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const code = exitCodeForError(err);
  if (code === EXIT.bug) stderr.write(`kremedy: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
  else stderr.write(`kremedy: ${(err as Error).message}\n`);
  return code;
}
