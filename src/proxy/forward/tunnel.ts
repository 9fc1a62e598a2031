/**
 * CONNECT (RFC 9110 §9.3.6): the client asks for a tunnel to host:port, we say 200, and the
 * first byte it sends through says what the tunnel carries. 0x16 is a TLS handshake record
 * (RFC 8446 §5.1, ContentType handshake(22)): tunnelled blind, or with --mitm terminated here
 * with a certificate for the host. An ASCII letter starts an HTTP request line (a ws:// upgrade:
 * browsers always tunnel WebSockets through CONNECT): read in clear by the proxy's own HTTP
 * server, as if the client had connected to us. Anything else is tunnelled blind.
 */
import type { Buffer } from 'node:buffer';
import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { blindTunnel } from './blind-tunnel.js';
import type { HostCertificates } from './host-certificates.js';
import type { ForwardNotice } from './notices.js';
import { type Origin, parseAuthority } from './origin.js';
import { answerAndClose } from './raw-answer.js';

const TLS_HANDSHAKE_RECORD = 0x16;

export interface TunnelContext {
  readonly mitm: HostCertificates | undefined;
  /** Hand a connection that carries HTTP in clear (plain, or decrypted) to the proxy's HTTP server, bound to `origin`. */
  serveInClear(socket: Duplex, origin: Origin): void;
  /** Refuses tunnels back into the proxy itself. */
  isSelf(host: string, port: number): boolean;
  readonly track: (socket: Duplex) => void;
  readonly notify: (notice: ForwardNotice) => void;
}

/** The first bytes the client sends through the tunnel, left in the socket for whoever reads it next. */
function firstBytes(socket: Socket, head: Buffer, then: (first: Buffer) => void): void {
  const take = (chunk: Buffer): void => {
    socket.pause();
    socket.unshift(chunk);
    then(chunk);
  };
  if (head.length > 0) take(head);
  else socket.once('data', take);
}

export async function handleConnect(req: { url?: string | undefined }, socket: Socket, head: Buffer, context: TunnelContext): Promise<void> {
  socket.on('error', () => socket.destroy());
  let target: Pick<Origin, 'host' | 'port'>;
  try {
    target = parseAuthority(req.url ?? '');
  } catch (error) {
    context.notify({ kind: 'refused', status: 400, reason: (error as Error).message });
    answerAndClose(socket, 400, (error as Error).message);
    return;
  }
  const where = `${target.host}:${target.port}`;
  if (context.isSelf(target.host, target.port)) {
    context.notify({ kind: 'refused', status: 508, url: where, reason: 'a tunnel to the proxy itself' });
    answerAndClose(socket, 508, `${where} is this proxy`);
    return;
  }
  // The name is resolved before the 200, so an unknown host gets its 502 while the client can
  // still read an HTTP answer; after the 200 the bytes are the tunnel's.
  if (isIP(target.host) === 0) {
    try {
      await lookup(target.host);
    } catch (error) {
      const reason = `unknown host ${target.host} (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`;
      context.notify({ kind: 'refused', status: 502, url: where, reason });
      answerAndClose(socket, 502, reason);
      return;
    }
  }
  if (socket.destroyed) return;
  context.track(socket);
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  firstBytes(socket, head, (first) => {
    if (first[0] === TLS_HANDSHAKE_RECORD) {
      if (context.mitm) intercept(socket, { scheme: 'https', ...target }, context.mitm, context);
      else context.track(blindTunnel(socket, target, true, context.notify));
    } else if (/^[A-Za-z]/.test(first.toString('latin1', 0, 1))) {
      context.serveInClear(socket, { scheme: 'http', ...target });
    } else {
      context.track(blindTunnel(socket, target, false, context.notify));
    }
  });
}

/**
 * TLS terminated here: the client is shown a certificate for the host it asked for (its SNI,
 * or the CONNECT host when it sent none, as clients do for IP addresses), made by our CA; the
 * decrypted stream is HTTP again, the origin reached over TLS of its own.
 */
function intercept(socket: Socket, origin: Origin, mitm: HostCertificates, context: TunnelContext): void {
  const secure = new TLSSocket(socket, {
    isServer: true,
    secureContext: mitm.contextFor(origin.host),
    SNICallback: (servername, callback) => callback(null, mitm.contextFor(servername)),
    // HTTP/1.1 only: a WebSocket upgrade is an HTTP/1.1 GET (RFC 6455 §4.1), and the proxy's HTTP server speaks no h2.
    ALPNProtocols: ['http/1.1'],
  });
  // A client that does not trust our CA mostly just hangs up mid-handshake, with no alert to
  // turn into an error: a close before the handshake completed is told the same way.
  let established = false;
  let failed = false;
  // 'secure': a server-side TLSSocket's handshake completed (tls.Server's 'secureConnection' is made of it).
  secure.once('secure', () => (established = true));
  const handshakeFailed = (reason: string): void => {
    if (failed) return;
    failed = true;
    context.notify({ kind: 'tls-failed', host: origin.host, port: origin.port, reason });
  };
  secure.once('error', (error) => {
    if (!established) handshakeFailed(error.message);
    secure.destroy();
  });
  secure.once('close', () => {
    if (!established) handshakeFailed('the client closed the connection during the TLS handshake');
  });
  context.notify({ kind: 'intercept', host: origin.host, port: origin.port });
  context.serveInClear(secure, origin);
}
