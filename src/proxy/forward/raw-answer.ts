/** An HTTP answer written straight on a socket no ServerResponse owns (a CONNECT or an upgrade request), then the connection closed. */
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export function answerAndClose(socket: Duplex, status: number, reason: string): void {
  const body = `wscope proxy: ${reason}\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  socket.end(`${head}${body}`, () => socket.destroy());
}
