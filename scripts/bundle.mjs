// The run path as one CommonJS file, dist/bundle/kremedy.cjs: the library and the CLI
// (src/bundle.ts) with yargs, yaml, listr2, ajv and ssh2 inside. bin/kremedy.cjs loads it with a
// V8 code cache. Why (issue 21, start-up to the first connection ≤ 150 ms; measured on this
// 2-core machine, median of 10, bench/README "start-up"): tsc's ~250 ES modules took ~265 ms,
// of which node's ESM loader resolving and linking them was ~65 ms and compiling them most of
// the rest; one file costs one resolve, and the code cache skips the compile.
// Why CommonJS and not an ESM bundle: vm.Script (the only code-cache API on Node 20) runs a
// script, not a module; and an ESM bundle with ssh2 left outside still paid for ssh2's ~40 files.
// tsc still builds dist/src: the types, and the modules the tests' import tracer reads.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist/bundle');

/**
 * string-width builds Unicode property regexes (\p{RGI_Emoji}, flag v) when its module is
 * evaluated: ~30 ms of start-up, spent because cliui (yargs) and listr2 import it, although the
 * text they measure is printable ASCII nearly always. The shim answers that case itself and loads
 * the real module (the version its importer asked for) on the first other string.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'real' });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width', pluginData: real.path };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      resolveDir: path.dirname(args.pluginData),
      loader: 'js',
      contents: `let real;
const printableAscii = /^[\\x20-\\x7e]*$/;
export default function stringWidth(string, options) {
  if (typeof string === 'string' && printableAscii.test(string)) return string.length;
  real ??= require(${JSON.stringify(args.pluginData)}).default;
  return real(string, options);
}
`,
    }));
  },
};

/**
 * ssh2 finds its native crypto binding (sshcrypto.node, built at install) by a path relative to
 * its own files: left a require of the installed package's file, resolved from the bundle's
 * place in node_modules. Without it ssh2 falls back to its JavaScript ciphers, as it would anyway.
 */
const nativeSsh2 = {
  name: 'native-ssh2',
  setup(b) {
    b.onResolve({ filter: /sshcrypto\.node$/ }, () => ({ path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', external: true }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { kremedy: 'src/bundle.ts' },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // tsx registers hooks that must see the real package (a user's .ts playbook); cpu-features is
  // ssh2's optional native probe, absent on most installs.
  external: ['tsx', 'tsx/*', 'cpu-features'],
  plugins: [lazyStringWidth, nativeSsh2],
  // src/version.ts finds package.json from its own URL: the bundle sits as deep as dist/src does.
  define: { 'import.meta.url': '__kremedy_url' },
  banner: { js: "const __kremedy_url = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
