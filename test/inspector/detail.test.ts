/**
 * The detail pane in Chromium, over a recording the real CLI made: a JSON message as a tree
 * (ARIA tree, arrow keys open and close), Copy path and Copy value read back from the clipboard,
 * the Text / JSON / Hex / Base64 views, a Close decoded, and a 1 MB JSON message that opens
 * without making the page wait (its deep nodes closed, its long arrays shown a page at a time).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WebSocket, WebSocketServer } from '../../src/index.js';
import { answeringServer, CliProcess, killAll, runCli, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

const ORDER = {
  id: 'o-17',
  items: [
    { name: 'bolt', qty: 10 },
    { name: 'nut', qty: 12 },
    { name: 'widget', qty: 1, tags: ['new', 'blue'] },
  ],
  'a b': { "it's": null },
};
const BYTES = Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x41, 0x42]);
/** About 1 MB of JSON: 10 000 rows of a few fields. */
const BIG = {
  meta: { rows: 10_000, note: 'x'.repeat(200) },
  rows: Array.from({ length: 10_000 }, (_, i) => ({ id: i, name: `row ${i}`, text: 'lorem ipsum dolor sit amet '.repeat(3), tags: ['a', 'b', i % 7] })),
};

function answer(text: string, socket: WebSocket): void {
  if (text === 'order') socket.send(JSON.stringify(ORDER));
  else if (text === 'bytes') socket.send(BYTES);
  else if (text === 'big') socket.send(JSON.stringify(BIG));
  else if (text === 'bye') socket.close(1008, 'no more');
}

describe('the detail pane', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const file = join(dir.path, 'detail.jsonl');
  let browser: Browser;
  let context: BrowserContext;
  let peer: { server: WebSocketServer; url: string };
  let cli: CliProcess;
  let page: Page;

  before(async () => {
    peer = await answeringServer(answer);
    const record = await runCli(['connect', peer.url, '--record', file, '-w', '2'], 'order\nbytes\nbig\nbye\n');
    // The peer ends it with 1008: the session's end as the recording has it.
    assert.match(record.stderr, /closed 1008 Policy Violation/);
    browser = await launchChromium();
    // Copy path / Copy value write to the clipboard; the test reads it back.
    context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    cli = new CliProcess(['inspect', file]);
    const url = await inspectorUrl(cli, 'stdout');
    page = await context.newPage();
    await page.goto(url.href);
    await textBecomes(page.getByLabel('Matches'), '8 of 8 match');
  });
  after(async () => {
    killAll();
    await browser?.close();
    await peer?.server.close();
    dir.remove();
  });

  const detail = () => page.getByRole('region', { name: 'Message detail' });
  const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');
  /** The tree item with this label, on the node's own line (not a child's). */
  const item = (label: string) => detail().getByRole('treeitem', { name: label, exact: true });
  const own = (label: string, button: 'Copy path' | 'Copy value') => item(label).getByRole('button', { name: button }).first();

  test('a JSON message: a tree, open to depth 2, arrow keys to open and close, copy path and value', async () => {
    await messageRows(page).filter({ hasText: '"id":"o-17"' }).click();
    const tree = detail().getByRole('tree', { name: 'JSON tree' });
    assert.equal(await detail().getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected'), 'true');
    assert.equal(await item('$: {3 keys}').getAttribute('aria-expanded'), 'true');
    assert.equal(await item('items: [3 items]').getAttribute('aria-expanded'), 'true');
    // Depth 2 starts closed, and its children are not made until it opens.
    const widget = item('2: {3 keys}');
    assert.equal(await widget.getAttribute('aria-expanded'), 'false');
    assert.equal(await tree.getByRole('treeitem', { name: 'name: "widget"' }).count(), 0);

    await widget.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await widget.getAttribute('aria-expanded'), 'true');
    await item('name: "widget"').waitFor();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await widget.getAttribute('aria-expanded'), 'false');
    assert.equal(await tree.getByRole('treeitem', { name: 'name: "widget"' }).count(), 0);
    // Opened again, → goes to the first child, ↓ to the next, ← back to the parent.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const focused = () => page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label") ?? null');
    assert.equal(await focused(), 'name: "widget"');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'qty: 1');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focused(), '2: {3 keys}');
    // On the keyboard: V copies the focused node's value, P its path.
    await page.keyboard.press('v');
    await textBecomes(detail().locator('output.copied'), 'Copied value');
    assert.deepEqual(JSON.parse(await clipboard()), ORDER.items[2]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('p');
    await textBecomes(detail().locator('output.copied'), 'Copied path');
    assert.equal(await clipboard(), '$.items[2].name');

    await own('name: "widget"', 'Copy path').click();
    await textBecomes(detail().locator('output.copied'), 'Copied path');
    assert.equal(await clipboard(), '$.items[2].name');
    await own('2: {3 keys}', 'Copy value').click();
    assert.deepEqual(JSON.parse(await clipboard()), ORDER.items[2]);
    // A key that is not a name is bracket-quoted, quotes escaped.
    await own('a b: {1 key}', 'Copy path').click();
    assert.equal(await clipboard(), "$['a b']");
    await item(`it's: null`).getByRole('button', { name: 'Copy path' }).click();
    assert.equal(await clipboard(), "$['a b']['it\\'s']");
    await own('$: {3 keys}', 'Copy value').click();
    assert.deepEqual(JSON.parse(await clipboard()), ORDER);

    // The same message as text: exactly what travelled.
    await detail().getByRole('tab', { name: 'Text' }).click();
    assert.equal(await detail().getByRole('tabpanel', { name: 'Text' }).textContent(), JSON.stringify(ORDER));
    await detail().getByRole('tab', { name: 'JSON' }).click();
    await tree.waitFor();
  });

  test('a binary message: hex by default, then base64 and text; the view chosen stays for messages of its kind', async () => {
    await messageRows(page).filter({ hasText: '00 01 7f 80' }).click();
    assert.equal(await detail().getByRole('tab', { name: 'Hex' }).getAttribute('aria-selected'), 'true');
    assert.equal(await detail().getByRole('tab', { name: 'JSON' }).count(), 0);
    assert.equal(
      await detail().getByRole('tabpanel', { name: 'Hex dump' }).textContent(),
      `00000000  00 01 7f 80 fe ff 41 42${' '.repeat(2 + 23 + 2)}|......AB|`,
    );
    await detail().getByRole('tab', { name: 'Base64' }).click();
    assert.equal(await detail().getByRole('tabpanel', { name: 'Base64' }).textContent(), BYTES.toString('base64'));
    await detail().getByRole('tab', { name: 'Text' }).click();
    assert.equal(await detail().getByRole('tabpanel', { name: 'Text' }).textContent(), new TextDecoder().decode(BYTES));
    // Base64 chosen for a binary message; a text message opens as text, and the binary one again in Base64.
    await detail().getByRole('tab', { name: 'Base64' }).click();
    await messageRows(page)
      .filter({ hasText: /^↑.*order$/ })
      .click();
    assert.equal(await detail().getByRole('tabpanel', { name: 'Text' }).textContent(), 'order');
    await detail().getByRole('tab', { name: 'Base64' }).click();
    assert.equal(await detail().getByRole('tabpanel', { name: 'Base64' }).textContent(), Buffer.from('order').toString('base64'));
    await messageRows(page).filter({ hasText: '00 01 7f 80' }).click();
    assert.equal(await detail().getByRole('tabpanel', { name: 'Base64' }).textContent(), BYTES.toString('base64'));
  });

  test('the Close: its code and what the registry says it means, the reason, who sent it', async () => {
    await messageRows(page).filter({ hasText: '1008 Policy Violation' }).click();
    const text = await detail().getByLabel('Close frame').textContent();
    assert.match(text ?? '', /Code1008 Policy Violation: the endpoint received a message that violates its policy/);
    assert.match(text ?? '', /Reasonno more/);
    assert.match(text ?? '', /Closed bythe peer, clean/);
    assert.match(text ?? '', /The peer's Close frame1008 Policy Violation "no more" at [\d:.]+Our Close frame1008 Policy Violation "no more"/);
  });

  test('a 1 MB JSON message opens at once: deep nodes closed, a long array a page at a time', async () => {
    const row = messageRows(page).filter({ hasText: '"meta":' });
    assert.match((await row.textContent()) ?? '', /1\.\d MB/);
    const started = Date.now();
    await row.click();
    await item('rows: [10000 items]').waitFor();
    const took = Date.now() - started;
    const items = await detail().getByRole('treeitem').count();
    console.log(`# a ${(JSON.stringify(BIG).length / 1e6).toFixed(2)} MB JSON message: its tree in ${took} ms, ${items} tree items in the DOM`);
    // The root, meta and rows, meta's two fields, and the first page of rows (each closed).
    assert.equal(items, 5 + 200);
    assert.equal(await item('199: {4 keys}').getAttribute('aria-expanded'), 'false');
    await detail().getByRole('button', { name: 'Show 200 more of 9800' }).click();
    await item('399: {4 keys}').waitFor();
    assert.equal(await detail().getByRole('treeitem').count(), 5 + 400);
    // The page still answers: the table's keys move the selection to the next row.
    const responsive = Date.now();
    await page.getByRole('grid', { name: 'Messages' }).press('ArrowDown');
    await textBecomes(detail().locator('h2'), /received close/);
    console.log(`# after it, the next row selected in ${Date.now() - responsive} ms`);
    await page.close();
    cli.child.kill('SIGINT');
    assert.equal((await cli.result()).code, 0);
  });
});
