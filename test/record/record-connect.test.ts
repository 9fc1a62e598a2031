/**
 * `wscope connect URL --record FILE` with the real CLI in a process against the npm `ws` server:
 * the HAR passes a HAR 1.2 validator that is not ours and has DevTools' shape, every message is
 * byte for byte what travelled, the JSONL holds the same trace; failed connections are entries too.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { WebSocketServer as WsServer } from 'ws';
import { decodeJsonl, decodePayload, harFromEvents } from '../../src/index.js';
import { freePort, killAll, runCli, tempDir } from '../cli/helpers.js';
import { assertDevToolsMessages, hexOf, readValidHar } from './helpers.js';

afterEach(() => killAll());

const TEXT = 'first line\nsecond ✓';
const BINARY = Buffer.from([0xbe, 0xef, 0x00, 0x0a, 0xff, 0xc3]);
/** Large and repetitive: over ws's 1024-byte threshold, so it travels compressed when deflate is on. */
const BIG = 'abc'.repeat(1000);
const hex = (data: string | Buffer, opcode: number) => `${opcode}:${Buffer.from(data).toString('hex')}`;

async function wsServer(compression: boolean) {
  const server = new WsServer({ host: '127.0.0.1', port: 0, perMessageDeflate: compression });
  await new Promise((resolve) => server.once('listening', resolve));
  const received: string[] = [];
  server.on('connection', (socket) => {
    socket.send(TEXT);
    socket.send(BINARY);
    socket.send(BIG);
    socket.ping('from server');
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      received.push(hex(data, isBinary ? 2 : 1));
      socket.send(data, { binary: isBinary });
    });
  });
  const { port } = server.address() as { port: number };
  return { server, received, url: `ws://127.0.0.1:${port}/feed?room=1&who=a%20b` };
}

describe('connect --record', { timeout: 60_000 }, () => {
  for (const compression of [true, false]) {
    test(`text, binary, ping, ${compression ? 'compressed' : 'uncompressed'}, close: a valid HAR and a JSONL of the same trace, byte-exact`, async () => {
      const dir = tempDir();
      const { server, received, url } = await wsServer(compression);
      try {
        const har = join(dir.path, 'session.har');
        const jsonl = join(dir.path, 'session.jsonl');
        const sent = ['typed line', '/binary 00ff80', `/ping hello`, BIG];
        // -w 2: the server's ping must arrive before our Close (after it, no pong may leave), also on a loaded machine.
        const result = await runCli(['connect', url, '--slash', '-w', '2', '--record', har, '--record', jsonl], `${sent.join('\n')}\n`);
        assert.equal(result.code, 0, result.stderr);
        const wanted = [hex('typed line', 1), hex(Buffer.from([0x00, 0xff, 0x80]), 2), hex(BIG, 1)];
        assert.deepEqual(received, wanted, 'the server got what was typed');

        const log = (await readValidHar(har)).log;
        assert.equal(log.version, '1.2');
        assert.equal(log.creator.name, 'wscope');
        assert.equal(log.entries.length, 1);
        const [entry] = log.entries;
        assert.ok(entry);
        assertDevToolsMessages(entry);
        assert.equal(entry.request.url, url);
        assert.equal(entry.request.method, 'GET');
        assert.deepEqual(entry.request.queryString, [
          { name: 'room', value: '1' },
          { name: 'who', value: 'a b' },
        ]);
        assert.ok(entry.request.headers.some((h) => h.name === 'Upgrade' && h.value === 'websocket'));
        assert.equal(entry.response.status, 101);
        assert.equal(entry.response.statusText, 'Switching Protocols');
        assert.ok(entry.response.headers.some((h) => h.name.toLowerCase() === 'sec-websocket-accept'));
        assert.equal(entry.serverIPAddress, '127.0.0.1');
        assert.ok(entry.time > 500, `the entry lasts as long as the connection (${entry.time} ms)`);

        // The client's view: send is what it sent, receive what the server sent, in order.
        const sends = entry._webSocketMessages.filter((m) => m.type === 'send');
        const receives = entry._webSocketMessages.filter((m) => m.type === 'receive');
        assert.deepEqual(hexOf(sends), wanted);
        assert.deepEqual(hexOf(receives.slice(0, 3)), [hex(TEXT, 1), hex(BINARY, 2), hex(BIG, 1)]);
        assert.deepEqual(hexOf(receives.slice(3)).sort(), [...wanted].sort(), 'the echoes');
        const big = entry._webSocketMessages.filter((m) => m.data === BIG);
        assert.equal(big.length, 3, "ours, the server's and its echo");
        for (const message of big) {
          if (compression) assert.ok(message._wireSize !== undefined && message._wireSize < 100, `wire size ${message._wireSize}`);
          else assert.equal(message._wireSize, undefined);
        }
        if (!compression)
          assert.ok(
            entry._webSocketMessages.every((m) => m._wireSize === undefined),
            'nothing travelled compressed',
          );

        const facts = entry._wscope;
        assert.equal(facts.role, 'client');
        assert.equal(facts.extensions.startsWith('permessage-deflate'), compression);
        const control = facts.controlFrames.map((f) => [f.type, f.opcode, Buffer.from(f.data, 'base64').toString('latin1')]);
        assert.deepEqual(control.filter(([, opcode]) => opcode === 9).sort(), [
          ['receive', 9, 'from server'],
          ['send', 9, 'hello'],
        ]);
        assert.ok(
          control.some(([type, opcode, data]) => type === 'send' && opcode === 10 && data === 'from server'),
          'our automatic pong',
        );
        assert.ok(
          control.some(([type, opcode, data]) => type === 'receive' && opcode === 10 && data === 'hello'),
          "the server's pong",
        );
        assert.ok(facts.controlFrames.find((f) => f.opcode === 10 && f.type === 'receive')?.rtt !== undefined);
        const closes = facts.controlFrames.filter((f) => f.opcode === 8).map((f) => [f.type, Buffer.from(f.data, 'base64').readUInt16BE(0)]);
        assert.deepEqual(closes, [
          ['send', 1000],
          ['receive', 1000],
        ]);
        assert.deepEqual(
          { ...facts.close, time: 0, client: undefined, server: undefined },
          {
            time: 0,
            code: 1000,
            reason: '',
            name: 'Normal Closure',
            clean: true,
            closedBy: 'client',
            client: undefined,
            server: undefined,
          },
        );
        assert.equal(facts.close?.client?.code, 1000);
        assert.equal(facts.close?.server?.code, 1000);

        // The JSONL is the trace itself: the same messages, exact, and the HAR is what it makes.
        const events = decodeJsonl(readFileSync(jsonl, 'utf8'));
        assert.deepEqual(
          events.filter((e) => e.event === 'message' && e.dir === 'out').map((e) => e.event === 'message' && hex(decodePayload(e.data, e.encoding), e.opcode)),
          wanted,
        );
        assert.equal(events.at(-1)?.event, 'close');
        const fromJsonl = harFromEvents(events, { creator: log.creator });
        assert.deepEqual(fromJsonl.log.entries, log.entries, 'the HAR holds exactly the trace the JSONL holds');
        assert.deepEqual(readdirSync(dir.path).sort(), ['session.har', 'session.jsonl'], 'no temporary file left');
      } finally {
        server.close();
        dir.remove();
      }
    });
  }

  test('a failed handshake (400) and a refused connection are entries too, with their status and error', async () => {
    const dir = tempDir();
    const server = new WsServer({ host: '127.0.0.1', port: 0, path: '/only' });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const har = join(dir.path, 'failed.har');
      const rejected = await runCli(['connect', `ws://127.0.0.1:${port}/other`, '--record', har], '');
      assert.equal(rejected.code, 4, rejected.stderr);
      const [entry] = (await readValidHar(har)).log.entries;
      assert.equal(entry?.response.status, 400);
      assert.match(entry?.response._error ?? '', /400/);
      assert.deepEqual(entry?._webSocketMessages, []);
      assert.equal(entry?._wscope.errors[0]?.code, 'WS_ERR_UNEXPECTED_RESPONSE');

      const closedPort = await freePort();
      const refusedFile = join(dir.path, 'refused.har');
      const refused = await runCli(['connect', `ws://127.0.0.1:${closedPort}/`, '--record', refusedFile], '');
      assert.equal(refused.code, 3, refused.stderr);
      const [failed] = (await readValidHar(refusedFile)).log.entries;
      assert.equal(failed?.request.url, `ws://127.0.0.1:${closedPort}/`);
      assert.equal(failed?.response.status, 0, 'DevTools writes status 0 for a request that got no response');
      assert.match(failed?.response._error ?? '', /ECONNREFUSED/);
      assert.equal(failed?._wscope.close?.code, 1006);
    } finally {
      server.close();
      dir.remove();
    }
  });

  test('a name without .har or .jsonl: usage error naming both; an unwritable path: one line, exit 12, before connecting', async () => {
    const dir = tempDir();
    const server = new WsServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    let connections = 0;
    server.on('connection', () => connections++);
    try {
      const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const bad = await runCli(['connect', url, '--record', join(dir.path, 'x.txt')], '');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^error: --record '.*x\.txt': the file name must end with \.har or \.jsonl\n/);
      assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack');

      for (const file of [join(dir.path, 'missing', 'x.har'), join(dir.path, 'missing', 'x.jsonl')]) {
        const unwritable = await runCli(['connect', url, '--record', file], '');
        assert.equal(unwritable.code, 12, unwritable.stderr);
        assert.equal(unwritable.stderr.split('\n').length, 2, `one line: ${JSON.stringify(unwritable.stderr)}`);
        assert.match(unwritable.stderr, /^error: cannot write the recording '.*x\.(har|jsonl)': ENOENT/);
        assert.equal(existsSync(file), false);
      }
      assert.equal(connections, 0, 'nothing connected');
    } finally {
      server.close();
      dir.remove();
    }
  });
});
