/**
 * `wscope run FILE --inspect` (the real CLI): while the scenario runs, Chromium shows its
 * connection and messages live; the page keeps them after the run ends; --record holds the
 * scenario's connection only.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type WebSocket as WsSocket, WebSocketServer as WsServer } from 'ws';
import { decodeJsonl } from '../../src/index.js';
import { CliProcess, killAll, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

after(() => killAll());

test('run --inspect: the scenario live in the page, kept there after the run', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const server = new WsServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  // The server answers "go" only when the test says: the scenario waits for it, so the page can watch.
  const connected = new Promise<WsSocket>((resolve) => server.once('connection', resolve));
  const port = (server.address() as { port: number }).port;
  const file = join(dir.path, 'watch.wscope.yaml');
  writeFileSync(
    file,
    `scenarios:
  - name: waits for go
    connect: ws://127.0.0.1:${port}/feed
    steps:
      - send: { text: ready }
      - expect: { text: go, within: 30s }
`,
  );
  const jsonl = join(dir.path, 'run.jsonl');
  const cli = new CliProcess(['run', file, '--inspect', '--record', jsonl]);
  const url = await inspectorUrl(cli, 'stderr');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url.href);
    const socket = await connected;
    await page.getByRole('button', { name: `ws://127.0.0.1:${port}/feed` }).waitFor();
    await messageRows(page).filter({ hasText: 'ready' }).waitFor();
    socket.send('go');
    const result = await cli.result(20_000);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'disconnected from wscope');
    // The run is over; what it did stays on the page.
    assert.deepEqual(
      (await messageRows(page).allTextContents()).map((t) => /(ready|go|close.*)$/.exec(t)?.[1]),
      ['ready', 'go', 'close1000 Normal Closure'],
    );
    const urls = decodeJsonl(readFileSync(jsonl, 'utf8')).flatMap((e) => (e.event === 'handshake' ? [e.url] : []));
    assert.deepEqual(urls, [`ws://127.0.0.1:${port}/feed`]);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  }
});
