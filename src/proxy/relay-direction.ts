/**
 * One direction of a relayed connection: the frames one leg receives, in order, through the
 * direction's chain of faults (fault.ts), to the FrameWriter of the other leg.
 *
 * Backpressure, end to end: a frame waits for the one before it (the chain's contract), the
 * writer's promise waits while the far leg's socket is over its high-water mark, and frames that
 * came meanwhile are queued; once the queue holds more than the mark, reading from this leg stops
 * until it drains. What the relay holds stays bounded by the mark plus one read (and one message
 * while it is inflated), however slowly the far end reads.
 */
import type { Buffer } from 'node:buffer';
import type { ObservedFrame, WebSocket } from '../index.js';
import type { Fault, RelayDirection, RelayedFrame, RelayLink } from './fault.js';
import { FrameWriter, kInflated, type InflatedFrame } from './frame-writer.js';

export interface DirectionLink {
  conn: number;
  opened: number;
  close(code: number, reason: string): void;
  reset(): void;
}

export class RelayStream {
  frames = 0;
  messages = 0;
  /** A Close frame came from this leg's peer (and was passed on). */
  sawClose = false;
  /**
   * The frame that came last, passed on once the leg's next event (or a microtask) shows the leg
   * took it. A frame breaking the protocol is observed before the leg fails on it; an error right
   * after a frame drops that frame (it was the bad one, or the last one of a read that fails the
   * connection anyway), and the other leg learns the failure from the Close (relay.ts).
   */
  private last: ObservedFrame | undefined;
  private readonly flushLast = (): void => {
    const frame = this.last;
    if (!frame) return;
    this.last = undefined;
    this.received(frame);
  };
  private readonly queue: InflatedFrame[] = [];
  private queuedBytes = 0;
  private pumping = false;
  /** Frames of a compressed message, held until the leg has inflated it (its 'message' comes after its frames). */
  private held: InflatedFrame[] | undefined;
  private inCompressed = false;
  private pausedByBackpressure = false;
  private pausedByFault = false;
  private onIdle: (() => void) | undefined;
  private readonly writer: FrameWriter;
  readonly link: RelayLink;

  constructor(
    readonly direction: RelayDirection,
    private readonly source: WebSocket,
    target: WebSocket,
    targetMasks: boolean,
    private readonly faults: readonly Fault[],
    private readonly highWaterMark: number,
    relay: DirectionLink,
  ) {
    this.writer = new FrameWriter(target, targetMasks, highWaterMark);
    const stream = this;
    this.link = {
      direction,
      conn: relay.conn,
      get frames() {
        return stream.frames;
      },
      get messages() {
        return stream.messages;
      },
      elapsed: () => performance.now() - relay.opened,
      close: (code, reason) => relay.close(code, reason),
      reset: () => relay.reset(),
      stopReading: () => {
        this.pausedByFault = true;
        source.pause();
      },
      resumeReading: () => {
        this.pausedByFault = false;
        if (!this.pausedByBackpressure) source.resume();
      },
    };
    source.on('frame', (frame: ObservedFrame) => {
      if (frame.direction !== 'in') return;
      this.flushLast();
      this.last = frame;
      queueMicrotask(this.flushLast);
    });
    source.on('message', (data: Buffer, _binary: boolean, info?: { compressed: boolean }) => {
      this.flushLast();
      if (info?.compressed) this.inflated(data);
    });
    // The frame the leg refused is reported ('frame'), then the error, in the same dispatch: it is not relayed.
    source.on('error', () => {
      this.last = undefined;
    });
  }

  /**
   * The leg has closed: `step` runs once every frame it received has been written (or dropped by
   * a fault). Its 'close' comes after every message it inflated, so frames still held belong to
   * one that failed to inflate (the leg closed with 1007): they are dropped with it.
   */
  finish(step: () => void): void {
    this.flushLast();
    this.held = undefined;
    if (!this.pumping && this.queue.length === 0) step();
    else this.onIdle = step;
  }

  private received(observed: ObservedFrame): void {
    const frame: InflatedFrame = {
      opcode: observed.opcode,
      fin: observed.fin,
      rsv1: observed.rsv1,
      rsv2: observed.rsv2,
      rsv3: observed.rsv3,
      payload: observed.payload,
    };
    if (frame.opcode === 0x8) this.sawClose = true;
    if (frame.opcode < 0x8) {
      if (frame.opcode !== 0) {
        this.inCompressed = frame.rsv1;
        this.messages++;
      }
      if (this.inCompressed) {
        (this.held ??= []).push(frame);
        this.frames++;
        return;
      }
    }
    this.frames++;
    this.enqueue(frame);
  }

  /** A compressed message was inflated by the leg: its frames go on, each knowing what the message holds (for the far leg's trace). */
  private inflated(data: Buffer): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    for (const frame of held) {
      frame[kInflated] = data;
      this.enqueue(frame);
    }
  }

  private enqueue(frame: InflatedFrame): void {
    this.queue.push(frame);
    this.queuedBytes += frame.payload.length;
    if (this.queuedBytes > this.highWaterMark && !this.pausedByBackpressure) {
      this.pausedByBackpressure = true;
      this.source.pause();
    }
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.queue.length > 0) {
      const frame = this.queue.shift()!;
      try {
        await this.forward(frame, 0);
      } catch {
        // A fault that throws loses its frame, never the relay: the frames behind it go on.
      }
      this.queuedBytes -= frame.payload.length;
      if (this.pausedByBackpressure && this.queuedBytes <= this.highWaterMark / 2) {
        this.pausedByBackpressure = false;
        if (!this.pausedByFault) this.source.resume();
      }
    }
    this.pumping = false;
    if (this.onIdle) {
      const step = this.onIdle;
      this.onIdle = undefined;
      step();
    }
  }

  /** Through the faults from `index` on, then to the writer. */
  private forward(frame: RelayedFrame, index: number): Promise<void> {
    const fault = this.faults[index];
    if (!fault) return this.writer.write(frame);
    return fault.frame(frame, (next) => this.forward(next, index + 1), this.link);
  }
}
