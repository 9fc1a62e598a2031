/**
 * Masking keys for client frames. RFC 6455 §5.3: "the masking key MUST be derived from a
 * strong source of entropy". Keys come from a pooled buffer: one call to the CSPRNG per 2048 frames.
 */
const MASK_POOL_SIZE = 8192;
let maskPool = new Uint8Array(0);
let maskPoolOffset = MASK_POOL_SIZE;

/** A fresh 4-byte key. Views into the pool: callers must not keep them past the frame they mask. */
export function randomMaskKey(): Uint8Array {
  if (maskPoolOffset + 4 > maskPool.length) {
    maskPool = new Uint8Array(MASK_POOL_SIZE);
    globalThis.crypto.getRandomValues(maskPool);
    maskPoolOffset = 0;
  }
  const key = maskPool.subarray(maskPoolOffset, maskPoolOffset + 4);
  maskPoolOffset += 4;
  return key;
}
