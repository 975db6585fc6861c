import type { Playbook } from './dsl/types.js';
import { InputError } from './errors.js';
import { nearest } from './util/nearest.js';
import { isPlaybookPath } from './authoring/is-path.js';

// Built-in playbooks load on demand: `kremedy --help` pays for none of them.
const BUILT_IN: Record<string, () => Promise<{ default: Playbook<any> }>> = {
  'reset-node': () => import('../playbooks/reset-node.js'),
  'kernel-gate': () => import('../playbooks/kernel-gate.js'),
  'iscsi-prereqs': () => import('../playbooks/iscsi-prereqs.js'),
  'pin-registry-hosts': () => import('../playbooks/pin-registry-hosts.js'),
  'docker-isolation': () => import('../playbooks/docker-isolation.js'),
  'disable-thp': () => import('../playbooks/disable-thp.js'),
};

export const builtInNames = (): string[] => Object.keys(BUILT_IN).sort();

export class UnknownPlaybookError extends InputError {}

export async function loadPlaybook(name: string): Promise<Playbook<any>> {
  // A user's own playbook file (./cleanup.ts, site/reset.yml): see src/authoring/.
  if (isPlaybookPath(name)) return (await import('./authoring/file-playbook.js')).loadPlaybookFile(name);
  const load = BUILT_IN[name];
  if (!load) {
    const hint = nearest(name, builtInNames());
    throw new UnknownPlaybookError(
      `unknown playbook "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; \`kremedy list\` shows them all: ${builtInNames().join(', ')}`,
    );
  }
  return (await load()).default;
}

export async function loadAllPlaybooks(): Promise<Playbook<any>[]> {
  return Promise.all(builtInNames().map(loadPlaybook));
}
