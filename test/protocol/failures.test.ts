/**
 * Every way a peer can break the protocol: the error's stable code, its close code, and the
 * Close frame that goes out, asserted together (STYLE.md habit 3).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode, ProtocolError } from '../../src/protocol/index.js';
import { assertFails, clientFrame, connection, frames, hex, outgoing, plain, serverFrame, toHex } from './helpers.js';

describe('opcodes and reserved bits', () => {
  for (const opcode of [0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
    test(`reserved opcode 0x${opcode.toString(16)} → 1002`, () => {
      assertFails(connection('server'), clientFrame(opcode, 'x'), 'WS_ERR_INVALID_OPCODE', 1002);
      assertFails(connection('client'), serverFrame(opcode), 'WS_ERR_INVALID_OPCODE', 1002);
    });
  }

  test('RSV1 without an extension → 1002', () => {
    assertFails(connection('server'), clientFrame(Opcode.Text, 'x', { rsv1: true }), 'WS_ERR_UNEXPECTED_RSV_1', 1002);
    assertFails(connection('client'), serverFrame(Opcode.Binary, 'x', { rsv1: true }), 'WS_ERR_UNEXPECTED_RSV_1', 1002);
  });

  test('RSV2 and RSV3 → 1002, even with an extension that uses RSV1', () => {
    for (const allowRsv1 of [false, true]) {
      assertFails(connection('server', { allowRsv1 }), clientFrame(Opcode.Text, 'x', { rsv2: true }), 'WS_ERR_UNEXPECTED_RSV_2_3', 1002);
      assertFails(connection('server', { allowRsv1 }), clientFrame(Opcode.Text, 'x', { rsv3: true }), 'WS_ERR_UNEXPECTED_RSV_2_3', 1002);
      assertFails(connection('client', { allowRsv1 }), serverFrame(Opcode.Ping, '', { rsv2: true, rsv3: true }), 'WS_ERR_UNEXPECTED_RSV_2_3', 1002);
    }
  });

  test('RFC 7692 §6: RSV1 on a continuation frame → 1002 even with allowRsv1', () => {
    const server = connection('server', { allowRsv1: true });
    server.receiveData(clientFrame(Opcode.Text, 'a', { rsv1: true, fin: false }));
    assert.deepEqual(server.takeEvents(), []);
    assertFails(server, clientFrame(Opcode.Continuation, 'b', { rsv1: true }), 'WS_ERR_UNEXPECTED_RSV_1', 1002);
  });

  test('RSV1 on control frames → 1002 even with allowRsv1', () => {
    for (const opcode of [Opcode.Ping, Opcode.Pong, Opcode.Close]) {
      assertFails(connection('server', { allowRsv1: true }), clientFrame(opcode, '', { rsv1: true }), 'WS_ERR_UNEXPECTED_RSV_1', 1002);
    }
  });

  test('with allowRsv1, RSV1 on the first frame marks the message compressed and defers UTF-8 checks', () => {
    const server = connection('server', { allowRsv1: true });
    server.receiveData(Buffer.concat([clientFrame(Opcode.Text, hex('ff 00'), { rsv1: true, fin: false }), clientFrame(Opcode.Continuation, hex('fe'))]));
    server.receiveData(clientFrame(Opcode.Text, 'plain'));
    assert.deepEqual(plain(server.takeEvents()), [
      { type: 'message', binary: false, data: 'ff00fe', compressed: true },
      { type: 'message', binary: false, data: toHex(Buffer.from('plain')), compressed: false },
    ]);
  });
});

describe('masking by role (RFC 6455 §5.1)', () => {
  test('an unmasked frame at a server → 1002', () => {
    assertFails(connection('server'), serverFrame(Opcode.Text, 'Hello'), 'WS_ERR_EXPECTED_MASK', 1002);
    assertFails(connection('server'), serverFrame(Opcode.Ping), 'WS_ERR_EXPECTED_MASK', 1002);
  });

  test('a masked frame at a client → 1002', () => {
    assertFails(connection('client'), hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), 'WS_ERR_UNEXPECTED_MASK', 1002);
    assertFails(connection('client'), clientFrame(Opcode.Close, hex('03e8')), 'WS_ERR_UNEXPECTED_MASK', 1002);
  });
});

describe('control frames (RFC 6455 §5.5)', () => {
  test('a control frame over 125 bytes → 1002, from its header alone', () => {
    for (const opcode of [Opcode.Ping, Opcode.Pong, Opcode.Close]) {
      // 88/89/8a, masked, 16-bit length 126: no payload follows.
      const header = Buffer.concat([Buffer.of(0x80 | opcode, 0xfe, 0x00, 0x7e), hex('37fa213d')]);
      assertFails(connection('server'), header, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 1002);
    }
    assertFails(connection('client'), serverFrame(Opcode.Ping, Buffer.alloc(126)), 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 1002);
  });

  test('a control frame of exactly 125 bytes is fine', () => {
    const server = connection('server');
    server.receiveData(clientFrame(Opcode.Ping, Buffer.alloc(125, 7)));
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'ping', data: '07'.repeat(125) }]);
    assert.equal(toHex(outgoing(server)), `8a7d${'07'.repeat(125)}`);
  });

  test('a fragmented control frame → 1002', () => {
    for (const opcode of [Opcode.Ping, Opcode.Pong, Opcode.Close]) {
      assertFails(connection('server'), clientFrame(opcode, '', { fin: false }), 'WS_ERR_FRAGMENTED_CONTROL_FRAME', 1002);
    }
  });
});

describe('fragmentation order (RFC 6455 §5.4)', () => {
  test('a continuation frame with no message in progress → 1002', () => {
    assertFails(connection('server'), clientFrame(Opcode.Continuation, 'lo'), 'WS_ERR_UNEXPECTED_CONTINUATION', 1002);
    assertFails(connection('client'), serverFrame(Opcode.Continuation, 'lo', { fin: false }), 'WS_ERR_UNEXPECTED_CONTINUATION', 1002);
  });

  test('a continuation after a complete message → 1002', () => {
    const client = connection('client');
    client.receiveData(hex('81 05 48 65 6c 6c 6f'));
    assert.equal(client.takeEvents().length, 1);
    assertFails(client, hex('80 02 6c 6f'), 'WS_ERR_UNEXPECTED_CONTINUATION', 1002);
  });

  test('a new data frame while a message is in progress → 1002', () => {
    for (const opcode of [Opcode.Text, Opcode.Binary]) {
      const client = connection('client');
      client.receiveData(hex('01 03 48 65 6c'));
      assertFails(client, serverFrame(opcode, 'lo'), 'WS_ERR_EXPECTED_CONTINUATION', 1002);
    }
  });
});

describe('lengths', () => {
  test('non-minimal 16- and 64-bit lengths → 1002', () => {
    assertFails(connection('client'), hex(`82 7e 00 7d${'00'.repeat(125)}`), 'WS_ERR_NON_MINIMAL_LENGTH', 1002);
    assertFails(connection('client'), hex('82 7f 00 00 00 00 00 00 00 05 48 65 6c 6c 6f'), 'WS_ERR_NON_MINIMAL_LENGTH', 1002);
    assertFails(connection('client'), hex('82 7f 00 00 00 00 00 00 ff ff'), 'WS_ERR_NON_MINIMAL_LENGTH', 1002);
    assertFails(connection('server'), hex('82 fe 00 05 37 fa 21 3d 7f 9f 4d 51 58'), 'WS_ERR_NON_MINIMAL_LENGTH', 1002);
  });

  test('a 64-bit length with its most significant bit set → 1002', () => {
    assertFails(connection('client'), hex('82 7f 80 00 00 00 00 01 00 00'), 'WS_ERR_INVALID_PAYLOAD_LENGTH', 1002);
    assertFails(connection('server'), hex('82 ff ff ff ff ff ff ff ff ff 37 fa 21 3d'), 'WS_ERR_INVALID_PAYLOAD_LENGTH', 1002);
  });

  test('a frame claiming 2^40 bytes → 1009 from the header alone, no payload needed', () => {
    assertFails(connection('client'), hex('82 7f 00 00 01 00 00 00 00 00'), 'WS_ERR_MESSAGE_TOO_BIG', 1009);
    assertFails(connection('server', { maxMessageSize: 1024 }), hex('81 fe 04 01 37 fa 21 3d'), 'WS_ERR_MESSAGE_TOO_BIG', 1009);
  });

  test('a frame claiming 2^53 bytes or more → 1009', () => {
    assertFails(connection('client'), hex('82 7f 00 20 00 00 00 00 00 00'), 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009);
  });

  test('the limit counts the whole message: fragments that add up to too much → 1009 at the header of the one that overflows', () => {
    const client = connection('client', { maxMessageSize: 10 });
    client.receiveData(serverFrame(Opcode.Binary, Buffer.alloc(6), { fin: false }));
    client.receiveData(serverFrame(Opcode.Continuation, Buffer.alloc(4), { fin: false }));
    assert.deepEqual(client.takeEvents(), []);
    assertFails(client, hex('00 01'), 'WS_ERR_MESSAGE_TOO_BIG', 1009);
  });

  test('the limit is per message: many messages of the limit each are fine', () => {
    const client = connection('client', { maxMessageSize: 10 });
    for (let i = 0; i < 5; i++) client.receiveData(serverFrame(Opcode.Binary, Buffer.alloc(10, i)));
    assert.equal(client.takeEvents().length, 5);
  });
});

describe('invalid UTF-8 → 1007, failing fast', () => {
  test('in a fragmented message: the error comes with the fragment holding the bad byte, before later fragments', () => {
    const client = connection('client');
    client.receiveData(serverFrame(Opcode.Text, 'Hello ', { fin: false }));
    client.receiveData(serverFrame(Opcode.Continuation, hex('ce ba e1 bd'), { fin: false }));
    assert.deepEqual(client.takeEvents(), [], 'valid so far, a code point still open');
    const events = assertFails(client, serverFrame(Opcode.Continuation, hex('b9 cf ff'), { fin: false }), 'WS_ERR_INVALID_UTF8', 1007);
    assert.equal(events.length, 1);
  });

  test('within one frame fed in pieces: the error comes with the piece holding the bad byte', () => {
    const server = connection('server');
    const frame = clientFrame(Opcode.Text, Buffer.concat([Buffer.from('abc'), hex('ed a0 80'), Buffer.from('def')]));
    // header (6 bytes), "abc", ED: still possibly valid.
    server.receiveData(Buffer.from(frame.subarray(0, 10)));
    assert.deepEqual(server.takeEvents(), []);
    // A0 after ED is a surrogate: refused now, with 4 payload bytes still to come.
    assertFails(server, frame.subarray(10, 11), 'WS_ERR_INVALID_UTF8', 1007);
  });

  test('a text message that ends inside a code point → 1007', () => {
    assertFails(connection('client'), serverFrame(Opcode.Text, hex('48 e2 82')), 'WS_ERR_INVALID_UTF8', 1007);
    const client = connection('client');
    client.receiveData(serverFrame(Opcode.Text, hex('f0 9f'), { fin: false }));
    client.receiveData(serverFrame(Opcode.Continuation, hex('98'), { fin: false }));
    assert.deepEqual(client.takeEvents(), []);
    assertFails(client, serverFrame(Opcode.Continuation, ''), 'WS_ERR_INVALID_UTF8', 1007);
  });

  test('binary messages are not checked', () => {
    const client = connection('client');
    client.receiveData(serverFrame(Opcode.Binary, hex('ff fe ed a0 80 c0')));
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'message', binary: true, data: 'fffeeda080c0', compressed: false }]);
  });

  test('a new message starts with a fresh validator after a binary message cut mid-sequence', () => {
    const client = connection('client');
    client.receiveData(Buffer.concat([serverFrame(Opcode.Binary, hex('e2 82')), serverFrame(Opcode.Text, 'A')]));
    assert.deepEqual(
      plain(client.takeEvents()).map((event) => event.type),
      ['message', 'message'],
    );
  });
});

describe('Close frame payloads (RFC 6455 §5.5.1, §7.4)', () => {
  test('a 1-byte close payload → 1002', () => {
    assertFails(connection('server'), clientFrame(Opcode.Close, hex('03')), 'WS_ERR_INVALID_CLOSE_PAYLOAD', 1002);
  });

  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
    test(`close code ${code} on the wire → 1002`, () => {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      assertFails(connection('server'), clientFrame(Opcode.Close, payload), 'WS_ERR_INVALID_CLOSE_CODE', 1002);
      assertFails(connection('client'), serverFrame(Opcode.Close, Buffer.concat([payload, Buffer.from('why')])), 'WS_ERR_INVALID_CLOSE_CODE', 1002);
    });
  }

  for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3001, 3999, 4000, 4999]) {
    test(`close code ${code} is accepted and echoed`, () => {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      const server = connection('server');
      server.receiveData(clientFrame(Opcode.Close, Buffer.concat([payload, Buffer.from('bye')])));
      assert.deepEqual(plain(server.takeEvents()), [{ type: 'close', code, reason: 'bye' }]);
      // Echoed with its reason, as ws and python-websockets do.
      assert.equal(toHex(outgoing(server)), `8805${toHex(payload)}${toHex(Buffer.from('bye'))}`);
      assert.deepEqual(server.receivedClose, { code, reason: 'bye' });
      assert.equal(server.hasFailed, false);
    });
  }

  test('a close reason that is not UTF-8 → 1007', () => {
    assertFails(connection('server'), clientFrame(Opcode.Close, hex('03 e8 ff')), 'WS_ERR_INVALID_UTF8', 1007);
    assertFails(connection('client'), serverFrame(Opcode.Close, hex('03 e8 62 79 ed a0 80')), 'WS_ERR_INVALID_UTF8', 1007);
    assertFails(connection('client'), serverFrame(Opcode.Close, hex('03 e8 c3')), 'WS_ERR_INVALID_UTF8', 1007);
  });

  test('a close reason of 123 multi-byte bytes is accepted', () => {
    const reason = `${'é'.repeat(61)}x`;
    const client = connection('client');
    client.receiveData(serverFrame(Opcode.Close, Buffer.concat([hex('0fa0'), Buffer.from(reason)])));
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'close', code: 4000, reason }]);
  });
});

describe('what close() refuses to send', () => {
  test('a reason over 123 bytes of UTF-8', () => {
    const client = connection('client');
    assert.throws(() => client.close(1000, 'x'.repeat(124)), RangeError);
    assert.throws(() => client.close(1000, 'é'.repeat(62)), RangeError, '62 characters, 124 bytes');
    assert.deepEqual(client.takeOutgoing(), []);
    assert.equal(client.readyState, 'open', 'a refused close changes nothing');
    client.close(1000, `${'é'.repeat(61)}x`);
    const [frame] = client.takeOutgoing();
    assert.equal(frame!.length, 2 + 4 + 125);
  });

  test('codes that may not travel on the wire, and a reason without a code', () => {
    const server = connection('server');
    for (const code of [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) assert.throws(() => server.close(code), RangeError, String(code));
    assert.throws(() => server.close(undefined, 'why'), TypeError);
    assert.equal(server.readyState, 'open');
  });

  test('control payloads over 125 bytes', () => {
    const server = connection('server');
    assert.throws(() => server.ping(Buffer.alloc(126)), RangeError);
    assert.throws(() => server.pong('x'.repeat(126)), RangeError);
    assert.throws(() => server.ping('é'.repeat(63)), RangeError);
    server.ping(Buffer.alloc(125));
    assert.equal(outgoing(server).length, 127);
  });
});

describe('after a failure', () => {
  test('the error reason is sent, without details for internal errors', () => {
    const server = connection('server');
    server.receiveData(clientFrame(0x3));
    const [frame] = server.takeOutgoing();
    assert.match(Buffer.from(frame!).subarray(4).toString(), /reserved opcode 0x3/);
    // python-websockets' rule, kept by fail(): internal errors may be security-sensitive.
    const other = connection('server');
    other.fail(new ProtocolError('WS_ERR_INTERNAL', 'secret stack trace'));
    assert.equal(toHex(outgoing(other)), '880203f3');
    assert.deepEqual(other.sentClose, { code: 1011, reason: '' });
  });

  test('a long error message is cut to 123 bytes of UTF-8 in the Close frame', () => {
    const server = connection('server');
    server.fail(new ProtocolError('WS_ERR_INVALID_UTF8', 'é'.repeat(100)));
    const [frame] = frames(outgoing(server));
    assert.equal(frame!.payload.readUInt16BE(0), 1007);
    assert.equal(frame!.payload.subarray(2).toString(), 'é'.repeat(61));
  });

  test('nothing more is parsed, even bytes that came in the same chunk', () => {
    const server = connection('server');
    server.receiveData(Buffer.concat([clientFrame(Opcode.Text, 'one'), clientFrame(0x4), clientFrame(Opcode.Text, 'two'), clientFrame(Opcode.Ping)]));
    assert.deepEqual(
      plain(server.takeEvents()).map((event) => event.type),
      ['message', 'error'],
    );
    server.receiveData(clientFrame(Opcode.Text, 'three'));
    assert.deepEqual(server.takeEvents(), []);
    // The reply to "one" still goes out, before the Close (until takeOutgoing releases it).
    server.sendText('reply');
    assert.deepEqual(
      frames(outgoing(server)).map((f) => f.opcode),
      [Opcode.Text, Opcode.Close],
    );
    assert.throws(() => server.sendText('late'), { code: 'WS_ERR_CONNECTION_CLOSING' });
  });

  test('a failure after our own Close adds no second Close frame', () => {
    const client = connection('client');
    client.close(1000);
    client.takeOutgoing();
    client.receiveData(serverFrame(0x5));
    assert.deepEqual(
      plain(client.takeEvents()).map((event) => event.type === 'error' && event.code),
      ['WS_ERR_INVALID_OPCODE'],
    );
    assert.deepEqual(client.takeOutgoing(), []);
    assert.deepEqual(client.sentClose, { code: 1000, reason: '' });
    assert.equal(client.readyState, 'closed');
    assert.equal(client.shouldCloseTransport, true);
  });
});
