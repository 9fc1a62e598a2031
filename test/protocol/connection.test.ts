/**
 * The connection state machine: the closing handshake both ways (RFC 6455 §7.1), pings and
 * pongs (§5.5.2, §5.5.3), end of input, and frame observation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, Opcode, type Connection as ConnectionType } from '../../src/protocol/index.js';
import { clientFrame, connection, frames, hex, outgoing, plain, serverFrame, toHex } from './helpers.js';

function state(conn: ConnectionType) {
  return {
    readyState: conn.readyState,
    closeExpected: conn.closeExpected,
    shouldCloseTransport: conn.shouldCloseTransport,
    closeHandshakeDone: conn.closeHandshakeDone,
    receivedClose: conn.receivedClose,
    sentClose: conn.sentClose,
  };
}

const OPEN = {
  readyState: 'open',
  closeExpected: false,
  shouldCloseTransport: false,
  closeHandshakeDone: false,
  receivedClose: undefined,
  sentClose: undefined,
};

/** Move everything `from` queued into `to`, as a socket pair would. */
function deliver(from: ConnectionType, to: ConnectionType): Buffer {
  const bytes = outgoing(from);
  to.receiveData(Buffer.from(bytes));
  return bytes;
}

describe('closing handshake', () => {
  test('client-initiated: client closes, server echoes, server drops TCP first', () => {
    const client = connection('client');
    const server = connection('server');
    assert.deepEqual(state(client), OPEN);

    client.close(1000, 'bye');
    assert.deepEqual(state(client), { ...OPEN, readyState: 'closing', closeExpected: true, sentClose: { code: 1000, reason: 'bye' } });
    const close = deliver(client, server);
    // 88 85, the RFC key, then 03 e8 "bye" masked.
    assert.equal(toHex(close), `888537fa213d${toHex(Buffer.from([0x03 ^ 0x37, 0xe8 ^ 0xfa, 0x62 ^ 0x21, 0x79 ^ 0x3d, 0x65 ^ 0x37]))}`);
    assert.throws(() => client.sendText('late'), { code: 'WS_ERR_CONNECTION_CLOSING' });
    assert.throws(() => client.ping(), { code: 'WS_ERR_CONNECTION_CLOSING' });

    assert.deepEqual(plain(server.takeEvents()), [{ type: 'close', code: 1000, reason: 'bye' }]);
    // The answer is due but not yet out: replies to messages before the Close may still be sent.
    assert.deepEqual(state(server), { ...OPEN, readyState: 'closing', receivedClose: { code: 1000, reason: 'bye' } });
    assert.equal(server.canSend, true);

    const echo = deliver(server, client);
    // RFC 6455 §7.1.1: "the server SHOULD close the underlying TCP connection first".
    assert.deepEqual(state(server), {
      readyState: 'closed',
      closeExpected: false,
      shouldCloseTransport: true,
      closeHandshakeDone: true,
      receivedClose: { code: 1000, reason: 'bye' },
      // RFC 6455 §5.5.1 asks to echo the code; the reason is echoed too, as ws and python-websockets do.
      sentClose: { code: 1000, reason: 'bye' },
    });
    assert.equal(toHex(echo), `880503e8${toHex(Buffer.from('bye'))}`);
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'close', code: 1000, reason: 'bye' }]);
    // The client waits for the server to close TCP.
    assert.deepEqual(state(client), {
      readyState: 'closed',
      closeExpected: false,
      shouldCloseTransport: false,
      closeHandshakeDone: true,
      receivedClose: { code: 1000, reason: 'bye' },
      sentClose: { code: 1000, reason: 'bye' },
    });
    assert.deepEqual(client.takeOutgoing(), [], 'no second Close');
    client.receiveEof();
    assert.equal(client.shouldCloseTransport, true);
    assert.equal(client.readyState, 'closed');
  });

  test('server-initiated: server closes, client echoes, server drops TCP', () => {
    const client = connection('client');
    const server = connection('server');
    server.close(1001, 'going away');
    assert.deepEqual(state(server), { ...OPEN, readyState: 'closing', closeExpected: true, sentClose: { code: 1001, reason: 'going away' } });
    assert.equal(toHex(deliver(server, client)), `880c03e9${toHex(Buffer.from('going away'))}`);

    assert.deepEqual(plain(client.takeEvents()), [{ type: 'close', code: 1001, reason: 'going away' }]);
    assert.deepEqual(state(client), { ...OPEN, readyState: 'closing', receivedClose: { code: 1001, reason: 'going away' } });

    const echo = frames(deliver(client, server));
    assert.deepEqual(state(client), {
      readyState: 'closed',
      closeExpected: false,
      shouldCloseTransport: false,
      closeHandshakeDone: true,
      receivedClose: { code: 1001, reason: 'going away' },
      sentClose: { code: 1001, reason: 'going away' },
    });
    assert.equal(echo.length, 1);
    assert.equal(echo[0]!.masked, true);
    assert.equal(toHex(echo[0]!.payload), `03e9${toHex(Buffer.from('going away'))}`);
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'close', code: 1001, reason: 'going away' }]);
    assert.deepEqual(state(server), {
      readyState: 'closed',
      closeExpected: false,
      shouldCloseTransport: true,
      closeHandshakeDone: true,
      receivedClose: { code: 1001, reason: 'going away' },
      sentClose: { code: 1001, reason: 'going away' },
    });
  });

  test('replies to the messages before a Close still go out, ahead of the answer (RFC 6455 §5.5.1)', () => {
    const client = connection('client');
    const server = connection('server');
    client.sendText('one');
    client.sendText('two');
    client.close(1000, 'bye');
    deliver(client, server); // all three in one read
    const events = server.takeEvents();
    assert.deepEqual(
      events.map((event) => event.type),
      ['message', 'message', 'close'],
    );
    server.sendText('echo one');
    server.sendText('echo two');
    const out = frames(outgoing(server));
    assert.deepEqual(
      out.map((frame) => [frame.opcode, frame.payload.toString('latin1')]),
      [
        [Opcode.Text, 'echo one'],
        [Opcode.Text, 'echo two'],
        [Opcode.Close, '\x03\xe8bye'],
      ],
    );
    assert.equal(server.canSend, false);
    assert.throws(() => server.sendText('too late'), { code: 'WS_ERR_CONNECTION_CLOSING' });
  });

  test('holdCloseReply keeps the answer until answerClose(), for adapters that deliver later', () => {
    const client = connection('client');
    const server = connection('server', { holdCloseReply: true });
    client.close(4001, 'done');
    deliver(client, server);
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'close', code: 4001, reason: 'done' }]);
    assert.deepEqual(server.takeOutgoing(), []);
    assert.equal(server.readyState, 'closing');
    assert.equal(server.shouldCloseTransport, false);
    server.answerClose();
    assert.equal(toHex(outgoing(server)), `88060fa1${toHex(Buffer.from('done'))}`);
    assert.equal(server.readyState, 'closed');
    assert.equal(server.shouldCloseTransport, true);
  });

  test('a Close without a code: the peer sees 1005 and echoes an empty Close', () => {
    const client = connection('client');
    const server = connection('server');
    client.close();
    assert.equal(toHex(deliver(client, server)), '8880' + '37fa213d');
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'close', code: 1005, reason: '' }]);
    assert.equal(toHex(deliver(server, client)), '8800');
    assert.deepEqual(client.receivedClose, { code: 1005, reason: '' });
    assert.deepEqual(client.sentClose, { code: 1005, reason: '' });
  });

  test("both sides close at once: each gets the other's Close, nobody echoes", () => {
    const client = connection('client');
    const server = connection('server');
    client.close(1000, 'c');
    server.close(1001, 's');
    const fromClient = outgoing(client);
    const fromServer = outgoing(server);
    client.receiveData(fromServer);
    server.receiveData(fromClient);
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'close', code: 1001, reason: 's' }]);
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'close', code: 1000, reason: 'c' }]);
    assert.deepEqual(client.takeOutgoing(), []);
    assert.deepEqual(server.takeOutgoing(), []);
    assert.equal(client.readyState, 'closed');
    assert.equal(server.readyState, 'closed');
    assert.equal(server.shouldCloseTransport, true);
  });

  test('close() twice sends one Close', () => {
    const server = connection('server');
    server.close(1000);
    server.close(1001);
    assert.equal(frames(outgoing(server)).length, 1);
    assert.deepEqual(server.sentClose, { code: 1000, reason: '' });
  });

  test("messages still arrive after we sent Close, until the peer's Close", () => {
    const client = connection('client');
    client.close(1000);
    client.takeOutgoing();
    client.receiveData(Buffer.concat([serverFrame(Opcode.Text, 'last words'), serverFrame(Opcode.Close, hex('03e8'))]));
    assert.deepEqual(plain(client.takeEvents()), [
      { type: 'message', binary: false, data: toHex(Buffer.from('last words')), compressed: false },
      { type: 'close', code: 1000, reason: '' },
    ]);
  });

  test("nothing after the peer's Close is parsed (RFC 6455 §5.5.1: no data frames after a Close)", () => {
    const server = connection('server');
    server.receiveData(Buffer.concat([clientFrame(Opcode.Close, hex('03e8')), clientFrame(Opcode.Text, 'after'), hex('ff ff')]));
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'close', code: 1000, reason: '' }]);
    server.receiveData(clientFrame(Opcode.Text, 'later'));
    assert.deepEqual(server.takeEvents(), []);
    assert.equal(server.hasFailed, false);
  });

  test('end of input without a Close: closed, transport to drop, no close expected', () => {
    for (const role of ['client', 'server'] as const) {
      const conn = connection(role);
      conn.receiveData(hex(role === 'client' ? '01 03 48 65 6c' : '01 83 37 fa 21 3d 7f 9f 4d'));
      conn.receiveEof();
      assert.equal(conn.readyState, 'closed');
      assert.equal(conn.shouldCloseTransport, true);
      assert.equal(conn.closeExpected, false);
      assert.equal(conn.receivedClose, undefined);
      conn.receiveData(hex('80 02 6c 6f'));
      assert.deepEqual(conn.takeEvents(), []);
      assert.throws(() => conn.sendText('x'), { code: 'WS_ERR_CONNECTION_CLOSING' });
      conn.close(1000);
      assert.deepEqual(conn.takeOutgoing(), []);
    }
  });

  test("end of input while waiting for the peer's Close stops expecting it", () => {
    const server = connection('server');
    server.close(1000);
    assert.equal(server.closeExpected, true);
    server.receiveEof();
    assert.equal(server.closeExpected, false);
    assert.equal(server.readyState, 'closed');
  });
});

describe('pings and pongs', () => {
  test('RFC 6455 §5.5.3: a ping is answered by a pong with the same payload', () => {
    const server = connection('server');
    server.receiveData(clientFrame(Opcode.Ping, 'are you there'));
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'ping', data: toHex(Buffer.from('are you there')) }]);
    assert.equal(toHex(outgoing(server)), `8a0d${toHex(Buffer.from('are you there'))}`);

    const client = connection('client');
    client.receiveData(serverFrame(Opcode.Ping));
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'ping', data: '' }]);
    assert.equal(toHex(outgoing(client)), '8a80' + '37fa213d');
  });

  test('autoPong false: the ping is reported, nothing is sent, the application may answer itself', () => {
    const server = connection('server', { autoPong: false });
    server.receiveData(clientFrame(Opcode.Ping, 'x'));
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'ping', data: '78' }]);
    assert.deepEqual(server.takeOutgoing(), []);
    server.pong('x');
    assert.equal(toHex(outgoing(server)), '8a0178');
  });

  test('no pong once our Close is out', () => {
    const server = connection('server');
    server.close(1000);
    server.takeOutgoing();
    server.receiveData(clientFrame(Opcode.Ping, 'x'));
    assert.deepEqual(plain(server.takeEvents()), [{ type: 'ping', data: '78' }]);
    assert.deepEqual(server.takeOutgoing(), []);
  });

  test('pongs are reported and never answered', () => {
    const client = connection('client');
    client.receiveData(serverFrame(Opcode.Pong, 'hb-1'));
    assert.deepEqual(plain(client.takeEvents()), [{ type: 'pong', data: toHex(Buffer.from('hb-1')) }]);
    assert.deepEqual(client.takeOutgoing(), []);
  });

  test('each ping gets its own pong, in order', () => {
    const server = connection('server');
    server.receiveData(Buffer.concat(['1', '2', '3'].map((data) => clientFrame(Opcode.Ping, data))));
    assert.deepEqual(
      frames(outgoing(server)).map((frame) => [frame.opcode, frame.payload.toString()]),
      [
        [Opcode.Pong, '1'],
        [Opcode.Pong, '2'],
        [Opcode.Pong, '3'],
      ],
    );
  });
});

describe('sending', () => {
  test('a client masks every frame with a fresh key from the injected source', () => {
    let n = 0;
    const client = new Connection({ role: 'client', maskKey: () => Buffer.of(n, n, n, n++) });
    client.sendText('a');
    client.sendBinary(Buffer.from('b'));
    client.ping('c');
    const sent = frames(outgoing(client));
    assert.deepEqual(
      sent.map((frame) => toHex(frame.maskKey!)),
      ['00000000', '01010101', '02020202'],
    );
    assert.deepEqual(
      sent.map((frame) => frame.payload.toString()),
      ['a', 'b', 'c'],
    );
  });

  test('the default mask keys are random and differ frame to frame', () => {
    const client = new Connection({ role: 'client' });
    for (let i = 0; i < 8; i++) client.sendText('same');
    const keys = new Set(frames(outgoing(client)).map((frame) => toHex(frame.maskKey!)));
    assert.ok(keys.size >= 7, `got ${keys.size} distinct keys of 8`);
  });

  test('a large unmasked payload goes out as header and payload, both intact', () => {
    const server = connection('server');
    const payload = Buffer.alloc(100_000, 0x61);
    server.sendBinary(payload);
    const [frame] = frames(outgoing(server));
    assert.equal(frame!.payloadLength, 100_000);
    assert.ok(frame!.payload.equals(payload));
  });

  test("a client never changes the caller's payload when masking it", () => {
    const client = connection('client');
    const payload = Buffer.alloc(40_000, 0x61);
    client.sendBinary(payload);
    assert.ok(payload.equals(Buffer.alloc(40_000, 0x61)));
    assert.ok(frames(outgoing(client))[0]!.payload.equals(payload));
  });

  test('raw mode: sendFrame puts invalid frames on the wire as given', () => {
    const client = connection('client');
    client.sendFrame({ opcode: 0xb, rsv2: true, fin: false, payload: Buffer.from('x') });
    client.sendFrame({ opcode: Opcode.Text, payload: Buffer.from('Hello'), mask: true });
    client.sendFrame({ opcode: Opcode.Close, payload: hex('03ed') });
    assert.equal(toHex(outgoing(client)), '2b0178' + '818537fa213d7f9f4d5158' + '880203ed');
    assert.equal(client.readyState, 'closing');
  });
});

describe('observing frames', () => {
  test('every frame in and out is reported when observeFrames is on', () => {
    const server = connection('server', { observeFrames: true });
    server.receiveData(Buffer.concat([clientFrame(Opcode.Text, 'Hel', { fin: false }), clientFrame(Opcode.Ping, 'p'), clientFrame(Opcode.Continuation, 'lo')]));
    const events = server.takeEvents();
    assert.deepEqual(plain(events), [
      { type: 'frame', direction: 'in', opcode: Opcode.Text, fin: false, payload: toHex(Buffer.from('Hel')) },
      { type: 'frame', direction: 'in', opcode: Opcode.Ping, fin: true, payload: '70' },
      { type: 'ping', data: '70' },
      { type: 'frame', direction: 'out', opcode: Opcode.Pong, fin: true, payload: '70' },
      { type: 'frame', direction: 'in', opcode: Opcode.Continuation, fin: true, payload: toHex(Buffer.from('lo')) },
      { type: 'message', binary: false, data: toHex(Buffer.from('Hello')), compressed: false },
    ]);
    const first = events[0]!;
    assert.ok(first.type === 'frame');
    assert.equal(first.frame.masked, true);
    assert.equal(toHex(first.frame.maskKey!), '37fa213d');
    assert.equal(first.frame.payloadLength, 3);
  });

  test('a frame that fails its header check is still reported', () => {
    const server = connection('server', { observeFrames: true });
    server.receiveData(clientFrame(0x3, 'x'));
    const names = () => plain(server.takeEvents()).map((event) => (event.type === 'frame' ? `${event.direction}:${event.opcode}` : event.type));
    assert.deepEqual(names(), ['in:3', 'error']);
    // The failure's Close leaves with the next takeOutgoing(), after any reply queued before it.
    server.takeOutgoing();
    assert.deepEqual(names(), ['out:8']);
  });

  test('nothing is reported when observeFrames is off', () => {
    const server = connection('server');
    server.receiveData(clientFrame(Opcode.Text, 'x'));
    server.sendText('y');
    assert.deepEqual(
      plain(server.takeEvents()).map((event) => event.type),
      ['message'],
    );
  });
});
