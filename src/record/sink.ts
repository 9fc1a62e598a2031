import type { TraceEvent } from '../index.js';

/** One recording file: what the recorder hands each event to. */
export interface RecordingSink {
  readonly file: string;
  /** May throw (a full disk); the recorder reports it and goes on. */
  add(event: TraceEvent): void;
  /** Make the file hold everything added so far (the HAR is rewritten; JSONL already does). */
  flush(): void;
  close(): void;
}
