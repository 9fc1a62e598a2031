/**
 * HAR → trace events: the WebSocket entries of a HAR 1.2 file, as the events of docs/trace.md,
 * one connection per entry. Reads what Chrome DevTools exports, what Chromium writes through
 * Playwright's `recordHar` (`content: 'embed'`), and our own HARs (har-write.ts) with their
 * `_wscope` facts: the connection id, the side that traced it, control frames, errors, the close.
 *
 * HAR's `_webSocketMessages[].type` is the client's view: `send` went from the client to the
 * server, `receive` the other way, whichever side wrote the file. An entry is a client's trace
 * unless `_wscope.role` is `server`, where `send` becomes `in`.
 *
 * Times: DevTools writes epoch seconds (as the trace does); Playwright writes epoch milliseconds
 * (1.65: `time: wallTimeMs`). A value above 1e11 can only be milliseconds (1e11 s is the year
 * 5138), so such an entry's times are divided by 1000. Playwright's `omitTiming` writes -1: such
 * a message gets the time of the one before it (or the entry's start).
 *
 * Pure: JSON values in, JSON values out. A file that is not what it should be throws a
 * HarFormatError naming the entry, the message and the field.
 */
import { Buffer } from 'node:buffer';
import type { CloseFrameRecord, CloseTraceEvent, HandshakeTraceEvent, HeaderPairs, TraceDirection, TraceEvent } from './events.js';
import { type CloseOutcomeFields, closeTraceEvent } from './close-event.js';
import { encodePayload, isCanonicalBase64 } from './payload.js';
import { TraceFormatError, validateTraceEvent } from './validate.js';

export class HarFormatError extends Error {
  override name = 'HarFormatError';
}

type Json = Record<string, unknown>;
type Role = 'client' | 'server';
type Fail = (path: string, what: string) => never;

/** A time above this is epoch milliseconds, not seconds. */
const MILLISECONDS_ABOVE = 1e11;

const OPCODE_EVENTS: Record<number, 'message' | 'ping' | 'pong' | 'close'> = { 1: 'message', 2: 'message', 8: 'close', 9: 'ping', 10: 'pong' };

/**
 * Is this entry a WebSocket connection? DevTools and Playwright mark it with
 * `_resourceType: "websocket"`; a ws:// or wss:// request URL, or a `_webSocketMessages` list,
 * say the same for writers that do not.
 */
export function isWebSocketEntry(entry: unknown): boolean {
  if (!isObject(entry)) return false;
  if (entry['_resourceType'] === 'websocket' || Array.isArray(entry['_webSocketMessages'])) return true;
  const request = entry['request'];
  return isObject(request) && typeof request['url'] === 'string' && /^wss?:\/\//i.test(request['url']);
}

/**
 * Every WebSocket entry of a parsed HAR as trace events, in time order across connections (as a
 * live trace has them); entries of other kinds (pages, scripts, XHR) are skipped. Connection ids are `_wscope.conn` when our writer gave one,
 * otherwise 1, 2, 3... in the order the WebSocket entries come (skipping ids already taken).
 */
export function readHar(value: unknown): TraceEvent[] {
  if (!isObject(value)) throw new HarFormatError('not a HAR file: expected a JSON object with a "log"');
  const log = value['log'];
  if (!isObject(log)) throw new HarFormatError('not a HAR file: no "log" object');
  const entries = log['entries'];
  if (!Array.isArray(entries)) throw new HarFormatError('not a HAR file: "log.entries" must be a list');
  const sockets = entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => isWebSocketEntry(entry));
  const given = new Map<number, number>();
  for (const { entry, index } of sockets) {
    const facts = (entry as Json)['_wscope'];
    if (!isObject(facts) || facts['conn'] === undefined) continue;
    const conn = facts['conn'];
    if (typeof conn !== 'number' || !Number.isInteger(conn) || conn < 1 || given.has(conn))
      throw new HarFormatError(`log.entries[${index}]._wscope.conn: must be a connection id (an integer from 1, once per file), got ${JSON.stringify(conn)}`);
    given.set(conn, index);
  }
  const connections: TraceEvent[][] = [];
  let next = 1;
  for (const { entry, index } of sockets) {
    const facts = (entry as Json)['_wscope'];
    let conn = isObject(facts) ? (facts['conn'] as number | undefined) : undefined;
    if (conn === undefined) {
      while (given.has(next)) next++;
      conn = next++;
    }
    connections.push(readEntry(entry as Json, index, conn));
  }
  return interleave(connections);
}

/**
 * The connections' events in one list, as a live trace has them: by time across connections,
 * each connection's own order kept (its close stays last even when a clock stepped back).
 */
function interleave(connections: TraceEvent[][]): TraceEvent[] {
  const positions = connections.map(() => 0);
  const events: TraceEvent[] = [];
  for (;;) {
    let pick = -1;
    for (let i = 0; i < connections.length; i++) {
      const candidate = connections[i]![positions[i]!];
      if (candidate && (pick === -1 || candidate.time < connections[pick]![positions[pick]!]!.time)) pick = i;
    }
    if (pick === -1) return events;
    events.push(connections[pick]![positions[pick]!++]!);
  }
}

/** What a frame of `_webSocketMessages` or `_wscope.controlFrames` stands for. */
type Frame = { time: number; event: TraceEvent } | { time: number; close: CloseFrameRecord; by: Role };

/** One WebSocket entry: its handshake, its messages and control frames, its errors and its close. */
function readEntry(entry: Json, index: number, conn: number): TraceEvent[] {
  const at = `log.entries[${index}]`;
  const fail: Fail = (path, what) => {
    throw new HarFormatError(`${at}${path}: ${what}`);
  };
  const facts = entry['_wscope'] ?? {};
  if (!isObject(facts)) fail('._wscope', 'must be an object');
  const wscope = facts as Json;
  const role = wscope['role'] ?? 'client';
  if (role !== 'client' && role !== 'server') fail('._wscope.role', `must be "client" or "server", got ${JSON.stringify(role)}`);
  const side = { role: role as Role, clientDir: (role === 'client' ? 'out' : 'in') as TraceDirection };

  const start = readStart(entry, fail);
  const handshake = readHandshake(entry, at, conn, side, start, wscope, fail);
  const messages = listAt(entry['_webSocketMessages'], '._webSocketMessages', fail);
  const controls = listAt(wscope['controlFrames'], '._wscope.controlFrames', fail);
  const times = [...messages, ...controls].map((m) => (isObject(m) ? m['time'] : undefined));
  const inMilliseconds = times.some((time) => typeof time === 'number' && time > MILLISECONDS_ABOVE);
  let last = start;
  const toSeconds = (time: number) => {
    last = time < 0 ? last : inMilliseconds ? Math.round(time * 1000) / 1e6 : time;
    return last;
  };
  const frames: Frame[] = [
    ...messages.map((m, i) => readFrame(m, at, `._webSocketMessages[${i}]`, conn, side, toSeconds, fail)),
    ...controls.map((m, i) => readFrame(m, at, `._wscope.controlFrames[${i}]`, conn, side, toSeconds, fail)),
  ];
  // docs/trace.md: a client's error before any handshake names where it tried to go.
  const triedUrl = handshake ? undefined : (entry['request'] as Json)['url'];
  const errors = listAt(wscope['errors'], '._wscope.errors', fail).map((e, i) => readError(e, at, `._wscope.errors[${i}]`, conn, triedUrl, fail));
  if (!handshake) {
    if (frames.length > 0) fail('._webSocketMessages', 'an entry without a handshake response cannot have messages');
    // The client could not connect: docs/trace.md has its error, then a close (1006).
    if (errors.length === 0) errors.push(synthesizedError(entry, at, conn, start));
  }
  const events: TraceEvent[] = [...(handshake ? [handshake] : [])];
  const timed: Array<{ time: number; event: TraceEvent }> = [];
  const closeFrames: Partial<Record<Role, CloseFrameRecord>> = {};
  for (const frame of frames) {
    if ('event' in frame) timed.push(frame);
    else closeFrames[frame.by] ??= frame.close;
  }
  for (const error of errors) timed.push({ time: error.time, event: error });
  // Stable: the order in the file holds for equal times.
  timed.sort((a, b) => a.time - b.time);
  events.push(...timed.map((t) => t.event));
  const close = readClose(wscope, conn, side, closeFrames, fail) ?? (handshake ? undefined : notOpenedClose(conn, errors[0]!));
  if (close) events.push(check(close, `${at}._wscope.close`));
  return events;
}

function listAt(value: unknown, path: string, fail: Fail): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be a list');
  return value as unknown[];
}

function readStart(entry: Json, fail: Fail): number {
  const started = entry['startedDateTime'];
  const startMs = typeof started === 'string' ? Date.parse(started) : Number.NaN;
  if (Number.isNaN(startMs)) fail('.startedDateTime', `must be an ISO 8601 date, got ${JSON.stringify(started)}`);
  return Math.round(startMs * 1000) / 1e6;
}

/**
 * The handshake, or undefined for an entry whose request got no response (Chromium writes status
 * 0 or -1 with `_failureText`, we write 0 with `_error`).
 */
function readHandshake(
  entry: Json,
  at: string,
  conn: number,
  side: { role: Role; clientDir: TraceDirection },
  start: number,
  wscope: Json,
  fail: Fail,
): HandshakeTraceEvent | undefined {
  const request = entry['request'];
  if (!isObject(request)) return fail('.request', 'missing: a WebSocket entry needs its handshake request');
  const response = entry['response'];
  if (!isObject(response)) return fail('.response', 'missing: a WebSocket entry needs its handshake response');
  const url = parseUrl(request['url'], fail);
  const requestHeaders = readHeaders(request['headers'], '.request.headers', fail);
  const responseHeaders = readHeaders(response['headers'], '.response.headers', fail);
  const status = response['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status > 999)
    fail('.response.status', `must be an HTTP status, got ${JSON.stringify(status)}`);
  if ((status as number) < 100) return undefined;
  const timings = isObject(entry['timings']) ? entry['timings'] : {};
  const wait = typeof timings['wait'] === 'number' && timings['wait'] >= 0 ? timings['wait'] : 0;
  const connect = typeof timings['connect'] === 'number' && timings['connect'] >= 0 ? timings['connect'] : undefined;
  const upgraded = status === 101;
  const agreed = (field: string, header: string) =>
    typeof wscope[field] === 'string' ? (wscope[field] as string) : upgraded ? (headerValue(responseHeaders, header) ?? '') : '';
  const address = typeof wscope['remoteAddress'] === 'string' ? wscope['remoteAddress'] : entry['serverIPAddress'];
  const event = {
    time: Math.round((start + ((connect ?? 0) + wait) / 1000) * 1e6) / 1e6,
    conn,
    event: 'handshake',
    dir: side.clientDir,
    role: side.role,
    url: url.href,
    method: typeof request['method'] === 'string' ? request['method'] : 'GET',
    target: `${url.pathname || '/'}${url.search}`,
    httpVersion: typeof request['httpVersion'] === 'string' && /^HTTP\//i.test(request['httpVersion']) ? request['httpVersion'] : 'HTTP/1.1',
    requestHeaders,
    status,
    statusText: typeof response['statusText'] === 'string' ? response['statusText'] : '',
    responseHeaders,
    protocol: agreed('protocol', 'sec-websocket-protocol'),
    extensions: agreed('extensions', 'sec-websocket-extensions'),
    start,
    timings: { ...(connect !== undefined && { connect }), wait },
    ...(typeof address === 'string' && address !== '' && { remoteAddress: address.replace(/^\[|\]$/g, '') }),
    ...(typeof wscope['remotePort'] === 'number' && { remotePort: wscope['remotePort'] }),
  };
  return check(event, `${at}.request`) as HandshakeTraceEvent;
}

function parseUrl(value: unknown, fail: Fail): URL {
  if (typeof value !== 'string') return fail('.request.url', `must be a string, got ${JSON.stringify(value)}`);
  try {
    return new URL(value);
  } catch {
    return fail('.request.url', `is not a URL: ${JSON.stringify(value)}`);
  }
}

function readHeaders(value: unknown, path: string, fail: Fail): HeaderPairs {
  return listAt(value, path, fail).map((header, i): [string, string] => {
    if (!isObject(header) || typeof header['name'] !== 'string' || typeof header['value'] !== 'string')
      return fail(`${path}[${i}]`, `must be {name, value} with two strings, got ${JSON.stringify(header)}`);
    return [header['name'], header['value']];
  });
}

/** One `{type, time, opcode, data}`: a message, a ping or pong, or a Close frame (kept aside for the close event). */
function readFrame(
  raw: unknown,
  at: string,
  path: string,
  conn: number,
  side: { role: Role; clientDir: TraceDirection },
  toSeconds: (time: number) => number,
  fail: Fail,
): Frame {
  if (!isObject(raw)) return fail(path, 'must be an object {type, time, opcode, data}');
  const { type, opcode, time, data } = raw;
  if (type !== 'send' && type !== 'receive') fail(`${path}.type`, `must be "send" or "receive", got ${JSON.stringify(type)}`);
  const name = typeof opcode === 'number' ? OPCODE_EVENTS[opcode] : undefined;
  if (name === undefined) return fail(`${path}.opcode`, `must be 1 (text), 2 (binary), 8 (close), 9 (ping) or 10 (pong), got ${JSON.stringify(opcode)}`);
  if (typeof time !== 'number' || !Number.isFinite(time)) fail(`${path}.time`, `must be a number (epoch seconds), got ${JSON.stringify(time)}`);
  if (typeof data !== 'string') return fail(`${path}.data`, `must be a string, got ${JSON.stringify(data)}`);
  // DevTools: "payloadData" is UTF-8 text for opcode 1 and base64 for every other opcode.
  if (opcode !== 1 && !isCanonicalBase64(data)) fail(`${path}.data`, `must be base64 for opcode ${opcode}`);
  // Ours: a text message sent from bytes that were not UTF-8 keeps its exact bytes in `_bytes`.
  const exact = opcode === 1 && typeof raw['_bytes'] === 'string' ? raw['_bytes'] : undefined;
  if (exact !== undefined && !isCanonicalBase64(exact)) fail(`${path}._bytes`, 'must be base64');
  const bytes = exact !== undefined ? Buffer.from(exact, 'base64') : Buffer.from(data, opcode === 1 ? 'utf8' : 'base64');
  const seconds = toSeconds(time as number);
  const sender: Role = type === 'send' ? 'client' : 'server';
  if (name === 'close') return { time: seconds, close: closeFrameRecord(bytes, seconds), by: sender };
  const dir: TraceDirection = sender === 'client' ? side.clientDir : side.clientDir === 'out' ? 'in' : 'out';
  const payload = encodePayload(bytes, name === 'message' ? (opcode === 1 && exact === undefined ? 'text' : opcode === 1 ? 'bytes' : 'binary') : 'bytes');
  const extra: Json = {};
  if (name === 'message' && typeof raw['_wireSize'] === 'number') extra['wireSize'] = raw['_wireSize'];
  if (name === 'pong' && raw['auto'] === true) extra['auto'] = true;
  if (name === 'pong' && typeof raw['rtt'] === 'number') extra['rtt'] = raw['rtt'];
  const event = check({ time: seconds, conn, event: name, dir, opcode, size: bytes.length, ...payload, ...extra }, `${at}${path}`);
  return { time: seconds, event };
}

function readError(raw: unknown, at: string, path: string, conn: number, url: unknown, fail: Fail): Extract<TraceEvent, { event: 'error' }> {
  if (!isObject(raw)) return fail(path, 'must be an object {time, code, message}');
  const event: Json = { time: raw['time'], conn, event: 'error', dir: 'in', code: raw['code'], message: raw['message'] };
  if (raw['closeCode'] !== undefined) event['closeCode'] = raw['closeCode'];
  if (raw['status'] !== undefined) event['status'] = raw['status'];
  if (typeof url === 'string') event['url'] = url;
  return check(event, `${at}${path}`) as Extract<TraceEvent, { event: 'error' }>;
}

/** An entry that never opened, from a writer with no `_wscope.errors`: its failure text is the error. */
function synthesizedError(entry: Json, at: string, conn: number, start: number): Extract<TraceEvent, { event: 'error' }> {
  const response = entry['response'] as Json;
  const failure = [response['_failureText'], response['_error']].find((text) => typeof text === 'string' && text !== '');
  const url = (entry['request'] as Json)['url'];
  const message = (failure as string | undefined) ?? 'no handshake response was recorded';
  return check({ time: start, conn, event: 'error', dir: 'in', code: 'WS_ERR_UNKNOWN', message, url }, `${at}.response`) as Extract<
    TraceEvent,
    { event: 'error' }
  >;
}

function notOpenedClose(conn: number, error: Extract<TraceEvent, { event: 'error' }>): CloseTraceEvent {
  return closeEvent({ conn, time: error.time, dir: 'in', code: 1006, reason: error.message, clean: false, sent: undefined, received: undefined });
}

// docs/trace.md: data and size are the deciding Close frame's, empty and 0 for 1005 and 1006.
function closeEvent(fields: CloseOutcomeFields): CloseTraceEvent {
  return closeTraceEvent(fields, fields.code !== 1005 && fields.code !== 1006);
}

/** The close event: from `_wscope.close` when the file has it, else from the Close frames seen. */
function readClose(
  wscope: Json,
  conn: number,
  side: { role: Role; clientDir: TraceDirection },
  frames: Partial<Record<Role, CloseFrameRecord>>,
  fail: Fail,
): CloseTraceEvent | undefined {
  const peer: Role = side.role === 'client' ? 'server' : 'client';
  const ours = wscope['close'];
  if (ours !== undefined) {
    if (!isObject(ours)) return fail('._wscope.close', 'must be an object {time, code, reason, clean, closedBy, ...}');
    const record = (field: Role): CloseFrameRecord | undefined => {
      const value = ours[field] ?? frames[field];
      if (value === undefined) return undefined;
      if (!isObject(value) || typeof value['time'] !== 'number' || typeof value['code'] !== 'number' || typeof value['reason'] !== 'string')
        return fail(`._wscope.close.${field}`, 'must be {time, code, reason}');
      return { time: value['time'], code: value['code'], reason: value['reason'] };
    };
    const { code, reason, time, clean, closedBy } = ours;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 0xffff)
      fail('._wscope.close.code', `must be a close code, got ${JSON.stringify(code)}`);
    if (typeof time !== 'number') fail('._wscope.close.time', `must be a number (epoch seconds), got ${JSON.stringify(time)}`);
    if (closedBy !== 'client' && closedBy !== 'server') fail('._wscope.close.closedBy', `must be "client" or "server", got ${JSON.stringify(closedBy)}`);
    const dir: TraceDirection = closedBy === side.role ? 'out' : 'in';
    return closeEvent({
      conn,
      time: time as number,
      dir,
      code: code as number,
      reason: typeof reason === 'string' ? reason : '',
      clean: clean === true,
      sent: record(side.role),
      received: record(peer),
    });
  }
  const sent = frames[side.role];
  const received = frames[peer];
  if (!sent && !received) return undefined;
  // The code the application is told is the peer's, when its Close came; 1006 when none did (RFC 6455 §7.1.5).
  const time = Math.max(sent?.time ?? 0, received?.time ?? 0);
  const dir: TraceDirection = sent && (!received || sent.time <= received.time) ? 'out' : 'in';
  return closeEvent({
    conn,
    time,
    dir,
    code: received ? received.code : 1006,
    reason: received ? received.reason : '',
    clean: Boolean(sent && received),
    sent,
    received,
  });
}

/** RFC 6455 §5.5.1: a Close payload is empty, or a 2-byte code and a UTF-8 reason. */
function closeFrameRecord(bytes: Buffer, time: number): CloseFrameRecord {
  if (bytes.length < 2) return { time, code: 1005, reason: '' };
  return { time, code: bytes.readUInt16BE(0), reason: bytes.subarray(2).toString('utf8') };
}

function headerValue(headers: HeaderPairs, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** Every event we build passes the trace's own validator, so a reader of ours never sees a bad one. */
function check(event: object, where: string): TraceEvent {
  try {
    return validateTraceEvent(event);
  } catch (error) {
    if (error instanceof TraceFormatError) throw new HarFormatError(`${where}: ${error.message}`);
    throw error;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
