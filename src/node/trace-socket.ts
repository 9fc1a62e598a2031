/**
 * The trace hooks of a WebSocket: websocket.ts calls these, each behind `tracing()`, at the points
 * where a message, control frame, Close, or error passes; this file turns them into trace events.
 * State lives in a WeakMap, created only while someone subscribes: a socket that is never traced
 * carries nothing.
 */
import { Buffer } from 'node:buffer';
import { closeTraceEvent } from '../trace/close-event.js';
import type { CloseFrameRecord, MessageTraceEvent, PingTraceEvent, PongTraceEvent, TraceDirection } from '../trace/events.js';
import { encodePayload, wireText } from '../trace/payload.js';
import { nextConnectionId, publish, traceTime } from './trace-channel.js';
import type { SendCallback } from './socket-types.js';

/** What a hook needs of the WebSocket (its public surface only). */
interface TracedSocket {
  readonly readyState: number;
  readonly url: string;
}

interface CloseState {
  /** 'closed' without a Close frame either way and without failing: the peer ended TCP (EOF). */
  readonly readyState: 'open' | 'closing' | 'closed';
  readonly hasFailed: boolean;
  readonly sentClose: { code: number; reason: string } | undefined;
  readonly receivedClose: { code: number; reason: string } | undefined;
}

interface SocketTrace {
  conn: number;
  /** It failed before it was open (a refused connection, a bad handshake): the fault came from outside. */
  failedEarly: boolean;
  /** An error was reported (a reset, a protocol error): the cut, if there was no Close, came from outside. */
  errored: boolean;
  firstCloser: TraceDirection | undefined;
  sent: CloseFrameRecord | undefined;
  received: CloseFrameRecord | undefined;
}

const traces = new WeakMap<object, SocketTrace>();
/** The connection id a transport's handshake was published under, until its WebSocket takes it over. */
const transportIds = new WeakMap<object, number>();
const kTraceConn = Symbol('wscope.trace.conn');

/** The handshake of `transport` was published as connection `conn`. */
export function bindTransport(transport: object, conn: number): void {
  transportIds.set(transport, conn);
}

/** A handshake error of connection `conn`: the WebSocket that fails with it keeps that id. */
export function tagError(error: unknown, conn: number): void {
  if (typeof error === 'object' && error !== null) Object.defineProperty(error, kTraceConn, { value: conn, configurable: true });
}

function traceOf(ws: object, conn?: number): SocketTrace {
  let trace = traces.get(ws);
  if (!trace) {
    trace = { conn: conn ?? nextConnectionId(), failedEarly: false, errored: false, firstCloser: undefined, sent: undefined, received: undefined };
    traces.set(ws, trace);
  }
  return trace;
}

/** The WebSocket takes over its transport: it keeps the id its handshake was published under. */
export function traceAttach(ws: object, transport: object): void {
  const conn = transportIds.get(transport);
  transportIds.delete(transport);
  traceOf(ws, conn);
}

/** The connection id a WebSocket's events carry, once one was given (for tools that label clients). */
export function traceConnectionId(ws: object): number | undefined {
  return traces.get(ws)?.conn;
}

export function traceReceived(ws: object, data: Buffer, binary: boolean, compressed: boolean, wireLength: number | undefined): void {
  const payload = encodePayload(data, binary ? 'binary' : 'text');
  const event: MessageTraceEvent = {
    time: traceTime(),
    conn: traceOf(ws).conn,
    event: 'message',
    dir: 'in',
    opcode: binary ? 2 : 1,
    size: data.length,
    data: payload.data,
    encoding: payload.encoding,
  };
  if (compressed && wireLength !== undefined) event.wireSize = wireLength;
  publish(event);
}

interface Deflating {
  payload: string | Buffer;
  binary: boolean;
}

/** Messages still being compressed: what the application sent, found again by the callback that travels with it. */
const deflating = new WeakMap<SendCallback, Deflating>();

/**
 * A message enters the compression queue: what leaves it is compressed, so the original is kept
 * with the callback that comes out with it (`traceWritten`), and nothing else needs to match.
 */
export function traceDeflating(payload: string | Buffer, binary: boolean, callback: SendCallback | undefined): SendCallback {
  const traced: SendCallback = (error) => callback?.(error);
  deflating.set(traced, { payload, binary });
  return traced;
}

/** A message's frame was queued for the socket; `payload` is what went on the wire (compressed, when `compressed`). */
export function traceWritten(ws: object, payload: string | Buffer, binary: boolean, compressed: boolean, callback: SendCallback | undefined): void {
  const original = callback && deflating.get(callback);
  // Compressed before anyone subscribed: what it was is no longer known.
  if (compressed && !original) return;
  const message = original ? original.payload : payload;
  const isBinary = original ? original.binary : binary;
  let event: MessageTraceEvent;
  if (typeof message === 'string') {
    const text = wireText(message);
    event = { time: traceTime(), conn: traceOf(ws).conn, event: 'message', dir: 'out', opcode: 1, size: Buffer.byteLength(text), data: text, encoding: 'utf8' };
  } else {
    const { data, encoding } = encodePayload(message, isBinary ? 'binary' : 'bytes');
    event = { time: traceTime(), conn: traceOf(ws).conn, event: 'message', dir: 'out', opcode: isBinary ? 2 : 1, size: message.length, data, encoding };
  }
  if (compressed) event.wireSize = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  publish(event);
}

function controlEvent<E extends 'ping' | 'pong'>(
  ws: object,
  event: E,
  dir: TraceDirection,
  data: string | Buffer,
): E extends 'ping' ? PingTraceEvent : PongTraceEvent {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const opcode = event === 'ping' ? 9 : 10;
  return { time: traceTime(), conn: traceOf(ws).conn, event, dir, opcode, size: bytes.length, ...encodePayload(bytes, 'bytes') } as E extends 'ping'
    ? PingTraceEvent
    : PongTraceEvent;
}

/** We sent a ping or pong (`ping()`, `pong()`, the heartbeat). */
export function traceControlSent(ws: object, event: 'ping' | 'pong', data: string | Buffer): void {
  publish(controlEvent(ws, event, 'out', data));
}

/** A ping came; with `autoPong` the core answered it at once, unless our Close had already left (RFC 6455 §5.5.2). */
export function tracePingReceived(ws: object, data: Buffer, autoPong: boolean): void {
  publish(controlEvent(ws, 'ping', 'in', data));
  if (autoPong && traceOf(ws).sent === undefined) publish({ ...controlEvent(ws, 'pong', 'out', data), auto: true });
}

export function tracePongReceived(ws: object, data: Buffer, rtt: number | undefined): void {
  publish({ ...controlEvent(ws, 'pong', 'in', data), ...(rtt !== undefined && { rtt: Math.round(rtt * 1000) / 1000 }) });
}

export function traceCloseReceived(ws: object, code: number, reason: string): void {
  const trace = traceOf(ws);
  trace.received = { time: traceTime(), code, reason };
  trace.firstCloser ??= 'in';
}

/** Bytes are being written: if our Close is among them (whichever path queued it), note when it left. */
export function traceFlush(ws: object, connection: CloseState): void {
  const trace = traceOf(ws);
  if (trace.sent || !connection.sentClose) return;
  trace.sent = { time: traceTime(), ...connection.sentClose };
  trace.firstCloser ??= 'out';
}

/**
 * The connection is over: the outcome the application sees in 'close', and how it came about.
 * `localReason`: why this side cut the connection (close timeout, heartbeat, terminate).
 */
export function traceClosed(
  ws: object,
  code: number,
  reason: string,
  clean: boolean,
  connection: CloseState | undefined,
  localReason: string | undefined,
): void {
  const trace = traceOf(ws);
  const dir = trace.firstCloser ?? cutBy(trace, connection, localReason);
  // The Close frame that decided the code (none for 1006): its payload is the code and the reason.
  const decided = connection?.sentClose?.code === code && connection.sentClose.reason === reason ? connection.sentClose : connection?.receivedClose;
  const fromFrame = decided !== undefined && decided.code === code && code !== 1005;
  const subprotocol = (ws as { protocol?: string }).protocol;
  const event = closeTraceEvent(
    { time: traceTime(), conn: trace.conn, dir, code, reason, clean, sent: trace.sent, received: trace.received, ...(subprotocol && { subprotocol }) },
    fromFrame,
  );
  traces.delete(ws);
  publish(event);
}

/** No Close frame either way: who dropped the connection? */
function cutBy(trace: SocketTrace, connection: CloseState | undefined, localReason: string | undefined): TraceDirection {
  if (trace.failedEarly) return 'in';
  // The heartbeat, the close timeout, close() while connecting.
  if (localReason !== undefined) return 'out';
  const peerEnded = connection !== undefined && connection.readyState === 'closed' && !connection.hasFailed;
  // Neither the peer's EOF nor an error from outside: terminate().
  return peerEnded || trace.errored ? 'in' : 'out';
}

/** Every error the WebSocket reports ('error' listened to or not): protocol, handshake, network. */
export function traceError(ws: TracedSocket, error: unknown): void {
  const details = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
    closeCode?: unknown;
    status?: unknown;
    [kTraceConn]?: number;
  };
  const trace = traceOf(ws, details[kTraceConn]);
  trace.errored = true;
  const early = ws.readyState === 0;
  if (early) trace.failedEarly = true;
  publish({
    time: traceTime(),
    conn: trace.conn,
    event: 'error',
    dir: 'in',
    code: typeof details.code === 'string' ? details.code : 'WS_ERR_UNKNOWN',
    message: typeof details.message === 'string' ? details.message : String(error),
    ...(typeof details.closeCode === 'number' && { closeCode: details.closeCode }),
    ...(typeof details.status === 'number' && { status: details.status }),
    ...(early && ws.url !== '' && { url: ws.url }),
  });
}
