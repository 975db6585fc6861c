import test from 'ava';
import type { Facts } from '../../src/facts/types.js';
import { kernelGate } from '../../src/kernel/gate.js';

function facts(kernel: string, cni: Facts['cni']['detected'] = 'kube-router'): Facts {
  return {
    hostname: 'h', os: { id: 'centos', family: 'rhel', version: '7', pretty: 'CentOS 7' }, kernel, uid: 0,
    cni: { detected: cni, evidence: 'test', configFiles: [] }, links: [], binaries: {},
  };
}
const verdict = (task: ReturnType<typeof kernelGate>, f: Facts) => task.gate!({ facts: f, params: {} });

test('3.10.0-229 is refused for kube-router with the reason and the fix', (t) => {
  const v = verdict(kernelGate({ cni: 'kube-router' }), facts('3.10.0-229.7.2.el7.x86_64'));
  t.true('refuse' in v);
  const msg = 'refuse' in v ? v.refuse : '';
  t.regex(msg, /3\.10\.0-229\.7\.2\.el7\.x86_64/);
  t.regex(msg, /skb_under_panic/);
  t.regex(msg, /12636/);
  t.regex(msg, /upgrade to 3\.10\.0-693 or later: yum update kernel and reboot/);
});

test('3.10.0-693.21.1 passes and says so', (t) => {
  t.deepEqual(verdict(kernelGate({ cni: 'kube-router' }), facts('3.10.0-693.21.1.el7.x86_64')), {
    pass: 'kernel 3.10.0-693.21.1.el7.x86_64 is not on the refused list',
  });
});

test('the kube-router rule does not apply to flannel hosts, nor under auto when flannel is detected', (t) => {
  t.true('pass' in verdict(kernelGate({ cni: 'flannel' }), facts('3.10.0-229.7.2.el7.x86_64')));
  const auto = verdict(kernelGate({ cni: 'auto' }), facts('3.10.0-229.7.2.el7.x86_64', 'flannel'));
  t.true('pass' in auto);
  t.regex('pass' in auto ? auto.pass : '', /kube-router-only rule for 3\.10\.0-229\.\* not applied/);
  t.true('refuse' in verdict(kernelGate({ cni: 'auto' }), facts('3.10.0-229.7.2.el7.x86_64', 'kube-router')));
});

test('min refuses older kernels in RPM order, whatever the CNI', (t) => {
  const g = kernelGate({ cni: 'flannel', min: '3.10.0-693' });
  const old = verdict(g, facts('3.10.0-327.el7.x86_64', 'flannel'));
  t.regex('refuse' in old ? old.refuse : '', /older than the required minimum 3\.10\.0-693/);
  t.true('pass' in verdict(g, facts('3.10.0-1160.el7.x86_64', 'flannel')), '1160 > 693 numerically');
  t.true('pass' in verdict(g, facts('6.1.0-18-amd64', 'flannel')));
});

test('an unreadable kernel release is refused, not guessed', (t) => {
  t.true('refuse' in verdict(kernelGate(), facts('')));
});

test('bad patterns are input errors at build time', (t) => {
  t.throws(() => kernelGate({ min: '3.10; rm -rf /' }), { message: /kernel release/ });
});

test('unknown CNI (none found, or both): 3.10.0-229 is refused with the reason and the way out', (t) => {
  for (const cni of ['none', 'ambiguous'] as const) {
    const v = verdict(kernelGate({ cni: 'auto' }), facts('3.10.0-229.7.2.el7.x86_64', cni));
    t.true('refuse' in v, cni);
    const msg = 'refuse' in v ? v.refuse : '';
    t.regex(msg, /the CNI is unknown here/);
    t.regex(msg, /skb_under_panic/);
    t.regex(msg, /pass -e cni=flannel if the node will run that instead/);
  }
  // Told the CNI is flannel: the kube-router rule does not apply.
  t.true('pass' in verdict(kernelGate({ cni: 'flannel' }), facts('3.10.0-229.7.2.el7.x86_64', 'none')));
  t.true('pass' in verdict(kernelGate({ cni: 'auto' }), facts('3.10.0-693.21.1.el7.x86_64', 'none')));
});
