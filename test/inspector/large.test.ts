/**
 * 100 000 messages in a recording: the grid keeps a bounded number of rows in the DOM, scrolling
 * to the end shows the last message, and a filter over all of them answers quickly. The times
 * are printed (`#` lines) and recorded in docs/inspector.md.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeJsonl, type TraceEvent } from '../../src/index.js';
import { CliProcess, killAll, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

const COUNT = 100_000;

function bigRecording(): TraceEvent[] {
  const start = 1764581813;
  const events: TraceEvent[] = [
    {
      time: start,
      conn: 1,
      event: 'handshake',
      dir: 'out',
      role: 'client',
      url: 'ws://127.0.0.1:8765/feed',
      method: 'GET',
      target: '/feed',
      httpVersion: 'HTTP/1.1',
      requestHeaders: [['Host', '127.0.0.1:8765']],
      status: 101,
      statusText: 'Switching Protocols',
      responseHeaders: [['Upgrade', 'websocket']],
      protocol: '',
      extensions: '',
      start,
      timings: { wait: 1 },
    },
  ];
  for (let i = 0; i < COUNT; i++) {
    const data = JSON.stringify({ seq: i, price: (i * 7) % 1000, tick: i % 10 === 0 ? 'ten' : 'one' });
    events.push({
      time: start + (i + 1) / 1000,
      conn: 1,
      event: 'message',
      dir: i % 2 ? 'in' : 'out',
      opcode: 1,
      size: Buffer.byteLength(data),
      data,
      encoding: 'utf8',
    });
  }
  return events;
}

after(() => killAll());

test(`${COUNT} messages: a bounded DOM, the last one at the end of the scroll, a filter over all of them`, { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const file = join(dir.path, 'big.jsonl');
  writeFileSync(file, encodeJsonl(bigRecording()));
  const cli = new CliProcess(['inspect', file]);
  const url = await inspectorUrl(cli, 'stdout', 30_000);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const loading = Date.now();
    await page.goto(url.href);
    const count = page.getByLabel('Matches');
    await textBecomes(count, `${COUNT} of ${COUNT} match`, 60_000);
    const shown = Date.now() - loading;
    const rows = messageRows(page);
    const inDom = await rows.count();
    assert.ok(inDom > 5 && inDom < 100, `${inDom} rows in the DOM`);

    await page.locator('.grid .body').evaluate((body) => body.scrollTo(0, body.scrollHeight));
    await rows.filter({ hasText: `"seq":${COUNT - 1},` }).waitFor();
    assert.ok((await rows.count()) < 100);

    const filtering = Date.now();
    await page.getByRole('searchbox', { name: 'Filter' }).fill('"tick":"ten"');
    await textBecomes(count, `${COUNT / 10} of ${COUNT} match`, 30_000);
    const filtered = Date.now() - filtering;
    const regexing = Date.now();
    await page.getByRole('searchbox', { name: 'Filter' }).fill('/"seq":9999\\d,/');
    await textBecomes(count, `10 of ${COUNT} match`, 30_000);
    const regexed = Date.now() - regexing;
    console.log(`# ${COUNT} messages: shown in ${shown} ms (page load and transfer included); ${inDom} rows in the DOM`);
    console.log(`# filter "tick":"ten" over them: ${filtered} ms; /regex/: ${regexed} ms`);
  } finally {
    await browser.close();
    cli.child.kill('SIGINT');
    await cli.result(10_000);
    dir.remove();
  }
});
