import { type AnyTraceEvent, GRPC_CALL_KINDS, GRPC_TRACE_EVENT_NAMES, TRACE_EVENT_NAMES, type TraceEvent } from './events.js';
import { decodePayload, isCanonicalBase64 } from './payload.js';

/** A trace that cannot be read: says which field is wrong and why (the JSONL reader adds the line). */
export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
  constructor(
    message: string,
    /** 1-based line of a JSONL file, when read from one. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

type Json = Record<string, unknown>;

const OPCODES: Record<string, readonly number[]> = { message: [1, 2], ping: [9], pong: [10], close: [8] };

/** `grpc`: gRPC calls' events (grpc-start, grpc-message, grpc-end) are accepted too. */
export interface TraceReadOptions {
  grpc?: boolean;
}

/**
 * Check that a parsed JSON value is a trace event: the fields each event must have, with the right
 * types, and a payload that decodes to exactly `size` bytes. Unknown fields are kept (later
 * versions and other tools may add their own). Only WebSocket events, unless `{ grpc: true }`.
 */
export function validateTraceEvent(value: unknown): TraceEvent;
export function validateTraceEvent(value: unknown, options: TraceReadOptions): AnyTraceEvent;
export function validateTraceEvent(value: unknown, options: TraceReadOptions = {}): AnyTraceEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TraceFormatError('expected a JSON object');
  const event = value as Json;
  const name = event['event'];
  const names: readonly string[] = options.grpc ? [...TRACE_EVENT_NAMES, ...GRPC_TRACE_EVENT_NAMES] : TRACE_EVENT_NAMES;
  if (typeof name !== 'string' || !names.includes(name)) {
    throw new TraceFormatError(`"event" must be one of ${names.join(', ')}, got ${JSON.stringify(name)}`);
  }
  requireNumber(event, 'time', (n) => n >= 0, 'a time in epoch seconds');
  requireNumber(event, 'conn', (n) => Number.isInteger(n) && n >= 1, 'a connection id (an integer from 1)');
  if (event['dir'] !== 'in' && event['dir'] !== 'out') throw new TraceFormatError(`"dir" must be "in" or "out", got ${JSON.stringify(event['dir'])}`);
  const opcodes = OPCODES[name];
  if (opcodes) checkPayload(event, name, opcodes);
  switch (name) {
    case 'handshake':
      for (const field of ['url', 'method', 'target', 'httpVersion', 'statusText', 'protocol', 'extensions']) requireString(event, field);
      requireNumber(event, 'status', (n) => Number.isInteger(n) && n >= 100 && n <= 999, 'an HTTP status');
      requireNumber(event, 'start', (n) => n >= 0, 'a time in epoch seconds');
      if (event['role'] !== 'client' && event['role'] !== 'server') throw new TraceFormatError('"role" must be "client" or "server"');
      requireHeaders(event, 'requestHeaders');
      requireHeaders(event, 'responseHeaders');
      if (typeof event['timings'] !== 'object' || event['timings'] === null) throw new TraceFormatError('"timings" must be an object');
      break;
    case 'message':
      if (event['wireSize'] !== undefined) requireNumber(event, 'wireSize', isSize, 'a byte count');
      break;
    case 'close':
      requireNumber(event, 'code', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffff, 'a close code');
      requireString(event, 'reason');
      requireString(event, 'name');
      if (typeof event['clean'] !== 'boolean') throw new TraceFormatError('"clean" must be true or false');
      break;
    case 'error':
      requireString(event, 'code');
      requireString(event, 'message');
      break;
    case 'grpc-start':
      if (event['role'] !== 'client' && event['role'] !== 'server') throw new TraceFormatError('"role" must be "client" or "server"');
      requireString(event, 'method');
      if (!(GRPC_CALL_KINDS as readonly unknown[]).includes(event['kind']))
        throw new TraceFormatError(`"kind" must be one of ${GRPC_CALL_KINDS.join(', ')}, got ${JSON.stringify(event['kind'])}`);
      requireHeaders(event, 'metadata');
      if (event['peer'] !== undefined) requireString(event, 'peer');
      break;
    case 'grpc-message':
      requireNumber(event, 'size', isSize, 'a byte count');
      if (!Object.hasOwn(event, 'json')) throw new TraceFormatError('"json" is missing: the message as JSON');
      break;
    case 'grpc-end':
      requireNumber(event, 'code', (n) => Number.isInteger(n) && n >= 0, 'a gRPC status code');
      requireString(event, 'name');
      requireString(event, 'message');
      requireHeaders(event, 'trailers');
      break;
  }
  return event as unknown as AnyTraceEvent;
}

function checkPayload(event: Json, name: string, opcodes: readonly number[]): void {
  requireNumber(event, 'opcode', (n) => opcodes.includes(n), `${opcodes.join(' or ')} for a ${name} event`);
  requireNumber(event, 'size', isSize, 'a byte count');
  requireString(event, 'data');
  const encoding = event['encoding'];
  if (encoding !== 'utf8' && encoding !== 'base64') throw new TraceFormatError(`"encoding" must be "utf8" or "base64", got ${JSON.stringify(encoding)}`);
  const data = event['data'] as string;
  if (encoding === 'base64' && !isCanonicalBase64(data)) throw new TraceFormatError('"data" is not valid base64');
  // A close event's data is its reason; its size counts the 2-byte code too.
  const bytes = decodePayload(data, encoding).length;
  const expected = name === 'close' && event['size'] !== 0 ? bytes + 2 : bytes;
  if (expected !== event['size']) throw new TraceFormatError(`"size" is ${event['size']} but "data" holds ${expected} bytes`);
}

function isSize(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

function requireNumber(event: Json, field: string, ok: (n: number) => boolean, what: string): void {
  const value = event[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value))
    throw new TraceFormatError(`"${field}" must be ${what}, got ${JSON.stringify(value)}`);
}

function requireString(event: Json, field: string): void {
  if (typeof event[field] !== 'string') throw new TraceFormatError(`"${field}" must be a string, got ${JSON.stringify(event[field])}`);
}

function requireHeaders(event: Json, field: string): void {
  const value = event[field];
  const ok = Array.isArray(value) && value.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string'));
  if (!ok) throw new TraceFormatError(`"${field}" must be a list of [name, value] pairs`);
}
