// The bundle's entry (scripts/bundle.mjs): the library a playbook imports and the CLI that runs
// it, in one file, so that `import { playbook } from 'kremedy'` in a user's playbook is the very
// module instance the CLI runs (one copy: an InputError it throws is the CLI's own).
export * from './index.js';
export { runCli } from './cli/cli.js';
