/**
 * Client failures a user can act on, each with a stable code over real sockets: a wss:// URL to
 * a plain server, a ws:// URL to a TLS server, a redirect not followed. And the seam where an
 * HTTP CONNECT proxy's answer hands over to the next reader (TLS, or the opening handshake):
 * bytes that come in the same write as the proxy's 200 are not lost.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, connect, HandshakeError, RedirectError, type WebSocket } from '../../src/index.js';
import { acceptFor, encodeFrame, readHead } from '../conformance/raw-peer.js';
import { selfSigned } from './helpers.js';

const T = { timeout: 10_000 };

type Failure = Error & { code?: string; status?: number; location?: string; cause?: { code?: string } };

function failureOf(promise: Promise<WebSocket>): Promise<Failure> {
  return promise.then(
    (ws) => {
      ws.terminate();
      return assert.fail('expected the connection to fail');
    },
    (error: Failure) => error,
  );
}

/** A TCP server on a free loopback port whose connections are handed to `onSocket`. */
async function tcpServer(onSocket: (socket: Socket) => void): Promise<{ server: NetServer; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let dir: string;
let tls: { key: Buffer; cert: Buffer };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wscope-client-errors-'));
  tls = selfSigned(dir, 'server', 'IP:127.0.0.1');
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('a wss:// URL to a server that does not speak TLS', () => {
  test('our own plain WebSocketServer: WS_ERR_NOT_TLS at once, the TLS error as its cause', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    try {
      const started = performance.now();
      const error = await failureOf(connect(`wss://127.0.0.1:${server.address().port}/`, { ca: tls.cert }));
      assert.equal(error.code, 'WS_ERR_NOT_TLS');
      assert.equal(error.message, 'the server does not speak TLS (try ws://)');
      assert.equal(error.cause?.code, 'ERR_SSL_WRONG_VERSION_NUMBER');
      assert.ok(performance.now() - started < 2000, 'not after a handshake timeout');
    } finally {
      await server.close();
    }
  });

  test("a plain http.Server (Node's parser answers the ClientHello with its 400)", T, async () => {
    const http = createHttpServer((_req, res) => res.end('plain'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const error = await failureOf(connect(`wss://127.0.0.1:${(http.address() as AddressInfo).port}/`));
      assert.equal(error.code, 'WS_ERR_NOT_TLS');
    } finally {
      http.close();
    }
  });
});

describe('a ws:// URL to a server that speaks TLS', () => {
  // Servers built on OpenSSL and others answer a plain request with a TLS alert record.
  const ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]);
  for (const [name, answer] of [
    ['a TLS alert record', ALERT],
    ['a TLS handshake record', Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00])],
  ] as const) {
    test(`the answer is ${name}: WS_ERR_TLS_SERVER, whatever the split`, T, async () => {
      for (const split of [answer.length, 1]) {
        const raw = await tcpServer((socket) => {
          socket.once('data', () => {
            socket.write(answer.subarray(0, split));
            if (split < answer.length) setTimeout(() => socket.end(answer.subarray(split)), 20);
            else socket.end();
          });
        });
        try {
          const error = await failureOf(connect(`ws://127.0.0.1:${raw.port}/`));
          assert.equal(error.code, 'WS_ERR_TLS_SERVER');
          assert.equal(error.message, 'the server speaks TLS (try wss://)');
        } finally {
          await raw.close();
        }
      }
    });
  }
});

describe('a ws:// URL to a Node TLS server (ours included), which answers a plain request with nothing', () => {
  test('fails at once with WS_ERR_HANDSHAKE_CLOSED: no byte says TLS, so only a probe can tell (the CLI makes one)', T, async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', tls });
    await server.ready();
    try {
      const started = performance.now();
      const error = await failureOf(connect(`ws://127.0.0.1:${server.address().port}/`));
      assert.equal(error.code, 'WS_ERR_HANDSHAKE_CLOSED');
      assert.ok(performance.now() - started < 2000, 'not after a handshake timeout');
    } finally {
      await server.close();
    }
  });
});

describe('a redirect without followRedirects', () => {
  for (const status of [301, 302, 307, 308]) {
    test(`${status}: a RedirectError (a HandshakeError) with the status and the Location resolved against the URL`, T, async () => {
      const raw = await tcpServer((socket) => {
        socket.once('data', () => socket.end(`HTTP/1.1 ${status} Moved\r\nLocation: /elsewhere?x=1\r\nContent-Length: 0\r\n\r\n`));
      });
      try {
        const error = await failureOf(connect(`ws://127.0.0.1:${raw.port}/start`));
        assert.ok(error instanceof RedirectError);
        assert.ok(error instanceof HandshakeError);
        assert.equal(error.name, 'HandshakeError');
        assert.equal(error.code, 'WS_ERR_REDIRECT');
        assert.equal(error.status, status);
        assert.equal(error.location, `ws://127.0.0.1:${raw.port}/elsewhere?x=1`);
        assert.equal(error.message, `the server redirects to ws://127.0.0.1:${raw.port}/elsewhere?x=1 (${status} Moved)`);
      } finally {
        await raw.close();
      }
    });
  }

  test('an https: Location becomes the wss: URL to try', T, async () => {
    const raw = await tcpServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.org/ws\r\nContent-Length: 0\r\n\r\n'));
    });
    try {
      const error = await failureOf(connect(`ws://127.0.0.1:${raw.port}/`));
      assert.equal(error.location, 'wss://example.org/ws');
    } finally {
      await raw.close();
    }
  });
});

describe('the HTTP CONNECT proxy seam', () => {
  const KEY_BYTES = Buffer.from('0123456789abcdef');
  const KEY = KEY_BYTES.toString('base64');

  test('the proxy answer, the 101 and the first frame in ONE write: the frame is delivered', T, async () => {
    // A proxy that answers for the target at once: it knows the key (injected randomness).
    const frames = Buffer.concat([encodeFrame({ op: 0x1, data: 'first' }, false), encodeFrame({ op: 0x2, data: Buffer.alloc(3000, 7) }, false)]);
    const proxy = await tcpServer((socket) => {
      void readHead(socket).then(() => {
        const answer = Buffer.concat([
          Buffer.from('HTTP/1.1 200 Connection established\r\n\r\n'),
          Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(KEY)}\r\n\r\n`),
          frames,
        ]);
        socket.write(answer);
        socket.resume();
      });
    });
    try {
      const ws = await connect('ws://192.0.2.1:9/', { proxy: `http://127.0.0.1:${proxy.port}`, randomBytes: () => KEY_BYTES });
      const got: Array<[string, number]> = [];
      await new Promise<void>((resolve) => {
        ws.on('message', (data: Buffer) => {
          got.push([data.subarray(0, 5).toString(), data.length]);
          if (got.length === 2) resolve();
        });
        // Already delivered before a listener could be added: nothing may have been dropped either.
        setTimeout(resolve, 1000);
      });
      assert.deepEqual(got, [
        ['first', 5],
        ['\x07\x07\x07\x07\x07', 3000],
      ]);
      ws.terminate();
    } finally {
      await proxy.close();
    }
  });

  test("the proxy's 200 and the first TLS bytes in ONE write: they reach TLS (a fatal alert there fails the handshake)", T, async () => {
    const target = new WebSocketServer({ port: 0, host: '127.0.0.1', tls });
    target.on('connection', (ws: WebSocket) => ws.on('message', (data: Buffer) => ws.send(data)));
    await target.ready();
    // 200 and a fatal handshake_failure alert together, then an honest tunnel to the target:
    // had the alert been lost, the TLS handshake would go through.
    const ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    const proxy = await tcpServer((socket) => {
      void readHead(socket).then(({ rest }) => {
        const upstream = netConnect({ host: '127.0.0.1', port: target.address().port });
        upstream.on('error', () => socket.destroy());
        if (rest.length > 0) upstream.write(rest);
        socket.write(Buffer.concat([Buffer.from('HTTP/1.1 200 Connection established\r\n\r\n'), ALERT]));
        socket.pipe(upstream).pipe(socket);
        socket.resume();
      });
    });
    try {
      const error = await failureOf(connect(`wss://127.0.0.1:${target.address().port}/`, { ca: tls.cert, proxy: `http://127.0.0.1:${proxy.port}` }));
      assert.match(error.code ?? '', /ALERT_HANDSHAKE_FAILURE/);
    } finally {
      await proxy.close();
      await target.close();
    }
  });

  test('a plain tunnel to the TLS target works (the control for the test above)', T, async () => {
    const target = new WebSocketServer({ port: 0, host: '127.0.0.1', tls });
    target.on('connection', (ws: WebSocket) => ws.on('message', (data: Buffer) => ws.send(data)));
    await target.ready();
    const proxy = await tcpServer((socket) => {
      void readHead(socket).then(() => {
        const upstream = netConnect({ host: '127.0.0.1', port: target.address().port });
        upstream.on('error', () => socket.destroy());
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
        socket.pipe(upstream).pipe(socket);
        socket.resume();
      });
    });
    try {
      const ws = await connect(`wss://127.0.0.1:${target.address().port}/`, { ca: tls.cert, proxy: `http://127.0.0.1:${proxy.port}` });
      ws.send('through');
      const [reply] = (await once(ws, 'message')) as [Buffer];
      assert.equal(reply.toString(), 'through');
      ws.terminate();
    } finally {
      await proxy.close();
      await target.close();
    }
  });
});
