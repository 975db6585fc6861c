import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';
import { absPathSchema, form } from './form.js';
import { assertAbsolutePath } from './rules.js';

export type FileSpec = {
  kind: 'file-present';
  path: string;
  mode: string;
  /** Exact content wanted; or, without it, a line matching `valid` (an ERE that JS reads alike). */
  content?: string;
  valid?: string;
  /** sh that prints the content when the file is missing or invalid (with `valid`). */
  generator?: string;
  /** What the plan shows for generated content. */
  preview?: string;
  daemonReload?: boolean;
};

export const fileContents = {
  /**
   * Make sure a regular file exists: with exactly `content`, or (with `valid` + `generator`)
   * with a line matching `valid`, generated on the host when missing. Written atomically.
   */
  present<P extends ParamValues>(
    p: string,
    opts: { mode?: string; content?: string; valid?: string; generator?: string; preview?: string; daemonReload?: boolean; when?: Condition<P>; title?: string },
  ): TaskOf<FileSpec, P> {
    assertAbsolutePath(p);
    const { when: cond, title, mode = '0644', ...rest } = opts;
    if (!/^0?[0-7]{3}$/.test(mode)) throw new InputError(`invalid file mode ${JSON.stringify(mode)}`);
    if (rest.content === undefined && (rest.valid === undefined || rest.generator === undefined)) {
      throw new InputError(`files.present(${p}): give content, or valid and generator`);
    }
    if (rest.valid !== undefined) new RegExp(rest.valid); // a bad pattern fails here, not on a host
    return { title: title ?? `${p} present`, spec: { kind: 'file-present', path: p, mode, ...rest }, ...(cond ? { when: cond } : {}) };
  },
};

type Args = { path: string; mode?: string; content?: string; valid?: string; generator?: string; preview?: string; daemon_reload?: boolean };

export const FILE_FORMS = {
  file_present: form({
    description:
      'Make sure a regular file exists (written atomically): with exactly content, or, with valid and generator, with a line matching valid, generated on the host when missing or invalid.',
    builder: 'files.present',
    properties: {
      path: absPathSchema,
      mode: { type: 'string', pattern: '^0?[0-7]{3}$', description: 'octal file mode such as 0644 (default 0644)' },
      content: { type: 'string', description: 'the exact content wanted' },
      valid: { type: 'string', description: 'without content: a regular expression (ERE that JavaScript reads alike) a line of the file must match' },
      generator: { type: 'string', description: 'with valid: sh that prints the content when the file is missing or invalid' },
      preview: { type: 'string', description: 'what the plan shows for generated content' },
      daemon_reload: { type: 'boolean', description: 'run systemctl daemon-reload after writing (for unit files)' },
    },
    required: ['path'],
    build: (a: Args, o) => {
      // The builder compiles `valid` with new RegExp, whose SyntaxError is not an InputError and
      // would escape without a file:line; refuse it here in the same words as a param pattern.
      if (a.valid !== undefined) {
        try {
          new RegExp(a.valid);
        } catch (err) {
          throw new InputError(`valid is not a valid regular expression: ${(err as Error).message}`);
        }
      }
      const { path, daemon_reload: daemonReload, ...rest } = a;
      return fileContents.present(path, { ...rest, ...(daemonReload !== undefined ? { daemonReload } : {}), ...o });
    },
  }),
};
