import type { Buffer } from 'node:buffer';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { FrameInfo } from '../protocol/connection.js';
import type { PerMessageDeflateOptions } from '../protocol/extensions/permessage-deflate.js';
import type { HeaderList } from '../protocol/handshake.js';

// The vocabulary of the socket API: its options, what send() takes, what events carry. It sits
// below every module of the adapter (heartbeat, deflate, the client's handshake import their
// options from here), so the words are defined once and nothing here depends on how they are used.

export interface SocketOptions {
  /** Largest message accepted, in bytes (default 100 MiB); larger ones close the connection with 1009. */
  maxMessageSize?: number;
  /** Ping on a schedule and give the connection up when pongs stop coming. Off by default. */
  heartbeat?: HeartbeatOptions | false;
  /** Milliseconds to wait for the peer's Close (and, as a client, for the server to drop TCP) before cutting the connection. */
  closeTimeout?: number;
  /** Answer pings automatically (default true). */
  autoPong?: boolean;
  /** Bytes a `for await` loop may fall behind before reading from the socket pauses (default 1 MiB). */
  iteratorHighWaterMark?: number;
  /**
   * permessage-deflate (RFC 7692): on by default, as in browsers: a client offers it, a server
   * accepts it when offered. `false` turns it off; an object sets the negotiation parameters and
   * `threshold` (bytes below which messages go uncompressed, default 1024), `level`, `memLevel`.
   * A client given a raw `extensions` header offers exactly that and negotiates nothing itself.
   */
  perMessageDeflate?: PerMessageDeflateSetting;
}

export interface ClientOptions extends SocketOptions, ClientHandshakeOptions {}

export interface ClientHandshakeOptions {
  protocols?: readonly string[];
  headers?: HeaderList;
  origin?: string;
  /** Override the Host header (and the TLS server name). */
  host?: string;
  /** "user:pass" for HTTP Basic authentication (the URL's user info works too). */
  auth?: string;
  /** Milliseconds for everything up to the 101: DNS, TCP, TLS, proxy, HTTP (default 10 000). */
  handshakeTimeout?: number;
  /** Follow 3xx redirects (off by default, as in browsers' WebSocket: it is opt-in). */
  followRedirects?: boolean;
  maxRedirects?: number;
  /** The Sec-WebSocket-Extensions offer, as a header value. */
  extensions?: string;
  /** The source address of the TCP connection (a load generator spreads its connections over several). */
  localAddress?: string;
  /** HTTP proxy to tunnel through with CONNECT, e.g. http://user:pass@127.0.0.1:3128 */
  proxy?: string;
  ca?: TlsOptions['ca'];
  cert?: TlsOptions['cert'];
  key?: TlsOptions['key'];
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  maxHeaderSize?: number;
  /**
   * Keep a refused handshake's answer (any status but 101) on the HandshakeError as `response`:
   * status line, headers and up to this many bytes of its body (read until its length, or until the
   * server closes, within the handshake timeout). Off by default: a refusal then costs no wait.
   */
  keepRefusedResponse?: number;
  /** Randomness for the handshake key (tests inject it). */
  randomBytes?: (n: number) => Uint8Array;
}

/** `heartbeat`: ping on a schedule, and give the connection up when pongs stop coming (heartbeat.ts runs it). */
export interface HeartbeatOptions {
  /** Milliseconds between the last pong and the next ping. */
  interval: number;
  /** Milliseconds to wait for the first pong. */
  timeout: number;
  /** Extra pings after the first one goes unanswered. */
  retries?: number;
  /** Each retry waits this many times longer than the one before. */
  backoff?: number;
}

/** `perMessageDeflate`: false turns it off; true or an object turns it on (the default). */
export type PerMessageDeflateSetting = boolean | (PerMessageDeflateOptions & DeflateTuning);

export interface DeflateTuning {
  /** Messages smaller than this many bytes are sent uncompressed. Default 1024. */
  threshold?: number;
  /** zlib compression level, 0-9. Default zlib's (6). */
  level?: number;
  /** zlib memLevel, 1-9: memory for the compressor's hash table. Default 8. */
  memLevel?: number;
  /** Where zlib work waits for a slot. Default the process-wide `zlibLimiter`. */
  limiter?: ZlibSlots;
}

/** What `DeflateTuning.limiter` must do (deflate.ts's ZlibLimiter does): run each job when a slot is free. */
export interface ZlibSlots {
  run<T>(job: () => Promise<T>): Promise<T>;
}

export interface SendOptions {
  /** Send as a binary message; default: strings as text, bytes as binary. */
  binary?: boolean;
}

export type SendData = string | Buffer | ArrayBuffer | ArrayBufferView;
export type SendCallback = (error?: Error | null) => void;

/**
 * The third argument of 'message', on connections where permessage-deflate was agreed (without
 * it, every message travels as it arrives: `data.length` bytes, uncompressed).
 */
export interface MessageInfo {
  /** It arrived compressed (RSV1 set), and `data` is what it inflated to. */
  compressed: boolean;
  /** Payload bytes on the wire, all its frames together: before inflating, when compressed. */
  wireLength: number;
}

/** A frame seen on the wire, with when it was seen (ms since the epoch, sub-ms precision). */
export interface ObservedFrame extends FrameInfo {
  timestamp: number;
}
