/**
 * The bytes received but not yet parsed, kept as the chunks they arrived in.
 * Reads return views into those chunks and copy only when a read spans two of them,
 * as ws's receiver does. Consuming bytes moves an offset into the first chunk instead of
 * re-slicing it, so a frame header can be read in place without allocating anything.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // index of the first chunk still in use
  /** Bytes of `chunks[head]` already consumed. */
  private offset = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The byte at `index` from the front, without consuming it. */
  peek(index: number): number {
    index += this.offset;
    for (let c = this.head; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if (index < chunk.length) return chunk[index]!;
      index -= chunk.length;
    }
    throw new RangeError('peek past the end of the queue');
  }

  /**
   * The first chunk and where its unread bytes start, for reading a header in place; `undefined`
   * when fewer than `n` unread bytes lie in that chunk.
   */
  contiguous(n: number): Uint8Array | undefined {
    const first = this.chunks[this.head];
    return first !== undefined && first.length - this.offset >= n ? first : undefined;
  }

  /** Where the unread bytes of the chunk `contiguous` returned start. */
  get firstOffset(): number {
    return this.offset;
  }

  /** Drop `n` bytes (n <= length) that have been read in place. */
  skip(n: number): void {
    while (n > 0) {
      const available = this.chunks[this.head]!.length - this.offset;
      if (n < available) {
        this.offset += n;
        this.length -= n;
        return;
      }
      this.length -= available;
      n -= available;
      this.dropFirst();
    }
  }

  /** Exactly `n` bytes (n <= length): a view when they lie in one chunk, else a copy. */
  take(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    if (n <= first.length - this.offset) return this.takeFromFirst(n);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const piece = this.takeUpTo(n - filled);
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  /** Up to `n` bytes from the first chunk, never copied (n >= 1, length >= 1). */
  takeUpTo(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    return this.takeFromFirst(Math.min(n, first.length - this.offset));
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.length = 0;
  }

  private takeFromFirst(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    const start = this.offset;
    this.length -= n;
    if (start + n === first.length) {
      this.dropFirst();
      return start === 0 ? first : first.subarray(start);
    }
    this.offset = start + n;
    return first.subarray(start, start + n);
  }

  private dropFirst(): void {
    this.chunks[this.head] = EMPTY;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      // Most reads are one chunk, parsed whole: pop() keeps the array's room, where length = 0
      // is a call into the runtime that drops it (and the next push makes it again).
      if (this.head === 1) this.chunks.pop();
      else this.chunks.length = 0;
      this.head = 0;
    } else if (this.head > 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
