/**
 * Reading HAR without sockets: the shapes DevTools (epoch seconds) and Playwright (epoch ms)
 * write, our `_` extras, Close frames, entries that never opened, and errors that name the field.
 * A HAR Chromium itself wrote is read in test/cli/replay-chromium.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HarFormatError, harFromEvents, readHar, type TraceEvent } from '../../src/trace/index.js';

function entry(messages: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: '2025-12-01T09:36:53.240Z',
    time: 5,
    _resourceType: 'websocket',
    request: {
      method: 'GET',
      url: 'ws://example.test/feed?room=1',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Origin', value: 'https://app.example.test' },
        { name: 'Sec-WebSocket-Protocol', value: 'chat, v2' },
      ],
      queryString: [{ name: 'room', value: '1' }],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 101,
      statusText: 'Switching Protocols',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Sec-WebSocket-Protocol', value: 'chat' },
        { name: 'Sec-WebSocket-Extensions', value: 'permessage-deflate' },
      ],
      cookies: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 2.5, receive: 0 },
    _webSocketMessages: messages,
    ...extra,
  };
}

const har = (...entries: unknown[]) => ({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });

function errorOf(value: unknown): string {
  try {
    readHar(value);
  } catch (error) {
    assert.ok(error instanceof HarFormatError, `expected a HarFormatError, got ${error}`);
    return error.message;
  }
  assert.fail('expected an error');
}

describe('readHar', () => {
  test("DevTools' shape: the handshake, send as out, receive as in, binary and control frames as base64, epoch seconds kept", () => {
    const events = readHar(
      har(
        { request: { url: 'https://example.test/app.js' }, response: { status: 200 } },
        entry([
          { type: 'send', time: 1764581813.25, opcode: 1, data: 'hello ✓' },
          { type: 'receive', time: 1764581813.26, opcode: 2, data: 'AP8B' },
          { type: 'send', time: 1764581813.27, opcode: 9, data: 'aGk=' },
        ]),
      ),
    );
    assert.equal(events.length, 4);
    const [handshake, sent, received, ping] = events as [TraceEvent, TraceEvent, TraceEvent, TraceEvent];
    assert.deepEqual(
      {
        ...handshake,
        requestHeaders: undefined,
        responseHeaders: undefined,
      },
      {
        time: 1764581813.2425,
        conn: 1,
        event: 'handshake',
        dir: 'out',
        role: 'client',
        url: 'ws://example.test/feed?room=1',
        method: 'GET',
        target: '/feed?room=1',
        httpVersion: 'HTTP/1.1',
        requestHeaders: undefined,
        status: 101,
        statusText: 'Switching Protocols',
        responseHeaders: undefined,
        protocol: 'chat',
        extensions: 'permessage-deflate',
        start: 1764581813.24,
        timings: { wait: 2.5 },
      },
    );
    assert.deepEqual(handshake.event === 'handshake' && handshake.requestHeaders[1], ['Sec-WebSocket-Protocol', 'chat, v2']);
    assert.deepEqual(sent, { time: 1764581813.25, conn: 1, event: 'message', dir: 'out', opcode: 1, size: 9, data: 'hello ✓', encoding: 'utf8' });
    assert.deepEqual(received, { time: 1764581813.26, conn: 1, event: 'message', dir: 'in', opcode: 2, size: 3, data: 'AP8B', encoding: 'base64' });
    assert.deepEqual(ping, { time: 1764581813.27, conn: 1, event: 'ping', dir: 'out', opcode: 9, size: 2, data: 'hi', encoding: 'utf8' });
  });

  test("Playwright's epoch milliseconds become seconds; -1 (omitTiming) takes the time before it", () => {
    const events = readHar(
      har(
        entry([
          { type: 'send', time: 1796127498838.086, opcode: 1, data: 'a' },
          { type: 'receive', time: -1, opcode: 1, data: 'b' },
        ]),
      ),
    );
    assert.deepEqual(
      events.slice(1).map((e) => e.time),
      [1796127498.838086, 1796127498.838086],
    );
  });

  test('Close frames among the messages become the close event, with the code the client was told', () => {
    const closeFrame = (code: number, reason: string) => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]).toString('base64');
    const [, , close] = readHar(
      har(
        entry([
          { type: 'send', time: 10, opcode: 8, data: closeFrame(4001, 'bye') },
          { type: 'receive', time: 11, opcode: 8, data: closeFrame(4001, 'bye') },
          { type: 'receive', time: 9, opcode: 1, data: 'last' },
        ]),
      ),
    );
    assert.deepEqual(close, {
      time: 11,
      conn: 1,
      event: 'close',
      dir: 'out',
      opcode: 8,
      size: 5,
      data: 'bye',
      encoding: 'utf8',
      code: 4001,
      reason: 'bye',
      name: 'Private Use',
      clean: true,
      sent: { time: 10, code: 4001, reason: 'bye' },
      received: { time: 11, code: 4001, reason: 'bye' },
    });
  });

  test('our own HAR (harFromEvents) reads back as the trace it was written from: both roles, control frames, close, errors', () => {
    const handshake = (conn: number, role: 'client' | 'server', later = 0): TraceEvent => ({
      time: 1764581813.2425 + later,
      conn,
      event: 'handshake',
      dir: role === 'client' ? 'out' : 'in',
      role,
      url: 'ws://127.0.0.1:8765/feed?room=1',
      method: 'GET',
      target: '/feed?room=1',
      httpVersion: 'HTTP/1.1',
      requestHeaders: [
        ['Host', '127.0.0.1:8765'],
        ['Sec-WebSocket-Protocol', 'chat'],
      ],
      status: 101,
      statusText: 'Switching Protocols',
      responseHeaders: [['Sec-WebSocket-Protocol', 'chat']],
      protocol: 'chat',
      extensions: '',
      start: 1764581813.24 + later,
      timings: { wait: 2.5 },
      remoteAddress: '127.0.0.1',
      remotePort: 56278,
    });
    const events: TraceEvent[] = [
      handshake(3, 'client'),
      { time: 1764581813.25, conn: 3, event: 'message', dir: 'out', opcode: 1, size: 5, data: 'hello', encoding: 'utf8' },
      { time: 1764581813.26, conn: 3, event: 'message', dir: 'in', opcode: 2, size: 3, data: 'AP8B', encoding: 'base64', wireSize: 5 },
      { time: 1764581813.261, conn: 3, event: 'ping', dir: 'in', opcode: 9, size: 2, data: 'hi', encoding: 'utf8' },
      { time: 1764581813.262, conn: 3, event: 'pong', dir: 'out', opcode: 10, size: 2, data: 'hi', encoding: 'utf8', auto: true },
      { time: 1764581813.27, conn: 3, event: 'message', dir: 'out', opcode: 1, size: 1, data: '/w==', encoding: 'base64' },
      {
        time: 1764581813.3,
        conn: 3,
        event: 'close',
        dir: 'out',
        opcode: 8,
        size: 6,
        data: 'done',
        encoding: 'utf8',
        code: 1000,
        reason: 'done',
        name: 'Normal Closure',
        clean: true,
        sent: { time: 1764581813.28, code: 1000, reason: 'done' },
        received: { time: 1764581813.29, code: 1000, reason: 'done' },
      },
      handshake(4, 'server', 0.5),
      { time: 1764581814.1, conn: 4, event: 'message', dir: 'in', opcode: 1, size: 6, data: 'client', encoding: 'utf8' },
      { time: 1764581814.2, conn: 4, event: 'error', dir: 'in', code: 'WS_ERR_INVALID_UTF8', message: 'invalid UTF-8', closeCode: 1007 },
      {
        time: 1764581814.3,
        conn: 4,
        event: 'close',
        dir: 'out',
        opcode: 8,
        size: 2,
        data: '',
        encoding: 'utf8',
        code: 1007,
        reason: '',
        name: 'Invalid Frame Payload Data',
        clean: false,
        sent: { time: 1764581814.25, code: 1007, reason: '' },
      },
    ];
    events.push(
      { time: 1764581815, conn: 5, event: 'error', dir: 'in', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9', url: 'ws://127.0.0.1:9/' },
      {
        time: 1764581815.001,
        conn: 5,
        event: 'close',
        dir: 'in',
        opcode: 8,
        size: 0,
        data: '',
        encoding: 'utf8',
        code: 1006,
        reason: 'connect ECONNREFUSED 127.0.0.1:9',
        name: 'Abnormal Closure',
        clean: false,
      },
    );
    const back = readHar(JSON.parse(JSON.stringify(harFromEvents(events))));
    assert.deepEqual(back, events);
  });

  test('two connections at once come interleaved by time, as a live trace has them, each in its own order', () => {
    const events = readHar(
      har(
        entry([
          { type: 'send', time: 1764581813.3, opcode: 1, data: 'a1' },
          { type: 'send', time: 1764581813.5, opcode: 1, data: 'a2' },
        ]),
        entry([{ type: 'send', time: 1764581813.4, opcode: 1, data: 'b1' }], { startedDateTime: '2025-12-01T09:36:53.250Z' }),
      ),
    );
    assert.deepEqual(
      events.map((e) => [e.conn, e.event === 'message' ? e.data : e.event]),
      [
        [1, 'handshake'],
        [2, 'handshake'],
        [1, 'a1'],
        [2, 'b1'],
        [1, 'a2'],
      ],
    );
  });

  test('an entry that got no response is an error and a 1006 close, as a client that could not connect traces it', () => {
    const failed = entry([]);
    (failed['response'] as Record<string, unknown>)['status'] = 0;
    (failed['response'] as Record<string, unknown>)['_failureText'] = 'net::ERR_CONNECTION_REFUSED';
    assert.deepEqual(
      readHar(har(failed)).map((e) => [e.event, e.event === 'error' ? e.message : e.event === 'close' ? e.code : undefined]),
      [
        ['error', 'net::ERR_CONNECTION_REFUSED'],
        ['close', 1006],
      ],
    );
  });

  test('a file that is not a HAR, or a broken field, is a HarFormatError that names where', () => {
    assert.match(errorOf([]), /not a HAR file/);
    assert.match(errorOf({ log: {} }), /"log.entries" must be a list/);
    assert.equal(
      errorOf(har(entry([]), entry([{ type: 'sent', time: 1, opcode: 1, data: '' }]))),
      'log.entries[1]._webSocketMessages[0].type: must be "send" or "receive", got "sent"',
    );
    assert.match(errorOf(har(entry([{ type: 'send', time: 1, opcode: 3, data: '' }]))), /_webSocketMessages\[0\]\.opcode: must be 1 \(text\)/);
    assert.match(errorOf(har(entry([{ type: 'send', time: 1, opcode: 2, data: 'not base64!' }]))), /_webSocketMessages\[0\]\.data: must be base64/);
    assert.match(errorOf(har(entry([{ type: 'send', time: '1', opcode: 1, data: '' }]))), /\.time: must be a number/);
    assert.match(errorOf(har(entry([], { startedDateTime: 'yesterday' }))), /log\.entries\[0\]\.startedDateTime: must be an ISO 8601 date/);
    assert.match(
      errorOf(har(entry([], { request: { url: 'ws://x/', headers: [{ name: 'A' }] } }))),
      /log\.entries\[0\]\.request\.headers\[0\]: must be \{name, value\}/,
    );
    assert.match(
      errorOf(har(entry([], { _wscope: { conn: 1 } }), entry([], { _wscope: { conn: 1 } }))),
      /^log\.entries\[1\]\._wscope\.conn: must be a connection id/,
    );
  });
});
