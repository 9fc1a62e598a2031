/** `wscope load compare A B` and `wscope load merge FILES -o OUT`: over --json results. */
import { ExitCode } from '../exit-codes.js';

export async function runCompare(_a: string, _b: string): Promise<ExitCode> {
  process.stderr.write('error: wscope load compare is not built yet on this branch\n');
  return ExitCode.Internal;
}

export async function runMerge(_files: string[], _output: string): Promise<ExitCode> {
  process.stderr.write('error: wscope load merge is not built yet on this branch\n');
  return ExitCode.Internal;
}
