/**
 * permessage-deflate's compression (RFC 7692 §7.2) with node:zlib, per connection.
 *
 * How the pure core crosses zlib's asynchronous step: it does not. The core stays synchronous
 * and only knows about RSV1: on the way in it hands over whole messages marked `compressed`
 * (their UTF-8 unchecked), on the way out it frames whatever payload it is given. The adapter
 * puts zlib between the two (deflate-session.ts), and an `InOrder` queue per direction keeps
 * the order:
 *
 * - incoming: every event after a compressed message waits in the inbox until that message
 *   is inflated (then UTF-8-checked, for text); the socket is paused meanwhile, so what
 *   waits is bounded by what was already read.
 * - outgoing: every message, Close and raw frame sent after a message being compressed waits
 *   in the outbox; with nothing waiting, a send goes straight to the core, synchronously.
 *   Pings and pongs do not wait: control frames may come between messages (RFC 6455 §5.4),
 *   and the core answers a peer's ping or Close at once anyway.
 *
 * Each PerMessageDeflate also runs its own zlib calls one at a time per direction (a zlib
 * stream carries the LZ77 window from one message to the next, so order is part of the data),
 * and every connection's zlib work passes through one process-wide limiter: the thread pool
 * and memory fragmentation are shared (nodejs/node#8871, websockets/ws#1202).
 *
 * One zlib call per message and direction: both streams are made with `flush: Z_SYNC_FLUSH`, so
 * a single `write` compresses (or inflates) and flushes in one trip to the thread pool, where a
 * `write` and then a `flush()` take two (and inflating a payload, then its tail, then a flush,
 * three). On a small message the zlib work itself is a few microseconds; the trips cost far
 * more: each wakes a pool thread and the main thread again (futex waits, context switches).
 *
 * Memory: zlib streams are created on first use and, when the direction has no context
 * takeover, freed after each message, so an idle connection without context takeover holds
 * no zlib memory. Inflating stops at the first output chunk past the size limit.
 *
 * Window bits 8: zlib refuses a raw deflate stream with a 256-byte window, and node:zlib
 * silently turns windowBits 8 into 9 for DeflateRaw (as ws relies on). That is safe: zlib never
 * emits a distance beyond windowSize - 262 bytes, 250 for a 512-byte window, so the output is
 * still readable with the 256-byte window the peer was promised (a test checks it). Inflating
 * with 8 works as it is.
 */
import { Buffer } from 'node:buffer';
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import { ProtocolError } from '../protocol/errors.js';
import { localDeflateParams, type DeflateParams } from '../protocol/extensions/permessage-deflate.js';
import type { Role } from '../protocol/connection.js';
import type { DeflateTuning, ZlibSlots } from './socket-types.js';

/** RFC 7692 §7.2.1: a sync flush ends in an empty stored block, 00 00 FF FF, which is not sent. */
const SYNC_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
/**
 * Up to this size a compressed payload is copied together with its tail, so that inflating it is
 * one zlib call; a larger one is written as it is, then the tail (two calls, no copy).
 */
const JOIN_TAIL_BELOW = 16 * 1024;
const EMPTY_BLOCK = Buffer.from([0x00]);

export const DEFAULT_THRESHOLD = 1024;
export const DEFAULT_ZLIB_CONCURRENCY = 10;

/** A FIFO of jobs with at most `concurrency` running at once. */
export class ZlibLimiter {
  concurrency: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(concurrency = DEFAULT_ZLIB_CONCURRENCY) {
    this.concurrency = concurrency;
  }

  /** Jobs running now. */
  get active(): number {
    return this.running;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        job()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.shift()?.();
          });
      };
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
  }
}

/** Shared by every connection in the process; set `concurrency` before heavy use to change it. */
export const zlibLimiter = new ZlibLimiter();

export class PerMessageDeflate {
  readonly params: DeflateParams;
  readonly threshold: number;
  private readonly local: ReturnType<typeof localDeflateParams>;
  private readonly level: number;
  private readonly memLevel: number;
  private readonly limiter: ZlibSlots;
  private deflater: DeflateRaw | undefined;
  private inflater: InflateRaw | undefined;
  private deflating: Promise<unknown> = SETTLED;
  private inflating: Promise<unknown> = SETTLED;
  private closed = false;
  /** Reject the zlib call in flight in each direction, if any: a closed stream may never call back. */
  private abortDeflate: (() => void) | undefined;
  private abortInflate: (() => void) | undefined;

  constructor(params: DeflateParams, role: Role, tuning: DeflateTuning = {}) {
    this.params = params;
    this.local = localDeflateParams(params, role);
    this.threshold = tuning.threshold ?? DEFAULT_THRESHOLD;
    this.level = tuning.level ?? constants.Z_DEFAULT_COMPRESSION;
    this.memLevel = tuning.memLevel ?? 8;
    this.limiter = tuning.limiter ?? zlibLimiter;
  }

  /** Below the threshold, compressing costs more than it saves. */
  shouldCompress(byteLength: number): boolean {
    return byteLength >= this.threshold;
  }

  /** The payload of a compressed message (RSV1 goes on its first frame). Calls complete in call order. */
  compress(data: Uint8Array | string): Promise<Buffer> {
    const result = this.deflating.then(() => this.limiter.run(() => this.deflateOne(data)));
    this.deflating = result.catch(ignore);
    return result;
  }

  /**
   * A compressed message's payload, inflated. Rejects with ProtocolError WS_ERR_MESSAGE_TOO_BIG
   * (1009) as soon as the output passes `maxSize`, and WS_ERR_INVALID_COMPRESSED_DATA (1007)
   * when the data is not DEFLATE. Calls complete in call order.
   */
  decompress(payload: Uint8Array, maxSize: number): Promise<Buffer> {
    const result = this.inflating.then(() => this.limiter.run(() => this.inflateOne(payload, maxSize)));
    this.inflating = result.catch(ignore);
    return result;
  }

  /** Free the zlib streams; calls still waiting reject. */
  close(): void {
    this.closed = true;
    this.abortDeflate?.();
    this.abortInflate?.();
    if (this.deflater) this.drop(this.deflater);
    if (this.inflater) this.drop(this.inflater);
  }

  private async deflateOne(data: Uint8Array | string): Promise<Buffer> {
    if (this.closed) throw closedError();
    const input = typeof data === 'string' ? Buffer.from(data) : data;
    // An empty write after a sync flush gives nothing (zlib will not flush twice in a row), so an
    // empty message is written by hand: RFC 7692 §7.2.3.6, an empty stored block, 00 once its
    // tail is removed. It takes nothing from the window, and the stream stays byte-aligned.
    if (input.length === 0) return Buffer.from(EMPTY_BLOCK);
    const deflater = (this.deflater ??= this.watch(
      createDeflateRaw({ windowBits: this.local.deflateWindowBits, level: this.level, memLevel: this.memLevel, flush: constants.Z_SYNC_FLUSH }),
    ));
    const { chunks, size } = await this.pump(deflater, [input], {
      failure: (error) => new ProtocolError('WS_ERR_INTERNAL', `compression failed: ${error.message}`),
      setAbort: (abort) => (this.abortDeflate = abort),
    });
    const out = Buffer.concat(chunks, size);
    if (size < 4 || !out.subarray(size - 4).equals(SYNC_TAIL)) {
      this.drop(deflater);
      throw new ProtocolError('WS_ERR_INTERNAL', 'compression failed: no sync flush marker');
    }
    // RFC 7692 §7.2.1: with no context takeover, "the compressor ... MUST start with an empty LZ77 sliding window".
    if (this.local.deflateNoContextTakeover) this.drop(deflater);
    return out.subarray(0, size - 4);
  }

  private async inflateOne(payload: Uint8Array, maxSize: number): Promise<Buffer> {
    if (this.closed) throw closedError();
    const inflater = (this.inflater ??= this.watch(createInflateRaw({ windowBits: this.local.inflateWindowBits, flush: constants.Z_SYNC_FLUSH })));
    // RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of the message."
    const inputs = payload.length < JOIN_TAIL_BELOW ? [Buffer.concat([payload, SYNC_TAIL])] : [payload, SYNC_TAIL];
    const { chunks, size } = await this.pump(inflater, inputs, {
      maxSize,
      tooBig: () => new ProtocolError('WS_ERR_MESSAGE_TOO_BIG', `message over the ${maxSize}-byte limit once inflated`),
      failure: (error) => new ProtocolError('WS_ERR_INVALID_COMPRESSED_DATA', `invalid compressed data: ${error.message}`),
      setAbort: (abort) => (this.abortInflate = abort),
    });
    // A message may end with a BFINAL block (RFC 7692 §7.2.3.4); the stream is then over
    // and the next message starts a new one.
    if (this.local.inflateNoContextTakeover || inflater.readableEnded) this.drop(inflater);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  }

  /**
   * Write `inputs` to a zlib stream (each write ends in a sync flush, see the top of the file)
   * and collect the output until the last one is done. Every outcome removes the
   * listeners; an error or output past `maxSize` drops the stream (zlib stops there: the rest
   * is never produced, let alone kept); `setAbort` lets close() settle a call in flight.
   */
  private pump(
    stream: DeflateRaw | InflateRaw,
    inputs: Uint8Array[],
    how: { maxSize?: number; tooBig?: () => Error; failure: (error: Error) => Error; setAbort: (abort: (() => void) | undefined) => void },
  ): Promise<{ chunks: Buffer[]; size: number }> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = () => {
        settled = true;
        how.setAbort(undefined);
        stream.off('data', onData);
        stream.off('error', onError);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (how.maxSize !== undefined && size > how.maxSize) {
          settle();
          this.drop(stream);
          reject(how.tooBig!());
          return;
        }
        chunks.push(chunk);
      };
      const onError = (error: Error) => {
        if (settled) return;
        settle();
        this.drop(stream);
        reject(how.failure(error));
      };
      how.setAbort(() => {
        settle();
        reject(closedError());
      });
      stream.on('data', onData);
      stream.on('error', onError);
      const done = () => {
        if (settled) return;
        settle();
        resolve({ chunks, size });
      };
      const last = inputs.length - 1;
      for (let i = 0; i < last; i++) stream.write(inputs[i]!);
      stream.write(inputs[last]!, (error?: Error | null) => (error ? onError(error) : done()));
    });
  }

  /** Forget a stream as soon as it ends (a BFINAL block), so the next message gets a fresh one. */
  private watch<T extends DeflateRaw | InflateRaw>(stream: T): T {
    stream.once('end', () => {
      if (this.inflater === stream) this.inflater = undefined;
      if (this.deflater === stream) this.deflater = undefined;
    });
    return stream;
  }

  private drop(stream: DeflateRaw | InflateRaw): void {
    if (this.deflater === stream) this.deflater = undefined;
    if (this.inflater === stream) this.inflater = undefined;
    // A stream closed mid-write may still report an error; nobody is listening any more.
    stream.on('error', ignore);
    stream.close();
  }
}

function closedError(): Error {
  return Object.assign(new Error('permessage-deflate: the connection is closed'), { code: 'WS_ERR_DEFLATE_CLOSED' });
}

function ignore(): void {}

/** Where each direction's chain of zlib calls starts: shared, one less object per connection. */
const SETTLED: Promise<unknown> = Promise.resolve();
