// RPM's version order (rpmio/rpmvercmp.c), so kernel releases compare the way yum compares
// them: 3.10.0-693.21.1.el7 sorts after 3.10.0-229.7.2.el7 although "2" > "6" is false only
// character by character. A faithful port, including rpm's quirks (separators are not
// significant, "~" sorts before everything, "^" after the base version), because a kernel gate
// that disagrees with the package manager about "newer" would refuse or pass the wrong hosts.

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
// rpm uses its own ASCII-only ctype (risalpha), so letters outside A-Z/a-z are separators.
const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAlpha(c);

/** -1, 0 or 1, exactly as rpmvercmp(a, b) returns them. */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;

    // "~" sorts before everything, even the end of the string (1.0~rc1 < 1.0).
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // "^" sorts after the end of the string but before any other segment (1.0 < 1.0^git1 < 1.0.1).
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;

    const numeric = isDigit(a[i]);
    const inSegment = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && inSegment(a[ei])) ei++;
    while (ej < b.length && inSegment(b[ej])) ej++;
    // b's segment is of the other type (empty for this type): numeric beats alpha.
    if (ej === j) return numeric ? 1 : -1;

    let sa = a.slice(i, ei);
    let sb = b.slice(j, ej);
    if (numeric) {
      // Numbers of any length: compare without leading zeros, longer is larger, then digit by digit.
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  // Whichever still has segments left is newer (1.0.1 > 1.0, 1.0a > 1.0).
  return i < a.length ? 1 : -1;
}

/** Architecture suffixes `uname -r` appends on RPM distributions. */
const ARCH_SUFFIX = /\.(x86_64|i[3-6]86|aarch64|ppc64le|ppc64|s390x|armv7hl|noarch)$/;

export interface KernelRelease {
  version: string;
  /** Empty when the string has no "-" (a bare upstream version like 6.8). */
  release: string;
}

/** Split `uname -r` the RPM way: version before the first "-", release after, arch dropped. */
export function parseKernelRelease(raw: string): KernelRelease {
  const s = raw.trim().replace(ARCH_SUFFIX, '');
  const dash = s.indexOf('-');
  return dash < 0 ? { version: s, release: '' } : { version: s.slice(0, dash), release: s.slice(dash + 1) };
}

/**
 * Order two kernel releases (`3.10.0-229.7.2.el7.x86_64`, `6.1.0-18-amd64`): version first,
 * then release, each with rpmvercmp, as rpm compares EVRs (kernels carry no epoch).
 */
export function compareKernelReleases(a: string, b: string): -1 | 0 | 1 {
  const ka = parseKernelRelease(a);
  const kb = parseKernelRelease(b);
  return rpmvercmp(ka.version, kb.version) || rpmvercmp(ka.release, kb.release);
}

/**
 * Does `kernel` fall under `pattern`? A pattern is a release, optionally ending in ".*" or "*":
 * `3.10.0-229.*` matches 3.10.0-229 and every 3.10.0-229.x.y build, but not 3.10.0-2290.
 */
export function kernelMatches(kernel: string, pattern: string): boolean {
  const k = parseKernelRelease(kernel);
  const wildcard = /\.?\*$/.test(pattern);
  const p = parseKernelRelease(pattern.replace(/\.?\*$/, ''));
  if (rpmvercmp(k.version, p.version) !== 0) return false;
  if (!wildcard) return rpmvercmp(k.release, p.release) === 0;
  if (p.release === '') return true;
  return k.release === p.release || k.release.startsWith(`${p.release}.`) || k.release.startsWith(`${p.release}-`);
}
