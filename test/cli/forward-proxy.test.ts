/**
 * `wscope proxy --listen PORT` without --target, run as a person runs it, with real clients
 * pointed at it: the frames they exchange with their servers appear in its output and arrive
 * intact; plain HTTP is forwarded; wss:// is tunnelled blind (bytes counted) or, with --mitm,
 * decrypted with a CA the proxy made and printed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, type ClientRequestArgs, createServer, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import WsWebSocket from 'ws';
import { WebSocket } from '../../src/index.js';
import { echoServer, messages, selfSigned } from '../node/helpers.js';
import { CliProcess, freePort, killAll, runCli, tempDir } from './helpers.js';

/** An http.Agent that opens each connection through a CONNECT tunnel: how the ws package goes through an HTTP proxy. */
class TunnelAgent extends Agent {
  constructor(private readonly proxyPort: number) {
    super();
  }
  override createConnection(options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): undefined {
    const authority = `${options.host}:${options.port}`;
    const req = request({ host: '127.0.0.1', port: this.proxyPort, method: 'CONNECT', path: authority });
    req.on('connect', (res, socket: Socket) => {
      if (res.statusCode === 200) callback?.(null, socket);
      else callback?.(new Error(`CONNECT ${res.statusCode}`), socket);
    });
    req.on('error', (error) => callback?.(error, req.socket as Socket));
    req.end();
    return undefined;
  }
}

/** The proxy started by the CLI, once it says where it listens. */
async function startProxy(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ cli: CliProcess; port: number; url: string }> {
  const port = await freePort();
  const cli = new CliProcess(['proxy', '--listen', String(port), ...args], env);
  // 15 s: the first --mitm start makes an RSA key, slow on a loaded machine.
  await cli.waitFor('stderr', /forward proxy listening on http:\/\/127\.0\.0\.1:\d+/, 15_000);
  return { cli, port, url: `http://127.0.0.1:${port}` };
}

/** Raw bytes to the proxy, and all it answers until it closes (the requests say Connection: close, or are refused). */
async function rawExchange(port: number, bytes: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  // Not end(): Node's HTTP server drops a request whose client half-closes before the answer.
  socket.write(bytes);
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  await once(socket, 'close');
  return answer;
}

describe('wscope proxy --listen PORT (forward proxy)', () => {
  const dir = tempDir();
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let echoPort = 0;
  before(async () => {
    echo = await echoServer();
    echoPort = echo.server.address().port;
  });
  afterEach(() => killAll());
  after(async () => {
    await echo.server.close();
    dir.remove();
  });

  it('shows the frames of a ws client going through it with CONNECT, and relays them byte for byte', async () => {
    const { cli, port } = await startProxy();
    const socket = new WsWebSocket(`ws://127.0.0.1:${echoPort}/chat?room=1`, { agent: new TunnelAgent(port) });
    await once(socket, 'open');
    const binary = randomBytes(300);
    const replies: Array<[Buffer, boolean]> = [];
    socket.on('message', (data: Buffer, isBinary: boolean) => replies.push([data, isBinary]));
    socket.send('hello through the proxy ✓');
    socket.send(binary);
    await cli.waitFor('stdout', /server → client \[binary 300 B\]/);
    assert.deepEqual(replies, [
      [Buffer.from('hello through the proxy ✓'), false],
      [binary, true],
    ]);
    socket.close(4001, 'done here');
    const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
    assert.deepEqual([code, reason.toString()], [4001, 'done here']);
    await cli.waitFor('stderr', /#1 .*4001/);
    assert.match(cli.stderr, /#1 opened 127\.0\.0\.1:\d+ → ws:\/\/127\.0\.0\.1:\d+\/chat\?room=1/);
    // A line may end with what permessage-deflate made of the message, as connect mode shows it.
    assert.match(cli.stdout, /< #1 client → server hello through the proxy ✓( |\n)/);
    assert.match(cli.stdout, /< #1 server → client hello through the proxy ✓( |\n)/);
  });

  it('applies the fault flags to the WebSockets it relays, as the reverse proxy does: --close-after 2 closes both ends with the chosen code', async () => {
    const { cli, port } = await startProxy(['--close-after', '2', '--close-code', '4000', '--close-reason', 'fault']);
    const socket = new WsWebSocket(`ws://127.0.0.1:${echoPort}/`, { agent: new TunnelAgent(port) });
    await once(socket, 'open');
    const replies: string[] = [];
    socket.on('message', (data: Buffer) => replies.push(data.toString()));
    socket.send('one');
    const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
    // The message and its echo are the two; then the fault closes the client's leg with its code.
    assert.deepEqual([code, reason.toString(), replies], [4000, 'fault', ['one']]);
    await cli.waitFor('stderr', /#1 .*close-after/);
  });

  it('forwards a plain HTTP request untouched and says so; a malformed request gets 400 and an unknown host 502, the proxy still serving', async () => {
    const origin = createServer((req, res) =>
      res.writeHead(203, 'Odd But Fine', ['X-Mixed-Case', req.url ?? '', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']).end('body ✓'),
    );
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const originPort = (origin.address() as { port: number }).port;
    try {
      const { cli, port } = await startProxy();
      const answer = await rawExchange(
        port,
        `GET http://127.0.0.1:${originPort}/page?q=1 HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\nConnection: close\r\n\r\n`,
      );
      assert.match(answer, /^HTTP\/1\.1 203 Odd But Fine\r\n/);
      assert.match(answer, /\r\nX-Mixed-Case: \/page\?q=1\r\n/);
      assert.match(answer, /\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n/);
      // The origin's body was chunked on the wire; so is ours.
      assert.match(answer, /\r\nTransfer-Encoding: chunked\r\n/);
      assert.ok(answer.endsWith(`\r\n8\r\n${Buffer.from('body ✓').toString('latin1')}\r\n0\r\n\r\n`), JSON.stringify(answer));
      await cli.waitFor('stderr', new RegExp(`http GET http://127\\.0\\.0\\.1:${originPort}/page\\?q=1 → 203`));

      assert.match(await rawExchange(port, 'GET http://127.0.0.1/ HTTP/1.1\r\nno colon here\r\n\r\n'), /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(
        await rawExchange(port, 'GET http://no-such-host.invalid/ HTTP/1.1\r\nHost: no-such-host.invalid\r\n\r\n'),
        /^HTTP\/1\.1 502 Bad Gateway\r\n[\s\S]*unknown host/,
      );
      assert.match(await rawExchange(port, 'CONNECT no-such-host.invalid:443 HTTP/1.1\r\n\r\n'), /^HTTP\/1\.1 502 Bad Gateway\r\n/);
      await cli.waitFor('stderr', /refused .* with 400: malformed request/);
      await cli.waitFor('stderr', /refused http:\/\/no-such-host\.invalid\/ with 502/);
      const again = await rawExchange(port, `GET http://127.0.0.1:${originPort}/again HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.match(again, /^HTTP\/1\.1 203 /);
      assert.equal(cli.child.exitCode, null, 'still running');
    } finally {
      origin.close();
    }
  });

  it('tunnels wss:// blind without --mitm: traffic intact, the bytes counted when the tunnel closes', async () => {
    const cert = selfSigned(dir.path, 'blind', 'IP:127.0.0.1');
    const secure = await echoServer({ tls: cert });
    try {
      const { cli, url } = await startProxy();
      const socket = new WebSocket(`wss://127.0.0.1:${secure.server.address().port}/hidden`, { proxy: url, ca: cert.cert });
      await once(socket, 'open');
      const payload = randomBytes(20_000);
      const reply = messages(socket, 1);
      socket.send(payload);
      assert.deepEqual((await reply)[0], [payload, true]);
      socket.close();
      await once(socket, 'close');
      const [, sent, received] = await cli.waitFor(
        'stderr',
        /tunnel 127\.0\.0\.1:\d+ closed \(TLS, not intercepted\): ([\d.]+) KiB client → server, ([\d.]+) KiB server → client/,
      );
      assert.ok(Number(sent) >= 19.5 && Number(received) >= 19.5, `${sent} / ${received} KiB`);
      assert.doesNotMatch(cli.stdout, /client → server/, 'nothing shown in clear');
    } finally {
      await secure.server.close();
    }
  });

  it('--mitm: makes its CA in --ca-dir and prints how to trust it; a client trusting it has its wss:// frames shown in clear', async () => {
    const origin = selfSigned(dir.path, 'mitm-origin', 'DNS:localhost');
    writeFileSync(join(dir.path, 'origin-ca.pem'), origin.cert);
    const secure = await echoServer({ tls: origin });
    const caDir = join(dir.path, 'ca');
    try {
      const { cli, url } = await startProxy(['--mitm', '--ca-dir', caDir, '--ca', join(dir.path, 'origin-ca.pem')]);
      const caPath = join(caDir, 'wscope-ca.pem');
      await cli.waitFor('stderr', /--ignore-certificate-errors-spki-list=[A-Za-z0-9+/]{43}=/);
      assert.ok(cli.stderr.includes(`MITM CA created: ${caPath}`), cli.stderr);
      assert.ok(cli.stderr.includes(`NODE_EXTRA_CA_CERTS=${caPath}`));
      const socket = new WebSocket(`wss://localhost:${secure.server.address().port}/secret`, { proxy: url, ca: readFileSync(caPath) });
      await once(socket, 'open');
      const reply = messages(socket, 1);
      socket.send('seen in clear ✓');
      assert.deepEqual((await reply)[0], [Buffer.from('seen in clear ✓'), false]);
      await cli.waitFor('stdout', /< #1 server → client seen in clear ✓\n/);
      assert.match(cli.stdout, /< #1 client → server seen in clear ✓\n/);
      assert.match(cli.stderr, /#1 opened .* → wss:\/\/localhost:\d+\/secret/);
      socket.close();
      await once(socket, 'close');
      cli.kill();
      // The next start loads the same CA instead of making another.
      const next = await startProxy(['--mitm', '--ca-dir', caDir]);
      await next.cli.waitFor('stderr', /MITM CA loaded: /);
    } finally {
      await secure.server.close();
    }
  });

  it('refuses unusable CA files (exit 12) and --mitm with --target (exit 2), in one line each', async () => {
    const broken = join(dir.path, 'broken-ca');
    mkdirSync(broken);
    writeFileSync(join(broken, 'wscope-ca.pem'), 'not a certificate');
    writeFileSync(join(broken, 'wscope-ca-key.pem'), 'not a key');
    const bad = await runCli(['proxy', '--listen', '0', '--mitm', '--ca-dir', broken], undefined);
    assert.equal(bad.code, 12);
    assert.match(bad.stderr, /^error: the MITM CA in .* is unusable .*remove the directory to have a new one made\n$/);
    const usage = await runCli(['proxy', '--listen', '0', '--target', 'ws://127.0.0.1:1', '--mitm'], undefined);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--mitm and --ca-dir are for the forward proxy/);
  });
});
