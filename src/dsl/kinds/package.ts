import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';
import { form, type JsonSchema } from './form.js';

export type PackageSpec = { kind: 'package-present'; packages: { debian: string; rhel: string } };

/** A package name as apt and dnf accept it; the YAML form's schema uses the same rule. */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+._-]{0,127}$/;

export const packages = {
  /** Make sure a package is installed: apt-get on the debian family, dnf/yum on the rhel family. */
  present<P extends ParamValues>(names: { debian: string; rhel: string }, opts: { when?: Condition<P> } = {}): TaskOf<PackageSpec, P> {
    for (const n of [names.debian, names.rhel]) if (!PACKAGE_NAME.test(n)) throw new InputError(`invalid package name ${JSON.stringify(n)}`);
    const title = names.debian === names.rhel ? `package ${names.debian} installed` : `package ${names.debian} / ${names.rhel} installed`;
    return { title, spec: { kind: 'package-present', packages: { ...names } }, ...opts };
  },
};

// The builder's own rule, in the schema too, so editors flag a bad name while typing.
const packageName: JsonSchema = { type: 'string', pattern: PACKAGE_NAME.source, description: 'a package name (lower-case letters, digits, + . _ -)' };

export const PACKAGE_FORMS = {
  package_present: form({
    description: 'Make sure a package is installed: apt-get on the debian family, dnf/yum on the rhel family (names differ between them, so both are given).',
    builder: 'packages.present',
    properties: { debian: packageName, rhel: packageName },
    required: ['debian', 'rhel'],
    build: (a: { debian: string; rhel: string }, o) => packages.present({ debian: a.debian, rhel: a.rhel }, o),
  }),
};
