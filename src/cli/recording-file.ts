/**
 * Recording files for `replay` and `record convert`: read one, or say in one line what is wrong
 * with it (exit code 12, BadFile) instead of a stack.
 */
import { readFileSync } from 'node:fs';
import { RecordingError } from '../replay/index.js';
import { ExitCode } from './exit-codes.js';

/** A file that cannot be read or used: the CLI prints `error: PATH: message` and exits with 12. */
export class BadFileError extends Error {
  override name = 'BadFileError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new BadFileError(path, `cannot read it: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Run `work`; a RecordingError or BadFileError becomes one line on stderr and exit code 12. */
export async function reportingBadFiles(path: string, work: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BadFileError) process.stderr.write(`error: ${error.message}\n`);
    else if (error instanceof RecordingError) process.stderr.write(`error: ${path}: ${error.message}\n`);
    else throw error;
    return ExitCode.BadFile;
  }
}
