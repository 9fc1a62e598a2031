/**
 * The WebSocket adapter's side of permessage-deflate: messages through zlib and back, in order
 * (see the top of deflate.ts for why the core stays synchronous).
 */
import { Buffer } from 'node:buffer';
import type { ConnectionEvent, Role } from '../protocol/connection.js';
import { ProtocolError } from '../protocol/errors.js';
import type { DeflateParams, PerMessageDeflateOptions } from '../protocol/extensions/permessage-deflate.js';
import { isValidUtf8 } from '../protocol/utf8.js';
import { PerMessageDeflate } from './deflate.js';
import type { DeflateTuning, PerMessageDeflateSetting, SendCallback } from './socket-types.js';

/** The negotiation options inside a setting, or undefined when compression is off. */
export function deflateOptions(setting: PerMessageDeflateSetting | undefined): (PerMessageDeflateOptions & DeflateTuning) | undefined {
  if (setting === false) return undefined;
  return setting === true || setting === undefined ? {} : setting;
}

/**
 * Runs steps in the order they were queued, whether a step is ready at once or waits on zlib.
 * With nothing waiting, `run` calls its step synchronously.
 */
export class InOrder {
  private readonly queue: Array<{ ready: boolean; step: () => void }> = [];

  /** `onIdle` runs each time the last waiting step has run. */
  constructor(private readonly onIdle?: () => void) {}

  /** Nothing is waiting. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  run(step: () => void): void {
    if (this.queue.length === 0) step();
    else this.queue.push({ ready: true, step });
  }

  /** Queue `work`; once it and everything before it are done, `then` gets its error or value. */
  await<T>(work: Promise<T>, then: (error: unknown, value?: T) => void): void {
    const entry = { ready: false, step: ignore };
    this.queue.push(entry);
    work.then(
      (value) => this.settle(entry, () => then(undefined, value)),
      (error: unknown) => this.settle(entry, () => then(error ?? new Error('zlib work failed'))),
    );
  }

  private settle(entry: { ready: boolean; step: () => void }, step: () => void): void {
    entry.ready = true;
    entry.step = step;
    if (this.queue[0] !== entry) return;
    while (this.queue[0]?.ready) {
      const next = this.queue.shift()!;
      try {
        next.step();
      } catch (error) {
        // A throwing step must not stall the ones behind it; the error still surfaces, uncaught.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (this.queue.length === 0) this.onIdle?.();
  }
}

/** What the session needs from its WebSocket. */
export interface DeflateSessionHost {
  /** Frame one message and write it; `compressed` sets RSV1 on its (only) frame. */
  writeMessage(payload: string | Buffer, binary: boolean, compressed: boolean, callback?: SendCallback): void;
  /** Stop reading from the socket while a message is inflated, so what waits behind it stays bounded. */
  holdReading(hold: boolean): void;
}

export class DeflateSession {
  readonly deflate: PerMessageDeflate;
  private readonly outbox = new InOrder();
  private readonly inbox: InOrder;
  private pendingBytes = 0;
  /** Set when an inflated message failed the connection: what was read after it is dropped. */
  private failed = false;

  constructor(
    params: DeflateParams,
    role: Role,
    tuning: DeflateTuning,
    private readonly maxMessageSize: number,
    private readonly host: DeflateSessionHost,
  ) {
    this.deflate = new PerMessageDeflate(params, role, tuning);
    this.inbox = new InOrder(() => host.holdReading(false));
  }

  /** Reading is held until the messages being inflated are delivered. */
  get holdsReading(): boolean {
    return !this.inbox.idle;
  }

  /** Bytes of messages handed to `send` and still being compressed. */
  get bufferedAmount(): number {
    return this.pendingBytes;
  }

  /** A data message: compressed when at least `threshold` bytes, sent after everything before it. */
  send(payload: string | Buffer, binary: boolean, callback?: SendCallback): void {
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (!this.deflate.shouldCompress(size)) {
      this.outbox.run(() => this.host.writeMessage(payload, binary, false, callback));
      return;
    }
    this.pendingBytes += size;
    this.outbox.await(this.deflate.compress(payload), (error, compressed) => {
      this.pendingBytes -= size;
      if (error) callback?.(error as Error);
      else this.host.writeMessage(compressed!, binary, true, callback);
    });
  }

  /** Anything else that goes out (a Close, raw frames): after the messages still being compressed. */
  afterSends(step: () => void): void {
    this.outbox.run(step);
  }

  /**
   * An event from the core. A compressed message is inflated (RFC 7692 §7.2.2) against
   * `maxMessageSize`, and a text one checked as UTF-8 afterwards, as the core left that to us;
   * every event is handed to `deliver` in the order it arrived. A failure goes to `fail`, and
   * the events read after that message are dropped.
   */
  receive(event: ConnectionEvent, deliver: (event: ConnectionEvent) => void, fail: (error: ProtocolError) => void): void {
    if (event.type !== 'message' || !event.compressed) {
      // Our own frames going out are still reported after a failure; only what was read is dropped.
      const outgoing = event.type === 'frame' && event.frame.direction === 'out';
      this.inbox.run(() => {
        if (!this.failed || outgoing) deliver(event);
      });
      return;
    }
    this.host.holdReading(true);
    this.inbox.await(this.deflate.decompress(event.data, this.maxMessageSize), (error, data) => {
      if (this.failed) return;
      if (error) {
        // Only the session's own close() rejects with something else, and then nobody is listening.
        if (!(error instanceof ProtocolError)) return;
        this.failed = true;
        fail(error);
      } else if (!event.binary && !isValidUtf8(data!)) {
        this.failed = true;
        fail(new ProtocolError('WS_ERR_INVALID_UTF8', 'invalid UTF-8 in text message'));
      } else {
        deliver({ ...event, data: data! });
      }
    });
  }

  /** A step that must wait for the messages still being inflated, even after a failure (the final 'close'). */
  afterReceives(step: () => void): void {
    this.inbox.run(step);
  }

  close(): void {
    this.deflate.close();
  }
}

function ignore(): void {}
