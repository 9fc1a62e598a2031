/** Pipe mode's input: stdin cut into records at newlines (CRLF too) or at NUL bytes. */
import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';

export async function* readRecords(input: Readable, separator: 0x0a | 0x00): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    let start = 0;
    for (let end = pending.indexOf(separator); end !== -1; end = pending.indexOf(separator, start)) {
      yield trimCarriageReturn(pending.subarray(start, end), separator);
      start = end + 1;
    }
    pending = pending.subarray(start);
  }
  if (pending.length > 0) yield trimCarriageReturn(pending, separator);
}

function trimCarriageReturn(record: Buffer, separator: number): Buffer {
  return separator === 0x0a && record.at(-1) === 0x0d ? record.subarray(0, -1) : record;
}
