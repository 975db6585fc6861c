import type { Argv } from 'yargs';
import type { ReportFileArgs } from '../report/files.js';

// The report-file options, shared by every command that runs a playbook (run, plan, apply, …).

export function reportOptions<T>(y: Argv<T>) {
  return y
    .option('junit', { type: 'string', normalize: true, describe: 'also write a JUnit XML report (one testsuite per host) to FILE' })
    .option('report', { type: 'string', normalize: true, describe: 'also write a self-contained HTML report to FILE' })
    .option('per-host', { type: 'boolean', default: false, describe: 'show every host\'s plan in full, instead of hosts with the same plan once' });
}

export function reportArgs(a: { junit?: string | undefined; report?: string | undefined; perHost?: boolean | undefined }): ReportFileArgs & { perHost?: boolean } {
  return { ...(a.junit ? { junit: a.junit } : {}), ...(a.report ? { report: a.report } : {}), ...(a.perHost ? { perHost: true } : {}) };
}
