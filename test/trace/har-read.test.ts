/**
 * Reading HAR without sockets: the shapes DevTools (epoch seconds) and Playwright (epoch ms)
 * write, our `_` extras, Close frames, entries that never opened, and errors that name the field.
 * A HAR Chromium itself wrote is read in test/cli/replay-chromium.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HarFormatError, readHar, type TraceEvent } from '../../src/trace/index.js';

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

  test('Close frames become the close event, with the code the client was told; ours: _conn, _role and _close', () => {
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

    const server = readHar(
      har(
        entry([{ type: 'send', time: 12, opcode: 1, data: 'from the client' }], {
          _conn: 7,
          _role: 'server',
          _close: { code: 1001, reason: '', dir: 'in', clean: true },
        }),
      ),
    );
    assert.deepEqual(
      server.map((e) => [e.conn, e.event, e.dir]),
      [
        [7, 'handshake', 'in'],
        [7, 'message', 'in'],
        [7, 'close', 'in'],
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
    assert.match(errorOf(har(entry([], { _conn: 1 }), entry([], { _conn: 1 }))), /log\.entries\[1\]\._conn/);
  });
});
