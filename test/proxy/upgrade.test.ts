import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { WebSocket as WsClient } from 'ws';
import { connect, HandshakeError, WebSocketServer, type HandshakeRequest, type RefusedResponse, type WebSocket } from '../../src/index.js';
import { closed, selfSigned, type Certificate } from '../node/helpers.js';
import { freePort } from '../cli/helpers.js';
import { startProxy } from './helpers.js';

/** The opening handshake across the proxy: what the upstream is asked, what the client is answered. */

const stops: Array<() => Promise<void>> = [];
afterEach(
  async () => {
    for (const stop of stops.splice(0)) await stop();
  },
  { timeout: 5000 },
);

async function ourUpstream(
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
): Promise<{ url: string; requests: HandshakeRequest[]; sockets: WebSocket[] }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await server.ready();
  const requests: HandshakeRequest[] = [];
  const sockets: WebSocket[] = [];
  server.on('connection', (socket: WebSocket, request: HandshakeRequest) => {
    requests.push(request);
    sockets.push(socket);
  });
  stops.push(() => server.close());
  const scheme = options.tls ? 'wss' : 'ws';
  return { url: `${scheme}://127.0.0.1:${server.address().port}`, requests, sockets };
}

async function proxyTo(target: string, options: Parameters<typeof startProxy>[1] = {}) {
  const proxy = await startProxy(target, options);
  stops.push(() => proxy.close());
  return proxy;
}

function refusedResponse(error: unknown): RefusedResponse {
  assert.ok(error instanceof HandshakeError, `expected a HandshakeError, got ${String(error)}`);
  return (error as HandshakeError & { response: RefusedResponse }).response;
}

describe('proxy: the upstream request', () => {
  test("path, query, the client's headers and subprotocols go upstream; Host is the target's; hop-by-hop and per-leg fields do not", async () => {
    const upstream = await ourUpstream({ protocols: ['chat.v2'] });
    const proxy = await proxyTo(upstream.url);
    const client = new WsClient(`${proxy.url}/feed?room=7&x=%20y`, ['chat.v1', 'chat.v2'], {
      origin: 'https://app.example',
      headers: { Cookie: 'session=abc', Authorization: 'Bearer t0k3n', 'User-Agent': 'test-agent/1.0', 'Keep-Alive': 'timeout=5', 'X-Custom': 'kept' },
    });
    await once(client, 'open');
    assert.equal(client.protocol, 'chat.v2');
    const request = upstream.requests[0]!;
    assert.equal(request.url, '/feed?room=7&x=%20y');
    assert.equal(request.headers['host'], new URL(upstream.url).host);
    assert.equal(request.headers['origin'], 'https://app.example');
    assert.equal(request.headers['cookie'], 'session=abc');
    assert.equal(request.headers['authorization'], 'Bearer t0k3n');
    assert.equal(request.headers['user-agent'], 'test-agent/1.0');
    assert.equal(request.headers['x-custom'], 'kept');
    assert.equal(request.headers['keep-alive'], undefined);
    assert.deepEqual(request.protocols, ['chat.v1', 'chat.v2']);
    // Our own key, not the client's: each leg has its handshake.
    assert.equal(request.rawHeaders.filter(([name]) => name.toLowerCase() === 'sec-websocket-key').length, 1);
    const closing = once(client, 'close');
    client.close(1000);
    await closing;
  });

  test("the upstream's 101 headers of its own (Set-Cookie) reach the client", async () => {
    const upstream = await ourUpstream({ accept: () => ({ accept: true, headers: { 'Set-Cookie': 'seen=1; Path=/', 'X-Upstream': 'yes' } }) });
    const proxy = await proxyTo(upstream.url);
    const client = new WsClient(`${proxy.url}/`);
    const upgraded = once(client, 'upgrade');
    await once(client, 'open');
    const [response] = (await upgraded) as [IncomingMessage];
    assert.deepEqual(response.headers['set-cookie'], ['seen=1; Path=/']);
    assert.equal(response.headers['x-upstream'], 'yes');
    client.close(1000);
    await once(client, 'close');
  });
});

describe('proxy: a failed upstream handshake', () => {
  test("a refusal reaches the client with the upstream's status, headers and body", async () => {
    const upstream = await ourUpstream({ accept: () => ({ accept: false, status: 403, message: 'no token, no feed', headers: { 'X-Reason': 'token' } }) });
    const proxy = await proxyTo(upstream.url);
    const error = await connect(`${proxy.url}/feed`, { keepRefusedResponse: 4096 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const response = refusedResponse(error);
    assert.equal(response.status, 403);
    assert.equal(response.statusText, 'Forbidden');
    assert.ok(response.rawHeaders.some(([name, value]) => name.toLowerCase() === 'x-reason' && value === 'token'));
    assert.match(response.body.toString(), /no token, no feed/);
  });

  test('a chunked 401 body is passed on whole, with a length the client can read', async () => {
    const http = createServer();
    http.on('upgrade', (_request, socket) => {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="feed"\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n' +
          '7\r\n{"err":\r\n10\r\n"login required"\r\n1\r\n}\r\n0\r\n\r\n',
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => http.close(() => resolve())));
    const proxy = await proxyTo(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const client = new WsClient(`${proxy.url}/`);
    client.on('error', () => undefined);
    const [, response] = (await once(client, 'unexpected-response')) as [unknown, IncomingMessage];
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="feed"');
    assert.equal(response.headers['transfer-encoding'], undefined);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), '{"err":"login required"}');
    assert.equal(response.headers['content-length'], '24');
  });

  test('an upstream that refuses TCP: 502 Bad Gateway, saying why', async () => {
    const port = await freePort();
    const proxy = await proxyTo(`ws://127.0.0.1:${port}`);
    const error = await connect(`${proxy.url}/`, { keepRefusedResponse: 4096 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const response = refusedResponse(error);
    assert.equal(response.status, 502);
    assert.match(response.body.toString(), /ECONNREFUSED/);
  });
});

describe('proxy: the upstream speaks first', () => {
  test('a frame in the same TCP write as the 101 reaches the client', async () => {
    const raw = createNetServer((socket) => {
      socket.once('data', (chunk) => {
        const key = /sec-websocket-key: *(.+)\r\n/i.exec(chunk.toString('latin1'))![1]!.trim();
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        const greeting = Buffer.from('welcome');
        socket.write(
          Buffer.concat([
            Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`),
            Buffer.from([0x81, greeting.length]),
            greeting,
          ]),
        );
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    stops.push(async () => {
      raw.close();
    });
    const proxy = await proxyTo(`ws://127.0.0.1:${(raw.address() as AddressInfo).port}`);
    const client = new WsClient(`${proxy.url}/`);
    const [data] = (await once(client, 'message')) as [Buffer];
    assert.equal(data.toString(), 'welcome');
    client.terminate();
  });
});

describe('proxy: TLS on either leg', () => {
  let dir: string;
  let cert: Certificate;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wscope-proxy-tls-'));
    cert = selfSigned(dir, 'proxy', 'IP:127.0.0.1');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [client, target] of [
    ['wss', 'ws'],
    ['ws', 'wss'],
    ['wss', 'wss'],
  ] as const) {
    test(`a ${client}:// client to a ${target}:// target`, { timeout: 5000 }, async () => {
      const upstream = await ourUpstream(target === 'wss' ? { tls: { cert: cert.cert, key: cert.key } } : {});
      const proxy = await proxyTo(upstream.url, {
        ...(client === 'wss' && { tls: { cert: cert.cert, key: cert.key } }),
        upstream: { ca: cert.cert },
      });
      assert.ok(proxy.url.startsWith(`${client}://`));
      const socket = await connect(`${proxy.url}/secure`, { ca: cert.cert });
      const server = upstream.sockets[0]!;
      const echoed = once(server, 'message');
      server.on('message', (data: Buffer) => server.send(data));
      const reply = once(socket, 'message');
      socket.send('over TLS ✓');
      assert.equal(((await echoed) as [Buffer])[0].toString(), 'over TLS ✓');
      assert.equal(((await reply) as [Buffer])[0].toString(), 'over TLS ✓');
      socket.close(1000);
      await closed(socket);
    });
  }

  test('a wss:// target whose certificate is not trusted: 502, and the reason', async () => {
    const upstream = await ourUpstream({ tls: { cert: cert.cert, key: cert.key } });
    const proxy = await proxyTo(upstream.url);
    const error = await connect(`${proxy.url}/`, { keepRefusedResponse: 4096 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const response = refusedResponse(error);
    assert.equal(response.status, 502);
    assert.match(response.body.toString(), /certificate/);
  });
});
