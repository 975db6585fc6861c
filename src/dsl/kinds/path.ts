import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';
import { absPathSchema, form } from './form.js';
import { assertAbsolutePath } from './rules.js';

export type PathSpec = { kind: 'path-absent'; path: string } | { kind: 'glob-absent'; dir: string; glob: string; keep?: string[] };

const GLOB = /^[A-Za-z0-9_.*?-]{1,128}$/;

type Absent = Extract<PathSpec, { kind: 'path-absent' }>;
type GlobAbsent = Extract<PathSpec, { kind: 'glob-absent' }>;

export const paths = {
  /** Make sure a file or directory does not exist; it is moved into the run's backup. */
  absent<P extends ParamValues>(p: string, opts: { when?: Condition<P> } = {}): TaskOf<Absent, P> {
    assertAbsolutePath(p);
    return { title: `${p} absent`, spec: { kind: 'path-absent', path: p }, ...opts };
  },
  /** Make sure nothing in `dir` matches `glob` (except names in `keep`). */
  matchingAbsent<P extends ParamValues>(dir: string, glob: string, opts: { when?: Condition<P>; keep?: string[] } = {}): TaskOf<GlobAbsent, P> {
    assertAbsolutePath(dir);
    if (!GLOB.test(glob)) throw new InputError(`invalid glob ${JSON.stringify(glob)} (letters, digits, _ . - * ? only)`);
    const { keep, ...rest } = opts;
    return {
      title: `${dir}/${glob} absent`,
      spec: { kind: 'glob-absent', dir, glob, ...(keep ? { keep } : {}) },
      ...rest,
    };
  },
};

export const PATH_FORMS = {
  path_absent: form({
    description: 'Make sure a file or directory does not exist; it is moved into the run backup, not deleted.',
    builder: 'files.absent',
    properties: { path: absPathSchema },
    required: ['path'],
    build: (a: { path: string }, o) => paths.absent(a.path, o),
  }),
  files_absent: form({
    description: 'Make sure nothing in dir matches glob, except names in keep; matches are moved into the run backup.',
    builder: 'files.matchingAbsent',
    properties: {
      dir: absPathSchema,
      glob: { type: 'string', pattern: GLOB.source, description: 'letters, digits, _ . - * ? only' },
      keep: { type: 'array', items: { type: 'string' }, description: 'names in dir to leave alone' },
    },
    required: ['dir', 'glob'],
    build: (a: { dir: string; glob: string; keep?: string[] }, o) => paths.matchingAbsent(a.dir, a.glob, { ...o, ...(a.keep ? { keep: a.keep } : {}) }),
  }),
};
