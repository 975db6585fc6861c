// Loader hook for test/cli/startup.test.ts: `node --import ./test/cli/trace-imports.mjs X`
// prints every module URL the ESM loader resolves to stderr, one `kremedy-import URL` line
// each. (CommonJS require()s inside a package are not seen; the package's entry point is.)
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const { register } = await import('node:module');
  register(import.meta.url);
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  writeSync(2, `kremedy-import ${result.url}\n`);
  return result;
}
