import { KremedyError } from '../errors.js';
import type { HostRecap } from '../report/events.js';

/** The exit statuses, in one place (documented in the README). */
export const EXIT = {
  ok: 0,
  badInput: 1,
  hostFailed: 2,
  /** `kremedy doctor`: every host was checked and at least one warning or critical finding came up. */
  findings: 3,
  unreachable: 4,
  bug: 70,
  sigint: 130,
  sigterm: 143,
} as const;

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
