import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter } from 'yaml';
import { FileInputError, InputError } from '../errors.js';
import { splitShellWords } from '../util/shell-words.js';

/** `-e` words: split like a POSIX shell would (quotes and backslashes), without expansion. */
export function shellWords(input: string): string[] {
  try {
    return splitShellWords(input);
  } catch (err) {
    throw new InputError(`cannot split ${JSON.stringify(input)} into words: ${(err as Error).message}`);
  }
}

function readVarsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileInputError(file, undefined, undefined, `cannot read vars file: ${(err as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new FileInputError(file, pos.line, pos.col, first.message.split('\n')[0] ?? 'invalid YAML');
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new FileInputError(file, 1, 1, 'expected a mapping of parameter names to values');
  return value as Record<string, unknown>;
}

/** One `-e` argument: `@file.yml`, a JSON object, or `key=value` words (several per string). */
export function parseExtraVars(arg: string): Record<string, unknown> {
  const trimmed = arg.trim();
  if (trimmed.startsWith('@')) return readVarsFile(trimmed.slice(1));
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      throw new InputError(`-e ${JSON.stringify(arg)}: invalid JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`-e ${JSON.stringify(arg)}: expected a JSON object`);
    return value as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const word of shellWords(trimmed)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new InputError(`-e ${JSON.stringify(arg)}: expected key=value, got ${JSON.stringify(word)}`);
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

export function mergeExtraVars(args: readonly string[]): Record<string, unknown> {
  return Object.assign({}, ...args.map(parseExtraVars)) as Record<string, unknown>;
}
