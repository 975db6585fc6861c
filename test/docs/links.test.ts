import test from 'ava';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The README is the front door and docs/ holds the reference: every relative link in them must
// lead somewhere, to a file of the repository and, with a #fragment, to a heading in it.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGES = ['README.md', ...readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchors for a page's headings (lower case, punctuation dropped, spaces to -, repeats numbered). */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*$/.exec(line);
    if (!m) continue;
    const slug = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** Relative link targets of a page (inline links, outside code), with the line they are on. */
function links(markdown: string): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (text.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1]!)) out.push({ target: m[1]!, line: i + 1 });
    }
  });
  return out;
}

test('every relative link in README.md and docs/*.md resolves, anchors included', (t) => {
  const broken: string[] = [];
  for (const page of PAGES) {
    for (const { target, line } of links(readFileSync(path.join(REPO, page), 'utf8'))) {
      const [file, fragment] = target.split('#') as [string, string | undefined];
      const resolved = file ? path.resolve(path.dirname(path.join(REPO, page)), decodeURIComponent(file)) : path.join(REPO, page);
      if (!resolved.startsWith(REPO) || !existsSync(resolved)) {
        broken.push(`${page}:${line}: ${target} (no such file)`);
        continue;
      }
      if (fragment && !(statSync(resolved).isFile() && anchors(readFileSync(resolved, 'utf8')).has(fragment))) broken.push(`${page}:${line}: ${target} (no such heading)`);
    }
  }
  t.deepEqual(broken, []);
});

test('the README stays a front door: at most 16 KB', (t) => {
  t.true(statSync(path.join(REPO, 'README.md')).size <= 16 * 1024);
});

test('anchors follow GitHub: punctuation dropped, code spans kept as text, repeats numbered', (t) => {
  t.deepEqual([...anchors('## Connections: ssh_config and jump hosts\n### `reset-node`\n## A\n## A\n```\n# not a heading\n```')], ['connections-ssh_config-and-jump-hosts', 'reset-node', 'a', 'a-1']);
});
