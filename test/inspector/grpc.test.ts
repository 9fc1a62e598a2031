/**
 * gRPC calls in the inspector, read in Chromium as a user reads them: `wscope inspect` over what
 * the real `wscope grpc call --record` wrote against grpc-js's server (alone, and merged with a
 * WebSocket recording), and `wscope grpc serve --inspect` showing a grpc-js client's call live.
 * Each call is a button of the connections list named by its method and server, with its kind
 * and status; its messages are rows of the message table; its pane shows metadata and trailers.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Browser, Page } from 'playwright-core';
import { decodeJsonl } from '../../src/index.js';
import { answeringServer, CliProcess, killAll, runCli, tempDir } from '../cli/helpers.js';
import { ECHO_SERVICE, PROTO_FLAGS } from '../grpc/protos.js';
import { echoClient, startMock, unary } from '../grpc/serve-mock.js';
import { grpcJsServer, type TestServer } from '../grpc/servers.js';
import { inspectorUrl, launchChromium, messageRows, textBecomes } from './helpers.js';

describe('gRPC calls in the inspector', { timeout: 120_000 }, () => {
  const dir = tempDir();
  let browser: Browser;
  let server: TestServer;

  before(async () => {
    server = await grpcJsServer();
    browser = await launchChromium();
  });
  after(async () => {
    killAll();
    await browser?.close();
    await server?.close();
    dir.remove();
  });

  async function record(method: string, data: string, file: string): Promise<string> {
    const path = join(dir.path, file);
    const args = [
      'grpc',
      'call',
      server.address,
      `${ECHO_SERVICE}/${method}`,
      '--plaintext',
      ...PROTO_FLAGS,
      '-d',
      data,
      '-H',
      'x-trace: t-1',
      '--record',
      path,
    ];
    const result = await runCli(args, undefined, { timeoutMs: 15_000 });
    assert.equal(result.code, method === 'Fail' ? 64 + 5 : 0, result.stderr);
    return path;
  }

  async function open(file: string): Promise<Page> {
    const cli = new CliProcess(['inspect', file]);
    const page = await browser.newPage();
    await page.goto((await inspectorUrl(cli, 'stdout')).href);
    return page;
  }

  const callButton = (page: Page, method: string) => page.getByRole('button', { name: `gRPC ${ECHO_SERVICE}/${method} ${server.address}` });

  test('a recorded bidi call: its button with kind and status, metadata and trailers, its messages as rows with a JSON tree', async () => {
    const page = await open(await record('Bidi', '{"text":"one"} {"text":"two"}', 'bidi.jsonl'));
    const button = callButton(page, 'Bidi');
    await button.waitFor();
    assert.match((await button.textContent()) ?? '', /bidi-streaming, 0 OK↑2 ↓2$/);
    await button.click();

    const pane = page.getByRole('region', { name: 'gRPC call' });
    assert.match((await pane.getByRole('heading').textContent()) ?? '', new RegExp(`^We called /${ECHO_SERVICE}/Bidi on ${server.address}$`));
    assert.match((await pane.textContent()) ?? '', /bidi-streaming call at .*, status 0 OK/);
    assert.equal(await pane.getByRole('table', { name: 'Metadata' }).getByRole('row', { name: 'x-trace t-1' }).count(), 1);
    assert.equal(await pane.getByRole('table', { name: 'Trailers' }).getByRole('row', { name: 'x-trailer-trace t-1' }).count(), 1);

    const rows = messageRows(page);
    await textBecomes(page.getByLabel('Matches'), '4 of 4 match');
    const texts = await rows.allTextContents();
    assert.equal(texts.filter((text) => text.startsWith('↑')).length, 2);
    assert.equal(texts.filter((text) => text.startsWith('↓')).length, 2);
    assert.match(texts.find((text) => text.startsWith('↑')) ?? '', /:\d\d\.\d{3}5 Btext\{"text":"one"\}$/);
    await rows.filter({ hasText: '"two"' }).filter({ hasText: /^↓/ }).click();
    const detail = page.getByRole('region', { name: 'Message detail' });
    assert.equal(await detail.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected'), 'true');
    assert.equal(await detail.getByRole('tree', { name: 'JSON tree' }).getByRole('treeitem', { name: 'text: "two"' }).count(), 1);
  });

  test('a failed call merged with a WebSocket recording: both in the list, the call with 5 NOT_FOUND and its message', async () => {
    const grpcFile = await record('Fail', '{"code":5,"message":"no such order"}', 'fail.jsonl');
    const peer = await answeringServer((text, socket) => socket.send(`echo:${text}`));
    try {
      const wsFile = join(dir.path, 'ws.jsonl');
      const connect = await runCli(['connect', peer.url, '--record', wsFile, '-w', '1'], 'hello\n');
      assert.equal(connect.code, 0, connect.stderr);
      // Two processes' recordings number their connections from 1 each: the WebSocket ones are moved past the call's.
      const wsLines = readFileSync(wsFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.stringify({ ...JSON.parse(line), conn: JSON.parse(line).conn + 100 }));
      const mixed = join(dir.path, 'mixed.jsonl');
      writeFileSync(mixed, `${readFileSync(grpcFile, 'utf8')}${wsLines.join('\n')}\n`);

      const page = await open(mixed);
      const button = callButton(page, 'Fail');
      await button.waitFor();
      assert.match((await button.textContent()) ?? '', /unary, 5 NOT_FOUND/);
      const wsButton = page.getByRole('button', { name: peer.url });
      assert.match((await wsButton.textContent()) ?? '', /closed 1000/);
      await textBecomes(page.getByLabel('Matches'), '4 of 4 match');

      await button.click();
      await textBecomes(page.getByLabel('Matches'), '1 of 4 match');
      assert.match((await messageRows(page).first().textContent()) ?? '', /^↑.*text\{"code":5,"message":"no such order"\}$/);
      assert.match((await page.getByRole('region', { name: 'gRPC call' }).textContent()) ?? '', /status 5 NOT_FOUND: no such order/);
      await wsButton.click();
      await textBecomes(page.getByLabel('Matches'), '3 of 4 match');
    } finally {
      await peer.server.close();
    }
  });

  test('wscope grpc serve --inspect --record: a grpc-js client’s call shows live with its status and messages, and is recorded', async () => {
    const file = join(dir.path, 'served.jsonl');
    const mock = await startMock(['--inspect', '--record', file]);
    const page = await browser.newPage();
    await page.goto((await inspectorUrl(mock.cli, 'stderr')).href);
    await textBecomes(page.getByRole('status', { name: 'Session' }), 'live');
    const client = echoClient(mock.address);
    const metadata = new grpc.Metadata();
    metadata.set('x-request-id', 'live-1');
    await unary(client, 'Unary', { text: 'hello live' }, metadata);
    client.close();

    const button = page.getByRole('button', { name: new RegExp(`^gRPC ${ECHO_SERVICE}/Unary 127\\.0\\.0\\.1:\\d+`) });
    await button.waitFor({ timeout: 8000 });
    await textBecomes(button, /unary, 0 OK↑1 ↓1$/);
    await button.click();
    const pane = page.getByRole('region', { name: 'gRPC call' });
    assert.match((await pane.getByRole('heading').textContent()) ?? '', new RegExp(`^A client called /${ECHO_SERVICE}/Unary from 127\\.0\\.0\\.1:\\d+$`));
    assert.equal(await pane.getByRole('table', { name: 'Metadata' }).getByRole('row', { name: 'x-request-id live-1' }).count(), 1);
    await textBecomes(page.getByLabel('Matches'), '2 of 2 match');
    assert.match((await messageRows(page).first().textContent()) ?? '', /^↓.*text\{"text":"hello live"\}$/);
    mock.cli.kill();
    await mock.cli.result();
    // The recording holds the call, and not the page's own WebSocket.
    const events = decodeJsonl(readFileSync(file, 'utf8'), { grpc: true });
    assert.deepEqual(
      events.map((event) => event.event),
      ['grpc-start', 'grpc-message', 'grpc-message', 'grpc-end'],
    );
  });

  test('wscope grpc call --inspect: the inspector is served while the call runs, the reply printed as without it', async () => {
    const args = ['grpc', 'call', server.address, `${ECHO_SERVICE}/Unary`, '--plaintext', ...PROTO_FLAGS, '-d', '{"text":"hi"}', '--inspect'];
    const result = await runCli(args, undefined, { timeoutMs: 15_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^inspector: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m);
    assert.deepEqual((JSON.parse(result.stdout) as { request: unknown }).request, { text: 'hi' });
  });
});
