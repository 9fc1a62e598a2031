/**
 * `wscope inspect` over recordings the real CLI made (`wscope connect --record`, HAR and JSONL),
 * read in Chromium the way a user reads it: the connection by its URL, the rows of the message
 * grid, the Filter search box and its count, the detail pane's JSON and hex dump, the keyboard.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { WebSocket, WebSocketServer } from '../../src/index.js';
import { parseRecordingEvents } from '../../src/replay/index.js';
import { answeringServer, CliProcess, killAll, ROOT, runCli, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

/** The peer: a JSON request gets a JSON answer, 'bytes' gets a binary message, anything else `echo:TEXT`. */
function answer(text: string, socket: WebSocket): void {
  if (text.startsWith('{')) socket.send(JSON.stringify({ ok: true, re: JSON.parse(text) }));
  else if (text === 'bytes') socket.send(Buffer.from([0x00, 0x01, 0x02, 0x41, 0xff]));
  else socket.send(`echo:${text}`);
}

/** What a recording file holds, as [direction, data] of each message: what an export must give back. */
function messagesOf(file: string): Array<[string, string]> {
  return parseRecordingEvents(file, readFileSync(file, 'utf8')).flatMap((e) => (e.event === 'message' ? [[e.dir, e.data] as [string, string]] : []));
}

const SENT = ['hello', '{"op":"subscribe","id":7}', 'bytes', 'needle in a haystack'];

describe('wscope inspect', { timeout: 90_000 }, () => {
  const dir = tempDir();
  let browser: Browser;
  let peer: { server: WebSocketServer; url: string };

  before(async () => {
    peer = await answeringServer(answer);
    browser = await launchChromium();
    const record = await runCli(
      ['connect', peer.url, '--record', join(dir.path, 's.har'), '--record', join(dir.path, 's.jsonl'), '-w', '1'],
      `${SENT.join('\n')}\n`,
    );
    assert.equal(record.code, 0, record.stderr);
  });
  after(async () => {
    killAll();
    await browser?.close();
    await peer?.server.close();
    dir.remove();
  });

  async function open(file: string): Promise<{ page: Page; cli: CliProcess }> {
    const cli = new CliProcess(['inspect', file]);
    const url = await inspectorUrl(cli, 'stdout');
    assert.equal(url.hostname, '127.0.0.1');
    const page = await browser.newPage();
    await page.goto(url.href);
    return { page, cli };
  }

  for (const format of ['har', 'jsonl']) {
    test(`a ${format} recording: the connection by its URL, every message a row, filter, detail pane, keyboard`, async () => {
      const { page, cli } = await open(join(dir.path, `s.${format}`));
      const connection = page.getByRole('button', { name: peer.url });
      await connection.waitFor();
      assert.match((await connection.textContent()) ?? '', /closed 1000 Normal Closure, we closed/);

      const grid = page.getByRole('grid', { name: 'Messages' });
      // Four sent, four answers, and the Close: the rows under the header row.
      const rows = messageRows(page);
      const count = page.getByLabel('Matches');
      await textBecomes(count, '9 of 9 match');
      assert.equal(await rows.count(), 9);
      assert.match((await rows.nth(0).textContent()) ?? '', /^↑.*5 Btexthello$/);
      assert.match((await rows.filter({ hasText: 'echo:hello' }).textContent()) ?? '', /^↓.*10 Btextecho:hello$/);
      assert.match((await rows.last().textContent()) ?? '', /↑.*close1000 Normal Closure$/);

      const filter = page.getByRole('searchbox', { name: 'Filter' });
      await filter.fill('needle');
      await textBecomes(count, '2 of 9 match');
      assert.equal(await rows.count(), 2);
      await filter.fill('/^echo:(hello|needle)/');
      await textBecomes(count, '2 of 9 match');
      assert.deepEqual(await rows.allTextContents().then((t) => t.map((s) => /echo:\w+/.exec(s)?.[0])), ['echo:hello', 'echo:needle']);
      await filter.fill('/(unclosed/');
      await textBecomes(count, /^bad regex: /);
      await filter.fill('');

      await page.getByLabel('Direction').selectOption('in');
      await textBecomes(count, '4 of 9 match');
      await page.getByLabel('Type').selectOption('binary');
      await textBecomes(count, '1 of 9 match');
      await rows.first().click();
      const detail = page.getByRole('region', { name: 'Message detail' });
      const hex = await detail.getByLabel('Hex dump').textContent();
      // Offset, two groups of eight hex bytes (23 columns each, the second empty here), then the ASCII.
      assert.equal(hex, `00000000  ${'00 01 02 41 ff'.padEnd(23)}  ${''.padEnd(23)}  |...A.|`);
      await page.getByLabel('Type').selectOption('all');
      await page.getByLabel('Direction').selectOption('all');
      await page.getByLabel('Pings, pongs and close').uncheck();
      await textBecomes(count, '8 of 9 match');

      await rows.filter({ hasText: '"ok":true' }).click();
      // The JSON view's tree: every node by its key and value, nested as the message is.
      const tree = detail.getByRole('tree', { name: 'JSON tree' });
      assert.deepEqual(
        await tree.getByRole('treeitem').evaluateAll((items) => items.map((item) => `${item.getAttribute('aria-level')} ${item.getAttribute('aria-label')}`)),
        ['1 $: {2 keys}', '2 ok: true', '2 re: {2 keys}', '3 op: "subscribe"', '3 id: 7'],
      );
      // From the first row, ↓ selects the second and ↑ the first again.
      const selected = grid.locator('[role=row][aria-selected=true]');
      await rows.first().click();
      await grid.press('ArrowDown');
      assert.equal(await selected.textContent(), await rows.nth(1).textContent());
      await grid.press('ArrowUp');
      assert.equal(await selected.textContent(), await rows.nth(0).textContent());
      assert.match((await detail.textContent()) ?? '', /↑ sent text, 5 B/);
      // Shift-click a second row (the last message: the Close is hidden now): the time between the two, as the recording has it.
      const times = parseRecordingEvents(join(dir.path, `s.${format}`), readFileSync(join(dir.path, `s.${format}`), 'utf8')).flatMap((e) =>
        e.event === 'message' ? [e.time] : [],
      );
      await rows.last().click({ modifiers: ['Shift'] });
      const gap = (times.at(-1)! - times[0]!) * 1000;
      const between = (await detail.getByText('between this message and the shift-clicked one').textContent()) ?? '';
      const shown = /^([\d.]+) (µs|ms|s) between/.exec(between);
      assert.ok(shown, between);
      const ms = Number(shown[1]) * { µs: 0.001, ms: 1, s: 1000 }[shown[2] as 'µs' | 'ms' | 's'];
      assert.ok(Math.abs(ms - gap) <= 0.1 + gap * 0.01, `${between} for ${gap} ms`);
      await page.keyboard.press('/');
      assert.equal(await page.evaluate('document.activeElement?.getAttribute("type")'), 'search');

      const handshake = page.getByRole('region', { name: 'Handshake' });
      assert.match((await handshake.textContent()) ?? '', /GET \/ → 101 Switching Protocols/);
      assert.match((await handshake.getByRole('table', { name: 'Response headers' }).textContent()) ?? '', /sec-websocket-accept/i);

      // Export: the session back as a file, read by our own reader, with the same messages.
      for (const [name, kind] of [
        ['Export HAR', 'har'],
        ['Export JSONL', 'jsonl'],
      ] as const) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
        const saved = join(dir.path, `exported-${format}.${kind}`);
        await download.saveAs(saved);
        assert.equal(download.suggestedFilename(), `wscope-session.${kind}`);
        assert.deepEqual(messagesOf(saved), messagesOf(join(dir.path, `s.${format}`)));
      }

      // The screenshots in docs/ are taken by this browser when asked (WSCOPE_SCREENSHOTS=1 npm test), so a plain run leaves the tree clean.
      if (format === 'har' && process.env.WSCOPE_SCREENSHOTS === '1') {
        await page.getByLabel('Pings, pongs and close').check();
        // The JSON answer selected, its tree open, a node focused (its Copy path / Copy value buttons show).
        await rows.filter({ hasText: '"ok":true' }).click();
        await tree.getByRole('treeitem', { name: 're: {2 keys}' }).focus();
        await page.screenshot({ path: join(ROOT, 'docs', 'inspector.png') });
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.screenshot({ path: join(ROOT, 'docs', 'inspector-dark.png') });
      }
      await page.close();
      cli.child.kill('SIGINT');
      assert.equal((await cli.result()).code, 0);
    });
  }

  test('a file that is not a recording: one line, exit 12', async () => {
    const result = await runCli(['inspect', join(dir.path, 'missing.har')], undefined);
    assert.equal(result.code, 12);
    assert.match(result.stderr, /^error: .*missing\.har: cannot read it: no such file\n$/);
  });
});
