/**
 * A front-end developer's view of `wscope mock`: a page in Chromium opens a WebSocket to the mock
 * and lists what arrives; the test reads the page. The greeting, a templated reply, the
 * subprotocol the path chose, pushes, and the close code a rule sent.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, chromium, type Page } from 'playwright-core';
import { killAll } from './helpers.js';
import { cleanUpMocks, startMock } from './mock-peers.js';

const PAGE = `<!doctype html><title>mock client</title><ul id="log"></ul><script>
  const log = (text) => { const li = document.createElement('li'); li.textContent = text; document.getElementById('log').append(li); };
  window.openSocket = (url, protocols) => {
    const ws = new WebSocket(url, protocols);
    window.socket = ws;
    ws.onopen = () => log('open ' + ws.protocol);
    ws.onmessage = (event) => log('message ' + event.data);
    ws.onclose = (event) => log('close ' + event.code + ' ' + event.reason);
  };
</script>`;

let browser: Browser | undefined;
let page: Page;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30_000,
  });
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
});

afterEach(() => {
  cleanUpMocks();
  killAll();
});

const lines = () => page.locator('#log li').allTextContents();

async function shown(count: number): Promise<string[]> {
  await page.waitForFunction(`document.querySelectorAll('#log li').length >= ${count}`, undefined, { timeout: 5000 });
  return lines();
}

describe('wscope mock with Chromium as the client', { timeout: 60_000 }, () => {
  test('the page shows the greeting, the templated reply, the pushes and the close code', async () => {
    const mock = await startMock(`
env:
  default: { service: orders }
mock:
  /orders:
    protocols: [orders.v1]
    onConnect:
      - { json: { type: welcome, service: "{{service}}" } }
    on:
      - match: { json: { type: subscribe } }
        reply: { json: { type: subscribed, id: "{{message.id}}", topic: "{{message.topic}}" } }
      - match: { text: bye }
        close: { code: 4000, reason: "bye from the mock" }
    push:
      - every: 100ms
        send: { json: { type: price, n: "{{connection.received}}" } }
        times: 2
`);
    await page.setContent(PAGE);
    await page.evaluate(`openSocket(${JSON.stringify(mock.url('/orders'))}, ['orders.v1'])`);
    assert.deepEqual((await shown(2)).slice(0, 2), ['open orders.v1', 'message {"type":"welcome","service":"orders"}']);

    await shown(4);
    await page.evaluate(`socket.send(${JSON.stringify(JSON.stringify({ type: 'subscribe', id: 'a1', topic: 'eur' }))})`);
    const withReply = await shown(5);
    assert.deepEqual(withReply.slice(2), [
      'message {"type":"price","n":0}',
      'message {"type":"price","n":0}',
      'message {"type":"subscribed","id":"a1","topic":"eur"}',
    ]);

    await page.evaluate(`socket.send('bye')`);
    assert.equal((await shown(6))[5], 'close 4000 bye from the mock');
    await mock.cli.waitFor('stderr', /#1 closing with 4000 Private Use: "bye from the mock"/);
  });
});
