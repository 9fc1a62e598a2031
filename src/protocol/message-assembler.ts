/**
 * Collects the payload of a message as it arrives, in pieces.
 *
 * Large pieces, and the first piece of each message, are kept as views (no copy). Later small
 * ones are copied together into shared blocks: a view keeps its whole underlying read buffer
 * alive, so a message sent as thousands of tiny fragments would otherwise pin thousands of
 * socket buffers. This keeps memory near the message size whatever the fragment count, without
 * capping that count.
 *
 * A single-frame message announces its size up front (`expect`): when it spans reads, its
 * pieces are copied straight into one buffer of that size, with no block and no final concat.
 */
import { applyMask, copyMasked } from './mask.js';

const BLOCK_SIZE = 64 * 1024;

export class MessageAssembler {
  private pieces: Uint8Array[] = [];
  private block: Buffer | undefined;
  private blockUsed = 0;
  private blockFlushed = 0;
  /** The size announced by `expect`, and the buffer its pieces are gathered in. */
  private expected = 0;
  private exact: Buffer | undefined;
  size = 0;

  /** The message will be exactly `total` bytes (it is one frame). Call before its first piece. */
  expect(total: number): void {
    if (this.size === 0) this.expected = total;
  }

  add(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.expected > 0) {
      // All in one piece: a view, no copy. Otherwise every piece goes to its place in `exact`.
      if (this.size === 0 && piece.length === this.expected) {
        this.pieces.push(piece);
      } else {
        this.exact ??= Buffer.allocUnsafe(this.expected);
        this.exact.set(piece, this.size);
      }
      this.size += piece.length;
      return;
    }
    // The first piece stays a view whatever its size: one view pins at most one read buffer, and
    // a small message from a read shared with many others then costs no copy. Copying it too made
    // each such message allocate a 64 KiB block of its own, pinned for as long as the
    // application kept the message (1000 messages of 50 bytes from one read: 64 MB).
    const first = this.size === 0;
    this.size += piece.length;
    if (first || piece.length * 2 >= piece.buffer.byteLength) {
      this.flushBlock();
      this.pieces.push(piece);
      return;
    }
    let offset = 0;
    while (offset < piece.length) {
      if (!this.block || this.blockUsed === this.block.length) {
        this.flushBlock();
        this.block = Buffer.allocUnsafe(BLOCK_SIZE);
        this.blockUsed = 0;
        this.blockFlushed = 0;
      }
      const n = Math.min(piece.length - offset, this.block.length - this.blockUsed);
      this.block.set(piece.subarray(offset, offset + n), this.blockUsed);
      this.blockUsed += n;
      offset += n;
    }
  }

  /**
   * Add a masked piece (`keyOffset` bytes into its frame's payload) and return it unmasked. A
   * piece bound for the announced message's buffer is unmasked on its way there (one pass,
   * `copyMasked`); any other is unmasked in place and added as it is.
   */
  addMasked(piece: Uint8Array, key: Uint8Array, keyOffset: number): Uint8Array {
    if (this.expected > 0 && piece.length > 0 && !(this.size === 0 && piece.length === this.expected)) {
      const at = this.size;
      this.exact ??= Buffer.allocUnsafe(this.expected);
      copyMasked(piece, this.exact, at, key, keyOffset);
      this.size += piece.length;
      return this.exact.subarray(at, at + piece.length);
    }
    applyMask(piece, key, keyOffset);
    this.add(piece);
    return piece;
  }

  /** The whole message as one Buffer; the assembler is empty again afterwards. */
  finish(): Buffer {
    const exact = this.exact;
    this.flushBlock();
    const pieces = this.pieces;
    const size = this.size;
    // The array is reused: the Buffer returned never refers to it.
    const out = exact ?? (pieces.length === 0 ? EMPTY : pieces.length === 1 ? asBuffer(pieces[0]!) : Buffer.concat(pieces, size));
    this.reset();
    return out;
  }

  reset(): void {
    this.pieces.length = 0;
    this.block = undefined;
    this.exact = undefined;
    this.expected = 0;
    this.size = 0;
  }

  private flushBlock(): void {
    if (this.block && this.blockUsed > this.blockFlushed) {
      this.pieces.push(this.block.subarray(this.blockFlushed, this.blockUsed));
      this.blockFlushed = this.blockUsed;
    }
  }
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

const EMPTY = Buffer.alloc(0);
