/** What both proxies (reverse and forward) do once their server is set up: listen, and later close with every connection cut. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ListeningProxy {
  readonly server: Server;
  address(): AddressInfo;
  /** Stop listening and cut every connection still open (relays and tunnels included). */
  close(): Promise<void>;
}

/**
 * Listen on host:port (default 127.0.0.1: a proxy open to the network relays for anyone who finds
 * it); a bind error (port in use) rejects. `open` holds the sockets the proxy took over (upgrades,
 * CONNECT tunnels): the HTTP server no longer counts those, so close() must destroy them itself.
 */
export async function listenProxy(server: Server, port: number, host: string | undefined, open: ReadonlySet<Duplex>): Promise<ListeningProxy> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    address: () => server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
