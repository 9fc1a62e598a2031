/**
 * Recordings of whole sessions with the real CLI: listen mode with two clients (the server's
 * `in` is the HAR's `send`), a session ended by SIGINT, SIGTERM or SIGKILL, and which secrets a
 * recording keeps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { WebSocket as WsClient } from 'ws';
import { decodeJsonl, type HandshakeTraceEvent } from '../../src/index.js';
import { CliProcess, frozenServer, killAll, runCli, sleep, tempDir } from '../cli/helpers.js';
import { assertDevToolsMessages, hexOf, readValidHar } from './helpers.js';

afterEach(() => killAll());

const hex = (data: string | Buffer, opcode: number) => `${opcode}:${Buffer.from(data).toString('hex')}`;

async function wsClient(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
  const client = new WsClient(url, { headers });
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  return client;
}

function nextMessage(client: WsClient): Promise<Buffer> {
  return new Promise((resolve) => client.once('message', (data: Buffer) => resolve(data)));
}

function closed(client: WsClient): Promise<number> {
  return new Promise((resolve) => client.once('close', (code: number) => resolve(code)));
}

describe('recording sessions', { timeout: 60_000 }, () => {
  test('listen --record with two clients: two entries, role server, send = what each client sent, every byte', async () => {
    const dir = tempDir();
    try {
      const har = join(dir.path, 'server.har');
      const cli = new CliProcess(['listen', '0', '--echo', '--record', har]);
      const [, port] = await cli.waitFor('stderr', /listening on port (\d+)/);
      const first = await wsClient(`ws://127.0.0.1:${port}/one?n=1`);
      first.send('from one');
      await nextMessage(first);
      const second = await wsClient(`ws://127.0.0.1:${port}/two`);
      const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80]);
      second.send(binary);
      await nextMessage(second);
      first.close(1000, 'done');
      await closed(first);
      second.close(4001, 'bye ✓');
      await closed(second);
      cli.child.kill('SIGINT');
      const result = await cli.result();
      assert.equal(result.code, 0, result.stderr);

      const { entries } = (await readValidHar(har)).log;
      assert.equal(entries.length, 2);
      const [one, two] = entries;
      assert.ok(one && two);
      for (const entry of entries) {
        assertDevToolsMessages(entry);
        assert.equal(entry._wscope.role, 'server');
        assert.equal(entry.response.status, 101);
        assert.equal(entry.serverIPAddress, undefined, "a server's trace does not know the server's address for HAR");
        assert.equal(entry._wscope.close?.closedBy, 'client');
      }
      assert.equal(one.request.url, `ws://127.0.0.1:${port}/one?n=1`);
      assert.deepEqual(one.request.queryString, [{ name: 'n', value: '1' }]);
      assert.deepEqual(
        one._webSocketMessages.map((m) => [m.type, hexOf([m])[0]]),
        [
          ['send', hex('from one', 1)],
          ['receive', hex('from one', 1)],
        ],
      );
      assert.deepEqual(
        two._webSocketMessages.map((m) => [m.type, hexOf([m])[0]]),
        [
          ['send', hex(binary, 2)],
          ['receive', hex(binary, 2)],
        ],
      );
      assert.deepEqual([one._wscope.close?.code, one._wscope.close?.reason, one._wscope.close?.client?.reason], [1000, 'done', 'done']);
      assert.deepEqual([two._wscope.close?.code, two._wscope.close?.reason, two._wscope.close?.client?.code], [4001, 'bye ✓', 4001]);
      const closeFrames = two._wscope.controlFrames.filter((f) => f.opcode === 8);
      assert.deepEqual(
        closeFrames.map((f) => f.type),
        ['send', 'receive'],
        "the client's Close first (send), the server's answer (receive)",
      );
      assert.equal(Buffer.from(closeFrames[0]!.data, 'base64').subarray(2).toString('utf8'), 'bye ✓');
    } finally {
      dir.remove();
    }
  });

  test('-l PORT --path --record (the wscat form): a refused upgrade is an entry with its 404 and the error', async () => {
    const dir = tempDir();
    try {
      const har = join(dir.path, 'refused.har');
      const cli = new CliProcess(['-l', '0', '--path', '/only', '--record', har]);
      const [, port] = await cli.waitFor('stderr', /listening on port (\d+)/);
      const client = new WsClient(`ws://127.0.0.1:${port}/other`);
      const status = await new Promise<number | undefined>((resolve) => {
        client.once('unexpected-response', (_request, response) => resolve(response.statusCode));
        client.once('error', () => resolve(undefined));
      });
      assert.equal(status, 404);
      await cli.waitFor('stderr', /rejected/);
      cli.child.kill('SIGINT');
      assert.equal((await cli.result()).code, 0);
      const [entry] = (await readValidHar(har)).log.entries;
      assert.equal(entry?.response.status, 404);
      assert.equal(entry?._wscope.role, 'server');
      assert.ok(entry?.response._error, 'the error the server reported');
      assert.deepEqual(entry?._webSocketMessages, []);
    } finally {
      dir.remove();
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} mid-session: the HAR on disk is valid and holds what was seen, at once; a second ${signal} exits with it still valid`, async () => {
      const dir = tempDir();
      const server = await frozenServer('hello from a server that will not close');
      try {
        const har = join(dir.path, 'signal.har');
        const cli = new CliProcess(['connect', server.url, '-w', '-1', '--record', har]);
        cli.write('typed\n');
        await cli.waitFor('stdout', /will not close/);
        await cli.waitFor('stderr', /connected/);
        await sleep(50);
        cli.child.kill(signal);
        // Well before the 1 s timer, and while the CLI waits (5 s) for a Close the server never sends.
        await sleep(300);
        const during = (await readValidHar(har)).log.entries;
        assert.equal(during.length, 1);
        assert.deepEqual(
          during[0]?._webSocketMessages.map((m) => [m.type, m.data]),
          [
            ['receive', 'hello from a server that will not close'],
            ['send', 'typed'],
          ],
          'the server spoke first; stdin is read once the connection is open',
        );
        assert.equal(during[0]?._wscope.close, undefined, 'still open');
        assert.equal(cli.child.exitCode, null, 'the CLI is still waiting for the Close');
        cli.child.kill(signal);
        const result = await cli.result();
        assert.equal(result.code, 130, result.stderr);
        const after = (await readValidHar(har)).log.entries;
        assert.equal(after[0]?._webSocketMessages.length, 2);
      } finally {
        server.close();
        dir.remove();
      }
    });
  }

  test('SIGKILL mid-session: the JSONL has every event seen before the kill, the HAR on disk is valid JSON from the last timer write', async () => {
    const dir = tempDir();
    const server = await frozenServer('first words');
    try {
      const har = join(dir.path, 'killed.har');
      const jsonl = join(dir.path, 'killed.jsonl');
      const cli = new CliProcess(['connect', server.url, '-w', '-1', '--record', har, '--record', jsonl]);
      await cli.waitFor('stdout', /first words/);
      for (let i = 0; i < 20; i++) cli.write(`line ${i}\n`);
      await sleep(1600);
      cli.child.kill('SIGKILL');
      const result = await cli.result();
      assert.equal(result.signal, 'SIGKILL');

      const events = decodeJsonl(readFileSync(jsonl, 'utf8'));
      assert.equal(events[0]?.event, 'handshake');
      const sent = events.filter((e) => e.event === 'message' && e.dir === 'out').map((e) => e.event === 'message' && e.data);
      assert.deepEqual(
        sent,
        Array.from({ length: 20 }, (_, i) => `line ${i}`),
      );
      assert.ok(events.some((e) => e.event === 'message' && e.dir === 'in' && e.data === 'first words'));

      const entries = (await readValidHar(har)).log.entries;
      assert.equal(entries.length, 1);
      assert.equal(entries[0]?._webSocketMessages.length, 21, 'the timer rewrote the HAR after the last message');
    } finally {
      server.close();
      dir.remove();
    }
  });

  describe('secrets', () => {
    // The URL's user info becomes the Authorization header (Basic).
    const HEADERS = ['-H', 'Cookie: session=s3cret; theme=dark', '-H', 'X-Api-Key: K3Y'];
    const BASIC = `Basic ${Buffer.from('alice:pa55').toString('base64')}`;

    async function recordedHandshake(extra: string[]): Promise<{ har: HandshakeHeaders; jsonl: HandshakeTraceEvent }> {
      const dir = tempDir();
      const cli = new CliProcess(['listen', '0', '-q']);
      try {
        const [, port] = await cli.waitFor('stderr', /listening on port (\d+)/);
        const file = join(dir.path, 'secrets.har');
        const result = await runCli(
          ['connect', `ws://alice:pa55@127.0.0.1:${port}/`, ...HEADERS, '-x', 'hi', '-w', '0', '--record', file, '--jsonl', ...extra],
          undefined,
        );
        assert.equal(result.code, 0, result.stderr);
        const [entry] = (await readValidHar(file)).log.entries;
        assert.ok(entry);
        const handshake = decodeJsonl(result.stdout).find((e): e is HandshakeTraceEvent => e.event === 'handshake');
        assert.ok(handshake);
        return {
          har: { url: entry.request.url, headers: Object.fromEntries(entry.request.headers.map((h) => [h.name, h.value])), cookies: entry.request.cookies },
          jsonl: handshake,
        };
      } finally {
        cli.child.kill('SIGINT');
        await cli.result();
        dir.remove();
      }
    }

    interface HandshakeHeaders {
      url: string;
      headers: Record<string, string>;
      cookies: Array<{ name: string; value: string }>;
    }

    const jsonlHeader = (event: HandshakeTraceEvent, name: string) => event.requestHeaders.find(([n]) => n === name)?.[1];

    test('by default Authorization, Cookie and the URL password are redacted, in the HAR and in --jsonl; other headers are kept', async () => {
      const { har, jsonl } = await recordedHandshake([]);
      assert.equal(har.headers['Authorization'], '[redacted]');
      assert.equal(har.headers['Cookie'], '[redacted]');
      assert.deepEqual(har.cookies, [], 'no cookie can be read from a redacted header');
      assert.equal(har.headers['X-Api-Key'], 'K3Y');
      assert.match(har.url, /^ws:\/\/alice:\*\*\*@127\.0\.0\.1:/);
      assert.equal(jsonlHeader(jsonl, 'Authorization'), '[redacted]');
      assert.equal(jsonlHeader(jsonl, 'X-Api-Key'), 'K3Y');
    });

    test('--redact X-Api-Key redacts it too (any case), in the HAR and in --jsonl', async () => {
      const { har, jsonl } = await recordedHandshake(['--redact', 'x-api-key']);
      assert.equal(har.headers['X-Api-Key'], '[redacted]');
      assert.equal(har.headers['Authorization'], '[redacted]');
      assert.equal(jsonlHeader(jsonl, 'X-Api-Key'), '[redacted]');
    });

    test('--no-redact records them as they are; with --redact, only the header named', async () => {
      const plain = await recordedHandshake(['--no-redact']);
      assert.equal(plain.har.headers['Authorization'], BASIC);
      assert.deepEqual(plain.har.cookies, [
        { name: 'session', value: 's3cret' },
        { name: 'theme', value: 'dark' },
      ]);
      assert.match(plain.har.url, /^ws:\/\/alice:pa55@/);
      assert.equal(jsonlHeader(plain.jsonl, 'Cookie'), 'session=s3cret; theme=dark');
      const named = await recordedHandshake(['--redact', 'X-Api-Key', '--no-redact']);
      assert.equal(named.har.headers['X-Api-Key'], '[redacted]');
      assert.equal(named.har.headers['Authorization'], BASIC);
    });
  });
});
