/**
 * Client sockets read into one buffer shared by every connection (src/node/socket-reads.ts):
 * what a listener is given must be its own. Two clients receive interleaved reads of different
 * bytes and keep every message; at the end each still holds exactly what its server sent.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { type HandshakeRequest, WebSocketServer, type WebSocket, connect } from '../../src/index.js';

test('messages kept from many interleaved reads of two client connections stay intact', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  const count = 400;
  // Each connection's server side sends messages of its own byte, of sizes that split reads anywhere.
  server.on('connection', (socket: WebSocket, request: HandshakeRequest) => {
    const fill = request.path === '/a' ? 0x61 : 0x62;
    for (let i = 0; i < count; i++) socket.send(Buffer.alloc(1 + ((i * 37) % 3000), fill), { binary: true });
  });
  const port = server.address().port;
  const keep = async (path: string): Promise<Buffer[]> => {
    const socket = await connect(`ws://127.0.0.1:${port}${path}`);
    const kept: Buffer[] = [];
    socket.on('message', (data: Buffer) => kept.push(data));
    while (kept.length < count) await once(socket, 'message');
    socket.close();
    return kept;
  };
  try {
    const [a, b] = await Promise.all([keep('/a'), keep('/b')]);
    for (const [kept, fill] of [
      [a, 0x61],
      [b, 0x62],
    ] as const) {
      assert.equal(kept.length, count);
      kept.forEach((data, i) => {
        assert.equal(data.length, 1 + ((i * 37) % 3000), `message ${i} length`);
        assert.ok(
          data.every((byte) => byte === fill),
          `message ${i} of ${String.fromCharCode(fill)} holds another connection's bytes`,
        );
      });
    }
  } finally {
    await server.close();
  }
});
