import type { Argv } from 'yargs';
import type { ReportFileArgs } from '../report/files.js';

// The report-file options, shared by every command that runs a playbook (run, plan, apply, …).

export function reportOptions<T>(y: Argv<T>) {
  return y
    .option('junit', { type: 'string', normalize: true, describe: 'also write a JUnit XML report (one testsuite per host) to FILE' })
    .option('report', { type: 'string', normalize: true, describe: 'also write a self-contained HTML report to FILE' });
}

export function reportArgs(a: { junit?: string | undefined; report?: string | undefined }): ReportFileArgs {
  return { ...(a.junit ? { junit: a.junit } : {}), ...(a.report ? { report: a.report } : {}) };
}
