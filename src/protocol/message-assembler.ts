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
 * The announcement is the peer's word, not bytes: that buffer is made only once it is at most
 * a block more than RESERVE_FACTOR times what has arrived (the pieces so far are copied in
 * then), so memory follows what came. 150 connections announcing 100 MiB and sending one byte
 * each reserve 150 bytes, not 15 GB. The factor is not 2 ("half has arrived") because the
 * pieces kept until then are copied again, cache-cold: at 2, receiving 300 KB messages ran
 * ~20% slower; at 8, messages up to 1 MiB (in 64 KiB reads) are reserved by the first or second
 * read, as fast as before.
 */
import { Buffer } from 'node:buffer';
import { applyMask, copyMasked } from './mask.js';

const BLOCK_SIZE = 64 * 1024;
/** An announced size is reserved once it is at most a block more than this many times what has arrived. */
const RESERVE_FACTOR = 8;

export class MessageAssembler {
  /**
   * The message's first piece, kept apart from `pieces`: most messages are that one piece, and
   * emptying an array (`length = 0`) is a call into the runtime that cost more than the parse.
   */
  private first: Uint8Array | undefined;
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
    // The common case first: a message's first piece, or all of it, kept as a view.
    if (this.size === 0 && (this.expected === 0 || piece.length === this.expected)) {
      this.first = piece;
      this.size = piece.length;
      return;
    }
    const exact = this.exact ?? this.gatherExactly(piece.length);
    if (exact) {
      exact.set(piece, this.size);
      this.size += piece.length;
      return;
    }
    this.keep(piece);
  }

  /**
   * Add a masked piece (`keyOffset` bytes into its frame's payload) and return it unmasked. A
   * piece bound for the announced message's buffer is unmasked on its way there (one pass,
   * `copyMasked`); any other is unmasked in place and kept as it is.
   */
  addMasked(piece: Uint8Array, key: Uint8Array, keyOffset: number): Uint8Array {
    const exact = piece.length > 0 ? (this.exact ?? this.gatherExactly(piece.length)) : undefined;
    if (exact) {
      const at = this.size;
      copyMasked(piece, exact, at, key, keyOffset);
      this.size += piece.length;
      return exact.subarray(at, at + piece.length);
    }
    applyMask(piece, key, keyOffset);
    if (piece.length > 0) this.keep(piece);
    return piece;
  }

  /**
   * The buffer of the announced size, once it is worth making (see the top of the file), with
   * the pieces kept so far copied in; undefined while pieces are kept, and for a message that
   * arrives whole in one piece (a view, no copy).
   */
  private gatherExactly(incoming: number): Buffer | undefined {
    const expected = this.expected;
    if (expected === 0 || (this.size === 0 && incoming === expected)) return undefined;
    if (expected - BLOCK_SIZE > RESERVE_FACTOR * (this.size + incoming)) return undefined;
    const exact = Buffer.allocUnsafe(expected);
    this.flushBlock();
    let at = 0;
    if (this.first) {
      exact.set(this.first, 0);
      at = this.first.length;
      this.first = undefined;
    }
    for (const piece of this.pieces) {
      exact.set(piece, at);
      at += piece.length;
    }
    this.pieces.length = 0;
    this.block = undefined;
    this.exact = exact;
    return exact;
  }

  private keep(piece: Uint8Array): void {
    // The first piece stays a view whatever its size: one view pins at most one read buffer, and
    // a small message from a read shared with many others then costs no copy. Copying it too made
    // each such message allocate a 64 KiB block of its own, pinned for as long as the
    // application kept the message (1000 messages of 50 bytes from one read: 64 MB).
    if (this.size === 0) {
      this.first = piece;
      this.size = piece.length;
      return;
    }
    this.size += piece.length;
    if (piece.length * 2 >= piece.buffer.byteLength) {
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

  /** The whole message as one Buffer; the assembler is empty again afterwards. */
  finish(): Buffer {
    const exact = this.exact;
    const first = this.first;
    let out: Buffer;
    if (exact) out = exact;
    else if (this.pieces.length === 0 && this.block === undefined) out = first ? asBuffer(first) : EMPTY;
    else {
      this.flushBlock();
      // The array is reused: the Buffer returned never refers to it.
      out = Buffer.concat(first ? [first, ...this.pieces] : this.pieces, this.size);
    }
    this.reset();
    return out;
  }

  reset(): void {
    this.first = undefined;
    if (this.pieces.length !== 0) this.pieces.length = 0;
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
