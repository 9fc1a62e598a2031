import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { connect, WebSocketServer, type WebSocket } from '../../src/index.js';
import { closed } from '../node/helpers.js';
import { startProxy } from './helpers.js';

/**
 * A client that stops reading: the proxy stops reading from the server (TCP pushes back on it)
 * instead of holding what the server sends, and once the client reads again every byte arrives,
 * in order.
 */

const MESSAGES = 64;
const SIZE = 1024 * 1024;

function message(i: number): Buffer {
  const data = Buffer.alloc(SIZE, i);
  data.writeUInt32BE(i, 0);
  return data;
}

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const step of cleanup) await step();
});

test('64 MiB from the server to a client that does not read: most of it stays in the server, then all of it arrives intact', { timeout: 30_000 }, async () => {
  const upstream = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await upstream.ready();
  let server: WebSocket | undefined;
  upstream.on('connection', (socket: WebSocket) => {
    server = socket;
    for (let i = 0; i < MESSAGES; i++) socket.send(message(i));
  });
  const proxy = await startProxy(`ws://127.0.0.1:${upstream.address().port}`);
  cleanup.push(
    () => proxy.close(),
    () => upstream.close(),
  );
  const client = await connect(`${proxy.url}/`, { perMessageDeflate: false, maxMessageSize: 2 * SIZE });
  client.pause();
  const digests: string[] = [];
  client.on('message', (data: Buffer) => digests.push(createHash('sha1').update(data).digest('hex')));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // Kernel buffers on the way hold a few MiB and the relay at most its 1 MiB mark and a message; the rest waits in the server.
  const heldByServer = server!.bufferedAmount;
  assert.ok(heldByServer > 32 * SIZE, `the server still holds only ${heldByServer} bytes: the proxy read on while its client did not`);
  client.resume();
  const deadline = Date.now() + 20_000;
  while (digests.length < MESSAGES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(
    digests,
    Array.from({ length: MESSAGES }, (_, i) => createHash('sha1').update(message(i)).digest('hex')),
  );
  client.close(1000);
  await closed(client);
});
