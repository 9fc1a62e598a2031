/**
 * A tester's session: `wscope proxy --listen PORT --record FILE.har`, Chromium started with
 * --proxy-server pointing at it, a page served over http whose script opens a WebSocket. The
 * page's frames show in the proxy's output as they pass, and the HAR holds the socket as
 * DevTools would have recorded it in the browser.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { chromium } from 'playwright-core';
import { assertDevToolsMessages, readValidHar } from '../record/helpers.js';
import { echoServer } from '../node/helpers.js';
import { CliProcess, freePort, killAll, tempDir } from './helpers.js';

afterEach(killAll);
after(killAll);

test('Chromium pointed at the forward proxy: its page’s WebSocket frames shown and recorded', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const echo = await echoServer();
  const socketUrl = `ws://127.0.0.1:${echo.server.address().port}/live?user=7`;
  const site = createServer((_, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>waiting</title><script>
const socket = new WebSocket(${JSON.stringify(socketUrl)});
socket.onopen = () => socket.send(JSON.stringify({ op: 'subscribe', topic: 'prices ✓' }));
socket.onmessage = (event) => { document.title = 'got ' + event.data; socket.close(4000, 'page done'); };
</script>`),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const sitePort = (site.address() as { port: number }).port;
  const har = join(dir.path, 'browser.har');
  const port = await freePort();
  const cli = new CliProcess(['proxy', '--listen', String(port), '--record', har]);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // Chromium sends loopback traffic around any proxy unless the bypass list says otherwise.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      `--proxy-server=http://127.0.0.1:${port}`,
      '--proxy-bypass-list=<-loopback>',
    ],
    timeout: 30_000,
  });
  try {
    await cli.waitFor('stderr', /forward proxy listening/);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${sitePort}/app.html`, { timeout: 10_000 });
    await page.waitForFunction("document.title !== 'waiting'", undefined, { timeout: 10_000 });
    const sent = '{"op":"subscribe","topic":"prices ✓"}';
    assert.equal(await page.title(), `got ${sent}`);

    await cli.waitFor('stderr', /#1 .*4000/);
    assert.match(cli.stderr, new RegExp(`http GET http://127\\.0\\.0\\.1:${sitePort}/app\\.html → 200`));
    assert.ok(cli.stderr.includes(`#1 opened 127.0.0.1:`) && cli.stderr.includes(`→ ${socketUrl}`), cli.stderr);
    assert.ok(cli.stdout.includes(`< #1 client → server ${sent}`), cli.stdout);
    assert.ok(cli.stdout.includes(`< #1 server → client ${sent}`), cli.stdout);

    cli.child.kill('SIGINT');
    assert.equal((await cli.result()).code, 0);
    const log = await readValidHar(har);
    assert.equal(log.log.entries.length, 1, 'one entry: the WebSocket (plain HTTP is not a WebSocket connection)');
    const entry = log.log.entries[0]!;
    assertDevToolsMessages(entry);
    assert.equal(entry.request.url, socketUrl);
    const texts = (type: string) => entry._webSocketMessages.filter((m) => m.opcode === 1 && m.type === type).map((m) => m.data);
    assert.deepEqual(texts('send'), [sent]);
    assert.deepEqual(texts('receive'), [sent]);
    assert.ok(
      entry.request.headers.some((h) => h.name.toLowerCase() === 'user-agent' && /Chrome/.test(h.value)),
      'the browser’s own request headers',
    );
  } finally {
    await browser.close();
    site.close();
    await echo.server.close();
    dir.remove();
  }
});
