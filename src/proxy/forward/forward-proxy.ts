/**
 * `wscope proxy --listen PORT` without a target: an HTTP proxy (RFC 9110 §3.7) that apps and
 * browsers are pointed at. Plain HTTP requests are forwarded untouched; WebSocket upgrades it
 * can read (absolute-form ws:// requests, ws:// through CONNECT, wss:// with --mitm) go to the
 * relay, which traces and shows every frame; other tunnels are copied blind and counted.
 *
 * One HTTP server reads both the requests made to the proxy and the ones that arrive inside the
 * tunnels it reads in clear; the latter are bound to the origin their CONNECT named.
 */
import type { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { listenProxy, type ListeningProxy } from '../listening.js';
import { endToEndHeaders } from './hop-by-hop.js';
import type { HostCertificates } from './host-certificates.js';
import { forwardRequest } from './http-forward.js';
import type { ForwardNotice } from './notices.js';
import { BadProxyRequest, type Origin, parseAbsoluteForm, urlAt } from './origin.js';
import { answerAndClose } from './raw-answer.js';
import { handleConnect } from './tunnel.js';
import type { UpstreamTls } from './upstream.js';

/**
 * Takes over a WebSocket upgrade request seen in clear: opens the upstream leg to `target` (the
 * full ws:// or wss:// URL, path and query included) and relays the frames. `request.url` is in
 * origin-form (`/path?query`) and carries no hop-by-hop or Proxy-* fields but Upgrade and
 * Connection.
 */
export type WebSocketRelay = (request: IncomingMessage, socket: Duplex, head: Buffer, target: URL) => void;

export interface ForwardProxyOptions {
  port: number;
  /** The address to bind (default 127.0.0.1: a proxy open to the network relays for anyone). */
  host?: string;
  relay: WebSocketRelay;
  /** Intercept TLS tunnels with certificates from this CA (--mitm); without: tunnelled blind. */
  mitm?: HostCertificates | undefined;
  /** How origins reached over TLS are checked (--ca, -n), for decrypted HTTP requests. */
  upstreamTls?: UpstreamTls;
  onNotice?: (notice: ForwardNotice) => void;
}

/** The running proxy: its server, its address, and close() that cuts every connection still open. */
export type ForwardProxy = ListeningProxy;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3}|0\.0\.0\.0|::)$/i;

export async function startForwardProxy(options: ForwardProxyOptions): Promise<ForwardProxy> {
  const notify = options.onNotice ?? (() => {});
  const server = createServer();
  const tunnelled = new WeakMap<Duplex, Origin>();
  const open = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const isSelf = (host: string, port: number): boolean => port === (server.address() as AddressInfo).port && LOOPBACK.test(host);

  /** Where a request goes: the origin of its tunnel, or the one its absolute-form target names. */
  const targetOf = (req: IncomingMessage): { origin: Origin; path: string } => {
    const url = req.url ?? '';
    const origin = tunnelled.get(req.socket);
    if (origin) {
      if (!url.startsWith('/')) throw new BadProxyRequest(`inside a tunnel to ${origin.host}:${origin.port} a request names a path, got '${url}'`);
      return { origin, path: url };
    }
    if (url.startsWith('/')) {
      throw new BadProxyRequest(
        `'${req.method} ${url}' names no host: this is a forward proxy; set it as the client's HTTP proxy, or use --target for a reverse proxy`,
      );
    }
    const target = parseAbsoluteForm(url);
    if (isSelf(target.origin.host, target.origin.port)) throw new BadProxyRequest(`${url} is this proxy`);
    return target;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let target: { origin: Origin; path: string };
    try {
      target = targetOf(req);
    } catch (error) {
      if (!(error instanceof BadProxyRequest)) throw error;
      notify({ kind: 'refused', status: 400, reason: error.message });
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(`wscope proxy: ${error.message}\n`);
      return;
    }
    forwardRequest(req, res, target.origin, target.path, options.upstreamTls ?? {}, notify);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let target: { origin: Origin; path: string };
    try {
      target = targetOf(req);
    } catch (error) {
      if (!(error instanceof BadProxyRequest)) throw error;
      notify({ kind: 'refused', status: 400, reason: error.message });
      answerAndClose(socket, 400, error.message);
      return;
    }
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      const reason = `only WebSocket upgrades are relayed, not '${req.headers.upgrade}'`;
      notify({ kind: 'refused', status: 501, url: urlAt(target.origin, target.path).href, reason });
      answerAndClose(socket, 501, reason);
      return;
    }
    onlyEndToEnd(req);
    req.url = target.path;
    track(socket);
    options.relay(req, socket, head, urlAt(target.origin, target.path, target.origin.scheme === 'https' ? 'wss' : 'ws'));
  });

  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void handleConnect(req, socket, head, {
      mitm: options.mitm,
      isSelf,
      track,
      notify,
      serveInClear: (clear, origin) => {
        tunnelled.set(clear, origin);
        server.emit('connection', clear);
        // The HTTP server reads with 'data' events; the bytes peeked at wait in the paused socket.
        clear.resume();
      },
    });
  });

  // A request the HTTP parser could not read (RFC 9112 §2.2: a malformed message): 400, or the
  // status Node's error names (431 for a head too large), and the connection closed.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    if (error.code !== 'ECONNRESET' && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      notify({ kind: 'refused', status, reason: `malformed request (${error.code ?? error.message})` });
      answerAndClose(socket, status, `malformed request (${error.code ?? error.message})`);
    } else {
      socket.destroy();
    }
  });

  return listenProxy(server, options.port, options.host, open);
}

/** The request as the relay should see it: without the fields meant for this proxy or this hop, but the upgrade's own. */
function onlyEndToEnd(req: IncomingMessage): void {
  const kept = endToEndHeaders(req.rawHeaders, ['upgrade', 'connection']);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...kept.flat());
  for (const name of Object.keys(req.headers)) {
    if (!kept.some(([kept]) => kept.toLowerCase() === name)) delete req.headers[name];
  }
}
