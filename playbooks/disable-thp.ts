import { files, playbook, services, sysfs } from '../src/index.js';

export const THP_DIR = '/sys/kernel/mm/transparent_hugepage';
export const THP_UNIT = 'kremedy-disable-thp.service';

// The unit runs early (before basic.target, like the tuned/mongodb recipes) so nothing has
// allocated huge pages yet when THP goes off; it writes the same two files this playbook sets now.
export const THP_UNIT_CONTENT = `[Unit]
Description=Disable transparent huge pages (kremedy disable-thp: khugepaged soft lockups)
DefaultDependencies=no
After=sysinit.target local-fs.target
Before=basic.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo never > ${THP_DIR}/enabled && echo never > ${THP_DIR}/defrag'

[Install]
WantedBy=basic.target
`;

export default playbook({
  name: 'disable-thp',
  description:
    'Turn transparent huge pages off (khugepaged soft lockups): enabled and defrag set to never now, and at every boot by an enabled systemd unit.',
  source: 'BUG: soft lockup',
  // Persistence first: when /sys is read-only (containers) the runtime write fails, and the
  // unit must already be in place so the setting still applies where the kernel allows it.
  tasks: () => [
    files.present(`/etc/systemd/system/${THP_UNIT}`, { content: THP_UNIT_CONTENT, mode: '0644', daemonReload: true }),
    services.enabled(THP_UNIT),
    sysfs.value(`${THP_DIR}/enabled`, 'never'),
    sysfs.value(`${THP_DIR}/defrag`, 'never'),
  ],
});
