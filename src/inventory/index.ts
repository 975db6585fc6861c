// Inventory loading: Ansible inventory sources (YAML and INI files, directories, host lists,
// group_vars and host_vars), ansible.cfg, host patterns, and the --graph view.

export type { Group, Host, HostSettingName, Inventory } from './types.js';
export { parseYamlInventory } from './load.js';
export { parseBoolish } from './host-settings.js';
export { parseIniInventory } from './ini.js';
export { parsePythonLiteral } from './pyliteral.js';
export { detectInventoryFormat, loadInventory, loadInventorySources, type SourceOptions } from './sources.js';
export { AnsibleConfig } from './ansible-cfg.js';
export { groupHostOrder, matchHosts, readHostListFile, selectHosts, splitPattern, type HostSelection } from './patterns.js';
export { renderGraph } from './graph.js';
