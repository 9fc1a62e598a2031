/**
 * har-write on traces built by hand: which side is `send` for each role, what goes where (data
 * messages, control frames, close, errors), a HAR taken mid-session, and payloads kept exact.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HarBuilder, harFromEvents, type HandshakeTraceEvent, type TraceEvent } from '../../src/index.js';

const T = 1_764_581_813;

function handshake(conn: number, role: 'client' | 'server', time = T): HandshakeTraceEvent {
  return {
    time: time + 0.01,
    conn,
    event: 'handshake',
    dir: role === 'client' ? 'out' : 'in',
    role,
    url: 'ws://127.0.0.1:8765/feed?a=1&a=2',
    method: 'GET',
    target: '/feed?a=1&a=2',
    httpVersion: 'HTTP/1.1',
    requestHeaders: [
      ['Host', '127.0.0.1:8765'],
      ['Cookie', 'x=1; y=two=2'],
    ],
    status: 101,
    statusText: 'Switching Protocols',
    responseHeaders: [['Set-Cookie', 'id=7; Path=/; HttpOnly; Secure']],
    protocol: 'chat',
    extensions: '',
    start: time,
    timings: role === 'client' ? { connect: 2, wait: 3 } : { wait: 1 },
    remoteAddress: '::ffff:127.0.0.1',
    remotePort: 40000,
  };
}

function session(conn: number, role: 'client' | 'server'): TraceEvent[] {
  return [
    handshake(conn, role),
    { time: T + 1, conn, event: 'message', dir: 'in', opcode: 1, size: 2, data: 'in', encoding: 'utf8' },
    { time: T + 2, conn, event: 'message', dir: 'out', opcode: 2, size: 2, data: 'AP8=', encoding: 'base64', wireSize: 4 },
    { time: T + 3, conn, event: 'ping', dir: 'in', opcode: 9, size: 2, data: 'hi', encoding: 'utf8' },
    { time: T + 3.1, conn, event: 'pong', dir: 'out', opcode: 10, size: 2, data: 'hi', encoding: 'utf8', auto: true },
    {
      time: T + 5,
      conn,
      event: 'close',
      dir: 'in',
      opcode: 8,
      size: 4,
      data: 'ok',
      encoding: 'utf8',
      code: 4000,
      reason: 'ok',
      name: 'Private Use',
      clean: true,
      received: { time: T + 4, code: 4000, reason: 'ok' },
      sent: { time: T + 4.5, code: 4000, reason: 'ok' },
    },
  ];
}

describe('har-write', () => {
  test("send is client → server: a client's `out` and a server's `in`", () => {
    for (const role of ['client', 'server'] as const) {
      const [entry] = harFromEvents(session(1, role)).log.entries;
      assert.ok(entry);
      const clientSends = role === 'client' ? 'out' : 'in';
      const expected = [
        { type: clientSends === 'in' ? 'send' : 'receive', time: T + 1, opcode: 1, data: 'in' },
        { type: clientSends === 'out' ? 'send' : 'receive', time: T + 2, opcode: 2, data: 'AP8=', _wireSize: 4 },
      ];
      assert.deepEqual(entry._webSocketMessages, expected, role);
      assert.equal(entry._wscope.role, role);
      // The peer closed (dir in): the server when we are the client, and the other way round.
      assert.equal(entry._wscope.close?.closedBy, role === 'client' ? 'server' : 'client');
      assert.deepEqual(
        entry._wscope.controlFrames.map((f) => [f.type, f.opcode, Buffer.from(f.data, 'base64').toString('hex'), f.auto]),
        [
          [role === 'client' ? 'receive' : 'send', 9, Buffer.from('hi').toString('hex'), undefined],
          [role === 'client' ? 'send' : 'receive', 10, Buffer.from('hi').toString('hex'), true],
          [role === 'client' ? 'receive' : 'send', 8, `0fa0${Buffer.from('ok').toString('hex')}`, undefined],
          [role === 'client' ? 'send' : 'receive', 8, `0fa0${Buffer.from('ok').toString('hex')}`, undefined],
        ],
      );
      assert.equal(entry._wscope.close?.[role === 'client' ? 'server' : 'client']?.time, T + 4, 'the first Close came from the peer');
      assert.equal(entry.serverIPAddress, role === 'client' ? '127.0.0.1' : undefined);
    }
  });

  test('request and response as DevTools writes them: headers, decoded query, cookies, timings to the close', () => {
    const [entry] = harFromEvents(session(1, 'client')).log.entries;
    assert.ok(entry);
    assert.equal(entry.startedDateTime, new Date(T * 1000).toISOString());
    assert.deepEqual(entry.request.queryString, [
      { name: 'a', value: '1' },
      { name: 'a', value: '2' },
    ]);
    assert.deepEqual(entry.request.cookies, [
      { name: 'x', value: '1' },
      { name: 'y', value: 'two=2' },
    ]);
    assert.deepEqual(entry.response.cookies, [{ name: 'id', value: '7', path: '/', httpOnly: true, secure: true }]);
    assert.deepEqual(entry.timings, { blocked: -1, dns: -1, ssl: -1, connect: 2, send: 0, wait: 3, receive: 4995 });
    assert.equal(entry.time, 5000, 'the connection lasted 5 s');
  });

  test('mid-session: an open connection has no close yet, and a later har() adds what came since', () => {
    const builder = new HarBuilder({ creator: { name: 'test', version: '1' } });
    const events = session(3, 'client');
    for (const event of events.slice(0, 2)) builder.add(event);
    const early = builder.har();
    assert.equal(early.log.creator.name, 'test');
    assert.equal(early.log.entries[0]?._webSocketMessages.length, 1);
    assert.equal(early.log.entries[0]?._wscope.close, undefined);
    for (const event of events.slice(2)) builder.add(event);
    assert.equal(builder.har().log.entries[0]?._webSocketMessages.length, 2);
    assert.equal(early.log.entries[0]?._webSocketMessages.length, 1, 'a HAR taken earlier does not change');
    assert.equal(builder.har().log.entries[0]?._wscope.close?.code, 4000);
  });

  test('payloads stay exact: text given as base64 is text, with _bytes when it was not UTF-8; binary given as utf8 becomes base64', () => {
    const events: TraceEvent[] = [
      handshake(1, 'client'),
      { time: T + 1, conn: 1, event: 'message', dir: 'out', opcode: 1, size: 3, data: Buffer.from('é!').toString('base64'), encoding: 'base64' },
      { time: T + 2, conn: 1, event: 'message', dir: 'out', opcode: 1, size: 2, data: '//4=', encoding: 'base64' },
      { time: T + 3, conn: 1, event: 'message', dir: 'in', opcode: 2, size: 3, data: 'abc', encoding: 'utf8' },
    ];
    const messages = harFromEvents(events).log.entries[0]?._webSocketMessages;
    assert.deepEqual(messages?.[0], { type: 'send', time: T + 1, opcode: 1, data: 'é!' });
    assert.equal(messages?.[1]?._bytes, '//4=');
    assert.deepEqual(messages?.[2], { type: 'receive', time: T + 3, opcode: 2, data: 'YWJj' });
  });

  test('entries in order of start; a refused client is an entry with status 0; a server error without a request is left out', () => {
    const har = harFromEvents([
      handshake(2, 'server', T + 10),
      { time: T + 1, conn: 1, event: 'error', dir: 'in', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9', url: 'ws://127.0.0.1:9/' },
      { time: T + 12, conn: 3, event: 'error', dir: 'in', code: 'WS_ERR_INVALID_REQUEST', message: 'bad request line', status: 400 },
    ]);
    assert.deepEqual(
      har.log.entries.map((e) => [e._wscope.conn, e.response.status, e.response._error]),
      [
        [1, 0, 'connect ECONNREFUSED 127.0.0.1:9'],
        [2, 101, undefined],
      ],
    );
  });
});
