/**
 * `--corrupt [P]`: one byte of each data message (with probability P, every message by default)
 * is changed on its way, in the first frame of the message that has payload.
 *
 * - Text: the byte is XORed with 0xFF. That always breaks valid UTF-8: an ASCII byte becomes a
 *   byte ≥ 0x80 that has no lead before it or no continuation after it, a lead byte becomes
 *   ASCII and orphans its continuations, a continuation byte becomes ASCII and cuts its
 *   character short. RFC 6455 §8.1: the far peer "MUST _Fail the WebSocket Connection_", 1007.
 * - Binary: the same flip. Binary data has no rule it could break, so the far peer gets the
 *   message with one byte changed, and nothing fails: what the application makes of it is the
 *   test.
 * - Compressed (RSV1, RFC 7692): the deflate data's first byte gets block type 11, which
 *   RFC 1951 §3.2.3 reserves as an error. Each message starts a new block on a byte boundary
 *   (the sender ended the one before with a sync flush, §7.2.1), so inflating it fails for sure,
 *   text or binary: ws closes with 1007, Python websockets with 1002 ("decompression failed"). Flipping a byte inside the deflate data instead might still inflate, to anything.
 *
 * Every corrupted message is reported, with the byte changed.
 */
import { Buffer } from 'node:buffer';
import type { Fault, RelayedFrame, RelayLink } from '../fault.js';
import type { FaultNote } from './context.js';
import { isControl, kindOf, startsMessage } from './message-frames.js';

export interface CorruptSpec {
  probability: number;
}

/** RFC 1951 §3.2.3: BFINAL is bit 0 of the block header, BTYPE bits 1-2; 11 is "reserved (error)". */
const RESERVED_BLOCK_TYPE = 0b110;

interface Target {
  opcode: number;
  compressed: boolean;
}

export class CorruptFault implements Fault {
  readonly name = 'corrupt';
  /** The message whose byte is still to be changed (its frames so far had no payload). */
  private target: Target | undefined;

  constructor(
    private readonly spec: CorruptSpec,
    private readonly random: () => number,
    private readonly report: (note: FaultNote) => void,
  ) {}

  async frame(frame: RelayedFrame, forward: (frame: RelayedFrame) => Promise<void>, link: RelayLink): Promise<void> {
    if (isControl(frame)) return forward(frame);
    if (startsMessage(frame)) {
      this.target = this.random() < this.spec.probability ? { opcode: frame.opcode, compressed: frame.rsv1 } : undefined;
    }
    const target = this.target;
    if (!target || frame.payload.length === 0) return forward(frame);
    this.target = undefined;
    return forward(this.corrupted(frame, target, link));
  }

  private corrupted(frame: RelayedFrame, target: Target, link: RelayLink): RelayedFrame {
    const payload = Buffer.from(frame.payload);
    const at = target.compressed ? 0 : Math.floor(this.random() * payload.length);
    const before = payload[at]!;
    payload[at] = target.compressed ? before | RESERVED_BLOCK_TYPE : before ^ 0xff;
    const what = target.compressed
      ? `gave a compressed ${kindOf(target.opcode)} message a reserved deflate block type (byte 0: 0x${hex(before)} → 0x${hex(payload[at]!)})`
      : `flipped byte ${at} of a ${kindOf(target.opcode)} message (0x${hex(before)} → 0x${hex(payload[at]!)})`;
    this.report({ direction: link.direction, fault: this.name, what });
    return { ...frame, payload };
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
