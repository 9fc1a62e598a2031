/** RFC 6455 §5.3 masking on the WebAssembly SIMD path (payloads from 2 KiB): byte for byte the definition. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMask } from '../../src/protocol/index.js';
import { maskWithSimd } from '../../src/protocol/mask-simd.js';
import { hex, mulberry32, toHex } from './helpers.js';

function maskByDefinition(data: Uint8Array, key: Uint8Array, keyOffset: number): Buffer {
  return Buffer.from(data.map((byte, i) => byte ^ key[(keyOffset + i) % 4]!));
}

describe('applyMask on large payloads', () => {
  test('WebAssembly SIMD is available on the supported runtimes', () => {
    assert.equal(maskWithSimd(new Uint8Array(0), 1, 2, 3, 4), true);
  });

  test('agrees with the definition around the SIMD threshold and the 16 KiB block edges, any alignment and key offset', () => {
    const random = mulberry32(11);
    const backing = new Uint8Array(40_000);
    for (let i = 0; i < backing.length; i++) backing[i] = Math.floor(random() * 256);
    const key = hex('a1b2c3d4');
    const lengths = [2047, 2048, 2049, 2111, 4096, 16_383, 16_384, 16_385, 16_448, 32_768 + 13, 39_990];
    for (const length of lengths) {
      for (const align of [0, 1, 3]) {
        for (const keyOffset of [0, 1, 2, 3, 6]) {
          const copy = new Uint8Array(backing);
          const data = copy.subarray(align, align + length);
          const expected = maskByDefinition(data, key, keyOffset);
          applyMask(data, key, keyOffset);
          assert.ok(Buffer.from(data).equals(expected), `length ${length}, alignment ${align}, key offset ${keyOffset}`);
          assert.deepEqual(copy.subarray(0, align), backing.subarray(0, align), 'bytes before the view untouched');
          assert.deepEqual(copy.subarray(align + length), backing.subarray(align + length), 'bytes after the view untouched');
        }
      }
    }
  });

  test('a large payload unmasked in uneven pieces equals one unmasked whole', () => {
    const random = mulberry32(12);
    const payload = Buffer.from(Array.from({ length: 100_000 }, () => Math.floor(random() * 256)));
    const key = hex('37fa213d');
    const whole = Buffer.from(payload);
    applyMask(whole, key);
    const pieces = Buffer.from(payload);
    let offset = 0;
    while (offset < pieces.length) {
      const size = 1 + Math.floor(random() * 20_000);
      applyMask(pieces.subarray(offset, offset + size), key, offset);
      offset += size;
    }
    assert.equal(toHex(pieces), toHex(whole));
  });
});
