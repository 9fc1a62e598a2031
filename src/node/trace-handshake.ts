/**
 * The trace hooks of the opening handshake, both roles: client-handshake.ts and server.ts create a
 * recorder (only while someone subscribes) and tell it when the request and response pass. The
 * connection id given here is kept by the WebSocket that takes the transport over (trace-socket).
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HandshakeError } from '../protocol/errors.js';
import type { HttpHead } from '../protocol/http-head.js';
import type { HandshakeTraceEvent, HeaderPairs } from '../trace/events.js';
import { readHeadText } from '../trace/http-head-text.js';
import { nextConnectionId, publish, traceTime, tracing } from './trace-channel.js';
import { bindTransport, tagError } from './trace-socket.js';

function msSince(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

function header(headers: HeaderPairs, name: string): string {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
}

/** Undefined when no one subscribes: the handshake then pays one getter call. */
export function traceClientHandshake(url: URL): ClientHandshakeTrace | undefined {
  return tracing() ? new ClientHandshakeTrace(url) : undefined;
}

export class ClientHandshakeTrace {
  private readonly started = performance.now();
  private readonly start = traceTime();
  private requestedAt = 0;
  private connectMs = 0;
  private request: { startLine: [string, string, string]; headers: HeaderPairs } | undefined;
  private socket: Socket | undefined;
  private conn: number | undefined;

  constructor(private readonly url: URL) {}

  /** The request was written on `socket`, the transport being ready (TCP, proxy, TLS). */
  requestSent(socket: Socket, request: string): void {
    this.socket = socket;
    this.connectMs = msSince(this.started);
    this.requestedAt = performance.now();
    this.request = readHeadText(request);
  }

  /** The response head was read, whatever its status: published now, checked afterwards. */
  responseRead(response: HttpHead): void {
    const request = this.request;
    const socket = this.socket;
    if (!request || !socket) return;
    const conn = nextConnectionId();
    this.conn = conn;
    bindTransport(socket, conn);
    const status = Number(response.startLine[1]);
    const headers = response.rawHeaders;
    const upgraded = status === 101;
    publish({
      time: traceTime(),
      conn,
      event: 'handshake',
      dir: 'out',
      role: 'client',
      url: this.url.href,
      method: request.startLine[0],
      target: request.startLine[1],
      httpVersion: request.startLine[2],
      requestHeaders: request.headers,
      status: Number.isInteger(status) ? status : 0,
      statusText: response.startLine[2],
      responseHeaders: headers,
      protocol: upgraded ? header(headers, 'sec-websocket-protocol') : '',
      extensions: upgraded ? header(headers, 'sec-websocket-extensions') : '',
      start: this.start,
      timings: { connect: this.connectMs, wait: msSince(this.requestedAt) },
      ...remote(socket),
    });
  }

  /** The response was refused (not 101, a wrong accept key...): the error that follows is this connection's. */
  failed(error: unknown): void {
    if (this.conn !== undefined) tagError(error, this.conn);
  }
}

/** The server side: one per upgrade request, from the parsed request to the response written. */
export function traceServerHandshake(request: { method: string; target: string; httpVersion: string; rawHeaders: HeaderPairs }, socket: Socket): void {
  if (!tracing()) return;
  serverHandshakes.set(socket, { request, started: performance.now(), start: traceTime() });
}

interface ServerHandshake {
  request: { method: string; target: string; httpVersion: string; rawHeaders: HeaderPairs };
  started: number;
  start: number;
}

const serverHandshakes = new WeakMap<object, ServerHandshake>();

/** The server wrote `response` (the 101, or an error) on `socket`. */
export function traceServerResponse(socket: object, response: string, error?: HandshakeError): void {
  if (!tracing()) return;
  const handshake = serverHandshakes.get(socket);
  serverHandshakes.delete(socket);
  const conn = nextConnectionId();
  const time = traceTime();
  if (handshake) {
    const { startLine, headers } = readHeadText(response);
    const status = Number(startLine[1]);
    const request = handshake.request;
    const secure = (socket as Partial<TLSSocket>).encrypted === true;
    const event: HandshakeTraceEvent = {
      time,
      conn,
      event: 'handshake',
      dir: 'in',
      role: 'server',
      url: `${secure ? 'wss' : 'ws'}://${header(request.rawHeaders, 'host') || 'localhost'}${request.target}`,
      method: request.method,
      target: request.target,
      httpVersion: request.httpVersion,
      requestHeaders: request.rawHeaders,
      status,
      statusText: startLine[2],
      responseHeaders: headers,
      protocol: status === 101 ? header(headers, 'sec-websocket-protocol') : '',
      extensions: status === 101 ? header(headers, 'sec-websocket-extensions') : '',
      start: handshake.start,
      timings: { wait: msSince(handshake.started) },
      ...remote(socket as Socket),
    };
    publish(event);
  }
  if (error) publish({ time, conn, event: 'error', dir: 'in', code: error.code, message: error.message, status: error.status });
  else bindTransport(socket, conn);
}

function remote(socket: Partial<Socket>): { remoteAddress?: string; remotePort?: number } {
  return {
    ...(socket.remoteAddress !== undefined && { remoteAddress: socket.remoteAddress }),
    ...(socket.remotePort !== undefined && { remotePort: socket.remotePort }),
  };
}
