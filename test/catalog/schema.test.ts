import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import { renderPlaybookSchema } from '../../src/authoring/schema.js';
import { FORM_NAMES, TASK_FORMS } from '../../src/authoring/yaml-forms.js';
import { OPERATIONS } from '../../src/ops/registry.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the committed schema is the generated one (run `npm run schema` after changing the forms)', (t) => {
  t.is(readFileSync(path.join(REPO, 'schema/playbook.schema.json'), 'utf8'), renderPlaybookSchema());
});

test('the committed schema is valid draft-07 and accepts the example playbook', (t) => {
  const ajv = new AjvModule.default({ strict: true, strictRequired: false, strictTypes: false });
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(REPO, 'schema/playbook.schema.json'), 'utf8')));
  const example = parse(readFileSync(path.join(REPO, 'examples/kube-router-cleanup.yml'), 'utf8'));
  t.true(validate(example), JSON.stringify(validate.errors));
  t.false(validate({ ...example, tasks: [{ shell: 'rm -rf /' }] }), 'no free-form shell task');
});

test('every YAML form builds a task kind that has an operation, with the schema keys the form declares', (t) => {
  const samples: Record<string, unknown> = {
    iptables_flush: { table: 'filter' },
    iptables_policy: { table: 'filter', chains: ['INPUT'], policy: 'ACCEPT' },
    link_absent: { name: 'cni0' },
    path_absent: { path: '/run/flannel' },
    files_absent: { dir: '/etc/cni/net.d', glob: '*', keep: ['a'] },
    note: { id: 'n', message: 'hello' },
    iptables_chain_return: { table: 'filter', chain: 'DOCKER-ISOLATION' },
    file_present: { path: '/etc/x', content: 'x\n', mode: '0600', daemon_reload: true },
    package_present: { debian: 'open-iscsi', rhel: 'iscsi-initiator-utils' },
    service: { unit: 'iscsid.service', state: 'running' },
    hosts_block: { marker: 'm', pins: { reg: '10.0.0.5' }, state: 'present' },
    sysfs_value: { path: '/sys/kernel/mm/transparent_hugepage/enabled', value: 'never' },
  };
  t.deepEqual(Object.keys(samples).sort(), [...FORM_NAMES].sort(), 'a new form needs a sample here');
  for (const name of FORM_NAMES) {
    const task = (TASK_FORMS[name].build as (a: unknown, o: object) => { spec: { kind: string } })(samples[name], {});
    t.true(task.spec.kind in OPERATIONS, `${name} → ${task.spec.kind}`);
    for (const r of TASK_FORMS[name].required) t.true(r in TASK_FORMS[name].properties, `${name}.${r} is described`);
  }
});
