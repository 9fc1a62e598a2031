/**
 * `wscope replay` with the real CLI in a process: recordings made by `wscope connect --jsonl` and
 * `wscope listen --jsonl`, replayed against the `ws` package's server and Python websockets;
 * timing, --compare (pass, a wrong reply, --ignore, missing and extra replies, the close code),
 * the handshake sent again, --conn, and bad files. Chromium's own HAR: replay-chromium.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { type RawData, type WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { decodeJsonl } from '../../src/index.js';
import { pythonPeer } from '../interop/python-peer.js';
import { CliProcess, killAll, killAllTmux, runCli, sleep, TmuxCli, tempDir } from './helpers.js';

type Answer = (data: RawData, isBinary: boolean, socket: WsClient, request: IncomingMessage) => void;

interface TestServer {
  url: string;
  /** The upgrade requests, in order. */
  requests: IncomingMessage[];
  /** When each message arrived (ms, performance.now()), in order, with its text. */
  arrivals: Array<{ at: number; text: string }>;
  close(): Promise<void>;
}

const echo: Answer = (data, isBinary, socket) => socket.send(data, { binary: isBinary });

/** A `ws` package server on a free loopback port; it accepts the first subprotocol offered. */
async function wsServer(answer: Answer = echo, onConnection?: (socket: WsClient) => void): Promise<TestServer> {
  const server = new WsServer({ port: 0, host: '127.0.0.1', handleProtocols: (offered) => [...offered][0] ?? false });
  const requests: IncomingMessage[] = [];
  const arrivals: TestServer['arrivals'] = [];
  server.on('connection', (socket, request) => {
    requests.push(request);
    onConnection?.(socket);
    socket.on('message', (data, isBinary) => {
      arrivals.push({ at: performance.now(), text: data.toString() });
      answer(data, isBinary, socket, request);
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    requests,
    arrivals,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/**
 * A raw server whose 101 response and first text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked)
 * leave in one write; whatever comes next (the client's Close) gets a Close 1000 back.
 */
async function greetingServer(text: string): Promise<{ url: string; close(): void }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    let head = '';
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        socket.end(Buffer.from([0x88, 0x02, 0x03, 0xe8]));
        return;
      }
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      upgraded = true;
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      const payload = Buffer.from(text);
      const response = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
      socket.write(Buffer.concat([Buffer.from(response, 'latin1'), Buffer.from([0x81, payload.length]), payload]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const dir = tempDir();
let files = 0;
after(() => dir.remove());
afterEach(() => {
  killAll();
  killAllTmux();
});

function file(name: string, content: string): string {
  const path = join(dir.path, `${++files}-${name}`);
  writeFileSync(path, content);
  return path;
}

/**
 * Record a session as a user would: `wscope connect URL --jsonl` in pipe mode, one line per
 * message, numbers are pauses (ms) between them. Returns the path of the .jsonl.
 */
async function record(url: string, steps: Array<string | number>, args: string[] = []): Promise<string> {
  const cli = new CliProcess(['connect', url, '--jsonl', '-w', '0.3', ...args]);
  await cli.waitFor('stderr', /connected to/);
  for (const step of steps) {
    if (typeof step === 'number') await sleep(step);
    else cli.write(`${step}\n`);
  }
  cli.end();
  const result = await cli.result(10_000);
  assert.equal(result.code, 0, result.stderr);
  return file('session.jsonl', result.stdout);
}

describe('wscope replay', { timeout: 60_000 }, () => {
  test('a JSONL recording replayed against an echo server (ws): the replies on stdout, --compare matches, exit 0', async () => {
    const server = await wsServer();
    try {
      const recording = await record(`${server.url}/feed?room=1`, ['{"op":"hello"}', 'second ✓']);
      const result = await runCli(['replay', recording, '--target', server.url, '--compare'], undefined);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '{"op":"hello"}\nsecond ✓\n');
      assert.match(result.stderr, /replaying connection 1 \(2 messages to send\) to ws:\/\/127\.0\.0\.1:\d+\/feed\?room=1/);
      assert.match(result.stderr, /connection 1: 2 replies and the close code match the recording/);
      // The recorded path and query, on the bare target.
      assert.equal(server.requests.at(-1)!.url, '/feed?room=1');
      assert.deepEqual(
        server.arrivals.slice(-2).map((a) => a.text),
        ['{"op":"hello"}', 'second ✓'],
      );
    } finally {
      await server.close();
    }
  });

  test('the same recording replayed against Python websockets matches; a target with a path of its own replaces the recorded one', async () => {
    const recordedAgainst = await wsServer();
    await pythonPeer.setUp();
    const python = await pythonPeer.startServer();
    try {
      const recording = await record(`${recordedAgainst.url}/echo`, ['one', '{"two":2}']);
      const matched = await runCli(['replay', recording, '--target', `ws://127.0.0.1:${python.port}`, '--compare', '--speed', 'max'], undefined);
      assert.equal(matched.code, 0, matched.stderr);
      assert.equal(matched.stdout, 'one\n{"two":2}\n');
      // /close makes the Python server close with the code in the message: a different path, so a difference.
      const other = await runCli(['replay', recording, '--target', `ws://127.0.0.1:${python.port}/close`, '--compare', '--speed', 'max'], undefined);
      assert.notEqual(other.code, 0);
      assert.match(other.stderr, /replaying connection 1 \(2 messages to send\) to ws:\/\/127\.0\.0\.1:\d+\/close\n/);
    } finally {
      await python.stop();
      await pythonPeer.tearDown();
      await recordedAgainst.close();
    }
  });

  test('--speed: the recorded gap is kept at 1, halved and more at 3, gone with max', async () => {
    const server = await wsServer();
    try {
      const recording = await record(server.url, ['first', 900, 'second']);
      const events = decodeJsonl(readFileSync(recording, 'utf8'));
      const sent = events.filter((e) => e.event === 'message' && e.dir === 'out');
      const recordedGap = (sent[1]!.time - sent[0]!.time) * 1000;
      assert.ok(recordedGap >= 850, `the recording has the pause: ${recordedGap} ms`);
      const gapAt = async (speed: string) => {
        const before = server.arrivals.length;
        const result = await runCli(['replay', recording, '--target', server.url, '--speed', speed], undefined, { timeoutMs: 10_000 });
        assert.equal(result.code, 0, result.stderr);
        const [a, b] = server.arrivals.slice(before);
        assert.ok(a && b, 'both messages arrived');
        return b.at - a.at;
      };
      const normal = await gapAt('1');
      const fast = await gapAt('3');
      const max = await gapAt('max');
      assert.ok(normal >= recordedGap - 50 && normal <= recordedGap + 400, `speed 1: ${normal} ms for a recorded ${recordedGap} ms`);
      assert.ok(fast >= recordedGap / 3 - 50 && fast <= recordedGap / 3 + 250, `speed 3: ${fast} ms for a recorded ${recordedGap} ms`);
      assert.ok(max < 150, `speed max: ${max} ms`);
    } finally {
      await server.close();
    }
  });

  test('--compare: a wrong reply prints a diff of the first difference and exits 10', async () => {
    const recordedAgainst = await wsServer();
    const changed = await wsServer((data, _isBinary, socket) => socket.send(data.toString() === 'b' ? 'B!' : data.toString()));
    try {
      const recording = await record(recordedAgainst.url, ['a', 'b', 'c']);
      const result = await runCli(['replay', recording, '--target', changed.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(result.code, 10, result.stderr);
      assert.equal(result.stdout, 'a\nB!\nc\n');
      assert.match(
        result.stderr,
        /connection 1: reply 2 differs from the recording\n--- recorded\n\+\+\+ replayed\n-b\n\+B!\nreplay: 1 of 1 connection differs from the recording\n/,
      );
    } finally {
      await recordedAgainst.close();
      await changed.close();
    }
  });

  test('--compare --ignore $.id: replies that differ only in their id match; without it they do not', async () => {
    let next = 1;
    const numbering = await wsServer((data, _isBinary, socket) => socket.send(JSON.stringify({ id: next++, echo: JSON.parse(data.toString()) as unknown })));
    try {
      const recording = await record(numbering.url, ['{"op":"sub"}', '{"op":"get"}']);
      next = 100;
      const strict = await runCli(['replay', recording, '--target', numbering.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(strict.code, 10, strict.stderr);
      assert.match(
        strict.stderr,
        /reply 1 differs from the recording\n--- recorded\n\+\+\+ replayed\n-\{"id":1,"echo":\{"op":"sub"\}\}\n\+\{"id":100,"echo":\{"op":"sub"\}\}\n/,
      );
      const ignoring = await runCli(['replay', recording, '--target', numbering.url, '--compare', '--speed', 'max', '--ignore', '$.id'], undefined);
      assert.equal(ignoring.code, 0, ignoring.stderr);
      assert.match(ignoring.stderr, /2 replies and the close code match the recording/);
      // What is left after --ignore still counts, and the diff shows it as JSON without the ignored node.
      const changed = await wsServer((_data, _isBinary, socket) => socket.send(JSON.stringify({ id: next++, echo: 'other' })));
      try {
        const differs = await runCli(['replay', recording, '--target', changed.url, '--compare', '--speed', 'max', '--ignore', '$.id'], undefined);
        assert.equal(differs.code, 10, differs.stderr);
        assert.match(
          differs.stderr,
          /reply 1 differs from the recording\n--- recorded\n\+\+\+ replayed\n \{\n- {2}"echo": \{\n- {4}"op": "sub"\n- {2}\}\n\+ {2}"echo": "other"\n \}\n/,
        );
      } finally {
        await changed.close();
      }
      const badPath = await runCli(['replay', recording, '--target', numbering.url, '--compare', '--ignore', 'id'], undefined);
      assert.equal(badPath.code, 2);
      assert.match(badPath.stderr, /^error: --ignore 'id' is not a JSONPath/);
    } finally {
      await numbering.close();
    }
  });

  test('--compare: a missing reply (after --wait) and an extra one are differences', async () => {
    const recordedAgainst = await wsServer();
    const silentOnB = await wsServer((data, _isBinary, socket) => data.toString() !== 'b' && socket.send(data.toString()));
    const twiceOnB = await wsServer((data, _isBinary, socket) => {
      socket.send(data.toString());
      if (data.toString() === 'b') socket.send('again');
    });
    try {
      const recording = await record(recordedAgainst.url, ['a', 'b']);
      const started = performance.now();
      const missing = await runCli(['replay', recording, '--target', silentOnB.url, '--compare', '--speed', 'max', '--wait', '0.5'], undefined);
      const took = performance.now() - started;
      assert.equal(missing.code, 10, missing.stderr);
      assert.match(missing.stderr, /connection 1: 1 recorded reply did not come \(got 1 of 2\); the first missing one, reply 2:\n-b\n/);
      assert.ok(took >= 500, `it waited --wait 0.5 s for the reply: ${took} ms`);
      const extra = await runCli(['replay', recording, '--target', twiceOnB.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(extra.code, 10, extra.stderr);
      assert.match(extra.stderr, /connection 1: 1 more reply than recorded \(got 3, recorded 2\); the first extra one, reply 3:\n\+again\n/);
    } finally {
      await Promise.all([recordedAgainst.close(), silentOnB.close(), twiceOnB.close()]);
    }
  });

  test('--compare: the server closed the recorded session with 4001; one that closes with 4002 differs, one with 4001 matches', async () => {
    const closing = (code: number) => wsServer((data, _isBinary, socket) => (data.toString() === 'bye' ? socket.close(code, 'done') : socket.send(data)));
    const server4001 = await closing(4001);
    const server4002 = await closing(4002);
    try {
      const cli = new CliProcess(['connect', server4001.url, '--jsonl', '-w', '-1']);
      await cli.waitFor('stderr', /connected to/);
      cli.write('hi\nbye\n');
      const recorded = await cli.result();
      assert.equal(recorded.code, 8, recorded.stderr);
      const recording = file('closed.jsonl', recorded.stdout);
      const same = await runCli(['replay', recording, '--target', server4001.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(same.code, 0, same.stderr);
      assert.match(same.stderr, /closed 4001 Private Use: "done"\nconnection 1: 1 reply and the close code match the recording/);
      const other = await runCli(['replay', recording, '--target', server4002.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(other.code, 10, other.stderr);
      assert.match(other.stderr, /the close code differs from the recording\n--- recorded\n\+\+\+ replayed\n-close 4001 "done"\n\+close 4002 "done"\n/);
      // Without --compare the exit code is connect's: a close with another code is 8.
      const plain = await runCli(['replay', recording, '--target', server4002.url, '--speed', 'max'], undefined);
      assert.equal(plain.code, 8, plain.stderr);
    } finally {
      await server4001.close();
      await server4002.close();
    }
  });

  test('the recorded handshake is sent again: Origin, own headers and subprotocols; -H overrides or removes; redacted secrets are not sent', async () => {
    const server = await wsServer();
    try {
      const recording = await record(
        `${server.url}/feed`,
        ['x'],
        ['-o', 'https://app.example', '-H', 'X-Token: abc', '-H', 'Cookie: session=old', '-H', 'X-Gone: 1', '-s', 'chat.v2', '-s', 'chat.v1'],
      );
      const result = await runCli(['replay', recording, '--target', server.url, '-H', 'x-token: new', '-H', 'X-Gone:', '--speed', 'max'], undefined);
      assert.equal(result.code, 0, result.stderr);
      const request = server.requests.at(-1)!;
      assert.equal(request.headers['origin'], 'https://app.example');
      assert.equal(request.headers['x-token'], 'new');
      assert.equal(request.headers['x-gone'], undefined);
      assert.equal(request.headers['sec-websocket-protocol'], 'chat.v2, chat.v1');
      assert.equal(request.headers['host'], new URL(server.url).host);
      // The trace redacted the cookie: it is not sent as "[redacted]", and stderr says how to give it.
      assert.equal(request.headers['cookie'], undefined);
      assert.match(result.stderr, /the recorded Cookie header was redacted, so it is not sent \(give it with -H 'Cookie: \.\.\.'\)/);
      assert.match(result.stderr, /connected to ws:\/\/127\.0\.0\.1:\d+\/feed, subprotocol chat\.v2/);
      const withCookie = await runCli(['replay', recording, '--target', server.url, '-H', 'Cookie: session=new', '-s', 'other', '--speed', 'max'], undefined);
      assert.equal(withCookie.code, 0, withCookie.stderr);
      assert.equal(server.requests.at(-1)!.headers['cookie'], 'session=new');
      assert.equal(server.requests.at(-1)!.headers['sec-websocket-protocol'], 'other');
    } finally {
      await server.close();
    }
  });

  test("a server's recording (listen --jsonl, --record .har): the client's messages are its `in` ones; --conn picks one, a wrong id lists the ones there are", async () => {
    // The recorded server answers nothing, so what is sent and what is expected back cannot be mistaken for each other.
    const serverHar = file('server.har', '');
    const listen = new CliProcess(['listen', '0', '--jsonl', '--record', serverHar]);
    const port = Number((await listen.waitFor('stderr', /listening on .*:(\d+)/))[1]);
    const a = await runCli(['connect', `ws://127.0.0.1:${port}/a`, '-x', 'from a', '-w', '0.2'], undefined);
    const b = await runCli(['connect', `ws://127.0.0.1:${port}/b`, '-x', 'from b 1', '-x', 'from b 2', '-w', '0.2'], undefined);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    listen.child.kill('SIGINT');
    const trace = await listen.result();
    const recording = file('server.jsonl', trace.stdout);
    const ids = [...new Set(decodeJsonl(trace.stdout).map((e) => e.conn))];
    assert.equal(ids.length, 2);
    const silent = await wsServer(() => {});
    const arrived = (from: number) => silent.arrivals.slice(from).map((arrival) => arrival.text);
    try {
      const only = await runCli(['replay', recording, '--target', silent.url, '--conn', String(ids[1]), '--compare', '--speed', 'max'], undefined);
      assert.equal(only.code, 0, only.stderr);
      assert.deepEqual(arrived(0), ['from b 1', 'from b 2']);
      assert.equal(silent.requests.at(-1)!.url, '/b');
      assert.match(only.stderr, /connection \d+: 0 replies and the close code match the recording/);
      const both = await runCli(['replay', recording, '--target', silent.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(both.code, 0, both.stderr);
      assert.deepEqual(arrived(2).sort(), ['from a', 'from b 1', 'from b 2']);
      assert.match(both.stderr, /replay: all 2 connections match the recording/);
      // The same session as listen --record wrote it in HAR: `send` is what each client sent.
      const fromHar = await runCli(['replay', serverHar, '--target', silent.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(fromHar.code, 0, fromHar.stderr);
      assert.deepEqual(arrived(5).sort(), ['from a', 'from b 1', 'from b 2']);
      const wrong = await runCli(['replay', recording, '--target', silent.url, '--conn', '99'], undefined);
      assert.equal(wrong.code, 2);
      assert.equal(wrong.stderr.split('\n')[0], `error: there is no connection 99 in ${recording} (connections: ${ids.join(', ')})`);
    } finally {
      await silent.close();
    }
    // Two connections against an echo: each record names its connection, as listen mode's do.
    const echoing = await wsServer();
    try {
      const labelled = await runCli(['replay', recording, '--target', echoing.url, '--speed', 'max'], undefined);
      assert.equal(labelled.code, 0, labelled.stderr);
      assert.deepEqual(labelled.stdout.split('\n').filter(Boolean).sort(), [`#${ids[0]} from a`, `#${ids[1]} from b 1`, `#${ids[1]} from b 2`]);
    } finally {
      await echoing.close();
    }
  });

  test('a server that speaks first, in the same write as its 101: the greeting is reply 1, recorded and replayed alike', async () => {
    const server = await greetingServer('welcome ✓');
    try {
      const recording = await record(server.url, []);
      const events = decodeJsonl(readFileSync(recording, 'utf8'));
      assert.deepEqual(
        events.filter((e) => e.event === 'message').map((e) => [e.dir, e.event === 'message' && e.data]),
        [['in', 'welcome ✓']],
      );
      const result = await runCli(['replay', recording, '--target', server.url, '--compare', '--speed', 'max'], undefined);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'welcome ✓\n');
      assert.match(result.stderr, /replaying connection 1 \(0 messages to send\)/);
      assert.match(result.stderr, /connection 1: 1 reply and the close code match the recording/);
    } finally {
      server.close();
    }
  });

  test('at a terminal: replies as connect shows them (`< `, --json pretty-printed), then the verdict and the diff', async () => {
    const recordedAgainst = await wsServer();
    const changed = await wsServer((data, _isBinary, socket) => socket.send(data.toString().replace('1', '2')));
    try {
      const recording = await record(recordedAgainst.url, ['{"id":1,"op":"hi"}']);
      const session = new TmuxCli(['replay', recording, '--target', changed.url, '--compare', '--json', '--speed', 'max']);
      try {
        assert.equal(await session.exitCode(10_000), 10);
        const screen = session.screen();
        assert.match(screen, /connected to ws:\/\/127\.0\.0\.1:\d+\/\n< \{\n {4}"id": 2,\n {4}"op": "hi"\n {2}\}\nclosed 1000 Normal Closure\n/);
        assert.match(
          screen,
          /connection 1: reply 1 differs from the recording\n--- recorded\n\+\+\+ replayed\n-\{"id":1,"op":"hi"\}\n\+\{"id":2,"op":"hi"\}\n/,
        );
      } finally {
        session.kill();
      }
    } finally {
      await recordedAgainst.close();
      await changed.close();
    }
  });

  test('bad files: not JSON, not a HAR, no WebSocket entry, a broken entry, a broken JSONL line, no file: one line, exit 12', async () => {
    const page = {
      log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [{ request: { url: 'https://example.test/' }, response: { status: 200 } }] },
    };
    const broken = {
      log: {
        entries: [
          {
            _resourceType: 'websocket',
            startedDateTime: '2025-01-01T00:00:00Z',
            request: { url: 'ws://x/' },
            response: { status: 101 },
            _webSocketMessages: [{ type: 'send', time: 1, opcode: 1 }],
          },
        ],
      },
    };
    const cases: Array<[string, string, RegExp]> = [
      ['garbage.har', 'not json {', /: not a HAR file: not JSON \(/],
      ['array.har', '[1, 2]', /: not a HAR file: expected a JSON object with a "log"/],
      ['page.har', JSON.stringify(page), /: no WebSocket connection in the recording$/],
      ['broken.har', JSON.stringify(broken), /: log\.entries\[0\]\._webSocketMessages\[0\]\.data: must be a string, got undefined$/],
      ['broken.jsonl', '{"time":1,"conn":1,"event":"frame","dir":"in"}\n', /: not a wscope JSONL trace: line 1: "event" must be one of/],
    ];
    for (const [name, content, message] of cases) {
      const path = file(name, content);
      const result = await runCli(['replay', path, '--target', 'ws://127.0.0.1:9'], undefined);
      assert.equal(result.code, 12, `${name}: ${result.stderr}`);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${name}: one line, got ${JSON.stringify(result.stderr)}`);
      assert.ok(lines[0]!.startsWith(`error: ${path}: `), lines[0]);
      assert.match(lines[0]!, message);
    }
    const missing = await runCli(['replay', join(dir.path, 'none.har'), '--target', 'ws://127.0.0.1:9'], undefined);
    assert.equal(missing.code, 12);
    assert.equal(missing.stderr, `error: ${join(dir.path, 'none.har')}: cannot read it: no such file\n`);
  });
});
