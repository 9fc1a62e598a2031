/**
 * Incremental UTF-8 validation (RFC 3629 §4): the classic boundary cases, fail-fast at the first
 * impossible byte however the input is split, and agreement with a one-shot check.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Utf8Validator, isValidUtf8 } from '../../src/protocol/index.js';
import { hex } from './helpers.js';

/** Feed the pieces; the index of the first piece refused, or -1, and whether it ended complete. */
function run(pieces: readonly Uint8Array[]): { refusedAt: number; complete: boolean } {
  const validator = new Utf8Validator();
  for (let i = 0; i < pieces.length; i++) {
    if (!validator.write(pieces[i]!)) return { refusedAt: i, complete: false };
  }
  return { refusedAt: -1, complete: validator.isComplete() };
}

function accepts(pieces: readonly Uint8Array[]): boolean {
  const result = run(pieces);
  return result.refusedAt === -1 && result.complete;
}

function splitAt(bytes: Buffer, ...cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    out.push(bytes.subarray(start, cut));
    start = cut;
  }
  out.push(bytes.subarray(start));
  return out;
}

function bytesOf(bytes: Buffer): Buffer[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

const VALID: Array<[string, string]> = [
  ['empty', ''],
  ['NUL and DEL', '00 7f'],
  ['smallest 2-byte, U+0080', 'c2 80'],
  ['largest 2-byte, U+07FF', 'df bf'],
  ['smallest 3-byte, U+0800', 'e0 a0 80'],
  ['last before the surrogates, U+D7FF', 'ed 9f bf'],
  ['first after the surrogates, U+E000', 'ee 80 80'],
  ['U+FFFD', 'ef bf bd'],
  ['U+FFFF', 'ef bf bf'],
  ['smallest 4-byte, U+10000', 'f0 90 80 80'],
  ['U+F0000 after F3', 'f3 b0 80 80'],
  ['largest code point, U+10FFFF', 'f4 8f bf bf'],
  ['"κόσμε" (the Markus Kuhn test)', 'ce ba e1 bd b9 cf 83 ce bc ce b5'],
];

/** The bytes, and the index of the first byte after which no valid continuation exists. */
const INVALID: Array<[string, string, number]> = [
  ['a lone continuation byte 80', '80', 0],
  ['a lone continuation byte BF after ASCII', '41 bf', 1],
  ['overlong 2-byte C0 80 (NUL)', 'c0 80', 0],
  ['overlong 2-byte C1 BF', 'c1 bf', 0],
  ['overlong 3-byte E0 80 80', 'e0 80 80', 1],
  ['overlong 3-byte E0 9F BF (U+07FF)', 'e0 9f bf', 1],
  ['overlong 4-byte F0 80 80 80', 'f0 80 80 80', 1],
  ['overlong 4-byte F0 8F BF BF (U+FFFF)', 'f0 8f bf bf', 1],
  ['high surrogate ED A0 80 (U+D800)', 'ed a0 80', 1],
  ['low surrogate ED BF BF (U+DFFF)', 'ed bf bf', 1],
  ['surrogate pair as CESU-8', 'ed a0 bd ed b2 a9', 1],
  ['above U+10FFFF: F4 90 80 80', 'f4 90 80 80', 1],
  ['F5 lead byte', 'f5 80 80 80', 0],
  ['F7 BF BF BF', 'f7 bf bf bf', 0],
  ['F8 (5-byte form)', 'f8 88 80 80 80', 0],
  ['FC (6-byte form)', 'fc 84 80 80 80 80', 0],
  ['FE', 'fe', 0],
  ['FF', 'ff', 0],
  ['2-byte lead then ASCII', 'c2 41', 1],
  ['3-byte lead, one continuation, then ASCII', 'e2 82 41', 2],
  ['4-byte lead, two continuations, then a new lead', 'f0 9f 98 f0 9f 98 80', 3],
  ['too many continuations', 'c3 a9 a9', 2],
  ['invalid after a long valid run', `${'41'.repeat(100)}ce ba ff`, 102],
];

/** Cut short: never refused, but not complete either. */
const TRUNCATED: Array<[string, string]> = [
  ['2-byte lead alone', 'c2'],
  ['3-byte lead alone', 'e2'],
  ['3-byte, one continuation', 'e2 82'],
  ['4-byte, one continuation', 'f0 9f'],
  ['4-byte, two continuations', 'f0 9f 98'],
  ['after valid text', '48 65 6c 6c 6f ce'],
];

describe('Utf8Validator: classic cases', () => {
  for (const [name, bytes] of VALID) {
    test(`valid: ${name}`, () => {
      const input = hex(bytes);
      assert.equal(isValidUtf8(input), true);
      assert.equal(accepts([input]), true, 'whole');
      assert.equal(accepts(bytesOf(input)), true, 'byte by byte');
      for (let cut = 0; cut <= input.length; cut++) assert.equal(accepts(splitAt(input, cut)), true, `split at ${cut}`);
    });
  }

  for (const [name, bytes, failAt] of INVALID) {
    test(`invalid: ${name}, refused at byte ${failAt} however it is split`, () => {
      const input = hex(bytes);
      assert.equal(isValidUtf8(input), false);
      assert.equal(run([input]).refusedAt, 0, 'whole');
      assert.equal(run(bytesOf(input)).refusedAt, failAt, 'byte by byte: refused by the piece holding the first impossible byte');
      for (let cut = 0; cut <= input.length; cut++) {
        assert.equal(run(splitAt(input, cut)).refusedAt, failAt < cut ? 0 : 1, `split at ${cut}`);
      }
    });
  }

  for (const [name, bytes] of TRUNCATED) {
    test(`truncated: ${name}`, () => {
      const input = hex(bytes);
      assert.equal(isValidUtf8(input), false);
      assert.deepEqual(run([input]), { refusedAt: -1, complete: false });
      assert.deepEqual(run(bytesOf(input)), { refusedAt: -1, complete: false });
    });
  }

  test('reset forgets a code point in progress', () => {
    const validator = new Utf8Validator();
    assert.equal(validator.write(hex('e2 82')), true);
    assert.equal(validator.isComplete(), false);
    validator.reset();
    assert.equal(validator.isComplete(), true);
    assert.equal(validator.write(hex('41')), true);
  });
});

describe('Utf8Validator: splits', () => {
  // Every valid multi-byte boundary character, plus ordinary ones, between ASCII neighbours.
  const CHARS = ['\u0080', 'é', '\u07ff', '\u0800', '€', '\ud7ff', '\ue000', '\ufffd', '\uffff', '\u{10000}', '😀', '\u{f0000}', '\u{10ffff}'];

  test('every valid multi-byte character, split at every byte position', () => {
    for (const char of CHARS) {
      const input = Buffer.from(`a${char}b`);
      for (let cut = 0; cut <= input.length; cut++) {
        const validator = new Utf8Validator();
        assert.equal(validator.write(input.subarray(0, cut)), true, `${JSON.stringify(char)} cut at ${cut}`);
        assert.equal(validator.isComplete(), cut <= 1 || cut >= input.length - 1, `isComplete of ${JSON.stringify(char)} cut at ${cut}`);
        assert.equal(validator.write(input.subarray(cut)), true, `${JSON.stringify(char)} cut at ${cut}`);
        assert.equal(validator.isComplete(), true);
      }
      assert.equal(accepts(bytesOf(input)), true, `${JSON.stringify(char)} byte by byte`);
      for (let first = 1; first < input.length; first++) {
        for (let second = first; second < input.length; second++) {
          assert.equal(accepts(splitAt(input, first, second)), true, `${JSON.stringify(char)} cut at ${first} and ${second}`);
        }
      }
    }
  });

  test('a long text of mixed widths split into pieces of every size from 1 to 9', () => {
    const input = Buffer.from(CHARS.join('x').repeat(20));
    for (let size = 1; size <= 9; size++) {
      const pieces: Buffer[] = [];
      for (let offset = 0; offset < input.length; offset += size) pieces.push(input.subarray(offset, offset + size));
      assert.equal(accepts(pieces), true, `pieces of ${size}`);
    }
  });

  test('agrees with the one-shot check on every 2-byte sequence and the interesting 3- and 4-byte ones, at every split', () => {
    const checks: Buffer[] = [];
    for (let b0 = 0; b0 < 256; b0++) for (let b1 = 0; b1 < 256; b1++) checks.push(Buffer.of(b0, b1));
    const tails = [0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2];
    for (const b0 of [0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5]) {
      for (let b1 = 0; b1 < 256; b1++) {
        for (const b2 of tails) {
          checks.push(Buffer.of(b0, b1, b2));
          for (const b3 of [0x41, 0x80, 0xbf, 0xc0]) checks.push(Buffer.of(b0, b1, b2, b3));
        }
      }
    }
    for (const input of checks) {
      const expected = isValidUtf8(input);
      for (let cut = 0; cut <= input.length; cut++) {
        if (accepts(splitAt(input, cut)) !== expected) assert.fail(`${input.toString('hex')} split at ${cut}: expected ${expected}`);
      }
      if (accepts(bytesOf(input)) !== expected) assert.fail(`${input.toString('hex')} byte by byte: expected ${expected}`);
    }
  });
});
