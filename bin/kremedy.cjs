#!/usr/bin/env node
'use strict';
// The installed `kremedy`: runs dist/bundle/kremedy.cjs (scripts/bundle.mjs) from a V8 code
// cache. Start-up is part of every run's wall time while the hosts wait (issue 21: ≤ 150 ms to
// the first connection); compiling the 2 MB bundle was most of what was left once it was one
// file. Node 20 has no module compile cache (22 has), so the bundle is compiled here as a
// vm.Script with the bytes V8 produced on an earlier run.
//
// The bundle is registered in require's cache under its real path, so a playbook's
// `import ... from 'kremedy'` (ESM, through package.json "exports") and `require('kremedy')`
// get this very instance: one copy of the library (test/cli/one-copy.test.ts).
//
// Cache: $KREMEDY_CACHE_DIR, else $XDG_CACHE_HOME/kremedy, else ~/.cache/kremedy; two files (see
// load) per node version and bundle build. Written at exit of a run that had none (or whose cache V8
// refused), atomically; KREMEDY_CODE_CACHE=0 loads the bundle plainly. Any failure to read or
// write it only costs the compile.
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const crypto = require('node:crypto');
const Module = require('node:module');
const vm = require('node:vm');

const CONNECTING = new Set(['run', 'plan', 'apply', 'undo', 'facts', 'doctor']);
const bundle = fs.realpathSync(path.join(__dirname, '..', 'dist', 'bundle', 'kremedy.cjs'));

function cacheDir() {
  if (process.env.KREMEDY_CACHE_DIR) return process.env.KREMEDY_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'kremedy');
}

function readCache(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(dir, file, data, key) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    // Caches of other node versions or earlier builds are dead weight once this one exists.
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('code-') && name.endsWith('.bin') && !name.startsWith(`code-${key}-`)) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    /* a read-only home or a full disk: the next run compiles again */
  }
}

function load() {
  if (process.env.KREMEDY_CODE_CACHE === '0') return require(bundle);
  // A vm.Script's own import() fails once its code comes from the cache (Node 20): the bundle
  // imports tsx and playbook files through this one instead (src/util/import-external.ts).
  globalThis[Symbol.for('kremedy.importExternal')] = (specifier) => import(specifier);
  const stat = fs.statSync(bundle);
  const key = crypto.createHash('sha256').update([process.version, process.arch, bundle, stat.size, stat.mtimeMs].join('\0')).digest('hex').slice(0, 20);
  const dir = cacheDir();
  // V8 caches what a run compiled, and a run that connects compiles ssh2 and the executor too:
  // from a cache written by `--help`, a run reached its first host ~25 ms later than from one
  // written by a run. So a connecting command writes the "run" cache once, any other the "cli" one.
  const connects = CONNECTING.has(process.argv[2]) && !process.argv.some((a) => a === '--help' || a === '-h');
  const runFile = path.join(dir, `code-${key}-run.bin`);
  const cliFile = path.join(dir, `code-${key}-cli.bin`);
  let cachedData = readCache(runFile);
  const hadRun = cachedData !== undefined;
  cachedData ??= readCache(cliFile);
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const target = script.cachedDataRejected || !cachedData ? (connects ? runFile : cliFile) : connects && !hadRun ? runFile : undefined;
  // At exit the cache holds every function this run compiled, not only the top level.
  if (target) process.once('exit', () => writeCache(dir, target, script.createCachedData(), key));
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  Module._cache[bundle] = mod;
  try {
    script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  } catch (err) {
    delete Module._cache[bundle];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}

void load().runCli(process.argv.slice(2));
