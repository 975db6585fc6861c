import { statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { HostAddresses } from './group.js';
import type { Reporter } from './reporter.js';

export interface ReportFileArgs {
  junit?: string;
  report?: string;
}

/** Refuses, before any host is touched, a report path whose directory does not exist. */
function checkWritableDir(option: string, file: string): void {
  const dir = path.dirname(path.resolve(file));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new InputError(`--${option} ${file}: directory ${dir} does not exist`);
}

/** The file reporters asked for on the command line (--junit, --report); empty when none. */
export async function fileReporters(args: ReportFileArgs, addresses?: HostAddresses): Promise<Reporter[]> {
  const out: Reporter[] = [];
  if (args.junit) {
    checkWritableDir('junit', args.junit);
    const { junitReporter } = await import('./junit.js');
    out.push(junitReporter(args.junit));
  }
  if (args.report) {
    checkWritableDir('report', args.report);
    const { htmlReporter } = await import('./html.js');
    out.push(htmlReporter(args.report, addresses));
  }
  return out;
}
