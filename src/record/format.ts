/** Which recording a file name asks for: its extension decides. */
import { extname } from 'node:path';

export type RecordFormat = 'har' | 'jsonl';

/** The extensions a recording may have, and what each writes. */
export const RECORD_FORMATS: Readonly<Record<string, RecordFormat>> = { '.har': 'har', '.jsonl': 'jsonl' };

export const RECORD_EXTENSIONS: readonly string[] = Object.keys(RECORD_FORMATS);

/** `x.har` → `har`, `x.JSONL` → `jsonl`; undefined for any other name. */
export function recordFormatOf(file: string): RecordFormat | undefined {
  return RECORD_FORMATS[extname(file).toLowerCase()];
}

/** A file that cannot be recorded to: a name with another extension, or a path we cannot write. */
export class RecordFileError extends Error {
  override name = 'RecordFileError';
  constructor(
    message: string,
    readonly file: string,
    /** `format`: the extension is not one of RECORD_EXTENSIONS; `write`: the file cannot be written. */
    readonly reason: 'format' | 'write',
  ) {
    super(message);
  }
}

export function unknownFormat(file: string): RecordFileError {
  return new RecordFileError(`cannot record to '${file}': the name must end with ${RECORD_EXTENSIONS.join(' or ')}`, file, 'format');
}
