/**
 * Our HAR read by Chrome DevTools' own importer: the DevTools front-end that Chromium ships
 * (devtools://devtools/bundled/), its models/har module (HARFormat.HARRoot, then
 * Importer.requestsFromHARLog, what Network → Import HAR runs), in a headless Chromium driven by
 * playwright-core. Each recorded connection must come back as a WebSocket request whose frames
 * are the messages that travelled, `send` being the client's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer as WsServer, WebSocket as WsClient } from 'ws';
import { CliProcess, killAll, runCli, tempDir } from '../cli/helpers.js';
import { launchChromium } from '../interop/chromium-peer.js';

interface ImportedRequest {
  url: string;
  resourceType: string;
  status: number;
  frames: Array<{ type: string; opCode: number; text: string; time: number }>;
}

/** The part of DevTools' models/har module (HARFormat.ts, Importer.ts) and SDK.NetworkRequest that the test calls. */
interface DevToolsHarModule {
  HARFormat: { HARRoot: new (data: unknown) => { log: unknown } };
  Importer: {
    Importer: {
      requestsFromHARLog(log: unknown): Array<{
        url(): string;
        resourceType(): { name(): string };
        statusCode: number;
        frames(): Array<{ type: string; opCode: number; text: string; time: number }>;
      }>;
    };
  };
}

let browser: Browser;
let page: Page;

/** What DevTools makes of a HAR file: its requests, with their WebSocket frames. */
async function importInDevTools(file: string): Promise<ImportedRequest[]> {
  return page.evaluate(
    async ({ text, module }) => {
      // A module of the DevTools front-end, resolved against devtools://devtools/bundled/.
      const har = (await import(module)) as DevToolsHarModule;
      const log = new har.HARFormat.HARRoot(JSON.parse(text)).log;
      return har.Importer.Importer.requestsFromHARLog(log).map((request) => ({
        url: request.url(),
        resourceType: request.resourceType().name(),
        status: request.statusCode,
        frames: request.frames().map((frame) => ({ type: frame.type, opCode: frame.opCode, text: frame.text, time: frame.time })),
      }));
    },
    { text: readFileSync(file, 'utf8'), module: './models/har/har.js' },
  );
}

const frameOf = (type: string, data: string | Buffer, binary = false) => ({
  type,
  opCode: binary ? 2 : 1,
  text: binary ? Buffer.from(data).toString('base64') : String(data),
});

describe("DevTools' HAR importer reads our recordings", { timeout: 60_000 }, () => {
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto('devtools://devtools/bundled/devtools_app.html');
  });
  after(async () => {
    killAll();
    await browser?.close();
  });

  test('connect --record: one WebSocket request, status 101, every message as a frame (text, binary, compressed)', async () => {
    const dir = tempDir();
    const server = new WsServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
    await new Promise((resolve) => server.once('listening', resolve));
    const big = 'xyz'.repeat(2000);
    server.on('connection', (socket) => {
      socket.send('line one\nline two ✓');
      socket.send(Buffer.from([0xff, 0x00, 0x80]));
      socket.send(big);
    });
    try {
      const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/devtools`;
      const file = join(dir.path, 'client.har');
      const result = await runCli(['connect', url, '--slash', '-w', '0.3', '--record', file], 'typed\n/binary 0102\n');
      assert.equal(result.code, 0, result.stderr);
      const requests = await importInDevTools(file);
      assert.equal(requests.length, 1);
      const [request] = requests;
      assert.deepEqual([request?.url, request?.resourceType, request?.status], [url, 'websocket', 101]);
      const frames = request!.frames.map(({ type, opCode, text }) => ({ type, opCode, text }));
      assert.deepEqual(
        frames.filter((f) => f.type === 'receive'),
        [frameOf('receive', 'line one\nline two ✓'), frameOf('receive', Buffer.from([0xff, 0x00, 0x80]), true), frameOf('receive', big)],
      );
      assert.deepEqual(
        frames.filter((f) => f.type === 'send'),
        [frameOf('send', 'typed'), frameOf('send', Buffer.from([0x01, 0x02]), true)],
      );
      for (const frame of request!.frames) assert.ok(frame.time > 1.7e9 && frame.time < 1e10, 'epoch seconds');
    } finally {
      server.close();
      dir.remove();
    }
  });

  test("listen --record: each client a request; DevTools' send is what the client sent", async () => {
    const dir = tempDir();
    const file = join(dir.path, 'server.har');
    const cli = new CliProcess(['listen', '0', '--echo', '-q', '--record', file]);
    try {
      const [, port] = await cli.waitFor('stderr', /listening on port (\d+)/);
      for (const name of ['first', 'second']) {
        const client = new WsClient(`ws://127.0.0.1:${port}/${name}`);
        await new Promise((resolve) => client.once('open', resolve));
        const echoed = new Promise((resolve) => client.once('message', resolve));
        client.send(`hello from ${name}`);
        await echoed;
        client.close(1000);
        await new Promise((resolve) => client.once('close', resolve));
      }
      cli.child.kill('SIGTERM');
      assert.equal((await cli.result()).code, 0);
      const requests = await importInDevTools(file);
      assert.deepEqual(
        requests.map((r) => [r.url.replace(/:\d+\//, ':PORT/'), r.resourceType, r.frames.map(({ type, text }) => `${type} ${text}`)]),
        ['first', 'second'].map((name) => [`ws://127.0.0.1:PORT/${name}`, 'websocket', [`send hello from ${name}`, `receive hello from ${name}`]]),
      );
    } finally {
      dir.remove();
    }
  });
});
