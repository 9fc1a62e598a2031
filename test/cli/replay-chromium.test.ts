/**
 * A HAR written by Chromium itself, replayed: playwright-core drives Debian's /usr/bin/chromium
 * with `recordHar: { content: 'embed' }`, a page opens a WebSocket to a local `ws` server and
 * talks to it, and the file Playwright writes on `context.close()` is what `wscope replay` reads.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { WebSocketServer as WsServer } from 'ws';
import { decodeJsonl } from '../../src/index.js';
import { CliProcess, killAll, runCli, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** The page's pause between its binary message and its JSON one. */
const PAUSE_MS = 400;

interface AppServer {
  port: number;
  requests: IncomingMessage[];
  arrivals: Array<{ at: number; text: string }>;
  close(): Promise<void>;
}

/**
 * An app: an HTML page and, on the same port, a `ws` server that answers text with `echo:TEXT`,
 * JSON with `{"id": N, "re": op}` (N counts up: it differs from run to run), binary as it came.
 */
async function appServer(prefix = 'echo:'): Promise<AppServer> {
  const http = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
  const wss = new WsServer({ server: http, handleProtocols: (offered) => [...offered][0] ?? false });
  const requests: IncomingMessage[] = [];
  const arrivals: AppServer['arrivals'] = [];
  let id = Math.floor(Math.random() * 1000);
  wss.on('connection', (socket, request) => {
    requests.push(request);
    socket.on('message', (data, isBinary) => {
      arrivals.push({ at: performance.now(), text: data.toString() });
      if (isBinary) socket.send(data, { binary: true });
      else if (data.toString().startsWith('{')) socket.send(JSON.stringify({ id: id++, re: (JSON.parse(data.toString()) as { op: string }).op }));
      else socket.send(`${prefix}${data.toString()}`);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as { port: number }).port,
    requests,
    arrivals,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

const dir = tempDir();
const harPath = join(dir.path, 'chromium.har');
let recordedAgainst: AppServer;

before(async () => {
  recordedAgainst = await appServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  try {
    const context = await browser.newContext({ recordHar: { path: harPath, content: 'embed' } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${recordedAgainst.port}/`);
    await page.evaluate(
      async ({ url, pause }) => {
        const socket = new WebSocket(url, ['chat', 'v2']);
        socket.binaryType = 'arraybuffer';
        let replies = 0;
        const replied = (count: number) =>
          new Promise<void>((resolve) => {
            const check = () => (replies >= count ? resolve() : setTimeout(check, 10));
            check();
          });
        socket.onmessage = () => replies++;
        await new Promise((resolve) => (socket.onopen = resolve));
        socket.send('hello');
        socket.send(new Uint8Array([0, 255, 1]));
        await replied(2);
        await new Promise((resolve) => setTimeout(resolve, pause));
        socket.send('{"op":"subscribe"}');
        await replied(3);
        socket.close(1000, 'bye');
        await new Promise((resolve) => (socket.onclose = resolve));
      },
      { url: `ws://127.0.0.1:${recordedAgainst.port}/live?room=7`, pause: PAUSE_MS },
    );
    await context.close();
  } finally {
    await browser.close();
  }
});

after(async () => {
  await recordedAgainst.close();
  dir.remove();
});
afterEach(() => killAll());

describe('replaying a HAR Chromium wrote (playwright-core recordHar, content: embed)', { timeout: 90_000 }, () => {
  test('the file has what we read: a websocket entry with _webSocketMessages, send and receive, times in epoch milliseconds', () => {
    const har = JSON.parse(readFileSync(harPath, 'utf8')) as { log: { creator: { name: string }; entries: Array<Record<string, unknown>> } };
    assert.equal(har.log.creator.name, 'Playwright');
    const sockets = har.log.entries.filter((entry) => entry['_resourceType'] === 'websocket');
    assert.equal(sockets.length, 1);
    const messages = sockets[0]!['_webSocketMessages'] as Array<{ type: string; time: number; opcode: number; data: string }>;
    assert.deepEqual(
      messages.filter((m) => m.type === 'send').map((m) => [m.opcode, m.data]),
      [
        [1, 'hello'],
        [2, 'AP8B'],
        [1, '{"op":"subscribe"}'],
      ],
    );
    assert.equal(messages.filter((m) => m.type === 'receive').length, 3);
    // Playwright writes wallTimeMs where DevTools writes epoch seconds: readHar tells them apart.
    assert.ok(
      messages.every((m) => m.time > 1e11),
      `times: ${messages.map((m) => m.time).join(', ')}`,
    );
  });

  test('replayed with --compare against the app: the recorded path, Origin, User-Agent and subprotocols, the gap kept, --ignore $.id makes it match', async () => {
    const app = await appServer();
    try {
      const target = `ws://127.0.0.1:${app.port}`;
      const strict = await runCli(['replay', harPath, '--target', target, '--compare', '--binary-view', 'base64'], undefined, { timeoutMs: 10_000 });
      // The server numbers its JSON replies: without --ignore the id differs.
      assert.equal(strict.code, 10, strict.stderr);
      assert.match(
        strict.stderr,
        /connection 1: reply 3 differs from the recording\n--- recorded\n\+\+\+ replayed\n-\{"id":\d+,"re":"subscribe"\}\n\+\{"id":\d+,"re":"subscribe"\}\n/,
      );
      const [first, second, third] = app.arrivals.slice(-3);
      assert.deepEqual([first!.text, second!.text.length, third!.text], ['hello', 3, '{"op":"subscribe"}']);
      const gap = third!.at - second!.at;
      assert.ok(gap >= PAUSE_MS - 50 && gap <= PAUSE_MS + 600, `the recorded pause of about ${PAUSE_MS} ms was kept: ${gap} ms`);
      const request = app.requests.at(-1)!;
      assert.equal(request.url, '/live?room=7');
      assert.equal(request.headers['origin'], `http://127.0.0.1:${recordedAgainst.port}`);
      assert.match(request.headers['user-agent'] ?? '', /HeadlessChrome/);
      assert.equal(request.headers['sec-websocket-protocol'], 'chat, v2');

      const cli = new CliProcess(['replay', harPath, '--target', target, '--compare', '--ignore', '$.id', '--speed', 'max', '--binary-view', 'base64']);
      const matched = await cli.result(10_000);
      assert.equal(matched.code, 0, matched.stderr);
      assert.match(matched.stdout, /^echo:hello\nAP8B\n\{"id":\d+,"re":"subscribe"\}\n$/);
      assert.match(matched.stderr, /connected to ws:\/\/127\.0\.0\.1:\d+\/live\?room=7, subprotocol chat/);
      assert.match(matched.stderr, /connection 1: 3 replies match the recording\n/);
    } finally {
      await app.close();
    }
  });

  test('record convert: the HAR as a JSONL trace (send as out, binary as base64, times in seconds), which replays the same', async () => {
    const jsonl = join(dir.path, 'chromium.jsonl');
    const converted = await runCli(['record', 'convert', harPath, jsonl], undefined);
    assert.equal(converted.code, 0, converted.stderr);
    const events = decodeJsonl(readFileSync(jsonl, 'utf8'));
    const data = (dir: 'in' | 'out') => events.flatMap((e) => (e.event === 'message' && e.dir === dir ? [[e.opcode, e.encoding, e.data]] : []));
    assert.equal(events[0]!.event, 'handshake');
    assert.deepEqual(data('out'), [
      [1, 'utf8', 'hello'],
      [2, 'base64', 'AP8B'],
      [1, 'utf8', '{"op":"subscribe"}'],
    ]);
    assert.deepEqual(data('in').slice(0, 2), [
      [1, 'utf8', 'echo:hello'],
      [2, 'base64', 'AP8B'],
    ]);
    assert.match(String(data('in')[2]?.[2]), /^\{"id":\d+,"re":"subscribe"\}$/);
    const seconds = Date.now() / 1000;
    assert.ok(
      events.every((e) => Math.abs(e.time - seconds) < 600),
      'epoch seconds, from the last minutes',
    );
    const app = await appServer();
    try {
      const replayed = await runCli(['replay', jsonl, '--target', `ws://127.0.0.1:${app.port}`, '--compare', '--ignore', '$.id', '--speed', 'max'], undefined);
      assert.equal(replayed.code, 0, replayed.stderr);
    } finally {
      await app.close();
    }
  });

  test('against a server that answers otherwise: exit 10 with the diff', async () => {
    const other = await appServer('ECHO ');
    try {
      const result = await runCli(
        ['replay', harPath, '--target', `ws://127.0.0.1:${other.port}`, '--compare', '--ignore', '$.id', '--speed', 'max'],
        undefined,
      );
      assert.equal(result.code, 10, result.stderr);
      assert.match(result.stderr, /reply 1 differs from the recording\n--- recorded\n\+\+\+ replayed\n-echo:hello\n\+ECHO hello\n/);
    } finally {
      await other.close();
    }
  });
});
