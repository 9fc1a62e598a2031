/**
 * The forward proxy under test, started in this process with a relay that passes the upgrade on
 * byte for byte (the real one, proxyUpgrade, is driven through the CLI in cli.test.ts): what the
 * relay got — request line, headers, the bytes after the head, the target URL — is what these
 * tests check about the proxy's own part.
 */
import type { IncomingMessage } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ForwardNotice } from '../../../src/proxy/forward/notices.js';
import { type ForwardProxy, type ForwardProxyOptions, startForwardProxy } from '../../../src/proxy/forward/forward-proxy.js';

export interface Relayed {
  target: URL;
  url: string;
  rawHeaders: string[];
}

export interface ProxyUnderTest {
  proxy: ForwardProxy;
  url: string;
  relayed: Relayed[];
  notices: ForwardNotice[];
}

/** The forward proxy on a free loopback port; `ca` is what the test relay trusts on wss:// targets. */
export async function proxyUnderTest(options: Partial<ForwardProxyOptions> & { ca?: string | Buffer } = {}): Promise<ProxyUnderTest> {
  const relayed: Relayed[] = [];
  const notices: ForwardNotice[] = [];
  const proxy = await startForwardProxy({
    port: 0,
    relay: (req, socket, head, target) => {
      relayed.push({ target, url: req.url ?? '', rawHeaders: [...req.rawHeaders] });
      passOn(req, socket, head, target, options.ca);
    },
    onNotice: (notice) => notices.push(notice),
    ...options,
  });
  return { proxy, url: `http://127.0.0.1:${proxy.address().port}`, relayed, notices };
}

/** The upgrade request written again to `target` (Host rewritten), then bytes copied both ways. */
function passOn(req: IncomingMessage, socket: Duplex, head: Buffer, target: URL, ca: string | Buffer | undefined): void {
  const port = Number(target.port || (target.protocol === 'wss:' ? 443 : 80));
  const upstream = target.protocol === 'wss:' ? tlsConnect({ host: target.hostname, port, ca }) : tcpConnect({ host: target.hostname, port });
  let text = `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() !== 'host') text += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  }
  upstream.write(`${text}\r\n`);
  upstream.write(head);
  socket.pipe(upstream).pipe(socket);
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
  socket.on('close', () => upstream.destroy());
}
