/**
 * WebSocketServers attached to an http.Server: close() gives the server's upgrades back, several
 * with different paths share one http.Server, and a path nobody serves is still answered.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { WebSocketServer, connect, HandshakeError, type WebSocket } from '../../src/index.js';
import { httpExchange, upgradeRequest } from '../conformance/raw-peer.js';

const T = { timeout: 10_000 };

/** A WebSocketServer on `http` that answers every message with `tag: message`. */
function taggedServer(http: HttpServer, tag: string, path?: string): WebSocketServer {
  const wss = new WebSocketServer({ server: http, ...(path !== undefined && { path }) });
  wss.on('connection', (ws: WebSocket) => ws.on('message', (data: Buffer) => ws.send(`${tag}: ${data}`)));
  return wss;
}

/** Open `url`, send one message, return the reply and close. */
async function ask(url: string, text = 'hi'): Promise<string> {
  const ws = await connect(url);
  ws.send(text);
  const [reply] = (await once(ws, 'message')) as [Buffer];
  ws.close(1000);
  await once(ws, 'close');
  return reply.toString();
}

async function refusal(url: string): Promise<{ status: number; message: string; elapsed: number }> {
  const started = performance.now();
  const error = await connect(url).then(
    (ws) => {
      ws.terminate();
      return assert.fail(`${url} opened`);
    },
    (e: unknown) => e,
  );
  assert.ok(error instanceof HandshakeError, `expected a HandshakeError, got ${String(error)}`);
  return { status: error.status, message: error.message, elapsed: performance.now() - started };
}

describe('WebSocketServers attached to an http.Server', () => {
  let http: HttpServer;
  let base: string;
  const servers: WebSocketServer[] = [];

  beforeEach(async () => {
    // Plain requests, and upgrades no listener takes (Node then emits 'request'), get a 426.
    http = createHttpServer((_req, res) => res.writeHead(426, { Connection: 'close' }).end('plain http handler\n'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  const attach = (tag: string, path?: string) => {
    const wss = taggedServer(http, tag, path);
    servers.push(wss);
    return wss;
  };

  test('close() removes its upgrade listener: the http.Server no longer answers 503 forever', T, async () => {
    const first = attach('first', '/ws');
    assert.equal(await ask(`${base}/ws`), 'first: hi');
    await first.close();
    assert.equal(http.listenerCount('upgrade'), 0);
    // The http.Server is the application's again: its own handler answers.
    const reply = await httpExchange((http.address() as AddressInfo).port, upgradeRequest({ path: '/ws' }));
    assert.equal(reply.status, 426);
    assert.match(reply.body, /plain http handler/);
    // And a new WebSocketServer on it serves.
    attach('second', '/ws');
    assert.equal(await ask(`${base}/ws`), 'second: hi');
  });

  test('close() twice, or closing one of two, leaves the other attached', T, async () => {
    const a = attach('a', '/a');
    attach('b', '/b');
    await a.close();
    await a.close();
    assert.equal(http.listenerCount('upgrade'), 1);
    assert.equal(await ask(`${base}/b`), 'b: hi');
    assert.equal((await refusal(`${base}/a`)).status, 404);
  });

  test('two servers with different paths: each serves its own, neither answers 404 for the other', T, async () => {
    const rejected: string[] = [];
    for (const wss of [attach('chat', '/chat'), attach('feed', '/feed')]) wss.on('rejected', (error: { code: string }) => rejected.push(error.code));
    assert.equal(await ask(`${base}/feed`), 'feed: hi');
    assert.equal(await ask(`${base}/chat?room=1`), 'chat: hi');
    assert.equal(await ask(`${base}/feed`, 'again'), 'feed: again');
    assert.deepEqual(rejected, []);
  });

  test('a path no server claims is answered 404 at once, so the client never hangs', T, async () => {
    attach('chat', '/chat');
    attach('feed', '/feed');
    const { status, message, elapsed } = await refusal(`${base}/nowhere`);
    assert.equal(status, 404);
    assert.match(message, /404/);
    assert.ok(elapsed < 2000, `answered after ${Math.round(elapsed)} ms`);
  });

  test('a server without a path takes what the others do not claim, whatever the order they were attached in', T, async () => {
    attach('any');
    attach('chat', '/chat');
    assert.equal(await ask(`${base}/chat`), 'chat: hi');
    assert.equal(await ask(`${base}/elsewhere`), 'any: hi');
  });

  test("what no WebSocketServer claims is left to the application's own 'upgrade' listener, untouched", T, async () => {
    attach('chat', '/chat');
    http.on('upgrade', (req, socket) => {
      if (req.url === '/teapot') socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\nContent-Length: 6\r\n\r\nteapot');
    });
    const reply = await httpExchange((http.address() as AddressInfo).port, upgradeRequest({ path: '/teapot' }));
    assert.equal(reply.status, 418);
    assert.equal(reply.body, 'teapot', 'nothing of ours was written before or after');
    assert.equal(await ask(`${base}/chat`), 'chat: hi');
  });

  test('a client that resets while its refusal is being written does not crash the process', T, async () => {
    let refused!: () => void;
    const refusedNow = new Promise<void>((resolve) => {
      refused = resolve;
    });
    let hookDone!: () => void;
    const clientGone = new Promise<void>((resolve) => {
      hookDone = resolve;
    });
    const wss = new WebSocketServer({
      server: http,
      path: '/ws',
      accept: async () => {
        refused();
        await clientGone;
        return { accept: false, status: 403 };
      },
    });
    servers.push(wss);
    const rejected = once(wss, 'rejected');
    const socket = netConnect({ host: '127.0.0.1', port: (http.address() as AddressInfo).port });
    socket.on('error', () => {});
    socket.write(upgradeRequest({ path: '/ws' }));
    await refusedNow;
    socket.resetAndDestroy();
    await once(socket, 'close');
    // Let the RST arrive before the server writes its 403 into the dead connection.
    await new Promise((resolve) => setTimeout(resolve, 50));
    hookDone();
    await rejected;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await ask(`${base}/ws`).catch((e: unknown) => (e as HandshakeError).status), 403, 'the server still answers');
  });
});
