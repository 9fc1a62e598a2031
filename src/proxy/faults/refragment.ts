/**
 * `--refragment N`: every data message leaves in frames of N payload bytes (the last one 1 to N,
 * or 0 for an empty message), whatever frames it came in. RFC 6455 §5.4: the first frame keeps
 * the message's opcode, the others are continuation frames (opcode 0), FIN only on the last.
 * RFC 7692 §6.1: a compressed message has RSV1 on its first frame only; the deflate data is cut
 * as bytes (the receiver joins the frames before inflating), so it is relayed still compressed.
 *
 * Frames are cut as bytes arrive: a message is not gathered first. The bytes of a frame that do
 * not fill N are kept until more come or FIN ends the message. Control frames are never cut
 * (§5.5: "Control frames MUST NOT be fragmented") and are passed on at once; they then sit
 * between two of the new frames, or before the message's first, where §5.4 lets them.
 */
import { Buffer } from 'node:buffer';
import type { Fault, RelayedFrame } from '../fault.js';
import { CONTINUATION, isControl } from './message-frames.js';

export interface RefragmentSpec {
  size: number;
}

export class RefragmentFault implements Fault {
  readonly name = 'refragment';
  /** Bytes of the current message not passed on yet (at most N). */
  private pending: Buffer = Buffer.alloc(0);
  /** The current message's first frame, until its first new frame has left. */
  private first: RelayedFrame | undefined;

  constructor(private readonly spec: RefragmentSpec) {}

  async frame(frame: RelayedFrame, forward: (frame: RelayedFrame) => Promise<void>): Promise<void> {
    if (isControl(frame)) return forward(frame);
    if (frame.opcode !== CONTINUATION) {
      this.first = frame;
      this.pending = Buffer.alloc(0);
    }
    let bytes = this.pending.length === 0 ? frame.payload : Buffer.concat([this.pending, frame.payload]);
    const n = this.spec.size;
    // Keep more than N back only when FIN is set: without it, the message's end is still to come.
    while (bytes.length > n) {
      await forward(this.next(frame, bytes.subarray(0, n), false));
      bytes = bytes.subarray(n);
    }
    if (frame.fin) {
      await forward(this.next(frame, bytes, true));
      this.pending = Buffer.alloc(0);
    } else {
      this.pending = Buffer.from(bytes);
    }
  }

  /**
   * A new frame of the current message, made from `from` (the frame its bytes came in) with
   * `{ ...from }`, so whatever the relay noted on the message's frames stays on them: the first
   * carries the message's opcode and RSV bits.
   */
  private next(from: RelayedFrame, payload: Buffer, fin: boolean): RelayedFrame {
    const first = this.first;
    this.first = undefined;
    if (first) return { ...from, opcode: first.opcode, fin, rsv1: first.rsv1, rsv2: first.rsv2, rsv3: first.rsv3, payload };
    return { ...from, opcode: CONTINUATION, fin, rsv1: false, rsv2: false, rsv3: false, payload };
  }
}
