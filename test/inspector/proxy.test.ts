/**
 * `wscope proxy --inspect` (the real CLI): a `ws` client through the proxy to a `ws`-speaking
 * server, and Chromium shows both legs of the relayed connection, each with its messages in its
 * own direction; the page's own socket is in neither --record file nor --jsonl.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { decodeJsonl, readHar } from '../../src/index.js';
import { CliProcess, freePort, killAll, tempDir } from '../cli/helpers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

describe('proxy --inspect', { timeout: 120_000 }, () => {
  const dir = tempDir();
  let browser: Browser;
  let server: WsServer;

  before(async () => {
    browser = await launchChromium();
    server = new WsServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${data.toString()}`)));
  });
  after(async () => {
    killAll();
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    dir.remove();
  });

  test('both legs in the page, live; recordings and --jsonl hold the relayed legs only', async () => {
    const target = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
    const port = await freePort();
    const jsonl = join(dir.path, 'proxy.jsonl');
    const har = join(dir.path, 'proxy.har');
    const cli = new CliProcess(['proxy', '--listen', String(port), '--target', target, '--inspect', '--record', jsonl, '--record', har, '--jsonl']);
    const url = await inspectorUrl(cli, 'stderr');
    await cli.waitFor('stderr', /proxying/);
    const page = await browser.newPage();
    await page.goto(url.href);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');

    const client = new WsClient(`ws://127.0.0.1:${port}/chat?room=2`);
    const echoed = new Promise<string>((resolve) => client.once('message', (data) => resolve(data.toString())));
    await new Promise((resolve) => client.once('open', resolve));
    client.send('hello through');
    assert.equal(await echoed, 'echo:hello through');

    const clientLeg = page.getByRole('button', { name: `ws://127.0.0.1:${port}/chat?room=2` });
    const upstreamLeg = page.getByRole('button', { name: `${target}/chat?room=2` });
    await clientLeg.waitFor();
    await upstreamLeg.waitFor();
    await textBecomes(page.getByLabel('Matches'), '4 of 4 match');
    const rows = messageRows(page);
    // The client's leg: the proxy received what the client sent and sent it the echo; the upstream leg the other way round.
    await clientLeg.click();
    await textBecomes(page.getByLabel('Matches'), '2 of 4 match');
    assert.deepEqual(
      (await rows.allTextContents()).map((t) => `${t[0]} ${/(echo:)?hello through$/.exec(t)?.[0]}`),
      ['↓ hello through', '↑ echo:hello through'],
    );
    assert.match((await page.getByRole('region', { name: 'Handshake' }).textContent()) ?? '', /A client connected to/);
    await upstreamLeg.click();
    await textBecomes(page.getByLabel('Matches'), '2 of 4 match');
    assert.deepEqual(
      (await rows.allTextContents()).map((t) => `${t[0]} ${/(echo:)?hello through$/.exec(t)?.[0]}`),
      ['↑ hello through', '↓ echo:hello through'],
    );
    assert.match((await page.getByRole('region', { name: 'Handshake' }).textContent()) ?? '', /We connected to/);

    client.close(4002, 'bye now');
    await clientLeg.filter({ hasText: 'closed 4002' }).waitFor();
    await upstreamLeg.filter({ hasText: 'closed 4002' }).waitFor();
    await page.close();
    cli.child.kill('SIGINT');
    const result = await cli.result(10_000);
    assert.equal(result.code, 0, result.stderr);

    // Both legs, and nothing of the inspector's own socket (its URL would carry the token).
    const urls = (events: ReturnType<typeof decodeJsonl>) => events.flatMap((e) => (e.event === 'handshake' ? [e.url] : []));
    const legs = [`ws://127.0.0.1:${port}/chat?room=2`, `${target}/chat?room=2`];
    assert.deepEqual(urls(decodeJsonl(result.stdout)).sort(), [...legs].sort());
    assert.deepEqual(urls(decodeJsonl(readFileSync(jsonl, 'utf8'))).sort(), [...legs].sort());
    assert.deepEqual(urls(readHar(JSON.parse(readFileSync(har, 'utf8')))), [legs[0]]);
    assert.doesNotMatch(result.stdout + readFileSync(jsonl, 'utf8') + readFileSync(har, 'utf8'), /token=/);
  });
});
