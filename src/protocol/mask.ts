/**
 * RFC 6455 §5.3 masking: octet i of the payload is XORed with octet (i mod 4) of the key.
 * Payloads longer than a few words are XORed 32 bits at a time over the aligned middle;
 * a byte loop caps near 0.4 GB/s, a word loop runs several times faster.
 */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const WORD_LOOP_THRESHOLD = 32;

/**
 * XOR `data` in place with `key`, as if `data` started `keyOffset` bytes into the masked payload.
 * The offset lets a payload that arrives in pieces be unmasked piece by piece.
 */
export function applyMask(data: Uint8Array, key: Uint8Array, keyOffset = 0): void {
  const length = data.length;
  const k0 = key[0]!;
  const k1 = key[1]!;
  const k2 = key[2]!;
  const k3 = key[3]!;
  const keyBytes = [k0, k1, k2, k3];
  let i = 0;
  if (length >= WORD_LOOP_THRESHOLD) {
    const head = (4 - (data.byteOffset & 3)) & 3;
    for (; i < head; i++) data[i]! ^= keyBytes[(keyOffset + i) & 3]!;
    const words = (length - head) >>> 2;
    const view = new Int32Array(data.buffer, data.byteOffset + head, words);
    const start = (keyOffset + head) & 3;
    const b0 = keyBytes[start]!;
    const b1 = keyBytes[(start + 1) & 3]!;
    const b2 = keyBytes[(start + 2) & 3]!;
    const b3 = keyBytes[(start + 3) & 3]!;
    const word = LITTLE_ENDIAN ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
    let w = 0;
    const unrolled = words & ~3;
    for (; w < unrolled; w += 4) {
      view[w]! ^= word;
      view[w + 1]! ^= word;
      view[w + 2]! ^= word;
      view[w + 3]! ^= word;
    }
    for (; w < words; w++) view[w]! ^= word;
    i = head + words * 4;
  }
  for (; i < length; i++) data[i]! ^= keyBytes[(keyOffset + i) & 3]!;
}
