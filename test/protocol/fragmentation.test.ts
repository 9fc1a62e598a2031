/** RFC 6455 §5.4 fragmentation: messages in many frames, control frames in between, UTF-8 across frames. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode } from '../../src/protocol/index.js';
import { clientFrame, connection, hex, outgoing, plain, serverFrame, toHex } from './helpers.js';

const text = (data: string) => ({ type: 'message', binary: false, data: toHex(Buffer.from(data)), compressed: false });

describe('fragmented messages', () => {
  test('"Hel" + "lo" is one message', () => {
    const client = connection('client');
    client.receiveData(hex('01 03 48 65 6c'));
    assert.deepEqual(client.takeEvents(), []);
    client.receiveData(hex('80 02 6c 6f'));
    assert.deepEqual(plain(client.takeEvents()), [text('Hello')]);
  });

  test('RFC 6455 §5.4: control frames "MAY be injected in the middle of a fragmented message"', () => {
    const server = connection('server');
    server.receiveData(
      Buffer.concat([
        clientFrame(Opcode.Text, 'He', { fin: false }),
        clientFrame(Opcode.Ping, 'p1'),
        clientFrame(Opcode.Continuation, 'l', { fin: false }),
        clientFrame(Opcode.Pong, 'p2'),
        clientFrame(Opcode.Ping, 'p3'),
        clientFrame(Opcode.Continuation, 'lo'),
      ]),
    );
    assert.deepEqual(plain(server.takeEvents()), [
      { type: 'ping', data: toHex(Buffer.from('p1')) },
      { type: 'pong', data: toHex(Buffer.from('p2')) },
      { type: 'ping', data: toHex(Buffer.from('p3')) },
      text('Hello'),
    ]);
    assert.equal(toHex(outgoing(server)), '8a027031' + '8a027033');
  });

  test('a Close in the middle of a fragmented message ends the connection without the message', () => {
    const client = connection('client');
    client.receiveData(Buffer.concat([serverFrame(Opcode.Text, 'Hel', { fin: false }), serverFrame(Opcode.Close, hex('03e8'))]));
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'close', code: 1000, reason: '' }]);
  });

  test('every byte of a 4-byte character in its own frame', () => {
    const client = connection('client');
    const bytes = Buffer.from('a😀b');
    client.receiveData(serverFrame(Opcode.Text, bytes.subarray(0, 1), { fin: false }));
    for (let i = 1; i < bytes.length - 1; i++) client.receiveData(serverFrame(Opcode.Continuation, bytes.subarray(i, i + 1), { fin: false }));
    assert.deepEqual(client.takeEvents(), []);
    client.receiveData(serverFrame(Opcode.Continuation, bytes.subarray(bytes.length - 1)));
    assert.deepEqual(plain(client.takeEvents()), [text('a😀b')]);
  });

  test('empty fragments, an empty final fragment, and an empty message', () => {
    const client = connection('client');
    client.receiveData(
      Buffer.concat([
        serverFrame(Opcode.Binary, '', { fin: false }),
        serverFrame(Opcode.Continuation, 'ab', { fin: false }),
        serverFrame(Opcode.Continuation, '', { fin: false }),
        serverFrame(Opcode.Continuation, 'c', { fin: false }),
        serverFrame(Opcode.Continuation, ''),
        serverFrame(Opcode.Text, '', { fin: false }),
        serverFrame(Opcode.Continuation, ''),
        serverFrame(Opcode.Text, ''),
      ]),
    );
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'message', binary: true, data: toHex(Buffer.from('abc')), compressed: false }, text(''), text('')]);
  });

  test('a binary message in a thousand fragments', () => {
    const server = connection('server');
    const expected: number[] = [];
    const parts: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      const piece = Buffer.of(i & 0xff, (i >> 8) & 0xff, 0x5a);
      expected.push(...piece);
      parts.push(clientFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, piece, { fin: i === 999 }));
    }
    server.receiveData(Buffer.concat(parts));
    const [event] = server.takeEvents();
    assert.ok(event?.type === 'message');
    assert.equal(event.binary, true);
    assert.ok(event.data.equals(Buffer.from(expected)));
  });

  test('message after message: each fragmented message starts afresh', () => {
    const client = connection('client');
    client.receiveData(
      Buffer.concat([
        serverFrame(Opcode.Text, 'é'.slice(0, 1), { fin: false }),
        serverFrame(Opcode.Continuation, '!'),
        serverFrame(Opcode.Binary, hex('ff'), { fin: false }),
        serverFrame(Opcode.Continuation, hex('c3')),
        serverFrame(Opcode.Text, hex('c3'), { fin: false }),
        serverFrame(Opcode.Continuation, hex('a9')),
      ]),
    );
    assert.deepEqual(plain(client.takeEvents()), [text('é!'), { type: 'message', binary: true, data: 'ffc3', compressed: false }, text('é')]);
  });

  test('a fragmented message of the 16- and 64-bit length forms', () => {
    const client = connection('client');
    const a = Buffer.alloc(300, 0x61);
    const b = Buffer.alloc(70_000, 0x62);
    client.receiveData(Buffer.concat([serverFrame(Opcode.Text, a, { fin: false }), serverFrame(Opcode.Continuation, b)]));
    const [event] = client.takeEvents();
    assert.ok(event?.type === 'message');
    assert.ok(event.data.equals(Buffer.concat([a, b])));
  });
});
