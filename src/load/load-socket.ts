/**
 * The client connection of a load run's virtual user: the public WebSocket, with its messages
 * handed straight to the run instead of through a 'message' event. An EventEmitter dispatch per
 * reply (a megamorphic lookup of the listener, a call with spread arguments) was a tenth of the
 * worker's own time at 100 connections × 8 in flight.
 *
 * A reply is timed at the read that brought it: every message of one read arrived together, and
 * reading the clock once per read instead of once per message spares seven clock reads of eight
 * at 8 in flight (and keeps the processing of a read's earlier messages out of the later ones'
 * latency). A message delivered outside a read (permessage-deflate inflates asynchronously) is
 * timed when it is delivered.
 *
 * Small messages come straight from the read's bytes (the core's sink: no Buffer, no event per
 * reply) whenever nothing else must see each one: no permessage-deflate, which may still be
 * inflating an earlier message, and no trace listening.
 */
import type { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { type ClientOptions, WebSocket } from '../index.js';
import type { SmallMessageSink } from '../protocol/index.js';
import { tracing } from '../node/trace-channel.js';
import { type BorrowingReader, borrowReads } from '../node/socket-reads.js';

export interface LoadSocketRun<User> {
  /** A message for `user` arrived at `now` (performance.now() ms). */
  received(user: User, data: Buffer, now: number): void;
  /** The same for `bytes[start..end)`, valid only during the call. */
  receivedRange(user: User, bytes: Uint8Array, start: number, end: number, now: number): void;
}

/** `user` and `run` are fields, not a closure: the run's shared listeners find them on the socket. */
export class LoadSocket<User> extends WebSocket implements SmallMessageSink, BorrowingReader {
  /** performance.now() of the read being dispatched, or -1 between reads. */
  private readAt = -1;

  constructor(
    url: string,
    options: ClientOptions,
    readonly user: User,
    readonly run: LoadSocketRun<User>,
  ) {
    super(url, options);
  }

  protected override attach(...args: Parameters<WebSocket['attach']>): void {
    super.attach(...args);
    borrowReads(args[0], this);
  }

  protected override receive(chunk: Buffer, borrowed = -1): void {
    this.readAt = performance.now();
    const connection = this.connection;
    if (connection) connection.sink = this.sinkAllowed() ? this : undefined;
    try {
      super.receive(chunk, borrowed);
    } finally {
      this.readAt = -1;
    }
  }

  /**
   * A read in the socket's shared buffer (socket-reads.ts): its small replies are matched where
   * they lie, and only what is left is copied (Connection.receiveBorrowed). Not while the
   * messages must go through the events. (Bytes that came in the handshake's read are still
   * first: they wait in the paused socket, which emits them before it reads again.)
   */
  readBorrowed(buffer: Buffer, length: number): boolean {
    if (this.connection === undefined || !this.sinkAllowed() || this.readyState !== WebSocket.OPEN) return false;
    this.receive(buffer, length);
    return true;
  }

  /** Nothing else must see each message: no permessage-deflate (an earlier one may still be inflating), no trace. */
  private sinkAllowed(): boolean {
    return this.compression === undefined && !tracing();
  }

  smallMessage(bytes: Uint8Array, start: number, end: number): void {
    this.run.receivedRange(this.user, bytes, start, end, this.readAt);
  }

  protected override receiveMessage(data: Buffer): void {
    this.run.received(this.user, data, this.readAt >= 0 ? this.readAt : performance.now());
  }
}
