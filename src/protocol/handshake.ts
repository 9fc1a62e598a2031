import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { HandshakeError } from './errors.js';
import { isToken, splitList, type HttpHead } from './http-head.js';

/** RFC 6455 §1.3: the GUID appended to the key before hashing. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const WEBSOCKET_VERSION = '13';

/** RFC 6455 §4.1: "a nonce consisting of a randomly selected 16-byte value that has been base64-encoded". */
export function generateKey(randomBytes: (n: number) => Uint8Array = defaultRandomBytes): string {
  return Buffer.from(randomBytes(16)).toString('base64');
}

function defaultRandomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)). */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** A 16-byte nonce in base64 is 22 characters and "==", the last one carrying only 2 bits. */
export function isValidKey(key: string): boolean {
  return key.length === 24 && /^[+/0-9A-Za-z]{21}[AQgw]==$/.test(key);
}

export type HeaderList = Record<string, string | string[]> | Array<[string, string]>;

export function headerEntries(headers: HeaderList | undefined): Array<[string, string]> {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers;
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

export interface ClientRequestOptions {
  /** The Host header: host, and port when not the scheme's default. */
  host: string;
  /** Request target: path and query. */
  path: string;
  key: string;
  protocols?: readonly string[];
  /** The Sec-WebSocket-Extensions offer, if any. */
  extensions?: string;
  origin?: string;
  /** Extra headers; they may override Host, Origin and the like, but not the handshake's own fields. */
  headers?: HeaderList;
}

/** RFC 6455 §4.1: the client's opening handshake, as text ready to write. */
export function buildClientRequest(options: ClientRequestOptions): string {
  const protocols = options.protocols ?? [];
  for (const protocol of protocols) {
    if (!isToken(protocol)) throw new TypeError(`invalid subprotocol name: ${JSON.stringify(protocol)}`);
  }
  if (new Set(protocols).size !== protocols.length) throw new TypeError('subprotocols must be unique');
  const extra = headerEntries(options.headers);
  const overridden = new Set(extra.map(([name]) => name.toLowerCase()));
  const lines = [`GET ${options.path} HTTP/1.1`];
  if (!overridden.has('host')) lines.push(`Host: ${options.host}`);
  lines.push('Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${options.key}`, `Sec-WebSocket-Version: ${WEBSOCKET_VERSION}`);
  if (protocols.length) lines.push(`Sec-WebSocket-Protocol: ${protocols.join(', ')}`);
  if (options.extensions) lines.push(`Sec-WebSocket-Extensions: ${options.extensions}`);
  if (options.origin !== undefined && !overridden.has('origin')) lines.push(`Origin: ${options.origin}`);
  for (const [name, value] of extra) {
    if (!isToken(name) || /[\r\n]/.test(value)) throw new TypeError(`invalid header: ${name}`);
    if (RESERVED_CLIENT_HEADERS.has(name.toLowerCase())) throw new TypeError(`header ${name} is set by the handshake itself`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const RESERVED_CLIENT_HEADERS = new Set(['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version']);

export interface ClientHandshakeResult {
  status: number;
  protocol: string;
  /** The server's Sec-WebSocket-Extensions answer, '' when none. */
  extensions: string;
  headers: Map<string, string[]>;
}

/**
 * RFC 6455 §4.1, the client's checks of the server's answer. Anything but a proper 101 fails
 * the handshake with a HandshakeError whose `status` is the one the server sent.
 */
export function checkServerResponse(
  head: HttpHead,
  expected: { key: string; protocols?: readonly string[]; extensionsOffered?: boolean },
): ClientHandshakeResult {
  const [version, statusText] = head.startLine;
  const status = Number(statusText);
  const fail = (code: string, message: string) => new HandshakeError(code, status, message);
  if (!version.startsWith('HTTP/1.') || !/^\d{3}$/.test(statusText)) throw fail('WS_ERR_MALFORMED_HTTP', 'malformed status line');
  if (status !== 101) throw fail('WS_ERR_UNEXPECTED_RESPONSE', `unexpected server response: ${status} ${head.startLine[2]}`.trim());
  const headers = head.headers;
  if (!hasToken(headers.get('upgrade'), 'websocket')) throw fail('WS_ERR_INVALID_UPGRADE', 'missing or invalid Upgrade header');
  if (!hasToken(headers.get('connection'), 'upgrade')) throw fail('WS_ERR_INVALID_CONNECTION', 'missing or invalid Connection header');
  const accept = headers.get('sec-websocket-accept');
  if (accept?.length !== 1 || accept[0] !== acceptKey(expected.key)) throw fail('WS_ERR_INVALID_ACCEPT', 'missing or invalid Sec-WebSocket-Accept header');
  const protocolValues = headers.get('sec-websocket-protocol');
  let protocol = '';
  if (protocolValues) {
    const chosen = splitList(protocolValues);
    // RFC 6455 §4.1: the server's choice must be one of ours, and only one.
    if (chosen.length !== 1 || !(expected.protocols ?? []).includes(chosen[0]!)) {
      throw fail('WS_ERR_INVALID_SUBPROTOCOL', 'server chose a subprotocol the client did not offer');
    }
    protocol = chosen[0]!;
  }
  const extensionValues = headers.get('sec-websocket-extensions');
  const extensions = extensionValues ? extensionValues.join(', ') : '';
  // RFC 6455 §4.1: an extension "not present in the client's handshake" fails the connection.
  if (extensions && !expected.extensionsOffered) throw fail('WS_ERR_INVALID_EXTENSION', 'server accepted an extension the client did not offer');
  return { status, protocol, extensions, headers };
}

export interface UpgradeRequest {
  method: string;
  /** Request target as sent: path and query. */
  target: string;
  /** e.g. "HTTP/1.1" */
  httpVersion: string;
  headers: Map<string, string[]>;
  rawHeaders: Array<[string, string]>;
}

export interface ValidUpgrade {
  key: string;
  protocols: string[];
  /** The client's Sec-WebSocket-Extensions offers, raw. */
  extensions: string;
}

/**
 * RFC 6455 §4.2.1, the server's checks of an opening handshake. A request that fails one gets
 * the HTTP status the RFC asks for: 405 for a non-GET, 426 with our version for another
 * version (§4.4), 426 for a plain HTTP request, 400 for anything malformed.
 */
export function checkUpgradeRequest(request: UpgradeRequest): ValidUpgrade {
  checkRequestFraming(request);
  const headers = request.headers;
  if (request.method !== 'GET') {
    throw new HandshakeError('WS_ERR_METHOD_NOT_ALLOWED', 405, `method ${request.method} not allowed; the opening handshake is a GET`, { Allow: 'GET' });
  }
  if (!/^HTTP\/1\.[1-9]$/.test(request.httpVersion)) throw bad('WS_ERR_HTTP_VERSION', 'the opening handshake needs HTTP/1.1');
  if (headers.get('host')?.length !== 1) throw bad('WS_ERR_MISSING_HOST', 'missing or repeated Host header');
  const upgrade = headers.get('upgrade');
  if (!upgrade) {
    throw new HandshakeError('WS_ERR_UPGRADE_REQUIRED', 426, 'this is a WebSocket endpoint: upgrade required', { Upgrade: 'websocket', Connection: 'Upgrade' });
  }
  if (!hasToken(upgrade, 'websocket')) throw bad('WS_ERR_INVALID_UPGRADE', 'invalid Upgrade header');
  if (!hasToken(headers.get('connection'), 'upgrade')) throw bad('WS_ERR_INVALID_CONNECTION', 'missing or invalid Connection header');
  const version = headers.get('sec-websocket-version');
  if (version?.length !== 1 || version[0] !== WEBSOCKET_VERSION) {
    throw new HandshakeError('WS_ERR_UNSUPPORTED_VERSION', 426, 'unsupported WebSocket version; this server speaks 13', {
      'Sec-WebSocket-Version': WEBSOCKET_VERSION,
    });
  }
  const key = headers.get('sec-websocket-key');
  if (key?.length !== 1 || !isValidKey(key[0]!)) throw bad('WS_ERR_INVALID_KEY', 'missing or invalid Sec-WebSocket-Key header');
  const protocols = splitList(headers.get('sec-websocket-protocol'));
  for (const protocol of protocols) {
    if (!isToken(protocol)) throw bad('WS_ERR_INVALID_SUBPROTOCOL', 'invalid Sec-WebSocket-Protocol header');
  }
  if (new Set(protocols).size !== protocols.length) throw bad('WS_ERR_INVALID_SUBPROTOCOL', 'duplicate subprotocol in Sec-WebSocket-Protocol');
  return { key: key[0]!, protocols, extensions: (headers.get('sec-websocket-extensions') ?? []).join(', ') };
}

/**
 * The shapes of request smuggling, refused with 400 before anything else is looked at: a proxy
 * in front of us and we must never disagree on where this request ends and the next bytes
 * begin. An opening handshake has no body (RFC 6455 §4.1: a GET), so every byte after its head
 * is a WebSocket frame; a body announced here would be parsed as frames by us and as a body by
 * the proxy.
 */
export function checkRequestFraming(request: UpgradeRequest): void {
  // RFC 9112 §3.2: the target holds no whitespace or control character. Node's HTTP parser
  // refuses them already; a head of our own reading is checked here.
  for (let i = 0; i < request.target.length; i++) {
    const c = request.target.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) throw bad('WS_ERR_INVALID_TARGET', `control character 0x${c.toString(16).padStart(2, '0')} in the request target`);
  }
  const lengths = request.headers.get('content-length');
  const transferEncoding = request.headers.get('transfer-encoding');
  // RFC 9112 §6.3: "a request with both ... ought to be handled as an error" (smuggling).
  if (lengths && transferEncoding) throw bad('WS_ERR_AMBIGUOUS_FRAMING', 'Content-Length together with Transfer-Encoding');
  if (lengths) {
    const values = splitList(lengths);
    // RFC 9112 §6.3: differing or invalid Content-Length values are "an unrecoverable error".
    if (values.length === 0 || values.some((value) => !/^\d+$/.test(value))) throw bad('WS_ERR_AMBIGUOUS_FRAMING', 'invalid Content-Length');
    if (new Set(values.map(Number)).size > 1) throw bad('WS_ERR_AMBIGUOUS_FRAMING', 'two different Content-Length values');
    if (Number(values[0]) > 0) throw bad('WS_ERR_UPGRADE_BODY', 'a request body on an upgrade (the opening handshake has none)');
  }
  if (transferEncoding) throw bad('WS_ERR_UPGRADE_BODY', 'Transfer-Encoding on an upgrade (the opening handshake has no body)');
}

function bad(code: string, message: string): HandshakeError {
  return new HandshakeError(code, 400, message);
}

/** True when a comma-separated header contains `token`, compared case-insensitively. */
function hasToken(values: readonly string[] | undefined, token: string): boolean {
  return splitList(values).some((item) => item.toLowerCase() === token);
}

/** RFC 6455 §4.2.2: the server's 101 answer. */
export function buildAcceptResponse(options: { key: string; protocol?: string; extensions?: string; headers?: HeaderList }): string {
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(options.key)}`];
  if (options.protocol) lines.push(`Sec-WebSocket-Protocol: ${options.protocol}`);
  if (options.extensions) lines.push(`Sec-WebSocket-Extensions: ${options.extensions}`);
  for (const [name, value] of headerEntries(options.headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A complete HTTP error response that closes the connection, with a one-line text body saying why. */
export function buildErrorResponse(status: number, message: string, headers?: HeaderList): string {
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [name, value] of headerEntries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
