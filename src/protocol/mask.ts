/**
 * RFC 6455 §5.3 masking: octet i of the payload is XORed with octet (i mod 4) of the key.
 * Payloads longer than a few words are XORed 32 bits at a time over the aligned middle;
 * a byte loop caps near 0.4 GB/s, the word loop (unrolled by 8) runs near 8 GB/s here, and
 * from 2 KiB WebAssembly SIMD (mask-simd.ts) about twice that (bench/micro.ts measures each
 * against ws's bufferutil).
 */
import { maskCopyWithSimd, maskWithSimd } from './mask-simd.js';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** Below this a byte loop wins: creating the Int32Array view costs more than it saves. */
const WORD_LOOP_THRESHOLD = 64;
/** From here WebAssembly SIMD beats the word loop (2x and more from 4 KiB; even at 2 KiB). */
const SIMD_THRESHOLD = 2048;

/**
 * XOR `data` in place with `key`, as if `data` started `keyOffset` bytes into the masked payload.
 * The offset lets a payload that arrives in pieces be unmasked piece by piece.
 */
export function applyMask(data: Uint8Array, key: Uint8Array, keyOffset = 0): void {
  const length = data.length;
  // The key rotated so that k0 applies to data[0]: no per-call array, no modulo in the loops.
  const r = keyOffset & 3;
  const k0 = key[r]!;
  const k1 = key[(r + 1) & 3]!;
  const k2 = key[(r + 2) & 3]!;
  const k3 = key[(r + 3) & 3]!;
  if (length < WORD_LOOP_THRESHOLD) {
    maskBytes(data, 0, length, k0, k1, k2, k3);
    return;
  }
  if (length >= SIMD_THRESHOLD && maskWithSimd(data, k0, k1, k2, k3)) return;
  const head = (4 - (data.byteOffset & 3)) & 3;
  maskBytes(data, 0, head, k0, k1, k2, k3);
  const words = (length - head) >>> 2;
  const view = new Int32Array(data.buffer, data.byteOffset + head, words);
  // After `head` bytes the key has turned by `head` places.
  const b0 = head === 0 ? k0 : head === 1 ? k1 : head === 2 ? k2 : k3;
  const b1 = head === 0 ? k1 : head === 1 ? k2 : head === 2 ? k3 : k0;
  const b2 = head === 0 ? k2 : head === 1 ? k3 : head === 2 ? k0 : k1;
  const b3 = head === 0 ? k3 : head === 1 ? k0 : head === 2 ? k1 : k2;
  const word = LITTLE_ENDIAN ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
  let w = 0;
  const unrolled = words & ~7;
  for (; w < unrolled; w += 8) {
    view[w]! ^= word;
    view[w + 1]! ^= word;
    view[w + 2]! ^= word;
    view[w + 3]! ^= word;
    view[w + 4]! ^= word;
    view[w + 5]! ^= word;
    view[w + 6]! ^= word;
    view[w + 7]! ^= word;
  }
  for (; w < words; w++) view[w]! ^= word;
  // The tail starts on a word boundary of the payload, so the key is back at b0.
  maskBytes(data, head + words * 4, length, b0, b1, b2, b3);
}

/**
 * Write `source` XORed with `key` into `target` at `targetOffset` (`keyOffset` as in
 * `applyMask`): a client framing a message, or a server gathering a masked payload that spans
 * reads. One pass instead of a copy and then a mask when SIMD does it.
 */
export function copyMasked(source: Uint8Array, target: Uint8Array, targetOffset: number, key: Uint8Array, keyOffset = 0): void {
  const length = source.length;
  const r = keyOffset & 3;
  if (length < WORD_LOOP_THRESHOLD) {
    copyMaskedShort(source, target, targetOffset, key[r]!, key[(r + 1) & 3]!, key[(r + 2) & 3]!, key[(r + 3) & 3]!);
    return;
  }
  if (length >= SIMD_THRESHOLD && maskCopyWithSimd(source, target, targetOffset, key[r]!, key[(r + 1) & 3]!, key[(r + 2) & 3]!, key[(r + 3) & 3]!)) return;
  target.set(source, targetOffset);
  applyMask(target.subarray(targetOffset, targetOffset + length), key, keyOffset);
}

/**
 * A short `source` XORed into `target` at `targetOffset`, k0 applying to its first byte: four
 * bytes a turn with the key in locals, half the time of a loop that indexes the key per byte.
 */
export function copyMaskedShort(source: Uint8Array, target: Uint8Array, targetOffset: number, k0: number, k1: number, k2: number, k3: number): void {
  const length = source.length;
  let i = 0;
  let t = targetOffset;
  for (; i + 4 <= length; i += 4, t += 4) {
    target[t] = source[i]! ^ k0;
    target[t + 1] = source[i + 1]! ^ k1;
    target[t + 2] = source[i + 2]! ^ k2;
    target[t + 3] = source[i + 3]! ^ k3;
  }
  if (i < length) target[t++] = source[i++]! ^ k0;
  if (i < length) target[t++] = source[i++]! ^ k1;
  if (i < length) target[t] = source[i]! ^ k2;
}

/** XOR `data[from, to)` in place with `key`, key byte 0 applying to `data[from]`: no view made (a short text frame written in the slab). */
export function applyMaskRange(data: Uint8Array, from: number, to: number, key: Uint8Array): void {
  if (to - from >= WORD_LOOP_THRESHOLD) applyMask(data.subarray(from, to), key);
  else maskBytes(data, from, to, key[0]!, key[1]!, key[2]!, key[3]!);
}

/** Bytes `from` to `to`, with k0 applying to byte `from`. */
function maskBytes(data: Uint8Array, from: number, to: number, k0: number, k1: number, k2: number, k3: number): void {
  let i = from;
  for (; i + 4 <= to; i += 4) {
    data[i]! ^= k0;
    data[i + 1]! ^= k1;
    data[i + 2]! ^= k2;
    data[i + 3]! ^= k3;
  }
  if (i < to) data[i++]! ^= k0;
  if (i < to) data[i++]! ^= k1;
  if (i < to) data[i]! ^= k2;
}
