/**
 * A HAR recording. HAR is one JSON document, so it cannot be appended to: the whole log is
 * rewritten, atomically (a temporary file in the same directory, then rename(2), which replaces
 * the old file in one step), so the file on disk is always a complete, valid HAR — the one of the
 * last write. It is written when the recording starts (an empty log), on a timer while traffic
 * changes it, and on flush and close (the recorder flushes at SIGINT, SIGTERM and exit).
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { HarBuilder, type HarCreator, type TraceEvent } from '../index.js';
import type { RecordingSink } from './sink.js';

export interface HarFileOptions {
  creator: HarCreator;
  /** ms from the first change after a write to the next write. */
  interval: number;
  /** A timer write failed (the disk filled, the directory went away). */
  onError: (error: Error) => void;
}

export class HarFile implements RecordingSink {
  private readonly builder: HarBuilder;
  private readonly temporary: string;
  private timer: NodeJS.Timeout | undefined;
  private changed = false;
  private closed = false;
  /** How long the last write took: a large log is rewritten less often, so writing never dominates. */
  private lastWriteMs = 0;

  /** Writes the empty log now: a path that cannot be written fails here, before any traffic. */
  constructor(
    readonly file: string,
    private readonly options: HarFileOptions,
  ) {
    this.builder = new HarBuilder({ creator: options.creator });
    this.temporary = `${file}.${process.pid}.tmp`;
    this.write();
  }

  add(event: TraceEvent): void {
    this.builder.add(event);
    this.changed = true;
    if (this.timer || this.closed) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        try {
          this.flush();
        } catch (error) {
          this.options.onError(error as Error);
        }
      },
      Math.max(this.options.interval, 4 * this.lastWriteMs),
    );
    // A recording never keeps the process alive: exit and close write the last state.
    this.timer.unref();
  }

  flush(): void {
    if (this.changed) this.write();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private write(): void {
    const started = performance.now();
    this.changed = false;
    try {
      writeFileSync(this.temporary, `${JSON.stringify(this.builder.har(), null, 2)}\n`);
      renameSync(this.temporary, this.file);
    } catch (error) {
      this.changed = true;
      try {
        unlinkSync(this.temporary);
      } catch {
        // Never created, or already gone.
      }
      throw error;
    }
    this.lastWriteMs = performance.now() - started;
  }
}
