/**
 * The message toolbar in Chromium on a live `wscope listen --inspect`: Pause holds what arrives
 * (counted, "N new") and Resume shows all of it, nothing lost; Clear empties the table and later
 * messages still come; Export filtered HAR / JSONL, made in the page, hold exactly the rows the
 * filter shows (read back with the trace's own readers), while the server's Export HAR still
 * holds the whole session.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { WebSocket as WsClient } from 'ws';
import { decodeJsonl, readHar, type TraceEvent } from '../../src/index.js';
import { CliProcess, freePort, killAll, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

/** [direction, data] of each message event. */
function messages(events: readonly TraceEvent[]): Array<[string, string]> {
  return events.flatMap((e) => (e.event === 'message' ? [[e.dir, e.data] as [string, string]] : []));
}

describe('the toolbar: pause, resume, clear, export of the filtered rows', { timeout: 120_000 }, () => {
  const dir = tempDir();
  let browser: Browser;
  let cli: CliProcess;
  let page: Page;
  let client: WsClient;

  before(async () => {
    browser = await launchChromium();
    const port = await freePort();
    cli = new CliProcess(['listen', String(port), '--inspect']);
    const url = await inspectorUrl(cli, 'stderr');
    await cli.waitFor('stderr', /listening on port/);
    page = await browser.newPage();
    await page.goto(url.href);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');
    client = new WsClient(`ws://127.0.0.1:${port}/feed`);
    await new Promise((resolve) => client.once('open', resolve));
  });
  after(async () => {
    client?.close();
    killAll();
    await browser?.close();
    dir.remove();
  });

  const count = () => page.getByLabel('Matches');
  const rowTexts = async () => (await messageRows(page).allTextContents()).map((text) => /(?:a|p|later|keep|drop) \d+$/.exec(text)?.[0]);

  test('Pause holds what arrives, counted; Resume shows every message, in order', async () => {
    client.send('a 1');
    client.send('a 2');
    await textBecomes(count(), '2 of 2 match');
    await page.getByRole('button', { name: 'Pause' }).click();
    for (let i = 1; i <= 5; i++) client.send(`p ${i}`);
    await textBecomes(page.getByLabel('Held while paused'), '5 new');
    // Held: still two rows, and the count is of what is shown.
    assert.equal(await count().textContent(), '2 of 2 match');
    assert.deepEqual(await rowTexts(), ['a 1', 'a 2']);
    await page.getByRole('button', { name: 'Resume' }).click();
    await textBecomes(count(), '7 of 7 match');
    assert.deepEqual(await rowTexts(), ['a 1', 'a 2', 'p 1', 'p 2', 'p 3', 'p 4', 'p 5']);
    assert.equal(await page.getByLabel('Held while paused').count(), 0);
  });

  test('Clear empties the table; later messages still arrive', async () => {
    await page.getByRole('button', { name: 'Clear' }).click();
    await textBecomes(count(), '0 of 0 match');
    assert.equal(await messageRows(page).count(), 0);
    client.send('later 1');
    await textBecomes(count(), '1 of 1 match');
    assert.deepEqual(await rowTexts(), ['later 1']);
  });

  test('Export filtered HAR and JSONL: exactly the rows the filter shows; the server export: the whole session', async () => {
    for (const text of ['keep 1', 'drop 1', 'keep 2', 'drop 2']) client.send(text);
    client.send(Buffer.from('keep 3 as binary'));
    await textBecomes(count(), '6 of 6 match');
    await page.getByRole('searchbox', { name: 'Filter' }).fill('keep');
    await page.getByLabel('Type').selectOption('text');
    await textBecomes(count(), '2 of 6 match');

    const save = async (name: string, file: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole(name.startsWith('Export filtered') ? 'button' : 'link', { name, exact: true }).click(),
      ]);
      const path = join(dir.path, file);
      await download.saveAs(path);
      return { path, suggested: download.suggestedFilename() };
    };
    const har = await save('Export filtered HAR', 'filtered.har');
    assert.equal(har.suggested, 'wscope-filtered.har');
    const fromHar = readHar(JSON.parse(readFileSync(har.path, 'utf8')));
    assert.deepEqual(messages(fromHar), [
      ['in', 'keep 1'],
      ['in', 'keep 2'],
    ]);
    // The HAR still knows its connection: the handshake went with the rows.
    assert.equal(fromHar.find((e) => e.event === 'handshake')?.url.endsWith('/feed'), true);
    const jsonl = await save('Export filtered JSONL', 'filtered.jsonl');
    assert.equal(jsonl.suggested, 'wscope-filtered.jsonl');
    const fromJsonl = decodeJsonl(readFileSync(jsonl.path, 'utf8'));
    assert.deepEqual(messages(fromJsonl), [
      ['in', 'keep 1'],
      ['in', 'keep 2'],
    ]);
    assert.deepEqual(
      fromJsonl.map((e) => e.event),
      ['handshake', 'message', 'message'],
    );

    // The server's export is the session, cleared rows and filtered-out ones included.
    const whole = await save('Export HAR', 'whole.har');
    assert.deepEqual(
      messages(readHar(JSON.parse(readFileSync(whole.path, 'utf8')))).map(([, data]) => data),
      ['a 1', 'a 2', 'p 1', 'p 2', 'p 3', 'p 4', 'p 5', 'later 1', 'keep 1', 'drop 1', 'keep 2', 'drop 2', Buffer.from('keep 3 as binary').toString('base64')],
    );
    // Unfiltered, the page's export (made with the bundled writers, binary through their Buffer shim) is what the server has since the Clear.
    await page.getByRole('searchbox', { name: 'Filter' }).fill('');
    await page.getByLabel('Type').selectOption('all');
    await textBecomes(count(), '6 of 6 match');
    const shown = await save('Export filtered HAR', 'shown.har');
    assert.deepEqual(
      messages(readHar(JSON.parse(readFileSync(shown.path, 'utf8')))),
      messages(readHar(JSON.parse(readFileSync(whole.path, 'utf8')))).slice(-6),
    );
    await page.close();
    cli.child.kill('SIGINT');
    await cli.result(10_000);
  });
});
