/**
 * Bad input during the opening handshake: too many headers, a huge header line, requests that
 * stall or drip (slowloris). Each is answered (431, 408) and closed, within the handshake timeout.
 */
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from '../../src/index.js';
import { httpExchange, upgradeRequest } from '../conformance/raw-peer.js';

const T = { timeout: 10_000 };
/**
 * "Not before the timeout" is checked loosely: Node's timers count from the event loop's cached
 * clock, which can lag performance.now() on a busy machine. 300 ms × 0.75.
 */
const NOT_BEFORE = 225;

describe('handshake limits and deadlines', () => {
  let server: WebSocketServer;
  let port: number;
  const rejected: Array<{ code: string; status: number; message: string }> = [];

  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', handshakeTimeout: 300 });
    server.on('rejected', (error: { code: string; status: number; message: string }) =>
      rejected.push({ code: error.code, status: error.status, message: error.message }),
    );
    await server.ready();
    port = server.address().port;
  });

  after(() => server.close());

  test('2000 tiny headers (10 KB, under the size limit) → 431 for their count', T, async () => {
    rejected.length = 0;
    const extra = Array.from({ length: 2000 }, (_, i) => `x${i % 10}:y`);
    const reply = await httpExchange(port, upgradeRequest({ extra }));
    assert.equal(reply.status, 431);
    assert.deepEqual(
      rejected.map((r) => [r.code, r.message]),
      [['WS_ERR_HEADERS_TOO_LARGE', 'over 100 header fields']],
    );
  });

  test('2000 ordinary headers (over 16 KiB) → 431 for their size', T, async () => {
    rejected.length = 0;
    const extra = Array.from({ length: 2000 }, (_, i) => `X-Header-${i}: value-${i}`);
    const reply = await httpExchange(port, upgradeRequest({ extra }));
    assert.equal(reply.status, 431);
    assert.deepEqual(
      rejected.map((r) => [r.code, r.message]),
      [['WS_ERR_HEADERS_TOO_LARGE', 'head over 16384 bytes']],
    );
  });

  test('a 64 KiB header line → 431, answered without waiting for the end of the line', T, async () => {
    rejected.length = 0;
    const request = upgradeRequest().replace('\r\n\r\n', `\r\nX-Huge: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    const reply = await httpExchange(port, request);
    assert.equal(reply.status, 431);
    assert.equal(rejected[0]?.code, 'WS_ERR_HEADERS_TOO_LARGE');
    // Only the first 16 KiB were needed: the rest of the line never has to arrive.
    const head = Buffer.from(request).subarray(0, 20 * 1024);
    const early = await httpExchange(port, head);
    assert.equal(early.status, 431);
  });

  test('a header line that never ends, sent in 1 KiB pieces → 431 at 16 KiB', T, async () => {
    rejected.length = 0;
    const pieces = [upgradeRequest().replace('\r\n\r\n', '\r\nX-Endless: '), ...Array.from({ length: 20 }, () => 'b'.repeat(1024))];
    const reply = await httpExchange(port, pieces);
    assert.equal(reply.status, 431);
  });

  test('a stalled half-sent request is answered 408 and closed after handshakeTimeout (300 ms)', T, async () => {
    rejected.length = 0;
    const half = upgradeRequest().slice(0, 40);
    const reply = await httpExchange(port, half, 5000);
    assert.equal(reply.status, 408);
    assert.deepEqual(
      rejected.map((r) => r.code),
      ['WS_ERR_HANDSHAKE_TIMEOUT'],
    );
    assert.ok(reply.elapsed >= NOT_BEFORE, `closed after ${reply.elapsed} ms, not before the timeout`);
    assert.ok(reply.elapsed < 3000, `closed after ${reply.elapsed} ms, long after the timeout`);
  });

  test('a connection that sends nothing at all is closed the same way', T, async () => {
    const reply = await httpExchange(port, [], 5000);
    assert.equal(reply.status, 408);
    assert.ok(reply.elapsed >= NOT_BEFORE && reply.elapsed < 3000, `closed after ${reply.elapsed} ms`);
  });

  test('slowloris: a request dripping one byte every 20 ms does not extend the deadline', T, async () => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    const started = performance.now();
    const request = upgradeRequest();
    let i = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && i < request.length - 1) socket.write(request[i++]!);
    }, 20);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(drip);
    const elapsed = performance.now() - started;
    assert.match(Buffer.concat(chunks).toString('latin1'), /^HTTP\/1\.1 408 /);
    assert.ok(i < request.length - 1, 'the request never completed');
    assert.ok(elapsed >= NOT_BEFORE && elapsed < 3000, `closed after ${elapsed} ms`);
  });

  test('50 stalled connections at once are all closed, and the server still answers', T, async () => {
    const sockets: Socket[] = [];
    const closedAll = Array.from({ length: 50 }, () => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      socket.resume();
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      sockets.push(socket);
      return new Promise((resolve) => socket.once('close', resolve));
    });
    await Promise.all(closedAll);
    const reply = await httpExchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(reply.status, 426);
  });
});

describe('the default handshake timeout', () => {
  test('is 10 s: the server arms a 10 000 ms timer per connection, and it closes the connection with 408', T, async (t) => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    const armed: Array<{ ms: number | undefined; fire: () => void }> = [];
    const realSetTimeout = globalThis.setTimeout as (fn: () => void, ms?: number, ...args: unknown[]) => NodeJS.Timeout;
    // Watch timers instead of waiting 10 s: record each one armed, and fire the handshake's by hand.
    t.mock.method(globalThis, 'setTimeout', (fn: () => void, ms?: number, ...args: unknown[]) => {
      armed.push({ ms, fire: fn });
      return realSetTimeout(fn, ms, ...args);
    });
    try {
      const socket = netConnect({ host: '127.0.0.1', port: server.address().port });
      socket.on('error', () => {});
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.write('GET / HTTP/1.1\r\n');
      for (let i = 0; i < 1000 && !armed.some((a) => a.ms === 10_000); i++) await new Promise((resolve) => setImmediate(resolve));
      const timers = armed.filter((a) => a.ms === 10_000);
      assert.equal(timers.length, 1, `one 10 000 ms timer armed (saw ${armed.map((a) => a.ms).join(', ')})`);
      timers[0]!.fire();
      await closed;
      assert.match(Buffer.concat(chunks).toString('latin1'), /^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      t.mock.restoreAll();
      await server.close();
    }
  });
});
