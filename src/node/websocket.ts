import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { encodeClosePayload } from '../protocol/close-frame.js';
import { Connection, type ConnectionEvent, type Role } from '../protocol/connection.js';
import type { ProtocolError } from '../protocol/errors.js';
import type { DeflateParams } from '../protocol/extensions/permessage-deflate.js';
import type { OutgoingFrame } from '../protocol/frame.js';
import { Opcode } from '../protocol/opcodes.js';
import { parseWebSocketUrl } from './client-handshake.js';
import { clientOptionsOf, openClientSocket } from './client-opening.js';
import { DeflateSession, deflateOptions } from './deflate-session.js';
import { Heartbeat } from './heartbeat.js';
import { tracing } from './trace-channel.js';
import * as trace from './trace-socket.js';
import { messageIterator } from './message-iterator.js';
import { RoundTrips } from './round-trips.js';
import { SendPath, stateError } from './send-path.js';
import type { ClientOptions, MessageInfo, SendCallback, SendData, SendOptions, SocketOptions } from './socket-types.js';
import { addEventListener, defineEventHandlers, removeEventListener, type BinaryType } from './whatwg-events.js';

const DEFAULT_CLOSE_TIMEOUT = 5000;

/**
 * A WebSocket connection over a Node socket: the WHATWG surface (send, close, readyState,
 * bufferedAmount, binaryType, on*), Node events, and `for await`.
 *
 * Node events: 'open', 'message' (data: Buffer, isBinary, info?: MessageInfo), 'ping' (data), 'pong' (data, rttMs?),
 * 'close' (code, reason, wasClean), 'error' (error), 'frame' (ObservedFrame), 'drain',
 * 'heartbeat-timeout' (reason), 'rtt' (ms).
 */
export class WebSocket extends SendPath {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  // WebIDL constants live on the prototype (defined below the class), not on every instance.
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  url = '';
  protocol = '';
  extensions = '';
  binaryType: BinaryType = 'nodebuffer';
  readyState: 0 | 1 | 2 | 3 = WebSocket.CONNECTING;
  /** The peer's address, once connected. */
  remoteAddress: string | undefined;
  remotePort: number | undefined;

  protected options: SocketOptions = {};
  private closeTimer: NodeJS.Timeout | undefined;
  private heartbeat: Heartbeat | undefined;
  private localCloseReason: string | undefined;
  /** Created by the first `ping()`: most connections never send one. */
  private roundTrips: RoundTrips | undefined;
  private closeEmitted = false;
  /** `pause()` was called: inflating must not resume reading behind the caller's back. */
  private readingPaused = false;
  /** Why a client connection could not be opened (network error or HandshakeError). */
  connectError: Error | undefined;
  /** The server's 101 response headers (client side). */
  responseHeaders: Map<string, string[]> | undefined;

  /**
   * `new WebSocket(url, protocols?, options?)` opens a client connection, as in browsers;
   * listen for 'open' (or use `connect()`, which returns a promise). Servers create their
   * sockets without a URL.
   */
  constructor(url?: string | URL, protocols?: string | readonly string[] | ClientOptions, options?: ClientOptions) {
    super();
    this.on('newListener', WebSocket.frameListenerAdded);
    this.on('removeListener', WebSocket.frameListenerRemoved);
    if (url === undefined) return;
    const clientOptions = clientOptionsOf(protocols, options);
    // The caller's string when it is already the normal form: a load run's thousands of connections then share one.
    const href = parseWebSocketUrl(url).href;
    this.url = href === url ? url : href;
    openClientSocket(url, clientOptions, {
      stillConnecting: () => this.readyState === WebSocket.CONNECTING,
      opened: ({ socket, head, result, url: finalUrl }, deflate) => {
        if (finalUrl.href !== this.url) this.url = finalUrl.href;
        this.protocol = result.protocol;
        this.extensions = result.extensions;
        this.responseHeaders = result.headers;
        this.attach(socket, head, 'client', clientOptions, deflate);
      },
      failed: (error) => this.failConnecting(error),
    });
  }

  /** The connection could not be opened: 'error' (if listened to), then 'close' 1006 with why. */
  private failConnecting(error: Error): void {
    // Already given up (close() while connecting): the handshake failing afterwards says nothing new.
    if (this.closeEmitted) return;
    this.connectError = error;
    this.emitError(error);
    this.localCloseReason ??= error.message;
    this.socketClosed();
  }

  /** Bytes handed to `send` but not yet to the kernel. */
  get bufferedAmount(): number {
    return (this.socket?.writableLength ?? 0) + (this.connection?.pendingBytes ?? 0) + (this.compression?.bufferedAmount ?? 0);
  }

  /**
   * Take over a socket whose opening handshake is done. `head` holds bytes that arrived after
   * the handshake, in the same read as its end: they go back into the socket, in front of
   * whatever it has buffered since, so every byte reaches the parser through one door, in order.
   */
  protected attach(socket: Socket, head: Buffer, role: Role, options: SocketOptions & { allowRsv1?: boolean }, deflate?: DeflateParams): void {
    this.options = options;
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.connection = new Connection({
      role,
      ...(options.maxMessageSize !== undefined && { maxMessageSize: options.maxMessageSize }),
      ...(options.autoPong !== undefined && { autoPong: options.autoPong }),
      allowRsv1: options.allowRsv1 ?? deflate !== undefined,
      observeFrames: this.listenerCount('frame') > 0,
      // We answer the peer's Close, or send the Close failing the connection, when its 'close' or
      // 'error' event is dispatched (see dispatchNow): by then every message before it has been
      // delivered and the replies to them queued.
      holdCloseReply: true,
    });
    if (deflate) {
      this.compression = new DeflateSession(deflate, role, deflateOptions(options.perMessageDeflate) ?? {}, this.connection.maxMessageSize, {
        writeMessage: (payload, binary, compressed, callback) => this.writeMessage(payload, binary, compressed, callback),
        holdReading: (hold) => {
          if (hold) socket.pause();
          else if (!this.readingPaused) socket.resume();
        },
      });
    }
    if (tracing()) trace.traceAttach(this, socket);
    socket.setNoDelay(true);
    socket.setTimeout(0);
    // Paused until the caller has had its turn (below): a 'data' listener must not start the flow.
    socket.pause();
    if (head.length > 0) socket.unshift(head);
    // Shared listeners that find this WebSocket on the socket (as ws does): five closures per
    // connection would cost a few hundred bytes of every idle connection.
    (socket as OwnedSocket)[kOwner] = this;
    socket.on('data', WebSocket.onSocketData);
    socket.on('end', WebSocket.onSocketEnd);
    socket.on('error', WebSocket.onSocketError);
    socket.on('close', WebSocket.onSocketClose);
    socket.on('drain', WebSocket.onSocketDrain);
    this.readyState = WebSocket.OPEN;
    if (options.heartbeat) {
      this.heartbeat = new Heartbeat(options.heartbeat, {
        sendPing: (payload) => this.ping(payload),
        onDead: (reason) => {
          this.emit('heartbeat-timeout', reason);
          this.abort(reason);
        },
      });
      this.heartbeat.start();
    }
    this.emit('open');
    // setImmediate, not nextTick: a caller awaiting `connect()` must get to attach its
    // listeners (or start a `for await`) before the first message is dispatched. A `pause()`
    // made meanwhile is kept.
    setImmediate(() => {
      if (!this.readingPaused) socket.resume();
    });
  }

  send(data: SendData, options?: SendOptions | SendCallback, callback?: SendCallback): boolean {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    if (this.readyState === WebSocket.CONNECTING) throw stateError('send', this.readyState);
    if (!this.canSendNow()) {
      if (callback) process.nextTick(callback, stateError('send', this.readyState === WebSocket.OPEN ? WebSocket.CLOSING : this.readyState));
      return false;
    }
    const binary = options?.binary ?? typeof data !== 'string';
    const payload = typeof data === 'string' ? (binary ? Buffer.from(data) : data) : toBuffer(data);
    return this.sendPayload(payload, binary, callback);
  }

  /** Like `send`, resolved once the message has been handed to the kernel. */
  sendAsync(data: SendData, options?: SendOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.send(data, options ?? {}, (error) => (error ? reject(error) : resolve()));
      } catch (error) {
        reject(error);
      }
    });
  }

  /**
   * OPEN, and the core agrees: while a read's messages are dispatched readyState still says OPEN,
   * but the core may have failed the connection further on in the same read.
   */
  private canSendNow(): boolean {
    return this.readyState === WebSocket.OPEN && this.connection !== undefined && this.connection.canSend;
  }

  ping(data: string | Buffer = Buffer.alloc(0), callback?: SendCallback): void {
    if (!this.canSendNow()) {
      callback?.(stateError('ping', this.readyState));
      return;
    }
    this.connection!.ping(data);
    if (tracing()) trace.traceControlSent(this, 'ping', data);
    (this.roundTrips ??= new RoundTrips()).pingSent(data);
    this.flush(callback);
  }

  pong(data: string | Buffer = Buffer.alloc(0), callback?: SendCallback): void {
    if (!this.canSendNow()) {
      callback?.(stateError('pong', this.readyState));
      return;
    }
    this.connection!.pong(data);
    if (tracing()) trace.traceControlSent(this, 'pong', data);
    this.flush(callback);
  }

  /**
   * Start the closing handshake. Any code that may travel on the wire is allowed (a testing
   * tool needs 1002 or 4xxx as much as 1000); others throw a RangeError.
   */
  close(code?: number, reason?: string): void {
    if (this.readyState === WebSocket.CLOSED) return;
    if (this.readyState === WebSocket.CONNECTING) {
      // WHATWG close(): "If this's ready state is CONNECTING: fail the WebSocket connection",
      // which fires 'error', then 'close'.
      this.failConnecting(Object.assign(new Error('closed before the connection was established'), { code: 'WS_ERR_CLOSED_BEFORE_OPEN' }));
      return;
    }
    const connection = this.connection!;
    // The Close may wait for messages still being compressed; a code that cannot be sent throws now all the same.
    if (connection.readyState === 'open') encodeClosePayload(code, reason ?? '');
    this.readyState = WebSocket.CLOSING;
    this.afterSends(() => {
      connection.close(code, reason);
      this.flush();
      this.afterStateChange();
    });
  }

  /**
   * Drop the connection at once, without a closing handshake (the peer sees TCP close: 1006).
   * `reset: true` ends TCP with a RST instead of a FIN, as a crashed host or a middlebox would
   * (plain TCP only: Node cannot reset a TLS socket, which is then destroyed as without it).
   */
  terminate(options?: { reset?: boolean }): void {
    const socket = this.socket;
    if (options?.reset && socket && !socket.destroyed && !('encrypted' in socket)) socket.resetAndDestroy();
    else this.abort(undefined);
  }

  /** Raw mode: send a frame exactly as described, however invalid (see OutgoingFrame). */
  sendFrame(frame: OutgoingFrame & { mask?: boolean }, callback?: SendCallback): void {
    const connection = this.connection;
    if (!connection) throw stateError('sendFrame', this.readyState);
    if (frame.opcode === Opcode.Close && this.readyState === WebSocket.OPEN) this.readyState = WebSocket.CLOSING;
    this.afterSends(() => {
      connection.sendFrame(frame);
      this.flush(callback);
      this.afterStateChange();
    });
  }

  /** Raw mode: write bytes to the socket as they are. */
  sendRaw(bytes: Uint8Array, callback?: SendCallback): void {
    const connection = this.connection;
    if (!connection) throw stateError('sendRaw', this.readyState);
    this.afterSends(() => {
      connection.sendRaw(bytes);
      this.flush(callback);
    });
  }

  /** Stop reading from the socket (TCP flow control pushes back on the peer). */
  pause(): void {
    this.readingPaused = true;
    this.socket?.pause();
  }

  resume(): void {
    this.readingPaused = false;
    // A message being inflated holds reading too; its end resumes it.
    if (!this.compression?.holdsReading) this.socket?.resume();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<string | Buffer> {
    return messageIterator(
      {
        onMessage: (listener) => {
          this.on('message', listener);
          return () => this.off('message', listener);
        },
        onEnd: (listener) => {
          // Closed already: no 'close' is coming, so nothing to listen for (it would stay forever).
          if (this.readyState === WebSocket.CLOSED) {
            queueMicrotask(listener);
            return ignore;
          }
          this.once('close', listener);
          return () => this.off('close', listener);
        },
        pauseReading: () => this.pause(),
        resumeReading: () => this.resume(),
      },
      this.options.iteratorHighWaterMark ?? 1024 * 1024,
    );
  }

  addEventListener(type: string, listener: (event: never) => void, options?: { once?: boolean }): void {
    addEventListener(this, type, listener, options?.once ?? false);
  }

  removeEventListener(type: string, listener: (event: never) => void): void {
    removeEventListener(this, type, listener);
  }

  /** Why the connection was cut locally (heartbeat, close timeout), reported as the 1006 reason. */
  protected abort(reason: string | undefined): void {
    this.localCloseReason ??= reason;
    if (this.socket) this.socket.destroy();
    else this.socketClosed();
  }

  /** `borrowed`: only `chunk[0..borrowed)` is the read, and it stays the reader's (Connection.receiveBorrowed). */
  protected receive(chunk: Buffer, borrowed = -1): void {
    const connection = this.connection!;
    // What the listeners send while this read is dispatched leaves in one write (see startBatch),
    // with the pongs the core queued: before the TCP connection may be ended (afterStateChange).
    this.startBatch();
    try {
      if (borrowed >= 0) connection.receiveBorrowed(chunk, borrowed);
      else connection.receiveData(chunk);
      this.dispatch(connection.takeEvents());
    } finally {
      this.endBatch();
    }
    this.afterStateChange();
  }

  /** A complete message, inflated if it was compressed; `info` only where permessage-deflate was agreed. */
  protected receiveMessage(data: Buffer, binary: boolean, info?: MessageInfo): void {
    if (info) this.emit('message', data, binary, info);
    else this.emit('message', data, binary);
  }

  /** With compression, each event waits for the compressed messages before it to be inflated. */
  protected override dispatch(events: ConnectionEvent[]): void {
    const compression = this.compression;
    if (!compression) {
      this.dispatchNow(events);
      return;
    }
    for (const event of events) {
      // Taken before inflating replaces the data: the message's size on the wire.
      const wireLength = event.type === 'message' ? event.data.length : 0;
      compression.receive(
        event,
        (ready) => this.dispatchNow([ready], wireLength),
        (error) => this.failInflated(error),
      );
    }
  }

  /** An inflated message broke the protocol (1007, 1009): fail the connection as the core would. */
  private failInflated(error: ProtocolError): void {
    const connection = this.connection!;
    connection.fail(error);
    this.dispatchNow(connection.takeEvents());
  }

  /** `wireLength`: the message's size on the wire, given where permessage-deflate was agreed. */
  private dispatchNow(events: ConnectionEvent[], wireLength?: number): void {
    for (const event of events) {
      switch (event.type) {
        case 'message':
          if (tracing()) trace.traceReceived(this, event.data, event.binary, event.compressed, wireLength);
          this.receiveMessage(event.data, event.binary, wireLength === undefined ? undefined : { compressed: event.compressed, wireLength });
          break;
        case 'ping':
          if (tracing()) trace.tracePingReceived(this, event.data, this.options.autoPong ?? true);
          this.emit('ping', event.data);
          break;
        case 'pong':
          this.receivePong(event.data);
          break;
        case 'close':
          if (tracing()) trace.traceCloseReceived(this, event.code, event.reason);
          if (this.readyState === WebSocket.OPEN) this.readyState = WebSocket.CLOSING;
          this.sendDueClose();
          break;
        case 'error':
          this.readyState = WebSocket.CLOSING;
          this.emitError(event.error);
          this.sendDueClose();
          break;
        case 'frame':
          this.emit('frame', { ...event.frame, timestamp: performance.timeOrigin + performance.now() });
          break;
      }
    }
  }

  /** The Close the core holds back (our answer, or the failure's): after every reply still being compressed. */
  private sendDueClose(): void {
    this.afterSends(() => {
      this.connection!.answerClose();
      this.flush();
      this.afterStateChange();
    });
  }

  private static onSocketData(this: OwnedSocket, chunk: Buffer): void {
    this[kOwner]!.receive(chunk);
  }

  private static onSocketEnd(this: OwnedSocket): void {
    this[kOwner]!.receiveEof();
  }

  private static onSocketError(this: OwnedSocket, error: Error): void {
    this[kOwner]!.emitError(error);
  }

  private static onSocketClose(this: OwnedSocket): void {
    this[kOwner]!.socketClosed();
  }

  private static onSocketDrain(this: OwnedSocket): void {
    this[kOwner]!.drainIfReady();
  }

  /** Observing frames costs nothing until someone listens for them. */
  private static frameListenerAdded(this: WebSocket, event: string | symbol): void {
    if (event === 'frame' && this.connection) this.connection.observeFrames = true;
  }

  private static frameListenerRemoved(this: WebSocket, event: string | symbol): void {
    if (event === 'frame' && this.connection && this.listenerCount('frame') === 0) this.connection.observeFrames = false;
  }

  private receivePong(data: Buffer): void {
    const rtt = this.roundTrips?.pongReceived(data);
    if (rtt !== undefined) this.emit('rtt', rtt);
    this.heartbeat?.pongReceived();
    if (tracing()) trace.tracePongReceived(this, data, rtt);
    this.emit('pong', data, rtt);
  }

  private receiveEof(): void {
    this.connection?.receiveEof();
    this.afterStateChange();
  }

  /** Close TCP when the core says so, and never wait forever for a silent peer. */
  private afterStateChange(): void {
    const connection = this.connection;
    const socket = this.socket;
    if (!connection || !socket) return;
    // A received Close turns us CLOSING when its event is dispatched, after the messages before it.
    if (!connection.canSend && this.readyState === WebSocket.OPEN) this.readyState = WebSocket.CLOSING;
    if (connection.shouldCloseTransport) {
      if (!socket.writableEnded) socket.end();
      this.armCloseTimer('the peer did not close the TCP connection');
    } else if (connection.closeExpected || connection.closeHandshakeDone) {
      this.armCloseTimer(connection.closeExpected ? 'the peer did not answer our Close frame' : 'the server did not close the TCP connection');
    }
  }

  private armCloseTimer(reason: string): void {
    if (this.closeTimer) return;
    this.closeTimer = setTimeout(() => this.abort(reason), this.options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT);
    this.closeTimer.unref();
  }

  private socketClosed(): void {
    // Messages read before TCP closed are still delivered first.
    if (this.compression) this.compression.afterReceives(() => this.closed());
    else this.closed();
  }

  private closed(): void {
    this.compression?.close();
    if (this.closeEmitted) return;
    this.closeEmitted = true;
    this.readyState = WebSocket.CLOSED;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.heartbeat?.stop();
    const connection = this.connection;
    // Never opened (no connection): 1006, with why the opening failed.
    const { code, reason, wasClean } = connection
      ? connection.closeOutcome(this.localCloseReason)
      : { code: 1006, reason: this.localCloseReason ?? '', wasClean: false };
    if (tracing()) trace.traceClosed(this, code, reason, wasClean, connection, this.localCloseReason);
    this.emit('close', code, reason, wasClean);
  }

  protected emitError(error: unknown): void {
    if (tracing()) trace.traceError(this, error);
    // An 'error' nobody listens to must not crash the process: the close event carries the outcome.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

defineEventHandlers(WebSocket.prototype);
for (const [name, value] of [
  ['CONNECTING', 0],
  ['OPEN', 1],
  ['CLOSING', 2],
  ['CLOSED', 3],
] as const) {
  Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
}

const kOwner = Symbol('wscope.websocket');
type OwnedSocket = Socket & { [kOwner]?: WebSocket };

export interface WebSocket {
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

function toBuffer(data: Buffer | ArrayBuffer | ArrayBufferView): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function ignore(): void {}
