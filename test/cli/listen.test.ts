/**
 * Listen mode with several clients at once (ws clients as the peers): IDs, --echo, --broadcast,
 * lines to all and /to one, --path, TLS, --max-payload, and a clean stop.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocket as WsClient } from 'ws';
import { CliProcess, eventually, FIXTURES, killAll } from './helpers.js';

interface Client {
  ws: WsClient;
  messages: string[];
  closed: Promise<{ code: number; reason: string }>;
}

const clients: WsClient[] = [];

async function connectClient(url: string, options: ConstructorParameters<typeof WsClient>[2] = {}): Promise<Client> {
  const ws = new WsClient(url, options);
  clients.push(ws);
  const messages: string[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => messages.push(isBinary ? `binary:${data.toString('hex')}` : data.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

async function listen(args: string[]): Promise<{ cli: CliProcess; port: number }> {
  const cli = new CliProcess(['-l', '0', '--host', '127.0.0.1', ...args]);
  const match = await cli.waitFor('stderr', /listening on port (\d+)/);
  return { cli, port: Number(match[1]) };
}

afterEach(() => {
  for (const ws of clients.splice(0)) ws.terminate();
  killAll();
});

describe('listen mode', { timeout: 120_000 }, () => {
  test('several clients get IDs; --echo answers each one, and only that one', async () => {
    const { cli, port } = await listen(['--echo']);
    const a = await connectClient(`ws://127.0.0.1:${port}/a`);
    const b = await connectClient(`ws://127.0.0.1:${port}/b?x=1`);
    await cli.waitFor('stderr', /#1 connected from 127\.0\.0\.1:\d+ \/a.*\n#2 connected from 127\.0\.0\.1:\d+ \/b\?x=1/);
    a.ws.send('from a');
    b.ws.send(Buffer.from([1, 2, 3]));
    await eventually(() => a.messages.length === 1 && b.messages.length === 1, 'the echoes');
    assert.deepEqual(a.messages, ['from a']);
    assert.deepEqual(b.messages, ['binary:010203']);
    // Pipe mode: stdout has the messages and nothing else.
    await cli.waitFor('stdout', /from a\n/);
    assert.doesNotMatch(cli.stdout, /connected/);
    a.ws.close(1000, 'done');
    await cli.waitFor('stderr', /#1 closed 1000 Normal Closure: "done"/);
  });

  test('--broadcast forwards every message to all other clients', async () => {
    const { cli, port } = await listen(['--broadcast']);
    const a = await connectClient(`ws://127.0.0.1:${port}/`);
    const b = await connectClient(`ws://127.0.0.1:${port}/`);
    const c = await connectClient(`ws://127.0.0.1:${port}/`);
    await cli.waitFor('stderr', /#3 connected/);
    a.ws.send('hello all');
    await eventually(() => b.messages.length === 1 && c.messages.length === 1, 'the broadcast');
    assert.deepEqual(b.messages, ['hello all']);
    assert.deepEqual(c.messages, ['hello all']);
    assert.deepEqual(a.messages, []);
  });

  test('a line goes to every client; /to ID sends to one (with --slash when stdin is a pipe)', async () => {
    const { cli, port } = await listen(['--slash']);
    const a = await connectClient(`ws://127.0.0.1:${port}/`);
    const b = await connectClient(`ws://127.0.0.1:${port}/`);
    await cli.waitFor('stderr', /#2 connected/);
    cli.write('to everyone\n');
    cli.write('/to 2 only for two\n');
    cli.write('/to 9 nobody\n');
    cli.write('/to 1 /close 4001 you in particular\n');
    await eventually(() => b.messages.length === 2, 'both messages for b');
    assert.deepEqual(b.messages, ['to everyone', 'only for two']);
    assert.deepEqual(await a.closed, { code: 4001, reason: 'you in particular' });
    assert.deepEqual(a.messages, ['to everyone']);
    await cli.waitFor('stderr', /error: no client #9 \(see \/clients\)/);
    await cli.waitFor('stderr', /#1 closed 4001 Private Use: "you in particular"/);
  });

  test('--path serves one path; others get 404; --show-headers prints the request', async () => {
    const { cli, port } = await listen(['--path', '/status', '--show-headers']);
    await assert.rejects(connectClient(`ws://127.0.0.1:${port}/other`), /Unexpected server response: 404/);
    await cli.waitFor('stderr', /rejected 127\.0\.0\.1:\d+ \/other: 404 no WebSocket endpoint at \/other/);
    await connectClient(`ws://127.0.0.1:${port}/status`, { headers: { 'X-Trace': 'abc' } });
    await cli.waitFor('stderr', /#1 connected from 127\.0\.0\.1:\d+ \/status.*\nGET \/status\n( {2}.*\n)* {2}X-Trace: abc/);
  });

  test('TLS with --cert and --key: wss clients connect', async () => {
    const { cli, port } = await listen(['--cert', join(FIXTURES, 'cert.pem'), '--key', join(FIXTURES, 'key.pem'), '--echo']);
    assert.match(cli.stderr, /wss:\/\/127\.0\.0\.1:\d+\//);
    const a = await connectClient(`wss://127.0.0.1:${port}/`, { rejectUnauthorized: false });
    a.ws.send('secure');
    await eventually(() => a.messages.length === 1, 'the echo');
    assert.deepEqual(a.messages, ['secure']);
  });

  test('--max-payload: a larger message closes that client with 1009', async () => {
    const { cli, port } = await listen(['--max-payload', '100']);
    const a = await connectClient(`ws://127.0.0.1:${port}/`);
    a.ws.send('x'.repeat(101));
    assert.equal((await a.closed).code, 1009);
    await cli.waitFor('stderr', /#1 closed 1009 Message Too Big/);
  });

  test('a busy port: exit code 9', async () => {
    const { port } = await listen([]);
    const second = new CliProcess(['-l', String(port), '--host', '127.0.0.1']);
    const result = await second.result();
    assert.match(result.stderr, /cannot listen on port \d+: .*EADDRINUSE/);
    assert.equal(result.code, 9);
  });

  test('SIGINT closes every client with 1001 Going Away and exits 0', async () => {
    const { cli, port } = await listen([]);
    const a = await connectClient(`ws://127.0.0.1:${port}/`);
    await cli.waitFor('stderr', /#1 connected/);
    cli.child.kill('SIGINT');
    assert.equal((await a.closed).code, 1001);
    const result = await cli.result();
    assert.equal(result.code, 0);
  });

  test('--echo in connect mode: wscope answers a server with its own messages, binary as binary', async () => {
    const { cli, port } = await listen(['--slash']);
    const client = new CliProcess(['-c', `ws://127.0.0.1:${port}/`, '--echo']);
    await cli.waitFor('stderr', /#1 connected/);
    cli.write('ping me back\n');
    cli.write('/binary 0102\n');
    await cli.waitFor('stdout', /ping me back\n/);
    await client.waitFor('stdout', /ping me back\n/);
    await eventually(() => cli.stdoutBytes.length > 0 && Buffer.concat(cli.stdoutBytes).includes(Buffer.from([1, 2, 0x0a])), 'the binary echo');
    cli.child.kill('SIGINT');
    assert.equal((await client.result()).code, 0);
  });
});
