// Host lists in Ansible's inventory range form (`w[01:12]`, `ceoh[1:19]`), so a group of 200
// hosts heads its plan in one line. The form is reversible: expandHosts(compactHosts(names))
// gives the same names back, sorted. Padding follows Ansible: a range whose start has a leading
// zero pads every member to the start's width (and the end has that width too); one without
// pads nothing. Names that cannot be written unambiguously (with `,`, `[`, `]` or `:`) are
// listed as they are.

const NUMBERED = /^(.*?)(\d+)(\D*)$/;
const SAFE = /^[^,[\]:]+$/;

interface Numbered {
  name: string;
  prefix: string;
  digits: string;
  suffix: string;
  n: number;
}

const padded = (digits: string) => digits.length > 1 && digits.startsWith('0');

/** How a range starting at `first` writes the number n (Ansible's fill). */
function fill(first: Numbered, n: number): string {
  return padded(first.digits) ? String(n).padStart(first.digits.length, '0') : String(n);
}

function range(run: Numbered[]): string {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  if (run.length === 1) return first.name;
  return `${first.prefix}[${first.digits}:${last.digits}]${first.suffix}`;
}

/** Sorted, deduplicated names, numbered ones folded into ranges: `m1,w[01:12],w13x`. */
export function compactHosts(names: Iterable<string>): string {
  const parts: Array<{ key: string; text: string }> = [];
  const families = new Map<string, Numbered[]>();
  for (const name of new Set(names)) {
    const m = SAFE.test(name) ? NUMBERED.exec(name) : null;
    const n = m ? Number(m[2]) : NaN;
    if (!m || !Number.isSafeInteger(n)) {
      parts.push({ key: name, text: name });
      continue;
    }
    const item = { name, prefix: m[1]!, digits: m[2]!, suffix: m[3]!, n };
    const fam = `${item.prefix}\0${item.suffix}`;
    families.set(fam, [...(families.get(fam) ?? []), item]);
  }
  for (const members of families.values()) {
    members.sort((a, b) => a.n - b.n || a.digits.length - b.digits.length);
    let run: Numbered[] = [];
    const flush = () => {
      if (run.length) parts.push({ key: `${run[0]!.prefix}\0${String(run[0]!.n).padStart(20, '0')}\0${run[0]!.suffix}`, text: range(run) });
      run = [];
    };
    for (const m of members) {
      const first = run[0];
      const prev = run[run.length - 1];
      const fits = first && prev && m.n === prev.n + 1 && m.digits === fill(first, m.n) && (!padded(first.digits) || m.digits.length === first.digits.length);
      if (!fits) flush();
      run.push(m);
    }
    flush();
  }
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.text)
    .join(',');
}

/** The names a compact list stands for (the inverse of compactHosts, for its output). */
export function expandHosts(list: string): string[] {
  if (list === '') return [];
  return list.split(',').flatMap((part) => {
    const m = /^([^[]*)\[(\d+):(\d+)\](.*)$/.exec(part);
    if (!m) return [part];
    const [, prefix, beg, end, suffix] = m as unknown as [string, string, string, string, string];
    const width = padded(beg) ? beg.length : 0;
    const out: string[] = [];
    for (let n = Number(beg); n <= Number(end); n++) out.push(`${prefix}${String(n).padStart(width, '0')}${suffix}`);
    return out;
  });
}
