/**
 * The fault builders' bytes, as hex fixtures: where a frame is valid the engine's own writer and
 * parser must agree with it byte for byte; where it lies, the lie is exactly the bytes asked for.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildFrame,
  buildFrameHeader,
  closePayload,
  fragmentedMessage,
  INVALID_UTF8_KINDS,
  invalidUtf8Payload,
  paceFor,
  pacedChunks,
  parseHex,
  splitPayload,
  WireFrameError,
} from '../../src/faults/index.js';
import { isValidUtf8, parseFrame, serializeFrame } from '../../src/protocol/index.js';

const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
const KEY = Buffer.from('37fa213d', 'hex');

describe("buildFrame: valid frames are the engine's bytes", () => {
  const cases = [
    { opcode: 1, payload: Buffer.from('Hello') },
    { opcode: 1, payload: Buffer.from('Hello'), maskKey: KEY },
    { opcode: 2, payload: Buffer.alloc(256, 7), maskKey: KEY },
    { opcode: 2, payload: Buffer.alloc(70_000, 1) },
    { opcode: 9, payload: Buffer.from('ping'), fin: true },
    { opcode: 0, payload: Buffer.from('lo'), fin: false, rsv1: true },
  ];
  for (const frame of cases) {
    test(`opcode ${frame.opcode}, ${frame.payload.length} bytes${frame.maskKey ? ', masked' : ''}`, () => {
      const ours = buildFrame(frame);
      assert.deepEqual(ours, serializeFrame(frame));
      const parsed = parseFrame(ours);
      assert.ok(parsed);
      assert.equal(parsed.size, ours.length);
      assert.deepEqual(parsed.frame.payload, frame.payload);
      assert.equal(parsed.frame.opcode, frame.opcode);
    });
  }

  test('RFC 6455 §5.7: a masked "Hello"', () => {
    assert.equal(hex(buildFrame({ opcode: 1, payload: Buffer.from('Hello'), maskKey: KEY })), '81 85 37 fa 21 3d 7f 9f 4d 51 58');
  });

  test("the caller's payload is not masked in place", () => {
    const payload = Buffer.from('Hello');
    buildFrame({ opcode: 1, payload, maskKey: KEY });
    assert.equal(payload.toString(), 'Hello');
  });
});

describe('buildFrame: frames that break the rules', () => {
  test('every header bit as asked: FIN off, RSV1-3 on, a reserved opcode', () => {
    assert.equal(hex(buildFrameHeader({ opcode: 0xb, fin: false, rsv1: true, rsv2: true, rsv3: true })), '7b 00');
    assert.equal(hex(buildFrameHeader({ opcode: 1, rsv2: true })), 'a1 00');
  });

  test('a declared length longer than the payload, in the 7-bit form', () => {
    assert.equal(hex(buildFrame({ opcode: 1, payload: Buffer.from('hi'), declaredLength: 100 })), '81 64 68 69');
  });

  test('a declared length shorter than the payload', () => {
    assert.equal(hex(buildFrame({ opcode: 2, payload: Buffer.from('abcd'), declaredLength: 1 })), '82 01 61 62 63 64');
  });

  test('non-minimal forms: 5 bytes declared in 16 and in 64 bits', () => {
    assert.equal(hex(buildFrameHeader({ opcode: 1, declaredLength: 5, lengthForm: 16 })), '81 7e 00 05');
    assert.equal(hex(buildFrameHeader({ opcode: 1, declaredLength: 5, lengthForm: 64 })), '81 7f 00 00 00 00 00 00 00 05');
  });

  test('the minimal form follows the declared length, not the payload', () => {
    assert.equal(hex(buildFrameHeader({ opcode: 2, declaredLength: 126 })), '82 7e 00 7e');
    assert.equal(hex(buildFrameHeader({ opcode: 2, declaredLength: 65_536 })), '82 7f 00 00 00 00 00 01 00 00');
  });

  test('64-bit lengths past 2^53, and with the most significant bit set (RFC 6455 §5.2 forbids it)', () => {
    assert.equal(hex(buildFrameHeader({ opcode: 2, declaredLength: 0xffff_ffff_ffff_ffffn })), '82 7f ff ff ff ff ff ff ff ff');
    assert.equal(hex(buildFrameHeader({ opcode: 2, declaredLength: 2n ** 63n })), '82 7f 80 00 00 00 00 00 00 00');
  });

  test('a masked frame with a lying length keeps the mask key after the length', () => {
    assert.equal(hex(buildFrame({ opcode: 1, payload: Buffer.from('H'), maskKey: KEY, declaredLength: 300 })), '81 fe 01 2c 37 fa 21 3d 7f');
  });

  test('what cannot be encoded at all is refused with a reason', () => {
    assert.throws(() => buildFrame({ opcode: 16 }), { name: 'WireFrameError', message: /opcode 16 does not fit in 4 bits/ });
    assert.throws(() => buildFrame({ opcode: 1, declaredLength: 126, lengthForm: 7 }), { message: /126 does not fit the 7-bit length form \(at most 125\)/ });
    assert.throws(() => buildFrame({ opcode: 1, declaredLength: 65_536, lengthForm: 16 }), WireFrameError);
    assert.throws(() => buildFrame({ opcode: 1, declaredLength: 2n ** 64n }), WireFrameError);
    assert.throws(() => buildFrame({ opcode: 1, maskKey: Buffer.from('0102', 'hex') }), { message: /a mask key is 4 bytes, not 2/ });
  });
});

describe('closePayload', () => {
  test('codes no endpoint may send, on the wire all the same', () => {
    assert.equal(hex(closePayload(1005)), '03 ed');
    assert.equal(hex(closePayload(999, Buffer.from('x'))), '03 e7 78');
    assert.equal(hex(closePayload(5000)), '13 88');
    assert.throws(() => closePayload(65_536), /does not fit in a Close frame's 2 bytes/);
  });
});

describe('invalid UTF-8', () => {
  for (const kind of INVALID_UTF8_KINDS) {
    test(`${kind} is invalid to the engine's validator and to a fatal TextDecoder`, () => {
      const payload = invalidUtf8Payload(kind);
      assert.equal(isValidUtf8(payload), false);
      assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(payload));
      assert.equal(isValidUtf8(payload.subarray(0, payload.indexOf(':') + 2)), true, 'the prefix alone is valid');
    });
  }
});

describe('fragments', () => {
  test('splitPayload: sizes as equal as can be, empty pieces when there are more pieces than bytes', () => {
    assert.deepEqual(
      splitPayload(Buffer.from('abcdefg'), 3).map((piece) => Buffer.from(piece).toString()),
      ['abc', 'de', 'fg'],
    );
    assert.deepEqual(
      splitPayload(Buffer.from('ab'), 3).map((piece) => piece.length),
      [1, 1, 0],
    );
    assert.throws(() => splitPayload(Buffer.from('ab'), 0), RangeError);
  });

  test('fragmentedMessage: opcode first, continuations after, FIN last, control frames between', () => {
    const ping = { opcode: 9, payload: Buffer.from('p') };
    const frames = fragmentedMessage(1, Buffer.from('abc'), 3, [ping]);
    assert.deepEqual(
      frames.map((frame) => [frame.opcode, frame.fin, Buffer.from(frame.payload!).toString()]),
      [
        [1, false, 'a'],
        [9, undefined, 'p'],
        [0, false, 'b'],
        [9, undefined, 'p'],
        [0, true, 'c'],
      ],
    );
  });
});

describe('pacing', () => {
  test('fast rates write bigger chunks every 20 ms; slow rates one byte, further apart', () => {
    assert.deepEqual(paceFor(1000), { chunkSize: 20, intervalMs: 20 });
    assert.deepEqual(paceFor(10), { chunkSize: 1, intervalMs: 100 });
    assert.deepEqual(paceFor(75), { chunkSize: 1, intervalMs: 1000 / 75 });
    assert.throws(() => paceFor(0), RangeError);
  });

  test('pacedChunks covers every byte once, in order', () => {
    const bytes = Buffer.from('0123456789');
    const chunks = pacedChunks(bytes, { chunkSize: 3, intervalMs: 1 });
    assert.deepEqual(
      chunks.map((chunk) => chunk.length),
      [3, 3, 3, 1],
    );
    assert.deepEqual(Buffer.concat(chunks), bytes);
  });
});

describe('parseHex', () => {
  test('spaces, colons and a 0x prefix', () => {
    assert.equal(hex(parseHex('0x81 05:48')), '81 05 48');
    assert.throws(() => parseHex('8'), /not hex bytes/);
    assert.throws(() => parseHex('zz'), WireFrameError);
  });
});
