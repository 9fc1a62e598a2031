import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyUpgrade, type ProxyOptions } from '../../src/proxy/upgrade.js';
import type { Relay } from '../../src/proxy/relay.js';

/** A reverse proxy on a free loopback port, in process: an http.Server whose upgrades go to proxyUpgrade. */
export async function startProxy(
  target: string,
  options: ProxyOptions = {},
): Promise<{ url: string; relays: Relay[]; server: Server; close(): Promise<void> }> {
  const relays: Relay[] = [];
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (request, socket, head) =>
    proxyUpgrade(request, socket, head, new URL(target), {
      ...options,
      onRelay: (relay, url) => {
        relays.push(relay);
        options.onRelay?.(relay, url);
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    relays,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
