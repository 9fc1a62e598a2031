/** RFC 6455 §5.3 masking on the WebAssembly SIMD path (payloads from 2 KiB): byte for byte the definition. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMask, copyMasked } from '../../src/protocol/index.js';
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

  test('copyMasked writes the masked bytes at the offset and leaves the source and the rest of the target alone', () => {
    const random = mulberry32(13);
    const key = hex('0badf00d');
    for (const length of [0, 5, 63, 64, 2047, 2048, 16_384, 16_385, 50_001]) {
      for (const targetOffset of [0, 2, 14]) {
        const source = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
        const original = Buffer.from(source);
        const target = Buffer.alloc(length + targetOffset + 3, 0xee);
        copyMasked(source, target, targetOffset, key);
        assert.ok(source.equals(original), `source untouched (length ${length})`);
        assert.ok(target.subarray(targetOffset, targetOffset + length).equals(maskByDefinition(source, key, 0)), `length ${length}, offset ${targetOffset}`);
        assert.ok(
          target.subarray(0, targetOffset).every((byte) => byte === 0xee),
          'bytes before untouched',
        );
        assert.ok(
          target.subarray(targetOffset + length).every((byte) => byte === 0xee),
          'bytes after untouched',
        );
      }
    }
  });

  test('payloads in an ArrayBuffer over 128 KiB (masked out through a plain block) agree with the definition, and the rest is untouched', () => {
    const random = mulberry32(14);
    const key = hex('5e6f7a8b');
    for (const [length, at] of [
      [300_000, 0],
      [300_000, 5],
      [2048, 200_000],
      [16_385, 131_070],
      [1_048_576, 3],
    ] as const) {
      const backing = new Uint8Array(at + length + 7);
      for (let i = 0; i < backing.length; i++) backing[i] = Math.floor(random() * 256);
      const original = new Uint8Array(backing);
      for (const keyOffset of [0, 3]) {
        const copy = new Uint8Array(original);
        const data = copy.subarray(at, at + length);
        const expected = maskByDefinition(data, key, keyOffset);
        applyMask(data, key, keyOffset);
        const where = `length ${length} at ${at}, key offset ${keyOffset}`;
        assert.ok(Buffer.from(data).equals(expected), where);
        assert.ok(Buffer.from(copy.subarray(0, at)).equals(Buffer.from(original.subarray(0, at))), `bytes before untouched: ${where}`);
        assert.ok(Buffer.from(copy.subarray(at + length)).equals(Buffer.from(original.subarray(at + length))), `bytes after untouched: ${where}`);
        const target = new Uint8Array(at + length + 7).fill(0xee);
        copyMasked(original.subarray(at, at + length), target, at, key, keyOffset);
        assert.ok(Buffer.from(target.subarray(at, at + length)).equals(expected), `copyMasked: ${where}`);
        assert.ok(
          target.subarray(at + length).every((byte) => byte === 0xee),
          `copyMasked, bytes after untouched: ${where}`,
        );
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
