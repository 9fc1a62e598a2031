/**
 * `--throttle BYTES/S`: a slow link. Each frame takes its payload's size / rate to go through,
 * after the frames ahead of it, as toxiproxy's bandwidth toxic: a frame of 10 000 bytes at
 * 10 000 B/s reaches the far peer a second after the link was free. Time the link stood idle is
 * not saved up for a later burst. Frame headers are not counted. Each direction is a link of its
 * own (both directions throttled: the rate each way, as on a full-duplex line).
 *
 * `frame` waits its turn, so the relay's reading waits too and a fast sender meets backpressure,
 * as it would on the slow link. A frame is passed on whole: with --refragment before it, big
 * messages go through in small frames, spread over time.
 */
import type { Fault, RelayedFrame } from '../fault.js';
import { type FaultClock, sleep } from './context.js';

export interface ThrottleSpec {
  bytesPerSecond: number;
}

export class ThrottleFault implements Fault {
  readonly name = 'throttle';
  /** When the link is free again. */
  private freeAt = -Infinity;

  constructor(
    private readonly spec: ThrottleSpec,
    private readonly clock: FaultClock,
  ) {}

  async frame(frame: RelayedFrame, forward: (frame: RelayedFrame) => Promise<void>): Promise<void> {
    const now = this.clock.now();
    this.freeAt = Math.max(now, this.freeAt) + (frame.payload.length * 1000) / this.spec.bytesPerSecond;
    await sleep(this.clock, this.freeAt - now);
    await forward(frame);
  }
}
