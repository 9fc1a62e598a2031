/**
 * Masking keys for client frames. RFC 6455 §5.3: "the masking key MUST be derived from a
 * strong source of entropy". Keys come from a pooled buffer: one call to the CSPRNG per 16 384
 * frames (a call costs about as much as 5 KiB of its output here: a 64 KiB pool takes 1.1 ns a
 * key, an 8 KiB one 2.8).
 */
const MASK_POOL_SIZE = 64 * 1024;
let maskPool = new Uint8Array(0);
let maskPoolOffset = MASK_POOL_SIZE;

/** A fresh 4-byte key. Views into the pool: callers must not keep them past the frame they mask. */
export function randomMaskKey(): Uint8Array {
  refill();
  const key = maskPool.subarray(maskPoolOffset, maskPoolOffset + 4);
  maskPoolOffset += 4;
  return key;
}

/** A fresh key written into `key` (4 bytes): no view made, for the send path's reused key. */
export function fillMaskKey(key: Uint8Array): void {
  writeMaskKey(key, 0);
}

/** A fresh key written into `target` at `at`: a small client frame's header (connection.ts). */
export function writeMaskKey(target: Uint8Array, at: number): void {
  refill();
  const pool = maskPool;
  const from = maskPoolOffset;
  target[at] = pool[from]!;
  target[at + 1] = pool[from + 1]!;
  target[at + 2] = pool[from + 2]!;
  target[at + 3] = pool[from + 3]!;
  maskPoolOffset = from + 4;
}

function refill(): void {
  if (maskPoolOffset + 4 <= maskPool.length) return;
  maskPool = new Uint8Array(MASK_POOL_SIZE);
  globalThis.crypto.getRandomValues(maskPool);
  maskPoolOffset = 0;
}
