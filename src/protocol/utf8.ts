import { isUtf8 } from 'node:buffer';

/**
 * Incremental UTF-8 validation (RFC 3629), so a text message split over frames or reads
 * is rejected at the first piece holding a bad byte, not when the message ends.
 *
 * Whole pieces are checked by the runtime's native `isUtf8`; only a code point cut at a
 * piece boundary (at most 3 bytes each side) goes through the byte-level state machine.
 */
const SHORT_PIECE = 32;

export class Utf8Validator {
  /** Continuation bytes still owed by the current code point. */
  private need = 0;
  /** Allowed range of the next continuation byte (narrower after E0, ED, F0, F4). */
  private lo = 0x80;
  private hi = 0xbf;

  /** Feed the next piece. Returns false as soon as the bytes so far cannot be UTF-8. */
  write(bytes: Uint8Array): boolean {
    // Short pieces: the byte machine is cheaper than a call into the runtime (ws draws the
    // same line at 24 bytes).
    if (bytes.length <= SHORT_PIECE) {
      const length = bytes.length;
      let i = 0;
      // ASCII first, in a loop that reads nothing but the bytes (most short messages are all ASCII).
      if (this.need === 0) while (i < length && bytes[i]! < 0x80) i++;
      for (; i < length; i++) {
        const byte = bytes[i]!;
        if (byte < 0x80 && this.need === 0) continue;
        if (!this.step(byte)) return false;
      }
      return true;
    }
    let start = 0;
    while (this.need > 0 && start < bytes.length) {
      if (!this.step(bytes[start]!)) return false;
      start++;
    }
    if (start >= bytes.length) return true;
    const cut = incompleteTailStart(bytes, start);
    if (cut > start && !isUtf8(start === 0 && cut === bytes.length ? bytes : bytes.subarray(start, cut))) return false;
    for (let i = cut; i < bytes.length; i++) {
      if (!this.step(bytes[i]!)) return false;
    }
    return true;
  }

  /** True when the bytes so far end on a code point boundary. */
  isComplete(): boolean {
    return this.need === 0;
  }

  reset(): void {
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
  }

  private step(byte: number): boolean {
    if (this.need > 0) {
      if (byte < this.lo || byte > this.hi) return false;
      this.need--;
      this.lo = 0x80;
      this.hi = 0xbf;
      return true;
    }
    if (byte < 0x80) return true;
    if (byte >= 0xc2 && byte <= 0xdf) return this.expect(1, 0x80, 0xbf);
    if (byte === 0xe0) return this.expect(2, 0xa0, 0xbf); // no overlong 3-byte forms
    if (byte === 0xed) return this.expect(2, 0x80, 0x9f); // no UTF-16 surrogates
    if (byte >= 0xe1 && byte <= 0xef) return this.expect(2, 0x80, 0xbf);
    if (byte === 0xf0) return this.expect(3, 0x90, 0xbf); // no overlong 4-byte forms
    if (byte >= 0xf1 && byte <= 0xf3) return this.expect(3, 0x80, 0xbf);
    if (byte === 0xf4) return this.expect(3, 0x80, 0x8f); // nothing above U+10FFFF
    return false;
  }

  private expect(need: number, lo: number, hi: number): true {
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return true;
  }
}

/**
 * Where a code point that is still incomplete at the end of `bytes` begins, or `bytes.length`
 * when the piece ends on a boundary (or is invalid anyway, which `isUtf8` will report).
 */
function incompleteTailStart(bytes: Uint8Array, from: number): number {
  const end = bytes.length;
  for (let i = end - 1; i >= from && i >= end - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - i < length ? i : end;
  }
  return end;
}

/** One-shot check for a complete text (close reasons, single-frame messages). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}
