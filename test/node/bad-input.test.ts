/**
 * One server through every kind of bad input in turn: garbage and malformed handshakes, header
 * floods, stalled requests, protocol violators, peers that vanish mid-frame, never read, never
 * answer pings or our Close. Each is refused or cut; afterwards the server holds no connection
 * and still accepts and echoes for a new client.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, connect, type WebSocket } from '../../src/index.js';
import { encodeFrame, httpExchange, rawClient, upgradeRequest } from '../conformance/raw-peer.js';
import { mulberry32 } from '../protocol/helpers.js';

const T = { timeout: 15_000 };

/** Write `bytes`, read the status line of the answer, and hang up. */
function statusOf(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(bytes.toString('latin1').slice(0, 80))}`));
    }, 3000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end === -1) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(text.slice(0, end).split(' ')[1]));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!text.includes('\r\n')) reject(new Error(`closed without an answer to ${JSON.stringify(bytes.toString('latin1').slice(0, 80))}`));
    });
    socket.write(bytes);
  });
}

describe('bad input: one server survives all of it', () => {
  let server: WebSocketServer;
  let port: number;
  const serverErrors: unknown[] = [];

  before(async () => {
    server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      handshakeTimeout: 300,
      closeTimeout: 300,
      maxMessageSize: 1024 * 1024,
      heartbeat: { interval: 100, timeout: 100, retries: 1 },
    });
    server.on('error', (error) => serverErrors.push(error));
    server.on('connection', (ws: WebSocket) => {
      ws.on('error', () => {});
      ws.on('message', (data: Buffer, isBinary: boolean) => ws.send(data, { binary: isBinary }));
    });
    await server.ready();
    port = server.address().port;
  });

  after(() => server.close());

  /** Resolves when the server holds no connection at all. */
  async function drained(): Promise<void> {
    for (let i = 0; i < 300 && server.clients.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(server.clients.size, 0, 'every connection was cut');
  }

  test('300 random and mutated handshakes: each gets an HTTP error or a 101, none hangs or crashes', T, async () => {
    const next = mulberry32(0x5eed); // seeded, so any failing input can be replayed
    const valid = Buffer.from(upgradeRequest());
    const seen = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      let bytes: Buffer;
      const kind = i % 3;
      if (kind === 0) {
        bytes = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
      } else if (kind === 1) {
        bytes = Buffer.from(valid);
        for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) bytes[Math.floor(next() * (bytes.length - 4))] = Math.floor(next() * 256);
      } else {
        bytes = valid.subarray(0, Math.floor(next() * (valid.length - 4)));
      }
      // Every input ends the head, so an answer is due at once rather than at the timeout.
      const status = await statusOf(port, Buffer.concat([bytes, Buffer.from('\r\n\r\n')]));
      assert.ok([101, 400, 404, 405, 426, 431].includes(status), `status ${status} for input ${i}`);
      seen.set(status, (seen.get(status) ?? 0) + 1);
    }
    assert.ok((seen.get(400) ?? 0) > 100, `mostly 400s: ${JSON.stringify([...seen])}`);
    await drained();
  });

  test('header floods: 2000 headers and a 64 KiB header line → 431', T, async () => {
    const many = await httpExchange(port, upgradeRequest({ extra: Array.from({ length: 2000 }, (_, i) => `X-${i}: ${i}`) }));
    assert.equal(many.status, 431);
    const long = await httpExchange(port, upgradeRequest({ extra: [`X-Long: ${'z'.repeat(64 * 1024)}`] }));
    assert.equal(long.status, 431);
  });

  test('20 stalled half-sent requests are all answered 408 and closed', T, async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => httpExchange(port, upgradeRequest().slice(0, 10 + i * 5), 5000)));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([408]));
  });

  test('50 protocol violators are each failed with their close code and cut', T, async () => {
    const violations: Array<[Buffer, number]> = [
      [encodeFrame({ op: 0x1, data: 'unmasked' }, false), 1002],
      [encodeFrame({ op: 0x3, data: 'x' }, true), 1002],
      [encodeFrame({ op: 0x1, data: 'x', rsv: 2 }, true), 1002],
      [encodeFrame({ op: 0x1, data: Buffer.from([0xc0, 0x80]) }, true), 1007],
      [encodeFrame({ op: 0x2, data: Buffer.alloc(0), declaredLength: 2 * 1024 * 1024 }, true), 1009],
    ];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const [bytes, code] = violations[i % violations.length]!;
        const peer = await rawClient(port);
        await peer.write(bytes);
        const close = await peer.waitForClose();
        assert.equal(close.payload.readUInt16BE(0), code);
        await peer.waitForEof();
        peer.socket.end();
      }),
    );
    await drained();
  });

  test('20 peers that vanish mid-frame (TCP reset) are forgotten', T, async () => {
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const peer = await rawClient(port);
        await peer.write(encodeFrame({ op: 0x2, data: Buffer.alloc(1000) }, true).subarray(0, 500));
        peer.socket.resetAndDestroy();
      }),
    );
    await drained();
  });

  test('silent peers (never answer pings) and a peer that never reads are cut by the heartbeat', T, async () => {
    const silent = await Promise.all(Array.from({ length: 10 }, () => rawClient(port)));
    const reader = await rawClient(port);
    reader.socket.pause();
    const clients = [...server.clients];
    // Give the non-reader a lot to hold: the server must not keep it forever.
    for (const ws of clients) for (let i = 0; i < 64; i++) ws.send(Buffer.alloc(64 * 1024));
    // The silent peers see TCP close; the paused one cannot see anything, so ask the server.
    await Promise.all(silent.map((peer) => peer.waitForEof(3000)));
    await drained();
    for (const peer of [...silent, reader]) peer.socket.destroy();
  });

  test('a peer that never answers our Close is cut after the close timeout', T, async () => {
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const peer = await rawClient(port);
    const ws = await accepted;
    const closed = once(ws, 'close');
    ws.close(1000);
    const [code, reason] = (await closed) as [number, string];
    // Whichever comes first, the close timeout or the heartbeat, the peer is cut without a clean close.
    assert.equal(code, 1006);
    assert.match(reason, /did not answer our Close|no pong/);
    peer.socket.destroy();
    await drained();
  });

  test('after all of it the server accepts a new client and echoes', T, async () => {
    assert.deepEqual(serverErrors, []);
    const ws = await connect(`ws://127.0.0.1:${port}/`);
    const replies: string[] = [];
    ws.on('message', (data: Buffer) => replies.push(data.toString()));
    for (const text of ['still', 'here', '✓']) ws.send(text);
    while (replies.length < 3) await once(ws, 'message');
    assert.deepEqual(replies, ['still', 'here', '✓']);
    const closed = once(ws, 'close');
    ws.close(1000, 'thanks');
    assert.deepEqual(await closed, [1000, 'thanks', true]);
  });
});
