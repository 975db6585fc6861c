/**
 * Splits a string into words like Python's shlex.split (POSIX mode): quotes and backslashes,
 * no expansion. With `comments`, an unquoted # ends the line (Ansible INI host lines).
 * Throws a plain Error on an unterminated quote or a trailing backslash; callers say where.
 */
export function splitShellWords(s: string, opts: { comments: boolean } = { comments: false }): string[] {
  const tokens: string[] = [];
  let cur = '';
  let inToken = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      if (inToken) tokens.push(cur);
      cur = '';
      inToken = false;
      i++;
    } else if (c === '#' && opts.comments) {
      break;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('no closing quotation');
      cur += s.slice(i + 1, end);
      inToken = true;
      i = end + 1;
    } else if (c === '"') {
      inToken = true;
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('no closing quotation');
        const ch = s[i]!;
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\' && i + 1 < s.length && '\\"$`\n'.includes(s[i + 1]!)) {
          cur += s[i + 1];
          i += 2;
        } else {
          cur += ch;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new Error('no escaped character');
      cur += s[i + 1];
      inToken = true;
      i += 2;
    } else {
      cur += c;
      inToken = true;
      i++;
    }
  }
  if (inToken) tokens.push(cur);
  return tokens;
}
