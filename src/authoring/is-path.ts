import path from 'node:path';

export const YAML_FILE = /\.ya?ml$/i;
export const CODE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/i;

/** A playbook argument is a file when it has a slash or a playbook file extension; else a built-in name. */
export function isPlaybookPath(arg: string): boolean {
  return arg.includes('/') || arg.includes(path.sep) || YAML_FILE.test(arg) || CODE_FILE.test(arg);
}
