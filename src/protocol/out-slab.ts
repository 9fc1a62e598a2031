/**
 * Where small outgoing frames are written: one slab shared by every connection of the thread,
 * cut into pieces as frames are queued, so the frames a connection queues between two
 * `takeOutgoing()` calls lie side by side and leave as one buffer in one write. A load
 * generator's read of eight echoes then answers with one write of one buffer (eight frames),
 * where a buffer per frame cost an allocation each and a writev of sixteen pieces.
 *
 * A piece once handed out is never written again: the slab only grows forward, and a new one
 * replaces it when full (the old one lives as long as a piece of it is still queued somewhere).
 */
import { Buffer } from 'node:buffer';
const SLAB_SIZE = 64 * 1024;
/** Frames up to this size (header included) go into the slab; larger ones get a buffer of their own. */
export const SLAB_FRAME_LIMIT = 8 * 1024;

let slab = Buffer.allocUnsafeSlow(0);
let used = 0;

/** A run of one connection's frames, contiguous in the slab, not yet taken. */
export class OutRun {
  /** The slab the run lies in; after `reserve`, the buffer to write at the offset it returned. */
  buffer: Buffer | undefined;
  private start = 0;
  private end = 0;

  /**
   * Room for `size` more bytes (size <= SLAB_FRAME_LIMIT) at the end of this run: returns the
   * offset in `buffer` to write at. When another connection wrote after this run, or the slab
   * is full, the run so far is closed into `closed` and a new one starts.
   */
  reserve(size: number, closed: Uint8Array[]): number {
    if (this.buffer !== slab || this.end !== used || used + size > slab.length) {
      this.close(closed);
      if (used + size > slab.length) {
        slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
        used = 0;
      }
      this.buffer = slab;
      this.start = used;
    }
    const at = used;
    used += size;
    this.end = used;
    return at;
  }

  /** Hand the run so far to `out` (the connection's outgoing queue); the next frame starts a new run. */
  close(out: Uint8Array[]): void {
    if (this.buffer === undefined) return;
    out.push(this.buffer.subarray(this.start, this.end));
    this.buffer = undefined;
    this.start = this.end = 0;
  }
}
