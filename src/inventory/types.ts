// The shape of a loaded inventory. Both parsers (YAML in load.ts, INI in ini.ts) produce it
// through the same builder, so hosts, groups and variables mean the same thing whichever
// format the user wrote.

/** One inventory host, with its connection settings resolved from the merged variables. */
export interface Host {
  /** Inventory hostname (what patterns match and what logs show). */
  name: string;
  /** `ansible_ssh_host` or `ansible_host` (the legacy name wins when both are set, as in Ansible's ssh connection), else the inventory name. */
  address: string;
  /** `ansible_ssh_port` or `ansible_port` (legacy name first, as for the address), else 22. */
  port: number;
  /** `ansible_ssh_user` or `ansible_user` (legacy name first, as for the address), else 'root'. */
  user: string;
  /** `ansible_ssh_private_key_file` (or `ansible_private_key_file`): `~` expanded, relative paths resolved against the inventory file's directory. */
  privateKeyFile?: string;
  /** `ansible_ssh_password`, `ansible_ssh_pass` or `ansible_password`, in that precedence. */
  password?: string;
  /** `ansible_become`, bool-ish (true/yes/1/"True"/on), else false. */
  become: boolean;
  /** `ansible_sudo_pass`, `ansible_become_pass` or `ansible_become_password`, in that precedence (Ansible's sudo plugin). */
  becomePassword?: string;
  /** Every group the host is in, including ancestors, `all` and (when it has no other group) `ungrouped`; sorted. */
  groups: string[];
  /**
   * Merged variables, lowest precedence first: `all`, then the other groups ordered by depth
   * (parents before children), `ansible_group_priority`, then name (as Ansible does), then the
   * host's own variables (which themselves merge in file order when a host is listed twice).
   */
  vars: Record<string, unknown>;
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
  /** The inventory file as it was given. */
  file: string;
  /** Every host, in inventory order (first appearance in the file; host patterns use each group's own order). */
  hosts: Map<string, Host>;
  /** Every group, always including `all` and `ungrouped`. */
  groups: Map<string, Group>;
  /** Non-fatal findings, each prefixed with `file:line:` when the place is known. */
  warnings: string[];
}
