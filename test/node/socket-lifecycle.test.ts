/**
 * The edges of a socket's life: the first messages, sent by the server in the same write as its
 * 101, reach a caller that pauses or iterates right after `await connect()`; iterating a closed
 * socket; close() while still connecting.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, test } from 'node:test';
import { connect, WebSocket } from '../../src/index.js';
import { acceptFor, encodeFrame, readHead } from '../conformance/raw-peer.js';
import { closed, echoServer } from './helpers.js';

const T = { timeout: 10_000 };

/** A server that writes its 101 and these text messages in one write, then holds the connection. */
async function pushingServer(texts: string[]): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    void readHead(socket).then(({ head }) => {
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
      const response = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`;
      socket.write(Buffer.concat([Buffer.from(response), ...texts.map((text) => encodeFrame({ op: 0x1, data: text }, false))]));
      socket.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

const TEXTS = Array.from({ length: 50 }, (_, i) => `message ${i} `.repeat(1 + (i % 7)));

describe('the first messages, in the same write as the 101', T, () => {
  test('a pause() right after await connect() holds them until resume(), then all come in order', async () => {
    const { url, server } = await pushingServer(TEXTS);
    const socket = await connect(url, { perMessageDeflate: false });
    socket.pause();
    const seen: string[] = [];
    socket.on('message', (data: Buffer) => seen.push(data.toString()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(seen, [], 'nothing is delivered while paused');
    socket.resume();
    while (seen.length < TEXTS.length) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(seen, TEXTS);
    socket.terminate();
    server.close();
  });

  test('a for await started right after await connect() gets every one, the first included', async () => {
    const { url, server } = await pushingServer(TEXTS);
    const socket = await connect(url, { perMessageDeflate: false });
    const seen: Array<string | Buffer> = [];
    for await (const message of socket) {
      seen.push(message);
      if (seen.length === TEXTS.length) break;
    }
    assert.deepEqual(seen, TEXTS);
    socket.terminate();
    server.close();
  });
});

describe('iterating a closed socket', T, () => {
  test('ends at once and adds no listener for a close that will never come', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    const done = closed(socket);
    socket.close(1000);
    await done;
    const closeListeners = socket.listenerCount('close');
    const iterator = socket[Symbol.asyncIterator]();
    assert.equal(socket.listenerCount('close'), closeListeners, "a 'close' listener on a closed socket");
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
    const listeners = socket.listenerCount('close') + socket.listenerCount('message');
    for (let i = 0; i < 3; i++) {
      const seen: unknown[] = [];
      for await (const message of socket) seen.push(message);
      assert.deepEqual(seen, []);
    }
    assert.equal(socket.listenerCount('close') + socket.listenerCount('message'), listeners, 'listeners added by the loops');
    await server.close();
  });
});

describe('close() while connecting', T, () => {
  for (const [name, target] of [
    ['to a server that would accept', 'echo'],
    ['to a port nobody listens on', 'refused'],
  ] as const) {
    test(`${name}: 'error', then 'close' 1006, and nothing after`, async () => {
      const echo = target === 'echo' ? await echoServer() : undefined;
      const url = echo?.url ?? 'ws://127.0.0.1:1/';
      const socket = new WebSocket(url);
      const events: string[] = [];
      socket.on('error', (error: Error & { code?: string }) => events.push(`error ${error.code}`));
      socket.on('close', (code: number, _reason: string, wasClean: boolean) => events.push(`close ${code} ${wasClean}`));
      socket.onerror = () => events.push('onerror');
      socket.onclose = () => events.push('onclose');
      socket.close();
      // Time for the handshake to succeed or fail behind our back: neither may add events.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(events, ['error WS_ERR_CLOSED_BEFORE_OPEN', 'onerror', 'close 1006 false', 'onclose']);
      assert.equal(socket.readyState, WebSocket.CLOSED);
      await echo?.server.close();
    });
  }
});
