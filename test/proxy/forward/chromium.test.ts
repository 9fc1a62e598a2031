/**
 * Chromium pointed at the forward proxy, as a tester would point a browser app at it: the page
 * comes through as plain HTTP, the page's WebSocket through a CONNECT tunnel (Chromium always
 * tunnels WebSockets), and its frames reach the relay in clear; with --mitm, an https page and
 * its wss:// socket too, Chromium trusting the CA by its key as the proxy's instructions say.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { TRACE_CHANNEL, type TraceEvent } from '../../../src/index.js';
import { loadOrCreateCa } from '../../../src/proxy/forward/certificate-authority.js';
import { type ForwardProxy, startForwardProxy } from '../../../src/proxy/forward/forward-proxy.js';
import { HostCertificates } from '../../../src/proxy/forward/host-certificates.js';
import type { ForwardNotice } from '../../../src/proxy/forward/notices.js';
import { proxyUpgrade } from '../../../src/proxy/upgrade.js';
import { eventually, tempDir } from '../../cli/helpers.js';
import { echoServer, selfSigned } from '../../node/helpers.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** A page whose script opens a WebSocket to `socketUrl`, sends a line and puts the echo in the title. */
function page(socketUrl: string): string {
  return `<!doctype html><title>waiting</title><script>
const socket = new WebSocket(${JSON.stringify(socketUrl)});
socket.onopen = () => socket.send('from chromium ✓');
socket.onmessage = (event) => { document.title = 'echo: ' + event.data; socket.close(1000, 'done'); };
socket.onerror = () => { document.title = 'error'; };
</script>`;
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** The forward proxy with the real relay; the client legs' trace events collected by connection id. */
async function proxyWithRelay(mitm: HostCertificates | undefined, originCa: Buffer | undefined) {
  const relayed: Array<{ url: string; conn: number }> = [];
  const notices: ForwardNotice[] = [];
  const upstream = originCa ? { ca: originCa } : {};
  const proxy = await startForwardProxy({
    port: 0,
    mitm,
    upstreamTls: upstream,
    relay: (req, socket, head, target) =>
      proxyUpgrade(req, socket, head, target, { upstream, onRelay: (relay, url) => relayed.push({ url, conn: relay.conn }) }),
    onNotice: (notice) => notices.push(notice),
  });
  return { proxy, relayed, notices };
}

async function openInChromium(proxy: ForwardProxy, url: string, extraArgs: string[] = []): Promise<string> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--proxy-server=http://127.0.0.1:${proxy.address().port}`, '--proxy-bypass-list=<-loopback>', ...extraArgs],
    timeout: 30_000,
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(url, { timeout: 10_000 });
    await tab.waitForFunction("document.title !== 'waiting'", undefined, { timeout: 10_000 });
    return await tab.title();
  } finally {
    await browser.close();
  }
}

describe('Chromium through the forward proxy', { timeout: 60_000 }, () => {
  const dir = tempDir();
  const traced: TraceEvent[] = [];
  const onTrace = (event: unknown): void => {
    traced.push(event as TraceEvent);
  };
  before(() => subscribe(TRACE_CHANNEL, onTrace));
  after(() => {
    unsubscribe(TRACE_CHANNEL, onTrace);
    dir.remove();
  });

  it('loads an http page through it, and the page’s ws:// traffic is relayed in clear', async () => {
    const echo = await echoServer();
    const socketUrl = `ws://127.0.0.1:${echo.server.address().port}/chat`;
    const site = createHttpServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(socketUrl)));
    const sitePort = await listening(site);
    const { proxy, relayed, notices } = await proxyWithRelay(undefined, undefined);
    try {
      assert.equal(await openInChromium(proxy, `http://127.0.0.1:${sitePort}/app`), 'echo: from chromium ✓');
      assert.ok(
        notices.some((n) => n.kind === 'http' && n.url === `http://127.0.0.1:${sitePort}/app` && n.status === 200),
        JSON.stringify(notices),
      );
      assert.equal(relayed[0]?.url, socketUrl);
      const conn = relayed[0]?.conn;
      const seen = await eventually(
        () => traced.filter((e) => e.conn === conn && e.event === 'close').length > 0 && traced.filter((e) => e.conn === conn),
        'the relayed close',
      );
      assert.ok(
        seen.some((e) => e.event === 'message' && e.dir === 'in' && e.data === 'from chromium ✓'),
        'the page’s message, from Chromium',
      );
      assert.ok(
        seen.some((e) => e.event === 'message' && e.dir === 'out' && e.data === 'from chromium ✓'),
        'the echo, to Chromium',
      );
    } finally {
      await proxy.close();
      site.close();
      await echo.server.close();
    }
  });

  it('with --mitm, an https page and its wss:// socket are decrypted, Chromium trusting the CA by its SPKI hash', async () => {
    const origin = selfSigned(dir.path, 'origin', 'DNS:localhost');
    const echo = await echoServer({ tls: origin });
    const socketUrl = `wss://localhost:${echo.server.address().port}/secure`;
    const site = createHttpsServer(origin, (_, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(socketUrl)));
    const sitePort = await listening(site);
    const ca = loadOrCreateCa(join(dir.path, 'ca'));
    const { proxy, relayed, notices } = await proxyWithRelay(new HostCertificates(ca), origin.cert);
    try {
      const title = await openInChromium(proxy, `https://localhost:${sitePort}/app`, [`--ignore-certificate-errors-spki-list=${ca.spkiSha256}`]);
      assert.equal(title, 'echo: from chromium ✓');
      assert.ok(
        notices.some((n) => n.kind === 'http' && n.url === `https://localhost:${sitePort}/app`),
        JSON.stringify(notices),
      );
      assert.equal(relayed[0]?.url, socketUrl);
      const conn = relayed[0]?.conn;
      assert.ok(traced.some((e) => e.conn === conn && e.event === 'message' && e.dir === 'in' && e.data === 'from chromium ✓'));
    } finally {
      await proxy.close();
      site.close();
      await echo.server.close();
    }
  });
});
