/**
 * A connection of a scenario: our WebSocket (public API) with everything it received queued in
 * order — messages, pings, pongs — and its close, so steps can take what came, in turn, and wait
 * for what has not come yet. Fault steps reach the socket itself (`socket.sendFrame`, `sendRaw`,
 * `pause`, `terminate`).
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { traceConnectionId, type WebSocket } from '../index.js';
import type { Payload } from '../templating/index.js';

export type Received =
  /** `at`: performance.now() when it arrived, for timing (`time` is the wall clock). */
  | { kind: 'message'; data: Buffer; binary: boolean; time: number; at: number }
  | { kind: 'ping'; data: Buffer; time: number }
  | { kind: 'pong'; data: Buffer; rtt: number | undefined; time: number };

export type ReceivedKind = Received['kind'];

export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
  time: number;
  /** The error the socket reported before closing (a protocol error, a reset), if any. */
  error?: Error;
}

/** What waiting for something gave: it, or the time ran out, or the connection closed first. */
export type Taken<K extends ReceivedKind> = { item: Extract<Received, { kind: K }> } | { timedOut: true } | { closed: CloseInfo };

export class ScenarioConnection {
  private readonly queues: { [K in ReceivedKind]: Array<Extract<Received, { kind: K }>> } = { message: [], ping: [], pong: [] };
  private readonly waiters = new Set<() => void>();
  private lastError: Error | undefined;
  /** What `take` last gave a step (a load tester times the reply an `expect` checked). */
  lastTaken: Received | undefined;
  /** Payload bytes handed to `send`. */
  bytesSent = 0;
  /** Set once the socket has closed. */
  closeInfo: CloseInfo | undefined;
  readonly closed: Promise<CloseInfo>;
  /** The trace's id for this connection (`conn` in its events); read now, as the trace forgets it at the close. */
  readonly traceId: number | undefined;

  constructor(
    /** `as:` in the file; `default` for an unnamed one. */
    readonly name: string,
    /** The WebSocket, open. */
    readonly socket: WebSocket,
  ) {
    this.traceId = traceConnectionId(socket);
    socket.on('message', (data: Buffer, binary: boolean) => this.push({ kind: 'message', data, binary, time: Date.now(), at: performance.now() }));
    socket.on('ping', (data: Buffer) => this.push({ kind: 'ping', data, time: Date.now() }));
    socket.on('pong', (data: Buffer, rtt?: number) => this.push({ kind: 'pong', data, rtt, time: Date.now() }));
    socket.on('error', (error: Error) => {
      this.lastError = error;
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer | string, wasClean: boolean) => {
        this.closeInfo = {
          code,
          reason: Buffer.isBuffer(reason) ? reason.toString('utf8') : String(reason ?? ''),
          wasClean: Boolean(wasClean),
          time: Date.now(),
          ...(this.lastError !== undefined && { error: this.lastError }),
        };
        resolve(this.closeInfo);
        this.wake();
      });
    });
  }

  /** How many of `kind` are waiting to be taken. */
  pending(kind: ReceivedKind): number {
    return this.queues[kind].length;
  }

  /** Send a message; resolves once handed to the kernel (rejects when the connection is not open). */
  send(payload: Payload): Promise<void> {
    this.bytesSent += Buffer.byteLength(payload.data);
    return payload.binary ? this.socket.sendAsync(payload.data, { binary: true }) : this.socket.sendAsync(payload.data);
  }

  /**
   * The next `kind` received (oldest first), waiting up to `timeoutMs` for one. A close ends the
   * wait only when nothing of that kind is left: what came before the Close is still taken first.
   */
  take<K extends ReceivedKind>(kind: K, timeoutMs: number, signal: AbortSignal): Promise<Taken<K>> {
    return new Promise((resolve, reject) => {
      const queue = this.queues[kind] as Array<Extract<Received, { kind: K }>>;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (result: Taken<K> | Error) => {
        done = true;
        clearTimeout(timer);
        this.waiters.delete(check);
        signal.removeEventListener('abort', onAbort);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const check = () => {
        const item = queue.shift();
        if (item) {
          this.lastTaken = item;
          finish({ item });
        } else if (this.closeInfo) finish({ closed: this.closeInfo });
      };
      const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) return onAbort();
      check();
      if (done) return;
      timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
      this.waiters.add(check);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wait for the close (or the timeout); resolves undefined when it did not come in time. */
  waitForClose(timeoutMs: number, signal: AbortSignal): Promise<CloseInfo | undefined> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const done = (info: CloseInfo | undefined) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(info);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.closed.then(done);
    });
  }

  /** End the connection when the scenario is over: a closing handshake if still open, cut after `graceMs`. */
  async end(graceMs: number): Promise<void> {
    if (this.closeInfo) return;
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(1000);
    const timer = setTimeout(() => this.socket.terminate(), graceMs);
    await this.closed;
    clearTimeout(timer);
  }

  private push(item: Received): void {
    (this.queues[item.kind] as Received[]).push(item);
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
