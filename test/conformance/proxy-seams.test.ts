/**
 * The seams of a tunnelled connection: HTTP CONNECT through a proxy, then (for wss://) TLS over
 * the tunnel, then the opening handshake, then frames. The server writes its 101 and its first
 * messages in ONE write, so they cross every reader change in the same reads; every byte and
 * the order are checked.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { connect } from '../../src/index.js';
import { acceptFor, encodeFrame, readHead } from './raw-peer.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'cli', 'fixtures');
const T = { timeout: 15_000 };

/** A 1 MiB binary message, then 200 text messages of ~1 KiB. */
const MESSAGES: Array<string | Buffer> = [
  Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7 + (i >> 11)) & 0xff)),
  ...Array.from({ length: 200 }, (_, i) => `message ${i}: ${'x'.repeat(1000 + (i % 37))}`),
];

/** Answers the handshake with its 101 and every message in one write. */
function onConnection(socket: Socket): void {
  socket.on('error', () => undefined);
  void readHead(socket).then(({ head }) => {
    const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
    const response = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`;
    const frames = MESSAGES.map((m) => encodeFrame(typeof m === 'string' ? { op: 0x1, data: m } : { op: 0x2, data: m }, false));
    socket.write(Buffer.concat([Buffer.from(response), ...frames]));
    socket.resume();
  });
}

/** A CONNECT proxy that pipes bytes both ways. */
function startProxy(): Promise<HttpServer> {
  const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    client.on('error', () => undefined);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect({ host: host!, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(proxy)));
}

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('through an HTTP CONNECT proxy, the server speaks first in the 101’s write', () => {
  let proxy: HttpServer;
  let plain: Server;
  let secure: Server;
  before(async () => {
    proxy = await startProxy();
    plain = createNetServer(onConnection);
    secure = createTlsServer({ key: readFileSync(join(FIXTURES, 'key.pem')), cert: readFileSync(join(FIXTURES, 'cert.pem')) }, onConnection);
    await Promise.all([listen(plain), listen(secure)]);
  });
  after(async () => {
    proxy.closeAllConnections();
    for (const server of [proxy, plain, secure]) await new Promise((resolve) => server.close(resolve));
  });

  for (const scheme of ['ws', 'wss'] as const) {
    test(`${scheme}://: every message, byte for byte, in order`, T, async () => {
      const port = (scheme === 'ws' ? plain : secure).address() as AddressInfo;
      const ws = await connect(`${scheme}://127.0.0.1:${port.port}/`, {
        proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        ca: readFileSync(join(FIXTURES, 'cert.pem')),
        perMessageDeflate: false,
      });
      const received: Array<string | Buffer> = [];
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          received.push(isBinary ? data : data.toString());
          if (received.length === MESSAGES.length) resolve();
        });
        ws.on('error', (error: Error) => reject(new Error(`${error.message} after ${received.length} messages`)));
        ws.on('close', (code: number, reason: string) => reject(new Error(`closed ${code} ${reason} after ${received.length} messages`)));
      });
      assert.equal(received.length, MESSAGES.length);
      received.forEach((message, i) => assert.deepEqual(message, MESSAGES[i], `message ${i}`));
      ws.terminate();
    });
  }
});
