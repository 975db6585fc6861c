// Every error kremedy raises on purpose is a KremedyError; the CLI maps `exitCode` to the
// process exit status (src/cli/exit.ts); the numbers come from the one table in exit-codes.ts.
// Anything else is a bug and exits EXIT.bug.
import { EXIT, type ExitCode } from './exit-codes.js';

export abstract class KremedyError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input found before any host was touched: inventory, pattern, parameters, playbook name. */
export class InputError extends KremedyError {
  readonly exitCode: ExitCode = EXIT.badInput;
}

/** A file the user pointed at (inventory, playbook, vars, plan) has a problem at a known place. */
export class FileInputError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    detail: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}${column !== undefined ? `:${column}` : ''}: ${detail}`);
  }
}

/** A host pattern that selects no host. */
export class NoHostsMatchedError extends InputError {
  constructor(readonly pattern: string, known: string[]) {
    super(
      `host pattern "${pattern}" matches no host in the inventory` +
        (known.length ? ` (known hosts: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''})` : ''),
    );
  }
}
