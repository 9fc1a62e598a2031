/**
 * The last stage of one direction: a frame, after the faults, written to the other leg. Data
 * frames go out raw (`sendFrame`), as they came: opcode, FIN, RSV bits and payload, compressed or
 * not (deflate-agreement.ts makes that valid), masked when the leg is our client. Pings, pongs and
 * Close frames go through the leg's own calls, so its state and trace know them; only one the
 * engine would refuse to send (a fault's odd close code, RSV bits on a control frame) goes raw.
 */
import type { Buffer } from 'node:buffer';
import { isSendableCloseCode, Opcode, type WebSocket } from '../index.js';
import type { RelayedFrame } from './fault.js';
import { RelayedMessageTrace } from './relay-trace.js';

/** On a compressed message's frames (any of them, copies made with `{ ...frame }` too): what it inflates to. */
export const kInflated = Symbol('wscope.relay.inflated');
export type InflatedFrame = RelayedFrame & { [kInflated]?: Buffer };

export class FrameWriter {
  private readonly trace: RelayedMessageTrace;
  /** The message being written started with RSV1 (RFC 7692 §6: compressed). */
  private compressed = false;
  /** What it inflates to, once one of its frames said. */
  private inflated: Buffer | undefined;

  constructor(
    private readonly leg: WebSocket,
    /** The leg is our client: RFC 6455 §5.3, every frame it sends is masked. */
    private readonly masks: boolean,
    private readonly highWaterMark: number,
  ) {
    this.trace = new RelayedMessageTrace(leg);
  }

  /** Resolves when the leg can take more: at once, or once its socket buffer has drained below the mark. */
  write(frame: InflatedFrame): Promise<void> {
    const leg = this.leg;
    // After our Close on this leg nothing else may follow it (RFC 6455 §5.5.1); what is still relayed is dropped.
    if (leg.readyState !== leg.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => resolve();
      if (frame.opcode < Opcode.Close) this.writeData(frame, done);
      else if (frame.opcode === Opcode.Close) this.writeClose(frame, done);
      else if (frame.opcode === Opcode.Ping && plain(frame)) leg.ping(frame.payload, done);
      else if (frame.opcode === Opcode.Pong && plain(frame)) leg.pong(frame.payload, done);
      else this.writeRaw(frame, done);
      if (leg.bufferedAmount < this.highWaterMark) resolve();
    });
  }

  private writeData(frame: InflatedFrame, done: () => void): void {
    if (frame.opcode !== Opcode.Continuation) {
      this.compressed = frame.rsv1;
      this.inflated = undefined;
    }
    this.inflated ??= frame[kInflated];
    this.writeRaw(frame, done);
    this.trace.frameWritten(frame.opcode, frame.fin, frame.payload, this.compressed, this.inflated);
  }

  private writeClose(frame: RelayedFrame, done: () => void): void {
    const { payload } = frame;
    if (plain(frame) && payload.length === 0) {
      this.leg.close();
      done();
      return;
    }
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 0;
    if (plain(frame) && payload.length >= 2 && isSendableCloseCode(code)) {
      try {
        this.leg.close(code, payload.subarray(2).toString('utf8'));
        done();
        return;
      } catch {
        // A reason over 123 bytes or not UTF-8: only a fault makes one; it goes raw, as made.
      }
    }
    this.writeRaw(frame, done);
  }

  private writeRaw(frame: RelayedFrame, done: () => void): void {
    this.leg.sendFrame(
      { opcode: frame.opcode, fin: frame.fin, rsv1: frame.rsv1, rsv2: frame.rsv2, rsv3: frame.rsv3, payload: frame.payload, mask: this.masks },
      done,
    );
  }
}

function plain(frame: RelayedFrame): boolean {
  return frame.fin && !frame.rsv1 && !frame.rsv2 && !frame.rsv3;
}
