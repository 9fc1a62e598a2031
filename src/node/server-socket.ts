import type { Socket } from 'node:net';
import type { DeflateParams } from '../protocol/extensions/permessage-deflate.js';
import { WebSocket, type SocketOptions } from './websocket.js';

/** The server's side of an accepted connection. */
export class ServerSocket extends WebSocket {
  constructor(socket: Socket, head: Buffer, options: SocketOptions & { protocol: string; url: string; extensions?: string; allowRsv1?: boolean; deflate?: DeflateParams }) {
    super();
    this.protocol = options.protocol;
    this.url = options.url;
    this.extensions = options.extensions ?? '';
    this.attach(socket, head, 'server', options);
  }
}
