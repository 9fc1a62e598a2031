/**
 * RFC 6455 §5.7 examples as hex fixtures, checked both ways: the codec and the connection must
 * produce exactly these bytes, and parsing them must give back the fields.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Opcode,
  ProtocolError,
  parseFrame,
  parseFrameHeader,
  serializeFrame,
  encodeFrameHeader,
  headerLengthFromSecondByte,
  type OutgoingFrame,
} from '../../src/protocol/index.js';
import { RFC_MASK_KEY, connection, hex, outgoing, plain, toHex } from './helpers.js';

const BYTES_256 = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const BYTES_64K = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff));

interface Fixture {
  name: string;
  frame: OutgoingFrame & { payload: Buffer };
  hex: string;
}

const FIXTURES: Fixture[] = [
  { name: 'a single-frame unmasked text message "Hello"', frame: { opcode: Opcode.Text, payload: Buffer.from('Hello') }, hex: '81 05 48 65 6c 6c 6f' },
  {
    name: 'a single-frame masked text message "Hello"',
    frame: { opcode: Opcode.Text, payload: Buffer.from('Hello'), maskKey: RFC_MASK_KEY },
    hex: '81 85 37 fa 21 3d 7f 9f 4d 51 58',
  },
  { name: 'the first fragment of "Hel"+"lo"', frame: { opcode: Opcode.Text, payload: Buffer.from('Hel'), fin: false }, hex: '01 03 48 65 6c' },
  { name: 'the last fragment of "Hel"+"lo"', frame: { opcode: Opcode.Continuation, payload: Buffer.from('lo') }, hex: '80 02 6c 6f' },
  { name: 'an unmasked Ping "Hello"', frame: { opcode: Opcode.Ping, payload: Buffer.from('Hello') }, hex: '89 05 48 65 6c 6c 6f' },
  {
    name: 'a masked Pong "Hello"',
    frame: { opcode: Opcode.Pong, payload: Buffer.from('Hello'), maskKey: RFC_MASK_KEY },
    hex: '8a 85 37 fa 21 3d 7f 9f 4d 51 58',
  },
  { name: 'a 256-byte binary message (16-bit length)', frame: { opcode: Opcode.Binary, payload: BYTES_256 }, hex: `82 7e 01 00${toHex(BYTES_256)}` },
  {
    name: 'a 64 KiB binary message (64-bit length)',
    frame: { opcode: Opcode.Binary, payload: BYTES_64K },
    hex: `82 7f 00 00 00 00 00 01 00 00${toHex(BYTES_64K)}`,
  },
];

describe('RFC 6455 §5.7 fixtures', () => {
  for (const fixture of FIXTURES) {
    test(`serialize: ${fixture.name}`, () => {
      assert.equal(toHex(serializeFrame(fixture.frame)), toHex(hex(fixture.hex)));
    });

    test(`parse: ${fixture.name}`, () => {
      const bytes = hex(fixture.hex);
      const before = toHex(bytes);
      const parsed = parseFrame(bytes);
      assert.ok(parsed);
      assert.equal(parsed.size, bytes.length);
      const { frame } = parsed;
      assert.equal(frame.opcode, fixture.frame.opcode);
      assert.equal(frame.fin, fixture.frame.fin ?? true);
      assert.equal(frame.rsv1, false);
      assert.equal(frame.rsv2, false);
      assert.equal(frame.rsv3, false);
      assert.equal(frame.masked, fixture.frame.maskKey !== undefined);
      assert.deepEqual(frame.maskKey && toHex(frame.maskKey), fixture.frame.maskKey && toHex(fixture.frame.maskKey));
      assert.equal(frame.payloadLength, fixture.frame.payload.length);
      assert.equal(toHex(frame.payload), toHex(fixture.frame.payload));
      assert.equal(toHex(bytes), before, 'parseFrame must not change its input');
    });

    test(`parse returns undefined until the whole frame is there: ${fixture.name}`, () => {
      const bytes = hex(fixture.hex);
      for (const cut of new Set([0, 1, 2, 3, 4, 9, 10, 13, bytes.length - 1])) {
        if (cut < bytes.length) assert.equal(parseFrame(bytes.subarray(0, cut)), undefined, `cut at ${cut}`);
      }
    });
  }

  test("serializeFrame leaves the caller's payload unmasked", () => {
    const payload = Buffer.from('Hello');
    serializeFrame({ opcode: Opcode.Text, payload, maskKey: RFC_MASK_KEY });
    assert.equal(payload.toString(), 'Hello');
  });
});

describe('the connection produces the fixtures byte for byte', () => {
  test('server sends unmasked "Hello"', () => {
    const server = connection('server');
    server.sendText('Hello');
    assert.equal(toHex(outgoing(server)), toHex(hex('81 05 48 65 6c 6c 6f')));
  });

  test('client sends masked "Hello" with the injected key', () => {
    const client = connection('client');
    client.sendText('Hello');
    assert.equal(toHex(outgoing(client)), toHex(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58')));
    client.sendText(Buffer.from('Hello'));
    assert.equal(toHex(outgoing(client)), toHex(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58')));
  });

  test('server sends "Hel"+"lo" as two fragments', () => {
    const server = connection('server');
    server.sendDataFrame(Opcode.Text, 'Hel', false, false);
    server.sendDataFrame(Opcode.Continuation, 'lo', true, false);
    assert.equal(toHex(outgoing(server)), toHex(hex('01 03 48 65 6c 80 02 6c 6f')));
  });

  test('server pings "Hello"; the client answers with the masked Pong of the RFC', () => {
    const server = connection('server');
    const client = connection('client');
    server.ping('Hello');
    const ping = outgoing(server);
    assert.equal(toHex(ping), toHex(hex('89 05 48 65 6c 6c 6f')));
    client.receiveData(ping);
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'ping', data: toHex(Buffer.from('Hello')) }]);
    assert.equal(toHex(outgoing(client)), toHex(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58')));
  });

  test('server sends 256 bytes and 64 KiB with 16- and 64-bit lengths', () => {
    const server = connection('server');
    server.sendBinary(BYTES_256);
    assert.equal(toHex(outgoing(server)), `827e0100${toHex(BYTES_256)}`);
    server.sendBinary(BYTES_64K);
    assert.equal(toHex(outgoing(server)), `827f0000000000010000${toHex(BYTES_64K)}`);
  });

  test('the connection reads every fixture back as the same messages', () => {
    const client = connection('client');
    client.receiveData(hex('81 05 48 65 6c 6c 6f 01 03 48 65 6c 89 05 48 65 6c 6c 6f 80 02 6c 6f'));
    client.receiveData(hex(`82 7e 01 00${toHex(BYTES_256)}`));
    client.receiveData(hex(`82 7f 00 00 00 00 00 01 00 00${toHex(BYTES_64K)}`));
    assert.deepEqual(plain(client.takeEvents()), [
      { type: 'message', binary: false, data: toHex(Buffer.from('Hello')), compressed: false },
      { type: 'ping', data: toHex(Buffer.from('Hello')) },
      { type: 'message', binary: false, data: toHex(Buffer.from('Hello')), compressed: false },
      { type: 'message', binary: true, data: toHex(BYTES_256), compressed: false },
      { type: 'message', binary: true, data: toHex(BYTES_64K), compressed: false },
    ]);
    const server = connection('server');
    server.receiveData(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58 8a 85 37 fa 21 3d 7f 9f 4d 51 58'));
    assert.deepEqual(plain(server.takeEvents()), [
      { type: 'message', binary: false, data: toHex(Buffer.from('Hello')), compressed: false },
      { type: 'pong', data: toHex(Buffer.from('Hello')) },
    ]);
  });
});

describe('header encoding', () => {
  test('the minimal length width is chosen at each boundary', () => {
    const cases: Array<[number, string]> = [
      [0, '8200'],
      [125, '827d'],
      [126, '827e007e'],
      [0xffff, '827effff'],
      [0x10000, '827f0000000000010000'],
      [2 ** 32, '827f0000000100000000'],
      [2 ** 53 - 1, '827f001fffffffffffff'],
    ];
    for (const [length, expected] of cases) {
      assert.equal(toHex(encodeFrameHeader({ opcode: Opcode.Binary }, length)), expected, `length ${length}`);
    }
  });

  test('every bit of the first byte and the mask bit', () => {
    const header = encodeFrameHeader({ opcode: 0xf, fin: false, rsv1: true, rsv2: true, rsv3: true, maskKey: hex('01020304') }, 3);
    assert.equal(toHex(header), '7f8301020304');
    const parsed = parseFrameHeader(header);
    assert.deepEqual(
      {
        fin: parsed.fin,
        rsv1: parsed.rsv1,
        rsv2: parsed.rsv2,
        rsv3: parsed.rsv3,
        opcode: parsed.opcode,
        masked: parsed.masked,
        payloadLength: parsed.payloadLength,
        headerLength: parsed.headerLength,
      },
      { fin: false, rsv1: true, rsv2: true, rsv3: true, opcode: 0xf, masked: true, payloadLength: 3, headerLength: 6 },
    );
    assert.equal(toHex(parsed.maskKey!), '01020304');
  });

  test('headerLengthFromSecondByte: 2, 4 or 10, plus 4 when masked', () => {
    assert.deepEqual([0x00, 0x7d, 0x7e, 0x7f, 0x80, 0xfd, 0xfe, 0xff].map(headerLengthFromSecondByte), [2, 2, 4, 10, 6, 6, 8, 14]);
  });

  test('a forced length width encodes non-minimal lengths, for raw mode', () => {
    assert.equal(toHex(serializeFrame({ opcode: Opcode.Text, payload: Buffer.from('a'), lengthEncoding: 16 })), '817e000161');
    assert.equal(toHex(serializeFrame({ opcode: Opcode.Text, payload: Buffer.from('a'), lengthEncoding: 64 })), '817f000000000000000161');
  });
});

describe('lengths the wire format forbids', () => {
  const cases: Array<[string, string, string, number]> = [
    ['16-bit length under 126', '827e007d', 'WS_ERR_NON_MINIMAL_LENGTH', 1002],
    ['16-bit length of 0', '827e0000', 'WS_ERR_NON_MINIMAL_LENGTH', 1002],
    ['64-bit length under 65536', '827f000000000000ffff', 'WS_ERR_NON_MINIMAL_LENGTH', 1002],
    ['64-bit length of 1', '827f0000000000000001', 'WS_ERR_NON_MINIMAL_LENGTH', 1002],
    ['64-bit length with the most significant bit set', '827f8000000000000000', 'WS_ERR_INVALID_PAYLOAD_LENGTH', 1002],
    ['64-bit length of all ones', '827fffffffffffffffff', 'WS_ERR_INVALID_PAYLOAD_LENGTH', 1002],
    ['64-bit length of 2^53', '827f0020000000000000', 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009],
  ];
  for (const [name, bytes, code, closeCode] of cases) {
    test(name, () => {
      assert.throws(
        () => parseFrameHeader(hex(bytes)),
        (error: unknown) => error instanceof ProtocolError && error.code === code && error.closeCode === closeCode,
      );
    });
  }
});
