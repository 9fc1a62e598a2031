import { Buffer } from 'node:buffer';
import type { HeartbeatOptions } from './socket-types.js';

/**
 * The seed's keep-alive: ping every `interval`; when no pong comes, ping again a few times,
 * each time waiting longer; then give the connection up. Timers live here, in the adapter,
 * never in the protocol core.
 */
export interface HeartbeatHooks {
  sendPing(payload: Buffer): void;
  /** No pong came after every retry: the connection counts as dead. */
  onDead(reason: string): void;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private waited: number[] = [];
  private stopped = false;
  /** Every ping gets a payload of its own, so a late pong is paired with its own ping (and RTT). */
  private sent = 0;
  private readonly retries: number;
  private readonly backoff: number;

  constructor(
    private readonly options: HeartbeatOptions,
    private readonly hooks: HeartbeatHooks,
  ) {
    this.retries = options.retries ?? 2;
    this.backoff = options.backoff ?? 2;
    if (!(options.interval > 0) || !(options.timeout > 0)) throw new RangeError('heartbeat interval and timeout must be positive');
  }

  start(): void {
    this.schedule(() => this.ping(), this.options.interval);
  }

  /** Any pong proves the peer alive: RFC 6455 §5.5.3 lets a pong answer the latest ping only. */
  pongReceived(): void {
    if (this.stopped || this.attempt === 0) return;
    this.attempt = 0;
    this.waited = [];
    this.schedule(() => this.ping(), this.options.interval);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private ping(): void {
    const wait = Math.round(this.options.timeout * this.backoff ** this.attempt);
    this.attempt++;
    this.waited.push(wait);
    this.hooks.sendPing(Buffer.from(`wscope-heartbeat-${++this.sent}`));
    this.schedule(() => this.missed(), wait);
  }

  private missed(): void {
    if (this.attempt > this.retries) {
      this.stop();
      this.hooks.onDead(`no pong after ${this.attempt} ping${this.attempt === 1 ? '' : 's'} (waited ${this.waited.join(' + ')} ms)`);
      return;
    }
    this.ping();
  }

  private schedule(fn: () => void, ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(fn, ms);
    this.timer.unref?.();
  }
}
