/**
 * Handshake, our client's transport: redirects (opt-in and bounded), an HTTP CONNECT proxy, and
 * wss with a self-signed certificate (refused by default, accepted with its `ca`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, connect, HandshakeError, type WebSocket } from '../../src/index.js';
import { selfSigned, type Certificate } from '../node/helpers.js';
import { rawServer } from './raw-peer.js';

const T = { timeout: 10_000 };

async function echoServer(options: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<WebSocketServer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  server.on('connection', (ws: WebSocket) => ws.on('message', (data: Buffer, isBinary: boolean) => ws.send(data, { binary: isBinary })));
  await server.ready();
  return server;
}

async function roundTrip(ws: WebSocket, text: string): Promise<void> {
  const reply = new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString())));
  ws.send(text);
  assert.equal(await reply, text);
  ws.close(1000);
  await new Promise((resolve) => ws.once('close', resolve));
}

function rejection(promise: Promise<unknown>): Promise<{ code?: string; status?: number; message: string }> {
  return promise.then(
    () => assert.fail('expected the connection to fail'),
    (error: { code?: string; status?: number; message: string }) => error,
  );
}

describe('handshake: redirects', () => {
  let target: WebSocketServer;
  before(async () => {
    target = await echoServer();
  });
  after(() => target.close());

  const redirectTo =
    (location: string, status = 302) =>
    () =>
      `HTTP/1.1 ${status} Moved\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`;

  test('not followed by default: the 302 is the error, with its status', T, async () => {
    const raw = await rawServer({ respond: redirectTo(`ws://127.0.0.1:${target.address().port}/`) });
    try {
      const error = await rejection(connect(`ws://127.0.0.1:${raw.port}/`));
      assert.ok(error instanceof HandshakeError);
      assert.equal(error.status, 302);
      assert.equal(raw.requests.length, 1);
    } finally {
      await raw.close();
    }
  });

  for (const status of [301, 302, 303, 307, 308]) {
    test(`a ${status} is followed when opted in`, T, async () => {
      const raw = await rawServer({ respond: redirectTo(`ws://127.0.0.1:${target.address().port}/landed`, status) });
      try {
        const ws = await connect(`ws://127.0.0.1:${raw.port}/start`, { followRedirects: true });
        assert.equal(ws.url, `ws://127.0.0.1:${target.address().port}/landed`);
        await roundTrip(ws, `after ${status}`);
      } finally {
        await raw.close();
      }
    });
  }

  test('a relative Location and an http: Location are resolved', T, async () => {
    const hop2 = await rawServer({ respond: redirectTo(`http://127.0.0.1:${target.address().port}/final`) });
    const hop1 = await rawServer({ respond: redirectTo(`//127.0.0.1:${hop2.port}/second`) });
    try {
      const ws = await connect(`ws://127.0.0.1:${hop1.port}/first`, { followRedirects: true });
      assert.equal(ws.url, `ws://127.0.0.1:${target.address().port}/final`);
      assert.match(hop2.requests[0]!, /^GET \/second HTTP\/1\.1/);
      await roundTrip(ws, 'two hops');
    } finally {
      await hop1.close();
      await hop2.close();
    }
  });

  test('bounded: more than maxRedirects is an error, after exactly maxRedirects + 1 requests', T, async () => {
    const loop = await rawServer({ respond: (head) => redirectTo(`/again${head.length}`)() });
    try {
      const error = await rejection(connect(`ws://127.0.0.1:${loop.port}/`, { followRedirects: true, maxRedirects: 3 }));
      assert.equal(error.code, 'WS_ERR_TOO_MANY_REDIRECTS');
      assert.equal(error.status, 302);
      assert.equal(loop.requests.length, 4);
    } finally {
      await loop.close();
    }
  });

  test('bounded by default too: a redirect loop ends after 10 redirects', T, async () => {
    const loop = await rawServer({ respond: redirectTo('/loop') });
    try {
      const error = await rejection(connect(`ws://127.0.0.1:${loop.port}/loop`, { followRedirects: true }));
      assert.equal(error.code, 'WS_ERR_TOO_MANY_REDIRECTS');
      assert.equal(loop.requests.length, 11);
    } finally {
      await loop.close();
    }
  });
});

interface Proxy {
  port: number;
  connects: Array<{ target: string | undefined; auth: string | undefined }>;
  close(): Promise<void>;
}

/** A tiny HTTP CONNECT proxy: refuses the credentials bad:creds with 407, otherwise pipes bytes both ways. */
async function startProxy(): Promise<Proxy> {
  const connects: Proxy['connects'] = [];
  const tunnels = new Set<Socket>();
  const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    connects.push({ target: req.url, auth: req.headers['proxy-authorization'] });
    client.on('error', () => {});
    tunnels.add(client);
    if (req.headers['proxy-authorization'] === `Basic ${Buffer.from('bad:creds').toString('base64')}`) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect({ host: host!, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    tunnels.add(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    connects,
    close: async () => {
      for (const socket of tunnels) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe('handshake: HTTP CONNECT proxy', () => {
  let target: WebSocketServer;
  let proxy: Proxy;

  before(async () => {
    target = await echoServer();
    proxy = await startProxy();
  });

  after(async () => {
    await proxy.close();
    await target.close();
  });

  test('the client tunnels through the proxy and talks to the target', T, async () => {
    proxy.connects.length = 0;
    const ws = await connect(`ws://127.0.0.1:${target.address().port}/`, { proxy: `http://127.0.0.1:${proxy.port}` });
    assert.deepEqual(proxy.connects, [{ target: `127.0.0.1:${target.address().port}`, auth: undefined }]);
    await roundTrip(ws, 'through the tunnel');
  });

  test('proxy credentials in the URL become Proxy-Authorization', T, async () => {
    proxy.connects.length = 0;
    const ws = await connect(`ws://127.0.0.1:${target.address().port}/`, { proxy: `http://user:p%40ss@127.0.0.1:${proxy.port}` });
    assert.equal(proxy.connects[0]?.auth, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    await roundTrip(ws, 'with credentials');
  });

  test('a proxy refusing the tunnel is a HandshakeError with its status', T, async () => {
    const error = await rejection(connect(`ws://127.0.0.1:${target.address().port}/`, { proxy: `http://bad:creds@127.0.0.1:${proxy.port}` }));
    assert.equal(error.code, 'WS_ERR_PROXY_REFUSED');
    assert.equal(error.status, 407);
  });
});

// openssl makes the certificates; .ci/run installs it, so a missing openssl fails these tests
// rather than skipping them, and a lost TLS check cannot pass unnoticed.
describe('handshake: wss with a self-signed certificate', () => {
  let dir: string;
  /** Certified for IP:127.0.0.1 only, and for DNS:localhost only. */
  let byIp: Certificate;
  let byName: Certificate;
  let ipServer: WebSocketServer;
  let nameServer: WebSocketServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wscope-tls-'));
    byIp = selfSigned(dir, 'ip', 'IP:127.0.0.1');
    byName = selfSigned(dir, 'name', 'DNS:localhost');
    ipServer = await echoServer({ tls: byIp });
    nameServer = await echoServer({ tls: byName });
  });

  after(async () => {
    await ipServer?.close();
    await nameServer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('refused by default (rejectUnauthorized)', T, async () => {
    const error = await rejection(connect(`wss://127.0.0.1:${ipServer.address().port}/`));
    assert.equal(error.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('accepted with the certificate as `ca`, and messages flow', T, async () => {
    const ws = await connect(`wss://127.0.0.1:${ipServer.address().port}/`, { ca: byIp.cert });
    await roundTrip(ws, 'over TLS');
  });

  test('a certificate for a name, reached by that name', T, async () => {
    const ws = await connect(`wss://localhost:${nameServer.address().port}/`, { ca: byName.cert });
    await roundTrip(ws, 'by name');
  });

  test('an IP URL is verified against the IP: a certificate for localhost is refused at 127.0.0.1', T, async () => {
    const error = await rejection(connect(`wss://127.0.0.1:${nameServer.address().port}/`, { ca: byName.cert }));
    assert.equal(error.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  test('a servername the certificate does not hold is refused even with the ca', T, async () => {
    const error = await rejection(connect(`wss://localhost:${nameServer.address().port}/`, { ca: byName.cert, servername: 'example.org' }));
    assert.equal(error.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  test('rejectUnauthorized: false accepts it without a ca', T, async () => {
    const ws = await connect(`wss://127.0.0.1:${ipServer.address().port}/`, { rejectUnauthorized: false });
    await roundTrip(ws, 'unverified');
  });

  test('wss through the CONNECT proxy, verified against the target, not the proxy', T, async () => {
    const proxy = await startProxy();
    try {
      const ws = await connect(`wss://127.0.0.1:${ipServer.address().port}/`, { ca: byIp.cert, proxy: `http://127.0.0.1:${proxy.port}` });
      assert.deepEqual(
        proxy.connects.map((c) => c.target),
        [`127.0.0.1:${ipServer.address().port}`],
      );
      await roundTrip(ws, 'TLS in a tunnel');
      const error = await rejection(connect(`wss://127.0.0.1:${nameServer.address().port}/`, { ca: byName.cert, proxy: `http://localhost:${proxy.port}` }));
      assert.equal(error.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await proxy.close();
    }
  });
});
