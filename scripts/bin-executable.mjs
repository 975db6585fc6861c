// tsc writes its output without the run bit, so after a clean build `npx kremedy` (and a
// linked or installed bin) failed with "Permission denied"; the build gives every bin its bit.
import { chmodSync, readFileSync, statSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) {
  const file = new URL(`../${bin}`, import.meta.url);
  chmodSync(file, statSync(file).mode | 0o111);
}
