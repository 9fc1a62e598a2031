import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { connect, WebSocketServer, type WebSocket } from '../../src/index.js';

test('terminate({ reset: true }) from the server side: the client sees ECONNRESET and 1006, no Close frame', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  const accepted = once(server, 'connection') as Promise<[WebSocket]>;
  const client = await connect(`ws://127.0.0.1:${server.address().port}/`);
  const [serverSide] = await accepted;
  const errors: string[] = [];
  client.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? ''));
  const frames: number[] = [];
  client.on('frame', (frame: { direction: string; opcode: number }) => frame.direction === 'in' && frames.push(frame.opcode));
  // Not events.once: it rejects on the 'error' that comes first.
  const closing = new Promise<[number]>((resolve) => client.on('close', (code: number) => resolve([code])));
  serverSide.terminate({ reset: true });
  const [code] = await closing;
  assert.equal(code, 1006);
  assert.deepEqual(errors, ['ECONNRESET']);
  assert.deepEqual(frames, []);
  await server.close();
});
