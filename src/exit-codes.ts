// The exit statuses, in one table (documented in the README's "Exit status"). It sits below
// both errors.ts (each error class names its status) and the CLI (which maps results to a
// status), so neither has to spell a number.
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

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
