/**
 * The composer in connect mode: `wscope connect URL --inspect` (the real CLI in a process),
 * Chromium on the printed URL, and a real peer that says what it received: the `ws` library's
 * server (messages, pings, the Close) and Python websockets' (its echo, the Close it saw). What the
 * page sends arrives at the peer exactly, shows in the message table as a sent row through the
 * trace, and what may not be sent (bad JSON, bad hex, close 1005, more than the inspector's socket
 * takes) is refused on the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CliProcess, eventually, killAll } from '../cli/helpers.js';
import { pythonPeer } from '../interop/python-peer.js';
import { recordingWsServer } from './composer-peers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

async function openComposer(browser: Browser, cli: CliProcess, peerUrl: string): Promise<Page> {
  const url = await inspectorUrl(cli, 'stderr');
  const page = await browser.newPage();
  await page.goto(url.href);
  await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');
  await page.getByRole('button', { name: peerUrl }).filter({ hasText: 'open' }).waitFor();
  await page.getByRole('region', { name: 'Composer' }).waitFor();
  return page;
}

describe('the composer: connect --inspect', { timeout: 120_000 }, () => {
  let browser: Browser;
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    browser = await launchChromium();
    await pythonPeer.setUp();
  });
  after(async () => {
    killAll();
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    await pythonPeer.tearDown();
    await browser?.close();
  });

  test('against ws: text, JSON checked, hex and base64 as bytes, a ping with payload, close 1005 refused, close 1000 "bye"', async () => {
    const peer = await recordingWsServer();
    cleanups.push(peer.close);
    const cli = new CliProcess(['connect', peer.url, '--inspect']);
    const page = await openComposer(browser, cli, peer.url);
    const message = page.getByRole('textbox', { name: 'Message' });
    const send = page.getByRole('button', { name: 'Send', exact: true });
    const result = page.getByLabel('Composer result');
    const rows = messageRows(page);
    const texts = () => peer.received.messages.map((m) => (m.binary ? `bytes ${m.data.toString('hex')}` : m.data.toString()));

    await message.fill('hello from the page');
    await send.click();
    await eventually(() => texts().length === 1, 'the peer to receive the message');
    assert.deepEqual(texts(), ['hello from the page']);
    await textBecomes(result, 'Sent text message (19 B)');
    // Both rows come through the trace: the sent one, and the peer's echo.
    await rows.filter({ hasText: 'hello from the page' }).nth(1).waitFor();
    assert.deepEqual(
      (await rows.allTextContents()).map((row) => row[0]),
      ['↑', '↓'],
    );

    // Bigger than the inspector's socket takes: refused on the page, the socket stays up.
    await message.fill('x'.repeat(1 << 20));
    await send.click();
    await textBecomes(result, /^Not sent: too big for the inspector's socket: \d+ bytes encoded, at most 1048576$/);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');

    await page.getByLabel('Mode').selectOption({ label: 'JSON' });
    await message.fill('{"op": "subscribe", "id": 7,}');
    await send.click();
    await textBecomes(result, /^Not sent: invalid JSON at position 28 \(line 1, column 29\): /);
    await page.getByRole('button', { name: 'Pretty' }).click();
    await textBecomes(result, /^Not reformatted: invalid JSON at position 28/);
    await message.fill('{"op": "subscribe",\n "id": 7');
    await message.press('Control+Enter');
    await textBecomes(result, /^Not sent: invalid JSON at position 28 \(line 2, column 9\): /);
    await message.fill('{"op":"subscribe","id":7}');
    await page.getByRole('button', { name: 'Pretty' }).click();
    assert.equal(await message.inputValue(), '{\n  "op": "subscribe",\n  "id": 7\n}');
    await message.press('Control+Enter');
    await eventually(() => texts().length === 2, 'the peer to receive the JSON');
    // Nothing of the refused attempts reached the peer: the valid JSON is the next message it got.
    assert.deepEqual(texts(), ['hello from the page', '{\n  "op": "subscribe",\n  "id": 7\n}']);
    await textBecomes(result, 'Sent JSON message (34 B)');

    await page.getByLabel('Mode').selectOption({ label: 'Binary (hex)' });
    await message.fill('00 ff 1');
    await send.click();
    await textBecomes(result, 'Not sent: invalid hex: 5 digits, an odd number (each byte is two)');
    await message.fill('00 ff zz');
    await send.click();
    await textBecomes(result, 'Not sent: invalid hex: "z" at position 6 is not a hex digit');
    await message.fill('00 ff 10 80 41');
    await send.click();
    await eventually(() => texts().length === 3, 'the peer to receive the hex bytes');
    assert.equal(texts()[2], 'bytes 00ff108041');
    await textBecomes(result, 'Sent binary message (5 B)');
    await rows.filter({ hasText: '00 ff 10 80 41' }).nth(1).waitFor();

    await page.getByLabel('Mode').selectOption({ label: 'Binary (base64)' });
    await message.fill('AAEC/w=?');
    await send.click();
    await textBecomes(result, 'Not sent: invalid base64: "?" is not a base64 character');
    await message.fill('AAEC/w==');
    await send.click();
    await eventually(() => texts().length === 4, 'the peer to receive the base64 bytes');
    assert.equal(texts()[3], 'bytes 000102ff');

    await page.getByLabel('Ping payload').fill('x'.repeat(126));
    await page.getByRole('button', { name: 'Ping' }).click();
    await textBecomes(result, /^Not sent: the ping payload is 126 bytes of UTF-8; a control frame holds at most 125/);
    await page.getByLabel('Ping payload').fill('are you there?');
    await page.getByRole('button', { name: 'Ping' }).click();
    await eventually(() => peer.received.pings.length === 1, 'the peer to see the ping');
    assert.equal(peer.received.pings[0]!.toString(), 'are you there?');
    await textBecomes(result, 'Sent ping');
    await rows.filter({ hasText: 'are you there?' }).first().waitFor();

    const closeButton = page.getByRole('button', { name: 'Close', exact: true });
    await page.getByLabel('Close code').fill('1005');
    await closeButton.click();
    await textBecomes(result, 'Not sent: close code 1005 may not be sent: the Close frame carried no status code (never sent on the wire)');
    await page.getByLabel('Close code').fill('1000');
    await page.getByLabel('Close reason').fill('é'.repeat(62));
    await closeButton.click();
    await textBecomes(result, /^Not sent: the close reason is 124 bytes of UTF-8; a Close frame has room for 123/);
    assert.deepEqual(peer.received.closes, []);
    await page.getByLabel('Close reason').fill('bye');
    await closeButton.click();
    await eventually(() => peer.received.closes.length === 1, 'the peer to see the Close');
    assert.deepEqual(peer.received.closes, [{ code: 1000, reason: 'bye' }]);
    assert.equal((await cli.result(10_000)).code, 0);
    await page.close();
  });

  test('against Python websockets: the message echoed back, close 1000 "bye" seen by the peer', async () => {
    const server = await pythonPeer.startServer();
    cleanups.push(server.stop);
    const peerUrl = `ws://127.0.0.1:${server.port}/echo?id=composer`;
    const cli = new CliProcess(['connect', peerUrl, '--inspect']);
    const page = await openComposer(browser, cli, peerUrl);
    await page.getByRole('textbox', { name: 'Message' }).fill('héllo, Python');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const rows = messageRows(page);
    await rows.filter({ hasText: 'héllo, Python' }).nth(1).waitFor();
    assert.deepEqual(
      (await rows.allTextContents()).map((row) => row[0]),
      ['↑', '↓'],
    );
    await page.getByLabel('Close code').fill('1000');
    await page.getByLabel('Close reason').fill('bye');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    const report = await server.report('composer', 10_000);
    assert.equal(report.closeCode, 1000);
    assert.equal(report.closeReason, 'bye');
    assert.equal((await cli.result(10_000)).code, 0);
    await page.close();
  });
});
