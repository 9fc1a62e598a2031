import type { ClientOptions } from './socket-types.js';
import { WebSocket } from './websocket.js';

/**
 * Open a client connection; resolves once it is open, rejects with the network error or
 * HandshakeError (which carries the HTTP `status`) that kept it from opening.
 */
export function connect(url: string | URL, options: ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    const onOpen = () => {
      socket.off('close', onClose);
      resolve(socket);
    };
    const onClose = () => {
      socket.off('open', onOpen);
      reject(socket.connectError ?? new Error('the connection closed before it opened'));
    };
    socket.once('open', onOpen);
    socket.once('close', onClose);
  });
}
