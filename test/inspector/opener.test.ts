/**
 * The connections list says who opened each connection (issue 10): in `listen --inspect`, a
 * client that connected to wscope is "opened by the peer"; in `connect --inspect`, "opened by
 * wscope". Read from the button's accessible name in real Chromium.
 */
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { WebSocket as WsClient } from 'ws';
import { answeringServer, CliProcess, freePort, killAll } from '../cli/helpers.js';
import { inspectorUrl, launchChromium } from './helpers.js';

describe('the connections list: who opened it', { timeout: 60_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    killAll();
    await browser?.close();
  });

  test('listen: the client that connected is opened by the peer', async () => {
    const port = await freePort();
    const cli = new CliProcess(['listen', String(port), '--inspect']);
    const url = await inspectorUrl(cli, 'stderr');
    await cli.waitFor('stderr', /listening on port/);
    const socket = new WsClient(`ws://127.0.0.1:${port}/who`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const page = await browser.newPage();
    await page.goto(url.href);
    const nav = page.getByRole('navigation', { name: 'Connections' });
    await nav.getByRole('button', { name: /\/who opened by the peer open/ }).waitFor({ timeout: 8000 });
    socket.terminate();
    await page.close();
  });

  test('connect: the connection is opened by wscope', async () => {
    const peer = await answeringServer((text, s) => s.send(text));
    const cli = new CliProcess(['connect', peer.url, '--inspect']);
    const url = await inspectorUrl(cli, 'stderr');
    const page = await browser.newPage();
    await page.goto(url.href);
    const nav = page.getByRole('navigation', { name: 'Connections' });
    await nav.getByRole('button', { name: /opened by wscope open/ }).waitFor({ timeout: 8000 });
    await page.close();
    cli.kill();
    await peer.server.close();
  });
});
