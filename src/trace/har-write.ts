/**
 * Trace events → a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/) shaped as Chrome
 * DevTools writes WebSocket connections, so DevTools, Playwright, HTTP Toolkit and mitmproxy users
 * can open it: one entry per connection, `_resourceType: "websocket"`, the opening handshake as
 * the entry's request and response, and its data messages in `_webSocketMessages`.
 *
 * Directions: in `_webSocketMessages`, `send` is always client → server and `receive` server →
 * client, whichever side wscope was (DevTools is always the client). A server's trace (`listen`)
 * has `in` for what came from the client, so `in` becomes `send` there. `_wscope.role` says which
 * side traced the connection.
 *
 * DevTools' importer drops a message missing any of `type`, `time`, `opcode`, `data`, so each has
 * all four; everything of ours is in fields starting with `_` (HAR 1.2's rule for extensions):
 * `_wireSize` on a message that travelled compressed, `_bytes` on a text message whose bytes were
 * not valid UTF-8, and one `_wscope` object per entry (see docs/recording.md).
 */
import { isValidUtf8 } from '../protocol/utf8.js';
import type { CloseFrameRecord, CloseTraceEvent, ErrorTraceEvent, HandshakeTraceEvent, HeaderPairs, TraceEvent } from './events.js';
import { decodePayload } from './payload.js';

/** Which side of a connection: the one that sent the opening handshake's request, or the other. */
export type TraceRole = HandshakeTraceEvent['role'];

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarCookie extends HarNameValue {
  path?: string;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

export interface HarWebSocketMessage {
  /** `send`: client → server; `receive`: server → client. */
  type: 'send' | 'receive';
  /** Epoch seconds, as DevTools writes them. */
  time: number;
  /** RFC 6455 §5.2: 1 text, 2 binary. */
  opcode: 1 | 2;
  /** Text as it is for opcode 1; base64 for opcode 2. */
  data: string;
  /** Payload bytes on the wire, all frames, when the message travelled compressed (permessage-deflate). */
  _wireSize?: number;
  /** A text message whose bytes were not valid UTF-8 (sent so on purpose): the exact bytes, base64. */
  _bytes?: string;
}

/** A ping, pong or Close frame: not in `_webSocketMessages`, where DevTools has data messages only. */
export interface HarControlFrame {
  type: 'send' | 'receive';
  time: number;
  opcode: 8 | 9 | 10;
  /** The payload, base64 (a Close frame's: the 2-byte code and the reason). */
  data: string;
  /** A pong the engine sent by itself, answering a ping. */
  auto?: true;
  /** A pong answering one of our pings: ms since that ping left. */
  rtt?: number;
}

export interface HarCloseFrame {
  time: number;
  code: number;
  reason: string;
}

export interface HarClose {
  time: number;
  /** What the application was told (1005: a Close without a code, 1006: none at all). */
  code: number;
  reason: string;
  name: string;
  clean: boolean;
  /** Who sent the first Close frame or cut the connection. */
  closedBy: TraceRole;
  /** The Close frame the client sent, and the server's, when one was seen. */
  client?: HarCloseFrame;
  server?: HarCloseFrame;
}

export interface HarError {
  time: number;
  code: string;
  message: string;
  closeCode?: number;
  status?: number;
}

/** wscope's facts about a connection that HAR has no field for. */
export interface HarWscopeConnection {
  /** The trace's connection id (`conn`). */
  conn: number;
  /** Which side wscope was: `client` (connect) or `server` (listen, or the proxy's client leg). */
  role: TraceRole;
  protocol: string;
  extensions: string;
  remoteAddress?: string;
  remotePort?: number;
  controlFrames: HarControlFrame[];
  errors: HarError[];
  /** Absent while the connection is open (a HAR written mid-session), or when it never opened. */
  close?: HarClose;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  ssl: number;
  connect: number;
  send: number;
  wait: number;
  receive: number;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: HarNameValue[];
    queryString: HarNameValue[];
    cookies: HarCookie[];
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarNameValue[];
    cookies: HarCookie[];
    content: { size: number; mimeType: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    _error?: string;
  };
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress?: string;
  _resourceType: 'websocket';
  _webSocketMessages: HarWebSocketMessage[];
  _wscope: HarWscopeConnection;
}

export interface HarCreator {
  name: string;
  version: string;
}

export interface Har {
  log: {
    version: '1.2';
    creator: HarCreator;
    comment: string;
    pages: [];
    entries: HarEntry[];
  };
}

export interface HarWriteOptions {
  /** `log.creator`; default `{ name: 'wscope', version: '' }`. */
  creator?: HarCreator;
}

export const HAR_DIRECTIONS_COMMENT =
  'wscope recording: in _webSocketMessages "send" is client to server and "receive" server to client, whichever side wscope was (_wscope.role).';

/** What one connection's events have told so far. */
interface ConnectionState {
  conn: number;
  /** When it was first seen: the entry's start when there is no handshake. */
  firstTime: number;
  lastTime: number;
  handshake?: HandshakeTraceEvent;
  /** A client that could not connect: where it tried to go. */
  url?: string;
  messages: HarWebSocketMessage[];
  controlFrames: HarControlFrame[];
  errors: HarError[];
  close?: CloseTraceEvent;
}

/**
 * Builds the HAR as events come: `add` each event of the trace, in order, and ask for `har()` at
 * any point (mid-session the open connections have no `_wscope.close` yet). Pure: no clock, no I/O.
 */
export class HarBuilder {
  private readonly connections = new Map<number, ConnectionState>();
  private readonly creator: HarCreator;

  constructor(options: HarWriteOptions = {}) {
    this.creator = options.creator ?? { name: 'wscope', version: '' };
  }

  add(event: TraceEvent): void {
    let state = this.connections.get(event.conn);
    if (!state) {
      state = { conn: event.conn, firstTime: event.time, lastTime: event.time, messages: [], controlFrames: [], errors: [] };
      this.connections.set(event.conn, state);
    }
    state.lastTime = Math.max(state.lastTime, event.time);
    switch (event.event) {
      case 'handshake':
        state.handshake = event;
        break;
      case 'message': {
        const role = roleOf(state);
        if (!role) break;
        state.messages.push(harMessage(event.dir === 'out' ? role : peerOf(role), event));
        break;
      }
      case 'ping':
      case 'pong': {
        const role = roleOf(state);
        if (!role) break;
        const frame: HarControlFrame = {
          type: typeFrom(event.dir === 'out' ? role : peerOf(role)),
          time: event.time,
          opcode: event.opcode,
          data: decodePayload(event.data, event.encoding).toString('base64'),
        };
        if (event.event === 'pong' && event.auto) frame.auto = true;
        if (event.event === 'pong' && event.rtt !== undefined) frame.rtt = event.rtt;
        state.controlFrames.push(frame);
        break;
      }
      case 'close':
        state.close = event;
        break;
      case 'error':
        state.errors.push(harError(event));
        if (event.url !== undefined && !state.handshake) state.url = event.url;
        break;
    }
  }

  /** The connections seen so far, each an entry (those with neither a handshake nor a URL have no request to show, and are left out). */
  har(): Har {
    const entries: HarEntry[] = [];
    for (const state of this.connections.values()) {
      const entry = harEntry(state);
      if (entry) entries.push(entry);
    }
    entries.sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
    return { log: { version: '1.2', creator: { ...this.creator }, comment: HAR_DIRECTIONS_COMMENT, pages: [], entries } };
  }
}

/** A whole trace as a HAR log. */
export function harFromEvents(events: Iterable<TraceEvent>, options: HarWriteOptions = {}): Har {
  const builder = new HarBuilder(options);
  for (const event of events) builder.add(event);
  return builder.har();
}

/** The trace has `role` on the handshake; a client that could not connect has only an error with its URL. */
function roleOf(state: ConnectionState): TraceRole | undefined {
  if (state.handshake) return state.handshake.role;
  return state.url !== undefined ? 'client' : undefined;
}

function peerOf(role: TraceRole): TraceRole {
  return role === 'client' ? 'server' : 'client';
}

/** HAR's direction is the client's point of view: what the client sent is `send`. */
function typeFrom(sender: TraceRole): 'send' | 'receive' {
  return sender === 'client' ? 'send' : 'receive';
}

function harMessage(sender: TraceRole, event: Extract<TraceEvent, { event: 'message' }>): HarWebSocketMessage {
  const message: HarWebSocketMessage = { type: typeFrom(sender), time: event.time, opcode: event.opcode, data: event.data };
  if (event.opcode === 2) {
    // Binary is base64 in the trace already; a reader that accepts utf8 there gets base64 here.
    if (event.encoding !== 'base64') message.data = decodePayload(event.data, event.encoding).toString('base64');
  } else if (event.encoding === 'base64') {
    const bytes = decodePayload(event.data, 'base64');
    message.data = bytes.toString('utf8');
    if (!isValidUtf8(bytes)) message._bytes = event.data;
  }
  if (event.wireSize !== undefined) message._wireSize = event.wireSize;
  return message;
}

function harError(event: ErrorTraceEvent): HarError {
  const error: HarError = { time: event.time, code: event.code, message: event.message };
  if (event.closeCode !== undefined) error.closeCode = event.closeCode;
  if (event.status !== undefined) error.status = event.status;
  return error;
}

function harEntry(state: ConnectionState): HarEntry | undefined {
  const role = roleOf(state);
  const { handshake } = state;
  const url = handshake?.url ?? state.url;
  if (!role || url === undefined) return undefined;
  const start = handshake?.start ?? state.firstTime;
  const connect = handshake?.timings.connect ?? -1;
  const wait = handshake?.timings.wait ?? 0;
  // DevTools times a WebSocket entry to its end: after the response head, `receive` lasts as long
  // as the connection (so far, in a HAR written mid-session).
  const end = state.close?.time ?? state.lastTime;
  const receive = handshake ? Math.max(0, round3((end - start) * 1000 - Math.max(connect, 0) - wait)) : 0;
  const timings: HarTimings = { blocked: -1, dns: -1, ssl: -1, connect, send: 0, wait, receive };
  const requestHeaders = handshake?.requestHeaders ?? [];
  const responseHeaders = handshake?.responseHeaders ?? [];
  const failure = state.errors[0];
  const entry: HarEntry = {
    startedDateTime: new Date(start * 1000).toISOString(),
    time: round3(Math.max(connect, 0) + wait + receive),
    request: {
      method: handshake?.method ?? 'GET',
      url,
      httpVersion: handshake?.httpVersion ?? 'HTTP/1.1',
      headers: nameValues(requestHeaders),
      queryString: queryOf(url),
      cookies: requestCookies(requestHeaders),
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: handshake?.status ?? 0,
      statusText: handshake?.statusText ?? '',
      httpVersion: handshake?.httpVersion ?? '',
      headers: nameValues(responseHeaders),
      cookies: responseCookies(responseHeaders),
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: headerValue(responseHeaders, 'location') ?? '',
      headersSize: -1,
      // A 101 has no body; another status may have had one, which the trace does not keep.
      bodySize: handshake?.status === 101 ? 0 : -1,
    },
    cache: {},
    timings,
    _resourceType: 'websocket',
    _webSocketMessages: [...state.messages],
    _wscope: wscopeFacts(state, role),
  };
  if (failure && handshake?.status !== 101) entry.response._error = failure.message;
  // HAR's serverIPAddress is the server's: a server's trace knows only the client's address.
  const address = handshake?.remoteAddress?.replace(/^::ffff:(?=\d+\.)/, '');
  if (role === 'client' && address) entry.serverIPAddress = address;
  return entry;
}

function wscopeFacts(state: ConnectionState, role: TraceRole): HarWscopeConnection {
  const { handshake, close } = state;
  const facts: HarWscopeConnection = {
    conn: state.conn,
    role,
    protocol: handshake?.protocol ?? '',
    extensions: handshake?.extensions ?? '',
    controlFrames: [...state.controlFrames],
    errors: [...state.errors],
  };
  if (handshake?.remoteAddress !== undefined) facts.remoteAddress = handshake.remoteAddress;
  if (handshake?.remotePort !== undefined) facts.remotePort = handshake.remotePort;
  if (close) {
    const ours = close.sent && closeFrame(typeFrom(role), close.sent);
    const theirs = close.received && closeFrame(typeFrom(peerOf(role)), close.received);
    const frames = [ours, theirs].filter((frame): frame is HarControlFrame => frame !== undefined);
    facts.controlFrames = [...state.controlFrames, ...frames].sort((a, b) => a.time - b.time);
    facts.close = {
      time: close.time,
      code: close.code,
      reason: close.reason,
      name: close.name,
      clean: close.clean,
      closedBy: close.dir === 'out' ? role : peerOf(role),
    };
    const byClient = role === 'client' ? close.sent : close.received;
    const byServer = role === 'client' ? close.received : close.sent;
    if (byClient) facts.close.client = { ...byClient };
    if (byServer) facts.close.server = { ...byServer };
  }
  return facts;
}

/** RFC 6455 §5.5.1: the Close payload is the 2-byte code and the UTF-8 reason, or nothing (1005: no code). */
function closeFrame(type: 'send' | 'receive', record: CloseFrameRecord): HarControlFrame {
  let payload = Buffer.alloc(0);
  if (record.code !== 1005) {
    const reason = Buffer.from(record.reason, 'utf8');
    payload = Buffer.alloc(2 + reason.length);
    payload.writeUInt16BE(record.code, 0);
    reason.copy(payload, 2);
  }
  return { type, time: record.time, opcode: 8, data: payload.toString('base64') };
}

function nameValues(headers: HeaderPairs): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function headerValue(headers: HeaderPairs, lowerName: string): string | undefined {
  return headers.find(([name]) => name.toLowerCase() === lowerName)?.[1];
}

/** The query's parameters, decoded, as DevTools lists them. */
function queryOf(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** RFC 6265 §5.4: `Cookie: a=1; b=2`. A redacted value (`[redacted]`) holds no pair, so no cookie. */
function requestCookies(headers: HeaderPairs): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'cookie') continue;
    for (const part of value.split(';')) {
      const pair = cookiePair(part);
      if (pair) cookies.push(pair);
    }
  }
  return cookies;
}

/** RFC 6265 §5.2: `Set-Cookie: name=value; Path=/; HttpOnly`, one cookie per header. */
function responseCookies(headers: HeaderPairs): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    const [first = '', ...attributes] = value.split(';');
    const cookie = cookiePair(first);
    if (!cookie) continue;
    for (const attribute of attributes) {
      const [key = '', ...rest] = attribute.split('=');
      const attributeValue = rest.join('=').trim();
      switch (key.trim().toLowerCase()) {
        case 'path':
          cookie.path = attributeValue;
          break;
        case 'domain':
          cookie.domain = attributeValue;
          break;
        case 'httponly':
          cookie.httpOnly = true;
          break;
        case 'secure':
          cookie.secure = true;
          break;
      }
    }
    cookies.push(cookie);
  }
  return cookies;
}

function cookiePair(text: string): HarCookie | undefined {
  const equals = text.indexOf('=');
  if (equals <= 0) return undefined;
  const name = text.slice(0, equals).trim();
  return name === '' ? undefined : { name, value: text.slice(equals + 1).trim() };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
