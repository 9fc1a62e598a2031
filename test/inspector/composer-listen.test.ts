/**
 * The composer in listen mode: `wscope listen PORT --inspect` with two `ws` clients. The "To"
 * choice lists each open client by its URL; a message sent to one reaches only that one, one sent
 * to "All clients" reaches both, and a Close sent to one closes it while the server goes on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type RawData, WebSocket as WsClient } from 'ws';
import { CliProcess, eventually, freePort, killAll } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

interface Client {
  socket: WsClient;
  got: string[];
  closed?: { code: number; reason: string };
}

async function client(url: string): Promise<Client> {
  const socket = new WsClient(url);
  const result: Client = { socket, got: [] };
  socket.on('message', (data: RawData) => result.got.push(data.toString()));
  socket.on('close', (code: number, reason: Buffer) => (result.closed = { code, reason: reason.toString() }));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return result;
}

describe('the composer: listen --inspect', { timeout: 120_000 }, () => {
  let browser: Browser;
  const sockets: WsClient[] = [];

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    for (const socket of sockets) socket.terminate();
    killAll();
    await browser?.close();
  });

  test('to one client, then to all, then a Close to one: each reaches only whom it was sent to', async () => {
    const port = await freePort();
    const cli = new CliProcess(['listen', String(port), '--inspect']);
    const url = await inspectorUrl(cli, 'stderr');
    await cli.waitFor('stderr', /listening on port/);
    const a = await client(`ws://127.0.0.1:${port}/a`);
    const b = await client(`ws://127.0.0.1:${port}/b`);
    sockets.push(a.socket, b.socket);

    const page = await browser.newPage();
    await page.goto(url.href);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');
    const to = page.getByLabel('To', { exact: true });
    await textBecomes(to.locator('option').first(), 'All clients (2)');
    const options = await to.locator('option').allTextContents();
    assert.deepEqual(
      options.map((o) => o.replace(/\(connection \d+\)/, '(connection N)')),
      ['All clients (2)', `ws://127.0.0.1:${port}/a (connection N)`, `ws://127.0.0.1:${port}/b (connection N)`],
    );
    const message = page.getByRole('textbox', { name: 'Message' });
    const send = page.getByRole('button', { name: 'Send', exact: true });
    const result = page.getByLabel('Composer result');

    await to.selectOption({ label: options[1]! });
    await message.fill('only for a');
    await send.click();
    await eventually(() => a.got.length === 1, 'client a to receive its message');
    await textBecomes(result, 'Sent text message (10 B)');

    await to.selectOption({ label: 'All clients (2)' });
    await message.fill('for everyone');
    await message.press('Control+Enter');
    await eventually(() => a.got.length === 2 && b.got.length === 1, 'both clients to receive the message to all');
    assert.deepEqual(a.got, ['only for a', 'for everyone']);
    assert.deepEqual(b.got, ['for everyone']);
    // The sent rows come through the trace: one per client the message went to.
    await messageRows(page).filter({ hasText: 'for everyone' }).nth(1).waitFor();

    await to.selectOption({ label: options[2]! });
    await page.getByLabel('Close code').fill('4000');
    await page.getByLabel('Close reason').fill('just b');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await eventually(() => b.closed, 'client b to be closed');
    assert.deepEqual(b.closed, { code: 4000, reason: 'just b' });
    assert.equal(a.closed, undefined);
    // The server goes on, and the closed client leaves the choice.
    await textBecomes(to.locator('option').first(), 'All clients (1)');
    assert.equal(await to.locator('option').count(), 2);
    assert.equal(cli.child.exitCode, null);
    await page.close();
    cli.child.kill('SIGINT');
    await cli.result(10_000);
  });
});
