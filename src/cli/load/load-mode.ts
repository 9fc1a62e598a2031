/** `wscope load URL`: the run, its live view, its summary, --json and the thresholds. */
import { ExitCode } from '../exit-codes.js';
import type { LoadSettings } from './settings.js';

export async function runLoad(_settings: LoadSettings): Promise<ExitCode> {
  process.stderr.write('error: wscope load: the engine is not built yet on this branch\n');
  return ExitCode.Internal;
}
