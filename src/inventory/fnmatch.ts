// Host pattern globs, as Ansible matches them: Python 3's fnmatch.translate applied with
// re.match, so case-sensitive and whole-name. `*`, `?`, `[seq]`, `[!seq]`, ranges (`[a-c]`;
// reversed ranges are dropped, as Python does), an unclosed `[` is a literal. Worked on code
// points, so `?` matches one character even outside the BMP.

const CLASS_SPECIAL = new Set(['\\', ']', '[', '^', '-']);

function classChars(s: string): string {
  return Array.from(s, (c) => (CLASS_SPECIAL.has(c) ? `\\${c}` : c)).join('');
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** The class body of `pat[i..j)` (between the brackets), as fnmatch.translate builds it. */
function classBody(pat: string[], i: number, j: number): string {
  const raw = pat.slice(i, j);
  if (!raw.includes('-')) return classChars(raw.join(''));
  const chunks: string[] = [];
  let start = i;
  let k = pat[i] === '!' ? i + 2 : i + 1;
  for (;;) {
    k = pat.indexOf('-', k);
    if (k < 0 || k >= j) break;
    chunks.push(pat.slice(start, k).join(''));
    start = k + 1;
    k = k + 3;
  }
  const chunk = pat.slice(start, j).join('');
  if (chunk) chunks.push(chunk);
  else chunks[chunks.length - 1] += '-';
  // Remove empty (reversed) ranges, invalid in a regular expression.
  for (let n = chunks.length - 1; n > 0; n--) {
    const prev = Array.from(chunks[n - 1]!);
    const cur = Array.from(chunks[n]!);
    if (prev[prev.length - 1]! > cur[0]!) {
      chunks[n - 1] = prev.slice(0, -1).join('') + cur.slice(1).join('');
      chunks.splice(n, 1);
    }
  }
  return chunks.map(classChars).join('-');
}

/** fnmatch.translate(glob) as a JavaScript RegExp that matches whole names. */
export function globToRegExp(glob: string): RegExp {
  const pat = Array.from(glob);
  const n = pat.length;
  let re = '';
  let lastStar = false;
  for (let i = 0; i < n; ) {
    const c = pat[i++]!;
    if (c === '*') {
      if (!lastStar) re += '.*';
      lastStar = true;
      continue;
    }
    lastStar = false;
    if (c === '?') re += '.';
    else if (c === '[') {
      let j = i;
      if (j < n && pat[j] === '!') j++;
      if (j < n && pat[j] === ']') j++;
      while (j < n && pat[j] !== ']') j++;
      if (j >= n) {
        re += '\\[';
        continue;
      }
      const stuff = classBody(pat, i, j);
      i = j + 1;
      if (stuff === '') re += '(?!)';
      else if (stuff === '!') re += '.';
      else re += stuff.startsWith('!') ? `[^${stuff.slice(1)}]` : `[${stuff}]`;
    } else re += escapeChar(c);
  }
  return new RegExp(`^(?:${re})$`, 'su');
}
