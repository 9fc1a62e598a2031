/**
 * A JSONL recording: each trace event is one line, written to the file with a synchronous write
 * as it is published, so whatever ends the process (SIGKILL included) loses nothing already seen.
 */
import { Buffer } from 'node:buffer';
import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeTraceLine, type TraceEvent } from '../index.js';
import type { RecordingSink } from './sink.js';

export class JsonlFile implements RecordingSink {
  private fd: number | undefined;

  /** Opens (and empties) the file now: a path that cannot be written fails here, before any traffic. */
  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  add(event: TraceEvent): void {
    if (this.fd === undefined) return;
    const bytes = Buffer.from(encodeTraceLine(event), 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written);
  }

  /** Every line is already in the file. */
  flush(): void {}

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
