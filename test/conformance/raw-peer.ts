/**
 * A raw WebSocket peer for the conformance suite: it does the opening handshake by hand, writes
 * exact bytes and reads frames back with a codec of its own, so nothing it asserts relies on
 * the engine under test. As a client it masks by default; as a server it does not.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)), computed here independently of src/. */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

export type PeerRole = 'client' | 'server';

export interface FrameSpec {
  op: number;
  data?: string | Uint8Array;
  /** Default true. */
  fin?: boolean;
  /** RSV bits as a 3-bit number: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
  rsv?: number;
  /** Override the role's default: a client masks, a server does not. */
  mask?: boolean;
  /** Do the opposite of what the role must: unmasked from a client, masked from a server. */
  flipMask?: boolean;
  maskKey?: Uint8Array;
  /** Force a wider length field than the minimal one. */
  len?: 16 | 64;
  /** Put this length in the header instead of the payload's real length (header-only tests). */
  declaredLength?: number;
}

export function encodeFrame(spec: FrameSpec, masked: boolean): Buffer {
  const payload = typeof spec.data === 'string' ? Buffer.from(spec.data) : Buffer.from(spec.data ?? []);
  const length = spec.declaredLength ?? payload.length;
  const width = spec.len ?? (length < 126 ? 7 : length <= 0xffff ? 16 : 64);
  const mask = spec.mask ?? (spec.flipMask ? !masked : masked);
  const key = mask ? Buffer.from(spec.maskKey ?? randomBytes(4)) : undefined;
  const header = Buffer.alloc(2 + (width === 16 ? 2 : width === 64 ? 8 : 0) + (key ? 4 : 0));
  header[0] = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.op;
  const maskBit = key ? 0x80 : 0;
  if (width === 7) header[1] = maskBit | length;
  else if (width === 16) {
    header[1] = maskBit | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (key) {
    key.copy(header, header.length - 4);
    for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
  }
  return Buffer.concat([header, payload]);
}

export interface ReadFrame {
  fin: boolean;
  rsv: number;
  op: number;
  masked: boolean;
  /** Unmasked. */
  payload: Buffer;
  /** performance.now() when the frame was complete. */
  at: number;
}

/** Collects frames, and the moment the far end closed TCP, from a socket. */
class FrameReader {
  readonly frames: ReadFrame[] = [];
  eof = false;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private need = 2;
  private listeners = new Set<() => void>();

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    if (this.pendingLength < this.need) return;
    let buf = Buffer.concat(this.pending);
    for (;;) {
      const frame = parseOne(buf);
      if (typeof frame === 'number') {
        this.need = frame;
        break;
      }
      this.frames.push(frame.frame);
      buf = buf.subarray(frame.size);
      this.need = 2;
    }
    this.pending = buf.length > 0 ? [buf] : [];
    this.pendingLength = buf.length;
    this.notify();
  }

  end(): void {
    this.eof = true;
    this.notify();
  }

  /** Resolve once `ready()` holds; reject with `what` after `ms`. */
  until(ready: () => boolean, ms: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** One frame from the start of `buf`, or the number of bytes needed before one can be read. */
function parseOne(buf: Buffer): { frame: ReadFrame; size: number } | number {
  if (buf.length < 2) return 2;
  const b1 = buf[1]!;
  const len7 = b1 & 0x7f;
  const masked = (b1 & 0x80) !== 0;
  const lengthBytes = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const headerLength = 2 + lengthBytes + (masked ? 4 : 0);
  if (buf.length < headerLength) return headerLength;
  const length = len7 === 126 ? buf.readUInt16BE(2) : len7 === 127 ? Number(buf.readBigUInt64BE(2)) : len7;
  if (buf.length < headerLength + length) return headerLength + length;
  const payload = Buffer.from(buf.subarray(headerLength, headerLength + length));
  if (masked) {
    const key = buf.subarray(2 + lengthBytes, headerLength);
    for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
  }
  const b0 = buf[0]!;
  return { frame: { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, op: b0 & 0x0f, masked, payload, at: performance.now() }, size: headerLength + length };
}

export class RawPeer {
  private readonly reader = new FrameReader();
  /** Write errors (EPIPE, ECONNRESET) after the far end has gone: expected in failure cases. */
  readonly writeErrors: Error[] = [];
  /** The 101's headers, lower-cased names (raw client only). */
  responseHeaders = new Map<string, string>();

  constructor(
    readonly socket: Socket,
    readonly role: PeerRole,
    head: Buffer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
    socket.on('end', () => this.reader.end());
    socket.on('close', () => this.reader.end());
    socket.on('error', (error) => this.writeErrors.push(error));
    if (head.length > 0) this.reader.push(head);
    // readHead() paused the socket so no frame byte was lost before this listener.
    socket.resume();
  }

  get frames(): readonly ReadFrame[] {
    return this.reader.frames;
  }

  /** The far end closed TCP (FIN or reset). */
  get eof(): boolean {
    return this.reader.eof;
  }

  get closeFrame(): ReadFrame | undefined {
    return this.reader.frames.find((f) => f.op === 0x8);
  }

  encode(spec: FrameSpec): Buffer {
    return encodeFrame(spec, this.role === 'client');
  }

  /** Write bytes, optionally in pieces of `chop` bytes, each in its own write after a turn of the event loop. */
  async write(bytes: Uint8Array, chop?: number): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    if (!chop) {
      await writeAll(this.socket, bytes);
      return;
    }
    for (let i = 0; i < bytes.length; i += chop) {
      if (this.socket.destroyed) return;
      await writeAll(this.socket, bytes.subarray(i, i + chop));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  until(ready: () => boolean, ms: number, what: string): Promise<void> {
    return this.reader.until(ready, ms, what);
  }

  waitForClose(ms = 3000): Promise<ReadFrame> {
    return this.reader.until(() => this.closeFrame !== undefined, ms, 'a Close frame').then(() => this.closeFrame!);
  }

  waitForEof(ms = 3000): Promise<void> {
    return this.reader.until(() => this.eof, ms, 'the far end to close TCP');
  }
}

function writeAll(socket: Socket, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    // A socket that dies before the write completes may never call back: 'close' ends the wait.
    const done = () => {
      socket.off('close', done);
      resolve();
    };
    socket.once('close', done);
    socket.write(bytes, done);
  });
}

export interface RawClientOptions {
  path?: string;
  /** Extra header lines, e.g. ['Sec-WebSocket-Protocol: chat']. */
  headers?: string[];
  /** Keep our side of TCP open after the far end's FIN (a peer that never closes). */
  halfOpen?: boolean;
}

/** Connect to 127.0.0.1:port, send a handshake by hand, check the 101 byte for byte. */
export async function rawClient(port: number, options: RawClientOptions = {}): Promise<RawPeer> {
  const socket = netConnect({ host: '127.0.0.1', port, allowHalfOpen: options.halfOpen ?? false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${options.path ?? '/'} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...(options.headers ?? []),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const { head, rest } = await readHead(socket);
  const [statusLine, ...headerLines] = head.split('\r\n');
  if (!/^HTTP\/1\.1 101 /.test(statusLine ?? '')) throw new Error(`expected a 101, got: ${statusLine}`);
  const headers = parseHeaderLines(headerLines);
  if (headers.get('sec-websocket-accept') !== acceptFor(key)) throw new Error('wrong Sec-WebSocket-Accept');
  const peer = new RawPeer(socket, 'client', rest);
  peer.responseHeaders = headers;
  return peer;
}

export interface RawServer {
  port: number;
  /** Every request head received, in order. */
  requests: string[];
  /** The next connection whose handshake was answered with a 101. */
  nextPeer(): Promise<RawPeer>;
  close(): Promise<void>;
}

/**
 * A server that answers the opening handshake by hand with a correct 101 (plus `extraHeaders`),
 * or with whatever `respond` returns for a request head.
 */
export async function rawServer(options: { respond?: (head: string, key: string) => string; extraHeaders?: string[] } = {}): Promise<RawServer> {
  const waiting: Array<(peer: RawPeer) => void> = [];
  const ready: RawPeer[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    readHead(socket).then(
      ({ head, rest }) => {
        requests.push(head);
        const headers = parseHeaderLines(head.split('\r\n').slice(1));
        const key = headers.get('sec-websocket-key') ?? '';
        const answer =
          options.respond?.(head, key) ??
          [
            'HTTP/1.1 101 Switching Protocols',
            'Upgrade: websocket',
            'Connection: Upgrade',
            `Sec-WebSocket-Accept: ${acceptFor(key)}`,
            ...(options.extraHeaders ?? []),
          ].join('\r\n') + '\r\n\r\n';
        socket.write(answer);
        if (!answer.startsWith('HTTP/1.1 101')) return;
        const peer = new RawPeer(socket, 'server', rest);
        const take = waiting.shift();
        if (take) take(peer);
        else ready.push(peer);
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    nextPeer: () => {
      const peer = ready.shift();
      return peer ? Promise.resolve(peer) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Read up to the blank line that ends an HTTP head; the socket is paused afterwards. */
export function readHead(socket: Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      resolve({ head: buf.subarray(0, end).toString('latin1'), rest: buf.subarray(end + 4) });
    };
    const onClose = () => reject(new Error('closed before the end of the HTTP head'));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

function parseHeaderLines(lines: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Repeated fields combine into one list (RFC 9110 §5.3).
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return headers;
}

export interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
  /** Milliseconds from the first byte written until the server closed the connection. */
  elapsed: number;
}

/**
 * Write `request` (all at once, or as given pieces) to 127.0.0.1:port and read until the server
 * closes the connection; the answer's head and body are parsed by hand.
 */
export async function httpExchange(port: number, request: string | Buffer | Array<string | Buffer>, ms = 3000): Promise<HttpAnswer> {
  const socket = netConnect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const started = performance.now();
  const chunks: Buffer[] = [];
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close the connection within ${ms} ms`));
    }, ms);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  for (const piece of Array.isArray(request) ? request : [request]) {
    if (!socket.destroyed) socket.write(piece);
  }
  await closed;
  const text = Buffer.concat(chunks).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  return { status: Number(statusLine?.split(' ')[1]), headers: parseHeaderLines(lines), body: text.slice(end + 4), elapsed: performance.now() - started };
}

/** A well-formed upgrade request with the given changes: `replace` maps lower-case names to values ('' drops the header). */
export function upgradeRequest(options: { method?: string; path?: string; version?: string; replace?: Record<string, string>; extra?: string[] } = {}): string {
  const fields: Array<[string, string]> = [
    ['Host', '127.0.0.1'],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Sec-WebSocket-Version', '13'],
  ];
  const replace = options.replace ?? {};
  const lines = [`${options.method ?? 'GET'} ${options.path ?? '/'} ${options.version ?? 'HTTP/1.1'}`];
  for (const [name, value] of fields) {
    const override = replace[name.toLowerCase()];
    if (override === '') continue;
    lines.push(`${name}: ${override ?? value}`);
  }
  lines.push(...(options.extra ?? []));
  return `${lines.join('\r\n')}\r\n\r\n`;
}
