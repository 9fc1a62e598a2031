/**
 * The close timeout: a peer that never answers our Close, or never closes TCP afterwards, is cut
 * after `closeTimeout` (default 5 s), in both roles.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WebSocketServer, connect, type WebSocket } from '../../src/index.js';
import { rawClient, rawServer } from '../conformance/raw-peer.js';

const T = { timeout: 10_000 };

function closeEvent(ws: WebSocket): Promise<{ code: number; reason: string; wasClean: boolean; at: number }> {
  return new Promise((resolve) =>
    ws.once('close', (code: number, reason: string, wasClean: boolean) => resolve({ code, reason, wasClean, at: performance.now() })),
  );
}

/**
 * The lower bound is loose: Node's timers count from the event loop's cached clock, which can
 * lag performance.now() on a busy machine. It catches a cut at once, not a few ms of skew.
 */
function assertCutAfter(startedAt: number, at: number, ms: number): void {
  const elapsed = at - startedAt;
  assert.ok(elapsed >= ms * 0.75, `cut after ${elapsed.toFixed(0)} ms, before the ${ms} ms close timeout`);
  assert.ok(elapsed < ms + 2000, `cut after ${elapsed.toFixed(0)} ms, long after the ${ms} ms close timeout`);
}

describe('close timeout', () => {
  test('our server cuts a client that never answers its Close', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', closeTimeout: 300 });
    await server.ready();
    try {
      const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
      const peer = await rawClient(server.address().port);
      const ws = await accepted;
      const closed = closeEvent(ws);
      const startedAt = performance.now();
      ws.close(1000, 'bye');
      const close = await peer.waitForClose();
      assert.equal(close.payload.readUInt16BE(0), 1000);
      const event = await closed;
      assert.deepEqual(
        { code: event.code, reason: event.reason, wasClean: event.wasClean },
        { code: 1006, reason: 'the peer did not answer our Close frame', wasClean: false },
      );
      assertCutAfter(startedAt, event.at, 300);
      await peer.waitForEof();
    } finally {
      await server.close();
    }
  });

  test('our server cuts a client that answered the Close but keeps TCP open', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', closeTimeout: 300 });
    await server.ready();
    try {
      const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
      // A half-open peer: it never sends FIN, whatever the server does.
      const peer = await rawClient(server.address().port, { halfOpen: true });
      const ws = await accepted;
      const closed = closeEvent(ws);
      const startedAt = performance.now();
      ws.close(1000, 'bye');
      await peer.waitForClose();
      await peer.write(peer.encode({ op: 0x8, data: Buffer.from([0x03, 0xe8]) }));
      const event = await closed;
      assert.equal(event.code, 1000);
      assertCutAfter(startedAt, event.at, 300);
    } finally {
      await server.close();
    }
  });

  test('our client cuts a server that never answers its Close', T, async () => {
    const raw = await rawServer();
    try {
      const ws = await connect(`ws://127.0.0.1:${raw.port}/`, { closeTimeout: 300 });
      const peer = await raw.nextPeer();
      const closed = closeEvent(ws);
      const startedAt = performance.now();
      ws.close(4000, 'done');
      const close = await peer.waitForClose();
      assert.equal(close.payload.readUInt16BE(0), 4000);
      assert.equal(close.masked, true);
      const event = await closed;
      assert.deepEqual(
        { code: event.code, reason: event.reason, wasClean: event.wasClean },
        { code: 1006, reason: 'the peer did not answer our Close frame', wasClean: false },
      );
      assertCutAfter(startedAt, event.at, 300);
      await peer.waitForEof();
    } finally {
      await raw.close();
    }
  });

  test('our client cuts a server that answered the Close but never closes TCP', T, async () => {
    const raw = await rawServer();
    try {
      const ws = await connect(`ws://127.0.0.1:${raw.port}/`, { closeTimeout: 300 });
      const peer = await raw.nextPeer();
      const closed = closeEvent(ws);
      const startedAt = performance.now();
      ws.close(1000);
      await peer.waitForClose();
      await peer.write(peer.encode({ op: 0x8, data: Buffer.from([0x03, 0xe8]) }));
      const event = await closed;
      assert.equal(event.code, 1000);
      assert.equal(event.reason, '');
      assertCutAfter(startedAt, event.at, 300);
      await peer.waitForEof();
    } finally {
      await raw.close();
    }
  });

  test('the default is 5 s: closing arms a 5000 ms timer', T, async (t) => {
    const raw = await rawServer();
    try {
      const ws = await connect(`ws://127.0.0.1:${raw.port}/`);
      const peer = await raw.nextPeer();
      const armed: Array<number | undefined> = [];
      const realSetTimeout = globalThis.setTimeout as (fn: () => void, ms?: number) => NodeJS.Timeout;
      t.mock.method(globalThis, 'setTimeout', (fn: () => void, ms?: number) => {
        armed.push(ms);
        return realSetTimeout(fn, ms);
      });
      ws.close(1000);
      t.mock.restoreAll();
      assert.ok(armed.includes(5000), `timers armed on close: ${armed.join(', ')}`);
      await peer.waitForClose();
      ws.terminate();
    } finally {
      await raw.close();
    }
  });
});
