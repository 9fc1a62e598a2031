/**
 * The inspector reading GraphQL over WebSocket, in Chromium: recordings of real runs against
 * `wscope graphql serve` (a graphql-transport-ws session typed into `wscope connect -s
 * graphql-transport-ws --record`, two operations on one connection; a legacy graphql-ws one
 * recorded by `wscope graphql --record`), opened with `wscope inspect`. Rows show the decoded
 * message (type, #id, operation name) before the payload, the detail pane says what the message
 * is, and the Operation filter leaves one operation's rows, counted with the other filters.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CliProcess, freePort, killAll, runCli, tempDir } from '../cli/helpers.js';
import { SCHEMA_SDL } from '../graphql/serve-helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

const COUNTING = 'subscription Counting { count }';
const HELLO = 'query Hello { hello }';

describe('the inspector on GraphQL recordings', { timeout: 120_000 }, () => {
  const dir = tempDir();
  const transportWs = join(dir.path, 'transport-ws.jsonl');
  const legacy = join(dir.path, 'legacy.jsonl');
  let browser: Browser;

  before(async () => {
    writeFileSync(join(dir.path, 'schema.graphql'), SCHEMA_SDL);
    const port = await freePort();
    const serve = new CliProcess(['graphql', 'serve', join(dir.path, 'schema.graphql'), '--port', String(port), '--interval', '50ms', '--count', '2']);
    await serve.waitFor('stderr', /graphql mock of .* on ws:\/\//, 15_000);
    const url = `ws://127.0.0.1:${port}/graphql`;

    // graphql-transport-ws typed by hand: subscribe only once acknowledged (before, the server closes 4401).
    const connect = new CliProcess(['connect', url, '-s', 'graphql-transport-ws', '--record', transportWs, '-w', '1']);
    connect.write('{"type":"connection_init"}\n');
    await connect.waitFor('stdout', /connection_ack/, 10_000);
    connect.write(`${JSON.stringify({ id: '1', type: 'subscribe', payload: { query: COUNTING } })}\n`);
    connect.write(`${JSON.stringify({ id: '2', type: 'subscribe', payload: { query: HELLO } })}\n`);
    await connect.waitFor('stdout', /"complete"[\s\S]*"complete"/, 10_000);
    connect.end();
    assert.equal((await connect.result(10_000)).code, 0);

    const run = await runCli(['graphql', url, '--protocol', 'graphql-ws', '-q', 'query Hi { hello }', '--record', legacy], '', { timeoutMs: 20_000 });
    assert.equal(run.code, 0, run.stderr);
    browser = await launchChromium();
  });
  after(async () => {
    killAll();
    await browser?.close();
    dir.remove();
  });

  async function open(file: string): Promise<Page> {
    const cli = new CliProcess(['inspect', file]);
    const page = await browser.newPage();
    await page.goto((await inspectorUrl(cli, 'stdout')).href);
    return page;
  }
  const previews = (page: Page) => messageRows(page).evaluateAll((rows) => rows.map((row) => row.querySelector('.preview')?.textContent));

  test('graphql-transport-ws: decoded previews, the detail line, the Operation filter with the others', async () => {
    const page = await open(transportWs);
    const count = page.getByLabel('Matches');
    // init, two subscribes, ack, two next and a complete for #1, a next and a complete for #2, the Close.
    await textBecomes(count, '10 of 10 match');
    const shown = await previews(page);
    for (const expected of [
      'connection_init',
      `subscribe #1 Counting {"query":"${COUNTING}"}`,
      `subscribe #2 Hello {"query":"${HELLO}"}`,
      'connection_ack',
      'complete #1',
      'complete #2',
    ]) {
      assert.ok(shown.includes(expected), `${expected} in ${JSON.stringify(shown)}`);
    }
    assert.equal(shown.filter((text) => /^next #1 \{"data":\{"count":-?\d+\}\}$/.test(text ?? '')).length, 2, JSON.stringify(shown));
    assert.equal(shown.filter((text) => /^next #2 \{"data":\{"hello":".*"\}\}$/.test(text ?? '')).length, 1, JSON.stringify(shown));

    const detail = page.getByRole('region', { name: 'Message detail' });
    const line = detail.getByRole('note', { name: 'GraphQL message' });
    await messageRows(page).filter({ hasText: 'subscribe #1' }).click();
    await textBecomes(line, 'graphql-transport-ws: subscribe, id 1, subscription Counting');
    // A next does not name its operation; its subscribe did.
    await messageRows(page).filter({ hasText: 'next #1' }).first().click();
    await textBecomes(line, 'graphql-transport-ws: next, id 1, Counting');
    await messageRows(page).filter({ hasText: 'connection_ack' }).click();
    await textBecomes(line, 'graphql-transport-ws: connection_ack');

    const operation = page.getByLabel('Operation');
    assert.deepEqual(await operation.getByRole('option').allTextContents(), ['all', '#1 Counting', '#2 Hello']);
    await operation.selectOption({ label: '#1 Counting' });
    await textBecomes(count, '4 of 10 match');
    assert.deepEqual(
      (await previews(page)).map((text) => text?.split(' ').slice(0, 2).join(' ')),
      ['subscribe #1', 'next #1', 'next #1', 'complete #1'],
    );
    await page.getByLabel('Direction').selectOption('in');
    await textBecomes(count, '3 of 10 match');
    await operation.selectOption({ label: '#2 Hello' });
    await textBecomes(count, '2 of 10 match');
    assert.deepEqual(
      (await previews(page)).map((text) => text?.split(' ').slice(0, 2).join(' ')),
      ['next #2', 'complete #2'],
    );
    await page.getByRole('searchbox', { name: 'Filter' }).fill('complete');
    await textBecomes(count, '1 of 10 match');
    await operation.selectOption({ label: 'all' });
    await textBecomes(count, '2 of 10 match');
  });

  test('legacy graphql-ws, recorded by wscope graphql: start / ka / data / complete decoded, one operation to choose', async () => {
    const page = await open(legacy);
    const count = page.getByLabel('Matches');
    await textBecomes(count, /^\d+ of \d+ match$/);
    await messageRows(page).filter({ hasText: 'complete #1' }).waitFor();
    const shown = await previews(page);
    for (const expected of ['connection_init', 'connection_ack', 'start #1 Hi {"query":"query Hi { hello }"}', 'complete #1', 'connection_terminate']) {
      assert.ok(shown.includes(expected), `${expected} in ${JSON.stringify(shown)}`);
    }
    assert.equal(shown.filter((text) => /^data #1 \{"data":\{"hello":".*"\}\}$/.test(text ?? '')).length, 1, JSON.stringify(shown));
    await messageRows(page).filter({ hasText: 'data #1' }).click();
    await textBecomes(page.getByRole('note', { name: 'GraphQL message' }), 'graphql-ws: data, id 1, Hi');
    const operation = page.getByLabel('Operation');
    assert.deepEqual(await operation.getByRole('option').allTextContents(), ['all', '#1 Hi']);
    await operation.selectOption({ label: '#1 Hi' });
    await textBecomes(count, /^3 of \d+ match$/);
  });
});
