import type { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import type { DeflateParams } from '../protocol/extensions/permessage-deflate.js';
import type { SocketOptions } from './socket-types.js';
import { WebSocket } from './websocket.js';

/** What was agreed in one connection's handshake. */
export interface AcceptedHandshake {
  protocol: string;
  url: string;
  extensions?: string;
  deflate?: DeflateParams;
}

/** The server's side of an accepted connection. */
export class ServerSocket extends WebSocket {
  /**
   * `options` are the server's, shared by all its connections (a copy per connection would cost
   * every idle connection a few hundred bytes); `accepted` is this connection's own.
   */
  constructor(socket: Socket, head: Buffer, options: SocketOptions, accepted: AcceptedHandshake) {
    super();
    this.protocol = accepted.protocol;
    this.url = accepted.url;
    this.extensions = accepted.extensions ?? '';
    this.attach(socket, head, 'server', options, accepted.deflate);
  }
}
