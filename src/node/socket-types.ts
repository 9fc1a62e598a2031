import type { FrameInfo } from '../protocol/connection.js';
import type { ClientHandshakeOptions } from './client-handshake.js';
import type { PerMessageDeflateSetting } from './deflate-session.js';
import type { HeartbeatOptions } from './heartbeat.js';

// The vocabulary of the socket API: its options, what send() takes, what events carry.

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
