/** Message bodies for the benchmarks: deterministic, so every run and both servers see the same bytes. */

const TEXT_UNIT = '{"id":12345,"user":"zoë","text":"héllo wörld — κόσμε ✓ 日本語","tags":["a","b"],"ok":true}\n';

/**
 * Valid UTF-8 of exactly `size` bytes: JSON-like lines, mostly ASCII with 2-, 3-byte characters,
 * cut on a code point boundary and padded with ASCII. Compressible, like real text traffic.
 */
export function textPayload(size: number): Buffer {
  const unit = Buffer.from(TEXT_UNIT);
  const out = Buffer.alloc(size, 0x20);
  let offset = 0;
  while (offset + unit.length <= size) {
    unit.copy(out, offset);
    offset += unit.length;
  }
  // Fill the rest with the start of the unit, stopping before a cut character.
  let end = size - offset;
  while (end > 0 && end < unit.length && (unit[end]! & 0xc0) === 0x80) end--;
  unit.copy(out, offset, 0, end);
  return out;
}

/** Pseudo-random bytes from a fixed seed (xorshift32): incompressible, reproducible. */
export function binaryPayload(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed | 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
