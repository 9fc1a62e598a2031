/**
 * The trace model: what happened on a connection, as plain JSON values. Every tool that observes
 * traffic (the CLI's --jsonl, the recorder, the inspector, the proxy, scenarios, the load tester)
 * reads and writes these events; docs/trace.md describes every field with examples.
 *
 * Pure: no clock, no socket. Times are given by the caller, as epoch seconds with µs precision.
 */
export type TraceDirection = 'in' | 'out';
export type TraceEncoding = 'utf8' | 'base64';
export type TraceEventName = 'handshake' | 'message' | 'ping' | 'pong' | 'close' | 'error';
export type GrpcTraceEventName = 'grpc-start' | 'grpc-message' | 'grpc-end';
export type HeaderPairs = Array<[string, string]>;

interface TraceBase {
  /** Epoch seconds with µs precision (as HAR's `_webSocketMessages[].time`, which is epoch seconds too). */
  time: number;
  /** The connection's id, unique in the process that traced it. */
  conn: number;
  event: TraceEventName | GrpcTraceEventName;
  dir: TraceDirection;
}

/** The fields every event that carries a payload has (message, ping, pong, close). */
interface TracePayload {
  /** RFC 6455 §5.2 opcode: 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  opcode: number;
  /** Payload bytes: for a message, what the application sent or received (inflated, when compressed). */
  size: number;
  /** The payload, as `encoding` says: decoding it gives back exactly `size` bytes. */
  data: string;
  encoding: TraceEncoding;
}

export interface HandshakeTimings {
  /** Client: ms from the start to the transport being ready (DNS, TCP, proxy, TLS). */
  connect?: number;
  /** Client: ms from writing the request to reading the response head. Server: ms from reading the request head to writing the response. */
  wait: number;
}

/**
 * The opening handshake: published when the response was read (client) or written (server),
 * whatever its status. `dir` is who sent the request: `out` for a client, `in` for a server.
 */
export interface HandshakeTraceEvent extends TraceBase {
  event: 'handshake';
  role: 'client' | 'server';
  /** Absolute ws:// or wss:// URL, credentials redacted unless asked otherwise. */
  url: string;
  method: string;
  /** Request target as sent: path and query. */
  target: string;
  httpVersion: string;
  requestHeaders: HeaderPairs;
  status: number;
  statusText: string;
  responseHeaders: HeaderPairs;
  /** The subprotocol and extensions agreed ('' when none, or when the handshake failed). */
  protocol: string;
  extensions: string;
  /** When the handshake started: epoch seconds. */
  start: number;
  timings: HandshakeTimings;
  remoteAddress?: string;
  remotePort?: number;
}

export interface MessageTraceEvent extends TraceBase, TracePayload {
  event: 'message';
  opcode: 1 | 2;
  /** Only for a message that travelled compressed (permessage-deflate): its payload bytes on the wire, all frames. */
  wireSize?: number;
}

export interface PingTraceEvent extends TraceBase, TracePayload {
  event: 'ping';
  opcode: 9;
}

export interface PongTraceEvent extends TraceBase, TracePayload {
  event: 'pong';
  opcode: 10;
  /** A pong we sent on our own, answering a ping (RFC 6455 §5.5.2). */
  auto?: true;
  /** Incoming pong answering one of our pings: ms since that ping left. */
  rtt?: number;
}

export interface CloseFrameRecord {
  time: number;
  code: number;
  reason: string;
}

/**
 * The end of the connection, always its last event. `dir` says who closed: `out` when this side
 * sent the first Close (or cut the connection), `in` when the peer did.
 */
export interface CloseTraceEvent extends TraceBase, TracePayload {
  event: 'close';
  opcode: 8;
  /** What the application was told: the code, 1005 for a Close without one, 1006 for none at all. */
  code: number;
  reason: string;
  /** The close code registry's name for `code` ("Normal Closure", "Private Use"...). */
  name: string;
  /** Both Close frames were exchanged and nothing failed. */
  clean: boolean;
  /** Our Close frame, if one left. */
  sent?: CloseFrameRecord;
  /** The peer's Close frame, if one came. */
  received?: CloseFrameRecord;
}

export interface ErrorTraceEvent extends TraceBase {
  event: 'error';
  /** A stable code: WS_ERR_* (protocol and handshake errors) or Node's own (ECONNREFUSED, ECONNRESET...). */
  code: string;
  message: string;
  /** The close code this error earned, for protocol errors. */
  closeCode?: number;
  /** The HTTP status, for handshake errors. */
  status?: number;
  /** Client connection failures before any handshake event: where it tried to go. */
  url?: string;
}

/** The four kinds of gRPC method, by whether the client and the server send a stream. */
export type GrpcCallKind = 'unary' | 'server-streaming' | 'client-streaming' | 'bidi-streaming';

/**
 * A gRPC call began (its request headers were sent or read). A call is traced as a connection of
 * its own: `conn` is the call's id, from the same counter as WebSockets'. `dir` is who sent the
 * request, as for a handshake: `out` for a client, `in` for a server.
 */
export interface GrpcStartTraceEvent extends TraceBase {
  event: 'grpc-start';
  role: 'client' | 'server';
  /** The method's path: `/package.Service/Method`. */
  method: string;
  kind: GrpcCallKind;
  /** The request metadata, `[key, value]` pairs; a `-bin` key's value is base64. Credentials redacted as handshake headers are. */
  metadata: HeaderPairs;
  /** The other side: `host:port` (the server a client called, the client a server answered). */
  peer?: string;
}

/** One message of a call, decoded. `dir`: `out` sent by us, `in` received. */
export interface GrpcMessageTraceEvent extends TraceBase {
  event: 'grpc-message';
  /** The message in the proto3 JSON mapping. */
  json: unknown;
  /** The encoded protobuf message's bytes (without gRPC's 5-byte frame header). */
  size: number;
}

/** The call's end, always its last event: its status. `dir`: `in` on a client (the server's status), `out` on a server. */
export interface GrpcEndTraceEvent extends TraceBase {
  event: 'grpc-end';
  /** The gRPC status code: 0 OK ... 16 UNAUTHENTICATED. */
  code: number;
  /** The status's name: `OK`, `NOT_FOUND`... */
  name: string;
  /** The status message (`grpc-message`), '' when none. */
  message: string;
  /** The response trailers, as `metadata` is written. */
  trailers: HeaderPairs;
}

export type GrpcTraceEvent = GrpcStartTraceEvent | GrpcMessageTraceEvent | GrpcEndTraceEvent;

export type TraceEvent = HandshakeTraceEvent | MessageTraceEvent | PingTraceEvent | PongTraceEvent | CloseTraceEvent | ErrorTraceEvent;

export const GRPC_TRACE_EVENT_NAMES: readonly GrpcTraceEventName[] = ['grpc-start', 'grpc-message', 'grpc-end'];

export const TRACE_EVENT_NAMES: readonly TraceEventName[] = ['handshake', 'message', 'ping', 'pong', 'close', 'error'];

/**
 * Every event on the trace channel: a WebSocket's (TraceEvent) or a gRPC call's. Kept apart so
 * that code written for WebSocket events (HAR, replay, the inspector) keeps its exact type;
 * readers that take both say so (`decodeJsonl(text, { grpc: true })`).
 */
export type AnyTraceEvent = TraceEvent | GrpcTraceEvent;

export const GRPC_CALL_KINDS: readonly GrpcCallKind[] = ['unary', 'server-streaming', 'client-streaming', 'bidi-streaming'];

/** Epoch milliseconds (fractional) → epoch seconds rounded to the µs. */
export function epochSeconds(ms: number): number {
  return Math.round(ms * 1000) / 1e6;
}
