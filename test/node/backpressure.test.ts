/**
 * A peer that never reads: `send()` returns false once the socket's buffer is full, `drain`
 * does not come until the peer reads, and `bufferedAmount` grows only by what the application
 * keeps sending. An application that honours the signal stays within one message of the
 * high-water mark. A `for await` loop that stops taking messages pauses reading from the socket.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { WebSocketServer, connect, type WebSocket } from '../../src/index.js';
import { rawClient } from '../conformance/raw-peer.js';

const T = { timeout: 20_000 };
const KiB = 1024;
const MESSAGE = 64 * KiB;
/** A 64 KiB binary frame from a server: 4 header bytes (16-bit length) and the payload. */
const FRAME = MESSAGE + 4;
/**
 * Below the socket's 16 KiB high-water mark, so `false` means bytes are really waiting: a
 * single write larger than the mark gets `false` even when the kernel takes it all at once.
 */
const SMALL = 8 * KiB;
const SMALL_FRAME = SMALL + 4;

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverWithPeer() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const peer = await rawClient(server.address().port);
  const ws = await accepted;
  return { server, peer, ws };
}

describe('backpressure: a peer that never reads', () => {
  test('send() turns false, drain waits for the reader, bufferedAmount grows only with what is sent', T, async () => {
    const { server, peer, ws } = await serverWithPeer();
    try {
      peer.socket.pause();
      const payload = Buffer.alloc(SMALL, 0x61);
      let sent = 0;
      // Fill the kernel's buffers on both sides; the first `false` says the rest would queue in memory.
      while (ws.send(payload)) {
        sent++;
        assert.ok(sent < 100_000, 'send() never reported backpressure');
        if (sent % 64 === 0) await tick(1);
      }
      sent++;
      const atSignal = ws.bufferedAmount;
      assert.ok(atSignal >= 16 * KiB, `${atSignal} bytes queued when send() said false`);
      let drained = false;
      ws.once('drain', () => (drained = true));

      // An application that ignores the signal: memory grows by what it sends, no more.
      let extraCallbacks = 0;
      for (let i = 0; i < 20; i++) {
        assert.equal(
          ws.send(payload, () => extraCallbacks++),
          false,
        );
        sent++;
      }
      const grown = ws.bufferedAmount - atSignal;
      assert.ok(grown > 0 && grown <= 20 * SMALL_FRAME, `bufferedAmount grew by ${grown} bytes for ${20 * SMALL_FRAME} bytes sent`);
      await tick(100);
      assert.equal(drained, false, 'no drain while the peer reads nothing');
      assert.equal(extraCallbacks, 0, 'no message handed to the kernel while the peer reads nothing');

      // The peer reads again: everything arrives, in order, and the queue empties.
      peer.socket.resume();
      await peer.until(() => peer.frames.length === sent, 10_000, `${sent} frames`);
      assert.ok(peer.frames.every((f) => f.op === 0x2 && f.payload.length === SMALL));
      if (!drained) await once(ws, 'drain');
      assert.equal(ws.bufferedAmount, 0);
      await tick(1);
      assert.equal(extraCallbacks, 20);
    } finally {
      peer.socket.destroy();
      await server.close();
    }
  });

  test('an application that waits for drain keeps bufferedAmount within one message of the high-water mark', T, async () => {
    const { server, peer, ws } = await serverWithPeer();
    try {
      const total = 400; // 25 MiB through a peer that reads in bursts
      let max = 0;
      const producing = (async () => {
        const payload = Buffer.alloc(MESSAGE, 0x62);
        for (let i = 0; i < total; i++) {
          const ok = ws.send(payload);
          max = Math.max(max, ws.bufferedAmount);
          if (!ok) await once(ws, 'drain');
        }
      })();
      // The peer alternates: stop reading for 30 ms, read for 5 ms.
      const reader = setInterval(() => {
        peer.socket.pause();
        setTimeout(() => peer.socket.resume(), 30);
      }, 35);
      await producing;
      clearInterval(reader);
      peer.socket.resume();
      await peer.until(() => peer.frames.length === total, 10_000, `${total} frames`);
      const highWaterMark = (ws as unknown as { socket: { writableHighWaterMark: number } }).socket.writableHighWaterMark;
      assert.ok(max < highWaterMark + FRAME, `bufferedAmount peaked at ${max} bytes (high-water mark ${highWaterMark}, frame ${FRAME})`);
    } finally {
      peer.socket.destroy();
      await server.close();
    }
  });
});

describe('backpressure: a for await loop that stops reading', () => {
  for (const perMessageDeflate of [false, true]) {
    // With permessage-deflate, messages waiting for compression count towards the signal too.
    test(`pauses the socket, so the sender sees backpressure, and resumes when the loop goes on (perMessageDeflate: ${perMessageDeflate})`, T, async (t) => {
      const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
      await server.ready();
      try {
        const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
        const client = await connect(`ws://127.0.0.1:${server.address().port}/`, { iteratorHighWaterMark: 256 * KiB, perMessageDeflate });
        const sender = await accepted;
        const pause = t.mock.method(client, 'pause');
        const resume = t.mock.method(client, 'resume');
        let dispatched = 0;
        client.on('message', () => dispatched++);

        const total = 300;
        let senderBlocked = false;
        const producing = (async () => {
          for (let i = 0; i < total; i++) {
            // Distinct, poorly compressible payloads: each carries its index.
            const payload = Buffer.alloc(MESSAGE);
            for (let j = 0; j < MESSAGE; j += 4) payload.writeUInt32LE((Math.imul(i + 1, 2654435761) ^ Math.imul(j, 40503)) >>> 0, j);
            payload.writeUInt32BE(i, 0);
            if (!sender.send(payload)) {
              senderBlocked = true;
              await once(sender, 'drain');
            }
          }
        })();

        let release: () => void = () => {};
        const gate = new Promise<void>((resolve) => (release = resolve));
        const seen: number[] = [];
        const consuming = (async () => {
          for await (const message of client) {
            seen.push((message as Buffer).readUInt32BE(0));
            if (seen.length === 1) await gate;
            if (seen.length === total) break;
          }
        })();

        // Wait until the sender is blocked and nothing moves any more for 100 ms: the loop
        // holds one message and the socket is paused.
        let last = -1;
        for (let i = 0; i < 200 && !(senderBlocked && dispatched > 0 && last === dispatched); i++) {
          last = dispatched;
          await tick(100);
        }
        assert.ok(pause.mock.callCount() >= 1, 'the loop paused reading');
        // 1 taken by the loop + 256 KiB queued (4 messages) + the one that crossed the mark,
        // and whatever the read that crossed it still held.
        assert.ok(dispatched <= 8, `${dispatched} messages read while the loop was stalled`);
        assert.ok(senderBlocked, 'the sender saw backpressure');

        release();
        await consuming;
        await producing;
        assert.deepEqual(
          seen,
          Array.from({ length: total }, (_, i) => i),
        );
        assert.ok(resume.mock.callCount() >= 1, 'reading resumed');
        client.close(1000);
        await once(client, 'close');
      } finally {
        await server.close();
      }
    });
  }
});

describe('backpressure: messages waiting for compression', () => {
  test('send() turns false while compressed messages queue, before the socket holds a byte, and drain follows', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    const received: number[] = [];
    server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => received.push(data.length)));
    try {
      const client = await connect(`ws://127.0.0.1:${server.address().port}/`);
      assert.match(client.extensions, /^permessage-deflate/);
      const payload = Buffer.alloc(MESSAGE, 'a');
      // Compression is asynchronous: nothing has reached the socket yet, the queue alone says false.
      assert.equal(client.send(payload), false);
      assert.ok(client.bufferedAmount >= MESSAGE, `bufferedAmount ${client.bufferedAmount}`);
      await once(client, 'drain');
      assert.ok(client.bufferedAmount < 16 * KiB, `bufferedAmount ${client.bufferedAmount} at drain`);
      assert.equal(client.send(Buffer.from('small')), true);
      client.close(1000);
      await once(client, 'close');
      assert.deepEqual(received, [MESSAGE, 5]);
    } finally {
      await server.close();
    }
  });
});
