// The shape of a loaded inventory. Both parsers (YAML in load.ts, INI in ini.ts) produce it
// through the same builder, so hosts, groups and variables mean the same thing whichever
// format the user wrote.

/** One inventory host, with its connection settings resolved from the merged variables. */
export interface Host {
  /** Inventory hostname (what patterns match and what logs show). */
  name: string;
  /** `ansible_ssh_host` or `ansible_host` (the legacy name wins when both are set, as in Ansible's ssh connection), else the inventory name. */
  address: string;
  /** `ansible_ssh_port` or `ansible_port` (legacy name first, as for the address), else ANSIBLE_REMOTE_PORT, ansible.cfg remote_port, else 22. */
  port: number;
  /** `ansible_ssh_user` or `ansible_user` (legacy name first, as for the address), else ANSIBLE_REMOTE_USER, ansible.cfg remote_user, else 'root'. */
  user: string;
  /** `ansible_ssh_private_key_file` (or `ansible_private_key_file`, ANSIBLE_PRIVATE_KEY_FILE, ansible.cfg private_key_file): `~` expanded, relative paths resolved against the working directory, as ssh does for Ansible. */
  privateKeyFile?: string;
  /** `ansible_ssh_password`, `ansible_ssh_pass` or `ansible_password`, in that precedence. */
  password?: string;
  /** `ansible_become`, bool-ish (true/yes/1/"True"/on), else false. */
  become: boolean;
  /** `ansible_sudo_pass`, `ansible_become_pass` or `ansible_become_password`, in that precedence (Ansible's sudo plugin). */
  becomePassword?: string;
  /** `ansible_become_user` when set (only root is accepted for a host that becomes). */
  becomeUser?: string;
  /** `ansible_become_method` when set (only sudo is accepted for a host that becomes). */
  becomeMethod?: string;
  /** `ansible_connection` when set (only the SSH ones are accepted). */
  connection?: string;
  /** ssh command-line options from ansible_ssh_args / ansible_ssh_common_args / ansible_ssh_extra_args (or their ansible.cfg / ANSIBLE_* forms), in the order Ansible passes them to ssh. */
  sshArgs?: SshArgsSource[];
  /** Where each connection setting came from (`file:line (variable)`, an ansible.cfg line, an environment variable, or a default). */
  origins?: Partial<Record<HostSettingName, string>>;
  /** Why kremedy cannot work on this host (a value it cannot evaluate, a connection type it has no connector for, ...): selecting it is bad input. */
  refused?: string[];
  /** Every group the host is in, including ancestors, `all` and (when it has no other group) `ungrouped`; sorted. */
  groups: string[];
  /**
   * Merged variables, lowest precedence first: `all`, then the other groups ordered by depth
   * (parents before children), `ansible_group_priority`, then name (as Ansible does), then
   * group_vars/all and group_vars/GROUP files (same order, per source), then the host's own
   * variables (merged in file order when a host is listed twice), then host_vars. Templates are
   * kept as written; only the connection settings above are evaluated.
   */
  vars: Record<string, unknown>;
}

export type HostSettingName =
  | 'address' | 'port' | 'user' | 'privateKeyFile' | 'password' | 'become' | 'becomePassword' | 'becomeUser' | 'becomeMethod' | 'connection'
  | 'sshArgs' | 'sshCommonArgs' | 'sshExtraArgs';

export interface SshArgsSource {
  /** ssh_args (before Ansible's own -o Port/User options), ssh_common_args or ssh_extra_args (after them). */
  option: 'ssh_args' | 'ssh_common_args' | 'ssh_extra_args';
  text: string;
  origin: string;
}

export interface Group {
  name: string;
  /** Direct child groups, in the order they were declared. */
  children: string[];
  /** Hosts listed directly in this group (not through children), in the order they were declared. */
  hosts: string[];
  /** The group's own variables (not inherited). */
  vars: Record<string, unknown>;
}

export interface Inventory {
  /** The inventory source as it was given (several: joined with commas). */
  file: string;
  /** Every inventory source, as given (files, directories, host lists). */
  sources?: string[];
  /** Every file read: inventory files, group_vars and host_vars files. */
  files?: string[];
  /** Every host, in inventory order (first appearance in the file; host patterns use each group's own order). */
  hosts: Map<string, Host>;
  /** Every group, always including `all` and `ungrouped`. */
  groups: Map<string, Group>;
  /** Non-fatal findings, each prefixed with `file:line:` when the place is known. */
  warnings: string[];
}
