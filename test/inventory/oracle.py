#!/usr/bin/python3
"""The differential test's oracle: ansible-core itself (Debian's package, run by /usr/bin/python3).

Reads on stdin a JSON list of {"file": PATH, "patterns": [PATTERN, ...]} (or {"regexes": [...],
"names": [...]}: which names Python's re.match accepts for each regex; or {"layout": NAME,
"sources": [...]}: a whole layout's variables and connection settings) and prints one JSON
list: per inventory, whether Ansible loads it, its hosts (in inventory order), each host's
groups, the address/port/user Ansible's ssh connection would use, and per pattern the hosts
Ansible selects (in its order) or the error it raises.

A pattern is evaluated as `ansible PATTERN --list-hosts` does (InventoryManager.get_hosts);
one with `@FILE` terms as `--limit` reads them (InventoryManager.subset), in term order.

Ansible walks group descendants below the first level through a Python set
(Group._walk_relationship), so its host order there depends on memory addresses. Each pattern is
therefore also evaluated with that walk made deterministic: in declaration order (what kremedy
does), reversed, and four seeded shuffles; where those differ the result is marked ambiguous and
the declaration-order result is the one to compare.
"""
import json
import os
import random
import re
import sys
from itertools import chain

os.environ.setdefault('ANSIBLE_INVENTORY_UNPARSED_FAILED', 'True')
os.environ.setdefault('ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED', 'True')
os.environ.setdefault('ANSIBLE_HOST_PATTERN_MISMATCH', 'ignore')
os.environ.setdefault('ANSIBLE_LOCALHOST_WARNING', 'False')

from ansible import constants as C  # noqa: E402
from ansible.errors import AnsibleError  # noqa: E402
from ansible.inventory.group import Group  # noqa: E402
from ansible.inventory.helpers import get_group_vars  # noqa: E402
from ansible.inventory.manager import InventoryManager, split_host_pattern  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.plugins.loader import connection_loader  # noqa: E402
from ansible.utils.helpers import deduplicate_list  # noqa: E402
from ansible.utils.vars import combine_vars  # noqa: E402

REAL_WALK = Group._walk_relationship


def ordered_walk(order):
    """Group._walk_relationship with the set of each level replaced by a list, in declaration
    order (order=None), reversed (order='reverse'), or shuffled by a seeded random.Random."""

    def arrange(level):
        if order is None:
            return level
        if order == 'reverse':
            return list(reversed(level))
        shuffled = list(level)
        order.shuffle(shuffled)
        return shuffled

    def walk(self, rel, include_self=False, preserve_ordering=False):
        if not preserve_ordering:
            return REAL_WALK(self, rel, include_self=include_self, preserve_ordering=False)
        seen = set()
        unprocessed = ([self] if include_self else []) + list(getattr(self, rel))
        ordered = [self] if include_self else []
        ordered.extend(getattr(self, rel))
        while unprocessed:
            seen.update(unprocessed)
            new = []
            for item in chain.from_iterable(getattr(g, rel) for g in arrange(unprocessed)):
                if item not in new:
                    new.append(item)
                if item not in seen:
                    ordered.append(item)
            unprocessed = [g for g in new if g not in seen]
        return ordered

    return walk


def clear_caches(im):
    im.clear_pattern_cache()
    im._hosts_patterns_cache = {}
    for g in im._inventory.groups.values():
        g._hosts_cache = None


def select(im, pattern):
    terms = split_host_pattern(pattern)
    if any(t.startswith('@') for t in terms):
        im.subset(pattern)
        try:
            hosts = im._evaluate_patterns(im._subset)
        finally:
            im.subset(None)
        return [h.name for h in deduplicate_list(hosts)]
    return [h.name for h in im.get_hosts(pattern)]


def evaluate(im, pattern):
    try:
        return {'status': 'ok', 'hosts': select(im, pattern)}
    except AnsibleError as e:
        return {'status': 'error', 'error': str(e).splitlines()[0]}
    except Exception as e:  # Ansible crashes on some inputs (e.g. "!" alone): still an error
        return {'status': 'error', 'error': '%s: %s' % (type(e).__name__, e)}


def connection(im, host):
    variables = combine_vars(get_group_vars(host.get_groups()), host.get_vars())
    variables['inventory_hostname'] = host.name
    out = {}
    for option, key in (('host', 'address'), ('port', 'port'), ('remote_user', 'user')):
        value = C.config.get_config_value(option, plugin_type='connection', plugin_name='ssh', variables=variables)
        out[key] = value if value is None or isinstance(value, (str, int)) else str(value)
    return out


def inventory(entry, loader):
    path = entry['file']
    result = {'file': path}
    try:
        im = InventoryManager(loader=loader, sources=[path])
    except Exception as e:
        result['loaded'] = False
        result['error'] = str(e).splitlines()[0]
        return result
    result['loaded'] = True
    inv = im._inventory
    result['hosts'] = list(inv.hosts.keys())
    result['groups'] = {h.name: sorted(g.name for g in h.get_groups()) for h in inv.hosts.values()}
    result['connection'] = {h.name: connection(im, h) for h in inv.hosts.values()}
    orders = lambda: [None, 'reverse'] + [random.Random(seed) for seed in range(4)]  # noqa: E731

    def under(order, fn):
        Group._walk_relationship = ordered_walk(order)
        clear_caches(im)
        try:
            return fn()
        finally:
            Group._walk_relationship = REAL_WALK

    # Patterns only see the walk through group host lists: if no group's list depends on it,
    # no pattern can, and the variants need not be evaluated per pattern.
    group_hosts = lambda: {n: [h.name for h in g.get_hosts()] for n, g in inv.groups.items()}  # noqa: E731
    sensitive = len({json.dumps(under(order, group_hosts)) for order in orders()}) > 1
    results = []
    for pattern in entry['patterns']:
        clear_caches(im)
        real = evaluate(im, pattern)
        row = {'pattern': pattern, **real}
        if sensitive:
            variants = [under(order, lambda: evaluate(im, pattern)) for order in orders()]
            if any(v != variants[0] for v in variants[1:]):
                row = {'pattern': pattern, 'ambiguous': True, 'real': real, **variants[0]}
        results.append(row)
    result['results'] = results
    return result


CONNECTION_KEYS = [
    'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user',
    'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password',
    'ansible_become', 'ansible_become_user', 'ansible_sudo_user', 'ansible_become_method', 'ansible_become_password',
    'ansible_become_pass', 'ansible_sudo_pass', 'ansible_connection', 'ansible_ssh_args', 'ansible_ssh_common_args',
    'ansible_ssh_extra_args',
]


def plain(value):
    """A variable's value as JSON can carry it (vault values as {"__vault__": true}, other objects as text)."""
    from ansible.parsing.yaml.objects import AnsibleVaultEncryptedUnicode

    def other(o):
        return {'__vault__': True} if isinstance(o, AnsibleVaultEncryptedUnicode) else str(o)
    return json.loads(json.dumps(value, default=other))


def settings(variables, loader):
    """The connection settings an ansible-playbook task would use (TaskExecutor: the connection
    variables templated, then the ssh/sudo plugin options: vars, then env, then ansible.cfg)."""
    from ansible.template import Templar
    from ansible.plugins.loader import become_loader
    become_loader.get('sudo', class_only=True)
    templar = Templar(loader=loader, variables=variables)
    templated = {}
    for key in CONNECTION_KEYS:
        if key in variables:
            try:
                templated[key] = templar.template(variables[key])
            except Exception as e:  # undefined variables, unsupported filters, vault without a password
                return {'error': '%s: %s: %s' % (key, type(e).__name__, str(e).splitlines()[0] if str(e) else '')}
    out = {}
    try:
        return fill(out, templated)
    except Exception as e:  # a vault value meets the option's type conversion: no password
        return {'error': '%s: %s' % (type(e).__name__, str(e).splitlines()[0] if str(e) else '')}


def fill(out, templated):
    def conn(option, plugin_type='connection', plugin_name='ssh'):
        v = C.config.get_config_value(option, plugin_type=plugin_type, plugin_name=plugin_name, variables=templated)
        return v if v is None or isinstance(v, (str, int, bool)) else str(v)
    out['address'] = conn('host')
    out['port'] = conn('port')
    out['user'] = conn('remote_user')
    out['key'] = conn('private_key_file')
    out['password'] = conn('password')
    out['ssh_args'] = conn('ssh_args')
    out['ssh_common_args'] = conn('ssh_common_args')
    out['ssh_extra_args'] = conn('ssh_extra_args')
    out['become_user'] = conn('become_user', 'become', 'sudo')
    out['become_password'] = conn('become_pass', 'become', 'sudo')
    become = templated.get('ansible_become', C.DEFAULT_BECOME)
    out['become'] = become if isinstance(become, bool) else str(become)
    out['become_method'] = templated.get('ansible_become_method', C.DEFAULT_BECOME_METHOD)
    out['connection'] = templated.get('ansible_connection', C.DEFAULT_TRANSPORT)
    return plain(out)


def layout(entry):
    """A whole layout, as ansible-playbook would read it: the sources (or the configured
    inventory when there are none), every host's variables (VariableManager, as
    `ansible-inventory --host`), and the connection settings of each host."""
    from ansible.cli.inventory import INTERNAL_VARS
    from ansible.vars.manager import VariableManager
    loader = DataLoader()
    sources = entry['sources'] or C.DEFAULT_HOST_LIST
    result = {'layout': entry['layout'], 'sources': sources}
    try:
        im = InventoryManager(loader=loader, sources=sources)
    except Exception as e:
        result['loaded'] = False
        result['error'] = str(e).splitlines()[0]
        return result
    result['loaded'] = True
    vm = VariableManager(loader=loader, inventory=im)
    hosts = {}
    for h in im._inventory.hosts.values():
        variables = vm.get_vars(host=h, include_hostvars=False, stage='all')
        shown = {k: plain(v) for k, v in variables.items() if k not in INTERNAL_VARS}
        hosts[h.name] = {'groups': sorted(g.name for g in h.get_groups()), 'vars': shown, 'settings': settings(variables, loader)}
    result['hosts'] = hosts
    result['order'] = list(im._inventory.hosts.keys())
    return result


def regexes(entry):
    """Python's re on its own, as _match_list applies a `~` pattern: re.compile, then .match."""
    out = []
    for source in entry['regexes']:
        try:
            compiled = re.compile(source)
        except re.error as e:
            out.append({'regex': source, 'status': 'error', 'error': str(e)})
            continue
        out.append({'regex': source, 'status': 'ok', 'names': [n for n in entry['names'] if compiled.match(n)]})
    return {'regexes': out}


def main():
    connection_loader.get('ssh', class_only=True)  # registers the ssh plugin's options
    entries = json.load(sys.stdin)
    loader = DataLoader()
    json.dump([regexes(e) if 'regexes' in e else layout(e) if 'layout' in e else inventory(e, loader) for e in entries], sys.stdout)


if __name__ == '__main__':
    main()
