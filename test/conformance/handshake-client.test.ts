/**
 * Handshake, our client's side: every answer RFC 6455 §4.1 tells a client to refuse is refused
 * with a HandshakeError carrying the server's status, the TCP connection is dropped, and a
 * server that never answers is given up after the handshake timeout.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { connect, HandshakeError, type ClientOptions } from '../../src/index.js';
import { acceptFor, rawServer } from './raw-peer.js';

const T = { timeout: 10_000 };

/** A 101 with the given changes: `replace` maps lower-case names to values ('' drops the field). */
function switching(key: string, replace: Record<string, string> = {}, extra: string[] = []): string {
  const fields: Array<[string, string]> = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', acceptFor(key)],
  ];
  const lines = ['HTTP/1.1 101 Switching Protocols'];
  for (const [name, value] of fields) {
    const override = replace[name.toLowerCase()];
    if (override !== '') lines.push(`${name}: ${override ?? value}`);
  }
  return `${[...lines, ...extra].join('\r\n')}\r\n\r\n`;
}

/** Connect to a raw server answering with `respond`; the client must refuse with `code` and `status`. */
async function refuses(respond: (key: string) => string, code: string, status: number, options: ClientOptions = {}): Promise<HandshakeError> {
  const raw = await rawServer({ respond: (_head, key) => respond(key) });
  try {
    const error = await connect(`ws://127.0.0.1:${raw.port}/`, options).then(
      () => assert.fail('the client accepted the handshake'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof HandshakeError, `a HandshakeError, not ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.equal(raw.requests.length, 1);
    return error;
  } finally {
    await raw.close();
  }
}

describe('handshake: our client', () => {
  test('a wrong Sec-WebSocket-Accept is refused', T, async () => {
    await refuses((key) => switching(key, { 'sec-websocket-accept': acceptFor(`${key}x`) }), 'WS_ERR_INVALID_ACCEPT', 101);
  });

  test('a missing Sec-WebSocket-Accept is refused', T, async () => {
    await refuses((key) => switching(key, { 'sec-websocket-accept': '' }), 'WS_ERR_INVALID_ACCEPT', 101);
  });

  test('a 101 without Upgrade: websocket is refused', T, async () => {
    await refuses((key) => switching(key, { upgrade: '' }), 'WS_ERR_INVALID_UPGRADE', 101);
  });

  test('a 101 without Connection: Upgrade is refused', T, async () => {
    await refuses((key) => switching(key, { connection: 'keep-alive' }), 'WS_ERR_INVALID_CONNECTION', 101);
  });

  for (const status of [200, 400, 403, 404, 426, 500, 503]) {
    test(`a ${status} is refused and the error carries the status and the headers`, T, async () => {
      const error = await refuses(() => `HTTP/1.1 ${status} Nope\r\nX-Why: because\r\nContent-Length: 0\r\n\r\n`, 'WS_ERR_UNEXPECTED_RESPONSE', status);
      assert.equal(error.headers['x-why'], 'because');
    });
  }

  test('a malformed status line is refused', T, async () => {
    await refuses(() => 'HTTP/1.1 1O1 Switching\r\n\r\n', 'WS_ERR_MALFORMED_HTTP', Number.NaN);
  });

  test('a subprotocol the client did not offer is refused', T, async () => {
    await refuses((key) => switching(key, {}, ['Sec-WebSocket-Protocol: v3.other']), 'WS_ERR_INVALID_SUBPROTOCOL', 101, {
      protocols: ['v1.wscope', 'v2.wscope'],
    });
  });

  test('a subprotocol when the client offered none is refused', T, async () => {
    await refuses((key) => switching(key, {}, ['Sec-WebSocket-Protocol: v1.wscope']), 'WS_ERR_INVALID_SUBPROTOCOL', 101);
  });

  test('two subprotocols, even both offered, are refused', T, async () => {
    await refuses((key) => switching(key, {}, ['Sec-WebSocket-Protocol: v1.wscope, v2.wscope']), 'WS_ERR_INVALID_SUBPROTOCOL', 101, {
      protocols: ['v1.wscope', 'v2.wscope'],
    });
  });

  test('an extension when the client offered none is refused', T, async () => {
    await refuses((key) => switching(key, {}, ['Sec-WebSocket-Extensions: permessage-deflate']), 'WS_ERR_INVALID_EXTENSION', 101, { perMessageDeflate: false });
  });

  test('an extension other than the one offered is refused', T, async () => {
    await refuses((key) => switching(key, {}, ['Sec-WebSocket-Extensions: x-wscope-unknown']), 'WS_ERR_INVALID_EXTENSION', 101);
  });

  test('the offered subprotocol is accepted and reported', T, async () => {
    const raw = await rawServer({ extraHeaders: ['Sec-WebSocket-Protocol: v2.wscope'] });
    try {
      const ws = await connect(`ws://127.0.0.1:${raw.port}/chat?room=1`, { protocols: ['v1.wscope', 'v2.wscope'], perMessageDeflate: false });
      assert.equal(ws.protocol, 'v2.wscope');
      const request = raw.requests[0]!;
      assert.match(request, /^GET \/chat\?room=1 HTTP\/1\.1\r\n/);
      assert.match(request, /\r\nSec-WebSocket-Protocol: v1\.wscope, v2\.wscope(\r\n|$)/);
      assert.match(request, /\r\nSec-WebSocket-Version: 13(\r\n|$)/);
      assert.doesNotMatch(request, /Sec-WebSocket-Extensions/);
      ws.terminate();
    } finally {
      await raw.close();
    }
  });

  test('a server that never answers is given up after handshakeTimeout, its socket destroyed', T, async () => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => {
      accepted.push(socket);
      socket.on('error', () => {});
      // Read (and drop) the request, so the client's FIN is seen.
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = performance.now();
      const error = (await connect(`ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`, { handshakeTimeout: 300 }).then(
        () => assert.fail('connected to a silent server'),
        (e: unknown) => e,
      )) as { code?: string };
      assert.equal(error.code, 'WS_ERR_HANDSHAKE_TIMEOUT');
      // Loosely: Node's timers count from the event loop's cached clock, which can lag on a busy machine.
      assert.ok(performance.now() - started >= 225, 'not before the timeout');
      assert.equal(accepted.length, 1);
      await new Promise<void>((resolve) => (accepted[0]!.closed ? resolve() : accepted[0]!.once('close', () => resolve())));
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a server that closes during the handshake is an error, not a hang', T, async () => {
    const raw = createServer((socket) => {
      socket.on('error', () => {});
      socket.resume();
      socket.end();
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const error = (await connect(`ws://127.0.0.1:${(raw.address() as AddressInfo).port}/`).then(
        () => assert.fail('connected'),
        (e: unknown) => e,
      )) as { code?: string };
      assert.equal(error.code, 'WS_ERR_HANDSHAKE_CLOSED');
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});
