/**
 * The way out of a WebSocket: each message to the core (through permessage-deflate when it was
 * agreed), what the core queued to the socket, corked into batches while a read is dispatched,
 * and backpressure ('drain').
 *
 * WebSocket extends this class rather than holding one: a send path object per connection, with
 * a closure back for the frames it observes, cost every idle connection 177 bytes of heap (4000
 * idle connections: 3245 → 3423 bytes each, client sockets included). A message here costs no
 * closure and no object.
 */
import type { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Connection, ConnectionEvent } from '../protocol/connection.js';
import { Opcode } from '../protocol/opcodes.js';
import type { DeflateSession } from './deflate-session.js';
import type { SendCallback } from './socket-types.js';
import { tracing } from './trace-channel.js';
import * as trace from './trace-socket.js';

/** While one read's messages are dispatched, replies are held back (corked) up to this many bytes. */
const BATCH_LIMIT = 16 * 1024;

export abstract class SendPath extends EventEmitter {
  abstract readyState: 0 | 1 | 2 | 3;
  protected socket: Socket | undefined;
  protected connection: Connection | undefined;
  /** permessage-deflate, when negotiated. */
  protected compression: DeflateSession | undefined;
  /** A read's messages are being dispatched: plain messages wait in the core until it is done (see `startBatch`). */
  private batching = false;
  /** The socket was corked by a write made while a read was dispatched (uncorked by `endBatch`). */
  private corkedForBatch = false;
  /** A `send()` returned false and its 'drain' is still owed. */
  private waitingForDrain = false;

  /** Hand the events of frames going out to the listeners, when frames are observed. */
  protected abstract dispatch(events: ConnectionEvent[]): void;

  /** Send one message; false when over the high-water mark ('drain' follows, as for a stream's write). */
  protected sendPayload(payload: string | Buffer, binary: boolean, callback: SendCallback | undefined): boolean {
    this.sendMessage(payload, binary, callback);
    if (!this.backedUp()) return true;
    this.waitingForDrain = true;
    return false;
  }

  /**
   * Over the high-water mark: the socket's buffer, or the messages still waiting to be
   * compressed (they hold memory too, and would otherwise grow with no signal).
   */
  private backedUp(): boolean {
    const socket = this.socket;
    if (!socket) return false;
    return socket.writableNeedDrain || (this.compression?.bufferedAmount ?? 0) >= socket.writableHighWaterMark;
  }

  /** After a `send()` said false: 'drain' once both the socket and the compression queue are below the mark. */
  protected drainIfReady(): void {
    if (!this.waitingForDrain || this.backedUp()) return;
    this.waitingForDrain = false;
    this.emit('drain');
  }

  /** The one path every outgoing message takes (extensions hook in here). */
  protected sendMessage(payload: string | Buffer, binary: boolean, callback?: SendCallback): void {
    if (this.compression) this.compression.send(payload, binary, tracing() ? trace.traceDeflating(payload, binary, callback) : callback);
    else this.writeMessage(payload, binary, false, callback);
  }

  /** RFC 7692 §6: RSV1 on the first frame marks a compressed message. */
  protected writeMessage(payload: string | Buffer, binary: boolean, compressed: boolean, callback?: SendCallback): void {
    try {
      this.connection!.sendDataFrame(binary ? Opcode.Binary : Opcode.Text, payload, true, compressed);
    } catch (error) {
      // Still being compressed when the peer's Close came: it can no longer be sent.
      if (!compressed && !this.compression) throw error;
      callback?.(error as Error);
      return;
    }
    if (tracing()) trace.traceWritten(this, payload, binary, compressed, callback);
    this.flushMessage(callback);
    // A message leaving the compression queue may bring it under the mark.
    if (this.compression) this.drainIfReady();
  }

  /** Run `step` after the messages still being compressed, so what is sent leaves in order. */
  protected afterSends(step: () => void): void {
    if (this.compression) this.compression.afterSends(step);
    else step();
  }

  /**
   * Whatever the listeners send while one read's messages are dispatched (an echo, a reply per
   * message) leaves in one write when the read is done (`endBatch`), not one write each: plain
   * messages wait in the core (see `flushMessage`), and what must be written at once meanwhile
   * is corked, so it still leaves in one writev with the rest.
   */
  protected startBatch(): void {
    this.batching = true;
  }

  protected endBatch(): void {
    this.batching = false;
    if ((this.connection?.pendingBytes ?? 0) > 0) this.flush();
    if (this.corkedForBatch) {
      this.corkedForBatch = false;
      this.socket?.uncork();
    }
  }

  /**
   * After a message was queued: while a read is dispatched, small messages stay in the core,
   * side by side, until the read is done (one buffer, one write for all the replies); the rest
   * is written at once. Only plain data messages wait: a Close, a ping or a send with a
   * callback is flushed (with everything before it) as it comes, and so is what is observed.
   */
  private flushMessage(callback: SendCallback | undefined): void {
    const connection = this.connection!;
    if (this.batching && callback === undefined && !connection.observeFrames && !tracing() && connection.pendingBytes < BATCH_LIMIT) return;
    this.flush(callback);
  }

  /** Write what the core queued; header and payload of one frame leave together (cork). */
  protected flush(callback?: SendCallback): void {
    const socket = this.socket;
    const connection = this.connection!;
    const chunks = connection.takeOutgoing();
    if (tracing()) trace.traceFlush(this, connection);
    // Frames going out are observed as they leave, so their timestamps are the send times.
    if (connection.observeFrames) this.dispatch(connection.takeEvents());
    if (!socket || socket.destroyed) {
      if (callback) process.nextTick(callback, stateError('send', this.readyState));
      return;
    }
    if (chunks.length === 0) {
      if (callback) process.nextTick(callback);
      return;
    }
    if (this.batching && !this.corkedForBatch) {
      socket.cork();
      this.corkedForBatch = true;
    }
    if (chunks.length === 1) {
      socket.write(chunks[0]!, callback);
    } else {
      socket.cork();
      for (let i = 0; i < chunks.length - 1; i++) socket.write(chunks[i]!);
      socket.write(chunks[chunks.length - 1]!, callback);
      socket.uncork();
    }
    // Batching pays for small messages only: a corked batch of large ones leaves as one huge
    // writev that the kernel takes in parts (an echo of 64 KiB × 8 in flight ran 30% slower).
    if (this.corkedForBatch && socket.writableLength >= BATCH_LIMIT) {
      socket.uncork();
      socket.cork();
    }
  }
}

const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];

/** The error of a call the socket's state does not allow (sending while CONNECTING or after the Close). */
export function stateError(action: string, readyState: number): Error {
  return Object.assign(new Error(`cannot ${action}: WebSocket is ${STATE_NAMES[readyState]}`), { code: 'WS_ERR_INVALID_STATE' });
}
