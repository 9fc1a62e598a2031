/**
 * A HAR that Chromium wrote itself (playwright-core's recordHar, as DevTools exports it), opened
 * with `wscope inspect`: the page's WebSocket is a connection in the list and its frames are rows.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer as WsServer } from 'ws';
import { CliProcess, killAll, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

after(() => killAll());

test('wscope inspect over a HAR Chromium wrote: the connection by its URL, its frames as rows', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const http = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
  const wss = new WsServer({ server: http });
  wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(binary ? data : `echo:${data.toString()}`, { binary })));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const har = join(dir.path, 'chromium.har');
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ recordHar: { path: har, content: 'embed' } });
    const app = await context.newPage();
    await app.goto(`http://127.0.0.1:${port}/`);
    await app.evaluate(`new Promise((resolve) => {
      const ws = new WebSocket('ws://127.0.0.1:${port}/chat');
      ws.onopen = () => ws.send('from chromium');
      ws.onmessage = () => { ws.close(1000); resolve(); };
    })`);
    await context.close();

    const cli = new CliProcess(['inspect', har]);
    const page = await browser.newPage();
    await page.goto((await inspectorUrl(cli, 'stdout')).href);
    await page.getByRole('button', { name: `ws://127.0.0.1:${port}/chat` }).waitFor();
    const rows = messageRows(page);
    await rows.filter({ hasText: 'echo:from chromium' }).waitFor();
    assert.match(
      (await rows
        .filter({ hasText: /from chromium$/ })
        .first()
        .textContent()) ?? '',
      /^↑.*13 Btextfrom chromium$/,
    );
    assert.match((await rows.filter({ hasText: 'echo:from chromium' }).textContent()) ?? '', /^↓/);
    await page.getByRole('searchbox', { name: 'Filter' }).fill('echo');
    await textBecomes(page.getByLabel('Matches'), /^1 of \d+ match$/);
    cli.child.kill('SIGINT');
    assert.equal((await cli.result()).code, 0);
  } finally {
    await browser.close();
    wss.close();
    http.close();
    dir.remove();
  }
});
