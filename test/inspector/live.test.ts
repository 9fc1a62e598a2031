/**
 * The inspector live: `wscope connect --inspect` and `wscope listen --inspect` (real CLI
 * processes) print the page's URL on stderr, and Chromium sees each message arrive while the
 * session goes on; a burst of 10 000 messages reaches the page in batches, not one frame each;
 * the page's own socket stays out of the session's recording.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { WebSocket as WsClient } from 'ws';
import { answeringServer, CliProcess, freePort, killAll, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

const BURST = 10_000;

describe('--inspect: the live session in the page', { timeout: 90_000 }, () => {
  const dir = tempDir();
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    killAll();
    await browser?.close();
    dir.remove();
  });

  test('connect --inspect: messages appear as they travel, a burst comes batched, the recording holds the session only', async () => {
    const peer = await answeringServer((text, socket) => {
      if (text === 'burst') for (let i = 0; i < BURST; i++) socket.send(`burst ${i}`);
      else socket.send(`echo:${text}`);
    });
    const har = join(dir.path, 'live.har');
    const cli = new CliProcess(['connect', peer.url, '--inspect', '--record', har]);
    const url = await inspectorUrl(cli, 'stderr');
    const page = await browser.newPage();
    let frames = 0;
    page.on('websocket', (socket) => socket.on('framereceived', () => frames++));
    await page.goto(url.href);
    const count = page.getByLabel('Matches');
    const rows = messageRows(page);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');
    await page.getByRole('button', { name: peer.url }).waitFor();

    cli.write('first\n');
    await rows.filter({ hasText: 'echo:first' }).waitFor();
    await textBecomes(count, '2 of 2 match');
    cli.write('second\n');
    await rows.filter({ hasText: 'echo:second' }).waitFor();
    await textBecomes(count, '4 of 4 match');
    assert.match((await page.getByRole('button', { name: peer.url }).textContent()) ?? '', /open/);

    const framesBefore = frames;
    const started = Date.now();
    cli.write('burst\n');
    await textBecomes(count, `${5 + BURST} of ${5 + BURST} match`, 30_000);
    const took = Date.now() - started;
    const batches = frames - framesBefore;
    console.log(`# a burst of ${BURST} messages: on the page in ${took} ms, in ${batches} WebSocket frames`);
    // One frame per BATCH_MS at most while it lasts, whatever the message rate.
    assert.ok(batches <= Math.ceil(took / 50) + 2, `${batches} frames in ${took} ms`);
    // Following the end: the last message's row is in view.
    await rows.filter({ hasText: `burst ${BURST - 1}` }).waitFor();

    cli.end();
    assert.equal((await cli.result(10_000)).code, 0);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'disconnected from wscope');
    const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } }).log.entries;
    assert.deepEqual(
      entries.map((e) => e.request.url),
      [peer.url],
    );
    await page.close();
    await peer.server.close();
  });

  test('listen --inspect: each client a connection in the list, its messages as they come', async () => {
    const port = await freePort();
    const cli = new CliProcess(['listen', String(port), '--inspect']);
    const url = await inspectorUrl(cli, 'stderr');
    await cli.waitFor('stderr', /listening on port/);
    const page = await browser.newPage();
    await page.goto(url.href);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');

    const a = new WsClient(`ws://127.0.0.1:${port}/a`);
    await new Promise((resolve) => a.once('open', resolve));
    a.send('hello from a');
    const rows = messageRows(page);
    await rows.filter({ hasText: 'hello from a' }).waitFor();
    const b = new WsClient(`ws://127.0.0.1:${port}/b`);
    await new Promise((resolve) => b.once('open', resolve));
    b.send('hello from b');
    await rows.filter({ hasText: 'hello from b' }).waitFor();
    await page.getByRole('button', { name: `ws://127.0.0.1:${port}/b` }).click();
    await textBecomes(page.getByLabel('Matches'), '1 of 2 match');
    assert.match((await rows.first().textContent()) ?? '', /^↓.*hello from b$/);
    assert.match((await page.getByRole('region', { name: 'Handshake' }).textContent()) ?? '', /A client connected to ws:\/\/127\.0\.0\.1:\d+\/b/);

    a.close(4001, 'done here');
    await page
      .getByRole('button', { name: `ws://127.0.0.1:${port}/a` })
      .filter({ hasText: 'closed 4001' })
      .waitFor();
    b.close();
    await page.close();
    cli.child.kill('SIGINT');
    await cli.result(10_000);
  });
});
