import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { WebSocket as WsClient } from 'ws';
import { decodeJsonl, WebSocketServer, type HandshakeRequest, type WebSocket } from '../../src/index.js';
import { assertDevToolsMessages, readValidHar } from '../record/helpers.js';
import { CliProcess, freePort, killAll, runCli, tempDir } from './helpers.js';

/** `wscope proxy` as a user runs it: a process between a ws client and a server, its live view read from its output. */

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  killAll();
  for (const stop of stops.splice(0)) await stop();
});
after(killAll);

/** A server that greets first, echoes what it gets, and closes with 4002 on "bye". */
async function upstream(options: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<{ url: string; requests: HandshakeRequest[] }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await server.ready();
  const requests: HandshakeRequest[] = [];
  server.on('connection', (socket: WebSocket, request: HandshakeRequest) => {
    requests.push(request);
    socket.send('welcome');
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (data.toString() === 'bye') socket.close(4002, 'as you wish');
      else socket.send(data, { binary: isBinary });
    });
  });
  stops.push(() => server.close());
  return { url: `ws://127.0.0.1:${server.address().port}`, requests };
}

async function startCli(args: string[]): Promise<{ cli: CliProcess; url: string }> {
  const port = await freePort();
  const cli = new CliProcess(['proxy', '--listen', String(port), ...args]);
  await cli.waitFor('stderr', /proxying ws:\/\/127\.0\.0\.1:\d+\/ → /);
  return { cli, url: `ws://127.0.0.1:${port}` };
}

/** A ws client that sends `messages` once the greeting is in, then "bye"; resolves with what it received and the close. */
async function session(url: string, messages: Array<string | Buffer>): Promise<{ received: string[]; code: number; reason: string }> {
  // Uncompressed, so that each line is the message alone (compressed ones are tagged: [deflate 7 → 5 B]).
  const client = new WsClient(url, { perMessageDeflate: false });
  const received: string[] = [];
  client.on('message', (data: Buffer, isBinary: boolean) => {
    received.push(isBinary ? `[${data.toString('hex')}]` : data.toString());
    if (received.length === 1) {
      for (const message of messages) client.send(message);
      client.send('bye');
    }
  });
  const [code, reason] = (await once(client, 'close')) as [number, Buffer];
  return { received, code, reason: reason.toString() };
}

describe('wscope proxy --listen PORT --target URL', () => {
  test('the live view: the connection, each message with its direction, and the close with who closed', async () => {
    const target = await upstream();
    const { cli, url } = await startCli(['--target', target.url, '--binary-view', 'hex']);
    const result = await session(`${url}/feed?room=1`, ['hello', Buffer.from([0xbe, 0xef])]);
    assert.deepEqual(result, { received: ['welcome', 'hello', '[beef]'], code: 4002, reason: 'as you wish' });
    assert.equal(target.requests[0]!.url, '/feed?room=1');
    await cli.waitFor('stderr', /#1 closed 4002 Private Use: "as you wish" \(by the server\)/);
    assert.match(cli.stderr, new RegExp(`#1 opened 127\\.0\\.0\\.1:\\d+ → ${target.url}/feed\\?room=1`));
    const lines = cli.stdout.split('\n');
    for (const line of [
      '< #1 server → client welcome',
      '< #1 client → server hello',
      '< #1 server → client hello',
      '< #1 client → server [binary 2 B]',
      '< #1 client → server bye',
    ])
      assert.ok(lines.includes(line), `missing ${JSON.stringify(line)} in ${JSON.stringify(cli.stdout)}`);
    cli.child.kill('SIGINT');
    assert.equal((await cli.result()).code, 0);
  });

  test('--match shows only the messages that match', async () => {
    const target = await upstream();
    const { cli, url } = await startCli(['--target', target.url, '--match', '^ord']);
    await session(url, ['order 1', 'noise', 'order 2']);
    await cli.waitFor('stderr', /#1 closed 4002/);
    const messages = cli.stdout.split('\n').filter(Boolean);
    // Each direction in its order; the two directions interleave as the traffic did.
    assert.deepEqual(
      messages.filter((line) => line.includes('client → server')),
      ['< #1 client → server order 1', '< #1 client → server order 2'],
    );
    assert.deepEqual(
      messages.filter((line) => line.includes('server → client')),
      ['< #1 server → client order 1', '< #1 server → client order 2'],
    );
  });

  test('a refused upstream handshake: the client gets its status and body, the view says so', async () => {
    const target = await upstream({ accept: () => ({ accept: false, status: 401, message: 'who are you?' }) });
    const { cli, url } = await startCli(['--target', target.url]);
    const client = new WsClient(`${url}/private`);
    client.on('error', () => undefined);
    const [, response] = (await once(client, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage];
    assert.equal(response.statusCode, 401);
    let body = '';
    for await (const chunk of response) body += String(chunk);
    assert.match(body, /who are you\?/);
    await cli.waitFor('stderr', new RegExp(`#1 upstream failed ${target.url}/private: 401 Unauthorized`));
  });

  test('--jsonl: every event of both legs, each relayed one with its leg and its peer', async () => {
    const target = await upstream();
    const { cli, url } = await startCli(['--target', target.url, '--jsonl']);
    await session(url, ['hello']);
    await cli.waitFor('stdout', /"event":"close".*\n.*"event":"close"/s);
    const events = decodeJsonl(cli.stdout);
    const hello = events.filter((e) => e.event === 'message' && e.data === 'hello') as unknown as Array<Record<string, unknown>>;
    // In at the client leg, out at the upstream leg, in at the server... the server is in this test's process, not the proxy's.
    assert.deepEqual(
      hello.map((e) => [e['leg'], e['dir']]),
      [
        ['client', 'in'],
        ['upstream', 'out'],
        ['upstream', 'in'],
        ['client', 'out'],
      ],
    );
    const clientConn = hello[0]!['conn'];
    const upstreamConn = hello[1]!['conn'];
    assert.equal(hello[0]!['peer'], upstreamConn);
    assert.equal(hello[1]!['peer'], clientConn);
  });

  test('--record FILE.har holds the client leg, send being what the client sent; FILE.jsonl both legs', async () => {
    const dir = tempDir();
    stops.push(() => dir.remove());
    const target = await upstream();
    const har = join(dir.path, 'session.har');
    const jsonl = join(dir.path, 'session.jsonl');
    const { cli, url } = await startCli(['--target', target.url, '--record', har, '--record', jsonl]);
    await session(`${url}/feed`, ['hello']);
    await cli.waitFor('stderr', /#1 closed 4002/);
    cli.child.kill('SIGINT');
    assert.equal((await cli.result()).code, 0);
    const log = await readValidHar(har);
    assert.equal(log.log.entries.length, 1);
    const entry = log.log.entries[0]!;
    assertDevToolsMessages(entry);
    assert.match(entry.request.url, /\/feed$/);
    const texts = (type: string) => entry._webSocketMessages.filter((m) => m.opcode === 1 && m.type === type).map((m) => m.data);
    assert.deepEqual(texts('send'), ['hello', 'bye']);
    assert.deepEqual(texts('receive'), ['welcome', 'hello']);
    const events = decodeJsonl(readFileSync(jsonl, 'utf8'));
    const roles = new Set(events.filter((e) => e.event === 'handshake').map((e) => (e as { role: string }).role));
    assert.deepEqual([...roles].sort(), ['client', 'server']);
  });

  test('bad flags: one line and exit code 2; a port in use: exit code 9', async () => {
    const bad = await runCli(['proxy', '--listen', '0', '--target', 'ftp://example'], undefined);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --target must be a ws:\/\/ or wss:\/\/ URL/);
    const noKey = await runCli(['proxy', '--listen', '0', '--target', 'ws://127.0.0.1:1', '--cert', 'x.pem'], undefined);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /needs both --cert and --key/);
    const target = await upstream();
    const { url } = await startCli(['--target', target.url]);
    const busy = await runCli(['proxy', '--listen', new URL(url).port, '--target', target.url], undefined);
    assert.equal(busy.code, 9);
    assert.match(busy.stderr, /cannot listen on port \d+: .*EADDRINUSE/);
  });
});
