// Ansible's parse_address (ansible/parsing/utils/addresses.py) with allow_ranges, used only to
// split host patterns as split_host_pattern does: a pattern without commas that parses as one
// address (`node1`, `node1:22`, `10.0.0.1:22`, `fe80::1`, `node[1:3]`) is one term, colons
// and all; anything else is split on colons and whitespace.

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const V6 = String.raw`(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const V4 = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w in a str pattern is Unicode: letters, numbers and the underscore.
const W = String.raw`[\p{L}\p{N}_]`;
const LABEL = String.raw`(?:${W}|${ALNUM_RANGE})(?:${W}|[_-]|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/su;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/su;
const IPV4 = new RegExp(String.raw`^(?:${V4}\.){3}${V4}$`, 'iu');
// As in Ansible's verbose regex, `^` and `$` bind to the first and last alternatives only (and
// re.match anchors every alternative at the start): all but the last match a prefix.
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${V6}:){7}${V6}`,
      `(?:${V6}:){1,6}:`,
      `(?:${V6}:)(?::${V6}){1,6}`,
      `(?:${V6}:){2}(?::${V6}){1,5}`,
      `(?:${V6}:){3}(?::${V6}){1,4}`,
      `(?:${V6}:){4}(?::${V6}){1,3}`,
      `(?:${V6}:){5}(?::${V6}){1,2}`,
      `(?:${V6}:){6}(?::${V6})`,
      `:(?::${V6}){1,6}`,
      `${V6}?::`,
      `(?:0:){6}(?:${V6}\\.){3}${V6}`,
      `::(?:ffff:)?(?:${V6}\\.){3}${V6}`,
      `(?:(?:0:){5}ffff:(?:${V6}\\.){3}${V6})$`,
    ].join('|') +
    ')',
  'iu',
);
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');

/** Whether Ansible's parse_address(text, allow_ranges=True) accepts the text. */
export function isAnsibleAddress(text: string): boolean {
  let address = text;
  // Like Ansible, both port forms are tried in turn, the second on what the first left.
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(address);
    if (m) address = m[1]!;
  }
  // Python's `$` also matches before a final newline.
  const candidate = address.endsWith('\n') ? [address, address.slice(0, -1)] : [address];
  return candidate.some((a) => IPV4.test(a) || IPV6.test(a) || HOSTNAME.test(a));
}
