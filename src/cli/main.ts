#!/usr/bin/env node
// The CLI as plain modules (tsc's dist/src): what the tests' import tracer reads and a fallback
// entry. The installed bin is bin/kremedy.cjs, the same runCli from one bundled file (docs/install.md).
import { hideBin } from 'yargs/helpers';
import { runCli } from './cli.js';

await runCli(hideBin(process.argv));
