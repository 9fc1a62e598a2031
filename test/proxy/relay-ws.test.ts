import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { WebSocket as WsClient, WebSocketServer as WsServer, type RawData } from 'ws';
import { startProxy } from './helpers.js';

/**
 * The proxy between two `ws` ends: what one sends, the other receives byte for byte, with its
 * frames, pings and Close as they were.
 */
describe('reverse proxy between ws client and ws server', () => {
  let upstream: WsServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const serverSide: Array<(socket: import('ws').WebSocket, path: string) => void> = [];

  before(async () => {
    upstream = new WsServer({ port: 0, host: '127.0.0.1', autoPong: false });
    await once(upstream, 'listening');
    upstream.on('connection', (socket, request) => serverSide.shift()?.(socket, request.url ?? ''));
    proxy = await startProxy(`ws://127.0.0.1:${(upstream.address() as { port: number }).port}`);
  });

  after(async () => {
    await proxy.close();
    for (const client of upstream.clients) client.terminate();
    await new Promise((resolve) => upstream.close(resolve));
  });

  function nextServerSocket(): Promise<{ socket: import('ws').WebSocket; path: string }> {
    return new Promise((resolve) => serverSide.push((socket, path) => resolve({ socket, path })));
  }

  test('the server speaks first; text and binary reach the other side byte for byte, path and query kept', async () => {
    const server = nextServerSocket();
    const client = new WsClient(`${proxy.url}/feed?room=1`, { perMessageDeflate: false });
    const first = once(client, 'message');
    const { socket, path } = await server;
    assert.equal(path, '/feed?room=1');
    socket.send('hello from the server');
    const [greeting, greetingBinary] = (await first) as [RawData, boolean];
    assert.equal(greeting.toString(), 'hello from the server');
    assert.equal(greetingBinary, false);
    const bytes = Buffer.from([0xbe, 0xef, 0x00, 0xff, 0x0a]);
    const received = once(socket, 'message');
    client.send(bytes);
    const [data, isBinary] = (await received) as [Buffer, boolean];
    assert.deepEqual(data, bytes);
    assert.equal(isBinary, true);
    const closedAtServer = once(socket, 'close');
    client.close(4001, 'done here');
    const [code, reason] = (await closedAtServer) as [number, Buffer];
    assert.equal(code, 4001);
    assert.equal(reason.toString(), 'done here');
  });
});
