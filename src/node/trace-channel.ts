import { channel } from 'node:diagnostics_channel';
import { type AnyTraceEvent, epochSeconds } from '../trace/events.js';
import { redactEvent, redactHeaders, SECRET_HEADERS } from '../trace/redact.js';

/**
 * Every trace event of every WebSocket in the process is published on this
 * `node:diagnostics_channel` channel (see docs/trace.md). Nothing is built while no one subscribes.
 */
export const TRACE_CHANNEL = 'wscope:trace';

const traceChannel = channel(TRACE_CHANNEL);

export interface TraceOptions {
  /**
   * Publish credentials as they are: Authorization, Proxy-Authorization, Cookie and Set-Cookie
   * header values and URL passwords. Off by default: they are replaced by `[redacted]` and `***`.
   */
  secrets?: boolean;
  /** More header names whose values become `[redacted]` (any case), even with `secrets`. */
  redactHeaders?: readonly string[];
}

let secrets = false;
let extraHeaders: ReadonlySet<string> = new Set();
let redactedHeaders: ReadonlySet<string> = SECRET_HEADERS;

/** Process-wide, like the channel itself. */
export function setTraceOptions(options: TraceOptions): void {
  secrets = options.secrets ?? false;
  extraHeaders = new Set((options.redactHeaders ?? []).map((name) => name.toLowerCase()));
  redactedHeaders = new Set([...SECRET_HEADERS, ...extraHeaders]);
}

/** The one guard every hook sits behind: a getter on the channel, nothing allocated. */
export function tracing(): boolean {
  return traceChannel.hasSubscribers;
}

let lastConnectionId = 0;

/** Unique in the process, in the order connections were first traced. */
export function nextConnectionId(): number {
  return ++lastConnectionId;
}

/** Read once: it never changes, and the getter is not free on a path taken per message. */
const TIME_ORIGIN = performance.timeOrigin;

/** Now, as a trace time: epoch seconds with µs. */
export function traceTime(): number {
  return epochSeconds(TIME_ORIGIN + performance.now());
}

export function publish(event: AnyTraceEvent): void {
  traceChannel.publish(secrets ? withHeadersRedacted(event) : redactEvent(event, redactedHeaders));
}

/** With `secrets`, only the headers asked for by name are redacted. */
function withHeadersRedacted(event: AnyTraceEvent): AnyTraceEvent {
  if (extraHeaders.size === 0) return event;
  if (event.event === 'handshake')
    return { ...event, requestHeaders: redactHeaders(event.requestHeaders, extraHeaders), responseHeaders: redactHeaders(event.responseHeaders, extraHeaders) };
  if (event.event === 'grpc-start') return { ...event, metadata: redactHeaders(event.metadata, extraHeaders) };
  if (event.event === 'grpc-end') return { ...event, trailers: redactHeaders(event.trailers, extraHeaders) };
  return event;
}
