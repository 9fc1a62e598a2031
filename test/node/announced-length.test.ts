/**
 * Memory follows the bytes that arrived, not the lengths a peer announces (issue 8): 150
 * connections each announcing a 100 MiB − 1 message and sending one byte of it must not make
 * the server reserve 15 GB. The server runs in a child process under an address-space limit
 * (`ulimit -v`, 3 GB), where reserving the announced lengths fails after ~20 connections
 * ("Array buffer allocation failed", which used to escape the 'data' handler and end the process).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect as netConnect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { constants } from 'node:buffer';
import { connect, WebSocket, WebSocketServer } from '../../src/index.js';
import { encodeFrame } from '../conformance/raw-peer.js';

const CONNECTIONS = 150;
const ANNOUNCED = 100 * 1024 * 1024 - 1;
const ADDRESS_SPACE_KB = 3_000_000;
const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'announced-length-server.js');

test(`${CONNECTIONS} connections announcing ${ANNOUNCED} B and sending 1 B each: the server survives and holds little`, { timeout: 30_000 }, async (t) => {
  const child = spawn('/bin/sh', ['-c', `ulimit -v ${ADDRESS_SPACE_KB} && exec "$0" --expose-gc "$1" --serve`, process.execPath, SERVER], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const read = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`the server exited (${await exited})`);
    return JSON.parse(line.value) as { port: number; connections: number; errors: number; arrayBuffers: number; rss: number };
  };
  const sockets: Socket[] = [];
  try {
    const { port } = await read();
    child.stdin!.write('\n');
    const before = await read();
    // Upgrade request, frame header and one payload byte in one write, from every connection.
    const frame = encodeFrame({ op: 0x2, data: Buffer.of(0x42), declaredLength: ANNOUNCED }, true);
    const request = Buffer.concat([
      Buffer.from(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
      frame,
    ]);
    const answered: Array<Promise<void>> = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = netConnect({ host: '127.0.0.1', port });
      sockets.push(socket);
      socket.on('error', () => undefined);
      answered.push(
        new Promise((resolve, reject) => {
          socket.once('data', (chunk: Buffer) => (chunk.toString('latin1').startsWith('HTTP/1.1 101') ? resolve() : reject(new Error(chunk.toString()))));
          socket.once('close', () => reject(new Error('closed before the 101')));
        }),
      );
      socket.write(request);
    }
    await Promise.all(answered);
    // Every byte written has been read once the server has seen every connection and a turn has passed.
    let after = before;
    for (let i = 0; i < 50 && after.connections < CONNECTIONS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      child.stdin!.write('\n');
      after = await read();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.stdin!.write('\n');
    after = await read();
    assert.equal(after.connections, CONNECTIONS);
    assert.equal(after.errors, 0, 'no connection failed');
    const held = after.arrayBuffers - before.arrayBuffers;
    t.diagnostic(`ArrayBuffers held: ${(held / 1024).toFixed(0)} KiB, rss ${(after.rss / 1024 / 1024).toFixed(0)} MiB`);
    assert.ok(held < 32 * 1024 * 1024, `the server holds ${(held / 1024 / 1024).toFixed(1)} MiB of ArrayBuffers for ${CONNECTIONS} bytes received`);
    assert.ok(
      sockets.every((socket) => !socket.destroyed),
      'every connection is still open, waiting for the rest of its message',
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    child.stdin!.end();
    await exited;
  }
});

test('a maxMessageSize no Buffer can hold is refused when the server or the client is made', { timeout: 5000 }, async () => {
  const tooBig = constants.MAX_LENGTH + 1;
  const refused = /maxMessageSize must be an integer from 0 to \d+ \(the largest Buffer\)/;
  assert.throws(() => new WebSocketServer({ maxMessageSize: tooBig }), RangeError);
  assert.throws(() => new WebSocketServer({ maxMessageSize: tooBig }), refused);
  assert.throws(() => new WebSocket('ws://127.0.0.1:1/', { maxMessageSize: tooBig }), refused);
  await assert.rejects(connect('ws://127.0.0.1:1/', { maxMessageSize: 2 ** 53 }), RangeError);
});
