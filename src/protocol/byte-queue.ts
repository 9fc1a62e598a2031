/**
 * The bytes received but not yet parsed, kept as the chunks they arrived in.
 * Reads return views into those chunks and copy only when a read spans two of them,
 * as ws's receiver does.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // index of the first chunk still in use
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The byte at `index` from the front, without consuming it. */
  peek(index: number): number {
    for (let c = this.head; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if (index < chunk.length) return chunk[index]!;
      index -= chunk.length;
    }
    throw new RangeError('peek past the end of the queue');
  }

  /** Exactly `n` bytes (n <= length): a view when they lie in one chunk, else a copy. */
  take(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    if (n <= first.length) return this.takeFromFirst(n);
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
    return this.takeFromFirst(Math.min(n, first.length));
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.length = 0;
  }

  private takeFromFirst(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    this.length -= n;
    if (n === first.length) {
      this.chunks[this.head] = EMPTY;
      this.head++;
      if (this.head === this.chunks.length) {
        this.chunks.length = 0;
        this.head = 0;
      } else if (this.head > 64) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
      return first;
    }
    this.chunks[this.head] = first.subarray(n);
    return first.subarray(0, n);
  }
}

const EMPTY = new Uint8Array(0);
