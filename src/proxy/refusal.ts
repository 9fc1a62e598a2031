/**
 * A failed upstream handshake, answered to the client in HTTP, so it sees what a direct
 * connection would have: the upstream's own status, headers and body when it answered (a 401,
 * a 403, a 302 with its Location...), 502 Bad Gateway when it could not be reached or its
 * answer was no WebSocket one, 504 when it did not answer in time.
 */
import { Buffer } from 'node:buffer';
import type { Duplex } from 'node:stream';
import type { RefusedResponse } from '../index.js';
import { refusalHeaders } from './forwarded-headers.js';

export interface Refusal {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** What to tell the client for the upstream leg's failure. */
export function refusalFor(error: Error | undefined, target: string): Refusal {
  const response = (error as { response?: RefusedResponse } | undefined)?.response;
  if (response) {
    return { status: response.status, statusText: response.statusText, headers: refusalHeaders(response.rawHeaders), body: response.body };
  }
  const code = (error as { code?: string } | undefined)?.code;
  const timeout = code === 'WS_ERR_HANDSHAKE_TIMEOUT';
  const body = Buffer.from(`wscope proxy: ${target}: ${error?.message ?? 'the connection failed'}\n`);
  return {
    status: timeout ? 504 : 502,
    statusText: timeout ? 'Gateway Timeout' : 'Bad Gateway',
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body,
  };
}

export function writeRefusal(socket: Duplex, refusal: Refusal): void {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${refusal.status} ${refusal.statusText}`];
  for (const [name, value] of refusal.headers) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${refusal.body.length}`, 'Connection: close');
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), refusal.body]));
}
