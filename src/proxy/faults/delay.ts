/**
 * `--delay MS[±JITTER]`: every frame reaches the far peer MS (± JITTER, drawn per frame) after it
 * came in: latency, as toxiproxy's latency toxic, not a slower link — a burst of ten frames
 * arrives ten frames at once, MS later, not one per MS.
 *
 * So `frame` hands the frame to a queue and returns: the relay goes on reading while frames wait
 * their time. Order is kept: a frame never leaves before the one ahead of it (with jitter, some
 * wait a little longer than drawn). Two things wait for the queue instead of returning: a Close
 * frame, so that the relay, which acts on the closing handshake, sees it only once it has been
 * passed on; and a frame that would make the queue hold more than MAX_HELD_BYTES, so that a fast
 * sender meets backpressure rather than filling memory.
 */
import type { Fault, RelayedFrame } from '../fault.js';
import { type FaultClock, sleep } from './context.js';
import { CLOSE } from './message-frames.js';

export interface DelaySpec {
  ms: number;
  jitter: number;
}

export const MAX_HELD_BYTES = 16 * 1024 * 1024;

export class DelayFault implements Fault {
  readonly name = 'delay';
  /** When the last frame queued is due: no frame leaves before it. */
  private lastDue = -Infinity;
  private queue: Promise<void> = Promise.resolve();
  private heldBytes = 0;
  private failure: unknown;
  private stopped = false;

  constructor(
    private readonly spec: DelaySpec,
    private readonly clock: FaultClock,
    private readonly random: () => number,
  ) {}

  /** MS ± JITTER, uniform, never below 0. */
  private draw(): number {
    return Math.max(0, this.spec.ms + (this.random() * 2 - 1) * this.spec.jitter);
  }

  async frame(frame: RelayedFrame, forward: (frame: RelayedFrame) => Promise<void>): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const due = Math.max(this.clock.now() + this.draw(), this.lastDue);
    this.lastDue = due;
    const size = frame.payload.length;
    this.heldBytes += size;
    const passed = this.queue.then(async () => {
      await sleep(this.clock, due - this.clock.now());
      if (!this.stopped) await forward(frame);
    });
    this.queue = passed.then(
      () => {
        this.heldBytes -= size;
      },
      (error: unknown) => {
        this.heldBytes -= size;
        this.failure ??= error;
      },
    );
    if (frame.opcode === CLOSE || this.heldBytes > MAX_HELD_BYTES) await passed;
  }

  stop(): void {
    this.stopped = true;
  }
}
