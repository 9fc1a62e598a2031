/** RFC 6455 §5.3 masking: the word-at-a-time path must agree with the definition byte for byte. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMask, copyMasked } from '../../src/protocol/index.js';
import { applyMaskRange } from '../../src/protocol/mask.js';
import { RFC_MASK_KEY, hex, mulberry32, toHex } from './helpers.js';

/** The definition: "octet i of the transformed data is the XOR of octet i of the original data with octet at index i modulo 4 of the masking key". */
function maskByDefinition(data: Uint8Array, key: Uint8Array, keyOffset: number): Buffer {
  return Buffer.from(data.map((byte, i) => byte ^ key[(keyOffset + i) % 4]!));
}

describe('applyMask', () => {
  test('the RFC example: "Hello" with 37 fa 21 3d', () => {
    const data = Buffer.from('Hello');
    applyMask(data, RFC_MASK_KEY);
    assert.equal(toHex(data), toHex(hex('7f 9f 4d 51 58')));
    applyMask(data, RFC_MASK_KEY);
    assert.equal(data.toString(), 'Hello');
  });

  test('agrees with the definition for every length around the word threshold, alignment and key offset', () => {
    const random = mulberry32(5);
    const backing = new Uint8Array(256 + 8);
    for (let i = 0; i < backing.length; i++) backing[i] = Math.floor(random() * 256);
    const key = hex('a1b2c3d4');
    for (let length = 0; length <= 140; length++) {
      for (let align = 0; align < 4; align++) {
        for (let keyOffset = 0; keyOffset < 6; keyOffset++) {
          const copy = new Uint8Array(backing);
          const data = copy.subarray(align, align + length);
          const expected = maskByDefinition(data, key, keyOffset);
          applyMask(data, key, keyOffset);
          assert.equal(toHex(data), toHex(expected), `length ${length}, alignment ${align}, key offset ${keyOffset}`);
          assert.deepEqual(copy.subarray(0, align), backing.subarray(0, align), 'bytes before the view untouched');
          assert.deepEqual(copy.subarray(align + length), backing.subarray(align + length), 'bytes after the view untouched');
        }
      }
    }
  });

  test('a payload unmasked piece by piece equals one unmasked whole', () => {
    const random = mulberry32(9);
    const payload = Buffer.from(Array.from({ length: 1000 }, () => Math.floor(random() * 256)));
    const whole = Buffer.from(payload);
    applyMask(whole, RFC_MASK_KEY);
    const pieces = Buffer.from(payload);
    let offset = 0;
    while (offset < pieces.length) {
      const size = 1 + Math.floor(random() * 80);
      applyMask(pieces.subarray(offset, offset + size), RFC_MASK_KEY, offset);
      offset += size;
    }
    assert.equal(toHex(pieces), toHex(whole));
  });

  test('a key taken from a larger buffer is read from its own offset', () => {
    const pool = hex('ffffffff 37fa213d ffffffff');
    const data = Buffer.from('Hello, WebSocket world, long enough for the word loop');
    const expected = maskByDefinition(data, RFC_MASK_KEY, 0);
    applyMask(data, pool.subarray(4, 8));
    assert.equal(toHex(data), toHex(expected));
  });
});

describe('short payloads, masked four bytes a turn', () => {
  test('copyMasked agrees with the definition for every short length, key offset and target offset', () => {
    const random = mulberry32(21);
    const key = hex('0badf00d');
    for (let length = 0; length <= 70; length++) {
      for (let keyOffset = 0; keyOffset < 6; keyOffset++) {
        for (const targetOffset of [0, 1, 6]) {
          const source = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
          const target = Buffer.alloc(targetOffset + length + 2, 0xee);
          copyMasked(source, target, targetOffset, key, keyOffset);
          const where = `length ${length}, key offset ${keyOffset}, target offset ${targetOffset}`;
          assert.equal(toHex(target.subarray(targetOffset, targetOffset + length)), toHex(maskByDefinition(source, key, keyOffset)), where);
          assert.ok(
            target.subarray(0, targetOffset).every((byte) => byte === 0xee),
            `bytes before untouched: ${where}`,
          );
          assert.ok(
            target.subarray(targetOffset + length).every((byte) => byte === 0xee),
            `bytes after untouched: ${where}`,
          );
        }
      }
    }
  });

  test('applyMaskRange masks exactly the range, key byte 0 at its start, short and long', () => {
    const random = mulberry32(22);
    const key = hex('37fa213d');
    for (const length of [0, 1, 3, 4, 31, 32, 63, 64, 65, 200]) {
      for (const from of [0, 2, 7]) {
        const data = Buffer.from(Array.from({ length: from + length + 3 }, () => Math.floor(random() * 256)));
        const original = Buffer.from(data);
        applyMaskRange(data, from, from + length, key);
        const where = `length ${length}, from ${from}`;
        assert.equal(toHex(data.subarray(from, from + length)), toHex(maskByDefinition(original.subarray(from, from + length), key, 0)), where);
        assert.ok(data.subarray(0, from).equals(original.subarray(0, from)), `bytes before untouched: ${where}`);
        assert.ok(data.subarray(from + length).equals(original.subarray(from + length)), `bytes after untouched: ${where}`);
      }
    }
  });
});
