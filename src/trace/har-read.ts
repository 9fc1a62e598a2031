/**
 * HAR → trace events: the WebSocket entries of a HAR 1.2 file, as the events of docs/trace.md,
 * one connection per entry. Reads what Chrome DevTools exports, what Chromium writes through
 * Playwright's `recordHar` (`content: 'embed'`), and our own HARs with their `_`-prefixed extras.
 *
 * HAR's `_webSocketMessages[].type` is fixed to the client: `send` went from the client to the
 * server, `receive` from the server to the client. An entry is the client's view unless it says
 * `_role: "server"` (ours, from listen mode), where `send` becomes `in`.
 *
 * Times: DevTools writes epoch seconds (as the trace does); Playwright writes epoch milliseconds
 * (1.65: `time: wallTimeMs`). A value above 1e11 can only be milliseconds (1e11 s is the year
 * 5138), so such an entry's times are divided by 1000. Playwright's `omitTiming` writes -1: such
 * a message gets the time of the one before it (or the entry's start).
 *
 * Pure: JSON values in, JSON values out. A file that is not what it should be throws a
 * HarFormatError naming the entry, the message and the field.
 */
import { describeCloseCode } from '../protocol/close-codes.js';
import type { CloseFrameRecord, CloseTraceEvent, ErrorTraceEvent, HandshakeTraceEvent, HeaderPairs, TraceDirection, TraceEvent } from './events.js';
import { encodePayload, isCanonicalBase64 } from './payload.js';
import { TraceFormatError, validateTraceEvent } from './validate.js';

export class HarFormatError extends Error {
  override name = 'HarFormatError';
}

type Json = Record<string, unknown>;

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
 * Every WebSocket entry of a parsed HAR as trace events, in entry order; entries of other kinds
 * (pages, scripts, XHR) are skipped. Connection ids are the entry's `_conn` when our writer gave
 * one, otherwise 1, 2, 3... in the order the WebSocket entries come.
 */
export function readHar(value: unknown): TraceEvent[] {
  if (!isObject(value)) throw new HarFormatError('not a HAR file: expected a JSON object with a "log"');
  const log = value['log'];
  if (!isObject(log)) throw new HarFormatError('not a HAR file: no "log" object');
  const entries = log['entries'];
  if (!Array.isArray(entries)) throw new HarFormatError('not a HAR file: "log.entries" must be a list');
  const events: TraceEvent[] = [];
  const used = new Set<number>();
  let next = 1;
  entries.forEach((entry, index) => {
    if (!isWebSocketEntry(entry)) return;
    const given = (entry as Json)['_conn'];
    let conn: number;
    if (given === undefined) {
      while (used.has(next)) next++;
      conn = next;
    } else {
      if (typeof given !== 'number' || !Number.isInteger(given) || given < 1 || used.has(given))
        throw new HarFormatError(`log.entries[${index}]._conn must be a connection id (an integer from 1, not used before), got ${JSON.stringify(given)}`);
      conn = given;
    }
    used.add(conn);
    events.push(...readEntry(entry as Json, index, conn));
  });
  return events;
}

/** One WebSocket entry: its handshake, its messages and control frames, and its close. */
function readEntry(entry: Json, index: number, conn: number): TraceEvent[] {
  const at = `log.entries[${index}]`;
  const fail = (path: string, what: string): never => {
    throw new HarFormatError(`${at}${path}: ${what}`);
  };
  const role = entry['_role'] === undefined ? 'client' : entry['_role'];
  if (role !== 'client' && role !== 'server') fail('._role', `must be "client" or "server", got ${JSON.stringify(role)}`);
  const clientDir: TraceDirection = role === 'client' ? 'out' : 'in';
  const serverDir: TraceDirection = role === 'client' ? 'in' : 'out';

  const opening = readHandshake(entry, at, conn, role as 'client' | 'server', clientDir, fail);
  if (opening.event !== 'handshake') return notOpened(opening, entry, at);
  const handshake = opening;
  const messages = entry['_webSocketMessages'] ?? [];
  if (!Array.isArray(messages)) fail('._webSocketMessages', 'must be a list');
  const list = messages as unknown[];
  const inMilliseconds = list.some((m) => isObject(m) && typeof m['time'] === 'number' && m['time'] > MILLISECONDS_ABOVE);
  const events: TraceEvent[] = [handshake];
  let last = handshake.start;
  const closeFrames: { client?: CloseFrameRecord; server?: CloseFrameRecord } = {};
  list.forEach((raw, i) => {
    const path = `._webSocketMessages[${i}]`;
    if (!isObject(raw)) fail(path, 'must be an object {type, time, opcode, data}');
    const message = raw as Json;
    const type = message['type'];
    if (type !== 'send' && type !== 'receive') fail(`${path}.type`, `must be "send" or "receive", got ${JSON.stringify(type)}`);
    const opcode = message['opcode'];
    const name = typeof opcode === 'number' ? OPCODE_EVENTS[opcode] : undefined;
    if (name === undefined) fail(`${path}.opcode`, `must be 1 (text), 2 (binary), 8 (close), 9 (ping) or 10 (pong), got ${JSON.stringify(opcode)}`);
    const time = message['time'];
    if (typeof time !== 'number' || !Number.isFinite(time)) fail(`${path}.time`, `must be a number (epoch seconds), got ${JSON.stringify(time)}`);
    const data = message['data'];
    if (typeof data !== 'string') fail(`${path}.data`, `must be a string, got ${JSON.stringify(data)}`);
    // DevTools: "payloadData" is UTF-8 text for opcode 1 and base64 for every other opcode.
    if (opcode !== 1 && !isCanonicalBase64(data as string)) fail(`${path}.data`, `must be base64 for opcode ${opcode}`);
    const seconds = (time as number) < 0 ? last : inMilliseconds ? Math.round((time as number) * 1000) / 1e6 : (time as number);
    last = seconds;
    const dir = type === 'send' ? clientDir : serverDir;
    const bytes = Buffer.from(data as string, opcode === 1 ? 'utf8' : 'base64');
    if (name === 'close') {
      const frame = closeFrameRecord(bytes, seconds);
      if (type === 'send') closeFrames.client ??= frame;
      else closeFrames.server ??= frame;
      return;
    }
    const payload = encodePayload(bytes, name === 'message' ? (opcode === 1 ? 'text' : 'binary') : 'bytes');
    events.push(check({ time: seconds, conn, event: name, dir, opcode, size: bytes.length, ...payload, ...extras(message) }, `${at}${path}`));
  });
  const close = readClose(entry, conn, role as 'client' | 'server', closeFrames, fail);
  if (close) events.push(check(close, `${at}._close`));
  return events;
}

/**
 * The handshake; or, for an entry whose request got no response (Chromium writes status 0 or -1
 * and `_failureText`), the error a client that could not connect traces instead (docs/trace.md:
 * "a client that could not connect has error and close (1006)").
 */
function readHandshake(
  entry: Json,
  at: string,
  conn: number,
  role: 'client' | 'server',
  dir: TraceDirection,
  fail: (path: string, what: string) => never,
): HandshakeTraceEvent | ErrorTraceEvent {
  const request = entry['request'];
  if (!isObject(request)) fail('.request', 'missing: a WebSocket entry needs its handshake request');
  const response = entry['response'];
  if (!isObject(response)) fail('.response', 'missing: a WebSocket entry needs its handshake response');
  const req = request as Json;
  const res = response as Json;
  const url = req['url'];
  if (typeof url !== 'string') fail('.request.url', `must be a string, got ${JSON.stringify(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url as string);
  } catch {
    return fail('.request.url', `is not a URL: ${JSON.stringify(url)}`);
  }
  const started = entry['startedDateTime'];
  const startMs = typeof started === 'string' ? Date.parse(started) : Number.NaN;
  if (Number.isNaN(startMs)) fail('.startedDateTime', `must be an ISO 8601 date, got ${JSON.stringify(started)}`);
  const start = Math.round(startMs * 1000) / 1e6;
  const requestHeaders = readHeaders(req['headers'], '.request.headers', fail);
  const responseHeaders = readHeaders(res['headers'], '.response.headers', fail);
  const status = res['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status > 999)
    fail('.response.status', `must be an HTTP status, got ${JSON.stringify(status)}`);
  if ((status as number) < 100) {
    const failure = res['_failureText'];
    const message = typeof failure === 'string' && failure !== '' ? failure : 'no handshake response was recorded';
    return check({ time: start, conn, event: 'error', dir: 'in', code: 'WS_ERR_UNKNOWN', message, url: parsed.href }, `${at}.response`) as ErrorTraceEvent;
  }
  const timings = isObject(entry['timings']) ? (entry['timings'] as Json) : {};
  const wait = typeof timings['wait'] === 'number' && timings['wait'] >= 0 ? timings['wait'] : 0;
  const connect = typeof timings['connect'] === 'number' && timings['connect'] >= 0 ? timings['connect'] : undefined;
  const upgraded = status === 101;
  const server = entry['serverIPAddress'];
  const remotePort = entry['_remotePort'];
  const event = {
    time: Math.round((start + wait / 1000) * 1e6) / 1e6,
    conn,
    event: 'handshake',
    dir,
    role,
    url: parsed.href,
    method: typeof req['method'] === 'string' ? req['method'] : 'GET',
    target: `${parsed.pathname || '/'}${parsed.search}`,
    httpVersion: typeof req['httpVersion'] === 'string' && /^HTTP\//i.test(req['httpVersion']) ? req['httpVersion'] : 'HTTP/1.1',
    requestHeaders,
    status: status as number,
    statusText: typeof res['statusText'] === 'string' ? res['statusText'] : '',
    responseHeaders,
    protocol: upgraded ? (headerValue(responseHeaders, 'sec-websocket-protocol') ?? '') : '',
    extensions: upgraded ? (headerValue(responseHeaders, 'sec-websocket-extensions') ?? '') : '',
    start,
    timings: { ...(connect !== undefined && { connect }), wait },
    ...(typeof server === 'string' && server !== '' && { remoteAddress: server.replace(/^\[|\]$/g, '') }),
    ...(typeof remotePort === 'number' && { remotePort }),
  };
  return check(event, `${at}.request`) as HandshakeTraceEvent;
}

function readHeaders(value: unknown, path: string, fail: (path: string, what: string) => never): HeaderPairs {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail(path, 'must be a list of {name, value}');
  return value.map((header, i): [string, string] => {
    if (!isObject(header) || typeof header['name'] !== 'string' || typeof header['value'] !== 'string')
      return fail(`${path}[${i}]`, `must be {name, value} with two strings, got ${JSON.stringify(header)}`);
    return [header['name'], header['value']];
  });
}

/** An entry that never opened: its error, then the close (1006) the application was told. */
function notOpened(error: ErrorTraceEvent, entry: Json, at: string): TraceEvent[] {
  const close = closeEvent(error.conn, error.time, 'in', 1006, error.message, false, undefined, undefined);
  if (Array.isArray(entry['_webSocketMessages']) && entry['_webSocketMessages'].length > 0)
    throw new HarFormatError(`${at}._webSocketMessages: an entry without a handshake response cannot have messages`);
  return [error, check(close, `${at}.response`)];
}

/** The close event: from our `_close` extra when the file has one, else from the Close frames among the messages. */
function readClose(
  entry: Json,
  conn: number,
  role: 'client' | 'server',
  frames: { client?: CloseFrameRecord; server?: CloseFrameRecord },
  fail: (path: string, what: string) => never,
): CloseTraceEvent | undefined {
  const ours = entry['_close'];
  const sent = role === 'client' ? frames.client : frames.server;
  const received = role === 'client' ? frames.server : frames.client;
  if (ours !== undefined) {
    if (!isObject(ours)) return fail('._close', 'must be an object {code, reason, ...}');
    const code = ours['code'];
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 0xffff)
      fail('._close.code', `must be a close code, got ${JSON.stringify(code)}`);
    const reason = typeof ours['reason'] === 'string' ? ours['reason'] : '';
    const time = typeof ours['time'] === 'number' ? ours['time'] : Math.max(sent?.time ?? 0, received?.time ?? 0);
    const dir = ours['dir'] === 'in' || ours['dir'] === 'out' ? ours['dir'] : firstCloser(sent, received);
    const clean = typeof ours['clean'] === 'boolean' ? ours['clean'] : Boolean(sent && received);
    return closeEvent(conn, time, dir, code as number, reason, clean, sent, received);
  }
  if (!sent && !received) return undefined;
  // The code the application is told is the peer's, when its Close came; 1006 when none did (RFC 6455 §7.1.5).
  const code = received ? received.code : 1006;
  const reason = received ? received.reason : '';
  const time = Math.max(sent?.time ?? 0, received?.time ?? 0);
  return closeEvent(conn, time, firstCloser(sent, received), code, reason, Boolean(sent && received), sent, received);
}

function firstCloser(sent: CloseFrameRecord | undefined, received: CloseFrameRecord | undefined): TraceDirection {
  if (sent && (!received || sent.time <= received.time)) return 'out';
  return 'in';
}

function closeEvent(
  conn: number,
  time: number,
  dir: TraceDirection,
  code: number,
  reason: string,
  clean: boolean,
  sent: CloseFrameRecord | undefined,
  received: CloseFrameRecord | undefined,
): CloseTraceEvent {
  const hasFrame = code !== 1005 && code !== 1006;
  const reasonText = hasFrame ? reason : '';
  return {
    time,
    conn,
    event: 'close',
    dir,
    opcode: 8,
    size: hasFrame ? 2 + Buffer.byteLength(reasonText) : 0,
    data: reasonText,
    encoding: 'utf8',
    code,
    reason,
    name: describeCloseCode(code).name,
    clean,
    ...(sent && { sent }),
    ...(received && { received }),
  };
}

/** RFC 6455 §5.5.1: a Close payload is empty, or a 2-byte code and a UTF-8 reason. */
function closeFrameRecord(bytes: Buffer, time: number): CloseFrameRecord {
  if (bytes.length < 2) return { time, code: 1005, reason: '' };
  return { time, code: bytes.readUInt16BE(0), reason: bytes.subarray(2).toString('utf8') };
}

/** Our writer's `_`-prefixed per-message facts that are trace fields (`_wireSize` → `wireSize`...). */
function extras(message: Json): Json {
  const out: Json = {};
  for (const field of ['wireSize', 'auto', 'rtt']) {
    const value = message[`_${field}`];
    if (value !== undefined) out[field] = value;
  }
  return out;
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
