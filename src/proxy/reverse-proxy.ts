/**
 * `wscope proxy --listen PORT --target URL`: a reverse proxy. Every WebSocket client that
 * connects gets its own upstream connection to the target, with the same path and query, and the
 * two are relayed (upgrade.ts). Plain HTTP requests get 426 Upgrade Required: only WebSocket is
 * proxied. Over TLS (`tls`) it serves wss://.
 */
import type { Buffer } from 'node:buffer';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';
import { listenProxy, type ListeningProxy } from './listening.js';
import { proxyUpgrade, type ProxyOptions } from './upgrade.js';

export interface ReverseProxyOptions extends ProxyOptions {
  port: number;
  /** The address to bind (default 127.0.0.1: a proxy open to the network relays for anyone who finds it). */
  host?: string;
  /** ws: or wss: origin, optionally with a path prefix: `ws://app:8080/api` sends `/feed?x=1` to `/api/feed?x=1`. */
  target: URL;
  /** Serve wss:// with this certificate and key. */
  tls?: SecureContextOptions;
}

/** The running proxy: its server, its address, and close() that cuts every relay still open. */
export type ReverseProxy = ListeningProxy;

export async function startReverseProxy(options: ReverseProxyOptions): Promise<ReverseProxy> {
  const server = options.tls ? createHttpsServer(options.tls) : createHttpServer();
  const open = new Set<Duplex>();
  server.on('request', (_request, response) => {
    response
      .writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8' })
      .end('this is a WebSocket proxy: connect with a WebSocket client\n');
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    proxyUpgrade(request, socket, head, new URL(upstreamUrl(options.target, request.url ?? '/')), options);
  });
  // A TLS client that fails its handshake (an untrusted certificate) must not take the proxy down.
  server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  server.on('clientError', (_error: Error, socket: Duplex) => socket.destroy());
  return listenProxy(server, options.port, options.host, open);
}

/** The target's scheme, host and path, then the request's path and query (`/api` + `/feed?x=1` → `/api/feed?x=1`). */
export function upstreamUrl(target: URL, requestTarget: string): string {
  const base = target.pathname.replace(/\/+$/, '');
  const path = requestTarget.startsWith('/') ? requestTarget : `/${requestTarget}`;
  return `${target.protocol}//${target.host}${base}${path}`;
}
