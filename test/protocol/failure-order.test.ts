/**
 * What came before a protocol error still counts: the messages read ahead of the bad frame are
 * delivered, and the replies to them leave before our Close, as for the peer's own Close
 * (RFC 6455 §7.1.7 drops what follows the error, not what preceded it). Pure bytes in, events
 * and bytes out, the input cut every way.
 */
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { constants } from 'node:buffer';
import { Connection, Opcode, ProtocolError } from '../../src/protocol/index.js';
import { byteByByte, clientFrame, connection, frames, plain, randomSizes, serverFrame, toHex } from './helpers.js';

type Role = 'client' | 'server';

/** Frames from the peer: masked from a client, unmasked from a server. */
const peerFrame = (role: Role, opcode: number, payload: string | Uint8Array = '', fields = {}) =>
  role === 'server' ? clientFrame(opcode, payload, fields) : serverFrame(opcode, payload, fields);

const BAD_FRAMES: Array<[string, (role: Role) => Buffer, string]> = [
  ['a reserved bit (RSV2)', (role) => peerFrame(role, Opcode.Text, 'bad', { rsv2: true }), 'WS_ERR_UNEXPECTED_RSV_2_3'],
  ['a reserved opcode (0x6)', (role) => peerFrame(role, 0x6, 'bad'), 'WS_ERR_INVALID_OPCODE'],
  ['a fragmented control frame', (role) => peerFrame(role, Opcode.Ping, 'bad', { fin: false }), 'WS_ERR_FRAGMENTED_CONTROL_FRAME'],
];

const CHUNKINGS: Array<[string, () => Iterable<number>]> = [
  ['whole', () => [Number.MAX_SAFE_INTEGER]],
  ['byte by byte', byteByByte],
  ['in random chunks (seed 1)', () => randomSizes(1, 9)],
  ['in random chunks (seed 2)', () => randomSizes(2, 40)],
];

/**
 * Feed `bytes` cut at `sizes` the way an adapter does: after each read, take the events, reply
 * "re:<text>" to each message (and release a held Close once its error is dispatched), then
 * take what is to be written.
 */
function exchange(conn: Connection, bytes: Buffer, sizes: Iterable<number>, hold: boolean): { events: ReturnType<typeof plain>; wire: Buffer } {
  const events: ReturnType<typeof plain> = [];
  const wire: Uint8Array[] = [];
  const read = (piece: Buffer) => {
    conn.receiveData(piece);
    for (const event of conn.takeEvents()) {
      events.push(...plain([event]));
      if (event.type === 'message') conn.sendText(`re:${event.data.toString()}`);
      if (event.type === 'error' && hold) conn.answerClose();
    }
    wire.push(...conn.takeOutgoing());
  };
  let offset = 0;
  for (const size of sizes) {
    if (offset >= bytes.length) break;
    read(Buffer.from(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  return { events, wire: Buffer.concat(wire) };
}

for (const role of ['server', 'client'] as const) {
  for (const hold of [false, true]) {
    describe(`our ${role}${hold ? ', holdCloseReply' : ''}: messages before a protocol error are delivered and answered first`, () => {
      for (const [name, bad, code] of BAD_FRAMES) {
        for (const [chunking, sizes] of CHUNKINGS) {
          test(`two messages and a ping, then ${name}, ${chunking}`, () => {
            const conn = connection(role, { holdCloseReply: hold });
            const bytes = Buffer.concat([
              peerFrame(role, Opcode.Text, 'one'),
              peerFrame(role, Opcode.Ping, 'p'),
              peerFrame(role, Opcode.Text, 'two'),
              bad(role),
              // Never read: RFC 6455 §7.1.7, nothing after the failure is processed.
              peerFrame(role, Opcode.Text, 'three'),
            ]);
            const { events, wire } = exchange(conn, bytes, sizes(), hold);
            assert.deepEqual(
              events.map((event) => (event.type === 'error' ? event.code : event.type === 'message' ? Buffer.from(event.data, 'hex').toString() : event.type)),
              ['one', 'ping', 'two', code],
            );
            const sent = frames(wire);
            // The pong leaves when its ping is read, the replies when the application sends them: all before the Close.
            const describe = (f: (typeof sent)[number]) => `${f.opcode}:${f.opcode === Opcode.Close ? f.payload.readUInt16BE(0) : f.payload.toString()}`;
            assert.deepEqual(sent.filter((f) => f.opcode === Opcode.Text).map(describe), ['1:re:one', '1:re:two']);
            assert.deepEqual(sent.filter((f) => f.opcode === Opcode.Pong).map(describe), ['10:p']);
            assert.deepEqual(sent.map(describe).slice(3), ['8:1002']);
            assert.ok(sent.every((f) => f.masked === (role === 'client')));
            assert.equal(conn.readyState, 'closed');
            assert.equal(conn.shouldCloseTransport, true);
            assert.deepEqual(conn.sentClose?.code, 1002);
          });
        }
      }

      test('a compressed message (RSV1 agreed) before the bad frame is handed on as such, and answered first', () => {
        const conn = connection(role, { holdCloseReply: hold, allowRsv1: true });
        const bytes = Buffer.concat([peerFrame(role, Opcode.Binary, 'zip', { rsv1: true }), peerFrame(role, 0x3)]);
        const { events, wire } = exchange(conn, bytes, [Number.MAX_SAFE_INTEGER], hold);
        assert.deepEqual(events[0], { type: 'message', binary: true, data: toHex(Buffer.from('zip')), compressed: true });
        assert.equal(events[1]?.type === 'error' && events[1].code, 'WS_ERR_INVALID_OPCODE');
        assert.deepEqual(
          frames(wire).map((f) => f.opcode),
          [Opcode.Text, Opcode.Close],
        );
      });
    });
  }

  describe(`our ${role}: the Close of a failure waits for its release`, () => {
    test('with holdCloseReply, takeOutgoing() keeps it until answerClose(); replies may still be sent meanwhile', () => {
      const conn = connection(role, { holdCloseReply: true });
      conn.receiveData(Buffer.concat([peerFrame(role, Opcode.Text, 'a'), peerFrame(role, 0x7)]));
      assert.deepEqual(
        conn.takeEvents().map((event) => event.type),
        ['message', 'error'],
      );
      assert.deepEqual(conn.takeOutgoing(), []);
      assert.equal(conn.canSend, true);
      assert.equal(conn.shouldCloseTransport, false);
      conn.sendBinary(Buffer.from('late reply'));
      conn.answerClose();
      assert.deepEqual(
        frames(Buffer.concat(conn.takeOutgoing())).map((f) => f.opcode),
        [Opcode.Binary, Opcode.Close],
      );
      assert.equal(conn.canSend, false);
      assert.equal(conn.shouldCloseTransport, true);
    });

    test('close() while the failure is due sends the failure’s Close, with its code', () => {
      const conn = connection(role, { holdCloseReply: true });
      conn.receiveData(peerFrame(role, Opcode.Text, 'x', { rsv3: true }));
      conn.close(1000, 'bye');
      const close = frames(Buffer.concat(conn.takeOutgoing()));
      assert.deepEqual(
        close.map((f) => [f.opcode, f.payload.readUInt16BE(0)]),
        [[Opcode.Close, 1002]],
      );
      assert.equal(conn.sentClose?.code, 1002);
    });

    test('an adapter’s fail() (an inflated message found broken) takes the place of a failure found later in the same read', () => {
      const conn = connection(role, { holdCloseReply: true, allowRsv1: true });
      conn.receiveData(Buffer.concat([peerFrame(role, Opcode.Text, 'zip', { rsv1: true }), peerFrame(role, 0x5)]));
      assert.deepEqual(
        conn.takeEvents().map((event) => event.type),
        ['message', 'error'],
      );
      conn.fail(new ProtocolError('WS_ERR_INVALID_UTF8', 'invalid UTF-8 in text message'));
      assert.deepEqual(
        plain(conn.takeEvents()).map((event) => event.type === 'error' && event.closeCode),
        [1007],
      );
      conn.answerClose();
      const sent = frames(Buffer.concat(conn.takeOutgoing()));
      assert.deepEqual(
        sent.map((f) => [f.opcode, f.payload.readUInt16BE(0)]),
        [[Opcode.Close, 1007]],
      );
    });

    test('a failure after our own Close: no second Close, nothing held', () => {
      const conn = connection(role, { holdCloseReply: true });
      conn.close(1000);
      conn.takeOutgoing();
      conn.receiveData(peerFrame(role, 0x4));
      assert.equal(conn.canSend, false);
      assert.equal(conn.shouldCloseTransport, true);
      conn.answerClose();
      assert.deepEqual(conn.takeOutgoing(), []);
    });
  });

  test(`our ${role}: an unforeseen error while parsing is a 1011 without details, never a throw`, () => {
    const conn = connection(role);
    const bytes = Buffer.concat([peerFrame(role, Opcode.Text, 'first', { fin: false }), peerFrame(role, Opcode.Continuation, 'second', { fin: false })]);
    // Small fragments are gathered into blocks: make that allocation fail as memory running out would.
    const allocUnsafe = mock.method(Buffer, 'allocUnsafe', () => {
      throw new RangeError('Array buffer allocation failed');
    });
    try {
      conn.receiveData(bytes);
    } finally {
      allocUnsafe.mock.restore();
    }
    const events = conn.takeEvents();
    assert.equal(events.length, 1);
    const error = events[0]!.type === 'error' ? events[0]!.error : undefined;
    assert.deepEqual(
      { code: error?.code, closeCode: error?.closeCode, name: error?.name },
      { code: 'WS_ERR_INTERNAL', closeCode: 1011, name: 'ProtocolError' },
    );
    assert.match(String((error?.cause as Error | undefined)?.message), /allocation failed/);
    const sent = frames(Buffer.concat(conn.takeOutgoing()));
    assert.deepEqual(
      sent.map((f) => toHex(f.payload)),
      ['03f3'],
      'a 1011 Close with no reason',
    );
  });
}

test('maxMessageSize beyond what one Buffer can hold is refused when the connection is made', () => {
  assert.throws(() => new Connection({ role: 'server', maxMessageSize: constants.MAX_LENGTH + 1 }), RangeError);
  assert.throws(() => new Connection({ role: 'server', maxMessageSize: -1 }), RangeError);
  assert.throws(() => new Connection({ role: 'server', maxMessageSize: Number.NaN }), RangeError);
  assert.equal(new Connection({ role: 'server', maxMessageSize: constants.MAX_LENGTH }).maxMessageSize, constants.MAX_LENGTH);
});
