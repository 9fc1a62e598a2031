/**
 * A vanished peer, found by the heartbeat: a peer that completed the handshake and then went
 * silent gets pinged, pinged again with a growing timeout, and is then cut (1006, socket
 * destroyed, 'heartbeat-timeout'). A peer that answers, even late, stays.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WebSocketServer, connect, type WebSocket } from '../../src/index.js';
import { rawClient, rawServer, type RawPeer } from '../conformance/raw-peer.js';

const T = { timeout: 15_000 };
const HEARTBEAT = { interval: 100, timeout: 100, retries: 2, backoff: 2 };
/** interval + 100 + 200 + 400: the last moment the connection may count as alive. */
const DEADLINE = 100 + 100 + 200 + 400;
/**
 * Lower bounds are loose: Node's timers count from the event loop's cached clock, which lags
 * performance.now() by however long the current loop turn has run (tens of ms on a busy
 * machine). They catch a timer that fires at once, not a few ms of skew.
 */
const SLACK = 0.75;

interface Outcome {
  heartbeatTimeout: string | undefined;
  close: { code: number; reason: string; wasClean: boolean; at: number };
}

function outcome(ws: WebSocket): Promise<Outcome> {
  let heartbeatTimeout: string | undefined;
  ws.on('heartbeat-timeout', (reason: string) => (heartbeatTimeout = reason));
  return new Promise((resolve) => {
    ws.once('close', (code: number, reason: string, wasClean: boolean) =>
      resolve({ heartbeatTimeout, close: { code, reason, wasClean, at: performance.now() } }),
    );
  });
}

/** The peer read every ping and answered none: check the schedule and the verdict. */
async function assertGivenUp(peer: RawPeer, result: Promise<Outcome>, openedAt: number): Promise<void> {
  const { heartbeatTimeout, close } = await result;
  const expectedReason = 'no pong after 3 pings (waited 100 + 200 + 400 ms)';
  assert.equal(heartbeatTimeout, expectedReason);
  assert.deepEqual({ code: close.code, reason: close.reason, wasClean: close.wasClean }, { code: 1006, reason: expectedReason, wasClean: false });
  const elapsed = close.at - openedAt;
  assert.ok(elapsed >= DEADLINE * SLACK, `cut after ${elapsed.toFixed(0)} ms, before interval + timeouts (${DEADLINE} ms)`);
  assert.ok(elapsed < DEADLINE + 2000, `cut after ${elapsed.toFixed(0)} ms, long after ${DEADLINE} ms`);
  // The socket is destroyed: no closing handshake with a peer that is gone.
  await peer.waitForEof(2000);
  assert.equal(peer.closeFrame, undefined);
  const pings = peer.frames.filter((f) => f.op === 0x9);
  assert.deepEqual(
    pings.map((p) => p.payload.toString()),
    ['wscope-heartbeat-1', 'wscope-heartbeat-2', 'wscope-heartbeat-3'],
  );
  // Each retry waits longer than the one before: ~100 ms, then ~200 ms.
  const gaps = [pings[1]!.at - pings[0]!.at, pings[2]!.at - pings[1]!.at];
  assert.ok(gaps[0]! >= 100 * SLACK && gaps[1]! >= 200 * SLACK, `gaps between pings: ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`);
  assert.ok(gaps[1]! > gaps[0]!, 'the second retry waited longer than the first');
  assert.ok(pings[0]!.at - openedAt >= 100 * SLACK, 'the first ping waits one interval');
}

describe('heartbeat: a vanished peer', () => {
  test('our server cuts a client that completed the handshake and went silent', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', heartbeat: HEARTBEAT });
    await server.ready();
    try {
      const accepted = new Promise<{ ws: WebSocket; result: Promise<Outcome>; at: number }>((resolve) =>
        server.once('connection', (ws: WebSocket) => resolve({ ws, result: outcome(ws), at: performance.now() })),
      );
      const peer = await rawClient(server.address().port);
      const { result, at } = await accepted;
      await assertGivenUp(peer, result, at);
      assert.equal(server.clients.size, 0, 'the server forgot the connection');
    } finally {
      await server.close();
    }
  });

  test('our client cuts a server that completed the handshake and went silent', T, async () => {
    const raw = await rawServer();
    try {
      const ws = await connect(`ws://127.0.0.1:${raw.port}/`, { heartbeat: HEARTBEAT });
      const at = performance.now();
      const result = outcome(ws);
      const peer = await raw.nextPeer();
      await assertGivenUp(peer, result, at);
    } finally {
      await raw.close();
    }
  });

  test('a peer that answers only the last retry stays, and the next round starts afresh', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', heartbeat: HEARTBEAT });
    await server.ready();
    try {
      const accepted = new Promise<{ ws: WebSocket; result: Promise<Outcome> }>((resolve) =>
        server.once('connection', (ws: WebSocket) => resolve({ ws, result: outcome(ws) })),
      );
      const peer = await rawClient(server.address().port);
      const { ws, result } = await accepted;
      const rtts: number[] = [];
      ws.on('rtt', (ms: number) => rtts.push(ms));
      const pingsSeen = () => peer.frames.filter((f) => f.op === 0x9);
      // Ignore pings 1 and 2, answer ping 3 (the last chance).
      await peer.until(() => pingsSeen().length === 3, 3000, 'the third ping');
      await peer.write(peer.encode({ op: 0xa, data: pingsSeen()[2]!.payload }));
      // Alive: a new round begins after one interval; this time stay silent. Every ping has a
      // payload of its own, across rounds too, so a late pong cannot be paired with a later ping.
      const result2 = await result;
      const pings = pingsSeen().map((f) => f.payload.toString());
      assert.deepEqual(pings, [
        'wscope-heartbeat-1',
        'wscope-heartbeat-2',
        'wscope-heartbeat-3',
        'wscope-heartbeat-4',
        'wscope-heartbeat-5',
        'wscope-heartbeat-6',
      ]);
      assert.equal(rtts.length, 1, 'the answered ping reported its round-trip time');
      assert.equal(result2.close.code, 1006);
      assert.equal(result2.heartbeatTimeout, 'no pong after 3 pings (waited 100 + 200 + 400 ms)');
    } finally {
      await server.close();
    }
  });

  test('a live peer (our own client) is pinged each interval, reports round-trip times, and is never cut', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', heartbeat: { interval: 50, timeout: 200 } });
    await server.ready();
    try {
      const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
      const client = await connect(`ws://127.0.0.1:${server.address().port}/`, { heartbeat: { interval: 50, timeout: 200 } });
      const ws = await accepted;
      let timeouts = 0;
      ws.on('heartbeat-timeout', () => timeouts++);
      client.on('heartbeat-timeout', () => timeouts++);
      const rtts: number[] = [];
      ws.on('rtt', (ms: number) => rtts.push(ms));
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(timeouts, 0);
      assert.equal(ws.readyState, ws.OPEN);
      assert.ok(rtts.length >= 3, `${rtts.length} round-trip times reported`);
      assert.ok(rtts.every((ms) => ms >= 0 && Number.isFinite(ms)));
      const closed = new Promise<number>((resolve) => client.once('close', resolve));
      client.close(1000);
      assert.equal(await closed, 1000);
    } finally {
      await server.close();
    }
  });
});
