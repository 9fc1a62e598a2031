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
 */
import type { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { type ClientOptions, WebSocket } from '../index.js';

export interface LoadSocketRun<User> {
  /** A message for `user` arrived at `now` (performance.now() ms). */
  received(user: User, data: Buffer, now: number): void;
}

/** `user` and `run` are fields, not a closure: the run's shared listeners find them on the socket. */
export class LoadSocket<User> extends WebSocket {
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

  protected override receive(chunk: Buffer): void {
    this.readAt = performance.now();
    try {
      super.receive(chunk);
    } finally {
      this.readAt = -1;
    }
  }

  protected override receiveMessage(data: Buffer): void {
    this.run.received(this.user, data, this.readAt >= 0 ? this.readAt : performance.now());
  }
}
