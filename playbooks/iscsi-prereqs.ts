import { files, packages, playbook, services } from '../src/index.js';

export const INITIATOR_FILE = '/etc/iscsi/initiatorname.iscsi';
const VALID = '^InitiatorName=iqn\\.[0-9]{4}-[0-9]{2}\\.[!-~]+$';

// iscsi-iname (from the package just installed) makes a random, unique name, as the distro
// packages do. Without it, the name is derived from the host name: deterministic, so a rerun
// never renames an initiator that targets may already have ACLs for.
const GENERATOR =
  "if command -v iscsi-iname >/dev/null 2>&1; then printf 'InitiatorName=%s\\n' \"$(iscsi-iname)\"; " +
  "else printf 'InitiatorName=iqn.2004-10.io.kremedy:%s\\n' \"$(hostname | tr 'A-Z' 'a-z' | tr -c 'a-z0-9.\\n-' '-')\"; fi";

export default playbook({
  name: 'iscsi-prereqs',
  description:
    'Prepare a node for iSCSI volumes (OpenEBS/jiva PVCs stuck in Init: "iscsiadm: executable file not found in $PATH"): open-iscsi / iscsi-initiator-utils installed, an initiator name, iscsid enabled and running.',
  source: 'pod挂载pvc，一直处于init状态',
  tasks: () => [
    packages.present({ debian: 'open-iscsi', rhel: 'iscsi-initiator-utils' }),
    files.present(INITIATOR_FILE, {
      title: `${INITIATOR_FILE} has an InitiatorName`,
      mode: '0600',
      valid: VALID,
      generator: GENERATOR,
      preview: 'InitiatorName=<from iscsi-iname, else iqn.2004-10.io.kremedy:HOSTNAME> (kept if the package already wrote one)',
    }),
    // Last: when iscsid cannot start (no iSCSI support in the kernel, as in containers), the
    // step fails with the daemon's own reason and everything before it stays done.
    services.running('iscsid.service'),
  ],
});
