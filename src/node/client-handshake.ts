import { Buffer } from 'node:buffer';
import { request as httpRequest } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { HandshakeError } from '../protocol/errors.js';
import { buildClientRequest, checkServerResponse, generateKey, headerEntries, type ClientHandshakeResult } from '../protocol/handshake.js';
import { DEFAULT_HEAD_LIMITS, HeadReader, parseHttpHead, type HttpHead } from '../protocol/http-head.js';
import { isPortTaken, localPorts } from './local-ports.js';
import { readRefusedBody, type RefusedResponse } from './refused-response.js';
import { SHARED_READS } from './socket-reads.js';
import type { ClientHandshakeOptions } from './socket-types.js';
import { traceClientHandshake } from './trace-handshake.js';

export interface OpenedClient {
  socket: Socket;
  /** Bytes the server sent after its 101, already WebSocket frames. */
  head: Buffer;
  result: ClientHandshakeResult;
  url: URL;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The server answered with a redirect and followRedirects is off (as in browsers, following is
 * opt-in): `status` and `location` (resolved against the URL asked for) say where it points.
 * Its `name` stays 'HandshakeError': it is one, and callers sort failures by name.
 */
export class RedirectError extends HandshakeError {
  readonly location: string;

  constructor(status: number, reason: string, location: string, headers: Record<string, string>) {
    super('WS_ERR_REDIRECT', status, `the server redirects to ${location} (${reason ? `${status} ${reason}` : status})`, headers);
    this.location = location;
  }
}

/** A client failure that is not the server's HTTP answer: `code` says which, `cause` holds the underlying error. */
export type ConnectFailure = Error & { code: string };

function failure(code: string, message: string, cause?: unknown): ConnectFailure {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });
}

/** Parse and normalise a WebSocket URL; http(s) are accepted as aliases, as browsers do. */
export function parseWebSocketUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SyntaxError(`invalid URL: ${String(input)}`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new SyntaxError(`unsupported URL scheme ${url.protocol} (use ws: or wss:)`);
  // RFC 6455 §3: "Fragment identifiers are meaningless in the context of WebSocket URIs".
  if (url.hash) throw new SyntaxError('a WebSocket URL cannot have a fragment');
  return url;
}

/** Open the transport and run the client's opening handshake, following redirects when asked. */
export async function openClient(input: string | URL, options: ClientHandshakeOptions = {}): Promise<OpenedClient> {
  let url = parseWebSocketUrl(input);
  const deadline = Date.now() + (options.handshakeTimeout ?? 10_000);
  for (let redirects = 0; ; redirects++) {
    try {
      return await handshakeOnce(url, options, deadline);
    } catch (error) {
      const location = error instanceof RedirectSignal ? error.location : undefined;
      if (location === undefined) throw error;
      if (redirects >= (options.maxRedirects ?? 10))
        throw new HandshakeError('WS_ERR_TOO_MANY_REDIRECTS', (error as RedirectSignal).status, `more than ${options.maxRedirects ?? 10} redirects`);
      url = parseWebSocketUrl(new URL(location, url));
    }
  }
}

class RedirectSignal extends Error {
  constructor(
    readonly status: number,
    readonly location: string,
  ) {
    super(`redirect ${status} to ${location}`);
  }
}

async function handshakeOnce(url: URL, options: ClientHandshakeOptions, deadline: number): Promise<OpenedClient> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw timeoutError(options);
  const secure = url.protocol === 'wss:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  return withTimeout(remaining, options, async (track) => {
    const trace = traceClientHandshake(url);
    const socket = await openTransport(hostname, port, secure, options, track);
    const key = generateKey(options.randomBytes);
    const headers = headerEntries(options.headers);
    const auth = options.auth ?? (url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined);
    if (auth !== undefined) headers.push(['Authorization', `Basic ${Buffer.from(auth).toString('base64')}`]);
    const extensionsOffered = Boolean(options.extensions);
    const request = buildClientRequest({
      host: options.host ?? url.host,
      path: (url.pathname || '/') + url.search,
      key,
      protocols: options.protocols ?? [],
      ...(options.extensions !== undefined && { extensions: options.extensions }),
      ...(options.origin !== undefined && { origin: options.origin }),
      headers,
    });
    socket.write(request);
    trace?.requestSent(socket, request);
    const { head, rest } = await readHead(socket, options.maxHeaderSize ?? DEFAULT_HEAD_LIMITS.maxHeaderSize);
    const parsed = parseHttpHead(head, { maxHeaderSize: options.maxHeaderSize ?? DEFAULT_HEAD_LIMITS.maxHeaderSize, maxHeaderCount: 1000 });
    trace?.responseRead(parsed);
    const status = Number(parsed.startLine[1]);
    const location = parsed.headers.get('location')?.[0];
    if (REDIRECT_STATUSES.has(status) && location) {
      if (options.followRedirects) {
        socket.destroy();
        throw new RedirectSignal(status, location);
      }
      const error = new RedirectError(status, parsed.startLine[2], resolveLocation(location, url), headerRecord(parsed.headers));
      await keepRefused(error, socket, rest, parsed, options);
      trace?.failed(error);
      throw error;
    }
    try {
      const result = checkServerResponse(parsed, { key, protocols: options.protocols ?? [], extensionsOffered });
      return { socket, head: rest, result, url };
    } catch (error) {
      if (error instanceof HandshakeError) {
        Object.assign(error, { headers: headerRecord(parsed.headers) });
        if (status !== 101) await keepRefused(error, socket, rest, parsed, options);
      }
      socket.destroy();
      trace?.failed(error);
      throw error;
    }
  });
}

/** With `keepRefusedResponse`, the refusal's status line, headers and body go on the error (refused-response.ts). */
async function keepRefused(error: HandshakeError, socket: Socket, rest: Buffer, parsed: HttpHead, options: ClientHandshakeOptions): Promise<void> {
  const limit = options.keepRefusedResponse;
  if (limit !== undefined && limit > 0) {
    const body = await readRefusedBody(socket, rest, parsed.headers, limit);
    const response: RefusedResponse = { status: error.status, statusText: parsed.startLine[2], rawHeaders: parsed.rawHeaders, body };
    Object.assign(error, { response });
  }
  socket.destroy();
}

function headerRecord(headers: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries([...headers].map(([k, v]) => [k, v.join(', ')]));
}

/** A Location resolved against the URL that was asked for, as a WebSocket URL when it can be one. */
function resolveLocation(location: string, base: URL): string {
  try {
    return parseWebSocketUrl(new URL(location, base)).href;
  } catch {
    return location;
  }
}

type Track = (socket: Socket) => void;

/** Run `body` with a deadline; on expiry every socket it opened is destroyed. */
async function withTimeout<T>(ms: number, options: ClientHandshakeOptions, body: (track: Track) => Promise<T>): Promise<T> {
  const sockets: Socket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
      reject(timeoutError(options));
    }, ms);
  });
  try {
    return await Promise.race([body((socket) => sockets.push(socket)), timeout]);
  } catch (error) {
    for (const socket of sockets) socket.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(options: ClientHandshakeOptions): Error {
  return Object.assign(new Error(`opening handshake timed out after ${options.handshakeTimeout ?? 10_000} ms`), { code: 'WS_ERR_HANDSHAKE_TIMEOUT' });
}

async function openTransport(host: string, port: number, secure: boolean, options: ClientHandshakeOptions, track: Track): Promise<Socket> {
  const tcp = options.proxy ? await tunnel(options.proxy, host, port, track) : await tcpConnect(host, port, options.localAddress, !secure, track);
  if (!secure) return tcp;
  const servername = options.servername ?? (options.host ? options.host.replace(/:\d+$/, '') : host);
  const tls = tlsConnect({
    socket: tcp,
    // The name the certificate is verified against. Without `host`, Node verifies an IP URL
    // (which gets no SNI servername) against "localhost": wss://127.0.0.1 then accepted a
    // certificate for localhost and refused one for IP:127.0.0.1.
    host: servername,
    ...(isIP(servername) === 0 && { servername }),
    ...(options.ca !== undefined && { ca: options.ca }),
    ...(options.cert !== undefined && { cert: options.cert }),
    ...(options.key !== undefined && { key: options.key }),
    ...(options.passphrase !== undefined && { passphrase: options.passphrase }),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  });
  track(tls);
  await new Promise<void>((resolve, reject) => {
    tls.once('secureConnect', resolve);
    tls.once('error', (error: NodeJS.ErrnoException) => {
      reject(NOT_TLS_RECORD.has(error.code ?? '') ? failure('WS_ERR_NOT_TLS', 'the server does not speak TLS (try ws://)', error) : error);
    });
  });
  return tls;
}

/**
 * What OpenSSL says when the first bytes back are no TLS record: a plain HTTP server's answer
 * ("HTTP/1.1 400") read as a record header has no valid version, or an absurd length.
 */
const NOT_TLS_RECORD = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);

/** Ports tried from the walk (local-ports.ts) before the kernel is left to choose, which always finds a free one if any is. */
const PORT_TRIES = 32;

/**
 * Plain TCP; from `localAddress`, on a source port we choose (local-ports.ts), the next one when
 * it is taken. `sharedReads`: read through socket-reads.ts (not under TLS: TLS reads the socket itself).
 */
async function tcpConnect(host: string, port: number, localAddress: string | undefined, sharedReads: boolean, track: Track): Promise<Socket> {
  if (localAddress === undefined) return connectOnce(host, port, undefined, undefined, sharedReads, track);
  const ports = localPorts();
  for (let taken = 0; ; taken++) {
    const localPort = taken < PORT_TRIES ? ports.next(localAddress, taken) : undefined;
    try {
      return await connectOnce(host, port, localAddress, localPort, sharedReads, track);
    } catch (error) {
      if (localPort === undefined || !isPortTaken(error)) throw error;
    }
  }
}

function connectOnce(
  host: string,
  port: number,
  localAddress: string | undefined,
  localPort: number | undefined,
  sharedReads: boolean,
  track: Track,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({
      host,
      port,
      ...(localAddress !== undefined && { localAddress }),
      ...(localPort !== undefined && { localPort }),
      ...(sharedReads && { onread: SHARED_READS }),
    });
    track(socket);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** An HTTP CONNECT tunnel through a proxy (RFC 9110 §9.3.6). */
function tunnel(proxy: string, host: string, port: number, track: Track): Promise<Socket> {
  const proxyUrl = new URL(proxy);
  if (proxyUrl.protocol !== 'http:') throw new SyntaxError(`unsupported proxy scheme ${proxyUrl.protocol} (use http:)`);
  const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const headers: Record<string, string> = { Host: target };
  if (proxyUrl.username) {
    const credentials = `${decodeURIComponent(proxyUrl.username)}:${decodeURIComponent(proxyUrl.password)}`;
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: proxyUrl.hostname.replace(/^\[|\]$/g, ''), port: Number(proxyUrl.port || 80), method: 'CONNECT', path: target, headers });
    req.once('socket', (socket) => track(socket));
    req.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(
          new HandshakeError('WS_ERR_PROXY_REFUSED', res.statusCode ?? 0, `proxy refused the tunnel: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()),
        );
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.once('error', reject);
    req.end();
  });
}

const TLS_ALERT = 0x15;
const TLS_HANDSHAKE = 0x16;

function readHead(socket: Socket, maxHeaderSize: number): Promise<{ head: Buffer; rest: Buffer }> {
  const reader = new HeadReader({ maxHeaderSize, maxHeaderCount: 1000 }, 'response');
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    let first = true;
    const onData = (chunk: Buffer) => {
      try {
        // RFC 8446 §5.1: a TLS record starts with its content type, 0x15 (alert) or 0x16
        // (handshake) from a server that got our plain request: no HTTP answer starts so.
        if (first && (chunk[0] === TLS_ALERT || chunk[0] === TLS_HANDSHAKE)) throw failure('WS_ERR_TLS_SERVER', 'the server speaks TLS (try wss://)');
        first = false;
        const done = reader.push(chunk);
        if (!done) return;
        cleanup();
        socket.pause();
        resolve({ head: Buffer.from(done.head), rest: Buffer.from(done.rest) });
      } catch (error) {
        cleanup();
        socket.destroy();
        reject(error);
      }
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(Object.assign(new Error('the server closed the connection during the opening handshake'), { code: 'WS_ERR_HANDSHAKE_CLOSED' }));
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
