/**
 * The proxy's entry point for one client's upgrade request, for any HTTP server that sees one
 * (the reverse proxy's own, the forward proxy's):
 *
 *   proxyUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, target: URL, options?: ProxyOptions): void
 *
 * - opens the upstream leg to `target`, the whole ws: or wss: URL with path and query (the
 *   reverse proxy makes it from its --target and the request: `upstreamUrl`), offering the client's subprotocols and its permessage-deflate
 *   offer (deflate-agreement.ts), with the client's headers (Origin, Cookie, Authorization,
 *   User-Agent...; Host made for the target; hop-by-hop ones and the per-leg Sec-WebSocket-*
 *   fields dropped: forwarded-headers.ts);
 * - once the upstream said 101, accepts the client with the subprotocol the upstream agreed to,
 *   the upstream's other 101 headers (Set-Cookie...), and relays (relay.ts), calling `onRelay`;
 * - when the upstream refuses, answers the client with the upstream's status, headers and body
 *   (502 when unreachable, 504 on timeout: refusal.ts), calling `onRefused`.
 * The client's socket is held, unread, while the upstream opens: what it sends early waits.
 */
import type { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type ClientOptions, type PerMessageDeflateOptions } from '../index.js';
import { agreedDeflate, clientLegDeflate, upstreamOffer } from './deflate-agreement.js';
import { acceptedResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.js';
import { refusalFor, writeRefusal, type Refusal } from './refusal.js';
import { relay, type Relay, type RelayOptions } from './relay.js';

/** What the upstream leg may be told besides what the client's request says. */
export type UpstreamOptions = Pick<
  ClientOptions,
  'ca' | 'cert' | 'key' | 'passphrase' | 'rejectUnauthorized' | 'servername' | 'handshakeTimeout' | 'closeTimeout' | 'maxMessageSize'
>;

export interface ProxyOptions extends RelayOptions {
  upstream?: UpstreamOptions;
  /** The client leg's largest message (default the engine's, 100 MiB). */
  maxMessageSize?: number;
  /**
   * Ask the sender of a direction to compress each message on its own (RFC 7692 §7.1.1, no
   * context takeover): a fault that drops messages needs it, or the far end's inflater, which
   * never sees the dropped one, loses step with the sender's compressor.
   */
  noContextTakeover?: { clientToServer: boolean; serverToClient: boolean };
  /** false: neither leg negotiates permessage-deflate (default: each leg as its ends agree, see deflate-agreement.ts). */
  perMessageDeflate?: false;
  /** Both legs are open and relayed. */
  onRelay?(relay: Relay, url: string): void;
  /** The upstream refused or could not be reached; `refusal` is what the client was answered. */
  onRefused?(url: string, refusal: Refusal, error: Error | undefined): void;
}

/** Bytes of a refusal's body passed to the client, at most. */
const REFUSAL_BODY_LIMIT = 64 * 1024;

export function proxyUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, target: URL, options: ProxyOptions = {}): void {
  const url = target.href;
  socket.pause();
  // Node's HTTP server leaves an upgraded socket without an 'error' listener: a client resetting meanwhile must not crash us.
  socket.on('error', () => socket.destroy());
  const protocols = (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  let upstream: WebSocket;
  try {
    upstream = new WebSocket(url, {
      ...options.upstream,
      protocols,
      headers: upstreamRequestHeaders(request.rawHeaders),
      perMessageDeflate:
        options.perMessageDeflate ??
        resetting(upstreamOffer(request.headers['sec-websocket-extensions']), 'serverNoContextTakeover', options.noContextTakeover?.serverToClient),
      autoPong: false,
      keepRefusedResponse: REFUSAL_BODY_LIMIT,
    });
  } catch (error) {
    // A subprotocol list or header our client refuses to send.
    refuse(error as Error);
    return;
  }
  upstream.on('error', () => {});
  const onCloseEarly = () => refuse(upstream.connectError);
  upstream.once('close', onCloseEarly);
  upstream.once('open', () => {
    upstream.off('close', onCloseEarly);
    // Held until the relay listens: what the server sends right after its 101 is relayed, not lost.
    upstream.pause();
    acceptClient(upstream);
  });
  // The client hung up while we were connecting.
  socket.once('close', () => {
    if (upstream.readyState === upstream.CONNECTING) upstream.close();
  });

  function refuse(error: Error | undefined): void {
    const refusal = refusalFor(error, url);
    writeRefusal(socket, refusal);
    options.onRefused?.(url, refusal, error);
  }

  function acceptClient(upstream: WebSocket): void {
    const server = new WebSocketServer({
      perMessageDeflate: resetting(clientLegDeflate(agreedDeflate(upstream.extensions)), 'clientNoContextTakeover', options.noContextTakeover?.clientToServer),
      protocols: upstream.protocol ? [upstream.protocol] : [],
      autoPong: false,
      clientTracking: false,
      ...(options.maxMessageSize !== undefined && { maxMessageSize: options.maxMessageSize }),
      ...(options.upstream?.closeTimeout !== undefined && { closeTimeout: options.upstream.closeTimeout }),
      accept: () => ({ accept: true, headers: acceptedResponseHeaders(upstream.responseHeaders) }),
    });
    server.once('connection', (client: WebSocket) => {
      client.pause();
      const relayed = relay(client, upstream, options);
      options.onRelay?.(relayed, url);
    });
    // Our server refused the client's request (a bad version, a bad extension header): it has its answer; the upstream goes.
    server.once('rejected', () => upstream.close(1001, 'the client was refused'));
    if ((socket as Socket).destroyed) {
      upstream.close(1001, 'the client went away');
      return;
    }
    server.handleUpgrade(request, socket, head);
  }
}

/** The deflate offer or answer, with the sender of one direction asked to reset its context per message when `reset`. */
function resetting(
  deflate: PerMessageDeflateOptions | false,
  param: 'serverNoContextTakeover' | 'clientNoContextTakeover',
  reset: boolean | undefined,
): PerMessageDeflateOptions | false {
  return deflate && reset ? { ...deflate, [param]: true } : deflate;
}
