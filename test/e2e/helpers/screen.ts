// What a person's terminal shows after a program wrote `raw` to it: enough of a terminal to
// replay listr2's redraws (cursor up, erase line, column moves), so a test can count the lines
// a person has to read, not the frames the spinners drew. Colours and modes are ignored.

export function screenLines(raw: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (ch: string) => {
    const line = lines[row]!.padEnd(col, ' ');
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\u001b') {
      const m = /^\u001b\[([?\d;]*)([A-Za-z])/.exec(raw.slice(i, i + 16));
      if (!m) continue;
      i += m[0].length - 1;
      const n = Number(m[1]?.replace('?', '') || '1') || 1;
      switch (m[2]) {
        case 'A': row = Math.max(0, row - n); break;
        case 'B': row += n; break;
        case 'G': col = n - 1; break;
        case 'K': lines[row] = m[1] === '2' ? '' : lines[row]!.slice(0, col); break;
        case 'J': if (m[1] === '' || m[1] === '0') lines.splice(row + 1), (lines[row] = lines[row]!.slice(0, col)); break;
        default: break;
      }
      while (lines.length <= row) lines.push('');
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      while (lines.length <= row) lines.push('');
    } else if (ch >= ' ') put(ch);
  }
  return lines.map((l) => l.trimEnd());
}
