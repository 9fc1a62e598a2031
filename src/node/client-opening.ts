/**
 * The client's side of opening a connection (the server's is server-socket.ts): the opening
 * handshake (client-handshake.ts) with the permessage-deflate offer, the check of the server's
 * answer to that offer, and the socket handed over to the WebSocket being opened.
 */
import { checkMaxMessageSize } from '../protocol/connection.js';
import { buildDeflateOffer, checkDeflateResponse, type DeflateParams } from '../protocol/extensions/permessage-deflate.js';
import { openClient, type OpenedClient } from './client-handshake.js';
import { deflateOptions } from './deflate-session.js';
import type { ClientOptions } from './socket-types.js';

/** What the opening tells the WebSocket it opens. */
export interface ClientOpening {
  /** False once `close()` gave up on the opening: a socket that opens after that is dropped. */
  stillConnecting(): boolean;
  /** The handshake is done; `deflate` holds the agreed parameters, if permessage-deflate was. */
  opened(client: OpenedClient, deflate: DeflateParams | undefined): void;
  /** A network error, a HandshakeError, or a deflate answer the offer did not allow. */
  failed(error: Error): void;
}

/**
 * `new WebSocket(url, protocols?, options?)`: the subprotocols come alone (as in browsers) or in the
 * options. Options given alone are used as they are, not copied: the connection keeps them (its
 * heartbeat, close timeout and limits are read from them once open), and a load run's thousands
 * of connections share one object instead of holding ~130 B of copy each.
 */
export function clientOptionsOf(protocols: string | readonly string[] | ClientOptions | undefined, options: ClientOptions | undefined): ClientOptions {
  if (typeof protocols === 'object' && !Array.isArray(protocols)) return protocols as ClientOptions;
  if (protocols === undefined) return options ?? {};
  return { ...options, protocols: typeof protocols === 'string' ? [protocols] : (protocols as readonly string[]) };
}

/**
 * Start opening; the outcome comes through `opening`. A bad `maxMessageSize` throws at once
 * (from the constructor): it is the caller's mistake, not a failure of the connection.
 */
export function openClientSocket(url: string | URL, options: ClientOptions, opening: ClientOpening): void {
  if (options.maxMessageSize !== undefined) checkMaxMessageSize(options.maxMessageSize);
  // A raw `extensions` header is offered as it is, and nothing is negotiated on top of it.
  const deflate = options.extensions === undefined ? deflateOptions(options.perMessageDeflate) : undefined;
  const offer = deflate && buildDeflateOffer(deflate);
  openClient(url, offer ? { ...options, extensions: offer } : options).then(
    (client) => {
      if (!opening.stillConnecting()) {
        client.socket.destroy();
        return;
      }
      let params: DeflateParams | undefined;
      try {
        // RFC 7692 §5: a response the offer did not allow fails the connection.
        params = deflate && checkDeflateResponse(client.result.extensions, deflate, client.result.status);
      } catch (error) {
        client.socket.destroy();
        opening.failed(error as Error);
        return;
      }
      opening.opened(client, params);
    },
    (error: Error) => opening.failed(error),
  );
}
