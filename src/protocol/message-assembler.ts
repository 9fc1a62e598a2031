/**
 * Collects the payload of a message as it arrives, in pieces.
 *
 * Large pieces, and the first piece of each message, are kept as views (no copy). Later small
 * ones are copied together into shared blocks: a view keeps its whole underlying read buffer
 * alive, so a message sent as thousands of tiny fragments would otherwise pin thousands of
 * socket buffers. This keeps memory near the message size whatever the fragment count, without
 * capping that count.
 */
const BLOCK_SIZE = 64 * 1024;

export class MessageAssembler {
  private pieces: Uint8Array[] = [];
  private block: Buffer | undefined;
  private blockUsed = 0;
  private blockFlushed = 0;
  size = 0;

  add(piece: Uint8Array): void {
    if (piece.length === 0) return;
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

  /** The whole message as one Buffer; the assembler is empty again afterwards. */
  finish(): Buffer {
    this.flushBlock();
    const pieces = this.pieces;
    const size = this.size;
    this.pieces = [];
    this.block = undefined;
    this.size = 0;
    if (pieces.length === 0) return EMPTY;
    if (pieces.length === 1) return asBuffer(pieces[0]!);
    return Buffer.concat(pieces, size);
  }

  reset(): void {
    this.pieces = [];
    this.block = undefined;
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
