/**
 * Failures as one readable line with a hint, against real servers: a key that does not match
 * its certificate, wss:// to servers that do not speak TLS, ws:// to servers that do, a redirect
 * without -L; and a password in the URL never printed.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type HandshakeRequest, type WebSocket } from '../../src/index.js';
import { FIXTURES, freePort, killAll, runCli, tempDir } from './helpers.js';

const dir = tempDir();
after(() => {
  killAll();
  dir.remove();
});

const tlsFiles = { cert: readFileSync(join(FIXTURES, 'cert.pem')), key: readFileSync(join(FIXTURES, 'key.pem')) };

async function listening<T extends Server>(server: T): Promise<{ server: T; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** stderr's lines, and that nothing in it looks like a stack trace. */
function oneLine(stderr: string): string {
  assert.doesNotMatch(stderr, /^\s+at |node:internal|internal error/m, stderr);
  return stderr.trimEnd();
}

describe('certificate and key', { timeout: 120_000 }, () => {
  const otherKey = join(dir.path, 'other-key.pem');
  writeFileSync(otherKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const cert = join(FIXTURES, 'cert.pem');

  for (const args of [
    ['listen', '0', '--host', '127.0.0.1'],
    ['-l', '0', '--host', '127.0.0.1'],
    ['connect', 'wss://127.0.0.1:9/'],
    ['-c', 'wss://127.0.0.1:9/'],
  ]) {
    test(`${args[0]}: --key that does not match --cert is one line and exit code 2`, async () => {
      const result = await runCli([...args, '--cert', cert, '--key', otherKey], '');
      const [first, ...rest] = oneLine(result.stderr).split('\n');
      assert.equal(first, 'error: --key does not match --cert');
      assert.equal(rest.length, 1, 'then only the usage hint');
      assert.match(rest[0]!, /^\(run 'wscope( \w+)? --help' for usage\)$/);
      assert.equal(result.code, 2);
    });
  }

  test('a --key that is not a key: one line, exit code 2', async () => {
    const result = await runCli(['listen', '0', '--cert', cert, '--key', cert], '');
    assert.match(oneLine(result.stderr).split('\n')[0]!, /^error: --cert and --key are not a certificate and its private key in PEM: /);
    assert.equal(result.code, 2);
  });
});

describe('TLS and ws/wss mix-ups, redirects', { timeout: 120_000 }, () => {
  test('wss:// to a plain HTTP server (it answers our ClientHello with a 400): does not speak TLS, try ws://; exit code 5', async () => {
    const { server, port } = await listening(createHttpServer((_req, res) => res.end('plain')));
    try {
      const result = await runCli(['-c', `wss://127.0.0.1:${port}/`], '');
      assert.equal(oneLine(result.stderr), `error: TLS error connecting to wss://127.0.0.1:${port}/: the server does not speak TLS (try ws://)`);
      assert.equal(result.code, 5);
    } finally {
      server.close();
    }
  });

  test('wss:// to a plain server that hangs up on a ClientHello: asked in plain HTTP, it answers, so: try ws://', async () => {
    const { server, port } = await listening(
      createNetServer((socket) => {
        socket.on('error', () => {});
        socket.once('data', (chunk: Buffer) => {
          // 0x16: a TLS handshake record. A plain server that just drops it.
          if (chunk[0] === 0x16) socket.resetAndDestroy();
          else socket.end('HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n');
        });
      }),
    );
    try {
      const result = await runCli(['connect', `wss://127.0.0.1:${port}/`], '');
      assert.equal(oneLine(result.stderr), `error: TLS error connecting to wss://127.0.0.1:${port}/: the server does not speak TLS (try ws://)`);
      assert.equal(result.code, 5);
    } finally {
      server.close();
    }
  });

  test('ws:// to TLS servers (ours and node:https): the server speaks TLS, try wss://; exit code 4', async () => {
    const ours = new WebSocketServer({ port: 0, host: '127.0.0.1', tls: tlsFiles });
    await ours.ready();
    const https = await listening(createHttpsServer(tlsFiles, (_req, res) => res.end('hi')));
    try {
      for (const port of [ours.address().port, https.port]) {
        const result = await runCli(['-c', `ws://127.0.0.1:${port}/`], '');
        assert.equal(oneLine(result.stderr), `error: handshake with ws://127.0.0.1:${port}/ failed: the server speaks TLS (try wss://)`);
        assert.equal(result.code, 4);
      }
    } finally {
      await ours.close();
      https.server.close();
    }
  });

  test('a server that closes without TLS on either side gets no wrong hint', async () => {
    const { server, port } = await listening(createNetServer((socket) => socket.destroy()));
    try {
      const result = await runCli(['-c', `ws://127.0.0.1:${port}/`], '');
      assert.doesNotMatch(result.stderr, /try wss?:\/\//);
      // The hang-up meets the request being written (ECONNRESET: 3) or the wait for the answer (4).
      assert.ok(result.code === 3 || result.code === 4, `exit code ${result.code}`);
    } finally {
      server.close();
    }
  });

  for (const status of [301, 302]) {
    test(`a ${status} without -L: the status, where it points, and -L`, async () => {
      const target = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await target.ready();
      const to = `ws://127.0.0.1:${target.address().port}/new`;
      const { server, port } = await listening(
        createHttpServer((_req: IncomingMessage, res: ServerResponse) => {
          res.writeHead(status, { Location: to });
          res.end();
        }),
      );
      try {
        const result = await runCli(['connect', `ws://127.0.0.1:${port}/old`], '');
        assert.equal(
          oneLine(result.stderr),
          `error: handshake with ws://127.0.0.1:${port}/old failed (HTTP ${status}): the server redirects to ${to}; follow it with -L`,
        );
        assert.equal(result.code, 4);
        const followed = await runCli(['connect', `ws://127.0.0.1:${port}/old`, '-L'], '');
        assert.match(followed.stderr, /connected to ws:\/\/127\.0\.0\.1:\d+\/new/);
      } finally {
        server.close();
        await target.close();
      }
    });
  }
});

describe('credentials in URLs', { timeout: 120_000 }, () => {
  test('the password is sent (Basic auth) but never printed: ws://user:***@host/', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    const auth: string[] = [];
    server.on('connection', (socket: WebSocket, request: HandshakeRequest) => {
      auth.push(request.headers['authorization'] ?? '');
      socket.close(4001, 'bye');
    });
    try {
      const port = server.address().port;
      const result = await runCli(['-c', `ws://ada:s3cr3t@127.0.0.1:${port}/x`], '');
      assert.deepEqual(auth, [`Basic ${Buffer.from('ada:s3cr3t').toString('base64')}`]);
      assert.match(result.stderr, new RegExp(`^connected to ws://ada:\\*\\*\\*@127\\.0\\.0\\.1:${port}/x`));
      assert.doesNotMatch(result.stderr + result.stdout, /s3cr3t/);
      const refused = await runCli(['connect', `ws://ada:s3cr3t@127.0.0.1:${await freePort()}/`], '');
      assert.match(refused.stderr, /^error: could not connect to ws:\/\/ada:\*\*\*@127\.0\.0\.1:\d+\/: /);
      assert.doesNotMatch(refused.stderr, /s3cr3t/);
      const bad = await runCli(['connect', 'ws://ada:s3cr3t@[nope/'], '');
      assert.equal(bad.code, 2);
      assert.doesNotMatch(bad.stderr, /s3cr3t/);
    } finally {
      await server.close();
    }
  });
});
