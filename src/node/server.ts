import type { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { HandshakeError } from '../protocol/errors.js';
import { buildAcceptResponse, checkRequestFraming, checkUpgradeRequest, type HeaderList, type UpgradeRequest } from '../protocol/handshake.js';
import { checkMaxMessageSize } from '../protocol/connection.js';
import { acceptDeflateOffer, checkDeflateOptions } from '../protocol/extensions/permessage-deflate.js';
import { deflateOptions } from './deflate-session.js';
import { pathOf, readUpgradeRequest, refusalResponse, requestFromIncoming, sendRefusal, type HeadReadingOptions } from './server-handshake.js';
import { traceServerHandshake, traceServerResponse } from './trace-handshake.js';
import { ServerSocket } from './server-socket.js';
import { attachRoute } from './upgrade-router.js';
import type { SocketOptions } from './socket-types.js';
import type { WebSocket } from './websocket.js';

/** What the accept hook and 'connection' listeners learn about an opening handshake. */
export interface HandshakeRequest {
  method: string;
  /** Request target as sent: path and query. */
  url: string;
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  rawHeaders: Array<[string, string]>;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  /** Subprotocols the client offered, in its order. */
  protocols: string[];
  origin: string | undefined;
}

/** The accept hook's answer: true/false, or details. */
export type AcceptDecision =
  | boolean
  | { accept: true; protocol?: string; headers?: HeaderList }
  | { accept: false; status?: number; message?: string; headers?: HeaderList };

export interface ServerOptions extends SocketOptions, HeadReadingOptions {
  /** Listen on this port (0: any free one). Without `port` or `server`, call handleUpgrade yourself. */
  port?: number;
  host?: string;
  /** TLS for the server's own port: key, cert, ca, passphrase... */
  tls?: TlsOptions;
  /** Attach to an existing http(s).Server's 'upgrade' event instead of a port of our own; close() detaches. */
  server?: HttpServer;
  /**
   * Only this path is served; others get 404. On an http.Server shared by several
   * WebSocketServers, each serves its own path and a request no one serves gets the 404.
   */
  path?: string;
  /** Subprotocols the server speaks, in preference order. Default: accept the client's first. */
  protocols?: readonly string[];
  /** Decide on each handshake: authentication, origin checks, subprotocol choice, rejection with a status. */
  accept?: (request: HandshakeRequest) => AcceptDecision | Promise<AcceptDecision>;
  /** Keep the set of open connections in `clients` (default true). */
  clientTracking?: boolean;
}

/**
 * Events: 'listening', 'connection' (socket, request), 'rejected' (error: HandshakeError,
 * request | undefined), 'error' (error), 'close'.
 */
export class WebSocketServer extends EventEmitter {
  readonly clients = new Set<WebSocket>();
  private readonly netServer: NetServer | undefined;
  private readonly pending = new Set<Duplex>();
  /**
   * Shared 'close' listeners (`this` is the socket): a closure per connection would stay alive,
   * with everything its scope held, for as long as the connection does.
   */
  private readonly forgetPending = deleter(this.pending);
  private readonly forgetClient = deleter(this.clients);
  private closing = false;
  /** Takes our route off the shared http.Server's 'upgrade' listener: after close() it is not ours to answer. */
  private readonly detach: (() => void) | undefined;

  constructor(
    readonly options: ServerOptions = {},
    onListening?: () => void,
  ) {
    super();
    const deflate = deflateOptions(options.perMessageDeflate);
    if (deflate) checkDeflateOptions(deflate);
    if (options.maxMessageSize !== undefined) checkMaxMessageSize(options.maxMessageSize);
    if (onListening) this.once('listening', onListening);
    if (options.server) {
      this.detach = attachRoute(options.server, { path: options.path, handle: (req, socket, head) => this.handleUpgrade(req, socket, head) });
    } else if (options.port !== undefined) {
      const onSocket = (socket: Socket) => this.readHandshake(socket);
      this.netServer = options.tls ? createTlsServer(options.tls, onSocket) : createNetServer(onSocket);
      if (options.tls) this.netServer.on('tlsClientError', (error: Error, socket: Socket) => socket.destroy(error));
      this.netServer.on('error', (error) => this.emit('error', error));
      this.netServer.listen(options.port, options.host, () => this.emit('listening'));
    }
  }

  address(): AddressInfo {
    const address = (this.netServer ?? this.options.server)?.address();
    if (!address || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
    return address;
  }

  /** Resolves once listening (at once when attached to another server). */
  ready(): Promise<void> {
    if (!this.netServer || this.netServer.listening) return Promise.resolve();
    // Whichever comes first removes the other listener: a leftover 'error' listener would
    // swallow every later error silently.
    return new Promise((resolve, reject) => {
      const onListening = (): void => {
        this.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        this.off('listening', onListening);
        reject(error);
      };
      this.once('listening', onListening);
      this.once('error', onError);
    });
  }

  /** Feed an upgrade request parsed by Node's HTTP server (the 'upgrade' event's arguments). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.trackPending(socket);
    // Node's HTTP server drops its own 'error' listener on an upgraded socket: without one, a
    // client resetting while we answer would crash the process.
    socket.on('error', destroySocket);
    void this.upgrade(requestFromIncoming(req), socket as Socket, head);
  }

  /**
   * Stop accepting, then close every connection with 1001 Going Away (or the code given) and
   * wait for their closing handshakes, each bounded by the close timeout.
   */
  async close(code = 1001, reason = 'server shutting down'): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.detach?.();
    const stopped = this.netServer ? new Promise<void>((resolve) => this.netServer!.close(() => resolve())) : Promise.resolve();
    for (const socket of this.pending) socket.destroy();
    const closed = [...this.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.readyState === client.CLOSED) return resolve();
          client.once('close', () => resolve());
          client.close(code, reason);
        }),
    );
    await Promise.all([stopped, ...closed]);
    this.emit('close');
  }

  private trackPending(socket: Duplex): void {
    this.pending.add(socket);
    socket.once('close', this.forgetPending);
  }

  /** Our own port: read the request head ourselves, with limits and a deadline. */
  private readHandshake(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.trackPending(socket);
    socket.on('error', destroySocket);
    readUpgradeRequest(
      socket,
      this.options,
      (request, rest) => void this.upgrade(request, socket, rest),
      (error) => this.reject(socket, error, undefined),
    );
  }

  private async upgrade(request: UpgradeRequest, socket: Socket, rest: Buffer): Promise<void> {
    const info = describe(request, socket);
    traceServerHandshake(request, socket);
    try {
      if (this.closing) throw new HandshakeError('WS_ERR_SERVER_CLOSING', 503, 'the server is shutting down');
      checkRequestFraming(request);
      if (this.options.path !== undefined && info.path !== this.options.path) {
        throw new HandshakeError('WS_ERR_NOT_FOUND', 404, `no WebSocket endpoint at ${info.path}`);
      }
      const valid = checkUpgradeRequest(request);
      let protocol = this.chooseProtocol(valid.protocols);
      let headers: HeaderList | undefined;
      if (this.options.accept) {
        let decision: AcceptDecision;
        try {
          decision = await this.options.accept(info);
        } catch (error) {
          this.connectionError(error);
          throw new HandshakeError('WS_ERR_ACCEPT_HOOK', 500, 'internal error while accepting the connection');
        }
        if (decision === false || (typeof decision === 'object' && !decision.accept)) {
          const details: { status?: number; message?: string; headers?: HeaderList } = typeof decision === 'object' ? decision : {};
          throw new HandshakeError('WS_ERR_REJECTED', details.status ?? 403, details.message ?? 'connection refused', headerRecord(details.headers));
        }
        if (typeof decision === 'object') {
          if (decision.protocol !== undefined) {
            if (!valid.protocols.includes(decision.protocol))
              throw new Error(`accept hook chose subprotocol ${decision.protocol}, which the client did not offer`);
            protocol = decision.protocol;
          }
          headers = decision.headers;
        }
      }
      const deflate = deflateOptions(this.options.perMessageDeflate);
      const accepted = deflate && acceptDeflateOffer(valid.extensions, deflate);
      if (socket.destroyed) return;
      const extensions = accepted?.response;
      const response = buildAcceptResponse({ key: valid.key, ...(protocol && { protocol }), ...(extensions && { extensions }), ...(headers && { headers }) });
      socket.write(response);
      traceServerResponse(socket, response);
      this.pending.delete(socket);
      socket.off('close', this.forgetPending);
      const ws = new ServerSocket(socket, rest, this.options, {
        protocol,
        url: info.url,
        ...(accepted && { extensions: accepted.response, deflate: accepted.params }),
      });
      if (this.options.clientTracking ?? true) {
        this.clients.add(ws);
        ws.on('close', this.forgetClient);
      }
      try {
        this.emit('connection', ws, info);
      } catch (error) {
        // The 101 is out: an HTTP error can no longer be sent, so the WebSocket itself closes.
        this.connectionError(error);
        ws.close(1011);
      }
    } catch (error) {
      const handshakeError = error instanceof HandshakeError ? error : new HandshakeError('WS_ERR_INTERNAL', 500, 'internal error');
      if (!(error instanceof HandshakeError)) this.connectionError(error);
      this.reject(socket, handshakeError, info);
    }
  }

  /**
   * One connection's failure (a throwing accept hook, an internal error) is reported as 'error'
   * to whoever listens, and never crashes the server: its client gets a 500 either way.
   */
  private connectionError(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private chooseProtocol(offered: string[]): string {
    const supported = this.options.protocols;
    if (!supported) return offered[0] ?? '';
    return supported.find((p) => offered.includes(p)) ?? '';
  }

  private reject(socket: Duplex, error: HandshakeError, request: HandshakeRequest | undefined): void {
    this.emit('rejected', error, request);
    if (socket.destroyed) return;
    const response = refusalResponse(error);
    traceServerResponse(socket, response, error);
    sendRefusal(socket, error, response);
  }
}

function deleter<T>(set: Set<T>): (this: T) => void {
  return function (this: T) {
    set.delete(this);
  };
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

function describe(request: UpgradeRequest, socket: Duplex): HandshakeRequest {
  const headers: Record<string, string> = {};
  for (const [name, values] of request.headers) headers[name] = values.join(', ');
  const path = pathOf(request.target);
  const netSocket = socket as Partial<Socket>;
  return {
    method: request.method,
    url: request.target,
    path,
    headers,
    rawHeaders: request.rawHeaders,
    remoteAddress: netSocket.remoteAddress,
    remotePort: netSocket.remotePort,
    protocols: (headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    origin: headers['origin'],
  };
}

function headerRecord(headers: HeaderList | undefined): Record<string, string> {
  if (!headers) return {};
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
}
