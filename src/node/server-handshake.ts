import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { HandshakeError } from '../protocol/errors.js';
import { buildErrorResponse, type UpgradeRequest } from '../protocol/handshake.js';
import { DEFAULT_HEAD_LIMITS, HeadReader, parseHttpHead } from '../protocol/http-head.js';

/** The limits on reading one opening handshake from a socket of our own. */
export interface HeadReadingOptions {
  /** Milliseconds a client has to complete its request head (default 10 000): slowloris protection. */
  handshakeTimeout?: number;
  /** Bytes of request head allowed (default 16 KiB); over it: 431. */
  maxHeaderSize?: number;
  /** Header fields allowed (default 100); over it: 431. */
  maxHeaderCount?: number;
}

export const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

/**
 * Read one request head from a socket of our own, with its size and count limits and a
 * deadline. `onRequest` gets the parsed request and the bytes that came after the head (already
 * WebSocket frames, handed on in order); the socket is paused then, so no later byte is read
 * before the WebSocket takes over. `onError` gets the HandshakeError to answer with: 400 for a
 * malformed head (as soon as the first bad byte arrives), 431 over a limit, 408 at the deadline.
 */
export function readUpgradeRequest(
  socket: Socket,
  options: HeadReadingOptions,
  onRequest: (request: UpgradeRequest, rest: Buffer) => void,
  onError: (error: HandshakeError) => void,
): void {
  const limits = {
    maxHeaderSize: options.maxHeaderSize ?? DEFAULT_HEAD_LIMITS.maxHeaderSize,
    maxHeaderCount: options.maxHeaderCount ?? DEFAULT_HEAD_LIMITS.maxHeaderCount,
  };
  const reader = new HeadReader(limits, 'request');
  const timer = setTimeout(() => {
    stop();
    onError(new HandshakeError('WS_ERR_HANDSHAKE_TIMEOUT', 408, 'the opening handshake took too long'));
  }, options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT);
  // Removed once the head is read, so nothing of this handshake's scope (reader, timer) is
  // kept for the connection's lifetime: ~1 KiB per idle connection.
  const stopTimer = (): void => clearTimeout(timer);
  const stop = (): void => {
    socket.off('data', onData);
    socket.off('close', stopTimer);
    clearTimeout(timer);
  };
  const onData = (chunk: Buffer): void => {
    let done: { head: Buffer; rest: Buffer } | undefined;
    let request: UpgradeRequest;
    try {
      done = reader.push(chunk);
      if (!done) return;
      stop();
      socket.pause();
      const head = parseHttpHead(done.head, limits);
      request = toUpgradeRequest(head.startLine[0], head.startLine[1], head.startLine[2], head.rawHeaders);
    } catch (error) {
      stop();
      onError(error instanceof HandshakeError ? error : new HandshakeError('WS_ERR_MALFORMED_HTTP', 400, 'malformed request'));
      return;
    }
    onRequest(request, done.rest.length > 0 ? Buffer.from(done.rest) : NO_BYTES);
  };
  socket.once('close', stopTimer);
  socket.on('data', onData);
}

const NO_BYTES = Buffer.alloc(0);

/** The request Node's HTTP server parsed (an 'upgrade' event's `req`), in our own shape. */
export function requestFromIncoming(req: IncomingMessage): UpgradeRequest {
  const rawHeaders: Array<[string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) rawHeaders.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return toUpgradeRequest(req.method ?? '', req.url ?? '/', `HTTP/${req.httpVersion}`, rawHeaders);
}

function toUpgradeRequest(method: string, target: string, httpVersion: string, rawHeaders: Array<[string, string]>): UpgradeRequest {
  const headers = new Map<string, string[]>();
  for (const [name, value] of rawHeaders) {
    const key = name.toLowerCase();
    const list = headers.get(key);
    if (list) list.push(value);
    else headers.set(key, [value]);
  }
  return { method, target, httpVersion, headers, rawHeaders };
}

/** The path of a request target: what comes before its query. */
export function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** Answer a refused handshake with its HTTP error and close; a client that never reads its answer is cut after 1 s. */
export function refusalResponse(error: HandshakeError): string {
  return buildErrorResponse(error.status, error.message, { ...error.headers });
}

export function sendRefusal(socket: Duplex, error: HandshakeError, response = refusalResponse(error)): void {
  if (socket.destroyed) return;
  socket.end(response);
  setTimeout(() => socket.destroy(), 1000).unref();
}
